import { strict as assert } from 'node:assert';
import { javaParser } from '../../../src/java/parser';
import { corpusBleu, modifiedPrecision } from '../../../src/eval/codebleu/bleu';
import { corpusWeightedNgramMatch } from '../../../src/eval/codebleu/weighted-ngram';
import { removeComments } from '../../../src/eval/codebleu/comments';
import { analyseSnippet } from '../../../src/eval/codebleu/snippet';
import { syntaxCounts } from '../../../src/eval/codebleu/syntax-match';
import { dataflowCounts } from '../../../src/eval/codebleu/dataflow-match';
import { codeBleu } from '../../../src/eval/codebleu/codebleu';
import { sexpSpans } from '../../../src/eval/codebleu/tree';
import { tokenize } from '../../../src/eval/codebleu/ngrams';

const w = (s: string) => s.split(' ');
// NLTK's documented corpus_bleu example (the codebleu package vendors this code).
const hyp1 = w('It is a guide to action which ensures that the military always obeys the commands of the party');
const ref1a = w('It is a guide to action that ensures that the military will forever heed Party commands');
const ref1b = w('It is the guiding principle which guarantees the military forces always being under the command of the Party');
const ref1c = w('It is the practical guide for the army always to heed the directions of the party');
const hyp2 = w('he read the book because he was interested in world history');
const ref2a = w('he was interested in world history because he read the book');

describe('CodeBLEU components', () => {
  it('BLEU reproduces NLTK corpus and sentence values', () => {
    assert.equal(corpusBleu([[ref1a, ref1b, ref1c], [ref2a]], [hyp1, hyp2]).toFixed(4), '0.5921');
    assert.equal(corpusBleu([[ref1a, ref1b, ref1c]], [hyp1]).toFixed(4), '0.5046');
    assert.deepEqual(modifiedPrecision([w('the cat is on the mat'), w('there is a cat on the mat')], w('the the the the the the the'), 1), [2, 7]);
  });

  it('BLEU smooths zero higher-order matches with epsilon 0.1 and applies the brevity penalty', () => {
    // hyp "a b" vs ref "a b c": p1 = 2/2, p2 = 1/1, p3 = 0.1/1, p4 = 0.1/1, bp = exp(1 - 3/2)
    const expected = Math.exp(1 - 3 / 2) * Math.pow(1 * 1 * 0.1 * 0.1, 0.25);
    assert.ok(Math.abs(corpusBleu([[w('a b c')]], [w('a b')]) - expected) < 1e-12);
    assert.equal(corpusBleu([[w('a b c')]], [w('x y')]), 0);
  });

  it('weighted n-gram match is a keyword-weighted recall with the package quirks', () => {
    // n=1: clipped 0.2+0.2 over max(1, 0.6) = 0.4; n=2: 1/2; n=3, n=4: 0.1/1; bp 1 (len 3 > 2)
    const expected = Math.pow(0.4 * 0.5 * 0.1 * 0.1, 0.25);
    assert.ok(Math.abs(corpusWeightedNgramMatch([[w('a b c')]], [w('a b d')]) - expected) < 1e-12);
    // a keyword weighs 1: ref "return x ;" hyp "return y ;" → n=1 (1+0.2)/(1+0.2+0.2)
    const kw = corpusWeightedNgramMatch([[w('return x ;')]], [w('return y ;')]);
    assert.ok(Math.abs(kw - Math.pow((1.2 / 1.4) * (0.1 / 2) * (0.1 / 1) * (0.1 / 1), 0.25)) < 1e-12);
  });

  it('chars tokenizer splits code points, whitespace tokenizer splits like str.split()', () => {
    assert.deepEqual(tokenize('a😀b', 'chars'), ['a', '😀', 'b']);
    assert.deepEqual(tokenize('  int  x =\n1; ', 'whitespace'), ['int', 'x', '=', '1;']);
  });

  it('comment removal keeps literals, turns comments into a space and drops blank lines', () => {
    assert.equal(removeComments('a = "// no"; // yes\n\n/* c\n */ b = \'/\';'), 'a = "// no";  \n  b = \'/\';');
  });

  it('syntax match counts reference subtrees found anywhere in the candidate', async () => {
    const p = await javaParser();
    const ref = analyseSnippet(p, 'int x = 1;');
    assert.equal(ref.sexps.length, 4); // program, local_variable_declaration, integral_type, variable_declarator
    assert.deepEqual(syntaxCounts(ref.sexps, analyseSnippet(p, 'int y = 2; foo();').sexps), { matched: 3, total: 4 });
    assert.deepEqual(syntaxCounts(ref.sexps, analyseSnippet(p, 'int a = 7;').sexps), { matched: 4, total: 4 });
  });

  it('S-expression spans survive MISSING and UNEXPECTED nodes', () => {
    const t = '(program (ERROR (UNEXPECTED \'(\')) (expression_statement (MISSING ")")) (x (MISSING identifier)))';
    const spans = sexpSpans(t)!;
    assert.deepEqual(spans.map(([a, b]) => t.slice(a, b + 1)), [
      t,
      "(ERROR (UNEXPECTED '('))",
      "(UNEXPECTED '(')",
      '(expression_statement (MISSING ")"))',
      '(MISSING ")")',
      '(x (MISSING identifier))',
      '(MISSING identifier)',
    ]);
  });

  it('dataflow match normalizes variable names and consumes matched edges', async () => {
    const p = await javaParser();
    const ref = analyseSnippet(p, 'int a = b; int c = a;').dataflow;
    assert.deepEqual(ref, ['var_1|comesFrom|var_0', 'var_0|comesFrom|', 'var_2|comesFrom|var_1', 'var_1|comesFrom|var_1']);
    assert.deepEqual(dataflowCounts(ref, analyseSnippet(p, 'int x = y; int z = x;').dataflow), { matched: 4, total: 4 });
    assert.deepEqual(dataflowCounts(ref, analyseSnippet(p, 'int x = y;').dataflow), { matched: 2, total: 4 });
  });

  it('CodeBLEU combines the four parts and counts a zero dataflow score as 1', async () => {
    const p = await javaParser();
    const same = codeBleu(p, ['int a = b; int c = a;'], ['int a = b; int c = a;'], { tokenizer: 'whitespace' });
    assert.equal(same.codebleu.toFixed(6), '1.000000');
    const noFlow = codeBleu(p, ['foo();'], ['bar();'], { tokenizer: 'chars' });
    assert.equal(noFlow.dataflow_match, 0);
    const parts = 0.25 * noFlow.bleu + 0.25 * noFlow.weighted_ngram + 0.25 * noFlow.syntax_match + 0.25;
    assert.ok(Math.abs(noFlow.codebleu - parts) < 1e-12);
    assert.throws(() => codeBleu(p, ['a'], [], {}), /1 references but 0 predictions/);
  });
});

