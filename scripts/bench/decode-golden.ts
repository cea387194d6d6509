// Greedy outputs of every decoding mode against a recorded reference (run by scripts/bench.mjs; last
// stdout line: one JSON array). The shipped model with its default adapter generates for the `source`
// of the Methods2Test benchmark rows (read only, never trained on), 128 new tokens at most, in each
// decoding mode: the study's plain greedy, loop guard 3, syntax guard, both (the product's) and the
// repetition penalty 1.2. Reported per mode: rows whose output (text and stop reason) differs from the
// reference, and the milliseconds per generated token (prefill included, as in decode-guards) against
// the reference's recorded figure (recorded on the same machine, under whatever load it had then).
//
// The reference was recorded once with the decoder as it was before decoding became composable
// processors (one closure in src/model/decode.ts); the file is large and stays out of git. Since the
// syntax guard refuses the `;` of a "not a statement" (src/java/statement-check.ts), six (row, mode)
// outputs of it were re-recorded (each one's old output ended such a statement where the new one
// diverges): 134901097_12, 2045140_24, 2792886_1, 4718003_0 in product mode, 74730037_1 in both.
// Env: DECODE_GOLDEN=<jsonl> the reference (default /work/data/decoding/golden-1002.jsonl);
//      DECODE_GOLDEN_ROWS=n compare only the first n rows of it (BENCH_QUICK=1: 5), after skipping
//      DECODE_GOLDEN_SKIP=k rows (default 0: a long comparison can be split in parts);
//      DECODE_GOLDEN_RECORD=<jsonl> record instead: append one line per (row, mode) to that file,
//      resuming after the rows it already holds;
//      DECODE_GOLDEN_THREADS=n ORT threads (default 1); TESTTUNE_BENCH_DATA=<jsonl> the benchmark.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultAdapterOf } from '../../src/model/adapters';
import type { StopReason } from '../../src/model/engine-api';
import { loadJavaEngine } from '../../src/generation/java-engine';
import type { BenchResult } from './_common';
import { GOLDEN_MODES } from '../../test/helpers/golden-modes';

const quick = process.env.BENCH_QUICK === '1';
const DATA = process.env.TESTTUNE_BENCH_DATA ?? '/work/shared/benchmarks/methods2test_small/test.jsonl';
const REFERENCE = process.env.DECODE_GOLDEN ?? '/work/data/decoding/golden-1002.jsonl';
const RECORD = process.env.DECODE_GOLDEN_RECORD;
const ROWS = process.env.DECODE_GOLDEN_ROWS ? Number(process.env.DECODE_GOLDEN_ROWS) : quick ? 5 : Infinity;
const SKIP = Number(process.env.DECODE_GOLDEN_SKIP ?? 0);
const THREADS = Number(process.env.DECODE_GOLDEN_THREADS ?? 1);
const MODEL = path.resolve(__dirname, '../../models/default');
const MAX_NEW = 128;
const log = (s: string) => process.stderr.write(`[decode-golden] ${s}\n`);

const MODES = GOLDEN_MODES;

interface Line {
  id: string;
  mode: string;
  text: string;
  stopReason: StopReason;
  newTokens: number;
  ms: number;
}

function readLines(file: string): Line[] {
  if (!fs.existsSync(file)) return [];
  const out: Line[] = [];
  for (const [i, l] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    if (!l.trim()) continue;
    try {
      out.push(JSON.parse(l) as Line);
    } catch {
      log(`${file}:${i + 1}: not JSON, ignored (a line cut by an interrupted recording)`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const rows = fs.readFileSync(DATA, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; source: string });
  const engine = await loadJavaEngine(MODEL, { provider: 'cpu', threads: THREADS });
  const adapter = defaultAdapterOf(MODEL).name; // the engine loaded the model's adapters/ already
  await engine.generate(rows[0].source, { maxNewTokens: 4, adapter }); // graph build and warm-up, not counted
  const run = async (source: string, mode: string) => engine.generate(source, { ...MODES[mode], maxNewTokens: MAX_NEW, adapter });

  if (RECORD) {
    const done = new Set(readLines(RECORD).map((l) => `${l.id}\t${l.mode}`));
    for (const [i, row] of rows.slice(0, ROWS).entries()) {
      for (const mode of Object.keys(MODES)) {
        if (done.has(`${row.id}\t${mode}`)) continue;
        const r = await run(row.source, mode);
        fs.appendFileSync(RECORD, JSON.stringify({ id: row.id, mode, text: r.text, stopReason: r.stopReason, newTokens: r.newTokens, ms: r.ms }) + '\n');
      }
      log(`recorded row ${i + 1}/${Math.min(ROWS, rows.length)}`);
    }
    await engine.dispose();
    process.stdout.write('[]\n');
    return;
  }

  const reference = readLines(REFERENCE);
  if (!reference.length) throw new Error(`${REFERENCE}: no reference lines (record them with DECODE_GOLDEN_RECORD=<file>)`);
  const byId = new Map(rows.map((r) => [r.id, r.source]));
  const ids = [...new Set(reference.map((l) => l.id))].slice(SKIP, SKIP + ROWS);
  const keep = new Set(ids);
  const acc = new Map<string, { rows: number; differ: number; ms: number; tokens: number; refMs: number; refTokens: number }>();
  for (const [i, ref] of reference.filter((l) => keep.has(l.id)).entries()) {
    const source = byId.get(ref.id);
    if (source === undefined) throw new Error(`${REFERENCE}: row ${ref.id} is not in ${DATA}`);
    if (!MODES[ref.mode]) throw new Error(`${REFERENCE}: unknown mode '${ref.mode}' (known: ${Object.keys(MODES).join(', ')})`);
    const r = await run(source, ref.mode);
    const a = acc.get(ref.mode) ?? { rows: 0, differ: 0, ms: 0, tokens: 0, refMs: 0, refTokens: 0 };
    a.rows++;
    if (r.text !== ref.text || r.stopReason !== ref.stopReason) {
      a.differ++;
      log(`row ${ref.id}, ${ref.mode}: differs (${ref.stopReason} → ${r.stopReason})`);
    }
    a.ms += r.ms;
    a.tokens += r.newTokens;
    a.refMs += ref.ms;
    a.refTokens += ref.newTokens;
    acc.set(ref.mode, a);
    if ((i + 1) % 25 === 0) log(`${i + 1} generations`);
  }
  await engine.dispose();
  const anchor = 'the pre-refactor decoder (recorded reference)';
  const results: BenchResult[] = [];
  for (const [mode, a] of acc) {
    results.push({ name: `rows whose output differs from the reference, ${mode} (${a.rows} rows from row ${SKIP + 1}, default model + adapter, ${MAX_NEW} tokens)`, value: a.differ, unit: 'rows', anchor, anchor_value: 0, ratio: null });
    const now = a.ms / Math.max(1, a.tokens);
    const then = a.refMs / Math.max(1, a.refTokens);
    results.push({ name: `decode ms/token, ${mode} (${a.rows} rows; the reference's figure was recorded earlier, under its own machine load)`, value: now, unit: 'ms/token', anchor, anchor_value: then, ratio: then / now });
  }
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  process.stdout.write('[]\n');
  process.exit(1);
});
