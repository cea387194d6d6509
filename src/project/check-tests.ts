// Do the project's own tests compile against the model's classpath? Compiles the main classes
// (compile-main.ts), then all test sources together; files javac reports errors in are set aside
// and the rest recompiled, until a set compiles cleanly. The count of test files that compile and
// the first error of each one that does not show what the classpath still lacks
// (`testtune project <dir> --check`). Writes only to a temporary folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess } from '../eval/execution/toolchain';
import { compileMainClasses, javacErrorLines, releaseFor } from './compile-main';
import { testSourceFiles, type ProjectModel } from './model';

export interface TestCompileCheck {
  mainErrors: string[];
  testFiles: number;
  compiled: number;
  /** Test files that did not compile, each with its first javac error. */
  failing: { file: string; error: string }[];
  /** The packages javac could not find, most frequent first (what the classpath lacks). */
  missingPackages: { name: string; files: number }[];
}

const MAX_ROUNDS = 5;

export async function checkTestCompilation(model: ProjectModel, opts: { cacheDir?: string; release?: number; signal?: AbortSignal } = {}): Promise<TestCompileCheck> {
  const tests = testSourceFiles(model);
  const result: TestCompileCheck = { mainErrors: [], testFiles: tests.length, compiled: 0, failing: [], missingPackages: [] };
  const main = await compileMainClasses(model, { cacheDir: opts.cacheDir, release: opts.release, signal: opts.signal });
  if (!main.classesDir) {
    result.mainErrors = main.errors;
    return result;
  }
  if (!tests.length) return result;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-check-'));
  try {
    const classpath = [main.classesDir, ...model.testClasspath].join(path.delimiter);
    let remaining = tests;
    const missing = new Map<string, Set<string>>();
    for (let round = 0; round < MAX_ROUNDS && remaining.length; round++) {
      const out = path.join(work, `r${round}`);
      fs.mkdirSync(out);
      const argFile = path.join(work, `files${round}.txt`);
      fs.writeFileSync(argFile, remaining.map((s) => `"${s.replace(/\\/g, '\\\\')}"`).join('\n'));
      const args = ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-nowarn', '-encoding', 'UTF-8', '-proc:none', '-Xmaxerrs', '100000', '-d', out, '-cp', classpath];
      const release = releaseFor(model, opts.release);
      if (release !== undefined) args.push('--release', String(release));
      const r = await runProcess('javac', [...args, `@${argFile}`], { timeoutMs: 600_000, signal: opts.signal });
      if (r.code === 0) {
        result.compiled = remaining.length;
        break;
      }
      const log = r.stdout + r.stderr;
      const bad = new Map<string, string>();
      for (const line of javacErrorLines(log, 100_000)) {
        const file = /^(.*\.java):\d+: error:/.exec(line)?.[1];
        if (file && !bad.has(path.resolve(file))) bad.set(path.resolve(file), line);
        const pkg = /error: package ([\w.]+) does not exist/.exec(line)?.[1];
        if (pkg && file) missing.set(pkg, (missing.get(pkg) ?? new Set()).add(file));
      }
      if (!bad.size) {
        result.failing.push(...remaining.map((f) => ({ file: f, error: r.timedOut ? 'javac timed out' : log.trim().slice(0, 200) })));
        remaining = [];
        break;
      }
      for (const [file, error] of bad) result.failing.push({ file, error });
      remaining = remaining.filter((f) => !bad.has(path.resolve(f)));
    }
    result.missingPackages = [...missing].map(([name, files]) => ({ name, files: files.size })).sort((a, b) => b.files - a.files);
    return result;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
