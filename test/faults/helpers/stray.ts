// Stray output on the sidecar's stdout, injected for real: the launch runs a relay process that starts
// the real sidecar and copies its stdout to ours, adding stray bytes the way a native library's print
// would land (glued before a message with no newline, glued after one, a whole stray line, or torn
// into the middle of a response). Used by the fault suite and the soak (`npm run bench -- --only faults`).
import type { SidecarLaunch } from '../../../src/sidecar/client';

export type StrayMode = 'glue-before' | 'glue-after' | 'line' | 'tear';
export const STRAY_MODES: StrayMode[] = ['glue-before', 'glue-after', 'line', 'tear'];

// The relay: stdin → sidecar, sidecar stderr → stderr, sidecar stdout → stdout with one injection into
// every response line (a line with "result" or "error" and an id), per TT_STRAY_MODE; in 'tear' mode the
// first response (the handshake) passes intact, so that the requests after it are the ones torn.
const RELAY = `
const { spawn } = require('child_process');
const inner = JSON.parse(process.env.TT_STRAY_INNER);
const mode = process.env.TT_STRAY_MODE;
const child = spawn(inner.command, inner.args, { stdio: ['pipe', 'pipe', 'inherit'], env: inner.env });
process.stdin.pipe(child.stdin);
process.stdin.on('end', () => child.stdin.end());
child.on('exit', (code) => process.exit(code ?? 1));
let buf = '';
let n = 0;
child.stdout.on('data', (d) => {
  buf += d;
  for (let i; (i = buf.indexOf('\\n')) >= 0; ) {
    const line = buf.slice(0, i + 1);
    buf = buf.slice(i + 1);
    const isResponse = /^\\{"jsonrpc":"2.0","id":/.test(line);
    if (!isResponse) { process.stdout.write(line); continue; }
    n++;
    const stray = 'stray print ' + n + ' {"jsonrpc": oops';
    if (mode === 'glue-before') process.stdout.write(stray + line);
    else if (mode === 'glue-after') process.stdout.write(line.slice(0, -1) + stray + '\\n');
    else if (mode === 'line') process.stdout.write(stray + '\\n' + line);
    else if (n === 1) process.stdout.write(line);
    else { const at = 1 + ((n * 7919) % (line.length - 2)); process.stdout.write(line.slice(0, at) + stray + '\\n' + line.slice(at)); }
  }
});
`;

/** A launch that runs `inner` (the real sidecar) behind a relay injecting stray output in `mode`. */
export function strayLaunch(inner: SidecarLaunch, mode: StrayMode): SidecarLaunch {
  return {
    command: process.execPath,
    args: ['-e', RELAY],
    env: { ...process.env, TT_STRAY_INNER: JSON.stringify(inner), TT_STRAY_MODE: mode },
  };
}
