import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BYTE_TO_CHAR, byteLevelAlphabet } from '../../src/model/bytelevel';
import { trainBpe } from '../../src/model/bpe-train';
import { GPT2_PATTERN, compileOnig, onigToJs, splitWith } from '../../src/model/pretokenize';
import { StreamDecoder } from '../../src/model/stream-decoder';
import { Tokenizer } from '../../src/model/tokenizer';

const ROOT = path.resolve(__dirname, '../..');

/** A tokenizer.json in GPT-2's layout: 256 byte characters, then merged tokens, then <|endoftext|>. */
function gpt2Style(merges: [string, string][], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  let n = 0;
  for (const c of byteLevelAlphabet()) vocab[c] = n++;
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = n++;
  vocab['<|endoftext|>'] = n;
  return {
    version: '1.0',
    added_tokens: [{ id: n, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
    ...extra,
  };
}

const HAND_MERGES: [string, string][] = [
  ['Ġ', 't'],
  ['h', 'e'],
  ['Ġt', 'he'],
  ['i', 'n'],
  ['Ġ', 'in'],
  ['t', 'in'],
  ['Ġ', 'Ġ'],
  ['ĠĠ', 'ĠĠ'],
  ['(', ')'],
  ['()', ';'],
];

function javaFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') javaFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.java')) out.push(p);
  }
  return out;
}

const JAVA_SAMPLE = `package org.example;

import java.util.*;

/** Ünïcödé in a comment: 日本語, emoji 🎉. */
public class Calculator {
\tprivate final Map<String, Integer> memo = new HashMap<>();

    public int add(int a, int b) {\r\n        return a + b; // CRLF line\r\n    }

    @Override
    public String toString() { return "Calculator{" + memo + "}\\n"; }
}
`;

describe('byte-level alphabet', () => {
  it('maps the 256 bytes to 256 distinct single characters, printable ASCII to itself', () => {
    assert.equal(new Set(BYTE_TO_CHAR).size, 256);
    assert.equal(BYTE_TO_CHAR[0x41], 'A');
    assert.equal(BYTE_TO_CHAR[0x20], 'Ġ');
    assert.equal(BYTE_TO_CHAR[0x0a], 'Ċ');
    assert.equal(BYTE_TO_CHAR[0x09], 'ĉ');
  });
});

describe('pre-tokenization (GPT-2 pattern)', () => {
  const re = compileOnig(GPT2_PATTERN);
  const split = (s: string) => splitWith(s, re, 'Isolated');
  it('splits like GPT-2: contractions, leading spaces, digit runs, punctuation runs, whitespace', () => {
    assert.deepEqual(split("Hello world's  test\n\n  x"), ['Hello', ' world', "'s", ' ', ' test', '\n\n ', ' x']);
    assert.deepEqual(split('foo(bar, 42);'), ['foo', '(', 'bar', ',', ' 42', ');']);
    assert.deepEqual(split('    return a + b;'), ['   ', ' return', ' a', ' +', ' b', ';']);
    assert.deepEqual(split('x\t\ty'), ['x', '\t', '\t', 'y']); // only a space joins a word
  });
  it('covers the whole input (no character is lost)', () => {
    const s = JAVA_SAMPLE + ' \u00a0\u3000end\u2028';
    assert.equal(split(s).join(''), s);
  });
  it('translates Oniguruma syntax: (?i:…), possessive quantifiers, \\s', () => {
    const re2 = new RegExp(onigToJs("(?i:'s|'t)|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s+(?!\\S)"), 'gu');
    assert.deepEqual(splitWith("IT'S 12345 ==\n", re2, 'Isolated'), ['IT', "'S", ' ', '123', '45', ' ==\n']);
  });
  it('implements the Split behaviours', () => {
    const re3 = /-/gu;
    assert.deepEqual(splitWith('a-b--c', re3, 'Removed'), ['a', 'b', 'c']);
    assert.deepEqual(splitWith('a-b--c', re3, 'Isolated'), ['a', '-', 'b', '-', '-', 'c']);
    assert.deepEqual(splitWith('a-b--c', re3, 'MergedWithPrevious'), ['a-', 'b-', '-', 'c']);
    assert.deepEqual(splitWith('a-b--c', re3, 'MergedWithNext'), ['a', '-b', '--c']);
    assert.deepEqual(splitWith('a-b--c', re3, 'Contiguous'), ['a', '-', 'b', '--', 'c']);
  });
});

