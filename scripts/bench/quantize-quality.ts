// Quality of the int8 and int4 graphs against f32 (run by scripts/bench.mjs; last stdout line: one JSON array).
// Real Java prompts: the `source` of the first ROWS rows of the Methods2Test benchmark
// (/work/shared/benchmarks/methods2test_small/test.jsonl or $TESTTUNE_BENCH_DATA; read only, never
// trained on). For each prompt the f32 graph decodes NEW tokens greedily; the int8 graph is fed the
// same tokens (teacher forcing) and compared at every position: max |logit diff|, and whether its
// argmax is the f32 token. Greedy int8 output equals the f32 output exactly when every argmax on the
// f32 path agrees, so "rows with identical output" is measured without a second free-running decode.
// Models: the shipped models/default (base and its default adapter) and the bench's random 6x384.
// Env: BENCH_QUICK=1 for 10 rows; QUALITY_ROWS=n, QUALITY_NEW=n; QUALITY_QUANTIZE (default int8,int4).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultAdapterOf, loadAdapterDir } from '../../src/model/adapters';
import { loadModelFiles } from '../../src/model/engine';
import { family, type AdapterSlots, type AdapterWeights } from '../../src/model/family';
import { buildInferenceModel, KvRunner, type Quantize } from '../../src/model/inference';
import { Tokenizer } from '../../src/model/tokenizer';
import { createSession } from '../../src/runtime/ort';
import { type BenchResult, defaultBenchModelDir } from './_common';

const quick = process.env.BENCH_QUICK === '1';
const ROWS = Number(process.env.QUALITY_ROWS ?? (quick ? 10 : 50));
const NEW = Number(process.env.QUALITY_NEW ?? 64);
const QUANTS = (process.env.QUALITY_QUANTIZE ?? 'int8,int4').split(',') as Exclude<Quantize, 'none'>[];
const DATA = process.env.TESTTUNE_BENCH_DATA ?? '/work/shared/benchmarks/methods2test_small/test.jsonl';
const log = (s: string) => process.stderr.write(`[quantize-quality] ${s}\n`);

function argmax(x: Float32Array, limit: number): number {
  let best = 0;
  for (let i = 1; i < limit; i++) if (x[i] > x[best]) best = i;
  return best;
}

export interface Agreement {
  rows: number;
  identicalRows: number; // every one of the NEW greedy tokens agrees
  tokens: number;
  agreeingTokens: number;
  maxLogitDiff: number; // over every compared position
  meanMaxLogitDiff: number; // mean over positions of the per-position max
  logitRange: number; // mean over positions of (max - min) f32 logit, for scale
  firstDivergence: number[]; // per diverging row: the step of the first disagreement
}

async function runners(dir: string, slots: AdapterSlots, adapter: AdapterWeights | undefined, quantize: Exclude<Quantize, 'none'>): Promise<{ none: KvRunner; q: KvRunner }> {
  const { cfg, weights } = loadModelFiles(dir);
  const out = {} as { none: KvRunner; q: KvRunner };
  for (const [key, q] of [['none', 'none'], ['q', quantize]] as const) {
    const { bytes, graph } = buildInferenceModel(cfg, weights, slots, 'last', q);
    const r = new KvRunner(await createSession(bytes, { provider: 'cpu', threads: 1 }), cfg, graph);
    r.setAdapter(adapter);
    out[key] = r;
  }
  return out;
}

