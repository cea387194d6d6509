// `testtune tokenizer train|stats`: train a byte-level BPE tokenizer on Java sources, and measure
// how many bytes of held-out Java one token covers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliCommand, UsageError, int, parseArgs, str } from '../command';
import { TokenizerJson, WordCounter, trainBpeFromCounts, truncateBpe } from '../../model/bpe-train';
import { Tokenizer } from '../../model/tokenizer';

const USAGE = `usage:
  testtune tokenizer train --input <dir|file>[,<dir|file>…] --vocab-size <n> --out <tokenizer.json>
                           [--special-tokens '<|endoftext|>,…'] [--min-frequency 2] [--max-mb <n>] [--ext .java]
                           [--also-sizes 4096,8192,…]
  testtune tokenizer stats --tokenizer <tokenizer.json> --input <dir|file>[,…] [--max-mb <n>] [--ext .java]

train: counts GPT-2 pre-tokens of the input files (recursively, files ending in --ext, sorted by path;
       with --max-mb, about that many megabytes sampled evenly over the files), learns merges up to
       --vocab-size, writes a Hugging Face tokenizer.json. --also-sizes writes the smaller vocabularies
       of the same run too (BPE is greedy: they equal separate runs), as <out>.<n>.json.
stats: encodes the input files and prints bytes per token, tokens, files and encode speed; checks that
       every file decodes back to itself.`;

/** Files under the inputs (comma-separated list, or positional arguments), sorted, ending in `ext`. */
export function listInputFiles(inputs: string[], ext: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`input not found: ${p}`);
    if (st.isFile()) {
      out.push(p);
      return;
    }
    for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const q = path.join(p, e.name);
      if (e.isDirectory()) walk(q);
      else if (e.isFile() && e.name.endsWith(ext)) out.push(q);
    }
  };
  for (const i of inputs) walk(i);
  return out;
}

function inputsOf(args: ReturnType<typeof parseArgs>): string[] {
  const list = [...(str(args, 'input')?.split(',') ?? []), ...args.positional].filter((s) => s.length > 0);
  if (list.length === 0) throw new UsageError('--input is required');
  return list;
}

/**
 * About `maxBytes` of the files, spread evenly over the list (every k-th file, so every package of a
 * large corpus is represented), in order. All of them when they fit.
 */
export function sampleFiles(files: string[], maxBytes: number): string[] {
  if (!Number.isFinite(maxBytes)) return files;
  const sizes = files.map((f) => fs.statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= maxBytes) return files;
  const out: string[] = [];
  let budget = 0;
  for (let i = 0; i < files.length; i++) {
    budget += (sizes[i] * maxBytes) / total; // this file's share of the budget
    if (budget >= sizes[i] / 2) {
      out.push(files[i]);
      budget -= sizes[i];
    }
  }
  return out;
}

function* readAll(files: string[]): Generator<{ file: string; text: string }> {
  for (const file of files) yield { file, text: fs.readFileSync(file, 'utf8') };
}

