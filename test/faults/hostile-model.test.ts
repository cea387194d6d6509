// Hostile model and adapter folders: every one fails fast with a message naming the file and key, in
// bounded memory; a hostile adapter is skipped while the model itself loads. Each load runs in its own
// process under a time limit, so a hang shows as a failure here rather than a stuck run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOSTILE_CASES, loadInChild, makeHostileFolder, type LoadTrial } from './helpers/hostile-model';

const MAX_RSS_MB = 1024;

describe('fault: hostile model and adapter folders', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-hostile-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  let trials: LoadTrial[] = [];
  before(async () => {
    const dirs = HOSTILE_CASES.map((c, i) => makeHostileFolder(path.join(root, String(i)), c));
    trials = await loadInChild(dirs);
  });

  for (const [i, c] of HOSTILE_CASES.entries()) {
    it(`${c.name}: ${c.level === 'model' ? 'refused' : 'adapter skipped'}, with a message naming the file and key`, () => {
      const t = trials[i];
      assert.equal(t.dir, path.join(root, String(i)));
      assert.notEqual(t.outcome, 'hung', t.message);
      assert.equal(t.outcome, c.level === 'model' ? 'rejected' : 'loaded', t.message);
      assert.match(t.message, c.expect);
      assert.ok(t.maxRssMB < MAX_RSS_MB, `peak memory ${t.maxRssMB.toFixed(0)} MB`);
    });
  }
});
