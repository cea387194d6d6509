// The loop guard (src/model/decoding/loop-guard.ts) in the decode loop, from the options as the
// decoding factory reads them (pure logic: scripted steppers, no ONNX Runtime).
import { strict as assert } from 'node:assert';
import { decode, type Stepper, type TextStream } from '../../src/model/decode';
import { completesLoop, LOOP_MAX_PERIOD } from '../../src/model/decoding/loop-guard';
import type { GenerateOptions } from '../../src/model/engine-api';
import { javaDecoding } from '../../src/generation/decoding';
import { checkGenerate } from '../../src/sidecar/protocol';
import { command as generateCommand, loopGuardArg } from '../../src/cli/commands/generate';
import { command as evalCommand } from '../../src/cli/commands/eval';
import { decodingParams } from '../../src/pipeline/decoding';
import { DEFAULT_SETTINGS } from '../../src/config/settings';

const chars = ['?', 'a', 'b', ',', ')', ';'];
/** The factory's plan for these options, without the brace stop. */
const plan = (o: Partial<GenerateOptions>) => javaDecoding({ maxNewTokens: 0, stopWhenBalanced: false, ...o }, { tokenText: (id) => chars[id] });
const stream: TextStream = { push: (id) => (typeof id === 'number' ? chars[id] : id.map((i) => chars[i]).join('')), flush: () => '' };

/** Logits that always prefer continuing the cycle `a , a , a …` (period 2), with `)` second best after a comma. */
function cycler(): Stepper & { buffers: Float32Array[] } {
  let last = -1;
  return {
    buffers: [],
    room: 1000,
    reset() {
      last = -1;
    },
    async step(ids) {
      last = ids[ids.length - 1];
      //                       ?  a  b  ,  )  ;
      const l = last === 1 ? [0, 0, 0, 3, 1, 2] : [0, 3, 0, 0, 2, 0];
      const buf = Float32Array.from(l);
      this.buffers.push(buf);
      return buf;
    },
  };
}

describe('loop guard', () => {
  it('completesLoop finds n back-to-back copies of a unit ending with the next token', () => {
    assert.equal(completesLoop([1, 1], 1, 3), true); // a a a
    assert.equal(completesLoop([1, 1], 1, 4), false);
    assert.equal(completesLoop([1, 3, 1, 3, 1], 3, 3), true); // (a ,) × 3
    assert.equal(completesLoop([1, 3, 1, 3, 1], 2, 3), false);
    assert.equal(completesLoop([2, 1, 3, 1, 3, 1], 3, 3), true, 'a prefix before the loop does not matter');
    assert.equal(completesLoop([1, 2, 3, 1, 2, 3, 1, 2], 3, 3), true); // period 3
    assert.equal(completesLoop([1, 2, 3, 1, 2, 4, 1, 2], 3, 3), false, 'one different token breaks the period');
    assert.equal(completesLoop([], 1, 2), false);
    assert.equal(completesLoop([1], 1, 2), true);
  });

  it('completesLoop ignores units longer than the limit', () => {
    const unit = Array.from({ length: LOOP_MAX_PERIOD + 1 }, (_, i) => i + 10);
    const ids = [...unit, ...unit.slice(0, -1)];
    assert.equal(completesLoop(ids, unit[unit.length - 1], 2), false);
    assert.equal(completesLoop(ids, unit[unit.length - 1], 2, LOOP_MAX_PERIOD + 1), true);
  });

  it('off (undefined or 0) is plain greedy: the cycle runs to the token limit', async () => {
    for (const loopGuard of [undefined, 0]) {
      const r = await decode(cycler(), [0], stream, { maxNewTokens: 9, ...plan({ loopGuard }) });
      assert.equal(r.text, 'a,a,a,a,a');
      assert.equal(r.stopReason, 'max_tokens');
    }
  });

  it('takes the next-best token instead of the one completing the third copy, and leaves runner buffers untouched', async () => {
    const s = cycler();
    const r = await decode(s, [0], stream, { maxNewTokens: 8, ...plan({ loopGuard: 3 }) });
    // after `a , a , a` the favourite `,` would make `a , a , a ,` (three copies of `a ,`): `;` (next best) instead
    assert.equal(r.text.slice(0, 6), 'a,a,a;');
    for (const b of s.buffers) assert.ok(b[3] === 3 || b[1] === 3, 'the favourite logit is still in the runner buffer');
  });

  it('does not change an output that has no loop', async () => {
    const seq = [1, 2, 3, 4, 5];
    let i = 0;
    const stepper: Stepper = {
      room: 100,
      reset() {
        i = 0;
      },
      async step() {
        const l = new Float32Array(6);
        l[seq[i++ % seq.length]] = 5;
        return l;
      },
    };
    const a = await decode(stepper, [0], stream, { maxNewTokens: 5 });
    const b = await decode(stepper, [0], stream, { maxNewTokens: 5, ...plan({ loopGuard: 2 }) });
    assert.equal(b.text, a.text);
  });

  it('is validated in the sidecar protocol and on the command line (0 and 1 = off)', async () => {
    for (const ok of [0, 1, 3, 100]) assert.equal(checkGenerate({ context: 'x', maxNewTokens: 4, loopGuard: ok }).ok, true);
    for (const bad of [2.5, -3, 101, '3'])
      assert.match((checkGenerate({ context: 'x', maxNewTokens: 4, loopGuard: bad }) as { error: string }).error, /loopGuard/);
    assert.equal(loopGuardArg(undefined), undefined);
    assert.equal(loopGuardArg('0'), 0);
    assert.equal(loopGuardArg('4'), 4);
    for (const bad of ['-1', 'x', '2.5', '200']) assert.throws(() => loopGuardArg(bad), /--loop-guard/);
    const r = await decode(cycler(), [0], stream, { maxNewTokens: 9, ...plan({ loopGuard: 1 }) });
    assert.equal(r.text, 'a,a,a,a,a', '1 is off');
  });

  it('is on (3) by default for the product (setting and `generate`), while `eval` stays the study\'s greedy', () => {
    assert.equal(DEFAULT_SETTINGS.loopGuard, 3);
    assert.match(generateCommand.usage, /--loop-guard <n>\s+never emit n back-to-back copies of one unit \(default 3/);
    assert.equal(decodingParams('study').loopGuard, 0);
    assert.equal(decodingParams('product').loopGuard, 3);
    assert.match(evalCommand.usage, /--decoding <d>\s+study \(default\)/);
  });
});
