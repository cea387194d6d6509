// Model files on disk: safetensors round trips and corruption, config.json validation, PEFT adapter
// save/load round trips and every kind of corrupt or mismatched adapter (a clear AdapterError).
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, AdapterError, loadAdapterDir } from '../../src/model/adapters';
import { parseModelConfig, toHfConfig } from '../../src/model/config';
import { family } from '../../src/model/family';
import { parseSafetensors, readSafetensors, serializeSafetensors, toBF16, toF32, writeSafetensors, SafetensorsError } from '../../src/model/safetensors';
import { makeTinyAdapter, tinyConfig } from './helpers/tiny-model';

function header(buf: Buffer): Record<string, unknown> {
  const n = Number(buf.readBigUInt64LE(0));
  return JSON.parse(buf.subarray(8, 8 + n).toString());
}

function withHeader(buf: Buffer, edit: (h: Record<string, any>) => void): Buffer {
  const n = Number(buf.readBigUInt64LE(0));
  const h = header(buf);
  edit(h);
  const hb = Buffer.from(JSON.stringify(h));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(hb.length));
  return Buffer.concat([len, hb, buf.subarray(8 + n)]);
}

describe('safetensors', () => {
  const a = Float32Array.from([1, -2.5, 3.25, 0, 1e-3, 65504]);
  const bytes = serializeSafetensors({ a: { dtype: 'F32', shape: [2, 3], data: a }, b: { dtype: 'BF16', shape: [2], data: toBF16(Float32Array.of(1.5, -3)) } }, { format: 'pt' });

  it('round-trips F32 and widens BF16/F16 to F32', () => {
    const { tensors, metadata } = parseSafetensors(bytes);
    assert.deepEqual(metadata, { format: 'pt' });
    assert.deepEqual(tensors.get('a')!.shape, [2, 3]);
    assert.deepEqual([...toF32(tensors.get('a')!)], [...a]);
    assert.deepEqual([...toF32(tensors.get('b')!)], [1.5, -3]);
    const f16 = { dtype: 'F16' as const, shape: [4], data: Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001) };
    assert.deepEqual([...toF32(f16)], [1, -2, 65504, 2 ** -24]);
    assert.equal((8 + Number(bytes.readBigUInt64LE(0))) % 8, 0, 'data section aligned to 8 bytes');
  });

  it('reads tensors at their own offsets from a file (not from the start of a shared buffer)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-st-'));
    const file = path.join(dir, 'x.safetensors');
    writeSafetensors(file, { a: { dtype: 'F32', shape: [6], data: a }, z: { dtype: 'F32', shape: [2], data: Float32Array.of(7, 8) } });
    const t = readSafetensors(file).tensors;
    assert.deepEqual([...(t.get('z')!.data as Float32Array)], [7, 8]);
    fs.rmSync(dir, { recursive: true });
  });

  it('reads a file whose data section is not aligned (copies instead of viewing)', () => {
    let pad = '';
    let b = withHeader(bytes, (h) => (h.__metadata__ = { format: 'pt', pad }));
    while ((8 + Number(b.readBigUInt64LE(0))) % 4 === 0) b = withHeader(bytes, (h) => (h.__metadata__ = { format: 'pt', pad: (pad += 'x') }));
    const { tensors } = parseSafetensors(Buffer.concat([Buffer.alloc(1), b]).subarray(1));
    assert.deepEqual([...toF32(tensors.get('a')!)], [...a]);
    assert.deepEqual([...toF32(tensors.get('b')!)], [1.5, -3]);
  });

  const corrupt: [string, Buffer, RegExp][] = [
    ['too short', bytes.subarray(0, 5), /too short/],
    ['header length beyond the file', (() => { const b = Buffer.from(bytes); b.writeBigUInt64LE(10n ** 9n, 0); return b; })(), /header length .* exceeds the file size/],
    ['header not JSON', (() => { const b = Buffer.from(bytes); b.write('#', 8); return b; })(), /header is not valid JSON/],
    ['truncated data', bytes.subarray(0, bytes.length - 4), /data ends at .* the file is truncated/],
    ['bad dtype', withHeader(bytes, (h) => (h.a.dtype = 'F8')), /tensor 'a': unsupported dtype "F8"/],
    ['shape/size mismatch', withHeader(bytes, (h) => (h.a.shape = [3, 3])), /tensor 'a': shape \[3,3\] of F32 needs 36 bytes but data_offsets span 24/],
    ['bad offsets', withHeader(bytes, (h) => (h.a.data_offsets = [8, 4])), /tensor 'a': invalid data_offsets/],
    ['negative dim', withHeader(bytes, (h) => (h.a.shape = [-2, 3])), /tensor 'a': invalid shape/],
    ['overlap', withHeader(bytes, (h) => (h.b.data_offsets = [20, 24])), /overlap/],
  ];
  for (const [what, buf, re] of corrupt)
    it(`rejects a corrupt file: ${what}`, () => {
      assert.throws(() => parseSafetensors(buf, 'm.safetensors'), (e: unknown) => e instanceof SafetensorsError && re.test((e as Error).message) && (e as Error).message.startsWith('m.safetensors: '));
    });
});

