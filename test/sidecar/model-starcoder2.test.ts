// The second model family (StarCoder2: LayerNorm, GELU MLP, biases, sliding window) through the same
// engine, adapters and training code as Llama: ORT graphs against the plain-TS reference, the KV cache,
// adapter identities, whole-model gradients, a short training run, the engine and `model init`.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { parameterCount, parseModelConfig, type ModelConfig } from '../../src/model/config';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { loadModelFiles } from '../../src/model/engine';
import { family, type AdapterSlots, type AdapterWeights } from '../../src/model/family';
import { byteLevelTokenizerJson, initWeights, normalArray, rng, writeModelDir } from '../../src/model/init';
import { starcoder2Forward } from '../../src/model/starcoder2';
import { Tokenizer } from '../../src/model/tokenizer';
import { createSession, f32, type HostTensor } from '../../src/runtime/ort';
import { buildTrainModel, sequenceFeeds } from '../../src/train/graph';
import { toSequence } from '../../src/train/pack';
import { train } from '../../src/train/loop';
import { resolveRecipe, type Method } from '../../src/train/recipe';
import type { Pair } from '../../src/train/data';
import { adapterPath, chain, makeTinyAdapter, tinyAdapterSpec, tinyConfig, mergeLora } from './helpers/tiny-model';
import { maxDiff, openRunner, ortLogits } from './helpers/ort-logits';
import { modelGradCheck, type Trainable } from './helpers/model-gradcheck';

const ALL_SLOTS: AdapterSlots = {
  lora: { targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'c_fc', 'c_proj'] },
  ia3: { targets: ['k_proj', 'v_proj', 'c_proj'], feedforward: ['c_proj'] },
  prompt: true,
};
const IDS = [3, 17, 99, 42, 250, 7, 7, 120, 64, 5];

function sc2Config(over: Partial<ModelConfig> = {}): ModelConfig {
  return tinyConfig({ modelType: 'starcoder2', useBias: true, hiddenAct: 'gelu_pytorch_tanh', intermediateSize: 128, ...over });
}

/** Random weights with non-trivial norms and biases (initWeights puts them at 1 and 0). */
function sc2Weights(cfg: ModelConfig, seed: number, std = 0.08): Map<string, Float32Array> {
  const w = initWeights(cfg, seed, std);
  const rand = rng(seed + 100);
  for (const [name, t] of w)
    if (t.length === cfg.hiddenSize || name.endsWith('.bias')) {
      const noise = normalArray(t.length, 0.1, rand);
      for (let i = 0; i < t.length; i++) t[i] += noise[i];
    }
  return w;
}

describe('starcoder2: config and weight layout', () => {
  it('parses the Hugging Face keys with their defaults and writes them back', () => {
    const r = parseModelConfig({ model_type: 'starcoder2', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, vocab_size: 300, norm_epsilon: 1e-5, rope_theta: 100000, sliding_window: 4096 });
    assert.deepEqual(r.errors, []);
    const cfg = r.value!;
    assert.equal(cfg.numKvHeads, 2, 'HF default num_key_value_heads');
    assert.equal(cfg.tieWordEmbeddings, true, 'HF default tie_word_embeddings');
    assert.deepEqual([cfg.useBias, cfg.hiddenAct, cfg.slidingWindow, cfg.rmsNormEps, cfg.ropeTheta, cfg.maxPositions], [true, 'gelu_pytorch_tanh', 4096, 1e-5, 100000, 4096]);
    const names = family(cfg).weightSpecs(cfg).map((s) => s.name);
    for (const n of ['model.layers.1.mlp.c_fc.bias', 'model.layers.0.self_attn.o_proj.bias', 'model.norm.bias', 'model.layers.0.input_layernorm.bias']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('lm_head.weight'));
    const total = family(cfg).weightSpecs(cfg).reduce((a, s) => a + s.shape.reduce((p, q) => p * q, 1), 0);
    assert.equal(parameterCount(cfg), total);
    const noBias = { ...cfg, useBias: false };
    const nbSpecs = family(noBias).weightSpecs(noBias);
    assert.ok(!nbSpecs.some((s) => /(proj|c_fc)\.bias$/.test(s.name)));
    assert.equal(parameterCount(noBias), nbSpecs.reduce((a, s) => a + s.shape.reduce((p, q) => p * q, 1), 0));
  });

  it('names bad keys and unknown families clearly', () => {
    const bad = parseModelConfig({ model_type: 'starcoder2', hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 4, intermediate_size: 8, vocab_size: 10, hidden_act: 'relu', use_bias: 'yes', sliding_window: 0 });
    assert.equal(bad.value, undefined);
    assert.ok(bad.errors.some((e) => /hidden_act "relu" is not supported for starcoder2/.test(e)), bad.errors.join('; '));
    assert.ok(bad.errors.some((e) => /use_bias/.test(e)) && bad.errors.some((e) => /sliding_window/.test(e)));
    const unknown = parseModelConfig({ model_type: 'falcon', hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 4, intermediate_size: 8, vocab_size: 10 });
    assert.match(unknown.errors.join(), /model_type "falcon" is not supported \(supported: llama, mistral, starcoder2, qwen2, phi, codegen, gpt_bigcode\)/);
  });
});

