// Do the project's own tests compile against the model's classpath? Compiles the main classes
// (compile-main.ts; optionally setting aside main files that do not compile), then all test sources
// together, setting aside the files javac reports errors in (javac-rounds.ts). The count of test
// files that compile and the packages javac could not find show what the classpath still lacks
// (`testtune project <dir> --check`). Writes only to a temporary folder and the class cache.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileMainClasses, releaseFor } from './compile-main';
import { compileSettingAside } from './javac-rounds';
import { testSourceFiles, type ProjectModel } from './model';

export interface TestCompileCheck {
  mainErrors: string[];
  /** Main files left out because they did not compile (with setAsideMain). */
  mainSetAside: { file: string; error: string }[];
  testFiles: number;
  compiled: number;
  /** Test files that did not compile, each with its first javac error. */
  failing: { file: string; error: string }[];
  /** The packages javac could not find, most frequent first (what the classpath lacks). */
  missingPackages: { name: string; files: number }[];
}

export async function checkTestCompilation(
  model: ProjectModel,
  opts: { cacheDir?: string; release?: number; signal?: AbortSignal; setAsideMain?: boolean } = {},
): Promise<TestCompileCheck> {
  const tests = testSourceFiles(model);
  const result: TestCompileCheck = { mainErrors: [], mainSetAside: [], testFiles: tests.length, compiled: 0, failing: [], missingPackages: [] };
  const main = await compileMainClasses(model, { cacheDir: opts.cacheDir, release: opts.release, signal: opts.signal, setAsideFailing: opts.setAsideMain });
  result.mainSetAside = main.setAside;
  if (!main.classesDir) {
    result.mainErrors = main.errors;
    return result;
  }
  if (!tests.length) return result;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-check-'));
  try {
    const args = ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-nowarn', '-encoding', 'UTF-8', '-proc:none', '-cp', [main.classesDir, ...model.testClasspath].join(path.delimiter)];
    const release = releaseFor(model, opts.release);
    if (release !== undefined) args.push('--release', String(release));
    const r = await compileSettingAside(tests, args, path.join(work, 'classes'), { signal: opts.signal });
    result.compiled = r.compiled.length;
    result.failing = r.failing;
    if (r.timedOut) result.mainErrors.push('javac timed out compiling the tests');
    const missing = new Map<string, Set<string>>();
    for (const line of r.errorLines) {
      const m = /^(.*\.java):\d+: error: package ([\w.]+) does not exist/.exec(line);
      if (m) missing.set(m[2], (missing.get(m[2]) ?? new Set()).add(m[1]));
    }
    result.missingPackages = [...missing].map(([name, files]) => ({ name, files: files.size })).sort((a, b) => b.files - a.files);
    return result;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
