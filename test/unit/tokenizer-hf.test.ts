// Cross-check against Hugging Face's own tokenizers library (the Rust core behind Python's
// `tokenizers`, through its Node binding): it must load what trainBpe writes and give the same ids;
// and our loader must agree with it on tokenizer.json variants (array merges, Split+Digits sequences).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trainBpe } from '../../src/model/bpe-train';
import { GPT2_PATTERN } from '../../src/model/pretokenize';
import { Tokenizer } from '../../src/model/tokenizer';

interface HfEncoding {
  getIds(): number[];
}
interface HfTokenizer {
  encode(s: string, pair: null, opts: { addSpecialTokens: boolean }): Promise<HfEncoding>;
  decode(ids: number[], skipSpecial: boolean): Promise<string>;
  getVocabSize(withAdded: boolean): number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hf = require('tokenizers') as { Tokenizer: { fromString(s: string): HfTokenizer } };

const ROOT = path.resolve(__dirname, '../..');

function sources(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if ((e.name.endsWith('.java') || e.name.endsWith('.ts')) && out.length < 80) out.push(fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  for (const f of ['tokenizer.ts', 'bpe-train.ts', 'pretokenize.ts', 'bytelevel.ts']) out.push(fs.readFileSync(path.join(ROOT, 'src/model', f), 'utf8'));
  walk(path.join(ROOT, 'test/fixtures'));
  walk(path.join(ROOT, 'examples'));
  return out;
}

const EXTRA = [
  'Ünïcödé 😀👩‍👩‍👧 日本語\r\n\t\tx = 0x1F; // ✓',
  "it's they'll 12345 3.14 \u00a0nbsp\u3000ideographic",
  ' '.repeat(40) + 'deep();\n' + '\t'.repeat(9) + '}',
];

async function assertSameIds(ours: Tokenizer, theirs: HfTokenizer, texts: string[]): Promise<void> {
  for (const t of texts) {
    const ref = (await theirs.encode(t, null, { addSpecialTokens: false })).getIds();
    const ids = ours.encode(t);
    if (JSON.stringify(ids) !== JSON.stringify(ref)) {
      const at = ids.findIndex((id, i) => id !== ref[i]);
      const near = (xs: number[]) => JSON.stringify(ours.decode(xs.slice(Math.max(0, at - 3), at + 3)));
      assert.fail(`ids differ at ${at}: ours ${near(ids)} vs HF ${near(ref)} in text starting ${JSON.stringify(t.slice(0, 60))}`);
    }
    assert.equal(ours.decode(ref), await theirs.decode(ref, false));
  }
}

describe('Hugging Face tokenizers cross-check', function () {
  this.timeout(60_000); // a few seconds of work; the shared CPUs can make it slower
  const corpus = sources();
  const json = trainBpe(corpus, { vocabSize: 1200, specialTokens: ['<|endoftext|>', '<pad>'] });

  it('loads the tokenizer.json trainBpe writes, with the same vocabulary and ids', async () => {
    const theirs = hf.Tokenizer.fromString(JSON.stringify(json));
    const ours = Tokenizer.fromJSON(json);
    assert.equal(theirs.getVocabSize(true), ours.vocabSize);
    await assertSameIds(ours, theirs, [...corpus.slice(0, 20), ...EXTRA, 'a<|endoftext|>b<pad>']);
  });

  it('agrees on the ["a", "b"] merge form and on a Split + Digits + ByteLevel sequence', async () => {
    const variant = JSON.parse(JSON.stringify(json));
    variant.model.merges = json.model.merges.map((m) => m.split(' '));
    variant.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Digits', individual_digits: true },
        { type: 'Split', pattern: { Regex: GPT2_PATTERN }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    };
    await assertSameIds(Tokenizer.fromJSON(variant), hf.Tokenizer.fromString(JSON.stringify(variant)), [...corpus.slice(0, 10), ...EXTRA]);
  });

  it('agrees on a Llama-3-style Oniguruma pattern ((?i:…), \\p{N}{1,3}, [\\r\\n]) + ByteLevel', async () => {
    const variant = JSON.parse(JSON.stringify(json));
    const llama3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    variant.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: llama3 }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    };
    const texts = [...corpus.slice(0, 8), ...EXTRA, "IT'S WE'LL 1234567 x\r\n\r\n  y"];
    await assertSameIds(Tokenizer.fromJSON(variant), hf.Tokenizer.fromString(JSON.stringify(variant)), texts);
  });

  it('agrees with add_prefix_space and with a Split behaviour other than Isolated', async () => {
    const variant = JSON.parse(JSON.stringify(json));
    variant.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { String: '\n' }, behavior: 'MergedWithPrevious', invert: false },
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      ],
    };
    await assertSameIds(Tokenizer.fromJSON(variant), hf.Tokenizer.fromString(JSON.stringify(variant)), [...corpus.slice(0, 5), 'x\ny\n\nz']);
  });
});
