// The verify → repair stage of the generation pipeline (issue: tests that compile, pass and exercise
// the focal method). For one candidate method: the candidate rules first (it must call the focal
// method and assert something, src/verify/candidate-rules.ts); then it is placed in its test class in
// memory (./place.ts), compiled and run alone with JaCoCo in a scratch copy (src/verify/verify.ts), and
// repaired from what compiling and running said (src/verify/repair.ts: an observed value becomes a
// regression assertion, an exception from the focal method an assertThrows, an uncompilable statement
// is removed), for up to `rounds` rounds. Before a removal, when the host gives a `redecode` callback,
// a round re-decodes the body from the statement whose symbol javac could not find, with that name
// (and those forbidden before) never written (src/verify/redecode-point.ts; the callback holds the model). Every attempt is kept with its compiler and test output.
import * as path from 'node:path';
import { declaredPackage } from '../java/location';
import { userCacheDir } from '../util/cache-dir';
import { completeWithBuildTool, type RunBuildTool } from '../project/build-tool';
import { compileMainClasses } from '../project/compile-main';
import { loadProjectModel, type ProjectModel } from '../project/model';
import { checkCandidate } from '../verify/candidate-rules';
import { observeResult } from '../verify/observe';
import { redecodePoint } from '../verify/redecode-point';
import { repairFromResult } from '../verify/repair';
import { parseTestClass } from '../verify/test-method';
import { junitRuntimeOf, verifyCandidate, type FocalMethod, type VerifyResult } from '../verify/verify';
import { placeMethod, type Placed } from './place';
import type { PreparedTest } from './prepare';

/** What a host sets up once per project before verifying (the project model, main classes compiled for JaCoCo). */
export interface Verifier {
  project: ProjectModel;
  mainClassesDir: string;
  cacheDir: string;
  timeoutMs: number;
}

export function defaultVerifyCacheDir(): string {
  return path.join(userCacheDir(), 'verify');
}

/**
 * The project model and its main classes compiled with --release 11 (JaCoCo 0.8.6 instruments up to
 * Java 16) into a cache outside the workspace. `errors`: why tests cannot be verified here (the main
 * sources do not compile: their first errors); `warnings`: dependencies that could not be resolved.
 */
export async function prepareVerifier(
  projectRoot: string,
  opts: {
    timeoutMs: number;
    cacheDir?: string;
    signal?: AbortSignal;
    extraClasspath?: string[] /* jars the resolver cannot know of (benchmarks) */;
    /** `maven-gradle`: run the build tool when the offline classpath leaves dependencies unresolved (the host checks workspace trust). */
    runBuildTool?: RunBuildTool;
  },
): Promise<{ verifier?: Verifier; errors: string[]; warnings: string[] }> {
  const project = loadProjectModel(projectRoot);
  const cacheDir = opts.cacheDir ?? defaultVerifyCacheDir();
  const built = await completeWithBuildTool(project, { setting: opts.runBuildTool ?? 'never', cacheDir, signal: opts.signal });
  project.testClasspath.push(...(opts.extraClasspath ?? []));
  const warnings = [...project.warnings, ...project.unresolved.map((u) => `unresolved dependency ${u.coordinate}: ${u.reason}`), ...(built.message ? [built.message] : [])];
  // the project's own JUnit when the local repositories can run it; else which one runs instead
  const junitNote = junitRuntimeOf(project).note;
  if (junitNote) warnings.push(junitNote);
  // files that do not compile here (a dependency missing offline) are set aside, named, not fatal
  const main = await compileMainClasses(project, { release: 11, signal: opts.signal, cacheDir: path.join(cacheDir, 'classes'), setAsideFailing: true });
  for (const a of main.setAside) warnings.push(`main source set aside (it does not compile here): ${a.file}: ${a.error}`);
  if (!main.classesDir) return { errors: [`the project's main sources do not compile, so no test can be verified: ${main.errors.slice(0, 3).join('; ') || 'javac failed'}`], warnings };
  return { verifier: { project, mainClassesDir: main.classesDir, cacheDir, timeoutMs: opts.timeoutMs }, errors: [], warnings };
}

export type AttemptStatus = VerifyResult['status'] | 'rejected';

