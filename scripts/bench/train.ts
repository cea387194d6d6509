// Training benchmark (run by scripts/bench.mjs; prints one JSON array on its last stdout line).
// 1. Default-size Llama (6 x 384, FFN 1024, vocab 8192), random weights; per method (LoRA, (IA)³, prompt
//    tuning, full): training tokens/s and peak RSS of a fresh process running `train()` (graph build and
//    session creation excluded from tokens/s, the first micro-step included) on examples of 400 prompt +
//    200 target tokens, batch 1, the study's accumulation semantics; against PyTorch eager on CPU
//    (scripts/bench/torch_train.py: same weights, adapter placement, sequences, AdamW + clipping), runs
//    interleaved, best thread count of each side. Peak RSS is measured the same way on both sides: the
//    kernel's high-water mark of the whole process (getrusage ru_maxrss = /proc/self/status VmHWM) at its
//    end, in a fresh process per method and thread count, compared at equal thread counts; it covers
//    loading the weights, building the graph/model, and every step (ours also writes the checkpoint
//    and adapter files, which the anchor does not).
// 2. Padding-free packing vs one example per micro-step: LoRA on mined pairs (/work/data/dm/pairs-train.jsonl,
//    or $BENCH_PAIRS; lengths vary, mean ~630 tokens with the shipped tokenizer), the study's batch
//    1 x 8 accumulation, max 1,024 tokens, 1 thread, for the default-size bench model (given the shipped
//    BPE tokenizer) and the shipped models/default (4 x 256); unpacked and packed runs alternate in
//    fresh processes so both see the same load; tokens/s and tokens per CPU-second.
// 3. The time LoRA would take for 3 epochs over 1,000 pairs of ~600 tokens, extrapolated from the
//    measured LoRA tokens/s. On a shared machine wall-clock rates swing with other load; tokens per
//    CPU-second (1 thread) compare the work itself.
// Env: BENCH_QUICK=1 for 4 examples and 1 thread only; BENCH_NO_TORCH=1 to skip the anchor;
// BENCH_NO_PACK=1 to skip the packing comparison; BENCH_ONLY_PACK=1 for the packing comparison only;
// BENCH_PROMPT / BENCH_TARGET for other example lengths (default 400 / 200 tokens).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelFiles } from '../../src/model/engine';
import { createSession, f32, type HostTensor } from '../../src/runtime/ort';
import { readPairs, type Example } from '../../src/train/data';
import { buildTrainModel, sequenceFeeds } from '../../src/train/graph';
import { toSequence } from '../../src/train/pack';
import { initTrainable } from '../../src/train/params';
import { resolveRecipe } from '../../src/train/recipe';
import { train } from '../../src/train/loop';
import type { Method } from '../../src/train/recipe';
import { type BenchResult, defaultBenchModelDir } from './_common';

type Result = BenchResult;
interface Run {
  tokens_per_s: number;
  tokens_per_cpu_s: number;
  peak_rss_bytes: number;
  first_loss: number;
  last_loss: number;
  threads: number;
}

const quick = process.env.BENCH_QUICK === '1';
const EXAMPLES = quick ? 4 : 10;
const ACCUM = quick ? 2 : 5;
const PROMPT = Number(process.env.BENCH_PROMPT ?? 400);
const TARGET = Number(process.env.BENCH_TARGET ?? 200);
const THREADS = quick ? [1] : [1, 2];
const METHODS: Method[] = ['lora', 'ia3', 'prompt', 'full'];
const log = (s: string) => process.stderr.write(`[train] ${s}\n`);

/** Pairs whose byte-level encoding is exactly PROMPT + TARGET tokens (ASCII letters, one token each). */
function pairs(): { source: string; target: string }[] {
  const text = (n: number, seed: number) => Array.from({ length: n }, (_, k) => String.fromCharCode(97 + ((k * 7 + seed * 5 + ((k * seed) % 3)) % 26))).join('');
  return Array.from({ length: EXAMPLES }, (_, i) => ({ source: text(PROMPT, i), target: text(TARGET, i + 100) }));
}

