// Cost of the symbol constraint per decoded token (run by scripts/bench.mjs; last stdout line: one JSON
// array). For the first SYMBOL_ROWS focal methods of each verification-benchmark project
// (scripts/bench/verify-human.json, sources under BENCH_VERIFY_DATA), the pipeline's prompt and symbol
// scope (prepareTest with the project's symbol index), then the shipped model with its default adapter
// generates greedily with the product's decoding (loop guard 3 + syntax guard: the anchor) and with the
// symbol constraint added, one engine, alternating the order per prompt so load drifts hit both alike.
// Reported: milliseconds per generated token for each, and how often the two outputs differ.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultAdapterOf } from '../../src/model/adapters';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { listMethods } from '../../src/java/methods';
import type { GenerateOptions } from '../../src/model/engine-api';
import { prepareTest } from '../../src/pipeline/prepare';
import { indexProject } from '../../src/symbols/project-index';
import type { SymbolScope } from '../../src/symbols/scope';
import type { BenchResult } from './_common';

interface Pair { focal_class: string; focal_method: string; focal_path: string }
interface Project { name: string; package: string; version: string; dir: string; pairs: Pair[] }

const ROWS = Number(process.env.SYMBOL_ROWS ?? (process.env.BENCH_QUICK === '1' ? 3 : 12));
const data = process.env.BENCH_VERIFY_DATA ?? '/work/data/verify';
const MODEL = path.resolve(__dirname, '../../models/default');
const log = (s: string) => process.stderr.write(`[decode-symbols] ${s}\n`);

async function prompts(): Promise<{ prompt: string; scope: SymbolScope }[]> {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'verify-human.json'), 'utf8')) as { projects: Project[] };
  const out: { prompt: string; scope: SymbolScope }[] = [];
  for (const p of config.projects) {
    const root = path.join(data, 'src', `${p.package}_${p.version}`, p.dir);
    if (!fs.existsSync(root)) throw new Error(`missing ${root}: run the verify-human module first (it prints the fetch commands)`);
    const { index } = await indexProject(root);
    for (const pair of p.pairs.slice(0, ROWS)) {
      const focalPath = path.join(root, pair.focal_path);
      const text = fs.readFileSync(focalPath, 'utf8');
      const name = /^([\w$]+)\(/.exec(pair.focal_method)?.[1];
      const m = (await listMethods(text)).methods.find((x) => x.name === name && x.enclosingType.split('.').pop() === pair.focal_class.split('.').pop());
      if (!m) continue;
      const prep = await prepareTest({ focalPath, focalText: text, selector: { line: m.nameLine }, projectRoot: root, readFile: (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined), symbolIndex: index });
      if (prep.value?.symbols) out.push({ prompt: prep.value.prompt, scope: prep.value.symbols });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const rows = await prompts();
  const engine = await loadJavaEngine(MODEL, { provider: 'cpu', threads: 1 });
  const adapter = defaultAdapterOf(MODEL).name;
  const base: GenerateOptions = { maxNewTokens: 256, adapter, loopGuard: 3, syntaxGuard: true };
  const acc = { product: { ms: 0, tokens: 0 }, symbols: { ms: 0, tokens: 0 } };
  let differ = 0;
  await engine.generate(rows[0].prompt, { maxNewTokens: 8, adapter }); // graph build and warm-up, not counted
  for (const [i, row] of rows.entries()) {
    const texts: Record<string, string> = {};
    for (const side of i % 2 ? (['symbols', 'product'] as const) : (['product', 'symbols'] as const)) {
      const r = await engine.generate(row.prompt, side === 'symbols' ? { ...base, symbols: { scope: row.scope } } : base);
      acc[side].ms += r.ms;
      acc[side].tokens += r.newTokens;
      texts[side] = r.text;
    }
    if (texts.product !== texts.symbols) differ++;
    log(`prompt ${i + 1}/${rows.length}`);
  }
  await engine.dispose();
  const perToken = (s: 'product' | 'symbols') => acc[s].ms / Math.max(1, acc[s].tokens);
  const anchor = 'product decoding without it (loop guard 3 + syntax guard; same engine, same prompts)';
  const results: BenchResult[] = [
    { name: `decode ms/token with the symbol constraint (${rows.length} verification prompts, default model + adapter)`, value: perToken('symbols'), unit: 'ms/token', anchor, anchor_value: perToken('product'), ratio: perToken('product') / perToken('symbols') },
    { name: `outputs the symbol constraint changes (${rows.length} prompts)`, value: differ / Math.max(1, rows.length), unit: 'share', anchor: null, anchor_value: null, ratio: null },
  ];
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  process.stdout.write('[]\n');
  process.exit(1);
});