describe('Java data-flow graph (hand-computed)', () => {
  it('if/else: both branch definitions and (via the else keyword) the one before reach a later use', async () => {
    const p = await javaParser();
    const df = analyseSnippet(p, 'int x = 0; if (c) { x = 1; } else { x = 2; } int y = x;').dataflow;
    assert.deepEqual(df, [
      'var_1|comesFrom|var_0', // x = 0
      'var_0|comesFrom|', // 0
      'var_1|computedFrom|var_2', // x = 1
      'var_2|comesFrom|',
      'var_1|computedFrom|var_3', // x = 2
      'var_3|comesFrom|',
      'var_4|comesFrom|var_1', // y = x
      'var_1|comesFrom|var_1', // x (the use) comes from x's definitions
    ]);
  });

  it('loops are walked twice and an update expression is computed from itself', async () => {
    const p = await javaParser();
    // s = var_1, 0 = var_0, i = var_2, n = var_3; `i++` → var_2 computedFrom var_2; `s += i` → var_1 computedFrom var_2
    assert.deepEqual(analyseSnippet(p, 'int s = 0; for (int i = 0; i < n; i++) { s += i; }').dataflow, [
      'var_1|comesFrom|var_0',
      'var_0|comesFrom|',
      'var_2|comesFrom|var_0',
      'var_0|comesFrom|',
      'var_2|comesFrom|var_2',
      'var_3|comesFrom|var_3',
      'var_2|computedFrom|var_2',
      'var_1|computedFrom|var_2',
      'var_2|comesFrom|var_2',
    ]);
    // `a = a * 2` inside while: its two computedFrom edges merge into one with parents [a, 2]
    assert.deepEqual(analyseSnippet(p, 'int a = 1; while (a < 9) { a = a * 2; }').dataflow, [
      'var_1|comesFrom|var_0',
      'var_0|comesFrom|',
      'var_1|comesFrom|var_1',
      'var_1|computedFrom|var_1,var_2',
      'var_1|comesFrom|var_1',
      'var_2|comesFrom|',
    ]);
  });
});
