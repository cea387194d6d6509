// The Llama family (RMSNorm, RoPE, SwiGLU, grouped-query attention) emitted into the Graph IR. One
// definition serves the KV-cached inference graph and the training graph. Train mode uses only
// differentiable standard ops along parameter paths (MatMul, Add, Mul, Div, Pow, Sqrt, ReduceMean, Softmax,
// Reshape, Transpose, Concat, Slice, Gather, Sigmoid, Neg, Unsqueeze, Dropout); the causal mask and the
// RoPE positions come from Shape/Range/Less/Where on integer paths that carry no gradient. Inference
// may pass `weightT` (pre-transposed weights) and `matmul` (e.g. int8 DynamicQuantizeMatMul) hooks.
import type { Graph } from '../onnx/graph';
import type { ModelConfig } from './config';
import type { AdapterInput, BuildOptions, DecoderGraph, FamilyDef, WeightSpec } from './family';
import { llamaForward, ropeTables } from './forward';

const INT_MAX = 2 ** 62;
const MASK = -1e9;

export function llamaWeightSpecs(cfg: ModelConfig): WeightSpec[] {
  const h = cfg.hiddenSize;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', shape: [cfg.vocabSize, h] }];
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    specs.push({ name: `${p}.input_layernorm.weight`, shape: [h] });
    for (const m of llamaModules(cfg)) specs.push({ name: `${p}.${m.path}.weight`, shape: [m.outDim, m.inDim] });
    specs.push({ name: `${p}.post_attention_layernorm.weight`, shape: [h] });
  }
  specs.push({ name: 'model.norm.weight', shape: [h] });
  if (!cfg.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, h] });
  return specs;
}

function llamaModules(cfg: ModelConfig) {
  const h = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  const ff = cfg.intermediateSize;
  return [
    { short: 'q_proj', path: 'self_attn.q_proj', inDim: h, outDim: q },
    { short: 'k_proj', path: 'self_attn.k_proj', inDim: h, outDim: kv },
    { short: 'v_proj', path: 'self_attn.v_proj', inDim: h, outDim: kv },
    { short: 'o_proj', path: 'self_attn.o_proj', inDim: q, outDim: h },
    { short: 'gate_proj', path: 'mlp.gate_proj', inDim: h, outDim: ff },
    { short: 'up_proj', path: 'mlp.up_proj', inDim: h, outDim: ff },
    { short: 'down_proj', path: 'mlp.down_proj', inDim: ff, outDim: h },
  ];
}

class Builder {
  readonly adapterInputs: AdapterInput[] = [];
  loraScaling?: string;
  loraDropout?: string;
  private readonly consts = new Map<string, string>();

  constructor(readonly g: Graph, readonly cfg: ModelConfig, readonly opts: BuildOptions) {
    if (opts.adapter?.lora?.targets.length) this.loraScaling = g.input('lora_scaling', 'float32', [1]);
    if (opts.loraDropout && opts.adapter?.lora?.targets.length) this.loraDropout = g.input('lora_dropout', 'float32', []);
  }

  i64(values: number[]): string {
    const key = `i${values.join(',')}`;
    let v = this.consts.get(key);
    if (!v) this.consts.set(key, (v = this.g.constI64(values)));
    return v;
  }