interface Job {
  method: Method;
  threads: number;
  dir: string;
  pairsFile?: string; // mined pairs (JSONL); default: the synthetic fixed-length pairs
  pairs?: number; // how many pairs of the file
  accum?: number;
  maxTokens?: number;
  pack?: boolean;
}

async function child(job: Job): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `testtune-bench-train-${job.method}-`));
  try {
    const data = job.pairsFile ? readPairs(job.pairsFile).pairs.slice(0, job.pairs) : pairs();
    const res = await train({
      modelDir: job.dir,
      outDir: out,
      data,
      recipe: { method: job.method, gradAccumSteps: job.accum ?? ACCUM, epochs: 1, saveEverySteps: 1000, maxTokens: job.maxTokens ?? PROMPT + TARGET, pack: job.pack ?? false },
      threads: job.threads,
    });
    const c = res.report.lossCurve;
    const run: Run = { tokens_per_s: res.report.throughput.tokensPerSec, tokens_per_cpu_s: res.report.throughput.tokensPerCpuSec, peak_rss_bytes: process.resourceUsage().maxRSS * 1024, first_loss: c[0].loss, last_loss: c[c.length - 1].loss, threads: job.threads };
    console.log(JSON.stringify(run));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function ours(job: Job, attempt = 1): Run | undefined {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', JSON.stringify(job)], { encoding: 'utf8' });
  if (r.status !== 0) {
    log(`${job.method} (${job.threads} threads${job.pack ? ', packed' : ''}) failed (attempt ${attempt}, exit ${r.status ?? r.signal}): ${(r.stderr || '').split('\n').filter((l) => l.trim()).slice(0, 6).join(' | ')}`);
    return attempt < 2 ? ours(job, attempt + 1) : undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function torch(method: Method, threads: number, dir: string): Run | undefined {
  if (process.env.BENCH_NO_TORCH === '1') return undefined;
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const args = [path.join(__dirname, 'torch_train.py'), dir, '--method', method, '--threads', String(threads), '--examples', String(EXAMPLES), '--accum', String(ACCUM), '--prompt', String(PROMPT), '--target', String(TARGET)];
  const r = spawnSync('/usr/bin/python3', args, { env, encoding: 'utf8' });
  if (r.status !== 0) {
    log(`PyTorch ${method} (${threads} threads) failed: ${(r.stderr || r.error?.message || '').split('\n').slice(-3).join(' ')}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const best = (runs: (Run | undefined)[]) => runs.filter((r): r is Run => !!r).reduce<Run | undefined>((a, b) => (!a || b.tokens_per_s > a.tokens_per_s ? b : a), undefined);

/** The default-size bench model with the shipped BPE tokenizer (mined pairs are ~4x longer in bytes). */
function benchModelWithShippedTokenizer(dir: string): string {
  const bpe = `${dir}-bpe`;
  fs.mkdirSync(bpe, { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) if (!fs.existsSync(path.join(bpe, f))) fs.copyFileSync(path.join(dir, f), path.join(bpe, f));
  fs.copyFileSync(path.join(SHIPPED, 'tokenizer.json'), path.join(bpe, 'tokenizer.json'));
  return bpe;
}

const SHIPPED = path.join(__dirname, '../../models/default');
const PAIRS_FILE = process.env.BENCH_PAIRS ?? '/work/data/dm/pairs-train.jsonl';
const PACK_PAIRS = quick ? 16 : 48;
const PACK_REPEATS = quick ? 1 : 2;

/** Packed vs unpacked LoRA on mined pairs, alternating fresh processes (same load for both). */
function packing(dir: string, add: (name: string, value: number, unit: string, anchor?: string, anchorValue?: number, higherIsBetter?: boolean) => void): void {
  if (!fs.existsSync(PAIRS_FILE)) {
    log(`packing: no ${PAIRS_FILE}; skipped`);
    return;
  }
  const models: [string, string][] = [[`default-size bench model 6x384, shipped tokenizer`, benchModelWithShippedTokenizer(dir)]];
  if (fs.existsSync(path.join(SHIPPED, 'model.safetensors'))) models.push(['shipped models/default 4x256', SHIPPED]);
  for (const [label, modelDir] of models) {
    const sw = spawnSync(process.execPath, [...process.execArgv, __filename, '--sweep', modelDir], { encoding: 'utf8' });
    if (sw.status === 0) {
      const c = JSON.parse(sw.stdout.trim().split('\n').pop()!) as Record<string, number>;
      log(`packing, ${label}, micro-step CPU ms: ${JSON.stringify(c)}`);
      for (const n of [128, 256, 512, 1024]) add(`one LoRA micro-step of ${n} tokens, ${label}, 1 thread (best of 3)`, (n / c[`single ${n}`]) * 1000, 'tok/cpu-s');
      for (const p of ['128+128', '512+512']) add(`two examples of ${p} tokens packed into one micro-step, ${label} (CPU ms, best of 3)`, c[`packed ${p}`], 'cpu-ms', 'run separately', c[`separate ${p}`], false);
    } else log(`packing sweep failed: ${(sw.stderr || '').split('\n').slice(-3).join(' ')}`);
    const runs: Record<'packed' | 'unpacked', Run[]> = { packed: [], unpacked: [] };
    for (let k = 0; k < PACK_REPEATS; k++)
      for (const pack of k % 2 ? [true, false] : [false, true]) {
        const r = ours({ method: 'lora', threads: 1, dir: modelDir, pairsFile: PAIRS_FILE, pairs: PACK_PAIRS, accum: 8, maxTokens: 1024, pack });
        log(`packing, ${label}, ${pack ? 'packed' : 'unpacked'}: ${JSON.stringify(r)}`);
        if (r) runs[pack ? 'packed' : 'unpacked'].push(r);
      }
    if (!runs.packed.length || !runs.unpacked.length) continue;
    const mean = (rs: Run[], k: 'tokens_per_s' | 'tokens_per_cpu_s' | 'peak_rss_bytes') => rs.reduce((a, r) => a + r[k], 0) / rs.length;
    const what = `LoRA on ${PACK_PAIRS} mined pairs, ${label}, batch 1 x 8 accumulation, max 1,024 tokens, 1 thread, mean of ${PACK_REPEATS}`;
    add(`packed: training tokens/s (${what})`, mean(runs.packed, 'tokens_per_s'), 'tok/s', 'unpacked (one example per micro-step)', mean(runs.unpacked, 'tokens_per_s'));
    add(`packed: training tokens per CPU-second (${what})`, mean(runs.packed, 'tokens_per_cpu_s'), 'tok/cpu-s', 'unpacked (one example per micro-step)', mean(runs.unpacked, 'tokens_per_cpu_s'));
    add(`packed: peak RSS (${what})`, mean(runs.packed, 'peak_rss_bytes') / 2 ** 20, 'MiB', 'unpacked (one example per micro-step)', mean(runs.unpacked, 'peak_rss_bytes') / 2 ** 20, false);
  }
}

/**
 * Why packing does or does not pay: CPU time of one LoRA forward + backward micro-step (best of 3,
 * 1 thread) for single sequences of several lengths, and for two examples packed vs run separately.
 */
async function sweep(dir: string): Promise<void> {
  const { cfg, weights } = loadModelFiles(dir);
  const r = resolveRecipe(cfg, { method: 'lora', loraDropout: 0 }).value!;
  const m = buildTrainModel(cfg, weights, r);
  const s = await createSession(m.bytes, { provider: 'cpu', threads: 1, memPattern: false });
  const values = initTrainable(m.trainable, weights, 42);
  const outputs = ['loss', ...m.trainable.map((t) => `grad.${t.name}`)];
  const ex = (n: number, k: number): Example => ({ ids: Array.from({ length: n }, (_, i) => (i * 7 + k) % cfg.vocabSize), promptLen: Math.floor(n * 0.7) });
  const cpuMs = async (exs: Example[]): Promise<number> => {
    const feeds: Record<string, HostTensor> = { ...sequenceFeeds(toSequence(exs)) };
    if (m.loraScaling) feeds[m.loraScaling] = f32(Float32Array.of(r.loraAlpha / r.loraR), [1]);
    for (const t of m.trainable) feeds[t.name] = f32(values.get(t.name)!, t.dims);
    await s.run(feeds, outputs);
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const c0 = process.cpuUsage();
      await s.run(feeds, outputs);
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1000);
    }
    return best;
  };
  const res: Record<string, number> = {};
  for (const n of [128, 256, 512, 1024]) res[`single ${n}`] = await cpuMs([ex(n, 1)]);
  for (const [a, b] of [[128, 128], [512, 512]]) {
    res[`separate ${a}+${b}`] = (await cpuMs([ex(a, 1)])) + (await cpuMs([ex(b, 2)]));
    res[`packed ${a}+${b}`] = await cpuMs([ex(a, 1), ex(b, 2)]);
  }
  await s.release();
  console.log(JSON.stringify(res));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(JSON.parse(process.argv[3]) as Job);
  if (process.argv[2] === '--sweep') return sweep(process.argv[3]);
  const dir = defaultBenchModelDir(log);
  const out: Result[] = [];
  const add = (name: string, value: number, unit: string, anchor?: string, anchorValue?: number, higherIsBetter = true) =>
    out.push({ name, value: +value.toFixed(3), unit, anchor: anchor ?? null, anchor_value: anchorValue === undefined ? null : +anchorValue.toFixed(3), ratio: anchorValue === undefined ? null : +(higherIsBetter ? value / anchorValue : anchorValue / value).toFixed(3) });
  const torchName = (r?: Run) => (r ? `pytorch eager ${r.threads} thread${r.threads > 1 ? 's' : ''}` : undefined);
  let loraRate = 0;
  let loraCpuRate = 0;
  for (const method of process.env.BENCH_ONLY_PACK === '1' ? [] : METHODS) {
    const mine: (Run | undefined)[] = [];
    const theirs: (Run | undefined)[] = [];
    for (const t of THREADS) {
      log(`${method}: testtune, ${t} thread(s)`);
      mine.push(ours({ method, threads: t, dir }));
      log(`${method}: pytorch, ${t} thread(s)`);
      theirs.push(torch(method, t, dir));
      log(JSON.stringify({ testtune: mine.at(-1), pytorch: theirs.at(-1) }));
    }
    const m = best(mine);
    const p = best(theirs);
    if (!m) continue;
    if (method === 'lora') loraRate = m.tokens_per_s;
    add(`${method}: training tokens/s (${PROMPT}+${TARGET}-token examples, batch 1, best of ${THREADS.join('/')} threads: ${m.threads})`, m.tokens_per_s, 'tok/s', torchName(p), p?.tokens_per_s);
    const mc = mine.filter((r): r is Run => !!r).find((r) => r.threads === 1);
    const pc = theirs.filter((r): r is Run => !!r).find((r) => r.threads === 1);
    if (mc && method === 'lora') loraCpuRate = mc.tokens_per_cpu_s;
    if (mc) add(`${method}: training tokens per CPU-second, 1 thread (robust to other load on the machine)`, mc.tokens_per_cpu_s, 'tok/cpu-s', pc && 'pytorch eager 1 thread', pc?.tokens_per_cpu_s);
    // Peak RSS at equal thread counts (each side's own fresh process, same measure).
    THREADS.forEach((t, k) => {
      const a = mine[k];
      const b = theirs[k];
      if (a) add(`${method}: peak RSS of the training process, ${t} thread${t > 1 ? 's' : ''}`, a.peak_rss_bytes / 2 ** 20, 'MiB', b && `pytorch eager ${t} thread${t > 1 ? 's' : ''}`, b ? b.peak_rss_bytes / 2 ** 20 : undefined, false);
    });
  }
  if (loraRate > 0) add('LoRA, 3 epochs x 1,000 pairs x 600 tokens on this machine (extrapolated from LoRA tok/s)', (3 * 1000 * 600) / loraRate / 60, 'min');
  if (loraCpuRate > 0) add('LoRA, 3 epochs x 1,000 pairs x 600 tokens on one otherwise idle core (extrapolated from LoRA tok/cpu-s)', (3 * 1000 * 600) / loraCpuRate / 60, 'min');
  if (process.env.BENCH_NO_PACK !== '1') packing(dir, add);
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
