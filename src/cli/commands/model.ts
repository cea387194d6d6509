// `testtune model init`: writes a randomly initialised model directory (config.json,
// model.safetensors, tokenizer.json) for tests and benchmarks. The tokenizer is a byte-level BPE
// trained on Java sources (default: the repository's test/fixtures and examples), or the bare
// byte-level vocabulary when there are none.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliCommand, UsageError, int, parseArgs, str } from '../command';
import { trainBpe } from '../../model/bpe-train';
import { parameterCount, parseModelConfig, type ModelConfig } from '../../model/config';
import { byteLevelTokenizerJson, initWeights, PRESETS, writeModelDir, type PresetName } from '../../model/init';
import { Tokenizer } from '../../model/tokenizer';
import { loadModelFiles } from '../../model/engine';
import { buildInferenceModel, KvRunner } from '../../model/inference';
import { formatReport, inspectModel } from '../../model/inspect';
import { createSession } from '../../runtime/ort';

const USAGE = `usage:
  testtune model check <dir> [--ids 5,17,3] [--json]
  testtune model init (--preset tiny|default|tiny-starcoder2 | --config <config.json | inline JSON>) --out <dir>
                      [--seed 0] [--std 0.02] [--corpus <dir|file>[,…]] [--max-mb 8]

Writes a randomly initialised model: weights N(0, std) (norms at 1), the given Hugging Face style
config, and a byte-level BPE tokenizer trained on the .java files of --corpus (default: test/fixtures
and examples of this repository, when present) up to the config's vocab_size. Without Java sources the
tokenizer is the 256-byte vocabulary plus <|endoftext|>.
presets: tiny (2 layers x 64 hidden, vocab 512), default (6 layers x 384 hidden, 6 heads, 2 KV heads,
FFN 1024, vocab 8192), tiny-starcoder2 (the StarCoder2 family at the tiny size: LayerNorm, GELU MLP,
biases). --config takes any supported model_type (llama, mistral, qwen2, starcoder2, phi, codegen, gpt_bigcode) with its
Hugging Face keys.

model check says what a Hugging Face model folder is (family, parameters, dtypes, context length,
tokenizer, memory it will need) or exactly why TestTune cannot use it (exit code 1). With --ids it also
runs the model on those token ids and prints the logits of every position ({"logits": [[...], ...]} with
--json), so any implementation can be compared with TestTune; that needs no tokenizer.json.`;

function repoRoot(): string {
  // src/cli/commands (tsx) or dist (bundle): walk up to the package.json
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

function javaFiles(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isFile()) {
      if (p.endsWith('.java')) out.push(p);
      return;
    }
    for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) walk(path.join(p, e.name));
  };
  for (const i of inputs) walk(i);
  return out;
}