describe('config.json', () => {
  it('round-trips a config through the Hugging Face form', () => {
    const cfg = tinyConfig();
    assert.deepEqual(parseModelConfig(toHfConfig(cfg)).value, cfg);
  });
  it('reports every problem at once', () => {
    const r = parseModelConfig({ model_type: 'llama', hidden_size: 60, num_attention_heads: 8, num_key_value_heads: 3, num_hidden_layers: 0, intermediate_size: 'x', vocab_size: 10 });
    assert.equal(r.value, undefined);
    const all = r.errors.join('\n');
    for (const re of [/not divisible/, /not a multiple of num_key_value_heads/, /num_hidden_layers/, /intermediate_size/]) assert.match(all, re);
    assert.deepEqual(parseModelConfig('nope').errors, ['config.json: expected a JSON object']);
  });
});

describe('PEFT adapters on disk', () => {
  const cfg = tinyConfig();
  const known = family(cfg).modules(cfg).map((m) => m.short);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-adapters-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('round-trips LoRA, (IA)³ and prompt tuning with PEFT tensor names', () => {
    for (const kind of ['LORA', 'IA3', 'PROMPT_TUNING'] as const) {
      const dir = path.join(tmp, kind);
      const spec = makeTinyAdapter(dir, cfg, kind);
      const loaded = loadAdapterDir(dir, cfg, known);
      assert.equal(loaded.info.peftType, kind);
      assert.deepEqual(loaded.spec.weights, spec.weights);
      const names = Object.keys(header(fs.readFileSync(path.join(dir, ADAPTER_WEIGHTS)))).filter((n) => n !== '__metadata__');
      if (kind === 'LORA') {
        assert.ok(names.includes('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight'));
        assert.equal(loaded.info.trainableParams, cfg.numLayers * 4 * (64 + 64 + 64 + 32));
      }
      if (kind === 'IA3') assert.ok(names.includes('base_model.model.model.layers.1.mlp.down_proj.ia3_l'));
      if (kind === 'PROMPT_TUNING') assert.deepEqual(names, ['prompt_embeddings']);
    }
  });

  const cases: [string, (dir: string) => void, RegExp][] = [
    ['no config', (d) => fs.rmSync(path.join(d, ADAPTER_CONFIG)), /no adapter_config\.json/],
    ['config not JSON', (d) => fs.writeFileSync(path.join(d, ADAPTER_CONFIG), '{'), /not valid JSON/],
    ['unknown peft_type', (d) => editConfig(d, (c) => (c.peft_type = 'ADALORA')), /peft_type "ADALORA" is not supported/],
    ['unknown target module', (d) => editConfig(d, (c) => (c.target_modules = ['q_proj', 'c_attn'])), /target_modules names modules this model does not have: c_attn/],
    ['rank mismatch', (d) => editConfig(d, (c) => (c.r = 8)), /lora_A\.weight' has shape \[4,64\], expected \[8,64\]/],
    ['truncated weights', (d) => truncate(path.join(d, ADAPTER_WEIGHTS)), /truncated/],
    ['missing weights file', (d) => fs.rmSync(path.join(d, ADAPTER_WEIGHTS)), /no adapter_model\.safetensors/],
    ['missing tensor', (d) => editConfig(d, (c) => (c.target_modules = ['q_proj', 'v_proj', 'k_proj'])), /k_proj\.lora_A\.weight' is missing/],
    ['extra tensor', (d) => editConfig(d, (c) => (c.target_modules = ['q_proj'])), /unexpected tensors: .*v_proj/],
    ['non-finite value', (d) => poison(path.join(d, ADAPTER_WEIGHTS)), /non-finite value/],
  ];
  for (const [what, damage, re] of cases)
    it(`rejects a corrupt adapter: ${what}`, () => {
      const dir = path.join(tmp, `bad-${what.replace(/\W/g, '_')}`);
      makeTinyAdapter(dir, cfg, 'LORA');
      damage(dir);
      assert.throws(() => loadAdapterDir(dir, cfg, known), (e: unknown) => e instanceof AdapterError && re.test((e as Error).message));
    });

  it('rejects an adapter made for another model size', () => {
    const dir = path.join(tmp, 'other-size');
    makeTinyAdapter(dir, tinyConfig({ hiddenSize: 32, headDim: 8 }), 'PROMPT_TUNING');
    assert.throws(() => loadAdapterDir(dir, cfg, known), /prompt_embeddings' has shape \[3,32\], expected \[3,64\]/);
  });
});

function editConfig(dir: string, edit: (c: Record<string, unknown>) => void): void {
  const file = path.join(dir, ADAPTER_CONFIG);
  const c = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(c);
  fs.writeFileSync(file, JSON.stringify(c));
}

function truncate(file: string): void {
  const b = fs.readFileSync(file);
  fs.writeFileSync(file, b.subarray(0, b.length - 10));
}

function poison(file: string): void {
  const b = fs.readFileSync(file);
  b.writeFloatLE(NaN, b.length - 4);
  fs.writeFileSync(file, b);
}
