// The focal-call rule (src/java/decoding/focal-call.ts) in the decode loop, token by token, as the Java
// decoding factory composes it (pure logic: scripted steppers over a toy vocabulary, no ONNX Runtime).
import { strict as assert } from 'node:assert';
import { decode, type Stepper } from '../../src/model/decode';
import type { GenerateOptions } from '../../src/model/engine-api';
import { javaDecoding } from '../../src/generation/decoding';
import { FocalCallRule, PATIENCE, STEER_TOKENS } from '../../src/java/decoding/focal-call';
import { WRAP_UP_SLACK } from '../../src/java/decoding/wrap-up';
import { checkGenerate } from '../../src/sidecar/protocol';
import { scriptedStepper, vocabStream } from '../helpers/scripted-vocab';

//              0    1      2    3    4    5     6    7      8      9     10    11    12       13         14       15
const vocab = ['?', 'foo', '(', ')', ';', '\n', '}', 'EOS', 'bar', 'x.', 'fo', 'o(', '"}"', 'foo();}', ' // }', 'foobar'];
const EOS = 7;
const tokenText = (id: number) => vocab[id];
/** The factory's plan for these options; the rule counts the tokens left from the generation's own budget. */
const java = (o: Partial<GenerateOptions>, maxNewTokens = 0) => javaDecoding({ maxNewTokens, ...o }, { tokenText, eosId: EOS });
const stream = vocabStream(vocab);
const text = (ids: number[]) => ids.map(tokenText).join('');

/** A stepper whose logits rank `next(lastId, step)` best first; unlisted ids get -10. */
const scripted = (next: (last: number, n: number) => number[]): Stepper => scriptedStepper(vocab.length, next);

/** `bar();` then the method's `}`, with `x.` (then `foo`) as the runner-up after each statement. */
const barThenClose = scripted((last, n) => (n === 0 ? [8] : last === 8 ? [2] : last === 2 ? [3] : last === 3 ? [4] : last === 4 ? [6, 9] : last === 9 ? [1] : last === 1 ? [2] : [6]));