function configFrom(value: string): ModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(value.trimStart().startsWith('{') ? value : fs.readFileSync(value, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config: ${(e as Error).message}`);
  }
  const r = parseModelConfig(json);
  if (!r.value) throw new UsageError(`--config: ${r.errors.join('; ')}`);
  return r.value;
}

async function init(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['preset', 'config', 'out', 'seed', 'std', 'corpus', 'max-mb'] });
  const out = str(args, 'out');
  if (!out) throw new UsageError('--out is required');
  const preset = str(args, 'preset');
  const config = str(args, 'config');
  if (!!preset === !!config) throw new UsageError('give exactly one of --preset and --config');
  if (preset && !(preset in PRESETS)) throw new UsageError(`unknown preset '${preset}' (${Object.keys(PRESETS).join(', ')})`);
  let cfg: ModelConfig = preset ? { ...PRESETS[preset as PresetName] } : configFrom(config!);
  const std = Number(str(args, 'std') ?? '0.02');
  if (!(std > 0)) throw new UsageError('--std must be a positive number');
  const root = repoRoot();
  const corpus = str(args, 'corpus')?.split(',').filter(Boolean) ?? [path.join(root, 'test', 'fixtures'), path.join(root, 'examples')];
  const maxBytes = (int(args, 'max-mb') ?? 8) * 1024 * 1024;
  const texts: string[] = [];
  let bytes = 0;
  for (const f of javaFiles(corpus)) {
    if (bytes >= maxBytes) break;
    const t = fs.readFileSync(f, 'utf8');
    bytes += Buffer.byteLength(t);
    texts.push(t);
  }
  const t0 = Date.now();
  const tokJson = texts.length ? trainBpe(texts, { vocabSize: cfg.vocabSize }) : byteLevelTokenizerJson();
  const tok = Tokenizer.fromJSON(tokJson);
  if (tok.vocabSize > cfg.vocabSize) throw new Error(`tokenizer has ${tok.vocabSize} ids, more than vocab_size ${cfg.vocabSize}`);
  if (tok.eosId >= 0) cfg = { ...cfg, eosTokenId: tok.eosId };
  const weights = initWeights(cfg, int(args, 'seed') ?? 0, std);
  writeModelDir(out, cfg, weights, tokJson);
  console.log(
    `wrote ${out}: ${cfg.numLayers} layers x ${cfg.hiddenSize} hidden, ${parameterCount(cfg).toLocaleString('en-US')} parameters; ` +
      `tokenizer ${tok.vocabSize} ids (${texts.length ? `BPE trained on ${texts.length} Java files, ${(bytes / 1024).toFixed(0)} KiB, in ${Date.now() - t0} ms` : 'byte-level, no Java corpus found'})`,
  );
  return 0;
}

async function check(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['ids'], booleans: ['json'] });
  const dir = args.positional[0];
  if (!dir || args.positional.length > 1) throw new UsageError(`give one model folder\n\n${USAGE}`);
  const idsText = str(args, 'ids');
  const ids = idsText?.split(',').map((s) => Number(s.trim()));
  if (ids && (!ids.length || ids.some((i) => !Number.isInteger(i) || i < 0))) throw new UsageError(`--ids must be non-negative integers separated by commas, got '${idsText}'`);
  const report = inspectModel(dir);
  // --ids needs the config and the weights only: a missing or unusable tokenizer does not stop it
  let logits: number[][] | undefined;
  if (ids && report.runnable) {
    const { cfg, weights } = loadModelFiles(dir);
    const bad = ids.filter((i) => i >= cfg.vocabSize);
    if (bad.length) throw new UsageError(`--ids ${bad.join(', ')} are outside the vocabulary (vocab_size ${cfg.vocabSize})`);
    if (ids.length > cfg.maxPositions) throw new UsageError(`--ids has ${ids.length} ids, more than the context length ${cfg.maxPositions}`);
    logits = await allLogits(cfg, weights, ids);
  }
  if (args.flags.has('json')) console.log(JSON.stringify({ ...report, ...(logits ? { logits } : {}) }));
  else {
    console.log(formatReport(report));
    if (logits) logits.forEach((row, t) => console.log(`  logits[${t}] (id ${ids![t]}): ${row.slice(0, 8).map((v) => v.toFixed(5)).join(' ')} … (${row.length} values; --json prints all)`));
  }
  if (ids) return report.runnable ? 0 : 1; // the logits were asked for: printed or not
  return report.usable ? 0 : 1;
}

/** Logits [ids.length][vocab] from one prefill of the inference graph (no adapter, F32, CPU). */
async function allLogits(cfg: ModelConfig, weights: Map<string, Float32Array>, ids: number[]): Promise<number[][]> {
  const { bytes, graph } = buildInferenceModel(cfg, weights, {}, 'all');
  const session = await createSession(bytes, { provider: 'cpu', threads: 1 });
  try {
    const runner = new KvRunner(session, cfg, graph, ids.length);
    await runner.step(ids);
    const out = runner.lastOutput;
    const V = cfg.vocabSize;
    return ids.map((_, t) => Array.from(out.subarray(t * V, (t + 1) * V)));
  } finally {
    await session.release();
  }
}

export const command: CliCommand = {
  name: 'model',
  summary: 'check a model folder (model check) or create a randomly initialised model (model init)',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'init') return init(rest);
    if (sub === 'check') return check(rest);
    throw new UsageError(`unknown subcommand '${sub ?? ''}'\n\n${USAGE}`);
  },
};