async function train(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['input', 'vocab-size', 'out', 'special-tokens', 'min-frequency', 'max-mb', 'ext', 'also-sizes'] });
  const vocabSize = int(args, 'vocab-size');
  const out = str(args, 'out');
  if (vocabSize === undefined) throw new UsageError('--vocab-size is required');
  if (!out) throw new UsageError('--out is required');
  const files = listInputFiles(inputsOf(args), str(args, 'ext') ?? '.java');
  if (files.length === 0) throw new UsageError('no input files found');
  const maxBytes = (int(args, 'max-mb') ?? Infinity) * 1e6;
  const specials = str(args, 'special-tokens')?.split(',').filter((s) => s) ?? ['<|endoftext|>'];
  const t0 = Date.now();
  const cpu = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return ((u.user + u.system) / 1e6).toFixed(1);
  };
  const c0 = process.cpuUsage();
  const counter = new WordCounter();
  let nfiles = 0;
  for (const { text } of readAll(sampleFiles(files, maxBytes))) {
    counter.add(text);
    nfiles++;
  }
  const t1 = Date.now();
  const c1 = process.cpuUsage();
  console.error(
    `counted ${counter.counts.size} distinct pre-tokens in ${nfiles} files (${(counter.bytes / 1e6).toFixed(1)} MB) ` +
      `in ${((t1 - t0) / 1000).toFixed(1)} s (${cpu(c0)} s CPU)`,
  );
  const json = trainBpeFromCounts(counter.counts, {
    vocabSize,
    specialTokens: specials,
    minFrequency: int(args, 'min-frequency') ?? 2,
    onProgress: (m, target) => console.error(`  ${m}/${target} merges`),
  });
  const t2 = Date.now();
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(json));
  console.error(`learned ${json.model.merges.length} merges in ${((t2 - t1) / 1000).toFixed(1)} s (${cpu(c1)} s CPU)`);
  for (const n of (str(args, 'also-sizes') ?? '').split(',').filter((x) => x)) {
    const size = Number(n);
    if (!Number.isInteger(size) || size >= vocabSize) throw new UsageError(`--also-sizes: ${n} is not an integer below --vocab-size`);
    const file = out.replace(/\.json$/, '') + `.${size}.json`;
    const small: TokenizerJson = truncateBpe(json, size);
    fs.writeFileSync(file, JSON.stringify(small));
    console.log(`wrote ${file}: vocab ${Object.keys(small.model.vocab).length}, ${small.model.merges.length} merges`);
  }
  console.log(`wrote ${out}: vocab ${Object.keys(json.model.vocab).length}, ${json.model.merges.length} merges, trained on ${nfiles} files, ${(counter.bytes / 1e6).toFixed(1)} MB`);
  return 0;
}

async function stats(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['tokenizer', 'input', 'max-mb', 'ext'] });
  const tokPath = str(args, 'tokenizer');
  if (!tokPath) throw new UsageError('--tokenizer is required');
  const tok = Tokenizer.fromFile(tokPath);
  const files = listInputFiles(inputsOf(args), str(args, 'ext') ?? '.java');
  if (files.length === 0) throw new UsageError('no input files found');
  const maxBytes = (int(args, 'max-mb') ?? Infinity) * 1e6;
  let bytes = 0;
  let tokens = 0;
  let nfiles = 0;
  let ms = 0;
  const mismatched: string[] = [];
  for (const { file, text } of readAll(sampleFiles(files, maxBytes))) {
    const t0 = performance.now();
    const ids = tok.encode(text, { allowSpecial: false });
    ms += performance.now() - t0;
    if (tok.decode(ids) !== text.replace(/[\ud800-\udfff]/gu, '\ufffd')) mismatched.push(file);
    bytes += Buffer.byteLength(text, 'utf8');
    tokens += ids.length;
    nfiles++;
  }
  const result = {
    tokenizer: tokPath,
    vocabSize: tok.vocabSize,
    files: nfiles,
    bytes,
    tokens,
    bytesPerToken: Number((bytes / Math.max(1, tokens)).toFixed(4)),
    encodeMBps: Number((bytes / 1e6 / Math.max(1e-9, ms / 1000)).toFixed(2)),
    roundTripFailures: mismatched.length,
  };
  console.log(JSON.stringify(result));
  for (const f of mismatched.slice(0, 10)) console.error(`round trip failed: ${f}`);
  return mismatched.length === 0 ? 0 : 1;
}

export const command: CliCommand = {
  name: 'tokenizer',
  summary: 'train a byte-level BPE tokenizer on Java, or measure bytes per token',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const [sub, ...rest] = argv;
    if (sub === 'train') return train(rest);
    if (sub === 'stats') return stats(rest);
    throw new UsageError(`expected 'train' or 'stats', got ${sub === undefined ? 'nothing' : `'${sub}'`}\n\n${USAGE}`);
  },
};