describe('focal-call rule', () => {
  it('refuses the `}` that closes the method before the focal call; the model\'s next best follows', async () => {
    const plain = await decode(barThenClose, [0], stream, { maxNewTokens: 30, ...java({}) });
    assert.equal(plain.text, 'bar();}');
    const ruled = await decode(barThenClose, [0], stream, { maxNewTokens: 30, ...java({ requireCall: 'foo' }, 30) });
    assert.equal(ruled.text, 'bar();x.foo();}');
    assert.equal(ruled.stopReason, 'balanced');
  });

  it('reads braces in literals and comments as text, a longer name as another name, and a call and close in one token as a call', () => {
    const rule = new FocalCallRule('foo', { tokenText, eosId: EOS }, 100);
    assert.equal(rule.accepts(12, []), true, '"}" closes nothing');
    assert.equal(rule.accepts(14, []), true, '// } closes nothing');
    assert.equal(rule.accepts(6, []), false);
    assert.equal(rule.accepts(EOS, []), false, 'EOS before the call');
    assert.equal(rule.accepts(13, []), true, 'foo();} calls, then closes');
    for (const id of [15, 2, 3, 4]) rule.observe(id); // foobar();
    assert.equal(rule.called, false);
    assert.equal(rule.accepts(6, [15, 2, 3, 4]), false);
    for (const id of [9, 10, 11, 3, 4]) rule.observe(id); // x.foo();  written as `fo` + `o(`
    assert.equal(rule.called, true);
    assert.equal(rule.accepts(6, []), true);
    assert.equal(rule.accepts(EOS, []), true);
  });

  it('gives way in the wrap-up zone, so a body that never calls still closes before the token limit', async () => {
    // the model only ever writes `bar();` and wants to close after each one; it never calls foo
    const never = scripted((last, n) => (n === 0 ? [8] : last === 8 ? [2] : last === 2 ? [3] : last === 3 ? [4] : last === 4 ? [6, 8] : [6]));
    for (const max of [10, 23, 40]) {
      const r = await decode(never, [0], stream, { maxNewTokens: max, ...java({ requireCall: 'foo', syntaxGuard: true }, max) });
      assert.equal(r.stopReason, 'balanced', `budget ${max}: ${r.text}`);
      assert.ok(r.text.endsWith('}') && r.ids.length <= max);
      assert.ok(r.ids.length > max - (1 + WRAP_UP_SLACK) - 4, `budget ${max}: it did not close early (${r.ids.length} tokens)`);
    }
    // without the syntax guard the rule's own brace count decides the zone
    const r = await decode(never, [0], stream, { maxNewTokens: 20, ...java({ requireCall: 'foo' }, 20) });
    assert.equal(r.stopReason, 'balanced');
  });

  it(`gives way ${PATIENCE} tokens after its first refusal: a body that never calls closes where the model wants, long before the limit`, async () => {
    const never = scripted((last, n) => (n === 0 ? [8] : last === 8 ? [2] : last === 2 ? [3] : last === 3 ? [4] : last === 4 ? [6, 8] : [6]));
    const r = await decode(never, [0], stream, { maxNewTokens: 1000, ...java({ requireCall: 'foo', syntaxGuard: true }, 1000) });
    assert.equal(r.stopReason, 'balanced');
    // `bar();` is 4 tokens: the first close is refused after 4, the rule gives way at 4 + PATIENCE, and the next close comes within a statement
    assert.ok(r.ids.length > 4 + PATIENCE && r.ids.length <= 4 + PATIENCE + 5, `${r.ids.length} tokens`);
  });

  it(`steers toward the name after a member dot only in the ${STEER_TOKENS} tokens before the wrap-up zone`, async () => {
    // after `x.` the model prefers `bar`; `fo` + `o(` are lower
    const model = scripted((last, n) => (n === 0 ? [9] : last === 9 ? [8, 10] : last === 10 ? [11, 8] : last === 8 || last === 11 ? [2, 3] : last === 2 ? [3] : last === 3 ? [4] : [9]));
    const rule = new FocalCallRule('foo', { tokenText, eosId: EOS }, 100);
    const logits = (ranking: number[]) => {
      const l = new Float32Array(vocab.length).fill(-10);
      ranking.forEach((id, rank) => (l[id] = 10 - rank));
      return l;
    };
    rule.observe(9); // `x.`
    const zoneStart = 1 + WRAP_UP_SLACK + STEER_TOKENS; // distance 1: the method's `{`
    assert.equal(rule.prefer(logits([8, 10]), [9], zoneStart + 1, () => true), undefined, 'before the zone');
    assert.equal(rule.prefer(logits([8, 10]), [9], zoneStart, () => true), 10, '`fo` continues the name');
    assert.equal(rule.prefer(logits([8, 1, 10]), [9], zoneStart, () => true), 1, 'the best of the tokens that continue it');
    assert.equal(rule.prefer(logits([8, 10]), [9], zoneStart, (id) => ![1, 10, 13].includes(id)), undefined, 'only what every processor accepts');
    assert.equal(rule.prefer(logits([8, 10]), [9], 1 + WRAP_UP_SLACK, () => true), undefined, 'the wrap-up zone is the wrap-up\'s');
    rule.observe(10); // `x.fo`
    assert.equal(rule.prefer(logits([8, 11]), [9, 10], zoneStart, () => true), 11, '`o(` ends the name and opens the call');
    const fresh = new FocalCallRule('foo', { tokenText, eosId: EOS }, 100);
    fresh.observe(8); // `bar`: no member dot before it
    assert.equal(fresh.prefer(logits([2, 10]), [8], zoneStart, () => true), undefined, 'no receiver is invented');
    // in the loop: a budget that puts `x.` inside the steering zone gets the focal call
    const r = await decode(model, [0], stream, { maxNewTokens: zoneStart, ...java({ requireCall: 'foo' }, zoneStart) });
    assert.ok(text(r.ids).startsWith('x.foo('), text(r.ids));
    const early = await decode(model, [0], stream, { maxNewTokens: 200, ...java({ requireCall: 'foo' }, 200) });
    assert.ok(text(early.ids).startsWith('x.bar('), 'far from the limit the model chooses');
  });

  it('is composed by the factory between the syntax guard and its wrap-up, only for a Java identifier; validated in the protocol', () => {
    const names = (o: Partial<GenerateOptions>) => java(o).processors.map((p) => p.constructor.name);
    assert.deepEqual(names({ requireCall: 'foo', syntaxGuard: true, loopGuard: 3 }), ['LoopGuard', 'SyntaxGuard', 'FocalCallRule', 'WrapUp']);
    assert.deepEqual(names({ requireCall: 'foo' }), ['FocalCallRule']);
    assert.deepEqual(names({ requireCall: 'not a name' }), []);
    assert.equal(checkGenerate({ context: 'x', maxNewTokens: 4, requireCall: 'toMap' }).ok, true);
    const bad = checkGenerate({ context: 'x', maxNewTokens: 4, requireCall: 'a.b' });
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /requireCall/);
  });
});
