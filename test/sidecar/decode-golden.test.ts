// Golden outputs of every decoding mode: the shipped model with its default adapter on twelve
// Methods2Test rows (the nine of test/fixtures/java/m2t-rows.jsonl and three in
// test/fixtures/decoding/golden-rows.jsonl, picked because their guards refuse tokens, wrap up or run
// out of tokens), 128 new tokens at most. The expected texts and stop reasons were recorded with the
// decoder as it was before decoding became composable processors (one closure in src/model/decode.ts),
// so any change of behaviour in the processors, their composition or the loop fails here. One output was
// re-recorded since, on purpose: 2792886_1 in product mode, whose recorded output ended a "not a
// statement" with `;` (`</vrotypes"` + `;`), which the syntax guard now refuses (src/java/statement-check.ts). The full
// check over all 1,002 benchmark rows is `npm run bench -- --only decode-golden`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultAdapterOf } from '../../src/model/adapters';
import type { StopReason } from '../../src/model/engine-api';
import type { ModelEngine } from '../../src/model/engine';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { GOLDEN_MODES } from '../helpers/golden-modes';

const FIXTURES = path.join(__dirname, '../fixtures');
const MODEL = path.join(__dirname, '../../models/default');

const MODES = GOLDEN_MODES;

interface Golden {
  adapter: string;
  maxNewTokens: number;
  outputs: Record<string, Record<string, { text: string; stopReason: StopReason }>>;
}

const readRows = (file: string): { id: string; source: string }[] =>
  fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; source: string });

describe('decoding golden outputs (models/default + its default adapter, 12 benchmark rows)', function () {
  this.timeout(300_000);
  const golden = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'decoding/golden-outputs.json'), 'utf8')) as Golden;
  const sources = new Map([...readRows(path.join(FIXTURES, 'java/m2t-rows.jsonl')), ...readRows(path.join(FIXTURES, 'decoding/golden-rows.jsonl'))].map((r) => [r.id, r.source]));
  let engine: ModelEngine;

  before(async () => {
    engine = await loadJavaEngine(MODEL, { provider: 'cpu', threads: 1 });
  });
  after(async () => {
    await engine?.dispose();
  });

  it('records twelve rows in five modes, and the model default adapter is the one recorded', () => {
    assert.equal(Object.keys(golden.outputs).length, 12);
    for (const [id, byMode] of Object.entries(golden.outputs)) {
      assert.ok(sources.has(id), `row ${id} has no source in the fixtures`);
      assert.deepEqual(Object.keys(byMode).sort(), Object.keys(MODES).sort());
    }
    assert.equal(defaultAdapterOf(MODEL).name, golden.adapter);
  });

  for (const mode of Object.keys(MODES))
    it(`${mode}: every row generates the recorded text and stop reason`, async () => {
      const differing: string[] = [];
      for (const [id, byMode] of Object.entries(golden.outputs)) {
        const r = await engine.generate(sources.get(id)!, { ...MODES[mode], maxNewTokens: golden.maxNewTokens, adapter: golden.adapter });
        const want = byMode[mode];
        if (r.text !== want.text || r.stopReason !== want.stopReason) differing.push(`${id}: ${JSON.stringify(r.text.slice(0, 80))} (${r.stopReason}), recorded ${JSON.stringify(want.text.slice(0, 80))} (${want.stopReason})`);
      }
      assert.deepEqual(differing, []);
    });
});