describe('starcoder2: ONNX Runtime graph vs plain-TypeScript forward', function () {
  this.timeout(120_000);
  const cfg = sc2Config();
  const w = sc2Weights(cfg, 11);

  it('matches the reference logits at every position, with each adapter kind; each adapter changes them', async () => {
    const base = starcoder2Forward(cfg, w, IDS);
    const got = await ortLogits(cfg, w, {}, IDS);
    assert.ok(maxDiff(got, base) <= 1e-4, `no adapter: max diff ${maxDiff(got, base)}`);
    for (const kind of ['LORA', 'IA3', 'PROMPT_TUNING'] as const) {
      const a = tinyAdapterSpec(cfg, kind, kind === 'LORA' ? { targets: ALL_SLOTS.lora!.targets } : {}).weights;
      const g2 = await ortLogits(cfg, w, ALL_SLOTS, IDS, a);
      const ref = starcoder2Forward(cfg, w, IDS, a);
      assert.ok(maxDiff(g2, ref) <= 1e-4, `${kind}: max diff ${maxDiff(g2, ref)}`);
      assert.ok(maxDiff(ref, base) > 1e-2, `${kind} should change the logits (diff ${maxDiff(ref, base)})`);
    }
  });

  it('exact GELU (erf), no biases, untied head, and a sliding window that bites all match the reference', async () => {
    for (const over of [{ hiddenAct: 'gelu' as const }, { useBias: false, tieWordEmbeddings: false }, { slidingWindow: 4 }]) {
      const c = sc2Config(over);
      const wc = sc2Weights(c, 21);
      const ref = starcoder2Forward(c, wc, IDS);
      const got = await ortLogits(c, wc, {}, IDS);
      assert.ok(maxDiff(got, ref) <= 1e-4, `${JSON.stringify(over)}: max diff ${maxDiff(got, ref)}`);
    }
    const full = starcoder2Forward(cfg, w, IDS);
    const windowed = starcoder2Forward({ ...cfg, slidingWindow: 4 }, w, IDS);
    const V = cfg.vocabSize;
    assert.ok(maxDiff(full.subarray(0, 4 * V), windowed.subarray(0, 4 * V)) === 0, 'the window does not touch the first 4 positions');
    assert.ok(maxDiff(full, windowed) > 1e-3, 'the window changes later positions');
  });

  it('KV-cached decoding gives the logits of full recomputation (≤ 1e-4), also with a sliding window', async () => {
    for (const [c, a] of [
      [cfg, undefined],
      [cfg, tinyAdapterSpec(cfg, 'PROMPT_TUNING').weights],
      [cfg, tinyAdapterSpec(cfg, 'LORA').weights],
      [sc2Config({ slidingWindow: 3 }), tinyAdapterSpec(cfg, 'IA3').weights],
    ] as [ModelConfig, AdapterWeights | undefined][]) {
      const full = await ortLogits(c, w, ALL_SLOTS, IDS, a);
      const { runner: r, release } = await openRunner(c, w, ALL_SLOTS, 'last', a);
      const V = c.vocabSize;
      let logits = await r.step(IDS.slice(0, 4));
      assert.ok(maxDiff(logits, full.subarray(3 * V, 4 * V)) <= 1e-4);
      for (let t = 4; t < IDS.length; t++) {
        logits = await r.step([IDS[t]]);
        const d = maxDiff(logits, full.subarray(t * V, (t + 1) * V));
        assert.ok(d <= 1e-4, `position ${t}: max diff ${d}`);
      }
      await release();
    }
  });
});