export async function compare(dir: string, prompts: string[], adapterName: string | null, quantize: Exclude<Quantize, 'none'> = 'int8'): Promise<Agreement> {
  const { cfg } = loadModelFiles(dir);
  const tok = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  let adapter: AdapterWeights | undefined;
  let slots: AdapterSlots = {};
  if (adapterName) {
    const known = family(cfg).modules(cfg).map((m) => m.short);
    const a = loadAdapterDir(path.join(dir, 'adapters', adapterName), cfg, known);
    adapter = a.spec.weights;
    slots = a.slots;
  }
  const r = await runners(dir, slots, adapter, quantize);
  const limit = Math.min(cfg.vocabSize, Math.max(tok.vocabSize, cfg.vocabSize)); // full vocab, like the engine when the tokenizer covers it
  const agg: Agreement = { rows: 0, identicalRows: 0, tokens: 0, agreeingTokens: 0, maxLogitDiff: 0, meanMaxLogitDiff: 0, logitRange: 0, firstDivergence: [] };
  let positions = 0;
  for (const prompt of prompts) {
    let ids = tok.encode(prompt);
    const keep = cfg.maxPositions - NEW - (adapter?.prompt?.p ?? 0) - 1;
    if (ids.length > keep) ids = ids.slice(ids.length - keep);
    r.none.reset();
    r.q.reset();
    let input = ids;
    let diverged = -1;
    for (let s = 0; s < NEW; s++) {
      const a = await r.none.step(input);
      const b = await r.q.step(input);
      let m = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < limit; i++) {
        m = Math.max(m, Math.abs(a[i] - b[i]));
        lo = Math.min(lo, a[i]);
        hi = Math.max(hi, a[i]);
      }
      agg.maxLogitDiff = Math.max(agg.maxLogitDiff, m);
      agg.meanMaxLogitDiff += m;
      agg.logitRange += hi - lo;
      positions++;
      const next = argmax(a, limit);
      const same = argmax(b, limit) === next;
      agg.tokens++;
      if (same) agg.agreeingTokens++;
      else if (diverged < 0) diverged = s;
      input = [next];
    }
    agg.rows++;
    if (diverged < 0) agg.identicalRows++;
    else agg.firstDivergence.push(diverged);
  }
  agg.meanMaxLogitDiff /= positions;
  agg.logitRange /= positions;
  for (const k of ['none', 'q'] as const) await r[k].session.release();
  return agg;
}

function readPrompts(): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync(DATA, 'utf8').split('\n')) {
    if (out.length >= ROWS) break;
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { source?: string };
    if (typeof o.source === 'string') out.push(o.source);
  }
  return out;
}

async function main(): Promise<void> {
  if (!fs.existsSync(DATA)) {
    log(`no benchmark data at ${DATA}: nothing measured`);
    console.log('[]');
    return;
  }
  const load0 = os.loadavg()[0];
  const prompts = readPrompts();
  const shipped = path.join(__dirname, '..', '..', 'models', 'default');
  const cases: { label: string; dir: string; adapter: string | null }[] = [];
  if (fs.existsSync(path.join(shipped, 'config.json'))) {
    cases.push({ label: 'models/default base', dir: shipped, adapter: null });
    const d = defaultAdapterOf(shipped);
    if (d.name) cases.push({ label: `models/default + ${d.name}`, dir: shipped, adapter: d.name });
  }
  cases.push({ label: 'bench 6x384 random', dir: defaultBenchModelDir(log), adapter: null });
  const out: BenchResult[] = [];
  const add = (name: string, value: number, unit: string) => out.push({ name, value: +value.toFixed(4), unit, anchor: null, anchor_value: null, ratio: null });
  for (const q of QUANTS) for (const c of cases) {
    const t = performance.now();
    const a = await compare(c.dir, prompts, c.adapter, q);
    log(`${q} ${c.label}: ${JSON.stringify(a)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const tag = `${q} vs f32, ${c.label}, ${a.rows} Methods2Test prompts x ${NEW} greedy tokens`;
    add(`${tag}: rows with identical output`, (100 * a.identicalRows) / a.rows, '%');
    add(`${tag}: greedy tokens agreeing (f32 path)`, (100 * a.agreeingTokens) / a.tokens, '%');
    add(`${tag}: max |logit diff|`, a.maxLogitDiff, 'logit');
    add(`${tag}: mean per-position max |logit diff|`, a.meanMaxLogitDiff, 'logit');
    add(`${tag}: mean f32 logit range (max - min), for scale`, a.logitRange, 'logit');
  }
  add('load average (1 min) at the start of this module', load0, 'load');
  add('load average (1 min) at the end of this module', os.loadavg()[0], 'load');
  console.log(JSON.stringify(out));
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
