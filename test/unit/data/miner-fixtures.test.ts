// The miner on the hand-labelled fixture repositories (test/fixtures/mining/*, labels.jsonl):
// precision must stay at or above 95%; precision and recall are printed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mineRepo, type MineResult } from '../../../src/data/miner';
import { parseLabels, scoreMappings, type Emitted } from '../../../src/data/labels';

const ROOT = path.join(__dirname, '../../fixtures/mining');
const REPOS = ['calc', 'shop', 'legacy', 'textkit', 'geo'];

describe('miner on the labelled fixtures', function () {
  this.timeout(60000);
  const results = new Map<string, MineResult>();

  before(async () => {
    for (const repo of REPOS) results.set(repo, await mineRepo(path.join(ROOT, repo)));
  });

  it('has at least 100 labelled test methods from several repositories', () => {
    const { labels, errors } = parseLabels(fs.readFileSync(path.join(ROOT, 'labels.jsonl'), 'utf8'));
    assert.deepEqual(errors, []);
    assert.ok(labels.length >= 100, `${labels.length} labels`);
    assert.deepEqual([...new Set(labels.map((l) => l.repo))].sort(), [...REPOS].sort());
  });

  it('every test method found is labelled, and every label names a test method found', () => {
    const { labels } = parseLabels(fs.readFileSync(path.join(ROOT, 'labels.jsonl'), 'utf8'));
    const total = [...results.values()].reduce((n, r) => n + r.report.testMethods, 0);
    assert.equal(total, labels.length);
  });

  it('names the right focal method for at least 95% of emitted pairs', () => {
    const { labels } = parseLabels(fs.readFileSync(path.join(ROOT, 'labels.jsonl'), 'utf8'));
    const emitted: Emitted[] = [];
    for (const [repo, r] of results) {
      for (const rec of r.records) emitted.push({ repo, test_class: rec.test_class, test_case: rec.test_case, focal: `${rec.focal_class}#${rec.focal_method}` });
    }
    const s = scoreMappings(emitted, labels);
    console.log(`      fixtures: ${s.emitted} pairs emitted, ${s.correct} correct: precision ${(100 * s.precision).toFixed(1)}%, recall ${(100 * s.recall).toFixed(1)}% of ${s.labelledWithFocal} test methods with a focal method`);
    assert.deepEqual(s.unlabelled, []);
    assert.ok(s.precision >= 0.95, `precision ${s.precision}: ${JSON.stringify(s.wrong, null, 1)}`);
    assert.ok(s.recall >= 0.8, `recall ${s.recall}: missed ${s.missed.join(', ')}`);
  });

  it('accounts for every test method: a pair or a skip with its reason', () => {
    for (const r of results.values()) {
      const skipped = Object.values(r.report.skipCounts).reduce((a, b) => a + (b ?? 0), 0);
      assert.equal(r.report.pairs + skipped, r.report.testMethods, r.report.repository);
      assert.equal(r.report.skips.length, skipped);
      for (const s of r.report.skips) assert.ok(s.detail.length > 0);
    }
    const legacy = results.get('legacy')!.report;
    assert.equal(legacy.skipCounts['parse error'], 2);
    assert.ok(legacy.skips.some((s) => s.reason === 'parse error' && s.test_path.endsWith('util/VersionTest.java') && /line 9/.test(s.detail)));
    const shop = results.get('shop')!.report;
    assert.ok(shop.skips.some((s) => s.reason === 'no focal class' && s.test_case === 'buyTwoItems'));
    const calc = results.get('calc')!.report;
    assert.ok(calc.skips.some((s) => s.reason === 'ambiguous call' && s.test_case === 'testAddThenMultiply'));
  });

  it('never emits a target that starts inside the test method\'s annotations', () => {
    for (const r of [...results.values()].flatMap((x) => x.records)) {
      const head = r.target.slice(0, r.target.indexOf('{') + 1);
      assert.ok(!head.includes(`${r.test_case}(`), `${r.test_class}#${r.test_case}`);
    }
    // @ValueSource(doubles = {…}) has a '{' before the method's own: emitted correctly, or skipped with the reason
    const geo = results.get('geo')!;
    const rec = geo.records.find((r) => r.test_case === 'distanceIsSymmetric');
    const skip = geo.report.skips.find((s) => s.test_case === 'distanceIsSymmetric');
    assert.ok(rec ? /void distanceIsSymmetric\(double d\) \{\n$/.test(rec.source) : /annotations/.test(skip?.detail ?? ''));
  });

  it('maps same-named classes in a multi-module build to their own module', () => {
    const recs = results.get('shop')!.records;
    const api = recs.find((r) => r.test_class === 'com.shop.api.CartTest' && r.test_case === 'testGetId')!;
    assert.equal(api.focal_class, 'com.shop.api.Cart');
    assert.equal(api.focal_path, 'api/src/main/java/com/shop/api/Cart.java');
    const core = recs.find((r) => r.test_class === 'com.shop.CartTest' && r.test_case === 'testClear')!;
    assert.equal(core.focal_path, 'core/src/main/java/com/shop/Cart.java');
  });

  it('renders records in the study format: source ends at the test method opening, target closes both braces', () => {
    const r = results.get('calc')!.records.find((x) => x.test_case === 'testFactorial')!;
    assert.equal(r.repository, 'calc');
    assert.equal(r.focal_method, 'factorial(int)');
    assert.ok(r.source.startsWith('class Calculator {'), r.source.slice(0, 40));
    assert.ok(r.source.includes('public long factorial(int n) {\n        long r = 1;'));
    assert.ok(r.source.includes('class CalculatorTest {'));
    assert.match(r.source, /@Test\s+void testFactorial\(\) \{\n$/);
    assert.match(r.target, /assertEquals\(120L, calc\.factorial\(5\)\);[\s\S]*\}\s*\n\s*\}\s*$/);
    for (const rec of [...results.values()].flatMap((x) => x.records)) {
      for (const k of ['repository', 'focal_class', 'focal_method', 'test_class', 'test_case', 'source', 'target'] as const) {
        assert.equal(typeof rec[k], 'string', k);
        assert.ok(rec[k].length > 0, k);
      }
    }
  });

  it('mines as many pairs in every format as in the default one (fm, fm+fc, …: the target is the whole test method)', async () => {
    const def = results.get('calc')!;
    for (const format of ['fm', 'fm+fc', 'fm+fc+c+m+f'] as const) {
      const r = await mineRepo(path.join(ROOT, 'calc'), { format });
      assert.equal(r.report.pairs, def.report.pairs, `${format}: ${JSON.stringify(r.report.skips ?? r.report).slice(0, 300)}`);
      for (const rec of r.records) assert.match(rec.target, new RegExp(`\\b${rec.test_case}\\s*\\(`), `${format}: ${rec.test_case}`);
    }
  });
});
