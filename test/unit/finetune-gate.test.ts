// The fine-tuning gate's parts without a model: the split by test class (no class on both sides), the
// verdict (execution decides, a tie is not better), the paired bootstrap interval, and the messages for
// repositories with nothing (or too little) to learn from.
import { strict as assert } from 'node:assert';
import { foldsByFocalMethod, foldsByTestClass, splitByTestClass } from '../../src/data/split';
import { judgeSides, pairedBootstrap, scoreSide, type MethodOutcome } from '../../src/finetune/gate';
import { focalTargets } from '../../src/finetune/judge';
import { locatePairs, MIN_PAIRS, smallRepositoryNote, whyNotEnoughPairs } from '../../src/finetune/pairs';
import type { Mapping, PairRecord } from '../../src/data/miner';

const O = (passesCallingFocal: boolean, extra: Partial<MethodOutcome> = {}): MethodOutcome => ({
  compiles: passesCallingFocal,
  passes: passesCallingFocal,
  passesCallingFocal,
  focalLineCoverage: passesCallingFocal ? 1 : 0,
  ...extra,
});

describe('finetune: split by test class', () => {
  // test classes T0..T9, each testing focal class F<i>; T3 also tests F4 (so T3, T4 go together), and
  // F7 is tested by T7 and T7b (so they go together)
  const recs: { test_class: string; focal_class: string; id: number }[] = [];
  let id = 0;
  for (let i = 0; i < 10; i++) for (let k = 0; k < 3; k++) recs.push({ test_class: `T${i}`, focal_class: `F${i}`, id: id++ });
  recs.push({ test_class: 'T3', focal_class: 'F4', id: id++ });
  recs.push({ test_class: 'T7b', focal_class: 'F7', id: id++ });

  for (const seed of [0, 1, 2, 3, 4])
    it(`never puts a test class or a focal class on both sides (seed ${seed})`, () => {
      const s = splitByTestClass(recs, 0.2, seed);
      assert.equal(s.train.length + s.heldOut.length, recs.length);
      assert.ok(s.heldOut.length >= Math.round(recs.length * 0.2), `${s.heldOut.length} held out`);
      assert.ok(s.train.length > 0);
      for (const key of ['test_class', 'focal_class'] as const) {
        const train = new Set(s.train.map((r) => r[key]));
        for (const r of s.heldOut) assert.ok(!train.has(r[key]), `${key} ${r[key]} on both sides`);
      }
      assert.deepEqual(s.heldOutTestClasses, [...new Set(s.heldOut.map((r) => r.test_class))].sort());
    });

  it('is deterministic for a seed and keeps linked classes together', () => {
    const a = splitByTestClass(recs, 0.3, 7);
    const b = splitByTestClass([...recs].reverse(), 0.3, 7);
    assert.deepEqual(a.heldOut.map((r) => r.id).sort(), b.heldOut.map((r) => r.id).sort());
    const held = new Set(a.heldOut.map((r) => r.test_class));
    assert.equal(held.has('T3'), held.has('T4'));
    assert.equal(held.has('T7'), held.has('T7b'));
  });

  it('with one group of linked classes holds nothing out', () => {
    const s = splitByTestClass([{ test_class: 'A', focal_class: 'X' }, { test_class: 'B', focal_class: 'X' }], 0.5);
    assert.equal(s.heldOut.length, 0);
    assert.throws(() => splitByTestClass(recs, 1), /fraction/);
  });

  for (const k of [2, 3, 5])
    it(`cross-validation folds (k ${k}): every pair in one fold, no test or focal class in two, sizes even`, () => {
      const folds = foldsByTestClass(recs, k, 3);
      assert.equal(folds.length, k);
      assert.deepEqual(folds.flatMap((f) => f.pairs.map((r) => r.id)).sort((a, b) => a - b), recs.map((r) => r.id));
      for (const key of ['test_class', 'focal_class'] as const) {
        const owner = new Map<string, number>();
        folds.forEach((f, i) =>
          f.pairs.forEach((r) => {
            assert.ok((owner.get(r[key]) ?? i) === i, `${key} ${r[key]} in two folds`);
            owner.set(r[key], i);
          }),
        );
      }
      // groups are 3 pairs (4 for T3+T4's 7, T7+T7b's 4): no fold more than one biggest group above another
      const sizes = folds.map((f) => f.pairs.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 7, `fold sizes ${sizes}`);
      assert.deepEqual(folds[0].testClasses, [...new Set(folds[0].pairs.map((r) => r.test_class))].sort());
    });

  it('folds by focal method keep each focal method whole but split a class and its test class across folds', () => {
    // class C with methods at lines 1..6, each tested twice in test class CT; line 3 also tested from DT
    const rows = [1, 2, 3, 4, 5, 6].flatMap((line) => [0, 1].map((t) => ({ focal_path: 'C.java', focal_line: line, test_class: 'CT', id: `${line}.${t}` })));
    rows.push({ focal_path: 'C.java', focal_line: 3, test_class: 'DT', id: '3.x' });
    const folds = foldsByFocalMethod(rows, 3, 1);
    assert.equal(folds.length, 3);
    assert.deepEqual(folds.flatMap((f) => f.pairs.map((r) => r.id)).sort(), rows.map((r) => r.id).sort());
    const foldOfLine = new Map<number, number>();
    folds.forEach((f, i) =>
      f.pairs.forEach((r) => {
        assert.equal(foldOfLine.get(r.focal_line) ?? i, i, `focal method at line ${r.focal_line} in two folds`);
        foldOfLine.set(r.focal_line, i);
      }),
    );
    assert.ok(folds.every((f) => f.testClasses.includes('CT')), 'the test class CT is in every fold');
    assert.deepEqual(folds.map((f) => f.pairs.length).sort(), [4, 4, 5]);
  });

  it('cross-validation: fewer groups than folds give fewer folds; k under 2 is refused', () => {
    const two = [{ test_class: 'A', focal_class: 'X' }, { test_class: 'B', focal_class: 'Y' }];
    assert.equal(foldsByTestClass(two, 5).length, 2);
    assert.throws(() => foldsByTestClass(recs, 1), /at least 2/);
    assert.throws(() => foldsByTestClass(recs, 2.5), /at least 2/);
  });
});