describe('starcoder2: adapter identities in ONNX Runtime', function () {
  this.timeout(60_000);
  const cfg = sc2Config();
  const w = sc2Weights(cfg, 5);
  let base: Float32Array;
  before(async () => {
    base = await ortLogits(cfg, w, {}, IDS);
  });
  const close = (x: Float32Array, what: string) => assert.ok(maxDiff(x, base) <= 1e-5, `${what}: diff ${maxDiff(x, base)}`);

  it('unused slots, LoRA with B = 0, (IA)³ of ones, p = 0 ≡ none', async () => {
    close(await ortLogits(cfg, w, ALL_SLOTS, IDS, undefined), 'unused slots');
    close(await ortLogits(cfg, w, ALL_SLOTS, IDS, tinyAdapterSpec(cfg, 'LORA', { zeroB: true, targets: ALL_SLOTS.lora!.targets }).weights), 'B = 0');
    close(await ortLogits(cfg, w, ALL_SLOTS, IDS, tinyAdapterSpec(cfg, 'IA3', { ones: true }).weights), 'ones');
    close(await ortLogits(cfg, w, ALL_SLOTS, IDS, { prompt: { p: 0, data: new Float32Array(0) } }), 'p = 0');
  });

  it('LoRA(A, B) ≡ merged weights W + (alpha/r)·B·A (biases untouched)', async () => {
    const spec = tinyAdapterSpec(cfg, 'LORA', { targets: ['q_proj', 'v_proj', 'c_fc', 'c_proj'], r: 3, alpha: 6 });
    const merged = mergeLora(w, spec.weights.lora!);
    const viaAdapter = await ortLogits(cfg, w, ALL_SLOTS, IDS, spec.weights);
    const viaMerge = await ortLogits(cfg, merged, {}, IDS);
    assert.ok(maxDiff(viaAdapter, viaMerge) <= 1e-4, `diff ${maxDiff(viaAdapter, viaMerge)}`);
    assert.ok(maxDiff(viaAdapter, base) > 1e-2, 'the LoRA adapter changes the logits');
  });
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-sc2-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The whole-model gradient check (helpers/model-gradcheck.ts); for full, single elements of biases, norms and c_fc. */
function gradCheck(method: Method, dropout = 0) {
  const cfg = sc2Config();
  const pick = method === 'full' ? (ts: Trainable[]) => ts.filter((t) => /bias|layernorm|norm\.weight|c_fc\.weight/.test(t.name)) : undefined;
  return modelGradCheck(cfg, sc2Weights(cfg, 4), method, dropout, pick);
}

describe('starcoder2: training', function () {
  this.timeout(180_000);

  for (const [method, dropout] of [['lora', 0.1], ['ia3', 0], ['prompt', 0], ['full', 0]] as [Method, number][])
    it(`whole-model gradients vs finite differences: ${method}`, async () => {
      const r = await gradCheck(method, dropout);
      assert.ok(r.rel < 2e-2, `directional derivative relative error ${r.rel.toExponential(2)}`);
      assert.ok(r.elementsRel < 5e-2, `single-element relative error ${r.elementsRel.toExponential(2)}`);
    });

  it('the train-mode graph (explicit LayerNorm) gives the reference logits', async () => {
    const cfg = sc2Config();
    const w = sc2Weights(cfg, 9);
    const r = resolveRecipe(cfg, { method: 'lora', loraR: 4, loraDropout: 0 }).value!;
    const tm = buildTrainModel(cfg, w, r, { withLogits: true });
    const s = await createSession(tm.bytes, { provider: 'cpu', threads: 1 });
    const a = tinyAdapterSpec(cfg, 'LORA', { r: 4, alpha: r.loraAlpha }).weights;
    const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence([{ ids: IDS, promptLen: 1 }]));
    for (const t of tm.trainable) feeds[t.name] = f32((t.kind === 'lora_A' ? a.lora!.A : a.lora!.B).get(t.module)!, t.dims);
    feeds[tm.loraScaling!] = f32(Float32Array.of(a.lora!.scaling), [1]);
    const logits = (await s.run(feeds, ['logits'])).logits.data as Float32Array;
    const ref = starcoder2Forward(cfg, w, IDS, a);
    assert.ok(maxDiff(logits, ref) <= 1e-4, `max diff ${maxDiff(logits, ref)}`);
    await s.release();
  });

  it('packed examples with a soft prompt and a sliding window give each example\'s own logits', async () => {
    const cfg = sc2Config({ slidingWindow: 3 });
    const w = sc2Weights(cfg, 10);
    const r = resolveRecipe(cfg, { method: 'prompt', numVirtualTokens: 2 }).value!;
    const tm = buildTrainModel(cfg, w, r, { withLogits: true });
    const s = await createSession(tm.bytes, { provider: 'cpu', threads: 1 });
    const prompt = tinyAdapterSpec(cfg, 'PROMPT_TUNING', { p: 2 }).weights;
    const ex = [IDS.slice(0, 6), IDS.slice(4)];
    const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence(ex.map((ids) => ({ ids, promptLen: 1 }))));
    feeds[tm.trainable[0].name] = f32(prompt.prompt!.data, tm.trainable[0].dims);
    const logits = (await s.run(feeds, ['logits'])).logits.data as Float32Array;
    const ref = new Float32Array([...starcoder2Forward(cfg, w, ex[0], prompt), ...starcoder2Forward(cfg, w, ex[1], prompt)]);
    assert.ok(maxDiff(logits, ref) <= 1e-4, `max diff ${maxDiff(logits, ref)}`);
    await s.release();
  });

  it('loss falls in a short LoRA run through train(); full fine-tuning writes a reloadable starcoder2 model', async () => {
    const cfg = sc2Config();
    const dir = path.join(tmp, 'train-model');
    writeModelDir(dir, cfg, initWeights(cfg, 1, 0.08), byteLevelTokenizerJson());
    const data: Pair[] = Array.from({ length: 8 }, (_, i) => ({
      id: String(i),
      source: `class C${i} {\n\tint f() { return ${i % 4}; }\n}\nclass C${i}Test {\n\t@Test\n\tvoid test() {\n`,
      target: `\t\tassertEquals(${i % 4}, new C${i}().f());\n\t}\n}`,
    }));
    const res = await train({ modelDir: dir, outDir: path.join(tmp, 'run-lora'), data, recipe: { method: 'lora', lr: 5e-2, loraR: 4, loraAlpha: 8, gradAccumSteps: 2, epochs: 3 }, threads: 1 });
    assert.equal(res.status, 'completed');
    const curve = res.report.lossCurve.map((p) => p.loss);
    const first = (curve[0] + curve[1]) / 2;
    const last = (curve[curve.length - 1] + curve[curve.length - 2]) / 2;
    assert.ok(last < first - 0.25, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
    assert.ok(fs.existsSync(path.join(tmp, 'run-lora', 'adapter_model.safetensors')));
    // full fine-tuning writes a starcoder2 model directory that loads again, biases and norms trained
    const full = await train({ modelDir: dir, outDir: path.join(tmp, 'run-full'), data, recipe: { method: 'full', lr: 3e-3, maxSteps: 2 }, threads: 1 });
    assert.equal(full.status, 'completed');
    const reloaded = loadModelFiles(path.join(tmp, 'run-full'));
    assert.deepEqual([reloaded.cfg.modelType, reloaded.cfg.useBias, reloaded.cfg.hiddenAct], ['starcoder2', true, 'gelu_pytorch_tanh']);
    assert.ok(reloaded.weights.get('model.layers.0.mlp.c_fc.bias')!.some((v) => v !== 0), 'the c_fc bias moved from its zero init');
    assert.ok(reloaded.weights.get('model.norm.bias')!.some((v) => v !== 0), 'the final LayerNorm bias moved');
  });
});

describe('starcoder2: engine and model init', function () {
  this.timeout(120_000);

  it('loadEngine decodes a scripted starcoder2 model (greedy path fixed by the weights), f32 and int8', async () => {
    // attention and MLP outputs zeroed (weights and biases): the last token alone decides the next one
    const cfg = sc2Config({ tieWordEmbeddings: false });
    const w = initWeights(cfg, 3, 1);
    for (let l = 0; l < cfg.numLayers; l++)
      for (const m of ['self_attn.o_proj', 'mlp.c_proj']) for (const k of ['weight', 'bias']) w.get(`model.layers.${l}.${m}.${k}`)!.fill(0);
    const vocab = (byteLevelTokenizerJson() as { model: { vocab: Record<string, number> } }).model.vocab;
    const h = cfg.hiddenSize;
    const emb = w.get('model.embed_tokens.weight')!;
    const head = new Float32Array(cfg.vocabSize * h);
    for (const [from, to] of Object.entries({ ...chain('{x=1;}Q'), Q: 'Q' }))
      for (let i = 0; i < h; i++) head[vocab[to] * h + i] += emb[vocab[from] * h + i];
    w.set('lm_head.weight', head);
    const dir = path.join(tmp, 'scripted');
    writeModelDir(dir, cfg, w, byteLevelTokenizerJson());
    assert.equal(loadModelFiles(dir).cfg.modelType, 'starcoder2');
    for (const quantize of ['none', 'int8'] as const) {
      const engine = await loadJavaEngine(dir, { provider: 'cpu', cache: false, quantize });
      const r = await engine.generate('public void testIt() {', { maxNewTokens: 50 });
      assert.deepEqual([r.text, r.stopReason], ['x=1;}', 'balanced'], quantize);
      assert.equal(engine.status().parameters, parameterCount(cfg));
      await engine.dispose();
    }
  });

  it('loadEngine generates from a random starcoder2 model, with an adapter found at load', async () => {
    const cfg = sc2Config();
    const dir = path.join(tmp, 'random');
    writeModelDir(dir, cfg, sc2Weights(cfg, 8), byteLevelTokenizerJson());
    makeTinyAdapter(adapterPath(dir, 'ia3'), cfg, 'IA3', { std: 2 });
    const engine = await loadJavaEngine(dir, { provider: 'cpu', cache: false });
    assert.deepEqual(engine.listAdapters().map((a) => [a.name, a.peftType]), [['ia3', 'IA3']]);
    const base = await engine.generate('int f() {', { maxNewTokens: 6, stopWhenBalanced: false, adapter: null });
    assert.ok(base.stopReason === 'max_tokens' ? base.newTokens === 6 : base.stopReason === 'eos', `${base.stopReason} after ${base.newTokens}`);
    const tuned = await engine.generate('int f() {', { maxNewTokens: 6, stopWhenBalanced: false, adapter: 'ia3' });
    assert.ok(tuned.newTokens > 0);
    await engine.dispose();
  });

  it('an unknown model_type is a clear load error naming the supported families', async () => {
    const dir = path.join(tmp, 'unknown');
    const cfg = sc2Config();
    writeModelDir(dir, cfg, sc2Weights(cfg, 2), byteLevelTokenizerJson());
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...json, model_type: 'falcon' }));
    await assert.rejects(loadJavaEngine(dir, { provider: 'cpu' }), /model_type "falcon" is not supported \(supported: llama, mistral, starcoder2, qwen2, phi, codegen, gpt_bigcode\)/);
  });

  it('testtune model init writes a starcoder2 model from --config and from the tiny-starcoder2 preset', async () => {
    const out = path.join(tmp, 'init-config');
    const config = JSON.stringify({ model_type: 'starcoder2', hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, intermediate_size: 64, vocab_size: 300, max_position_embeddings: 128, sliding_window: 64 });
    assert.equal(await main(['model', 'init', '--config', config, '--out', out, '--corpus', path.join(tmp, 'none')]), 0);
    const written = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([written.model_type, written.architectures[0], written.use_bias, written.norm_epsilon, written.sliding_window], ['starcoder2', 'Starcoder2ForCausalLM', true, 1e-5, 64]);
    assert.ok(!('rms_norm_eps' in written));
    const { weights } = loadModelFiles(out);
    assert.ok(weights.get('model.layers.0.mlp.c_fc.bias')!.every((v) => v === 0), 'biases start at zero');
    const engine = await loadJavaEngine(out, { provider: 'cpu', cache: false });
    const r = await engine.generate('int f() {', { maxNewTokens: 3, stopWhenBalanced: false });
    assert.ok(r.newTokens > 0 || r.stopReason === 'eos');
    await engine.dispose();
    const preset = path.join(tmp, 'init-preset');
    assert.equal(await main(['model', 'init', '--preset', 'tiny-starcoder2', '--out', preset, '--corpus', path.join(tmp, 'none')]), 0);
    assert.equal(Tokenizer.fromFile(path.join(preset, 'tokenizer.json')).vocabSize, 257);
    assert.equal(loadModelFiles(preset).cfg.modelType, 'starcoder2');
  });
});
