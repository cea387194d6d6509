// Stage 1 of the generation pipeline: from a focal file and a method selector to everything the later
// stages need — the focal method, its Methods2Test prompt, where its test goes (file, class, package),
// the test framework — found once here and never recomputed downstream. Plain TS (no `vscode`); the
// extension, `testtune generate`/`demo` call it. Never throws: problems come back as messages.
import path from 'node:path';
import type { TestFrameworkSetting } from '../config/settings';
import { buildContext, type MethodSelector } from '../java/context';
import { parameterConstructors } from './parameter-constructors';
import { detectFramework, type Framework } from '../java/framework';
import { findTestLocation, type TestLocation } from '../java/location';
import { listMethods, type JavaMethod } from '../java/methods';
import { buildScope } from '../symbols/build-scope';
import type { SymbolScope } from '../symbols/scope';
import type { SymbolIndex } from '../symbols/symbol-index';
import { projectValues } from './project-values';
import { seedsFor, type Seed } from './seed';
import { promptSignature } from './prompt';

export interface PrepareInput {
  focalPath: string;
  focalText: string;
  selector: MethodSelector; // { line } is 0-based
  /** The project (workspace folder) root; default: the focal file's folder. */
  projectRoot?: string;
  testFramework?: TestFrameworkSetting; // 'auto' (default): from the build files and the test class
  testSourceRoot?: string; // '' or undefined: from the Maven/Gradle layout
  /** An open (maybe unsaved) document's text, else the file on disk, else undefined. */
  readFile(filePath: string): string | undefined;
  /** Where the Java parsing runs: this thread (default) or a worker (the editor: src/java/analysis-thread.ts). */
  analysis?: JavaAnalysis;
  /** A prompt experiment, off by default: the parameter types' constructors before the context (./parameter-constructors.ts). */
  parameterConstructors?: boolean;
  /** The project's symbol index (src/symbols/), maybe still being built: `symbols` is then computed from it. */
  symbolIndex?: SymbolIndex;
}

/** The two analyses preparation needs; `JavaAnalysisThread` runs them on a worker thread. */
export interface JavaAnalysis {
  buildContext: typeof buildContext;
  listMethods: typeof listMethods;
}
const IN_THREAD: JavaAnalysis = { buildContext, listMethods };

export interface PreparedTest {
  prompt: string;
  /** The prompt's last lines (`@Test` + signature), flush left: the model continues with the body. */
  signature?: string;
  method: JavaMethod;
  methodLabel: string; // Enclosing.name(params): stable per method, for messages and de-duplication
  projectRoot: string;
  focalPath: string;
  focalText: string;
  location: TestLocation; // test file, class, package, exists
  testText?: string; // the test file's text when it exists
  testMethodName: string;
  framework: Framework;
  mockito: boolean;
  testSourceRoot?: string;
  /** Starts of bodies that call the focal method (./seed.ts): typed arguments, then the model's; empty when a test cannot construct the receiver. */
  seeds: Seed[];
  /** The names this test can use (src/symbols/scope.ts), for the symbol-aware decoding; only when PrepareInput.symbolIndex was given. */
  symbols?: SymbolScope;
}

export interface Prepared {
  value?: PreparedTest;
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

/** Seeds for the focal method, with values for the project's own parameter types (its constructors' too). */
async function seedsOf(m: JavaMethod, input: PrepareInput): Promise<Seed[]> {
  const methods = (await (input.analysis ?? IN_THREAD).listMethods(input.focalText)).methods;
  const ctorTypes = methods.filter((c) => c.kind === 'constructor' && c.enclosingType === m.enclosingType).flatMap((c) => c.parameterTypes);
  const values = await projectValues([...m.parameterTypes, ...ctorTypes], input.focalPath, input.focalText, input.readFile);
  return seedsFor(m, methods, input.focalText, values);
}

export async function prepareTest(input: PrepareInput): Promise<Prepared> {
  const warnings: string[] = [];
  const root = input.projectRoot ?? path.dirname(input.focalPath);
  const testSourceRoot = input.testSourceRoot || undefined;
  const location = findTestLocation(root, input.focalPath, { testRootOverride: testSourceRoot });
  for (const e of location.errors) if (!e.startsWith('cannot read')) warnings.push(`test location: ${e}`); // the focal text is given
  const testText = location.exists ? input.readFile(location.testFile) : undefined;
  const detected = detectFramework(root, testText);
  const framework: Framework = !input.testFramework || input.testFramework === 'auto' ? detected.framework : input.testFramework;

  const analysis = input.analysis ?? IN_THREAD;
  const ctx = await analysis.buildContext(input.focalText, input.selector, { testSource: testText, testClassName: location.testClassName, framework });
  const m = ctx.method;
  if (m && !m.testable) return { errors: [whyNotTestable(m)], warnings };
  if (!m || !ctx.context || !ctx.testMethodName) {
    const why = ctx.errors.length ? ctx.errors : ['could not build the focal context'];
    const where = 'line' in input.selector ? `the cursor (line ${input.selector.line + 1}) is not inside a method` : undefined;
    return { errors: !m && where ? [`${where} (${why.join('; ')})`] : why, warnings };
  }
  for (const e of ctx.errors) warnings.push(`${path.basename(input.focalPath)}: ${e}`);
  const value: PreparedTest = {
    prompt: (input.parameterConstructors ? await parameterConstructors(input.focalPath, input.focalText, m.parameterTypes) : '') + ctx.context,
    signature: promptSignature(ctx.context),
    method: m,
    methodLabel: `${m.enclosingType ? m.enclosingType + '.' : ''}${m.name}(${m.parameterTypes.join(', ')})`,
    projectRoot: root,
    focalPath: input.focalPath,
    focalText: input.focalText,
    location,
    testText,
    testMethodName: ctx.testMethodName,
    framework,
    mockito: detected.mockito,
    testSourceRoot,
    seeds: await seedsOf(m, input),
  };
  if (input.symbolIndex) {
    const { error, ...scope } = await buildScope(input.symbolIndex, value);
    if (error) warnings.push(error);
    else value.symbols = scope;
  }
  return { value, errors: [], warnings };
}
