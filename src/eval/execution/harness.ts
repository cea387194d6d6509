// The execution harness: copies the project to a temporary directory, compiles its main classes,
// then for each generated test places it (src/java/placement.ts) into the copy's test file,
// compiles that file, runs the one test method under JaCoCo with a timeout, measures the focal
// class's instruction and branch coverage, and restores the test file for the next test.
// Reports compile rate, pass rate and coverage per test and in total. Never writes the user's tree.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { placeTest } from '../../java/placement';
import { declaredPackage } from '../../java/location';
import type { Framework } from '../../java/framework';
import { compileMain, compileTest } from './compile';
import { measureCoverage, prepareCoverageHelper, ratio, type Coverage } from './coverage';
import { runTestMethod } from './junit';
import { copyProject, detectLayout, resolveDependencies } from './project';
import { defaultCacheDir, loadToolchain } from './toolchain';

export interface ExecTask {
  id: string;
  focalFile: string; // path of the focal class's source, relative to the project root (or absolute inside it)
  testMethod: string; // one complete test method
  timeoutMs?: number; // overrides ExecOptions.timeoutMs for this test
}

export interface ExecOptions {
  timeoutMs?: number; // per test run; default 30 s
  framework?: Framework;
  useMaven?: boolean;
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
    const root = path.join(work, 'project');
    copyProject(src, root);
    const layout = detectLayout(root);
    const deps = await resolveDependencies(layout, { useMaven: opts.useMaven });
    const notes = [...layout.errors, ...deps.notes];
    const mainOut = path.join(work, 'main-classes');
    log(`compiling main sources of ${src}`);
    const main = await compileMain(tc, layout, deps.jars, mainOut);
    if (!main.ok) return failAll(`the project's main sources do not compile: ${main.errors.join(' | ')}`, notes);
    const helper = await prepareCoverageHelper(tc, path.join(defaultCacheDir(), 'coverage-helper'));
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
        const exec = path.join(work, 'tests', String(i), 'jacoco.exec');
        if (r.focalClass && r.coverage && fs.existsSync(exec)) groups.set(r.focalClass, [...(groups.get(r.focalClass) ?? []), exec]);
      });
      const sum = { ic: 0, it: 0, bc: 0, bt: 0 };
      for (const [cls, execs] of groups) {
        const cov = await measureCoverage(tc, helperDir, mainOut, cls, execs);
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

    async function runOne(i: number, task: ExecTask): Promise<TestExecResult> {
      const base: TestExecResult = { id: task.id, status: 'not_placed', placed: false, compiled: false, passed: false, errors: [], ms: 0 };
      const rel = path.isAbsolute(task.focalFile) ? path.relative(src, task.focalFile) : task.focalFile;
      const focalFile = path.join(root, rel);
      if (rel.startsWith('..') || !fs.existsSync(focalFile)) return { ...base, errors: [`focal file not found in the project: ${task.focalFile}`] };
      const focalSource = fs.readFileSync(focalFile, 'utf8');
      const placed = await placeTest({ projectRoot: root, focalFile, focalSource, testMethod: task.testMethod, framework: opts.framework });
      // No method name or text: placement refused (not one parseable method, no test class to extend).
      if (!placed.path || !placed.methodName || !placed.text) {
        return { ...base, errors: placed.errors.length ? placed.errors : ['placement failed'] };
      }
      const original = fs.existsSync(placed.path) ? fs.readFileSync(placed.path, 'utf8') : undefined;
      fs.mkdirSync(path.dirname(placed.path), { recursive: true });
      fs.writeFileSync(placed.path, placed.text);
      try {
        const pkg = declaredPackage(placed.text);
        const testClass = (pkg ? pkg + '.' : '') + path.basename(placed.path, '.java');
        const got: TestExecResult = { ...base, status: 'compile_error', placed: true, testClass, method: placed.methodName, errors: [...placed.errors] };
        const testOut = path.join(work, 'tests', String(i));
        const cp = [mainOut, ...deps.jars, ...tc.junit4, tc.junit5Console, ...tc.mockito];
        const compiled = await compileTest(tc, layout, placed.path, cp, testOut);
        if (!compiled.ok) return { ...got, message: compiled.errors[0], errors: [...got.errors, ...compiled.errors] };
        got.compiled = true;
        const execFile = path.join(testOut, 'jacoco.exec');
        const run = await runTestMethod(tc, { classpath: [testOut, mainOut, ...deps.jars, ...tc.junit4, ...tc.mockito], testClass, method: placed.methodName, execFile, timeoutMs: task.timeoutMs ?? timeoutMs, cwd: root });
        got.status = run.status === 'passed' ? 'passed' : run.status === 'failed' ? 'failed' : run.status === 'timeout' ? 'timeout' : 'error';
        got.passed = run.status === 'passed';
        got.message = run.message;
        if (run.status === 'not_found' || run.status === 'error') got.errors.push(run.log.slice(-800));
        if (helper.dir && fs.existsSync(execFile)) {
          const focalClass = (declaredPackage(focalSource) ? declaredPackage(focalSource).split('.').join('/') + '/' : '') + path.basename(focalFile, '.java');
          got.focalClass = focalClass;
          const cov = await measureCoverage(tc, helper.dir, mainOut, focalClass, [execFile]);
          if ('error' in cov) got.errors.push(cov.error);
          else {
            got.coverage = cov;
            got.instruction_coverage = ratio(cov.instructions);
            got.branch_coverage = ratio(cov.branches);
          }
        }
        return got;
      } finally {
        if (original === undefined) fs.rmSync(placed.path, { force: true });
        else fs.writeFileSync(placed.path, original);
      }
    }
  } finally {
    if (!opts.keepWorkDir) fs.rmSync(work, { recursive: true, force: true });
  }
}
