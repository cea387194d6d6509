// Model completion → one test method (src/java/extract.ts) → one text edit of the test file
// (src/java/placement.ts). No `vscode` import.
import path from 'node:path';
import { extractTestMethod } from '../java/extract';
import { placeTest } from '../java/placement';
import type { Placed, PreparedTest, Result } from './generate-core';

/** The annotation + signature lines the prompt ends with (the model continues with the body). */
export function promptSignature(prompt: string): string | undefined {
  if (!/\{\n?$/.test(prompt)) return undefined;
  const at = prompt.lastIndexOf('@Test');
  if (at < 0) return undefined;
  return prompt.slice(prompt.lastIndexOf('\n', at) + 1);
}

export async function completeTestMethod(p: PreparedTest, completion: string): Promise<{ value?: string; errors: string[] }> {
  // The signature keeps the prompt's indentation; placement re-indents the whole method, so start flush.
  const signature = promptSignature(p.prompt)?.replace(/^[ \t]+/gm, '');
  const r = await extractTestMethod(completion, signature ? { signature } : {});
  if (!r.method || !r.complete) return { errors: r.errors.length ? r.errors : ['no complete method in the output'] };
  return { value: r.method, errors: [] };
}

export interface PlaceContext {
  projectRoot: string;
  focalFile: string;
  focalSource: string;
  testRootOverride?: string;
}

/** One edit: [start, end) of the current test text → newText; created files get their whole text. */
export async function placeTestMethod(p: PreparedTest & { place: PlaceContext }, method: string, current: string | undefined): Promise<Result<Placed>> {
  const r = await placeTest({
    projectRoot: p.place.projectRoot,
    focalFile: p.place.focalFile,
    focalSource: p.place.focalSource,
    testMethod: method,
    framework: p.framework,
    testRootOverride: p.place.testRootOverride,
    existingTestText: current,
  });
  const fatal = r.errors.filter((e) => /would not parse|not exactly one|no test class|not laid out/.test(e));
  if (r.edit.insertText === '' || fatal.length) return { errors: fatal.length ? fatal : r.errors.length ? r.errors : ['nothing to place'], warnings: [] };
  const at = r.text.indexOf(`${r.methodName}(`, r.edit.offset);
  const lineStart = at < 0 ? undefined : r.text.lastIndexOf('\n', at) + 1;
  return {
    value: {
      path: path.resolve(r.path),
      created: r.created,
      newText: r.edit.insertText,
      start: r.edit.offset,
      end: r.edit.offset + r.edit.deleteLength,
      methodOffset: lineStart,
      testMethodName: r.methodName,
    },
    errors: [],
    warnings: r.errors,
  };
}
