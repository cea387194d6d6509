// The decode loop with the syntax guard and its wrap-up at the end of the token budget, as the Java
// decoding factory composes them (pure logic: scripted steppers over a toy vocabulary, no ONNX Runtime).
import { strict as assert } from 'node:assert';
import { decode, type Stepper } from '../../src/model/decode';
import type { GenerateOptions } from '../../src/model/engine-api';
import { javaDecoding } from '../../src/generation/decoding';
import { closerIds, WRAP_UP_SLACK } from '../../src/java/decoding/wrap-up';
import { checkGenerate } from '../../src/sidecar/protocol';
import { command as generateCommand, syntaxGuardArg } from '../../src/cli/commands/generate';
import { command as evalCommand } from '../../src/cli/commands/eval';
import { decodingParams } from '../../src/pipeline/decoding';
import { DEFAULT_SETTINGS } from '../../src/config/settings';
import { scriptedStepper, vocabStream } from '../helpers/scripted-vocab';

//              0    1    2    3    4    5    6     7      8    9     10
const vocab = ['?', 'f(', 'a', ',', ')', ';', '\n', '}', 'EOS', '"x', '"'];
const EOS = 8;
const tokenText = (id: number) => vocab[id];
/** The Java factory's processors and brace stop for these options (the engine's path). */
const java = (o: Partial<GenerateOptions> = {}) => javaDecoding({ maxNewTokens: 0, ...o }, { tokenText, eosId: EOS });
const stream = vocabStream(vocab);

/** A stepper whose logits come from `prefer(lastId)`: a ranking, best first; unlisted ids get -10. */
const scripted = (prefer: (last: number, n: number) => number[]): Stepper => scriptedStepper(vocab.length, prefer);

describe('syntax guard', () => {
  it('takes the next-best token when the favourite breaks the brackets', async () => {
    // the model wants `f(a))` — one `)` too many — then `;`, newline, `}`
    const model = scripted((last, n) => (n === 0 ? [1] : last === 1 ? [2] : last === 2 ? [4] : last === 4 ? [4, 5] : last === 5 ? [6] : [7]));
    const plain = await decode(model, [0], stream, { maxNewTokens: 10, ...java() });
    assert.equal(plain.text, 'f(a))))))))');
    const guarded = await decode(model, [0], stream, { maxNewTokens: 10, ...java({ syntaxGuard: true }) });
    assert.equal(guarded.text, 'f(a);\n}');
    assert.equal(guarded.stopReason, 'balanced');
  });

  it('does not let EOS end a method that is still open', async () => {
    const model = scripted((last, n) => (n === 0 ? [1] : last === 1 ? [EOS, 2] : last === 2 ? [EOS, 4] : last === 4 ? [EOS, 5] : [EOS, 7]));
    assert.equal((await decode(model, [0], stream, { maxNewTokens: 10, eosId: EOS, ...java() })).stopReason, 'eos');
    const r = await decode(model, [0], stream, { maxNewTokens: 10, eosId: EOS, ...java({ syntaxGuard: true }) });
    assert.equal(r.text, 'f(a);}');
    assert.equal(r.stopReason, 'balanced');
  });

  it('wraps up with closing tokens when the budget is about to run out', async () => {
    // a runaway argument list: `f(a,a,a,…`; the model ranks `)`, `;`, `}` below `a` and `,`
    const model = scripted((last, n) => (n === 0 ? [1] : last === 3 || last === 1 ? [2, 4, 5, 7] : [3, 4, 5, 7, 6]));
    const plain = await decode(model, [0], stream, { maxNewTokens: 20, ...java() });
    assert.equal(plain.stopReason, 'max_tokens');
    const r = await decode(model, [0], stream, { maxNewTokens: 20, ...java({ syntaxGuard: true }) });
    assert.equal(r.stopReason, 'balanced');
    assert.match(r.text, /^f\(a(,a)*\);\}$/);
    assert.equal(r.text.slice(0, 12), plain.text.slice(0, 12), 'unchanged until the wrap-up starts');
    // the wrap-up starts when the tokens left are <= open brackets (2 here) + slack
    assert.equal(r.text.split(',').length - 1, 20 - 1 - (2 + WRAP_UP_SLACK) >> 1);
  });

  it('closes an open string literal first in the wrap-up', async () => {
    // `f("x` and then the model would go on with `a` forever inside the string
    const model = scripted((last, n) => (n === 0 ? [1] : n === 1 ? [9] : [2, 9, 4, 5, 7, 10]));
    const r = await decode(model, [0], stream, { maxNewTokens: 14, ...java({ syntaxGuard: true }) });
    assert.equal(r.stopReason, 'balanced');
    assert.match(r.text, /^f\("xa+"\);\}$/);
  });

  it('off (the default, or false) is plain greedy', async () => {
    const model = scripted((last, n) => (n === 0 ? [1] : last === 1 ? [2] : [4]));
    const a = await decode(model, [0], stream, { maxNewTokens: 6, ...java() });
    const b = await decode(model, [0], stream, { maxNewTokens: 6, ...java({ syntaxGuard: false }) });
    const c = await decode(model, [0], stream, { maxNewTokens: 6 });
    assert.equal(a.text, 'f(a))))');
    assert.equal(b.text, a.text);
    assert.equal(c.text, a.text);
  });

  it('closerIds lists the tokens made only of closers, semicolons, quotes and blanks', () => {
    assert.deepEqual(closerIds(vocab.length, tokenText), [4, 5, 7, 10]);
  });

  it('is validated in the sidecar protocol and on the command line', () => {
    for (const ok of [true, false, undefined]) assert.equal(checkGenerate({ context: 'x', maxNewTokens: 4, syntaxGuard: ok }).ok, true);
    for (const bad of ['on', 1, null])
      assert.match((checkGenerate({ context: 'x', maxNewTokens: 4, syntaxGuard: bad }) as { error: string }).error, /syntaxGuard/);
    assert.equal(syntaxGuardArg(undefined), undefined);
    assert.equal(syntaxGuardArg('on'), true);
    assert.equal(syntaxGuardArg('off'), false);
    for (const bad of ['yes', 'true', '1', '']) assert.throws(() => syntaxGuardArg(bad), /--syntax-guard/);
  });

  it("is on by default for the product (setting and `generate`), while `eval` stays the study's greedy", () => {
    assert.equal(DEFAULT_SETTINGS.syntaxGuard, true);
    assert.match(generateCommand.usage, /--syntax-guard on\|off\s+never emit a token that breaks the method's brackets[^]*\(default on/);
    assert.equal(decodingParams('study').syntaxGuard, false);
    assert.equal(decodingParams('product').syntaxGuard, true);
    assert.match(evalCommand.usage, /--decoding <d>\s+study \(default\)/);
  });
});
