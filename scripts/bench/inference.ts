// Inference benchmark (run by scripts/bench.mjs; prints one JSON array on its last stdout line).
// Default-size Llama config (6 layers x 384 hidden, 6 heads / 2 KV heads, FFN 1024, vocab 8192),
// random weights: engine cold start in a fresh process, prefill of 1,024 tokens, greedy decode tok/s,
// per-step overhead beyond session.run, RSS; intra-op threads 1 vs 2 (spinning off). The base model
// decodes on the bare graph (no adapter slots: what the engine runs when no adapter is selected);
// the slotted graph is measured too (an adapter selected). int8 (opt-in: quantize 'int8') against
// PyTorch's dynamic int8 Linear. Roofline: weight bytes read per decode step / step time, against
// the bandwidth ORT's own f32 MatMul reaches on one [1, K] x [K, N] product of the same byte size.
// Anchors in the same run: the same weights in PyTorch eager (scripts/bench/torch_infer.py), f32
// and torch.quantization.quantize_dynamic int8, best thread count.
// Env: BENCH_QUICK=1 for fewer tokens/reps; BENCH_NO_TORCH=1 to skip the anchor.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decode } from '../../src/model/decode';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { loadModelFiles } from '../../src/model/engine';
import { buildInferenceModel, KvRunner, type Quantize } from '../../src/model/inference';
import { byteLevelTokenizerJson, initWeights, PRESETS, writeModelDir } from '../../src/model/init';
import { StreamDecoder } from '../../src/model/stream-decoder';
import { Tokenizer } from '../../src/model/tokenizer';
import type { AdapterSlots } from '../../src/model/family';
import { family } from '../../src/model/family';
import { Graph } from '../../src/onnx/graph';
import { modelBytes } from '../../src/model/onnx-bytes';
import { createSession, f32 } from '../../src/runtime/ort';
import { type BenchResult, defaultBenchModelDir } from './_common';

type Result = BenchResult;

