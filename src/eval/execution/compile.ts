// javac steps of the execution harness: the project's main classes once (with `--release 11`,
// the newest class-file version JaCoCo 0.8.6 instruments), then each placed test file on its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaFiles, type ProjectLayout } from './project';
import { FAST_JVM } from './junit';
import { runProcess, type Toolchain } from './toolchain';

const RELEASE = '11';

export interface CompileResult {
  ok: boolean;
  errors: string[]; // javac's error lines (first few)
  log: string;
}

/** The first `limit` "error:" diagnostics of javac output, with their file:line prefix. */
export function javacErrors(output: string, limit = 5): string[] {
  return output
    .split('\n')
    .filter((l) => /error:/.test(l))
    .slice(0, limit)
    .map((l) => l.trim());
}

/**
 * One argument quoted for a javac `@argfile`. javac reads argfiles with its own tokenizer: inside double
 * quotes a backslash escapes the next character (`\\n`, `\\r`, `\\t`, `\\f` are control characters,
 * any other character stands for itself), and a newline ends the argument. So backslash, quote and the
 * control characters are escaped; a file name with `"` or a newline can then neither end its quotes early
 * nor add options of its own. Paths are made absolute so none can start with `-` or `@`.
 */
export function argfileQuote(arg: string): string {
  const escaped = arg.replace(/[\\"\n\r\t\f]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f' })[c]!);
  return `"${escaped}"`;
}

function copyResources(roots: string[], dest: string): void {
  for (const r of roots) if (fs.existsSync(r)) fs.cpSync(r, dest, { recursive: true });
}

export async function compileMain(tc: Toolchain, layout: ProjectLayout, deps: string[], outDir: string): Promise<CompileResult> {
  fs.mkdirSync(outDir, { recursive: true });
  const exclude = layout.mainRoots.some((m) => layout.testRoot.startsWith(m + path.sep)) ? layout.testRoot : undefined;
  const sources = layout.mainRoots.flatMap((r) => javaFiles(r, exclude));
  if (!sources.length) return { ok: false, errors: ['no main sources to compile'], log: '' };
  const argFile = path.join(outDir, '..', 'main-sources.txt');
  fs.writeFileSync(argFile, sources.map((s) => argfileQuote(path.resolve(s))).join('\n'));
  const args = [...FAST_JVM.map((f) => `-J${f}`), '--release', RELEASE, '-nowarn', '-encoding', 'UTF-8', '-proc:none', '-d', outDir];
  if (deps.length) args.push('-cp', deps.join(path.delimiter));
  const r = await runProcess(tc.javac, [...args, `@${argFile}`], { timeoutMs: 600_000 });
  copyResources(layout.resourceRoots.filter((p) => !p.includes(`${path.sep}test${path.sep}`)), outDir);
  const log = r.stdout + r.stderr;
  return { ok: r.code === 0, errors: r.code === 0 ? [] : javacErrors(log).concat(r.timedOut ? ['javac timed out'] : []), log };
}

/** Compiles one test file (other test sources it needs are found through -sourcepath). */
export async function compileTest(
  tc: Toolchain,
  layout: ProjectLayout,
  testFile: string,
  classpath: string[],
  outDir: string,
): Promise<CompileResult> {
  fs.mkdirSync(outDir, { recursive: true });
  const sourcepath = [layout.testRoot, ...layout.mainRoots].join(path.delimiter);
  const args = [...FAST_JVM.map((f) => `-J${f}`), '--release', RELEASE, '-nowarn', '-encoding', 'UTF-8', '-proc:none', '-implicit:class', '-d', outDir, '-cp', classpath.join(path.delimiter), '-sourcepath', sourcepath, path.resolve(testFile)];
  const r = await runProcess(tc.javac, args, { timeoutMs: 300_000 });
  copyResources(layout.resourceRoots.filter((p) => p.includes(`${path.sep}test${path.sep}`)), outDir);
  const log = r.stdout + r.stderr;
  return { ok: r.code === 0, errors: r.code === 0 ? [] : javacErrors(log).concat(r.timedOut ? ['javac timed out'] : []), log };
}
