// Real-size benchmark (run by scripts/bench.mjs): a random model with Qwen2.5-Coder-0.5B's shapes
// (scripts/bench/real_size.py writes it as F16 safetensors), loaded the way the engine loads it
// (openVariantSession: tensors read when used, graphs over 256 MiB written as ONNX external data, no
// graph cache). Measures, in a fresh process each, f32 (16-bit weights widened), int8
// (DynamicQuantizeMatMul) and int4 (MatMulNBits, F16 embedding kept): graph build + session time,
// prefill tokens/s, greedy decode tokens/s with the KV cache, and the process's peak RSS against the
// checkpoint's bytes on disk. Anchor in the same run: transformers 5.17 generate (greedy, KV cache,
// F32) on the same weights and thread count (its threads wait passively, as ORT's do).
// Needs TESTTUNE_BENCH_PYTHON: a python with torch 2.13 CPU + transformers 5.17 (a virtualenv outside
// git); without it the module prints [] and says why. Env: BENCH_LAYERS (default 24: the real depth;
// fewer for a quick look), BENCH_THREADS (default 2), BENCH_QUICK=1 (decode 16 tokens instead of 64),
// BENCH_VARIANTS (default none,int8,int4), BENCH_SHAPE (0.5b, default, or 1.5b: Qwen2.5-Coder-1.5B's
// shapes, 28 layers by default), BENCH_NO_TORCH=1 (no transformers anchor).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readModelConfig, readModelTensors } from '../../src/model/engine';
import { KvRunner, type Quantize } from '../../src/model/inference';
import { openVariantSession } from '../../src/model/variant-session';
import { weightFiles } from '../../src/model/weight-files';
import type { BenchResult } from './_common';

const PREFILL = 128;
const DECODE = process.env.BENCH_QUICK === '1' ? 16 : 64;
const THREADS = Number(process.env.BENCH_THREADS ?? '2');
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'none,int8,int4').split(',') as Quantize[];
const SHAPE = process.env.BENCH_SHAPE === '1.5b' ? '1.5b' : '0.5b';
const LAYERS = Number(process.env.BENCH_LAYERS ?? (SHAPE === '1.5b' ? '28' : '24'));
const log = (s: string) => process.stderr.write(`[real-size] ${s}\n`);

interface Measured {
  buildS: number;
  prefillTokS: number;
  decodeTokS: number;
  peakRss: number;
  /** The checkpoint's bytes on disk (F16). */
  diskBytes: number;
  /** RSS after the session exists, before the first run. */
  rssAfterSession: number;
  /** Decode tokens per CPU-second of the process (steadier than wall time on a shared machine). */
  decodeTokPerCpuS: number;
}

async function child(dir: string, quantize: Quantize): Promise<void> {
  const t0 = performance.now();
  const cfg = readModelConfig(dir);
  const diskBytes = weightFiles(dir).files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  const { session, graph } = await openVariantSession({
    dir, cfg, slots: {}, bare: true, quantize, layout: 'fused', session: { provider: 'cpu', threads: THREADS }, cache: false,
    weights: () => readModelTensors(dir, cfg),
  });
  const buildS = (performance.now() - t0) / 1000;
  const rssAfterSession = process.memoryUsage().rss;
  const runner = new KvRunner(session, cfg, graph, PREFILL + DECODE + 8);
  const ids = Array.from({ length: PREFILL }, (_, i) => (i * 7919) % 50000);
  await runner.step(ids.slice(0, 16)); // warm-up
  runner.reset();
  let t = performance.now();
  let logits = await runner.step(ids);
  const prefillTokS = PREFILL / ((performance.now() - t) / 1000);
  t = performance.now();
  const c = process.cpuUsage();
  for (let i = 0; i < DECODE; i++) {
    let best = 0;
    for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
    logits = await runner.step([best]);
  }
  const decodeTokS = DECODE / ((performance.now() - t) / 1000);
  const cu = process.cpuUsage(c);
  const decodeTokPerCpuS = DECODE / ((cu.user + cu.system) / 1e6);
  const m: Measured = { buildS, prefillTokS, decodeTokS, peakRss: process.resourceUsage().maxRSS * 1024, diskBytes, rssAfterSession, decodeTokPerCpuS };
  console.log(JSON.stringify(m));
  await session.release();
}

