// What a `testtune finetune` judgement.json says, method by method: per side, how many focal methods end
// in each verdict (passes + executes focal, passes only, fails, does not compile, …), which candidate the
// passing tests came from (0 = the model's own greedy test, 1 = the seeded one, 2+ = sampled), the first
// words of the failure messages, and every method where base and adapter differ.
//   npx tsx scripts/judgement-summary.ts <judgement.json> [more.json …]
import * as fs from 'node:fs';
import type { Judgement } from '../src/finetune/finetune';
import type { MethodOutcome } from '../src/finetune/gate';

const verdict = (o: MethodOutcome): string =>
  o.passesCallingFocal ? 'passes + executes focal' : o.passes ? 'passes, focal not executed' : o.compiles ? `compiles, ${o.status ?? 'fails'}` : o.status ?? 'no test';

/** A failure message without its particulars (names, numbers, paths), so like failures count together. */
const kindOf = (message: string | undefined): string =>
  (message ?? '')
    .replace(/^[^:]*\.java:\d+: /, '')
    .replace(/(symbol|variable|method|class|location):? .*/, '$1 …')
    .replace(/\d+/g, 'N')
    .slice(0, 70);

const count = (values: string[]): string =>
  [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())]
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `${n} × ${v}`)
    .join('; ');

for (const file of process.argv.slice(2)) {
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Judgement;
  console.log(`# ${file}: ${j.repository}, ${j.methods.length} focal methods${j.folds ? `, ${j.folds.length} folds` : ''}`);
  for (const side of ['base', 'adapter'] as const) {
    const outcomes = j.methods.map((m) => m[side]);
    console.log(`${side}: ${count(outcomes.map(verdict))}`);
    console.log(`  passing tests from candidate: ${count(outcomes.filter((o) => o.passes).map((o) => String(o.candidate ?? '?')))}`);
    const failed = outcomes.filter((o) => !o.passes && o.message);
    if (failed.length) console.log(`  failures: ${count(failed.map((o) => kindOf(o.message)))}`);
  }
  const differ = j.methods.filter((m) => verdict(m.base) !== verdict(m.adapter));
  console.log(`differ (${differ.length}):`);
  for (const m of differ) console.log(`  ${m.focal}: base ${verdict(m.base)} → adapter ${verdict(m.adapter)}`);
  console.log(`difference ${(100 * j.difference).toFixed(1)} points [${(100 * j.interval.low).toFixed(1)}, ${(100 * j.interval.high).toFixed(1)}], better ${j.better}\n`);
}
