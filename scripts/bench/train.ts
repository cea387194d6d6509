// Training benchmark (run by scripts/bench.mjs; prints one JSON array on its last stdout line).
// Default-size Llama (6 x 384, FFN 1024, vocab 8192), random weights; per method (LoRA, (IA)³, prompt
// tuning, full): training tokens/s and peak RSS of a fresh process running `train()` (graph build and
// session creation excluded from tokens/s, the first micro-step included) on examples of 400 prompt +
// 200 target tokens, batch 1, the study's accumulation semantics; against PyTorch eager on CPU
// (scripts/bench/torch_train.py: same weights, adapter placement, sequences, AdamW + clipping), runs
// interleaved, best thread count of each side. Also: the time LoRA would take for 3 epochs over
// 1,000 pairs of ~600 tokens, extrapolated from the measured LoRA tokens/s. On a shared machine
// wall-clock rates swing with other load; tokens per CPU-second (1 thread) compare the work itself.
// Env: BENCH_QUICK=1 for 4 examples and 1 thread only; BENCH_NO_TORCH=1 to skip the anchor.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { byteLevelTokenizerJson, initWeights, PRESETS, writeModelDir } from '../../src/model/init';
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
const PROMPT = 400;
const TARGET = 200;
const THREADS = quick ? [1] : [1, 2];
const METHODS: Method[] = ['lora', 'ia3', 'prompt', 'full'];
const log = (s: string) => process.stderr.write(`[train] ${s}\n`);

/** Pairs whose byte-level encoding is exactly PROMPT + TARGET tokens (ASCII letters, one token each). */
function pairs(): { source: string; target: string }[] {
  const text = (n: number, seed: number) => Array.from({ length: n }, (_, k) => String.fromCharCode(97 + ((k * 7 + seed * 5 + ((k * seed) % 3)) % 26))).join('');
  return Array.from({ length: EXAMPLES }, (_, i) => ({ source: text(PROMPT, i), target: text(TARGET, i + 100) }));
}

async function child(method: Method, threads: number, dir: string): Promise<void> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `testtune-bench-train-${method}-`));
  try {
    const res = await train({
      modelDir: dir,
      outDir: out,
      data: pairs(),
      recipe: { method, gradAccumSteps: ACCUM, epochs: 1, saveEverySteps: 1000, maxTokens: PROMPT + TARGET },
      threads,
    });
    const c = res.report.lossCurve;
    const run: Run = { tokens_per_s: res.report.throughput.tokensPerSec, tokens_per_cpu_s: res.report.throughput.tokensPerCpuSec, peak_rss_bytes: process.resourceUsage().maxRSS * 1024, first_loss: c[0].loss, last_loss: c[c.length - 1].loss, threads };
    console.log(JSON.stringify(run));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function ours(method: Method, threads: number, dir: string, attempt = 1): Run | undefined {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', method, String(threads), dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    log(`${method} (${threads} threads) failed (attempt ${attempt}, exit ${r.status ?? r.signal}): ${(r.stderr || '').split('\n').filter((l) => l.trim()).slice(0, 6).join(' | ')}`);
    return attempt < 2 ? ours(method, threads, dir, attempt + 1) : undefined;
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

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3] as Method, Number(process.argv[4]), process.argv[5]);
  const dir = defaultBenchModelDir(log);
  const out: Result[] = [];
  const add = (name: string, value: number, unit: string, anchor?: string, anchorValue?: number, higherIsBetter = true) =>
    out.push({ name, value: +value.toFixed(3), unit, anchor: anchor ?? null, anchor_value: anchorValue === undefined ? null : +anchorValue.toFixed(3), ratio: anchorValue === undefined ? null : +(higherIsBetter ? value / anchorValue : anchorValue / value).toFixed(3) });
  const torchName = (r?: Run) => (r ? `pytorch eager ${r.threads} thread${r.threads > 1 ? 's' : ''}` : undefined);
  let loraRate = 0;
  let loraCpuRate = 0;
  for (const method of METHODS) {
    const mine: (Run | undefined)[] = [];
    const theirs: (Run | undefined)[] = [];
    for (const t of THREADS) {
      log(`${method}: testtune, ${t} thread(s)`);
      mine.push(ours(method, t, dir));
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
    add(`${method}: peak RSS of the training process`, m.peak_rss_bytes / 2 ** 20, 'MiB', torchName(p), p && p.peak_rss_bytes / 2 ** 20, false);
  }
  if (loraRate > 0) add('LoRA, 3 epochs x 1,000 pairs x 600 tokens on this machine (extrapolated from LoRA tok/s)', (3 * 1000 * 600) / loraRate / 60, 'min');
  if (loraCpuRate > 0) add('LoRA, 3 epochs x 1,000 pairs x 600 tokens on one otherwise idle core (extrapolated from LoRA tok/cpu-s)', (3 * 1000 * 600) / loraCpuRate / 60, 'min');
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
