// Verifies one candidate test: its test class (with the candidate placed) is compiled alone in a
// scratch folder outside the workspace, against the main classes, the test classpath and the
// project's other test sources (javac -sourcepath, only what the class needs); then ONLY the candidate
// method runs with the JUnit console launcher (Jupiter, and JUnit 4 through the vintage engine; the
// project's own JUnit version when the local repositories can run it, src/verify/junit-runtime.ts) under
// the JaCoCo agent and the sandbox (src/verify/sandbox.ts), with a time limit after which its whole
// process group is killed. The focal method's line and branch coverage come from the exec file.
// Results are cached by content (test class text, main classes, classpath, focal method, limit).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { privateSibling, publishDir } from '../util/publish-dir';
import { declaredPackage } from '../java/location';
import { FAST_JVM, loadToolchain, type Toolchain } from './toolchain';
import { runProcess } from '../util/process';
import { parseJavacErrors } from './javac-output';
import { chooseJUnitRuntime, type JUnitRuntime } from './junit-runtime';
import { parseLauncherOutput } from './launcher-output';
import { focalCoverage, methodCounters, prepareMethodCoverage } from './method-coverage';
import { classpathWithoutTestFrameworks, type ProjectModel } from './project';
import { readCached, treeStamp, writeCached } from './result-cache';
import type { VerifyResult, VerifyStatus } from './result';
import { prepareSandbox, sandboxJvmArgs, sandboxRefusal } from './sandbox';
import { scratchTree } from './scratch-tree';

export type { VerifyResult, VerifyStatus } from './result';

export interface FocalMethod {
  className: string; // binary or dotted name of the focal class: com.x.Foo, com.x.Outer.Inner
  methodName: string; // the simple class name for a constructor
  parameterTypes: string[];
  startLine: number; // 0-based lines of the declaration, as src/java/methods.ts gives them
  endLine: number;
}

/** Only the focal class, when the focal method is not known (evaluation rows name a file): no method coverage then. */
export interface FocalClass {
  className: string;
}

function isMethod(focal: FocalMethod | FocalClass): focal is FocalMethod {
  return 'methodName' in focal;
}

export interface VerifyRequest {
  project: ProjectModel;
  mainClassesDir: string;
  testFile: string; // where the test class lives (or will) in the workspace; names the class and package
  testClassText: string; // the whole test class with the candidate method placed
  testMethodName: string;
  focal: FocalMethod | FocalClass;
  timeoutMs?: number; // the test run's limit (default 20 s); javac gets 120 s
  signal?: AbortSignal;
  cacheDir: string;
  /** Which JUnit runs the test (default: chosen from the project's test classpath, once per model). */
  junit?: JUnitRuntime;
  /** Keep JaCoCo's execution data of the run here (evaluation measures the class from it); the result cache is then not read, since the data is per run. */
  execFile?: string;
}

const NO_COVERAGE = { covered: 0, total: 0 };

const runtimes = new WeakMap<ProjectModel, JUnitRuntime>();

/** The JUnit a project's candidates run with (src/verify/junit-runtime.ts), chosen once per model. */
export function junitRuntimeOf(project: ProjectModel): JUnitRuntime {
  let runtime = runtimes.get(project);
  if (!runtime) runtimes.set(project, (runtime = chooseJUnitRuntime(project)));
  return runtime;
}

/** The focal class's internal name (com/x/Outer$Inner) for a dotted name whose nested parts start upper-case. */
export function internalName(className: string): string {
  const parts = className.replace(/\$/g, '.').split('.');
  const firstType = parts.findIndex((p) => /^[A-Z]/.test(p));
  if (firstType < 0) return parts.join('/');
  return parts.slice(0, firstType).concat(parts.slice(firstType).join('$')).join('/');
}

function cacheKey(req: VerifyRequest, stamps: string, classpath: string[]): string {
  const h = crypto.createHash('sha256');
  h.update('verify-v1\0');
  h.update(req.testClassText + '\0' + path.basename(req.testFile) + '\0' + req.testMethodName + '\0');
  h.update(JSON.stringify(req.focal) + '\0' + (req.timeoutMs ?? 0) + '\0' + stamps + '\0' + classpath.join(path.delimiter) + '\0');
  return h.digest('hex').slice(0, 24);
}

