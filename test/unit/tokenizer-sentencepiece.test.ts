// SentencePiece-style BPE tokenizer.json files (Llama-2/CodeLlama: Prepend + Replace normalizers and
// byte_fallback; Mistral: Metaspace prepending on the first piece only; Metaspace splitting with NFC and
// fused <unk>), written by scripts/interop/make_tokenizers.py, against Hugging Face's own tokenizers (the
// npm binding of the Rust core): the same ids on every Java file of this repository and on hostile text
// (added tokens mid-text, runs of spaces, accents, emoji, CJK), and the same decoded text.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '../../src/model/tokenizer';

interface HfTokenizer {
  encode(s: string, pair: null, opts: { addSpecialTokens: boolean }): Promise<{ getIds(): number[] }>;
  decode(ids: number[], skipSpecial: boolean): Promise<string>;
  getVocabSize(withAdded: boolean): number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hf = require('tokenizers') as { Tokenizer: { fromString(s: string): HfTokenizer } };

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/interop-tokenizers');

function javaFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.java')) out.push(fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  walk(path.join(ROOT, 'test/fixtures'));
  walk(path.join(ROOT, 'examples'));
  return out;
}

const HOSTILE = [
  '',
  ' ',
  '   leading spaces',
  'trailing  ',
  'Ünïcödé 😀👩‍👩‍👧 日本語\r\n\t\tx = 0x1F; // ✓ e\u0301',
  '<s>starts with a special token',
  'mid<s>text</s> and <unk> tokens</s>',
  '<s> <s>  </s>',
  'a\u00a0b\u3000c',
];

describe('SentencePiece-style tokenizers against Hugging Face tokenizers', function () {
  this.timeout(60_000);
  const texts = [...javaFiles(), ...HOSTILE];

  it('the fixtures cover the three layouts', () => {
    assert.deepEqual(fs.readdirSync(FIXTURES).sort(), ['sp-legacy.json', 'sp-metaspace-first.json', 'sp-metaspace-split.json']);
    assert.ok(texts.length > 50, `${texts.length} texts`);
  });

  for (const file of ['sp-legacy.json', 'sp-metaspace-first.json', 'sp-metaspace-split.json'])
    it(`${file}: the same ids and decoded text on every Java file and hostile text`, async () => {
      const src = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const ours = Tokenizer.fromJSON(JSON.parse(src));
      const theirs = hf.Tokenizer.fromString(src);
      assert.equal(ours.vocabSize, theirs.getVocabSize(true));
      let fallbacks = 0;
      for (const t of texts) {
        const ref = (await theirs.encode(t, null, { addSpecialTokens: false })).getIds();
        const ids = ours.encode(t);
        if (JSON.stringify(ids) !== JSON.stringify(ref)) {
          const at = ids.findIndex((id, i) => id !== ref[i]);
          assert.fail(`ids differ at ${at}: ours ${JSON.stringify(ids.slice(Math.max(0, at - 3), at + 3))} vs HF ${JSON.stringify(ref.slice(Math.max(0, at - 3), at + 3))} in ${JSON.stringify(t.slice(0, 60))}`);
        }
        fallbacks += ref.filter((id) => id < 259 && id > 2).length;
        assert.equal(ours.decode(ref), await theirs.decode(ref, false), `decode of ${JSON.stringify(t.slice(0, 60))}`);
        assert.equal(ours.decode(ref, { skipSpecialTokens: true }), await theirs.decode(ref, true));
      }
      if (file !== 'sp-metaspace-split.json') assert.ok(fallbacks > 0, 'some characters take the byte fallback');
    });
});
