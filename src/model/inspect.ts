// What a model folder is, or exactly why TestTune cannot use it (`testtune model check`): family,
// parameters, the checkpoint's dtypes, context length, tokenizer, and the memory it will need. Reads the
// safetensors headers only (a multi-GB checkpoint is not loaded to describe it) and never throws:
// every problem becomes a line of `problems`.
import * as fs from 'fs';
import * as path from 'path';
import { parameterCount, parseModelConfig, type ModelConfig } from './config';
import { family } from './family';
import { Tokenizer } from './tokenizer';
import { weightFiles } from './weight-files';

export interface ModelReport {
  dir: string;
  usable: boolean;
  /** config.json and the weights are fine: the model runs on ids (the tokenizer may still be missing). */
  runnable: boolean;
  problems: string[];
  family?: string;
  parameters?: number;
  layers?: number;
  hidden?: number;
  /** Tensor dtypes of the checkpoint with their element counts, e.g. {"BF16": 494032768}. */
  dtypes?: Record<string, number>;
  files?: string[];
  contextLength?: number;
  tokenizer?: { vocab: number; eos?: number } | { missing: true } | { error: string };
  memory?: {
    /** Bytes of the weights once loaded in F32 (quantization none: 16-bit weights are widened). */
    weightsF32: number;
    /** Estimated bytes with quantization int4 (MatMulNBits blocks of 32). */
    weightsInt4: number;
    /** Bytes of the KV cache for one sequence at the full context length. */
    kvCacheAtContext: number;
    /** Weights + KV cache at full context (graph buffers and the runtime come on top). */
    total: number;
  };
}

/** Reads a safetensors header without reading the data: {name: {dtype, shape}}. */
function readHeader(file: string): Record<string, { dtype: string; shape: number[] }> {
  const fd = fs.openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    if (fs.readSync(fd, len, 0, 8, 0) !== 8) throw new Error(`${path.basename(file)}: shorter than a safetensors header`);
    const n = len.readBigUInt64LE(0);
    const size = fs.fstatSync(fd).size;
    if (n > BigInt(Math.min(size - 8, 100 * 1024 * 1024))) throw new Error(`${path.basename(file)}: header length ${n} exceeds the file (${size} bytes)`);
    const buf = Buffer.alloc(Number(n));
    fs.readSync(fd, buf, 0, buf.length, 8);
    const json = JSON.parse(buf.toString('utf8')) as Record<string, { dtype: string; shape: number[] }>;
    delete (json as Record<string, unknown>).__metadata__;
    return json;
  } finally {
    fs.closeSync(fd);
  }
}

function checkWeights(dir: string, cfg: ModelConfig, report: ModelReport): void {
  let files: string[];
  try {
    files = weightFiles(dir).files;
  } catch (e) {
    report.problems.push((e as Error).message);
    return;
  }
  report.files = files.map((f) => path.basename(f));
  const tensors = new Map<string, { dtype: string; shape: number[] }>();
  for (const f of files) {
    try {
      for (const [name, t] of Object.entries(readHeader(f))) tensors.set(name, t);
    } catch (e) {
      report.problems.push(`${path.basename(f)}: ${(e as Error).message}`);
      return;
    }
  }
  const dtypes: Record<string, number> = {};
  for (const t of tensors.values()) dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + (Array.isArray(t.shape) ? t.shape.reduce((a, b) => a * b, 1) : 0);
  report.dtypes = dtypes;
  const specs = family(cfg).weightSpecs(cfg);
  const missing = specs.filter((s) => !tensors.has(s.name));
  const wrong = specs.filter((s) => tensors.has(s.name) && JSON.stringify(tensors.get(s.name)!.shape) !== JSON.stringify(s.shape));
  const used = new Set(specs.map((s) => s.name));
  const unused = [...tensors.keys()].filter((n) => !used.has(n) && !/\.rotary_emb\.inv_freq$|\.attn\.(causal_mask|masked_bias)$/.test(n) && !(cfg.tieWordEmbeddings && n === 'lm_head.weight'));
  const list = (names: string[]) => names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
  if (missing.length) report.problems.push(`the checkpoint lacks ${missing.length} tensor(s) config.json implies: ${list(missing.map((s) => s.name))}`);
  if (wrong.length) report.problems.push(`tensor shapes differ from config.json: ${list(wrong.map((s) => `${s.name} [${tensors.get(s.name)!.shape}] vs [${s.shape}]`))}`);
  if (unused.length) report.problems.push(`the checkpoint has tensor(s) no module uses: ${list(unused)}`);
  const bad = [...tensors.entries()].filter(([n, t]) => used.has(n) && !['F32', 'F16', 'BF16'].includes(t.dtype));
  if (bad.length) report.problems.push(`unsupported dtypes (F32, F16, BF16 are read): ${list(bad.map(([n, t]) => `${n} ${t.dtype}`))}`);
}