describe('finetune: the gate', () => {
  it('scores shares per side and the mean focal line coverage', () => {
    const s = scoreSide([O(true), O(false, { compiles: true, passes: true }), O(false), { ...O(true), focalLineCoverage: 0.5 }]);
    assert.deepEqual(s, { n: 4, compiles: 0.75, passes: 0.75, passesCallingFocal: 0.5, focalLineCoverage: 0.375 });
    assert.deepEqual(scoreSide([]), { n: 0, compiles: 0, passes: 0, passesCallingFocal: 0, focalLineCoverage: 0 });
  });

  it('a tie is not better, even when the adapter compiles and passes more', () => {
    const base = [O(true), O(false), O(false)];
    const adapter = [O(false), O(true), O(false, { compiles: true, passes: true })];
    const v = judgeSides(base, adapter);
    assert.equal(v.difference, 0);
    assert.equal(v.better, false);
    assert.equal(v.confident, false);
    assert.ok(v.adapter.passes > v.base.passes);
  });

  it('better by passesCallingFocal, and confident only when the interval is above 0', () => {
    const few = judgeSides([O(false), O(false), O(false), O(false)], [O(true), O(false), O(false), O(false)]);
    assert.equal(few.better, true);
    assert.equal(few.confident, false); // one method of four: within chance
    assert.ok(few.interval.low <= 0 && few.interval.high > 0);
    const many = judgeSides(Array.from({ length: 40 }, () => O(false)), Array.from({ length: 40 }, (_, i) => O(i < 30)));
    assert.equal(many.better, true);
    assert.equal(many.confident, true);
    assert.ok(Math.abs(many.difference - 0.75) < 1e-12);
    const worse = judgeSides([O(true), O(true)], [O(true), O(false)]);
    assert.equal(worse.better, false);
    assert.ok(worse.difference < 0);
  });

  it('the paired bootstrap interval holds the observed difference, is seeded, and is exact when every pair agrees', () => {
    const base = [true, false, false, true, false, false, true, false, false, false];
    const adapter = [true, true, false, true, true, false, false, true, false, false];
    const a = pairedBootstrap(base, adapter);
    const b = pairedBootstrap(base, adapter);
    assert.deepEqual(a, b);
    assert.ok(a.low <= 0.2 && 0.2 <= a.high, JSON.stringify(a));
    assert.ok(a.low >= -1 && a.high <= 1 && a.low < a.high);
    assert.equal(a.level, 0.95);
    const same = pairedBootstrap([true, false, true], [true, false, true]);
    assert.deepEqual([same.low, same.high], [0, 0]);
    const allUp = pairedBootstrap([false, false, false], [true, true, true]);
    assert.deepEqual([allUp.low, allUp.high], [1, 1]);
    assert.deepEqual([pairedBootstrap([], []).low, pairedBootstrap([], []).high], [0, 0]);
    assert.throws(() => pairedBootstrap([true], []), /differ in length/);
  });
});

