// Child processes with a time limit: the whole process group is killed when time runs out or the
// caller aborts, so a test's threads and children end with it. Used by the Java toolchain (javac, the
// JUnit launcher, JaCoCo helpers) wherever it runs: the project model, verification, evaluation.
import { spawn } from 'node:child_process';

export interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted?: boolean;
  ms: number;
}

/**
 * Runs a process with a timeout; the whole process group is killed when time runs out or when
 * `signal` aborts (then `aborted` is set), so threads or children a test started end with it.
 */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<ProcResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, stdout, stderr: String(e), timedOut, ms: 0 });
      return;
    }
    const cap = (s: string, d: Buffer) => (s.length > 1_000_000 ? s : s + d.toString('utf8'));
    child.stdout.on('data', (d: Buffer) => (stdout = cap(stdout, d)));
    child.stderr.on('data', (d: Buffer) => (stderr = cap(stderr, d)));
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup();
        }, opts.timeoutMs)
      : undefined;
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      done();
      resolve({ code: null, stdout, stderr: stderr + String(e), timedOut, aborted, ms: Date.now() - t0 });
    });
    child.on('close', (code) => {
      done();
      resolve({ code, stdout, stderr, timedOut, aborted, ms: Date.now() - t0 });
    });
  });
}
