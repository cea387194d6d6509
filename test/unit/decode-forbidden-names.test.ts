// Forbidden names (src/java/decoding/forbidden-names.ts) in the decode loop, token by token, as the Java
// decoding factory composes them (pure logic: scripted steppers over a toy vocabulary, no ONNX Runtime).
import { strict as assert } from 'node:assert';
import { decode, type Stepper } from '../../src/model/decode';
import { javaDecoding } from '../../src/generation/decoding';
import { ForbiddenNames } from '../../src/java/decoding/forbidden-names';
import { checkGenerate } from '../../src/sidecar/protocol';
import { scriptedStepper, vocabStream } from '../helpers/scripted-vocab';

//              0    1         2    3      4     5       6    7     8      9          10          11
const vocab = ['?', 'record', '.', 'rec', 'ord', 'size', '(', ');', 'EOS', 'records', '"record"', 'recordCount'];
const EOS = 8;
const tokenText = (id: number) => vocab[id];
const stream = vocabStream(vocab);

const scripted = (next: (last: number, n: number) => number[]): Stepper => scriptedStepper(vocab.length, next);

describe('forbidden names', () => {
  it('refuses a token that writes the name out or ends it; other names, longer names and literals pass', () => {
    const f = new ForbiddenNames(['record', 'not a name'], { tokenText, eosId: EOS });
    assert.equal(f.accepts(1), false, '`record` written out');
    assert.equal(f.accepts(9), true, '`records` is another name');
    assert.equal(f.accepts(11), true, '`recordCount` is another name');
    assert.equal(f.accepts(10), true, 'in a string literal');
    assert.equal(f.accepts(3), true, '`rec` is not the name yet');
    f.observe(3);
    assert.equal(f.accepts(4), false, '`rec` + `ord`');
    assert.equal(f.accepts(EOS), true);
    const g = new ForbiddenNames(['size'], { tokenText, eosId: EOS });
    g.observe(1); // record
    g.observe(2); // .
    assert.equal(g.accepts(5), false);
    assert.equal(g.accepts(6), true);
  });

  it('in the loop the model\'s next best is taken: `records.size();` instead of `record.size();`', async () => {
    const model = scripted((last, n) => (n === 0 ? [1, 9] : last === 1 || last === 9 ? [2] : last === 2 ? [5] : last === 5 ? [6] : [7]));
    const plan = (names?: string[]) => javaDecoding({ maxNewTokens: 6, stopWhenBalanced: false, ...(names ? { forbiddenNames: names } : {}) }, { tokenText, eosId: EOS });
    assert.equal((await decode(model, [0], stream, { maxNewTokens: 5, ...plan() })).text, 'record.size();');
    assert.equal((await decode(model, [0], stream, { maxNewTokens: 5, ...plan(['record']) })).text, 'records.size();');
    assert.deepEqual(plan(['record']).processors.map((p) => p.constructor.name), ['ForbiddenNames']);
    assert.deepEqual(plan([]).processors, []);
  });

  it('is validated in the sidecar protocol: an array of Java identifiers', () => {
    assert.equal(checkGenerate({ context: 'x', maxNewTokens: 4, forbiddenNames: ['record', 'getTotal'] }).ok, true);
    for (const bad of ['record', ['a.b'], [1], Array(65).fill('a')]) {
      const r = checkGenerate({ context: 'x', maxNewTokens: 4, forbiddenNames: bad });
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, /forbiddenNames/);
    }
  });
});
