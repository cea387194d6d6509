import { strict as assert } from 'node:assert';
import { byteLevelAlphabet, toByteLevel } from '../../src/model/bytelevel';
import { WordCounter, trainBpe, trainBpeFromCounts, truncateBpe } from '../../src/model/bpe-train';
import { Tokenizer } from '../../src/model/tokenizer';

/** Reference trainer: recounts every pair after every merge (slow, obviously right). */
function naiveMerges(counts: Map<string, number>, specials: string[], nMerges: number, minFreq: number): string[] {
  const alphabet = [...specials, ...byteLevelAlphabet()];
  const ids = new Map(alphabet.map((t, i) => [t, i]));
  const tokens = [...alphabet];
  const words = [...counts].map(([w, n]) => ({ s: [...toByteLevel(w)].map((c) => ids.get(c)!), n }));
  const merges: string[] = [];
  while (merges.length < nMerges) {
    const pc = new Map<number, number>();
    for (const { s, n } of words) for (let i = 0; i + 1 < s.length; i++) pc.set(s[i] * 2 ** 21 + s[i + 1], (pc.get(s[i] * 2 ** 21 + s[i + 1]) ?? 0) + n);
    let best = -1;
    let bestN = 0;
    for (const [k, n] of pc) if (n > bestN || (n === bestN && k < best)) [best, bestN] = [k, n];
    if (best < 0 || bestN < minFreq) break;
    const a = Math.floor(best / 2 ** 21);
    const b = best - a * 2 ** 21;
    const t = tokens[a] + tokens[b];
    let z = ids.get(t);
    if (z === undefined) {
      z = tokens.length;
      tokens.push(t);
      ids.set(t, z);
    }
    merges.push(`${tokens[a]} ${tokens[b]}`);
    for (const w of words) {
      const out: number[] = [];
      for (let i = 0; i < w.s.length; i++) {
        if (i + 1 < w.s.length && w.s[i] === a && w.s[i + 1] === b) {
          out.push(z);
          i++;
        } else out.push(w.s[i]);
      }
      w.s = out;
    }
  }
  return merges;
}

const JAVA = `public class Stack<T> {
    private final java.util.ArrayList<T> items = new java.util.ArrayList<>();
    public void push(T item) { items.add(item); }
    public T pop() { return items.remove(items.size() - 1); }
    public boolean isEmpty() { return items.isEmpty(); }
    // Größe: 大小 🙂
}
`;

describe('trainBpe', () => {
  it('learns the textbook merges in order (hug/pug/pun/bun/hugs)', () => {
    const texts = [
      ...Array(10).fill('hug'),
      ...Array(5).fill('pug'),
      ...Array(12).fill('pun'),
      ...Array(4).fill('bun'),
      ...Array(5).fill('hugs'),
    ];
    const json = trainBpe(texts, { vocabSize: 257 + 5, specialTokens: ['<|endoftext|>'] });
    assert.deepEqual(json.model.merges, ['u g', 'u n', 'h ug', 'p un', 'p ug']);
    const tok = Tokenizer.fromJSON(json);
    assert.deepEqual(tok.encode('hugs').map((i) => tok.idToToken(i)), ['hug', 's']);
  });

  it('lays out the vocabulary as specials, 256 bytes, then merges, and stops at vocabSize', () => {
    const json = trainBpe(Array(20).fill(JAVA), { vocabSize: 300, specialTokens: ['<|endoftext|>', '<pad>'] });
    const vocab = json.model.vocab;
    assert.equal(Object.keys(vocab).length, 300);
    assert.equal(vocab['<|endoftext|>'], 0);
    assert.equal(vocab['<pad>'], 1);
    assert.equal(vocab['!'], 2); // the byte alphabet sorted by code point starts at '!'
    assert.equal(json.model.merges.length, 300 - 2 - 256);
    assert.deepEqual(
      json.added_tokens.map((t) => [t.id, t.content, t.special]),
      [
        [0, '<|endoftext|>', true],
        [1, '<pad>', true],
      ],
    );
    const tok = Tokenizer.fromJSON(json);
    assert.equal(tok.eosId, 0);
    assert.equal(tok.padId, 1);
    assert.equal(tok.decode(tok.encode(JAVA)), JAVA);
  });

  it('stops early when no pair reaches minFrequency', () => {
    const json = trainBpe(['abcabc', 'xy'], { vocabSize: 1000, minFrequency: 2 });
    // "abcabc" is one pre-token: a b, b c and (after merging) ab c occur twice; nothing else does.
    assert.ok(json.model.merges.length >= 1 && json.model.merges.length <= 4, String(json.model.merges));
    assert.ok(Object.keys(json.model.vocab).length < 1000);
  });

  it('gives the same merges as a naive recount-everything trainer', () => {
    const counter = new WordCounter();
    for (let i = 0; i < 5; i++) counter.add(JAVA.replace(/T/g, String.fromCharCode(65 + i)));
    counter.add('aaaaaaa aaaa aaa "=====" ');
    const fast = trainBpeFromCounts(counter.counts, { vocabSize: 257 + 120, minFrequency: 2 }).model.merges;
    const slow = naiveMerges(counter.counts, ['<|endoftext|>'], 120, 2);
    assert.deepEqual(fast, slow);
  });

  it('truncates a large vocabulary to exactly what a smaller training run gives', () => {
    const counter = new WordCounter();
    counter.add(JAVA.repeat(3) + JAVA.toLowerCase());
    const big = trainBpeFromCounts(counter.counts, { vocabSize: 400, minFrequency: 2 });
    const small = trainBpeFromCounts(counter.counts, { vocabSize: 300, minFrequency: 2 });
    assert.deepEqual(truncateBpe(big, 300), small);
    const tok = Tokenizer.fromJSON(truncateBpe(big, 300));
    assert.equal(tok.vocabSize, 300);
    assert.equal(tok.decode(tok.encode(JAVA)), JAVA);
  });

  it('writes the Hugging Face tokenizer.json layout', () => {
    const json = JSON.parse(JSON.stringify(trainBpe([JAVA], { vocabSize: 280 })));
    assert.equal(json.model.type, 'BPE');
    assert.equal(json.pre_tokenizer.type, 'ByteLevel');
    assert.equal(json.pre_tokenizer.add_prefix_space, false);
    assert.equal(json.decoder.type, 'ByteLevel');
    for (const m of json.model.merges) assert.match(m, /^\S+ \S+$/);
    for (const k of ['dropout', 'unk_token', 'continuing_subword_prefix', 'end_of_word_suffix']) assert.equal(json.model[k], null);
  });

  it('rejects a vocabulary smaller than the alphabet', () => {
    assert.throws(() => trainBpe(['x'], { vocabSize: 100 }), /vocabSize must be an integer ≥ 257/);
  });
});
