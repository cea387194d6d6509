// The repetition penalty (src/model/decoding/repetition-penalty.ts) in the decode loop, from the
// options as the decoding factory reads them (pure logic: a scripted stepper, no ONNX Runtime).
import { strict as assert } from 'node:assert';
import { decode, type Stepper, type TextStream } from '../../src/model/decode';
import { penalizeRepeats } from '../../src/model/decoding/repetition-penalty';
import type { GenerateOptions } from '../../src/model/engine-api';
import { javaDecoding } from '../../src/generation/decoding';

/** Every step returns the same logits: id 1 ('a') is the favourite, id 2 ('b') next, id 3 ('}') last. */
function stepper(logits: number[]): Stepper & { calls: number } {
  return {
    calls: 0,
    room: 1000,
    reset() {},
    async step() {
      this.calls++;
      return Float32Array.from(logits);
    },
  };
}
const chars = ['?', 'a', 'b', '}'];
/** The factory's plan for these options, without the brace stop. */
const plan = (o: Partial<GenerateOptions>) => javaDecoding({ maxNewTokens: 0, stopWhenBalanced: false, ...o }, { tokenText: (id) => chars[id] });
const stream: TextStream = { push: (id) => (typeof id === 'number' ? chars[id] : id.map((i) => chars[i]).join('')), flush: () => '' };

describe('repetition penalty', () => {
  it('divides positive and multiplies negative logits of seen ids, once per distinct id', () => {
    const l = Float32Array.from([2, -2, 4, 0.5]);
    penalizeRepeats(l, new Set([0, 1, 2]), 2);
    assert.deepEqual([...l], [1, -4, 2, 0.5]);
  });

  it('ignores ids outside the vocabulary', () => {
    const l = Float32Array.from([1, 1]);
    penalizeRepeats(l, [5, -1], 3);
    assert.deepEqual([...l], [1, 1]);
  });

  it('off (undefined or 1) is plain greedy: the favourite repeats', async () => {
    for (const repetitionPenalty of [undefined, 1]) {
      const r = await decode(stepper([0, 3, 2.9, -1]), [0], stream, { maxNewTokens: 4, ...plan({ repetitionPenalty }) });
      assert.equal(r.text, 'aaaa');
    }
  });

  it('breaks a loop of the favourite token and leaves the runner logits untouched', async () => {
    const s = stepper([0, 3, 2.9, -1]);
    const seen: Float32Array[] = [];
    const spy: Stepper = { room: 1000, reset() {}, step: async (ids) => { const l = await s.step(ids); seen.push(l); return l; } };
    const r = await decode(spy, [0], stream, { maxNewTokens: 4, ...plan({ repetitionPenalty: 1.5 }) });
    // a: 3 → 2 once used, so b (2.9) wins; then both are penalised (once each, not per use): a 2 vs b 1.93 → a, a
    assert.equal(r.text, 'abaa');
    for (const l of seen) assert.equal(l[1], 3, 'the stepper buffer is not modified');
  });

  it('does not penalise prompt tokens', async () => {
    const r = await decode(stepper([0, 3, 2.9, -1]), [1, 1, 1], stream, { maxNewTokens: 1, ...plan({ repetitionPenalty: 5 }) });
    assert.equal(r.text, 'a');
  });
});
