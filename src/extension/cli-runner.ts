// Runs a `testtune` CLI subcommand (dist/cli.js) as a child process for the long jobs (training,
// evaluation), so the extension host never blocks. Every line goes to `onLine` as it comes; stdout is
// also kept whole (a final JSON report). Cancellation writes `cancelLine` to the child's stdin when
// given (portable: Windows has no SIGINT for child processes), else sends SIGINT; either way the CLI
// saves its checkpoint and exits, and SIGKILL follows after a grace period. No `vscode` import.
import { spawn } from 'node:child_process';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
  stderrTail: string[];
  stdout: string;
}

export interface CliRunOptions {
  cliJs: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  graceMs?: number;
  /** A line that asks the child to cancel on its stdin (e.g. `testtune train --stdin-cancel`'s "cancel"). */
  cancelLine?: string;
}

export function runCli(o: CliRunOptions): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [o.cliJs, ...o.args], {
      cwd: o.cwd,
      env: { ...process.env, ...o.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    const tail: string[] = [];
    let cancelled = false;
    let killer: NodeJS.Timeout | undefined;
    child.stdin.on('error', () => undefined); // the child already gone: the close event reports it
    // stdin stays open only for a cancel line (a child told to cancel at stdin's end sees it when we exit)
    if (o.cancelLine === undefined) child.stdin.end();
    const onAbort = () => {
      cancelled = true;
      if (o.cancelLine !== undefined) child.stdin.write(`${o.cancelLine}\n`);
      else child.kill('SIGINT');
      killer = setTimeout(() => child.kill('SIGKILL'), o.graceMs ?? 10_000);
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = (stream: 'stdout' | 'stderr') => {
      let partial = '';
      return (chunk: Buffer) => {
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        for (const raw of parts) {
          const line = raw.replace(/\r$/, '');
          if (!line.trim()) continue;
          if (stream === 'stderr') {
            tail.push(line);
            if (tail.length > 30) tail.shift();
          }
          o.onLine?.(line, stream);
        }
      };
    };
    const out = lines('stdout');
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      out(c);
    });
    child.stderr.on('data', lines('stderr'));
    child.on('error', (e) => {
      tail.push(`could not start ${process.execPath}: ${e.message}`);
    });
    child.on('close', (code, signal) => {
      if (killer) clearTimeout(killer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, cancelled, stderrTail: tail, stdout });
    });
  });
}
