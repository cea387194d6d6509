// `testtune model check <dir> [--ids …] [--json]`: what a Hugging Face folder is, or exactly why it
// cannot be used; with --ids, the logits of every position (equal to transformers' on the fixtures),
// also without tokenizer.json.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { maxDiff } from './helpers/ort-logits';

const ROOT = path.join(__dirname, '..', 'fixtures', 'interop');

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    return { code: await main(argv), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('testtune model check', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-check-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--ids --json prints transformers\' logits of every position for a folder without tokenizer.json (sharded BF16)', async () => {
    const dir = path.join(ROOT, 'llama-bf16-sharded');
    const e = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { ids: number[] };
    const { code, out } = await capture(['model', 'check', dir, '--ids', e.ids.join(','), '--json']);
    assert.equal(code, 0);
    const r = JSON.parse(out) as { family: string; dtypes: Record<string, number>; runnable: boolean; usable: boolean; files: string[]; logits: number[][] };
    assert.deepEqual([r.family, r.runnable, r.usable, r.files.length, Object.keys(r.dtypes)], ['llama', true, false, 3, ['BF16']]);
    const buf = fs.readFileSync(path.join(dir, 'logits.bin'));
    const ref = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    assert.equal(r.logits.length, e.ids.length);
    assert.ok(maxDiff(r.logits.flat(), ref) <= 1e-4);
  });

  it('describes a usable folder (family, parameters, context, tokenizer, memory) and exits 0', async () => {
    const dir = path.join(tmp, 'usable');
    fs.mkdirSync(dir);
    assert.equal(await main(['model', 'init', '--preset', 'tiny', '--out', dir, '--corpus', path.join(tmp, 'none')]), 0);
    const { code, out } = await capture(['model', 'check', dir]);
    assert.equal(code, 0, out);
    assert.match(out, /usable\n {2}family: llama, 2 layers x 64 hidden, [\d,]+ parameters/);
    assert.match(out, /context length: 2048 tokens/);
    assert.match(out, /tokenizer: 257 ids/);
    assert.match(out, /memory: weights [\d.]+ MiB \(f32; about [\d.]+ MiB with quantization int4\) \+ KV cache/);
  });

  it('says exactly why a folder cannot be used, and exits 1', async () => {
    const dir = path.join(tmp, 'bad');
    fs.mkdirSync(dir);
    const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'llama', 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, rope_parameters: { rope_type: 'longrope', factor: 2 } }));
    let r = await capture(['model', 'check', dir, '--json']);
    assert.equal(r.code, 1);
    assert.match(JSON.parse(r.out).problems.join('\n'), /rope type "longrope" is not implemented/);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
    fs.writeFileSync(path.join(dir, 'pytorch_model.bin'), 'x');
    r = await capture(['model', 'check', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, /pytorch_model\.bin is a PyTorch pickle.*Convert it once/);
  });
});
