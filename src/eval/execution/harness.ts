// Execution metrics for evaluation (`testtune eval --project`, the study's compile rate, pass rate and
// coverage of the focal class), through the one verification harness (src/verify/): the project model
// and its main classes from prepareVerifier, then each generated test placed in memory into its test
// class (src/java/placement.ts) and verified alone by verifyCandidate (javac, the JUnit console
// launcher under the sandbox in a scratch copy, a time limit); JaCoCo's data of each run is kept so
// that the focal CLASS's instruction and branch coverage are measured (./coverage.ts), per test and
// for all tests of a class together. Never writes the user's tree.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { placeTest } from '../../java/placement';
import { declaredPackage } from '../../java/location';
import type { Framework } from '../../java/framework';
import { defaultVerifyCacheDir, prepareVerifier } from '../../pipeline/verify-stage';
import { verifyCandidate, type VerifyResult } from '../../verify/verify';
import { loadToolchain } from '../../verify/toolchain';
import { measureCoverage, prepareCoverageHelper, ratio, type Coverage } from './coverage';

export interface ExecTask {
  id: string;
  focalFile: string; // path of the focal class's source, relative to the project root (or absolute inside it)
  testMethod: string; // one complete test method
  timeoutMs?: number; // overrides ExecOptions.timeoutMs for this test
}

export interface ExecOptions {
  timeoutMs?: number; // per test run; default 30 s
  framework?: Framework;
  /** Run Maven or Gradle for the classpath when the offline model leaves dependencies unresolved. */
  runBuildTool?: boolean;
  /** Verification's cache (compiled main classes, scratch copy); default the user's cache. */
  cacheDir?: string;
  keepWorkDir?: boolean;
  log?: (line: string) => void;
}

export type TestStatus = 'not_placed' | 'compile_error' | 'passed' | 'failed' | 'timeout' | 'error';

export interface TestExecResult {
  id: string;
  status: TestStatus;
  placed: boolean;
  compiled: boolean;
  passed: boolean;
  testClass?: string;
  method?: string;
  message?: string;
  errors: string[];
  focalClass?: string; // e.g. com/example/Calc
  coverage?: Coverage;
  instruction_coverage?: number;
  branch_coverage?: number;
  ms: number;
}

/** Coverage of one focal class by all of its generated tests together (JaCoCo data merged). */
export interface ClassCoverage {
  focal_class: string;
  tests: number;
  instruction_coverage?: number;
  branch_coverage?: number;
}

export interface ExecSummary {
  n: number;
  compiled: number;
  passed: number;
  timed_out: number;
  compile_rate: number;
  pass_rate: number;
  /** Mean over the tests of the focal class's coverage (0 for tests that did not run). */
  instruction_coverage: number;
  branch_coverage: number;
  /** Per focal class, all its tests together; `combined_*` pool the counters over those classes. */
  by_class: ClassCoverage[];
  combined_instruction_coverage?: number;
  combined_branch_coverage?: number;
  results: TestExecResult[];
  notes: string[];
  work_dir?: string;
}

function summarize(results: TestExecResult[], notes: string[]): ExecSummary {
  const n = results.length;
  // A test that did not run counts 0; a measured class without branches is left out of the branch mean.
  const mean = (f: (r: TestExecResult) => number | undefined) => {
    const vals = results.filter((r) => !r.coverage || f(r) !== undefined).map((r) => (r.coverage ? f(r)! : 0));
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : 0;
  };
  const compiled = results.filter((r) => r.compiled).length;
  const passed = results.filter((r) => r.passed).length;
  return {
    n,
    compiled,
    passed,
    timed_out: results.filter((r) => r.status === 'timeout').length,
    compile_rate: n ? compiled / n : 0,
    pass_rate: n ? passed / n : 0,
    instruction_coverage: mean((r) => r.instruction_coverage),
    branch_coverage: mean((r) => r.branch_coverage),
    by_class: [],
    results,
    notes,
  };
}

const STATUS: Record<VerifyResult['status'], TestStatus> = {
  passes: 'passed',
  fails: 'failed',
  'does-not-compile': 'compile_error',
  timeout: 'timeout',
  compiles: 'error', // it ran but was skipped: no result
  error: 'error',
};