export interface Attempt {
  candidate: number; // the candidate's index (0 = greedy)
  round: number; // 0 = as generated, 1.. = after that many repairs
  test: string; // the method as verified
  status: AttemptStatus;
  callsFocal: boolean;
  focalLines: { covered: number; total: number };
  focalBranches: { covered: number; total: number };
  message?: string; // why it failed, or why it was rejected
  repairs: string[]; // what the repair before this attempt changed
  log: string; // compiler and test output
  seconds: number;
  cached?: boolean;
  placed?: Placed; // the edit that inserts `test` (absent when rejected)
  junit?: string; // which JUnit ran it (the project's version when it could)
  junitNote?: string; // why the project's JUnit version was not used, and which one was
}

/** (passes and executes the focal method) > (passes) > (compiles) > (does not compile) > rejected; then focal line coverage; then the earlier candidate (greedy first: the model's likeliest). */
export function attemptRank(a: Attempt): number {
  if (a.status === 'rejected') return -1;
  if (a.status === 'passes') return a.callsFocal ? 3 : 2;
  if (a.status === 'does-not-compile' || (a.status === 'error' && a.log === '')) return 0;
  return 1;
}

export function betterAttempt(a: Attempt, b: Attempt | undefined): boolean {
  if (!b) return true;
  const ra = attemptRank(a);
  const rb = attemptRank(b);
  if (ra !== rb) return ra > rb;
  const ca = a.focalLines.total ? a.focalLines.covered / a.focalLines.total : 0;
  const cb = b.focalLines.total ? b.focalLines.covered / b.focalLines.total : 0;
  if (ca !== cb) return ca > cb;
  return a.candidate < b.candidate || (a.candidate === b.candidate && a.round < b.round);
}

export function focalMethodOf(prepared: PreparedTest): FocalMethod {
  const pkg = declaredPackage(prepared.focalText);
  const type = prepared.method.enclosingType;
  return {
    className: [pkg, type].filter(Boolean).join('.'),
    methodName: prepared.method.name,
    parameterTypes: prepared.method.parameterTypes,
    startLine: prepared.method.startLine,
    endLine: prepared.method.endLine,
  };
}

/** Compiles and runs one placed test class in the verifier's project (javac, JUnit, JaCoCo on the focal method). */
export function verifyPlaced(verifier: Verifier, prepared: PreparedTest, placed: Placed, focal: FocalMethod = focalMethodOf(prepared), signal?: AbortSignal): Promise<VerifyResult> {
  return verifyCandidate({
    project: verifier.project,
    mainClassesDir: verifier.mainClassesDir,
    testFile: prepared.location.testFile,
    testClassText: placed.fileText,
    testMethodName: placed.testMethodName,
    focal,
    timeoutMs: verifier.timeoutMs,
    signal,
    cacheDir: verifier.cacheDir,
  });
}

const NONE = { covered: 0, total: 0 };

/**
 * Re-decodes the test body after `bodyPrefix` (the body's text after its `{`, whole statements) with
 * `forbiddenNames` never written; the new complete method, or undefined when the model gave none.
 */
export type Redecode = (bodyPrefix: string, forbiddenNames: string[]) => Promise<string | undefined>;

/** The method named `name` in a test class's text, indented like `likeMethod` (placement re-indents it). */
async function methodFromClass(classText: string, name: string, likeMethod: string): Promise<string | undefined> {
  const parsed = await parseTestClass(classText, name);
  const text = parsed.method?.text;
  parsed.tree.delete();
  return text === undefined ? undefined : (/^[ \t]*/.exec(likeMethod)?.[0] ?? '') + text;
}

/**
 * Verifies one candidate method and repairs it up to `rounds` times; the attempts in order. Before each
 * run the candidate rules apply: a test that does not call the focal method is rejected; one that calls
 * it but asserts nothing first gets an assertion that observes the result (src/verify/observe.ts).
 */
