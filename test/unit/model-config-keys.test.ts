// config.json keys that change the math: implemented ones are read, the others are refused with an
// error naming them (never ignored); checkpoint files: shards, unused tensors, pytorch_model.bin.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAdapterDir } from '../../src/model/adapters';
import { parseModelConfig } from '../../src/model/config';
import { readModelConfig } from '../../src/model/engine';
import { inspectModel } from '../../src/model/inspect';
import { family } from '../../src/model/family';
import { inverseFrequencies, ropeAttentionScale } from '../../src/model/rope';
import { writeSafetensors, type StTensor } from '../../src/model/safetensors';
import { readWeightTensors, selectWeights } from '../../src/model/weight-files';

const f32Tensor = (shape: number[], data: Float32Array): StTensor => ({ dtype: 'F32', shape, data });

const LLAMA = { model_type: 'llama', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, vocab_size: 256 };

describe('config.json: keys that change the math', () => {
  it('reads attention_bias, mlp_bias, head_dim and rope_parameters.rope_theta for llama', () => {
    const r = parseModelConfig({ ...LLAMA, attention_bias: true, mlp_bias: true, head_dim: 32, rope_parameters: { rope_type: 'default', rope_theta: 500000 } });
    assert.deepEqual(r.errors, []);
    const c = r.value!;
    assert.deepEqual([c.qkvBias, c.oBias, c.mlpBias, c.headDim, c.ropeTheta], [true, true, true, 32, 500000]);
  });

  it('refuses a key it does not implement, naming it, and unimplemented values of known keys', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...LLAMA, quantization_config: { quant_method: 'gptq' } }, /key 'quantization_config'.*not implemented for llama/],
      [{ ...LLAMA, rope_scaling: { type: 'longrope', factor: 2 } }, /rope type "longrope" is not implemented/],
      [{ ...LLAMA, rope_scaling: { type: 'linear' } }, /'rope_scaling' of type linear needs 'factor'/],
      [{ ...LLAMA, rope_parameters: { rope_type: 'llama3', factor: 8 } }, /needs 'low_freq_factor'/],
      [{ ...LLAMA, rope_parameters: { rope_type: 'linear', factor: 2, short_factor: [1] } }, /'rope_parameters.short_factor' is not implemented/],
      [{ ...LLAMA, hidden_act: 'gelu' }, /hidden_act "gelu" is not implemented for llama/],
      [{ ...LLAMA, model_type: 'qwen2', use_sliding_window: true }, /'use_sliding_window' true is not implemented for qwen2/],
      [{ ...LLAMA, model_type: 'phi', qk_layernorm: true }, /'qk_layernorm' true is not implemented for phi/],
      [{ ...LLAMA, model_type: 'starcoder2', attention_bias: true }, /key 'attention_bias'.*not implemented for starcoder2/],
      [{ ...LLAMA, rope_theta: 10000, rope_parameters: { rope_theta: 500000 } }, /disagree/],
      [{ model_type: 'gpt_bigcode', n_embd: 64, n_layer: 2, n_head: 4, vocab_size: 257, multi_query: false }, /'multi_query' false .* not implemented for gpt_bigcode/],
      [{ model_type: 'gpt_bigcode', n_embd: 64, n_layer: 2, n_head: 4, vocab_size: 257, scale_attn_weights: false }, /'scale_attn_weights' false is not implemented/],
      [{ ...LLAMA, scale_attn_weights: false }, /key 'scale_attn_weights'.*not implemented for llama/],
    ];
    for (const [json, re] of cases) {
      const r = parseModelConfig(json);
      assert.equal(r.value, undefined, JSON.stringify(json));
      assert.match(r.errors.join('\n'), re);
    }
  });

  it('reads the rope scalings: linear divides, llama3 keeps high and scales low frequencies, yarn scales cos/sin', () => {
    const plain = inverseFrequencies(parseModelConfig(LLAMA).value!);
    const linear = inverseFrequencies(parseModelConfig({ ...LLAMA, rope_scaling: { type: 'linear', factor: 2 } }).value!);
    linear.forEach((v, i) => assert.ok(Math.abs(v - plain[i] / 2) < 1e-9));
    const dyn = parseModelConfig({ ...LLAMA, rope_scaling: { rope_type: 'dynamic', factor: 2 } }).value!;
    assert.deepEqual([...inverseFrequencies(dyn)], [...plain]); // within max_position_embeddings
    const l3 = inverseFrequencies(parseModelConfig({ ...LLAMA, rope_parameters: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64, rope_theta: 10000 } }).value!);
    assert.equal(l3[0], plain[0]);
    assert.ok(Math.abs(l3[7] - plain[7] / 8) < 1e-9);
    const yarn = parseModelConfig({ ...LLAMA, rope_parameters: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 32 } }).value!;
    assert.ok(Math.abs(ropeAttentionScale(yarn) - (0.1 * Math.log(4) + 1)) < 1e-12);
  });

  it('maps codegen and phi keys (partial and interleaved rotary)', () => {
    const cg = parseModelConfig({ model_type: 'codegen', n_embd: 64, n_layer: 2, n_head: 4, n_inner: null, n_positions: 128, n_ctx: 128, rotary_dim: 8, vocab_size: 256, activation_function: 'gelu_new' });
    assert.deepEqual(cg.errors, []);
    assert.deepEqual([cg.value!.intermediateSize, cg.value!.rotaryDim, cg.value!.ropeInterleaved, cg.value!.maxPositions], [256, 8, true, 128]);
    const phi = parseModelConfig({ ...LLAMA, model_type: 'phi', partial_rotary_factor: 0.5 });
    assert.deepEqual([phi.value!.rotaryDim, phi.value!.ropeInterleaved], [8, undefined]);
  });
});

