// Decoding as composable pieces: each logits processor and stopping criterion alone, the decode loop's
// generic retry policy, the Java factory's composition from plain options, and the layering (src/model
// knows no language: it imports neither src/java nor the factory). Pure logic, no ONNX Runtime.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decode, type Stepper, type TextStream } from '../../src/model/decode';
import { LoopGuard, LOOP_MAX_TRIES } from '../../src/model/decoding/loop-guard';
import type { DecodingVocabulary, LogitsProcessor } from '../../src/model/decoding/processor';
import { RepetitionPenalty } from '../../src/model/decoding/repetition-penalty';
import { javaDecoding } from '../../src/generation/decoding';
import { BraceStop } from '../../src/java/decoding/brace-stop';
import { SyntaxGuard, SYNTAX_MAX_TRIES } from '../../src/java/decoding/syntax-guard';
import { WrapUp, WRAP_UP_SLACK } from '../../src/java/decoding/wrap-up';

//              0    1    2    3    4    5    6     7
const vocab = ['?', 'f(', 'a', ')', ';', '}', 'EOS', ' '];
const EOS = 6;
const vocabulary: DecodingVocabulary = { tokenText: (id) => vocab[id], eosId: EOS };
const stream: TextStream = { push: (id) => (typeof id === 'number' ? vocab[id] : id.map((i) => vocab[i]).join('')), flush: () => '' };

/** A stepper that returns the same ranking every step: `order[0]` best; unlisted ids get -10. */
function ranked(order: number[]): Stepper {
  return {
    room: 1000,
    reset() {},
    async step() {
      const l = new Float32Array(vocab.length).fill(-10);
      order.forEach((id, rank) => (l[id] = 10 - rank));
      return l;
    },
  };
}

describe('logits processors and stopping criteria, alone', () => {
  it('RepetitionPenalty: the same array until a token is produced, then a penalised copy', () => {
    const p = new RepetitionPenalty(2);
    const l = Float32Array.from([4, -4, 1]);
    assert.equal(p.transform(l), l);
    p.observe(0);
    p.observe(1);
    const out = p.transform(l);
    assert.notEqual(out, l);
    assert.deepEqual([...out], [2, -8, 1]);
    assert.deepEqual([...l], [4, -4, 1], 'the input is untouched');
  });

  it('LoopGuard: refuses the token that completes n copies, and lets the last candidate through when all are refused', () => {
    const g = new LoopGuard(3);
    assert.equal(g.accepts(2, [2, 2]), false);
    assert.equal(g.accepts(3, [2, 2]), true);
    assert.deepEqual(g.retry, { maxTries: LOOP_MAX_TRIES, exhausted: 'last-tried' });
  });

  it('SyntaxGuard: refuses a closer that does not match and EOS while open; follows the tokens produced', () => {
    const g = new SyntaxGuard(vocabulary);
    assert.equal(g.accepts(3), false, '`)` with only `{` open');
    assert.equal(g.accepts(EOS), false, 'EOS while the method is open');
    g.observe(1);
    assert.equal(g.brackets.open, '{(');
    assert.equal(g.accepts(3), true);
    for (const id of [2, 3, 4, 5]) g.observe(id);
    assert.equal(g.brackets.open, '');
    assert.equal(g.accepts(EOS), true);
    assert.deepEqual(g.retry, { maxTries: SYNTAX_MAX_TRIES, exhausted: 'model-choice' });
  });

  it('WrapUp: nothing before the zone; in it, the best closing token every processor accepts', () => {
    const g = new SyntaxGuard(vocabulary);
    g.observe(1); // `{(` open: distance 2
    const w = new WrapUp(g, vocabulary);
    const l = Float32Array.from([0, 5, 9, 1, 3, 2, 0, 8]); // `a` best; of the closers `;` (3) before `}` (2) before `)` (1)
    const all = () => true;
    assert.equal(w.prefer(l, [1], 2 + WRAP_UP_SLACK + 1, all), undefined);
    // `;` inside `(` and `}` with `(` open are refused by the guard itself: `)` is the one that fits
    assert.equal(w.prefer(l, [1], 2 + WRAP_UP_SLACK, all), 3);
    assert.equal(w.prefer(l, [1], 1, (id) => id !== 3), undefined, 'a closer another processor refuses is not taken');
  });

  it('BraceStop: ends generation inside the piece that closes the method and says how much of it to keep', () => {
    const b = new BraceStop(1);
    assert.equal(b.onText('x("}");'), undefined, 'a brace in a literal does not count');
    assert.equal(b.onText(' if (a) { b(); }'), undefined);
    assert.equal(b.onText('\n}\n@Test'), 2);
    assert.equal(b.reason, 'balanced');
  });
});

