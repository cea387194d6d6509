// Golden test against the study's benchmark: rebuild the focal and test files from each row of
// methods2test_small/test.jsonl, render them with buildTrainingPair and compare byte for byte.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildTrainingPair } from '../../../src/java/context';
import { rebuild, type BenchRow } from './m2t-rebuild';

// The study's benchmark in the shared folder beside the checkout (as on CI), when present.
const BENCH = path.resolve(__dirname, '../../../../shared/benchmarks/methods2test_small/test.jsonl');
const benchPath = process.env.TESTTUNE_M2T_TEST ?? (fs.existsSync(BENCH) ? BENCH : undefined);


async function reproduces(row: BenchRow): Promise<boolean> {
  for (const c of rebuild(row)) {
    const p = await buildTrainingPair(c.focal, { line: c.focalLine }, c.test, c.testMethodName);
    if (p.source === row.source && p.target === row.target) return true;
  }
  return false;
}

const readRows = (p: string): BenchRow[] => fs.readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BenchRow);

describe('context golden: Methods2Test benchmark rows', function () {
  this.timeout(120000);
  // eight rows copied from the benchmark (MIT) so that this runs on any clone
  const byId = new Map(readRows(path.join(__dirname, '../../fixtures/java/m2t-rows.jsonl')).map((r) => [r.id, r]));

  // hand-picked: `class HexStringTest  {` (test class extends, focal does not); tabs; annotations with braces; a one-line test method (indent = line minus last char);
  // an abstract focal method; constructors with no modifiers; generics in signatures; @Mock fields
  for (const id of ['10459637_4', '100069523_35', '1196095_0', '40162365_29', '113878762_12', '100394760_1', '2792886_1', '100679870_30', '104141049_0']) {
    it(`reproduces row ${id} exactly`, async () => {
      const row = byId.get(id);
      assert.ok(row, `row ${id} missing`);
      const cands = rebuild(row);
      assert.ok(cands.length > 0);
      assert.ok(await reproduces(row), `row ${id} not reproduced`);
    });
  }

  (benchPath ? it : it.skip)('reproduces at least 98% of all 1,002 rows byte for byte', async () => {
    const rows = readRows(benchPath!);
    let ok = 0;
    const failed: string[] = [];
    for (const r of rows) (await reproduces(r)) ? ok++ : failed.push(r.id);
    // measured: 986 of 1002; the rest hold line comments inside modifiers or duplicate fields, which
    // a rebuilt file cannot carry in the same shape
    assert.ok(ok >= 980, `only ${ok}/${rows.length} reproduced; first failures: ${failed.slice(0, 10).join(', ')}`);
  });
});