export async function evaluateExecution(projectRoot: string, tasks: ExecTask[], opts: ExecOptions = {}): Promise<ExecSummary> {
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const tc = await loadToolchain();
  const failAll = (msg: string, notes: string[] = []) =>
    summarize(tasks.map((t) => ({ id: t.id, status: 'error', placed: false, compiled: false, passed: false, errors: [msg], ms: 0 })), [msg, ...notes]);
  if (tc.errors.length) return failAll(`Java toolchain incomplete: ${tc.errors.join('; ')}`);
  const src = path.resolve(projectRoot);
  if (!fs.existsSync(src)) return failAll(`project not found: ${src}`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-exec-'));
  try {
    log(`compiling main sources of ${src}`);
    const prepared = await prepareVerifier(src, { timeoutMs, cacheDir: opts.cacheDir ?? defaultVerifyCacheDir(), runBuildTool: opts.runBuildTool ? 'maven-gradle' : 'never' });
    const notes = [...prepared.warnings];
    const verifier = prepared.verifier;
    if (!verifier) return failAll(prepared.errors.join('; '), notes);
    const helper = await prepareCoverageHelper(tc, verifier.cacheDir);
    if (helper.error) notes.push(helper.error);

    const results: TestExecResult[] = [];
    for (const [i, task] of tasks.entries()) {
      const t0 = Date.now();
      const r = await runOne(i, task);
      r.ms = Date.now() - t0;
      log(`${task.id}: ${r.status}${r.message ? ` (${r.message})` : ''}`);
      results.push(r);
    }
    const summary = summarize(results, notes);
    if (helper.dir) await combine(summary, helper.dir);
    if (opts.keepWorkDir) summary.work_dir = work;
    return summary;

    async function combine(summary: ExecSummary, helperDir: string): Promise<void> {
      const groups = new Map<string, string[]>();
      summary.results.forEach((r, i) => {
        const exec = execFileOf(i);
        if (r.focalClass && r.coverage && fs.existsSync(exec)) groups.set(r.focalClass, [...(groups.get(r.focalClass) ?? []), exec]);
      });
      const sum = { ic: 0, it: 0, bc: 0, bt: 0 };
      for (const [cls, execs] of groups) {
        const cov = await measureCoverage(tc, helperDir, verifier!.mainClassesDir, cls, execs);
        if ('error' in cov) {
          summary.notes.push(cov.error);
          continue;
        }
        summary.by_class.push({ focal_class: cls, tests: execs.length, instruction_coverage: ratio(cov.instructions), branch_coverage: ratio(cov.branches) });
        sum.ic += cov.instructions.covered;
        sum.it += cov.instructions.covered + cov.instructions.missed;
        sum.bc += cov.branches.covered;
        sum.bt += cov.branches.covered + cov.branches.missed;
      }
      if (sum.it) summary.combined_instruction_coverage = sum.ic / sum.it;
      if (sum.bt) summary.combined_branch_coverage = sum.bc / sum.bt;
    }

    function execFileOf(i: number): string {
      return path.join(work, 'tests', String(i), 'jacoco.exec');
    }

    async function runOne(i: number, task: ExecTask): Promise<TestExecResult> {
      const base: TestExecResult = { id: task.id, status: 'not_placed', placed: false, compiled: false, passed: false, errors: [], ms: 0 };
      const rel = path.isAbsolute(task.focalFile) ? path.relative(src, task.focalFile) : task.focalFile;
      const focalFile = path.join(src, rel);
      if (rel.startsWith('..') || !fs.existsSync(focalFile)) return { ...base, errors: [`focal file not found in the project: ${task.focalFile}`] };
      const focalSource = fs.readFileSync(focalFile, 'utf8');
      // placed in memory: the test file in the workspace is read, never written
      const placed = await placeTest({ projectRoot: src, focalFile, focalSource, testMethod: task.testMethod, framework: opts.framework });
      // No method name or text: placement refused (not one parseable method, no test class to extend).
      if (!placed.path || !placed.methodName || !placed.text) return { ...base, errors: placed.errors.length ? placed.errors : ['placement failed'] };
      const pkg = declaredPackage(placed.text);
      const testClass = (pkg ? pkg + '.' : '') + path.basename(placed.path, '.java');
      const focalPackage = declaredPackage(focalSource);
      const focalClass = (focalPackage ? focalPackage.split('.').join('/') + '/' : '') + path.basename(focalFile, '.java');
      const execFile = execFileOf(i);
      fs.mkdirSync(path.dirname(execFile), { recursive: true });
      const v = await verifyCandidate({
        project: verifier!.project,
        mainClassesDir: verifier!.mainClassesDir,
        testFile: placed.path,
        testClassText: placed.text,
        testMethodName: placed.methodName,
        focal: { className: focalClass.replace(/\//g, '.') },
        timeoutMs: task.timeoutMs ?? timeoutMs,
        cacheDir: verifier!.cacheDir,
        execFile,
      });
      const compileErrors = v.compileErrors.map((e) => `${e.file}:${e.line}: error: ${e.message}`);
      const got: TestExecResult = {
        ...base,
        status: STATUS[v.status],
        placed: true,
        compiled: v.compiled === true,
        passed: v.status === 'passes',
        testClass,
        method: placed.methodName,
        message: v.status === 'does-not-compile' ? compileErrors[0] ?? v.message : v.message,
        errors: [...placed.errors, ...compileErrors, ...(v.status === 'error' ? [v.log.slice(-800)] : [])],
      };
      if (helper.dir && fs.existsSync(execFile)) {
        got.focalClass = focalClass;
        const cov = await measureCoverage(tc, helper.dir, verifier!.mainClassesDir, focalClass, [execFile]);
        if ('error' in cov) got.errors.push(cov.error);
        else {
          got.coverage = cov;
          got.instruction_coverage = ratio(cov.instructions);
          got.branch_coverage = ratio(cov.branches);
        }
      }
      return got;
    }
  } finally {
    if (!opts.keepWorkDir) fs.rmSync(work, { recursive: true, force: true });
  }
}
