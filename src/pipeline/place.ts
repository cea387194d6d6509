// The last stage of the generation pipeline: one chosen test method → one text edit of the test file
// (created when missing), with the location and framework that preparation found (src/java/placement.ts
// does the Java work: imports, a free method name, the file's indentation and line ends).
import path from 'node:path';
import { isFatalPlacementError, placeTest } from '../java/placement';
import type { PreparedTest } from './prepare';

export interface Placed {
  path: string;
  created: boolean;
  newText: string; // replaces [start, end) of the current test file text (the whole text when created)
  start: number;
  end: number;
  fileText: string; // the whole test file after the edit
  methodOffset?: number; // where the new method's line starts in `fileText`
  testMethodName: string;
}

/** `currentTestText`: the test file's text now (an unsaved editor buffer, or disk); undefined = no file yet. */
export async function placeMethod(prepared: PreparedTest, method: string, currentTestText: string | undefined): Promise<{ value?: Placed; errors: string[]; warnings: string[] }> {
  const r = await placeTest({
    projectRoot: prepared.projectRoot,
    focalFile: prepared.focalPath,
    focalSource: prepared.focalText,
    testMethod: method,
    framework: prepared.framework,
    mockito: prepared.mockito,
    location: prepared.location,
    existingTestText: currentTestText,
  });
  const fatal = r.errors.filter(isFatalPlacementError);
  if (r.edit.insertText === '' || fatal.length) return { errors: fatal.length ? fatal : r.errors.length ? r.errors : ['nothing to place'], warnings: [] };
  const at = r.text.indexOf(`${r.methodName}(`, r.edit.offset);
  return {
    value: {
      path: path.resolve(r.path),
      created: r.created,
      newText: r.edit.insertText,
      start: r.edit.offset,
      end: r.edit.offset + r.edit.deleteLength,
      fileText: r.text,
      methodOffset: at < 0 ? undefined : r.text.lastIndexOf('\n', at) + 1,
      testMethodName: r.methodName,
    },
    errors: [],
    warnings: r.errors,
  };
}