describe('Tokenizer (hand-checked GPT-2-style vocabulary)', () => {
  const tok = Tokenizer.fromJSON(gpt2Style(HAND_MERGES));
  const toks = (s: string) => tok.encode(s).map((i) => tok.idToToken(i));

  it('applies merges by rank within pre-tokens', () => {
    assert.deepEqual(toks('the tin'), ['t', 'he', 'Ġt', 'in']);
    assert.deepEqual(toks(' the in'), ['Ġthe', 'Ġin']);
    assert.deepEqual(toks('f();'), ['f', '();']);
    assert.deepEqual(toks('        x'), ['ĠĠĠĠ', 'ĠĠ', 'Ġ', 'Ġ', 'x']);
  });
  it('knows its special tokens and sizes', () => {
    assert.equal(tok.vocabSize, 256 + 10 + 1);
    assert.equal(tok.eosId, tok.tokenToId('<|endoftext|>'));
    assert.equal(tok.padId, tok.eosId);
    assert.equal(tok.bosId, undefined);
    assert.equal(tok.idToToken(tok.eosId), '<|endoftext|>');
    assert.equal(tok.isSpecial(tok.eosId), true);
  });
  it('matches special tokens written in the text unless told not to', () => {
    const ids = tok.encode('a<|endoftext|>b');
    assert.deepEqual(ids, [tok.tokenToId('a'), tok.eosId, tok.tokenToId('b')]);
    assert.equal(tok.decode(ids), 'a<|endoftext|>b');
    assert.equal(tok.decode(ids, { skipSpecialTokens: true }), 'ab');
    const plain = tok.encode('a<|endoftext|>b', { allowSpecial: false });
    assert.ok(!plain.includes(tok.eosId));
    assert.equal(tok.decode(plain), 'a<|endoftext|>b');
  });
  it('accepts merges in the newer ["a", "b"] array form with the same result', () => {
    const json = gpt2Style(HAND_MERGES) as { model: { merges: unknown } };
    json.model.merges = HAND_MERGES.map(([a, b]) => [a, b]);
    const t2 = Tokenizer.fromJSON(json);
    assert.deepEqual(t2.encode(JAVA_SAMPLE), tok.encode(JAVA_SAMPLE));
  });
  it('handles a Sequence of Split regex + Digits + ByteLevel(use_regex false)', () => {
    const t2 = Tokenizer.fromJSON(
      gpt2Style(HAND_MERGES, {
        pre_tokenizer: {
          type: 'Sequence',
          pretokenizers: [
            { type: 'Split', pattern: { Regex: GPT2_PATTERN }, behavior: 'Isolated', invert: false },
            { type: 'Digits', individual_digits: true },
            { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
          ],
        },
      }),
    );
    assert.deepEqual(t2.encode(' the tin'), tok.encode(' the tin'));
    assert.deepEqual(t2.encode('x=123').map((i) => t2.idToToken(i)), ['x', '=', '1', '2', '3']);
    assert.equal(t2.decode(t2.encode(JAVA_SAMPLE)), JAVA_SAMPLE);
  });
  it('honours add_prefix_space', () => {
    const t2 = Tokenizer.fromJSON(gpt2Style(HAND_MERGES, { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true } }));
    assert.deepEqual(t2.encode('the').map((i) => t2.idToToken(i)), ['Ġthe']);
  });
});