describe('finetune: what can be fine-tuned', () => {
  const report = (over: Partial<{ files: number; parseErrors: number; testClasses: number; testMethods: number; skipCounts: Record<string, number> }>) => ({
    files: 20, parseErrors: 0, testClasses: 3, testMethods: 12, skipCounts: {}, ...over,
  });
  it('says why a repository has nothing or too little to learn from', () => {
    assert.match(whyNotEnoughPairs(report({ files: 0 }), 0)!, /no \.java files/);
    assert.match(whyNotEnoughPairs(report({ testClasses: 0 }), 0)!, /no test classes among 20 Java files/);
    assert.match(whyNotEnoughPairs(report({ testClasses: 0, parseErrors: 2 }), 0)!, /2 of them do not parse/);
    assert.match(whyNotEnoughPairs(report({ skipCounts: { 'no focal method': 12 } }), 0)!, /none of their 12 test methods .*skipped: 12 no focal method/);
    assert.match(whyNotEnoughPairs(report({}), MIN_PAIRS - 1)!, new RegExp(`only ${MIN_PAIRS - 1} .*at least ${MIN_PAIRS}`));
    assert.equal(whyNotEnoughPairs(report({}), MIN_PAIRS), undefined);
    assert.match(smallRepositoryNote(40)!, /small repository: 40 pairs .*within chance/);
    assert.equal(smallRepositoryNote(100), undefined);
  });

  it('locates pairs by their mapping and judges each focal method once', () => {
    const rec = (test_case: string, focal_method: string): PairRecord => ({
      repository: 'r', focal_class: 'p.A', focal_method, test_class: 'p.ATest', test_case, source: 's', target: 't', focal_path: 'src/A.java', test_path: 'test/ATest.java',
    });
    const map = (test_case: string, focal_method: string, focal_line: number): Mapping => ({
      test_path: 'test/ATest.java', test_class: 'p.ATest', test_case, test_line: 1, focal_path: 'src/A.java', focal_class: 'p.A', focal_method, focal_line, by: 'name',
    });
    const located = locatePairs([rec('t1', 'f()'), rec('t2', 'f()'), rec('t3', 'g()'), rec('t4', 'h()')], [map('t1', 'f()', 4), map('t2', 'f()', 4), map('t3', 'g()', 9)]);
    assert.deepEqual(located.map((p) => [p.test_case, p.focal_line]), [['t1', 4], ['t2', 4], ['t3', 9]]);
    assert.deepEqual(focalTargets(located), [
      { focalPath: 'src/A.java', focalLine: 4, label: 'p.A#f()' },
      { focalPath: 'src/A.java', focalLine: 9, label: 'p.A#g()' },
    ]);
  });
});

describe('finetune: the gate in the fine-tune panel and the final question', () => {
  it('shows the execution rows and recommends the adapter only when it is better', async () => {
    const { gateOffer, gateRows } = await import('../../src/extension/gate-view');
    const better = judgeSides([O(false), O(false), O(true)], [O(true), O(false), O(true)]);
    const rows = gateRows(better);
    assert.deepEqual(rows.slice(0, 4).map((r) => r.label), ['Compiles (held-out methods)', 'Passes', 'Passes and executes the focal method', 'Mean focal line coverage']);
    assert.deepEqual(rows[2], { label: 'Passes and executes the focal method', base: '33.3%', adapter: '66.7%', better: 'adapter' });
    assert.match(rows[4].adapter, /^\+33\.3 \[[-+]\d+\.\d, [-+]\d+\.\d\]$/);
    assert.deepEqual(rows[5], { label: 'Held-out focal methods', base: '3', adapter: '3' });
    const yes = gateOffer('a1', better);
    assert.equal(yes.recommended, 'adapter');
    assert.equal(yes.buttons[0], yes.use);
    assert.match(yes.message, /is better: .*66\.7% of 3 held-out methods vs 33\.3%.*within chance/);
    const tie = gateOffer('a1', judgeSides([O(true)], [O(true)]));
    assert.equal(tie.recommended, 'base');
    assert.deepEqual(tie.buttons, ['Keep base model', 'Use adapter anyway']);
    assert.equal(tie.use, 'Use adapter anyway');
    assert.match(tie.message, /not better than the base model.*stays off/);
    const none = gateOffer('a1', undefined, 'this workspace is not trusted');
    assert.match(none.message, /not judged by running tests \(this workspace is not trusted\)/);
  });
});