function checkTokenizer(dir: string, cfg: ModelConfig, report: ModelReport): void {
  const file = path.join(dir, 'tokenizer.json');
  if (!fs.existsSync(file)) {
    report.tokenizer = { missing: true };
    report.problems.push('no tokenizer.json: TestTune cannot turn code into ids (`model check --ids` still runs the model)');
    return;
  }
  try {
    const t = Tokenizer.fromFile(file);
    report.tokenizer = { vocab: t.vocabSize, ...(t.eosId >= 0 ? { eos: t.eosId } : {}) };
    if (t.vocabSize > cfg.vocabSize) report.problems.push(`tokenizer.json has ${t.vocabSize} ids, more than vocab_size ${cfg.vocabSize}`);
  } catch (e) {
    report.tokenizer = { error: (e as Error).message };
    report.problems.push((e as Error).message);
  }
}

/** Describes `dir`; `usable` is false with the reasons in `problems`. */
export function inspectModel(dir: string): ModelReport {
  const report: ModelReport = { dir, usable: false, runnable: false, problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  } catch (e) {
    report.problems.push(`cannot read config.json (${(e as Error).message})`);
    return report;
  }
  const parsed = parseModelConfig(json);
  if (!parsed.value) {
    report.problems.push(...parsed.errors);
    return report;
  }
  const cfg = parsed.value;
  Object.assign(report, { family: cfg.modelType, parameters: parameterCount(cfg), layers: cfg.numLayers, hidden: cfg.hiddenSize, contextLength: cfg.maxPositions });
  checkWeights(dir, cfg, report);
  report.runnable = report.problems.length === 0;
  checkTokenizer(dir, cfg, report);
  const weightsF32 = parameterCount(cfg) * 4;
  const kvCacheAtContext = 2 * cfg.numLayers * cfg.numKvHeads * cfg.headDim * 4 * cfg.maxPositions;
  // int4 (MatMulNBits, blocks of 32): half a byte per weight plus a float32 scale per 32 weights; the
  // 16-bit embedding table kept in 16 bits is not counted apart (an estimate)
  report.memory = { weightsF32, weightsInt4: Math.round(parameterCount(cfg) * (0.5 + 4 / 32)), kvCacheAtContext, total: weightsF32 + kvCacheAtContext };
  // over 2 GiB the graph is written with ONNX external data (variant-session.ts), so size alone is no problem
  report.usable = report.problems.length === 0;
  return report;
}

/** The report as text lines. */
export function formatReport(r: ModelReport): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const lines = [`${r.dir}: ${r.usable ? 'usable' : 'NOT usable'}`];
  if (r.family) lines.push(`  family: ${r.family}, ${r.layers} layers x ${r.hidden} hidden, ${r.parameters!.toLocaleString('en-US')} parameters`);
  if (r.dtypes) lines.push(`  weights: ${Object.entries(r.dtypes).map(([d, n]) => `${d} ${n.toLocaleString('en-US')}`).join(', ')} (${r.files!.join(', ')}); computed in F32, or int4 blocks with quantization int4`);
  if (r.contextLength) lines.push(`  context length: ${r.contextLength} tokens`);
  if (r.tokenizer) lines.push(`  tokenizer: ${'vocab' in r.tokenizer ? `${r.tokenizer.vocab} ids` : 'missing' in r.tokenizer ? 'missing' : `unusable`}`);
  if (r.memory) lines.push(`  memory: weights ${mb(r.memory.weightsF32)} (f32; about ${mb(r.memory.weightsInt4)} with quantization int4) + KV cache at full context ${mb(r.memory.kvCacheAtContext)} = ${mb(r.memory.total)} (estimate; runtime buffers on top)`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  return lines.join('\n');
}
