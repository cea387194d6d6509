// The early-stopping rule (src/train/early-stop.ts): the best evaluation, patience counted in
// evaluations since the best, minDelta, and non-finite losses never counted as improvements.
import assert from 'node:assert/strict';
import { defaultEvalEvery, initialEarlyStop, observeEval } from '../../src/train/early-stop';

describe('early stopping rule', () => {
  it('keeps the best evaluation and stops after `patience` evaluations without improvement', () => {
    const s = initialEarlyStop();
    const rule = { patience: 2, minDelta: 0 };
    assert.deepEqual(observeEval(s, rule, 5, 3.0), { improved: true, stop: false });
    assert.deepEqual(observeEval(s, rule, 10, 2.5), { improved: true, stop: false });
    assert.deepEqual(observeEval(s, rule, 15, 2.6), { improved: false, stop: false });
    assert.deepEqual(observeEval(s, rule, 20, 2.4), { improved: true, stop: false }); // the count restarts
    assert.deepEqual(observeEval(s, rule, 25, 2.4), { improved: false, stop: false }); // equal is not better
    assert.deepEqual(observeEval(s, rule, 30, 2.9), { improved: false, stop: true });
    assert.equal(s.bestStep, 20);
    assert.equal(s.bestLoss, 2.4);
    assert.deepEqual(s.curve.map((c) => c.step), [5, 10, 15, 20, 25, 30]);
  });

  it('an improvement must beat the best by more than minDelta', () => {
    const s = initialEarlyStop();
    const rule = { patience: 1, minDelta: 0.1 };
    observeEval(s, rule, 1, 2.0);
    assert.deepEqual(observeEval(s, rule, 2, 1.95), { improved: false, stop: true });
    assert.equal(s.bestStep, 1);
  });

  it('a non-finite loss is never the best', () => {
    const s = initialEarlyStop();
    const rule = { patience: 3, minDelta: 0 };
    assert.equal(observeEval(s, rule, 1, NaN).improved, false);
    assert.equal(observeEval(s, rule, 2, Infinity).improved, false);
    assert.equal(observeEval(s, rule, 3, 4.0).improved, true);
    assert.equal(s.bestStep, 3);
  });

  it('evaluates twice per epoch by default, at least every step', () => {
    assert.equal(defaultEvalEvery(18), 9);
    assert.equal(defaultEvalEvery(5), 3);
    assert.equal(defaultEvalEvery(1), 1);
  });
});