function runChild(dir: string, quantize: Quantize): Measured | undefined {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir, quantize], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    log(`${quantize}: child failed (${r.status}): ${r.stderr.slice(-2000)}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

async function main(): Promise<void> {
  const py = process.env.TESTTUNE_BENCH_PYTHON;
  if (!py || !fs.existsSync(py)) {
    log('skipped: set TESTTUNE_BENCH_PYTHON to a python with torch 2.13 + transformers 5.17 (it writes the weights and is the anchor)');
    console.log('[]');
    return;
  }
  const dir = path.join(os.tmpdir(), `testtune-bench-qwen2-${SHAPE}-shape-${LAYERS}l`);
  const script = path.join(__dirname, 'real_size.py');
  if (!fs.existsSync(path.join(dir, 'config.json'))) {
    log(`writing ${dir}`);
    const mk = spawnSync(py, [script, 'make', dir, '--layers', String(LAYERS), '--shape', SHAPE], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (mk.status !== 0) throw new Error('real_size.py make failed');
  }
  const results: BenchResult[] = [];
  const load0 = os.loadavg()[0];
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }; // torch's threads sleep when idle, as ORT's do (spinning off)
  const an = process.env.BENCH_NO_TORCH === '1' ? undefined : spawnSync(py, [script, 'measure', dir, '--threads', String(THREADS), '--prefill', String(PREFILL), '--decode', String(DECODE)], { encoding: 'utf8', env });
  const anchor = an?.status === 0 ? (JSON.parse(an.stdout.trim().split('\n').pop()!) as { prefill_tok_s: number; decode_tok_s: number; decode_tok_per_cpu_s: number; peak_rss: number }) : undefined;
  if (an && !anchor) log(`anchor failed: ${an.stderr.slice(-1500)}`);
  const tag = `qwen2-${SHAPE}-shape ${LAYERS}L ${THREADS}t`;
  if (anchor) log(`transformers f32: prefill ${anchor.prefill_tok_s.toFixed(1)} tok/s, decode ${anchor.decode_tok_s.toFixed(2)} tok/s, peak RSS ${(anchor.peak_rss / 2 ** 30).toFixed(2)} GiB`);
  for (const q of VARIANTS) {
    const m = runChild(dir, q);
    if (!m) continue;
    const name = q === 'none' ? 'f32' : q;
    log(`${name}: build ${m.buildS.toFixed(1)} s, prefill ${m.prefillTokS.toFixed(1)} tok/s, decode ${m.decodeTokS.toFixed(2)} tok/s (${m.decodeTokPerCpuS.toFixed(2)} per CPU-second), peak RSS ${(m.peakRss / 2 ** 30).toFixed(2)} GiB, RSS after session ${(m.rssAfterSession / 2 ** 30).toFixed(2)} GiB (checkpoint ${(m.diskBytes / 2 ** 30).toFixed(2)} GiB on disk)`);
    const vs = (value: number, a: number | undefined, label: string): BenchResult => ({ name: label, value, unit: 'tok/s', anchor: a === undefined ? null : 'transformers 5.17 generate f32', anchor_value: a ?? null, ratio: a === undefined ? null : value / a });
    results.push(
      vs(m.prefillTokS, anchor?.prefill_tok_s, `${tag} ${name} prefill ${PREFILL}`),
      vs(m.decodeTokS, anchor?.decode_tok_s, `${tag} ${name} greedy decode`),
      { ...vs(m.decodeTokPerCpuS, anchor?.decode_tok_per_cpu_s, `${tag} ${name} greedy decode per CPU-second`), unit: 'tok/cpu-s' },
      { name: `${tag} ${name} peak RSS / checkpoint bytes on disk`, value: m.peakRss / m.diskBytes, unit: 'x', anchor: anchor ? 'transformers f32 peak RSS / checkpoint bytes' : null, anchor_value: anchor ? anchor.peak_rss / m.diskBytes : null, ratio: anchor ? anchor.peak_rss / m.peakRss : null },
      { name: `${tag} ${name} build + session`, value: m.buildS, unit: 's', anchor: null, anchor_value: null, ratio: null },
    );
  }
  // the machine is shared: the load around the measurements, for reading the wall-time rates
  for (const [when, load] of [['start', load0], ['end', os.loadavg()[0]]] as const)
    results.push({ name: `load average (1 min) at the ${when} of this module`, value: load, unit: 'load', anchor: null, anchor_value: null, ratio: null });
  console.log(JSON.stringify(results));
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4] as Quantize).catch((e) => { console.error(e); process.exit(1); });
else main().catch((e) => { console.error(e); process.exit(1); });