  scalarI64(value: number): string {
    const key = `s${value}`;
    let v = this.consts.get(key);
    if (!v) this.consts.set(key, (v = this.g.initializer(this.g.fresh('c'), { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(value)) })));
    return v;
  }

  f32(value: number): string {
    const key = `f${value}`;
    let v = this.consts.get(key);
    if (!v) this.consts.set(key, (v = this.g.constF32([value], [1])));
    return v;
  }

  /** y = x·Wᵀ with the module's adapters: (IA)³ on the input (feedforward) or output, LoRA beside it. */
  linear(x: string, module: string, short: string, inDim: number, outDim: number): string {
    const { g, opts } = this;
    const a = opts.adapter;
    const ia3 = a?.ia3?.targets.includes(short);
    const ff = ia3 && a!.ia3!.feedforward.includes(short);
    let xin = x;
    if (ia3 && ff) xin = g.op('Mul', [x, this.adapterInput(`${module}.ia3_l`, 'ia3', module, [inDim])]);
    let y = this.matmulW(xin, `${module}.weight`);
    if (a?.lora?.targets.includes(short)) {
      const A = this.adapterInput(`${module}.lora_A`, 'lora_A', module, ['lora_r', inDim]);
      const B = this.adapterInput(`${module}.lora_B`, 'lora_B', module, [outDim, 'lora_r']);
      let xl = xin;
      if (this.loraDropout) xl = g.opN('Dropout', [xin, this.loraDropout, g.initializer(g.fresh('train'), { dtype: 'bool', dims: [], data: Uint8Array.of(1) })], 2)[0];
      const xa = g.op('MatMul', [xl, g.op('Transpose', [A], { perm: [1, 0] })]);
      const xab = g.op('MatMul', [xa, g.op('Transpose', [B], { perm: [1, 0] })]);
      y = g.op('Add', [y, g.op('Mul', [xab, this.loraScaling!])]);
    }
    if (ia3 && !ff) y = g.op('Mul', [y, this.adapterInput(`${module}.ia3_l`, 'ia3', module, [outDim])]);
    return y;
  }

  /** x·Wᵀ for a base weight. */
  matmulW(x: string, name: string): string {
    return this.opts.matmul ? this.opts.matmul(this.g, x, name) : this.g.op('MatMul', [x, this.weightT(name)]);
  }

  weightT(name: string): string {
    return this.opts.weightT ? this.opts.weightT(name) : this.g.op('Transpose', [this.opts.weight(name)], { perm: [1, 0] });
  }

  adapterInput(name: string, kind: AdapterInput['kind'], module: string, dims: (number | string)[]): string {
    this.adapterInputs.push({ name, kind, module, dims });
    return this.g.input(name, 'float32', dims);
  }

  rmsNorm(x: string, weightName: string): string {
    const { g } = this;
    // Pow → ReduceMean → Add → Sqrt → Div → Mul: the pattern ORT fuses into SimplifiedLayerNormalization
    const ms = g.op('ReduceMean', [g.op('Pow', [x, this.f32(2)]), this.i64([-1])], { keepdims: 1 });
    const inv = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [ms, this.f32(this.cfg.rmsNormEps)])])]);
    return g.op('Mul', [inv, this.opts.weight(weightName)]);
  }

  /** HF rotary embedding on [batch, seq, heads, headDim] with cos/sin [1, seq, 1, headDim]. */
  rope(x: string, cos: string, sin: string): string {
    const { g } = this;
    const half = this.cfg.headDim / 2;
    const x1 = g.op('Slice', [x, this.i64([0]), this.i64([half]), this.i64([-1])]);
    const x2 = g.op('Slice', [x, this.i64([half]), this.i64([INT_MAX]), this.i64([-1])]);
    const rot = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rot, sin])]);
  }
}