const quick = process.env.BENCH_QUICK === '1';
const PREFILL = 1024;
const DECODE = quick ? 32 : 128;
const DECODE_PROMPT = 64;
const REPS = quick ? 1 : 3;
const log = (s: string) => process.stderr.write(`[inference] ${s}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function coldChild(dir: string, cache: boolean): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const engine = await loadJavaEngine(dir, { provider: 'cpu', cache });
  const loadMs = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  const loadCpuMs = (cu.user + cu.system) / 1000;
  const r = await engine.generate('class A { void t() {', { maxNewTokens: 1, stopWhenBalanced: false });
  const firstMs = performance.now() - t0;
  console.log(JSON.stringify({ loadMs, loadCpuMs, firstMs, sinceProcessStart: performance.now(), rss: process.memoryUsage().rss, tokens: r.newTokens }));
  await engine.dispose();
}

const DEFAULT_SLOTS: AdapterSlots = { lora: { targets: ['q_proj', 'v_proj'] }, ia3: { targets: ['k_proj', 'v_proj', 'down_proj'], feedforward: ['down_proj'] }, prompt: true };

async function measure(dir: string, threads: number, slots: AdapterSlots = DEFAULT_SLOTS, quantize: Quantize = 'none') {
  const { cfg, weights } = loadModelFiles(dir);
  const { bytes, graph } = buildInferenceModel(cfg, weights, slots, 'last', quantize);
  const session = await createSession(bytes, { provider: 'cpu', threads });
  const runner = new KvRunner(session, cfg, graph);
  runner.setAdapter(undefined);
  const tok = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  const ids = Array.from({ length: PREFILL }, (_, i) => (i * 7919) % 256);
  await runner.step(ids.slice(0, 64)); // warm-up
  const pre: number[] = [];
  const preCpu: number[] = [];
  for (let i = 0; i < REPS; i++) {
    runner.reset();
    const t = performance.now();
    const c = process.cpuUsage();
    await runner.step(ids);
    pre.push(performance.now() - t);
    const cc = process.cpuUsage(c);
    preCpu.push((cc.user + cc.system) / 1000);
  }
  // one untimed decode first: V8 compiles the decode loop, the detokenizer and argmax while it runs
  // (on background threads: CPU time that would land in the first timed rep's per-step overhead)
  runner.reset();
  const warm = new StreamDecoder(tok);
  await decode(runner, ids.slice(0, DECODE_PROMPT), { push: (id: number | readonly number[]) => (typeof id === 'number' && id < tok.vocabSize ? warm.push(id) : ''), flush: () => warm.flush() }, { maxNewTokens: 32 });
  // decode: time inside session.run vs the whole loop
  let runMs = 0;
  let runCpu = 0;
  const run = session.run.bind(session);
  session.run = async (...a: Parameters<typeof run>) => {
    const t = performance.now();
    const c = process.cpuUsage();
    const out = await run(...a);
    const cc = process.cpuUsage(c);
    runCpu += (cc.user + cc.system) / 1000;
    runMs += performance.now() - t;
    return out;
  };
  const cpuOverheads: number[] = [];
  const stepCpu: number[] = [];
  const rates: number[] = [];
  const overheads: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < REPS; i++) {
    runner.reset();
    const prompt = ids.slice(0, DECODE_PROMPT);
    // prefill outside the timed region: decode() calls step(prompt) first, so time from the first new token
    let first = 0;
    let start = 0;
    let firstCpu = 0;
    let startCpu = { user: 0, system: 0 };
    const sd = new StreamDecoder(tok);
    const r = await decode(
      { step: async (x: number[]) => { const l = await runner.step(x); if (!start) { start = performance.now(); first = runMs; firstCpu = runCpu; startCpu = process.cpuUsage(); } return l; }, get room() { return runner.room; }, reset: () => undefined },
      prompt,
      // random weights pick ids beyond the byte-level tokenizer; argmax stays over the full vocab like the anchor
      { push: (id: number | readonly number[]) => (typeof id === 'number' && id < tok.vocabSize ? sd.push(id) : ''), flush: () => sd.flush() },
      { maxNewTokens: DECODE + 1 },
    );
    const loopMs = performance.now() - start;
    const cc = process.cpuUsage(startCpu);
    const n = r.ids.length - 1; // steps after the prefill
    rates.push((n / loopMs) * 1000);
    steps.push(loopMs / n);
    overheads.push((loopMs - (runMs - first)) / n);
    cpuOverheads.push(((cc.user + cc.system) / 1000 - (runCpu - firstCpu)) / n);
    stepCpu.push((cc.user + cc.system) / 1000 / n);
    runMs = 0;
    runCpu = 0;
  }
  const rss = process.memoryUsage().rss;
  await session.release();
  return { prefillMs: median(pre), tokS: median(rates), stepMs: median(steps), overheadMs: median(overheads), overheadCpuMs: median(cpuOverheads), prefillCpuMs: median(preCpu), stepCpuMs: median(stepCpu), rss };
}

/** CPU and wall time per step of the decode loop alone (argmax over the vocab, detokenize, brace counting, yield), no model. */
async function loopOnly(dir: string): Promise<{ cpuMs: number; wallMs: number }> {
  const tok = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  const logits = new Float32Array(PRESETS.default.vocabSize).map((_, i) => (i * 7919) % 1000 / 1000);
  let k = 0;
  const stepper = { step: async () => { logits[97 + ((k++ * 7) % 26)] += 1; return logits; }, room: 1e9, reset: () => undefined };
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const c = process.cpuUsage();
    const t = performance.now();
    const r = await decode(stepper, [1], new StreamDecoder(tok), { maxNewTokens: 2000, eosId: 256 });
    const cc = process.cpuUsage(c);
    cpu.push((cc.user + cc.system) / 1000 / r.ids.length);
    wall.push((performance.now() - t) / r.ids.length);
  }
  return { cpuMs: median(cpu), wallMs: median(wall) };
}

/** Bytes of weights one decode step reads: every matrix the step multiplies by (the tied head once; an untied embedding is one row). */
function weightBytesPerStep(dir: string): number {
  const { cfg } = loadModelFiles(dir);
  let n = 0;
  for (const s of family(cfg).weightSpecs(cfg)) if (s.shape.length === 2) n += s.shape[0] * s.shape[1];
  if (!cfg.tieWordEmbeddings) n -= cfg.vocabSize * cfg.hiddenSize;
  return n * 4;
}

/** GB/s ORT's f32 MatMul reaches on x[1, K] @ W[K, N] with W of about `bytes` (one thread): the decode roofline here. */
async function gemvBandwidth(bytes: number): Promise<number> {
  const K = 1024;
  const N = Math.round(bytes / 4 / K);
  const g = new Graph('gemv');
  const x = g.input('x', 'float32', [1, K]);
  const w = g.initializer('w', { dtype: 'float32', dims: [K, N], data: new Float32Array(K * N).map((_, i) => ((i * 7919) % 1000) / 1e4 - 0.05) });
  g.output(g.op('MatMul', [x, w]), 'y', 'float32', [1, N]);
  const s = await createSession(modelBytes(g, { opset: 18 }), { provider: 'cpu', threads: 1 });
  const feed = { [x]: f32(new Float32Array(K).fill(0.01), [1, K]) };
  for (let i = 0; i < 5; i++) await s.run(feed);
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < 20; i++) await s.run(feed);
    times.push((performance.now() - t) / 20);
  }
  await s.release();
  return (K * N * 4) / (Math.min(...times) / 1000) / 1e9;
}

type Anchor = { threads: number; prefill_ms: number; prefill_cpu_ms: number; decode_tok_s: number; decode_cpu_ms_per_tok: number; load_ms: number; quantize?: string; qengine?: string };

function torchAnchor(dir: string, quantize: Quantize = 'none'): Anchor[] {
  if (process.env.BENCH_NO_TORCH === '1') return [];
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const script = path.join(__dirname, 'torch_infer.py');
  const out = [];
  for (const t of [1, 2]) {
    // one process per thread count, with OpenBLAS/OpenMP pools sized to match (no oversubscription)
    const r = spawnSync('/usr/bin/python3', [script, dir, '--prefill', String(PREFILL), '--decode', String(DECODE), '--decode-prompt', String(DECODE_PROMPT), '--threads', String(t), '--reps', String(REPS), '--quantize', quantize], {
      env: { ...env, OPENBLAS_NUM_THREADS: String(t), OMP_NUM_THREADS: String(t) },
      encoding: 'utf8',
      maxBuffer: 512 * 2 ** 20, // qnnpack warns on stderr at every int8 Linear call
    });
    if (r.status !== 0) {
      log(`PyTorch anchor failed: ${(r.stderr || r.error?.message || '').split('\n').slice(-3).join(' ')}`);
      continue;
    }
    out.push(...r.stdout.trim().split('\n').map((l) => JSON.parse(l)));
  }
  return out;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child-cold') return coldChild(process.argv[3], process.argv[4] === 'cache');
  const dir = defaultBenchModelDir(log);
  const load0 = os.loadavg()[0];
  type Cold = { loadMs: number; loadCpuMs: number; firstMs: number; sinceProcessStart: number; rss: number };
  const cold = (cache: boolean): Cold => {
    const c = spawnSync(process.execPath, [...process.execArgv, __filename, '--child-cold', dir, cache ? 'cache' : 'nocache'], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`cold-start child failed: ${c.stderr}`);
    return JSON.parse(c.stdout.trim().split('\n').pop()!);
  };
  const coldsNoCache: Cold[] = [];
  const colds: Cold[] = [];
  for (let i = 0; i < REPS; i++) coldsNoCache.push(cold(false));
  cold(true); // fills the graph cache
  for (let i = 0; i < REPS; i++) colds.push(cold(true));
  // The base model runs on the bare graph (the engine's path when no adapter is selected).
  const byThreads: Record<number, Awaited<ReturnType<typeof measure>>> = {};
  for (const t of [1, 2]) {
    log(`bare graph, threads ${t}`);
    byThreads[t] = await measure(dir, t, {});
    log(JSON.stringify(byThreads[t]));
  }
  log('default adapter slots (unused), 1 thread');
  const slotted = await measure(dir, 1, DEFAULT_SLOTS);
  log(JSON.stringify(slotted));
  const loop = await loopOnly(dir);
  log(`decode loop alone: ${JSON.stringify(loop)}`);
  const int8: Record<number, Awaited<ReturnType<typeof measure>>> = {};
  for (const t of [1, 2]) {
    log(`int8, bare graph, threads ${t}`);
    int8[t] = await measure(dir, t, {}, 'int8');
    log(JSON.stringify(int8[t]));
  }
  const wBytes = weightBytesPerStep(dir);
  const gemv = await gemvBandwidth(wBytes);
  log(`roofline: ${(wBytes / 2 ** 20).toFixed(1)} MiB of weights per step; ORT f32 GEMV of that size: ${gemv.toFixed(1)} GB/s`);
  log('PyTorch anchor (f32)');
  const anchors = torchAnchor(dir);
  for (const a of anchors) log(JSON.stringify(a));
  log('PyTorch anchor (dynamic int8)');
  const anchors8 = torchAnchor(dir, 'int8');
  for (const a of anchors8) log(JSON.stringify(a));
  const bestPre = anchors.length ? anchors.reduce((a, b) => (b.prefill_ms < a.prefill_ms ? b : a)) : undefined;
  const bestDec = anchors.length ? anchors.reduce((a, b) => (b.decode_tok_s > a.decode_tok_s ? b : a)) : undefined;
  const best = byThreads[1].tokS >= byThreads[2].tokS ? 1 : 2;
  const ours = byThreads[best];
  const best8 = int8[1].tokS >= int8[2].tokS ? 1 : 2;
  const bestDec8 = anchors8.length ? anchors8.reduce((a, b) => (b.decode_tok_s > a.decode_tok_s ? b : a)) : undefined;
  const bestPre8 = anchors8.length ? anchors8.reduce((a, b) => (b.prefill_ms < a.prefill_ms ? b : a)) : undefined;
  const torch8Name = (t?: Anchor) => (t ? `pytorch dynamic int8 (${t.qengine}) ${t.threads} thread${t.threads > 1 ? 's' : ''}` : undefined);
  const out: Result[] = [];
  const add = (name: string, value: number, unit: string, anchor?: string, anchorValue?: number, higherIsBetter = false) =>
    out.push({ name, value: +value.toFixed(3), unit, anchor: anchor ?? null, anchor_value: anchorValue === undefined ? null : +anchorValue.toFixed(3), ratio: anchorValue === undefined ? null : +(higherIsBetter ? value / anchorValue : anchorValue / value).toFixed(3) });
  const torchName = (t?: { threads: number }) => (t ? `pytorch eager ${t.threads} thread${t.threads > 1 ? 's' : ''}` : undefined);
  add('cold start, first load: loadEngine in a fresh process (read safetensors, build + serialise graph, session)', median(coldsNoCache.map((c) => c.loadMs)), 'ms', anchors[0] && 'pytorch: read safetensors', anchors[0]?.load_ms);
  add('cold start, cached graph: loadEngine in a fresh process', median(colds.map((c) => c.loadMs)), 'ms', anchors[0] && 'pytorch: read safetensors', anchors[0]?.load_ms);
  add('cold start, first load: loadEngine CPU time (machine load inflates wall time)', median(coldsNoCache.map((c) => c.loadCpuMs)), 'ms');
  add('cold start, cached graph: loadEngine CPU time', median(colds.map((c) => c.loadCpuMs)), 'ms');
  add('cold start, cached graph: process start (node + tsx) to first generated token', median(colds.map((c) => c.sinceProcessStart)), 'ms');
  add(`prefill ${PREFILL} tokens (${best} thread)`, ours.prefillMs, 'ms', torchName(bestPre), bestPre?.prefill_ms);
  add(`decode greedy, KV cache, base model on the bare graph (${best} thread)`, ours.tokS, 'tok/s', torchName(bestDec), bestDec?.decode_tok_s, true);
  add(`roofline: weight bytes per decode step / step time (${(wBytes / 2 ** 20).toFixed(1)} MiB per step, ${best} thread)`, wBytes / (ours.stepMs / 1000) / 1e9, 'GB/s', 'ORT f32 MatMul [1,1024]x[1024,N] of the same bytes, 1 thread (ratio = fraction of it)', gemv, true);
  add('decode step time', ours.stepMs, 'ms');
  add('per-step overhead beyond session.run, wall (feeds, KV append, argmax, detokenize, yield)', ours.overheadMs, 'ms');
  add('per-step overhead beyond session.run, CPU time (1 thread)', byThreads[1].overheadCpuMs, 'ms');
  add('decode loop alone per step, CPU time (argmax over 8192, detokenize, brace count, yield; no model)', loop.cpuMs, 'ms');
  add('decode loop alone per step, wall', loop.wallMs, 'ms');
  add('decode on the bare graph, no adapter slots (1 thread)', byThreads[1].tokS, 'tok/s');
  add('decode on the graph with the default adapter slots, unused (1 thread; the path when an adapter is selected)', slotted.tokS, 'tok/s', torchName(anchors.find((a) => a.threads === 1)), anchors.find((a) => a.threads === 1)?.decode_tok_s, true);
  const torch1 = anchors.find((a) => a.threads === 1);
  add('1 thread, CPU time per decode step (machine load inflates wall time less)', byThreads[1].stepCpuMs, 'ms', torch1 && 'pytorch eager 1 thread, CPU time', torch1?.decode_cpu_ms_per_tok);
  add(`1 thread, CPU time of prefill ${PREFILL}`, byThreads[1].prefillCpuMs, 'ms', torch1 && 'pytorch eager 1 thread, CPU time', torch1?.prefill_cpu_ms);
  const t81 = anchors8.find((a) => a.threads === 1);
  add(`int8 (opt-in): decode, bare graph (${best8} thread)`, int8[best8].tokS, 'tok/s', torch8Name(bestDec8), bestDec8?.decode_tok_s, true);
  add(`int8 (opt-in): decode vs PyTorch f32 (${best8} thread)`, int8[best8].tokS, 'tok/s', torchName(bestDec), bestDec?.decode_tok_s, true);
  add('int8 (opt-in), 1 thread: CPU time per decode step', int8[1].stepCpuMs, 'ms', t81 && `${torch8Name(t81)}, CPU time`, t81?.decode_cpu_ms_per_tok);
  add(`int8 (opt-in): prefill ${PREFILL} (${best8} thread)`, int8[best8].prefillMs, 'ms', torch8Name(bestPre8), bestPre8?.prefill_ms);
  add(`int8 (opt-in), 1 thread: CPU time of prefill ${PREFILL}`, int8[1].prefillCpuMs, 'ms', t81 && `${torch8Name(t81)}, CPU time`, t81?.prefill_cpu_ms);
  add('int8 (opt-in): per-step overhead beyond session.run, wall', int8[best8].overheadMs, 'ms');
  for (const t of [1, 2]) {
    add(`threads ${t}: prefill ${PREFILL}`, byThreads[t].prefillMs, 'ms');
    add(`threads ${t}: decode`, byThreads[t].tokS, 'tok/s');
    add(`threads ${t}: int8 decode`, int8[t].tokS, 'tok/s');
  }
  add('RSS after cold start + 1 token (fresh process)', median(colds.map((c) => c.rss)) / 2 ** 20, 'MiB');
  add('RSS of the bench process after decoding', ours.rss / 2 ** 20, 'MiB');
  add('load average (1 min) at the start of this module (2 cores shared: every figure above is slowed by it)', load0, 'load');
  add('load average (1 min) at the end of this module', os.loadavg()[0], 'load');
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