describe('checkpoint files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-wf-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const specs = [{ name: 'a.weight', shape: [2] }, { name: 'b.weight', shape: [3] }];

  it('reads shards listed by model.safetensors.index.json', () => {
    const d = path.join(dir, 'sharded');
    fs.mkdirSync(d);
    writeSafetensors(path.join(d, 'model-00001-of-00002.safetensors'), { 'a.weight': f32Tensor([2], Float32Array.of(1, 2)) });
    writeSafetensors(path.join(d, 'model-00002-of-00002.safetensors'), { 'b.weight': f32Tensor([3], Float32Array.of(3, 4, 5)) });
    fs.writeFileSync(path.join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' } }));
    const w = selectWeights(d, readWeightTensors(d), specs);
    assert.deepEqual([...w.get('b.weight')!], [3, 4, 5]);
  });

  it('a tensor no module uses is an error naming it, not skipped', () => {
    const d = path.join(dir, 'extra');
    fs.mkdirSync(d);
    writeSafetensors(path.join(d, 'model.safetensors'), { 'a.weight': f32Tensor([2], new Float32Array(2)), 'b.weight': f32Tensor([3], new Float32Array(3)), 'a.bias': f32Tensor([2], new Float32Array(2)) });
    assert.throws(() => selectWeights(d, readWeightTensors(d), specs), /tensor no module .* uses: a\.bias/);
  });

  it('model check: a model whose F32 weights exceed 2 GiB is not refused for its size (external data), and its int4 size is estimated (Qwen2.5-Coder-1.5B shapes)', () => {
    const d = path.join(dir, 'big');
    fs.mkdirSync(d);
    const qwen15 = { model_type: 'qwen2', hidden_size: 1536, intermediate_size: 8960, num_hidden_layers: 28, num_attention_heads: 12, num_key_value_heads: 2, vocab_size: 151936, max_position_embeddings: 32768, tie_word_embeddings: true };
    fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(qwen15));
    const r = inspectModel(d);
    assert.equal(r.family, 'qwen2');
    assert.ok(r.parameters! > 1.5e9 && r.parameters! < 1.6e9, String(r.parameters));
    assert.equal(r.usable, false);
    assert.doesNotMatch(r.problems.join('\n'), /GiB/);
    assert.ok(r.memory!.weightsF32 > 6e9 && r.memory!.weightsInt4 < r.memory!.weightsF32 / 6, JSON.stringify(r.memory));
    assert.match(r.problems.join('\n'), /no model\.safetensors/);
  });

  it('pytorch_model.bin is refused with the command that converts it; an empty folder says what is missing', () => {
    const d = path.join(dir, 'bin');
    fs.mkdirSync(d);
    assert.throws(() => readWeightTensors(d), /no model\.safetensors or model\.safetensors\.index\.json/);
    fs.writeFileSync(path.join(d, 'pytorch_model.bin'), 'not read');
    assert.throws(() => readWeightTensors(d), /pytorch_model\.bin is a PyTorch pickle.*save_pretrained\(.*safe_serialization=True\)/);
  });
});

describe('adapter_config.json: settings that change what PEFT computes', () => {
  const fixtures = path.join(__dirname, '..', 'fixtures', 'interop', 'llama');
  const cfg = readModelConfig(fixtures);
  const known = family(cfg).modules(cfg).map((m) => m.short);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-ak-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the PEFT-written LoRA as is, and refuses each unimplemented setting by name', () => {
    const src = path.join(fixtures, 'adapters', 'lora');
    assert.equal(loadAdapterDir(src, cfg, known).spec.r, 4);
    const raw = JSON.parse(fs.readFileSync(path.join(src, 'adapter_config.json'), 'utf8'));
    const cases: [string, unknown][] = [
      ['fan_in_fan_out', true], ['bias', 'all'], ['lora_bias', true], ['layer_replication', [[0, 1]]], ['alora_invocation_tokens', [5, 6]],
      ['layers_to_transform', [0]], ['modules_to_save', ['lm_head']], ['trainable_token_indices', [3]], ['use_qalora', true],
    ];
    for (const [key, value] of cases) {
      const d = path.join(dir, key);
      fs.mkdirSync(d);
      fs.copyFileSync(path.join(src, 'adapter_model.safetensors'), path.join(d, 'adapter_model.safetensors'));
      fs.writeFileSync(path.join(d, 'adapter_config.json'), JSON.stringify({ ...raw, [key]: value }));
      assert.throws(() => loadAdapterDir(d, cfg, known), new RegExp(`${key} .* is not supported`), key);
    }
  });
});
