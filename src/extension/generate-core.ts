// The plain-TS steps of "Generate test" around the model call (no `vscode` import): find the method at
// the cursor and say clearly why it cannot be tested, find where its test goes and which framework,
// build the focal context; then turn the model's completion into one test method and one text edit.
// Each step is the core's (src/java/); this file only strings them together.
import path from 'node:path';
import type { TestTuneSettings } from '../config/settings';
import { buildContext } from '../java/context';
import { detectFramework, type Framework } from '../java/framework';
import { findTestLocation } from '../java/location';
import { listMethods, methodAtLine, type JavaMethod } from '../java/methods';
import { completeTestMethod, placeTestMethod, type PlaceContext } from './generate-place';

export interface PrepareInput {
  focalPath: string;
  focalText: string;
  line: number; // 0-based
  workspaceRoot?: string;
  settings: TestTuneSettings;
  readFile(p: string): string | undefined; // open (maybe dirty) document or disk
}

export interface PreparedTest {
  prompt: string;
  method: JavaMethod;
  methodKey: string; // stable per method: Enclosing.name(params)
  methodLabel: string; // for messages
  testFile: string;
  testClassName: string;
  packageName: string;
  testExists: boolean;
  testMethodName: string;
  framework: Framework;
  mockito: boolean;
  place: PlaceContext;
}

export interface Placed {
  path: string;
  created: boolean;
  newText: string; // replaces [start, end) of the current test file text (the whole text when created)
  start: number;
  end: number;
  methodOffset?: number; // where the new method starts in the resulting text
  testMethodName: string;
}

export interface Result<T> {
  value?: T;
  errors: string[];
  warnings: string[];
}

function whyNotTestable(m: JavaMethod): string {
  if (m.kind === 'constructor') return `${m.name} is a constructor: put the cursor in a method`;
  if (m.modifiers.includes('abstract')) return `${m.name} is abstract: there is no code to test`;
  if (m.modifiers.includes('native')) return `${m.name} is native: there is no Java code to test`;
  if (m.enclosingType.includes('<anonymous>')) return `${m.name} is in an anonymous class, which a test cannot call directly`;
  return `${m.name} has no body or is in a local class, which a test cannot call directly`;
}

export async function prepareTest(i: PrepareInput): Promise<Result<PreparedTest>> {
  const warnings: string[] = [];
  const listing = await listMethods(i.focalText);
  const m = methodAtLine(listing.methods, i.line);
  if (!m) {
    const err = listing.errors.length ? ` (${listing.errors[0]})` : '';
    return { errors: [`the cursor (line ${i.line + 1}) is not inside a method${err}`], warnings };
  }
  if (!m.testable) return { errors: [whyNotTestable(m)], warnings };
  for (const e of listing.errors) warnings.push(`${path.basename(i.focalPath)}: ${e}`);

  const root = i.workspaceRoot ?? path.dirname(i.focalPath);
  const loc = findTestLocation(root, i.focalPath, { testRootOverride: i.settings.testSourceRoot || undefined });
  for (const e of loc.errors) if (!e.startsWith('cannot read')) warnings.push(`test location: ${e}`);
  const testText = loc.exists ? i.readFile(loc.testFile) : undefined;
  const fw = detectFramework(root, testText);
  const framework: Framework = i.settings.testFramework === 'auto' ? fw.framework : i.settings.testFramework;

  const ctx = await buildContext(i.focalText, { line: m.nameLine }, { testSource: testText, testClassName: loc.testClassName, framework });
  for (const e of ctx.errors) warnings.push(`context: ${e}`);
  if (!ctx.context || !ctx.testMethodName) return { errors: ctx.errors.length ? ctx.errors : ['could not build the focal context'], warnings };
  const label = `${m.enclosingType ? m.enclosingType + '.' : ''}${m.name}(${m.parameterTypes.join(', ')})`;
  return {
    value: {
      prompt: ctx.context,
      method: m,
      methodKey: label,
      methodLabel: label,
      testFile: loc.testFile,
      testClassName: loc.testClassName,
      packageName: loc.packageName,
      testExists: loc.exists,
      testMethodName: ctx.testMethodName,
      framework,
      mockito: fw.mockito,
      place: { projectRoot: root, focalFile: i.focalPath, focalSource: i.focalText, testRootOverride: i.settings.testSourceRoot || undefined },
    },
    errors: [],
    warnings,
  };
}

/** Model completion → one test method → one edit of the test file (created when missing). */
export async function finishTest(p: PreparedTest, completion: string, readFile: (p: string) => string | undefined): Promise<Result<Placed>> {
  const method = await completeTestMethod(p, completion);
  if (!method.value) return { errors: method.errors, warnings: [] };
  const current = p.testExists ? readFile(p.testFile) : undefined;
  return placeTestMethod(p, method.value, current);
}