export function buildLlamaGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph {
  const b = new Builder(g, cfg, opts);
  const train = opts.mode === 'train';
  const { numLayers: L, numHeads: H, numKvHeads: KV, headDim: D, hiddenSize: hid } = cfg;
  const grp = H / KV;
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const pastKeys: string[] = [];
  const pastValues: string[] = [];
  if (!train)
    for (let i = 0; i < L; i++) {
      pastKeys.push(g.input(`past_key.${i}`, 'float32', ['batch', 'past', KV, D]));
      pastValues.push(g.input(`past_value.${i}`, 'float32', ['batch', 'past', KV, D]));
    }

  // Embeddings, with the soft prompt prepended.
  let x = g.op('Gather', [opts.weight('model.embed_tokens.weight'), inputIds], { axis: 0 });
  let promptLen: string | undefined;
  if (opts.adapter?.prompt) {
    const prompt = b.adapterInput('prompt_embeddings', 'prompt', 'prompt', ['prompt_len', hid]);
    const batchShape = g.op('Shape', [inputIds], { start: 0, end: 1 });
    const pShape = g.op('Concat', [batchShape, g.op('Shape', [prompt])], { axis: 0 });
    const pe = g.op('Expand', [g.op('Unsqueeze', [prompt, b.i64([0])]), pShape]);
    x = g.op('Concat', [pe, x], { axis: 1 });
    promptLen = g.op('Shape', [prompt], { start: 0, end: 1 });
  }

  // Positions: past .. past + total - 1; causal mask [total, past + total].
  const total = g.op('Squeeze', [g.op('Shape', [x], { start: 1, end: 2 }), b.i64([0])]);
  const past = train ? b.scalarI64(0) : g.op('Squeeze', [g.op('Shape', [pastKeys[0]], { start: 1, end: 2 }), b.i64([0])]);
  const end = g.op('Add', [past, total]);
  const qpos = g.op('Range', [past, end, b.scalarI64(1)]);
  const kpos = g.op('Range', [b.scalarI64(0), end, b.scalarI64(1)]);
  const future = g.op('Less', [g.op('Unsqueeze', [qpos, b.i64([1])]), g.op('Unsqueeze', [kpos, b.i64([0])])]);
  const mask = g.op('Where', [future, b.f32(MASK), b.f32(0)]); // [total, past+total]
  const tables = ropeTables(cfg);
  const cosT = g.initializer(g.fresh('rope_cos'), { dtype: 'float32', dims: [cfg.maxPositions, D], data: tables.cos });
  const sinT = g.initializer(g.fresh('rope_sin'), { dtype: 'float32', dims: [cfg.maxPositions, D], data: tables.sin });
  const cos = g.op('Unsqueeze', [g.op('Gather', [cosT, qpos], { axis: 0 }), b.i64([0, 2])]);
  const sin = g.op('Unsqueeze', [g.op('Gather', [sinT, qpos], { axis: 0 }), b.i64([0, 2])]);
  const scale = b.f32(1 / Math.sqrt(D));

  const presentKeys: string[] = [];
  const presentValues: string[] = [];
  for (let i = 0; i < L; i++) {
    const p = `model.layers.${i}`;
    const h = b.rmsNorm(x, `${p}.input_layernorm.weight`);
    let q = b.linear(h, `${p}.self_attn.q_proj`, 'q_proj', hid, H * D);
    let k = b.linear(h, `${p}.self_attn.k_proj`, 'k_proj', hid, KV * D);
    const v = g.op('Reshape', [b.linear(h, `${p}.self_attn.v_proj`, 'v_proj', hid, KV * D), b.i64([0, 0, KV, D])]);
    q = b.rope(g.op('Reshape', [q, b.i64([0, 0, H, D])]), cos, sin);
    k = b.rope(g.op('Reshape', [k, b.i64([0, 0, KV, D])]), cos, sin);
    let kAll = k;
    let vAll = v;
    if (!train) {
      presentKeys.push(g.output(k, `present_key.${i}`, 'float32', ['batch', 'seq_total', KV, D]));
      presentValues.push(g.output(v, `present_value.${i}`, 'float32', ['batch', 'seq_total', KV, D]));
      kAll = g.op('Concat', [pastKeys[i], k], { axis: 1 });
      vAll = g.op('Concat', [pastValues[i], v], { axis: 1 });
    }
    // Grouped-query attention without copying K/V: queries [b, kv, grp, s, d] against keys [b, kv, 1, d, t].
    const qh = g.op('Reshape', [g.op('Transpose', [g.op('Mul', [q, scale])], { perm: [0, 2, 1, 3] }), b.i64([0, KV, grp, -1, D])]);
    const kt = g.op('Unsqueeze', [g.op('Transpose', [kAll], { perm: [0, 2, 3, 1] }), b.i64([2])]);
    const vt = g.op('Unsqueeze', [g.op('Transpose', [vAll], { perm: [0, 2, 1, 3] }), b.i64([2])]);
    const probs = g.op('Softmax', [g.op('Add', [g.op('MatMul', [qh, kt]), mask])], { axis: -1 });
    const ctx = g.op('Reshape', [g.op('MatMul', [probs, vt]), b.i64([0, H, -1, D])]);
    const attn = g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), b.i64([0, 0, H * D])]);
    x = g.op('Add', [x, b.linear(attn, `${p}.self_attn.o_proj`, 'o_proj', H * D, hid)]);

    const h2 = b.rmsNorm(x, `${p}.post_attention_layernorm.weight`);
    const gate = b.linear(h2, `${p}.mlp.gate_proj`, 'gate_proj', hid, cfg.intermediateSize);
    const up = b.linear(h2, `${p}.mlp.up_proj`, 'up_proj', hid, cfg.intermediateSize);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, b.linear(act, `${p}.mlp.down_proj`, 'down_proj', cfg.intermediateSize, hid)]);
  }

  let hs = x;
  const which = opts.logits ?? (train ? 'all' : 'last');
  if (which === 'last') hs = g.op('Slice', [hs, b.i64([-1]), b.i64([INT_MAX]), b.i64([1])]);
  else if (promptLen) hs = g.op('Slice', [hs, promptLen, b.i64([INT_MAX]), b.i64([1])]);
  const hidden = b.rmsNorm(hs, 'model.norm.weight');
  let logits = b.matmulW(hidden, cfg.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  if (!train) logits = g.output(logits, 'logits', 'float32', ['batch', which === 'last' ? 1 : 'seq', cfg.vocabSize]);
  return {
    inputIds,
    logits,
    hidden,
    pastKeys,
    pastValues,
    presentKeys,
    presentValues,
    adapterInputs: b.adapterInputs,
    loraScaling: b.loraScaling,
    loraDropout: b.loraDropout,
  };
}

export const llamaFamily: FamilyDef = {
  name: 'llama',
  weightSpecs: llamaWeightSpecs,
  modules: llamaModules,
  layerPrefix: (i) => `model.layers.${i}`,
  buildDecoderGraph: buildLlamaGraph,
  forward: llamaForward,
  defaultTargets: { lora: ['q_proj', 'v_proj'], ia3: ['k_proj', 'v_proj', 'down_proj'], ia3Feedforward: ['down_proj'] },
};