export async function verifyAndRepair(
  prepared: PreparedTest,
  candidate: { index: number; method: string },
  verifier: Verifier,
  opts: { rounds: number; currentTestText: string | undefined; signal?: AbortSignal; onRound?: (round: number) => void; redecode?: Redecode },
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const focal = focalMethodOf(prepared);
  const focalName = { className: focal.className, methodName: focal.methodName, returnType: prepared.method.returnType };
  const rejected = (round: number, test: string, message: string, repairs: string[]): Attempt =>
    ({ candidate: candidate.index, round, test, status: 'rejected', callsFocal: false, focalLines: NONE, focalBranches: NONE, message, repairs, log: '', seconds: 0 });
  let method = candidate.method;
  let repairs: string[] = [];
  const forbidden = new Set<string>(); // names javac could not find, never written again in this candidate's re-decodes
  const declared = declareThrows(method);
  if (declared !== method) {
    method = declared;
    repairs = ['declared throws Exception (a checked exception of the focal call then compiles)'];
  }
  for (let round = 0; round <= opts.rounds; round++) {
    if (opts.signal?.aborted) break;
    opts.onRound?.(round);
    let placed = await placeMethod(prepared, method, opts.currentTestText);
    if (!placed.value) {
      attempts.push(rejected(round, method, placed.errors.join('; '), repairs));
      break;
    }
    const rules = await checkCandidate(placed.value.fileText, placed.value.testMethodName, focalName);
    if (!rules.callsFocal) {
      attempts.push(rejected(round, method, rules.reasons.join('; '), repairs));
      break;
    }
    if (!rules.asserts) {
      const observed = await observeResult(placed.value.fileText, placed.value.testMethodName, focalName);
      const next = observed.classText && (await methodFromClass(observed.classText, placed.value.testMethodName, method));
      if (!next) {
        attempts.push(rejected(round, method, `${rules.reasons.join('; ')}; ${observed.notes.join('; ')}`, repairs));
        break;
      }
      method = next;
      repairs = [...repairs, ...observed.applied];
      placed = await placeMethod(prepared, method, opts.currentTestText);
      if (!placed.value) {
        attempts.push(rejected(round, method, placed.errors.join('; '), repairs));
        break;
      }
    }
    const r = await verifyPlaced(verifier, prepared, placed.value, focal, opts.signal);
    attempts.push({
      candidate: candidate.index,
      round,
      test: method,
      status: r.status,
      callsFocal: r.callsFocal,
      focalLines: r.focalLines,
      focalBranches: r.focalBranches,
      message: r.message,
      repairs,
      log: r.log,
      seconds: r.seconds,
      cached: r.cached,
      placed: placed.value,
      ...(r.junit ? { junit: r.junit } : {}),
      ...(r.junitNote ? { junitNote: r.junitNote } : {}),
    });
    if (r.status === 'passes' || round === opts.rounds) break;
    if (r.status === 'does-not-compile' && opts.redecode) {
      const point = await redecodePoint(placed.value.fileText, placed.value.testMethodName, r.compileErrors, forbidden);
      if (point.value) {
        for (const n of point.value.names) forbidden.add(n);
        const next = await opts.redecode(point.value.bodyPrefix, [...forbidden]);
        if (opts.signal?.aborted) break;
        if (next && declareThrows(next) !== method) {
          method = declareThrows(next);
          repairs = [`re-decoded from line ${point.value.line} with ${[...forbidden].join(', ')} forbidden (javac could not find ${point.value.names.join(', ')})`];
          continue;
        }
      }
    }
    const fix = await repairFromResult(placed.value.fileText, placed.value.testMethodName, r, prepared.framework);
    const repaired = fix.classText && (await methodFromClass(fix.classText, placed.value.testMethodName, method));
    if (!repaired || repaired === method) break;
    method = repaired;
    repairs = fix.applied;
  }
  return attempts;
}

/** One line for an attempt, as the editor and the CLI show it: "passes · covers 5 of 6 lines of factorial". */
export function describeAttempt(a: Attempt, focalMethodName: string): string {
  const head = a.status === 'rejected' ? 'not a candidate' : a.status === 'does-not-compile' ? 'does not compile' : a.status === 'timeout' ? 'timed out' : a.status;
  const why = a.message ? ` (${a.message.split('\n')[0].slice(0, 160)})` : '';
  const focal = a.status === 'passes' && !a.callsFocal ? ` · does not execute ${focalMethodName}` : '';
  const lines = a.focalLines.total ? ` · covers ${a.focalLines.covered} of ${a.focalLines.total} lines of ${focalMethodName}` : '';
  return `${head}${why}${focal}${lines}`;
}

/**
 * The test method with `throws Exception` on its signature when it declares nothing: JUnit runs such
 * methods alike, and a call that throws a checked exception (`new FileReader(…)`, `parser.parseLine(…)`)
 * compiles. The signature is the first `name(...)` line that opens the body.
 */
export function declareThrows(method: string): string {
  return method.replace(/^([^\n]*\bvoid\s+\w+\s*\([^)]*\))\s*\{/m, (whole, sig: string) => (/\bthrows\b/.test(whole) ? whole : `${sig} throws Exception {`));
}

/** The method with a comment line above it saying that (and why) it fails: for a failing test the user chose to insert. */
export function markFailing(method: string, reason: string): string {
  const indent = /^[ \t]*/.exec(method)?.[0] ?? '';
  return `${indent}// TestTune: this test fails as generated: ${reason.replace(/\s+/g, ' ').slice(0, 200)}\n${method}`;
}
