// javac over a set of files where some may not compile: files javac reports errors in are set aside
// and the rest recompiled, until a set compiles cleanly (or nothing is left). Used to compile the
// main classes without the few files whose dependency is not available locally (an optional
// integration, say), and to count which of a project's tests compile against a classpath.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../util/process';

export interface RoundsResult {
  /** Files in the set that finally compiled (empty when none did). */
  compiled: string[];
  /** Files set aside, each with its first javac error ("File.java:12: error: ..."). */
  failing: { file: string; error: string }[];
  /** Every "error:" line seen, in order (callers mine them for missing packages). */
  errorLines: string[];
  timedOut: boolean;
  cancelled: boolean;
}

const MAX_ROUNDS = 6;

/** The first `limit` javac error lines ("File.java:12: error: ..."). */
export function javacErrorLines(output: string, limit = 10): string[] {
  return output
    .split('\n')
    .filter((l) => /: error:/.test(l))
    .slice(0, limit)
    .map((l) => l.trim());
}

/**
 * One argument quoted for a javac `@argfile`. javac reads argfiles with its own tokenizer: inside double
 * quotes a backslash escapes the next character (`\\n`, `\\r`, `\\t`, `\\f` are control characters,
 * any other character stands for itself), and a newline ends the argument. So backslash, quote and the
 * control characters are escaped; a file name with `"` or a newline can then neither end its quotes early
 * nor add options of its own. Pass absolute paths, so that none can start with `-` or `@`.
 */
export function argfileQuote(arg: string): string {
  const escaped = arg.replace(/[\\"\n\r\t\f]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f' })[c]!);
  return `"${escaped}"`;
}

/**
 * Compiles `files` with `args` (everything but the output folder and the files) into `outDir`,
 * setting aside the files javac names in errors, at most MAX_ROUNDS times.
 */
export async function compileSettingAside(
  files: string[],
  args: string[],
  outDir: string,
  opts: { javac?: string; timeoutMs?: number; signal?: AbortSignal; maxRounds?: number } = {},
): Promise<RoundsResult> {
  const result: RoundsResult = { compiled: [], failing: [], errorLines: [], timedOut: false, cancelled: false };
  let remaining = files;
  const rounds = opts.maxRounds ?? MAX_ROUNDS;
  for (let round = 0; round < rounds && remaining.length; round++) {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const argFile = path.join(path.dirname(outDir), `${path.basename(outDir)}-files.txt`);
    fs.writeFileSync(argFile, remaining.map((s) => argfileQuote(s)).join('\n'));
    const r = await runProcess(opts.javac ?? 'javac', [...args, '-Xmaxerrs', '100000', '-d', outDir, `@${argFile}`], { timeoutMs: opts.timeoutMs ?? 600_000, signal: opts.signal });
    fs.rmSync(argFile, { force: true });
    if (opts.signal?.aborted) return { ...result, cancelled: true };
    if (r.timedOut) return { ...result, timedOut: true };
    if (r.code === 0) {
      result.compiled = remaining;
      return result;
    }
    const log = r.stdout + r.stderr;
    const lines = javacErrorLines(log, Number.MAX_SAFE_INTEGER);
    result.errorLines.push(...lines);
    const bad = new Map<string, string>();
    for (const line of lines) {
      const file = /^(.*\.java):\d+: error:/.exec(line)?.[1];
      if (file && !bad.has(path.resolve(file))) bad.set(path.resolve(file), line);
    }
    const inSet = remaining.filter((f) => bad.has(path.resolve(f)));
    if (!inSet.length) {
      // errors without a file of ours (a bad option, a broken jar): nothing compiles
      result.failing.push(...remaining.map((file) => ({ file, error: lines[0] ?? log.trim().slice(0, 300) })));
      return result;
    }
    for (const f of inSet) result.failing.push({ file: f, error: bad.get(path.resolve(f))! });
    remaining = remaining.filter((f) => !bad.has(path.resolve(f)));
  }
  // rounds used up: what is left was not shown to compile
  if (remaining.length) result.failing.push(...remaining.map((file) => ({ file, error: `not compiled cleanly within ${rounds} javac round(s)` })));
  return result;
}
