// One "host killed" trial: a host process (plain Node) starts the sidecar the way SidecarClient does
// (stdin, stdout and stderr all pipes), sends `initialize` and a long `generate`, and is SIGKILLed at a
// chosen phase. The trial reports how long the orphaned sidecar lived on. Used by the fault suite
// (test/faults/sidecar-orphan.test.ts) and the soak (`npm run bench -- --only faults`).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { bundledSidecarLaunch, type SidecarLaunch } from '../../../src/sidecar/client';

const ROOT = path.resolve(__dirname, '../../..');

/** The sidecar and its model worker bundled into `outDir` the way scripts/build.mjs bundles dist/. */
export async function bundleSidecar(outDir: string): Promise<SidecarLaunch> {
  await esbuild.build({
    entryPoints: { sidecar: path.join(ROOT, 'src/sidecar/main.ts'), 'model-worker': path.join(ROOT, 'src/sidecar/worker.ts') },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    logLevel: 'error',
  });
  const launch = bundledSidecarLaunch(path.join(outDir, 'sidecar.js'));
  launch.env = { ...launch.env, NODE_PATH: path.join(ROOT, 'node_modules') };
  return launch;
}

export type KillPhase = 'spawned' | 'loading' | 'initialized' | 'generating';

export interface OrphanTrial {
  phase: KillPhase;
  sidecarPid: number;
  /** ms from the host's death to the sidecar's; null when it still ran after `limitMs`. */
  goneAfterMs: number | null;
}

// The host: prints the sidecar's pid, then one line per phase it sees; never exits on its own.
const HOST = `
const { spawn } = require('child_process');
const launch = JSON.parse(process.env.TT_FAULT_LAUNCH);
const child = spawn(launch.command, launch.args, { stdio: ['pipe', 'pipe', 'pipe'], env: launch.env });
process.stdout.write('pid ' + child.pid + '\\n');
let buf = '';
let generating = false;
child.stdout.on('data', (d) => {
  buf += d;
  for (let i; (i = buf.indexOf('\\n')) >= 0; ) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    let m;
    try { m = JSON.parse(line); } catch { continue; }
    if (m.id === 1) process.stdout.write('initialized\\n');
    if (m.method === 'generate/partial' && !generating) { generating = true; process.stdout.write('generating\\n'); }
  }
});
child.stderr.on('data', () => {});
const send = (m) => child.stdin.write(JSON.stringify(m) + '\\n');
send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { modelDir: process.env.TT_FAULT_MODEL } });
send({ jsonrpc: '2.0', id: 2, method: 'generate', params: { context: process.env.TT_FAULT_PROMPT, maxNewTokens: 10000 } });
setInterval(() => {}, 1 << 30);
`;

/** Running and not a zombie (an orphan's zombie waits for a reaper that may never come here). */
export function processRuns(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function killHostTrial(opts: {
  launch: SidecarLaunch;
  modelDir: string;
  phase: KillPhase;
  /** Extra wait after the phase is reached, before the kill (ms). */
  delayMs?: number;
  limitMs?: number;
  prompt?: string;
}): Promise<OrphanTrial> {
  const limitMs = opts.limitMs ?? 3000;
  const host = spawn(process.execPath, ['-e', HOST], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TT_FAULT_LAUNCH: JSON.stringify(opts.launch),
      TT_FAULT_MODEL: opts.modelDir,
      TT_FAULT_PROMPT: opts.prompt ?? 'public class Counter {\n  private int n;\n  public int next() { return ++n; }\n}\n',
    },
  });
  const seen = new Set<string>();
  let sidecarPid = 0;
  let out = '';
  host.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const line of out.split('\n')) {
      if (line.startsWith('pid ')) sidecarPid = Number(line.slice(4));
      else if (line) seen.add(line);
    }
  });
  const target = opts.phase === 'loading' ? 'spawned' : opts.phase;
  const deadline = Date.now() + 120_000;
  while (!(sidecarPid && (target === 'spawned' || seen.has(target)))) {
    if (Date.now() > deadline || host.exitCode !== null) break;
    await sleep(5);
  }
  if (opts.phase === 'loading') await sleep(150);
  if (opts.delayMs) await sleep(opts.delayMs);
  host.kill('SIGKILL');
  const killedAt = performance.now();
  await new Promise((r) => (host.exitCode !== null || host.signalCode !== null ? r(null) : host.once('exit', r)));
  if (!sidecarPid) throw new Error(`the host did not start the sidecar (phase ${opts.phase})`);
  while (performance.now() - killedAt < limitMs) {
    if (!processRuns(sidecarPid)) return { phase: opts.phase, sidecarPid, goneAfterMs: performance.now() - killedAt };
    await sleep(10);
  }
  // An orphan: this trial started it, so this trial ends it (by its pid only).
  try {
    process.kill(sidecarPid, 'SIGKILL');
  } catch {
    // gone in the meantime
  }
  return { phase: opts.phase, sidecarPid, goneAfterMs: null };
}