export async function verifyCandidate(req: VerifyRequest): Promise<VerifyResult> {
  const t0 = Date.now();
  const junit = req.junit ?? junitRuntimeOf(req.project);
  const junitFields = { junit: junit.description, ...(junit.note ? { junitNote: junit.note } : {}) };
  const done = (r: Omit<VerifyResult, 'seconds'>): VerifyResult => ({ ...junitFields, ...r, seconds: (Date.now() - t0) / 1000 });
  // Errors of the environment (toolchain, helpers, cancellation) are not the candidate's: never cached.
  let transient = false;
  const fail = (status: VerifyStatus, message: string, log = ''): VerifyResult =>
    (transient = true) && done({ status, compileErrors: [], callsFocal: false, focalLines: NO_COVERAGE, focalBranches: NO_COVERAGE, log: log || message, message });
  const tc = await loadToolchain();
  if (tc.errors.length) return fail('error', `Java toolchain incomplete: ${tc.errors.join('; ')}`);
  if (!fs.existsSync(req.mainClassesDir)) return fail('error', `main classes folder not found: ${req.mainClassesDir}`);

  const testResources = req.project.testResourceRoots;
  const libs = [...classpathWithoutTestFrameworks(req.project), ...junit.testJars];
  const mainStamp = treeStamp(req.mainClassesDir);
  const testRootsStamp = req.project.testRoots.map((r) => treeStamp(r)).join(',');
  const key = cacheKey(req, mainStamp + testRootsStamp, [...libs, ...junit.launcher]);
  const hit = req.execFile ? undefined : readCached(req.cacheDir, key);
  if (hit) return { ...hit, cached: true, seconds: (Date.now() - t0) / 1000 };

  const pkg = declaredPackage(req.testClassText);
  const simple = path.basename(req.testFile, '.java');
  const testClass = (pkg ? pkg + '.' : '') + simple;
  // this call's own folder: a concurrent process verifying the same test (same key) has its own
  const run = privateSibling(path.join(req.cacheDir, 'runs', key));
  const srcFile = path.join(run, 'src', ...pkg.split('.').filter(Boolean), `${simple}.java`);
  const classes = path.join(run, 'classes');
  fs.mkdirSync(path.dirname(srcFile), { recursive: true });
  fs.mkdirSync(classes, { recursive: true });
  fs.writeFileSync(srcFile, req.testClassText);

  const result = await compileAndRun();
  if (!req.signal?.aborted && !transient) writeCached(req.cacheDir, key, result);
  fs.rmSync(run, { recursive: true, force: true });
  return result;

  async function compileAndRun(): Promise<VerifyResult> {
    // The compiled class is shared by every method of the same class text (javac runs once per text).
    const compileKey = crypto.createHash('sha256').update(req.testClassText + '\0' + srcFile.slice(run.length) + '\0' + mainStamp + '\0' + [...libs, ...junit.launcher].join(path.delimiter) + '\0' + testRootsStamp).digest('hex').slice(0, 24);
    const compiledDir = path.join(req.cacheDir, 'compiled', compileKey);
    if (fs.existsSync(path.join(compiledDir, 'ok'))) {
      try {
        fs.cpSync(path.join(compiledDir, 'classes'), classes, { recursive: true });
        return runTest(tc, '');
      } catch {
        fs.rmSync(classes, { recursive: true, force: true }); // unreadable: compile again
        fs.mkdirSync(classes, { recursive: true });
      }
    }
    // javac: only this class and what it needs from the other test sources (-implicit:class).
    const cp = [req.mainClassesDir, ...libs, ...junit.launcher];
    const javacArgs = [...FAST_JVM.map((f) => `-J${f}`), '--release', '11', '-nowarn', '-encoding', 'UTF-8', '-proc:none', '-implicit:class', '-g',
      '-d', classes, '-cp', cp.join(path.delimiter), '-sourcepath', req.project.testRoots.join(path.delimiter) || path.dirname(srcFile), srcFile];
    const javac = await runProcess(tc.javac, javacArgs, { timeoutMs: 120_000, signal: req.signal });
    const javacLog = javac.stdout + javac.stderr;
    if (javac.aborted) return fail('error', 'cancelled', javacLog);
    if (javac.code !== 0) {
      const errors = parseJavacErrors(javacLog).map((e) => ({ ...e, file: e.file === srcFile ? req.testFile : e.file }));
      const message = javac.timedOut ? 'javac timed out after 120 s' : errors[0] ? `line ${errors[0].line}: ${errors[0].message}` : 'javac failed';
      return done({ status: 'does-not-compile', compileErrors: errors, callsFocal: false, focalLines: NO_COVERAGE, focalBranches: NO_COVERAGE, log: javacLog, message });
    }
    try {
      // published whole (private sibling, then rename): a concurrent reader never copies a half-written one
      if (fs.existsSync(compiledDir) && !fs.existsSync(path.join(compiledDir, 'ok'))) fs.rmSync(compiledDir, { recursive: true, force: true });
      publishDir(compiledDir, (tmp) => {
        fs.cpSync(classes, path.join(tmp, 'classes'), { recursive: true });
        fs.writeFileSync(path.join(tmp, 'ok'), '');
      });
    } catch {
      /* only costs a javac run next time */
    }
    return runTest(tc, javacLog);
  }

  async function runTest(toolchain: Toolchain, javacLog: string): Promise<VerifyResult> {
    const [sandbox, helper] = await Promise.all([prepareSandbox(toolchain, req.cacheDir), prepareMethodCoverage(toolchain, req.cacheDir)]);
    if (sandbox.error) return fail('error', sandbox.error);
    const tree = scratchTree(req.project.root, req.project, req.cacheDir);
    const tmp = path.join(run, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const execFile = path.join(run, 'jacoco.exec');
    const timeoutMs = req.timeoutMs ?? 20_000;
    const args = [
      `-javaagent:${toolchain.jacocoAgent}=destfile=${execFile},excludes=TesttuneSandbox`,
      '-Djava.awt.headless=true',
      ...FAST_JVM,
      ...(sandbox.dir ? sandboxJvmArgs([run, tree], tmp) : [`-Djava.io.tmpdir=${tmp}`]),
      '-cp', [...junit.launcher, ...(sandbox.dir ? [sandbox.dir] : [])].join(path.delimiter),
      'org.junit.platform.console.ConsoleLauncher',
      '--disable-banner', '--details=tree', '--disable-ansi-colors',
      '--class-path', [classes, req.mainClassesDir, ...testResources, ...libs].join(path.delimiter),
      `--select-method=${testClass}#${req.testMethodName}`,
    ];
    const r = await runProcess(toolchain.java, args, { timeoutMs, cwd: tree, signal: req.signal });
    const out = r.stdout + r.stderr;
    const log = (javacLog ? javacLog + '\n' : '') + out.slice(-20_000);
    const focal = req.focal;
    const focalInternal = internalName(focal.className);
    const focalMethod = !isMethod(focal) ? undefined : focal.methodName === focal.className.split(/[.$]/).pop() ? '<init>' : focal.methodName;
    const summary = parseLauncherOutput(out, { testClass, focalClass: focalInternal.replace(/\//g, '.'), focalMethod });
    let coverage;
    let coverageNote: string | undefined;
    if (req.execFile && fs.existsSync(execFile)) fs.copyFileSync(execFile, req.execFile);
    if (!isMethod(focal) || focalMethod === undefined) {
      // only the focal class is known (evaluation): no method to measure
    } else if (helper.dir && fs.existsSync(execFile)) {
      const counters = await methodCounters(toolchain, helper.dir, req.mainClassesDir, focalInternal, [execFile]);
      if ('error' in counters) coverageNote = counters.error;
      else {
        coverage = focalCoverage(counters, { internalName: focalInternal, methodName: focalMethod, arity: focal.parameterTypes.length, startLine: focal.startLine + 1, endLine: focal.endLine + 1 });
        if (!coverage) coverageNote = `focal method ${focal.methodName} not found in ${focalInternal}.class`;
      }
    } else coverageNote = helper.error ?? 'no coverage data (the JVM ended before writing it)';
    const base = {
      compiled: true,
      compileErrors: [],
      failure: summary.failure,
      callsFocal: (coverage?.entered ?? false) || (summary.failure?.throughFocal ?? false),
      focalLines: coverage?.lines ?? NO_COVERAGE,
      focalBranches: coverage?.branches ?? NO_COVERAGE,
      log: [log, coverageNote, sandbox.unsupported, junit.note].filter(Boolean).join('\n'),
    };
    const refused = sandboxRefusal(out);
    if (r.aborted) return done({ ...base, status: 'error', message: 'cancelled' });
    if (r.timedOut) return done({ ...base, status: 'timeout', message: `killed after ${timeoutMs} ms (time limit)` });
    if (refused) return done({ ...base, status: 'error', message: `the test tried ${refused}; the sandbox refused it` });
    if (summary.failed + summary.aborted > 0 || summary.containersFailed > 0) return done({ ...base, status: 'fails', message: summary.failure?.message.split('\n')[0] });
    if (summary.succeeded > 0 && r.code === 0) return done({ ...base, status: 'passes' });
    if (summary.skipped > 0) return done({ ...base, status: 'compiles', message: 'the test was skipped (@Disabled/@Ignore or an assumption)' });
    if (summary.found === 0 && /\[\s*\d+ tests found\s*\]/.test(out)) return done({ ...base, status: 'error', message: `the launcher found no test ${testClass}#${req.testMethodName}` });
    return done({ ...base, status: 'error', message: `the test JVM ended without a result (exit code ${r.code})` });
  }
}
