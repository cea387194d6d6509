// Sidecar benchmark (run by scripts/bench.mjs; prints one JSON array on its last stdout line).
// The bundled sidecar (esbuild, the entry names of scripts/build.mjs) on the default-size random model
// used by inference.ts: cold start (spawn → initialize answered; → first token), decode through the
// sidecar vs the engine in this process (what the protocol and the worker thread cost per token),
// cancel latency (cancel sent → RequestCancelled received) against one decode step, and the `status`
// round trip while a generation runs (the main thread stays responsive).
// Env: BENCH_QUICK=1 for fewer tokens/reps.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from '../../src/sidecar/cancellation';
import { SidecarClient, type SidecarLaunch } from '../../src/sidecar/client';
import { bundleSidecar } from '../../test/faults/helpers/orphan';
import { ErrorCodes, RpcError } from '../../src/sidecar/protocol';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { type BenchResult, defaultBenchModelDir } from './_common';

type Result = BenchResult;

const quick = process.env.BENCH_QUICK === '1';
const REPS = quick ? 2 : 3;
const DECODE = quick ? 32 : 128;
const PROMPT = 'class A {\n  int add(int a, int b) { return a + b; }\n}\nclass ATest {\n  @Test void testAdd() {\n';
const log = (s: string) => process.stderr.write(`[sidecar] ${s}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The sidecar bundled the way scripts/build.mjs bundles dist/ (the fault tests' helper). */
const bundle = (): Promise<SidecarLaunch> => bundleSidecar(fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-bench-sidecar-')));

async function main(): Promise<void> {
  const dir = defaultBenchModelDir(log);
  const launch = await bundle();
  const results: Result[] = [];
  const add = (name: string, value: number, unit: string, anchor: string | null = null, anchorValue: number | null = null, lowerIsBetter = true) =>
    results.push({ name, value, unit, anchor, anchor_value: anchorValue, ratio: anchorValue === null ? null : lowerIsBetter ? anchorValue / value : value / anchorValue });

  // Cold start: a fresh process each time.
  const ready: number[] = [];
  const first: number[] = [];
  const started: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const c = new SidecarClient({ launch, initialize: { modelDir: dir, provider: 'cpu' } });
    c.onLog((line) => {
      if (/\] started in /.test(line)) started.push(performance.now() - t0);
    });
    await c.start();
    if (c.state !== 'ready') throw new Error(`sidecar not ready: ${c.lastError}`);
    ready.push(performance.now() - t0);
    await c.generate({ context: PROMPT, maxNewTokens: 1, stopWhenBalanced: false });
    first.push(performance.now() - t0);
    await c.dispose();
    log(`cold ${i}: ready ${ready[i].toFixed(0)} ms, first token ${first[i].toFixed(0)} ms`);
  }
  add('sidecar cold start: spawn → initialize answered (default model, bundled)', median(ready), 'ms', 'target', 1500);
  add('sidecar cold start: spawn → first generated token', median(first), 'ms');
  add('sidecar cold start: spawn → process answering (node + bundle loaded)', median(started), 'ms');

  // Decode through the sidecar vs in this process, same model, same prompt, greedy.
  const c = new SidecarClient({ launch, initialize: { modelDir: dir, provider: 'cpu' } });
  const honoured: number[] = [];
  c.onLog((line) => {
    const m = /generate cancel honoured in ([\d.]+) ms/.exec(line);
    if (m) honoured.push(Number(m[1]));
  });
  await c.start();
  const viaSidecar: number[] = [];
  const inWorker: number[] = [];
  let partials = 0;
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const r = await c.generate({ context: PROMPT, maxNewTokens: DECODE, stopWhenBalanced: false }, { onPartial: () => partials++ });
    viaSidecar.push((performance.now() - t0) / r.newTokens);
    inWorker.push(r.ms / r.newTokens);
  }
  const engine = await loadJavaEngine(dir, { provider: 'cpu' });
  const inProc: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const r = await engine.generate(PROMPT, { maxNewTokens: DECODE, stopWhenBalanced: false, onText: () => undefined });
    inProc.push((performance.now() - t0) / r.newTokens);
  }
  await engine.dispose();
  const stepMs = median(inProc);
  log(`per token: sidecar ${median(viaSidecar).toFixed(3)} ms (engine in the worker ${median(inWorker).toFixed(3)} ms), in process ${stepMs.toFixed(3)} ms (${partials} partials)`);
  add('generate in the sidecar: engine time per token inside the worker thread', median(inWorker), 'ms/token', 'engine in process', stepMs);
  add(`generate ${DECODE} tokens through the sidecar (client wall time per token)`, median(viaSidecar), 'ms/token', 'engine in process', stepMs);
  const overhead = viaSidecar.map((v, i) => v - inWorker[i]);
  add('sidecar protocol + IPC overhead per token (client wall time − engine time in the worker)', median(overhead), 'ms/token');

  // Cancel latency and status round trip while generating.
  const cancelMs: number[] = [];
  const statusMs: number[] = [];
  for (let i = 0; i < REPS + 2; i++) {
    const source = new CancellationTokenSource();
    let n = 0;
    let tCancel = 0;
    const gen = c.generate(
      { context: PROMPT, maxNewTokens: 1000, stopWhenBalanced: false },
      {
        token: source.token,
        onPartial: () => {
          if (++n === 4) {
            const ts = performance.now();
            void c.request('status', undefined).then(() => statusMs.push(performance.now() - ts));
          }
          if (n === 12) {
            tCancel = performance.now();
            source.cancel();
          }
        },
      },
    );
    try {
      await gen;
      throw new Error('generation was not cancelled');
    } catch (e) {
      if (!(e instanceof RpcError) || e.code !== ErrorCodes.RequestCancelled) throw e;
      cancelMs.push(performance.now() - tCancel);
    }
  }
  await c.dispose();
  log(`cancel ${cancelMs.map((x) => x.toFixed(1)).join(', ')} ms (in the sidecar ${honoured.map((x) => x.toFixed(1)).join(', ')} ms); status ${statusMs.map((x) => x.toFixed(1)).join(', ')} ms`);
  add('cancel latency: cancel sent → RequestCancelled received, mid-generation', median(cancelMs), 'ms', 'one decode step in process', stepMs);
  add('cancel honoured in the sidecar: cancel reaches the worker → generation ended', median(honoured), 'ms', 'one decode step in the worker', median(inWorker));
  add('status round trip while a generation runs', median(statusMs), 'ms', 'one decode step in process', stepMs);
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