describe('Tokenizer round trips', () => {
  const trained = Tokenizer.fromJSON(trainBpe([JAVA_SAMPLE, JAVA_SAMPLE.toUpperCase()], { vocabSize: 400, minFrequency: 1 }));
  const hand = Tokenizer.fromJSON(gpt2Style(HAND_MERGES));
  const cases: [string, string][] = [
    ['empty', ''],
    ['emoji and ZWJ sequences', 'x 😀👩‍👩‍👧 🇯🇵 ok'],
    ['CJK', '数据 日本語のテキスト 한국어'],
    ['CRLF and tabs', 'a\r\n\tb\r\n\r\n\t\t}\r\n'],
    ['odd whitespace', '\u00a0\u2028\u3000\ufeff \u0085x\v\f'],
    ['a long single pre-token', 'ab'.repeat(5000)],
    ['long whitespace runs', ' '.repeat(3000) + '\n'.repeat(100) + '\t'.repeat(77)],
    ['the Java sample', JAVA_SAMPLE],
  ];
  for (const [name, s] of cases) {
    it(`is lossless on ${name}`, () => {
      assert.equal(trained.decode(trained.encode(s)), s);
      assert.equal(hand.decode(hand.encode(s)), s);
    });
  }
  it('turns lone surrogates into U+FFFD (they have no UTF-8 form) and keeps the rest', () => {
    const s = 'a\ud800b\udc00c';
    assert.equal(trained.decode(trained.encode(s)), 'a\ufffdb\ufffdc');
  });
  it('is lossless on every Java file under test/fixtures and examples', () => {
    const files = [...javaFiles(path.join(ROOT, 'test/fixtures')), ...javaFiles(path.join(ROOT, 'examples'))];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      assert.equal(trained.decode(trained.encode(text)), text, f);
    }
  });
});

describe('StreamDecoder', () => {
  const tok = Tokenizer.fromJSON(gpt2Style([]));
  it('never splits a multi-byte character across deltas', () => {
    const s = 'é中😀 done';
    const ids = tok.encode(s); // one id per byte here
    const dec = new StreamDecoder(tok);
    const deltas = ids.map((id) => dec.push(id));
    deltas.push(dec.flush());
    assert.equal(deltas.join(''), s);
    for (const d of deltas) assert.ok(!d.includes('\ufffd'), JSON.stringify(deltas));
    assert.deepEqual(deltas.slice(0, 4), ['', 'é', '', '']);
    assert.equal(dec.emitted, s);
  });
  it('flushes an incomplete character as U+FFFD', () => {
    const dec = new StreamDecoder(tok);
    const ids = tok.encode('😀');
    assert.equal(dec.push(ids.slice(0, 2)), '');
    assert.equal(dec.flush(), '\ufffd');
  });
});

describe('Tokenizer loading errors', () => {
  it('rejects non-BPE models, non-byte-level pre-tokenizers and bad merges with clear messages', () => {
    assert.throws(() => Tokenizer.fromJSON({ model: { type: 'WordPiece', vocab: {} } }), /only BPE \(byte-level or SentencePiece-style\)/);
    // Metaspace is SentencePiece-style: with a byte-level decoder the mix is refused, not guessed
    assert.throws(
      () => Tokenizer.fromJSON(gpt2Style([], { pre_tokenizer: { type: 'Metaspace', replacement: '▁' } })),
      /unsupported decoder type 'ByteLevel' for a SentencePiece-style tokenizer/,
    );
    assert.throws(() => Tokenizer.fromJSON(gpt2Style([], { pre_tokenizer: { type: 'Whitespace' } })), /unsupported pre_tokenizer type 'Whitespace'/);
    assert.throws(() => Tokenizer.fromJSON(gpt2Style([], { pre_tokenizer: null })), /no ByteLevel step/);
    const bad = gpt2Style([]) as { model: { merges: unknown[] } };
    bad.model.merges = ['Ġ zz'];
    assert.throws(() => Tokenizer.fromJSON(bad), /merge 0 .* not in the vocab/);
    assert.throws(() => Tokenizer.fromJSON(gpt2Style([], { decoder: { type: 'WordPiece' } })), /unsupported decoder/);
    assert.throws(() => Tokenizer.fromJSON(42), /expected a JSON object/);
  });
  it('reports unreadable or invalid files by path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tok-'));
    const f = path.join(dir, 'tokenizer.json');
    fs.writeFileSync(f, '{ not json');
    assert.throws(() => Tokenizer.fromFile(f), /not valid JSON/);
    assert.throws(() => Tokenizer.fromFile(path.join(dir, 'missing.json')), /cannot read tokenizer/);
  });
  it('loads from a file and takes role names from a sibling tokenizer_config.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tok-'));
    const json = trainBpe(['hello world'], { vocabSize: 300, specialTokens: ['<pad>', '<s>', '</s>', '<eot>'], minFrequency: 1 });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
    const guessed = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
    assert.deepEqual([guessed.padId, guessed.bosId, guessed.eosId], [0, 1, 2]);
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '<eot>', bos_token: { content: '<s>' } }));
    const configured = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
    assert.equal(configured.eosId, 3);
    assert.equal(configured.bosId, 1);
  });
});