describe('the decode loop over processors', () => {
  const refuseAll = (retry: LogitsProcessor['retry']): LogitsProcessor => ({ accepts: () => false, retry });

  it('tries the next best up to the largest budget, then keeps the model choice or the last tried as asked', async () => {
    const model = ranked([2, 4, 7, 0, 1]);
    const one = async (processors: LogitsProcessor[]) => (await decode(model, [0], stream, { maxNewTokens: 1, processors })).ids[0];
    assert.equal(await one([refuseAll({ maxTries: 2, exhausted: 'last-tried' })]), 7, 'a, ; refused: the third candidate stands');
    assert.equal(await one([refuseAll({ maxTries: 2, exhausted: 'model-choice' })]), 2);
    assert.equal(await one([refuseAll({ maxTries: 1, exhausted: 'last-tried' }), refuseAll({ maxTries: 3, exhausted: 'last-tried' })]), 0, 'the larger budget wins');
    assert.equal(await one([{ accepts: (id) => id !== 2, retry: { maxTries: 4, exhausted: 'model-choice' } }]), 4, 'the next best that is accepted');
  });

  it('takes a preferred token over the ordinary choice, and stops where a criterion cuts the text', async () => {
    const prefer: LogitsProcessor = { prefer: (_l, generated) => (generated.length === 1 ? 5 : undefined) };
    const r = await decode(ranked([2]), [0], stream, { maxNewTokens: 5, processors: [prefer], stoppingCriteria: [new BraceStop(1)] });
    assert.equal(r.text, 'a}');
    assert.equal(r.stopReason, 'balanced');
    const plain = await decode(ranked([2]), [0], stream, { maxNewTokens: 5 });
    assert.equal(plain.text, 'aaaaa');
    assert.equal(plain.stopReason, 'max_tokens');
  });
});

describe('the Java decoding factory', () => {
  const names = (o: Parameters<typeof javaDecoding>[0]) => {
    const plan = javaDecoding(o, vocabulary);
    return [plan.processors.map((p) => p.constructor.name), plan.stoppingCriteria.map((c) => c.constructor.name)];
  };

  it('composes the processors the options ask for, in order, and the brace stop unless it is turned off', () => {
    assert.deepEqual(names({ maxNewTokens: 8 }), [[], ['BraceStop']]);
    assert.deepEqual(names({ maxNewTokens: 8, repetitionPenalty: 1, loopGuard: 1, syntaxGuard: false, stopWhenBalanced: false }), [[], []]);
    assert.deepEqual(names({ maxNewTokens: 8, repetitionPenalty: 1.2, loopGuard: 3, syntaxGuard: true }), [['RepetitionPenalty', 'LoopGuard', 'SyntaxGuard', 'WrapUp'], ['BraceStop']]);
  });

  it('builds fresh pieces for every generation (they keep per-generation state)', () => {
    const a = javaDecoding({ maxNewTokens: 8, syntaxGuard: true }, vocabulary);
    const b = javaDecoding({ maxNewTokens: 8, syntaxGuard: true }, vocabulary);
    assert.notEqual(a.processors[0], b.processors[0]);
    assert.notEqual(a.stoppingCriteria[0], b.stoppingCriteria[0]);
  });

  it('reads a fractional loop guard as its whole part, as the closure did', () => {
    const g = javaDecoding({ maxNewTokens: 8, loopGuard: 3.7 }, vocabulary).processors[0] as LoopGuard;
    assert.equal(g.accepts(2, [2, 2]), false);
    assert.equal(g.accepts(2, [2]), true);
  });
});

describe('layering', () => {
  it('src/model imports neither src/java nor the decoding factory (it knows no language)', () => {
    const root = path.join(__dirname, '../../src/model');
    const offending: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts'))
          for (const m of fs.readFileSync(p, 'utf8').matchAll(/from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
            const spec = m[1] ?? m[2];
            const target = spec.startsWith('.') ? path.resolve(path.dirname(p), spec) : spec;
            if (!target.startsWith(root + path.sep) && target.includes(`${path.sep}src${path.sep}`)) {
              const rel = path.relative(path.join(root, '..'), target);
              if (rel.startsWith('java') || rel.startsWith('generation')) offending.push(`${path.relative(root, p)} → ${spec}`);
            }
          }
      }
    };
    walk(root);
    assert.deepEqual(offending, []);
  });
});
