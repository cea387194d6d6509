// Cost of the product's decoding guards (run by scripts/bench.mjs; last stdout line: one JSON array).
// The shipped model with its default adapter generates for the `source` of the first ROWS rows of the
// Methods2Test benchmark (read only, never trained on), once with the study's plain greedy decoding
// (the anchor) and once with the product's guards (loop guard 3 + syntax guard), 256 new tokens at most,
// one engine, alternating per row so load drifts hit both alike. Reported: milliseconds per generated
// token for each (the guards pick among the model's ranked tokens, so their cost is per step), and the
// share of outputs that end the method (stop reason `balanced`) for each.
// Env: BENCH_QUICK=1 for 5 rows; GUARD_ROWS=n; TESTTUNE_BENCH_DATA=<jsonl>.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultAdapterOf } from '../../src/model/adapters';
import { loadJavaEngine } from '../../src/generation/java-engine';
import type { GenerateOptions } from '../../src/model/engine-api';
import type { BenchResult } from './_common';

const quick = process.env.BENCH_QUICK === '1';
const ROWS = Number(process.env.GUARD_ROWS ?? (quick ? 5 : 30));
const DATA = process.env.TESTTUNE_BENCH_DATA ?? '/work/shared/benchmarks/methods2test_small/test.jsonl';
const MODEL = path.resolve(__dirname, '../../models/default');
const log = (s: string) => process.stderr.write(`[decode-guards] ${s}\n`);

async function main(): Promise<void> {
  const prompts = fs.readFileSync(DATA, 'utf8').trim().split('\n').slice(0, ROWS).map((l) => JSON.parse(l).source as string);
  const engine = await loadJavaEngine(MODEL, { provider: 'cpu', threads: 2 });
  const adapter = defaultAdapterOf(MODEL).name; // the engine loaded the model's adapters/ already
  const sides: Record<'plain' | 'guarded', GenerateOptions> = {
    plain: { maxNewTokens: 256, adapter },
    guarded: { maxNewTokens: 256, adapter, loopGuard: 3, syntaxGuard: true },
  };
  const acc = { plain: { ms: 0, tokens: 0, balanced: 0 }, guarded: { ms: 0, tokens: 0, balanced: 0 } };
  await engine.generate(prompts[0], { maxNewTokens: 8, adapter }); // graph build and warm-up, not counted
  for (const [i, prompt] of prompts.entries()) {
    const order: ('plain' | 'guarded')[] = i % 2 ? ['guarded', 'plain'] : ['plain', 'guarded'];
    for (const side of order) {
      const r = await engine.generate(prompt, sides[side]);
      acc[side].ms += r.ms;
      acc[side].tokens += r.newTokens;
      if (r.stopReason === 'balanced') acc[side].balanced++;
    }
    log(`row ${i + 1}/${prompts.length}`);
  }
  await engine.dispose();
  const perToken = (s: 'plain' | 'guarded') => acc[s].ms / Math.max(1, acc[s].tokens);
  const anchor = 'plain greedy decoding (same engine, same prompts)';
  const results: BenchResult[] = [
    { name: `decode ms/token, loop guard 3 + syntax guard (${ROWS} benchmark prompts, default model + adapter)`, value: perToken('guarded'), unit: 'ms/token', anchor, anchor_value: perToken('plain'), ratio: perToken('plain') / perToken('guarded') },
    { name: `outputs that close the test method, loop guard 3 + syntax guard (${ROWS} prompts)`, value: acc.guarded.balanced / ROWS, unit: 'share', anchor, anchor_value: acc.plain.balanced / ROWS, ratio: acc.guarded.balanced / Math.max(1, acc.plain.balanced) },
  ];
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  process.stdout.write('[]\n');
  process.exit(1);
});
