// Building blocks shared by the decoder families (llama.ts, starcoder2.ts): the graph Builder
// (constants, linear projections with their adapters and optional bias, RMSNorm, LayerNorm, RoPE), the
// prelude (inputs, embeddings with the soft prompt, positions, causal mask, rotary tables), grouped-query
// self-attention with the KV cache, and the tail (final norm, LM head, outputs). A family only writes
// its block: which norm, which MLP, which names. Train mode emits explicit standard ops only.
import { f, type Graph } from '../onnx/graph';
import type { ModelConfig } from './config';
import type { AdapterInput, BuildOptions, DecoderGraph, LmHead } from './family-api';
import { halfRopeTables, ropeTables, rotaryDim } from './rope';

export const INT_MAX = 2 ** 62;
const MASK = -1e9;

export class Builder {
  readonly adapterInputs: AdapterInput[] = [];
  loraScaling?: string;
  loraDropout?: string;
  private readonly consts = new Map<string, string>();

  constructor(readonly g: Graph, readonly cfg: ModelConfig, readonly opts: BuildOptions) {
    if (opts.adapter?.lora?.targets.length) this.loraScaling = g.input('lora_scaling', 'float32', [1]);
    if (opts.loraDropout && opts.adapter?.lora?.targets.length) this.loraDropout = g.input('lora_dropout', 'float32', []);
  }

  get train(): boolean {
    return this.opts.mode === 'train';
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

  /**
   * y = x·Wᵀ (+ b) with the module's adapters, as PEFT applies them: (IA)³ scales the input (feedforward)
   * or the output (bias included), LoRA adds (alpha/r)·B·A·x beside the base layer.
   */
  linear(x: string, module: string, short: string, inDim: number, outDim: number, bias = false): string {
    const { g, opts } = this;
    const a = opts.adapter;
    const ia3 = a?.ia3?.targets.includes(short);
    const ff = ia3 && a!.ia3!.feedforward.includes(short);
    let xin = x;
    if (ia3 && ff) xin = g.op('Mul', [x, this.adapterInput(`${module}.ia3_l`, 'ia3', module, [inDim])]);
    let y = this.matmulW(xin, `${module}.weight`);
    if (bias) y = g.op('Add', [y, opts.weight(`${module}.bias`)]);
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

  /** Rows `ids` of the embedding table `name` (float32). */
  gather(name: string, ids: string): string {
    return this.opts.gather ? this.opts.gather(this.g, name, ids) : this.g.op('Gather', [this.opts.weight(name), ids], { axis: 0 });
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

  /**
   * torch.nn.LayerNorm over the last axis with `<prefix>.weight` and `<prefix>.bias`. Inference: the fused
   * LayerNormalization (opset 17); train mode: ReduceMean, Sub, Mul, Add, Sqrt, Div (every op has a rule).
   */
  layerNorm(x: string, prefix: string): string {
    const { g } = this;
    const w = this.opts.weight(`${prefix}.weight`);
    const b = this.opts.weight(`${prefix}.bias`);
    const eps = this.cfg.rmsNormEps;
    if (!this.train) return g.op('LayerNormalization', [x, w, b], { axis: -1, epsilon: f(eps) });
    const d = g.op('Sub', [x, g.op('ReduceMean', [x, this.i64([-1])], { keepdims: 1 })]);
    const variance = g.op('ReduceMean', [g.op('Mul', [d, d]), this.i64([-1])], { keepdims: 1 });
    const norm = g.op('Div', [d, g.op('Sqrt', [g.op('Add', [variance, this.f32(eps)])])]);
    return g.op('Add', [g.op('Mul', [norm, w]), b]);
  }

  /**
   * HF rotary embedding on [batch, seq, heads, headDim] with cos/sin [1, seq, 1, rotaryDim]: rotate_half
   * (Llama) or pairs (2i, 2i+1) (GPT-J/CodeGen, `ropeInterleaved`), on the first rotaryDim dims only.
   */
  rope(x: string, cos: string, sin: string): string {
    const { g, cfg } = this;
    const R = rotaryDim(cfg);
    const partial = R < cfg.headDim;
    const xr = partial ? g.op('Slice', [x, this.i64([0]), this.i64([R]), this.i64([-1])]) : x;
    let rot: string;
    if (cfg.ropeInterleaved) {
      // [.., R] → [.., R/2, 2]: (x0, x1) → (-x1, x0)
      const pairs = g.op('Reshape', [xr, this.i64([0, 0, 0, R / 2, 2])]);
      const even = g.op('Slice', [pairs, this.i64([0]), this.i64([1]), this.i64([-1])]);
      const odd = g.op('Slice', [pairs, this.i64([1]), this.i64([2]), this.i64([-1])]);
      rot = g.op('Reshape', [g.op('Concat', [g.op('Neg', [odd]), even], { axis: -1 }), this.i64([0, 0, 0, R])]);
    } else {
      const x1 = g.op('Slice', [xr, this.i64([0]), this.i64([R / 2]), this.i64([-1])]);
      const x2 = g.op('Slice', [xr, this.i64([R / 2]), this.i64([INT_MAX]), this.i64([-1])]);
      rot = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
    }
    const y = g.op('Add', [g.op('Mul', [xr, cos]), g.op('Mul', [rot, sin])]);
    if (!partial) return y;
    return g.op('Concat', [y, g.op('Slice', [x, this.i64([R]), this.i64([INT_MAX]), this.i64([-1])])], { axis: -1 });
  }
}

/**
 * Train mode only: `packed` makes the graph take `position_ids` [seq] and `segment_ids` [seq] (int64,
 * one per token of input_ids) so several examples share one sequence: a query sees only earlier keys of
 * its own segment (and the soft prompt, which every segment shares), and RoPE positions restart per
 * example. (Read as an extension of BuildOptions; src/train/graph.ts sets it.)
 */
export type TrainBuildOptions = BuildOptions & { packed?: boolean };

/** Packed-sequence inputs: RoPE positions of all rows and the [total, total] "other segment" flags. */
function packedInputs(b: Builder, promptLen: string | undefined): { positions: string; otherSegment: string } {
  const { g } = b;
  const posIn = g.input('position_ids', 'int64', ['seq']);
  const segIn = g.input('segment_ids', 'int64', ['seq']);
  let positions = posIn;
  let seg = segIn;
  if (promptLen) {
    // The soft prompt: positions 0..P-1 and segment -1 (seen by every example); tokens shift by P.
    const p = g.op('Squeeze', [promptLen, b.i64([0])]);
    positions = g.op('Concat', [g.op('Range', [b.scalarI64(0), p, b.scalarI64(1)]), g.op('Add', [posIn, p])], { axis: 0 });
    seg = g.op('Concat', [g.op('Expand', [b.i64([-1]), promptLen]), segIn], { axis: 0 });
  }
  const segK = g.op('Unsqueeze', [seg, b.i64([0])]);
  const same = g.op('Equal', [g.op('Unsqueeze', [seg, b.i64([1])]), segK]);
  const otherSegment = g.op('Not', [g.op('Or', [same, g.op('Equal', [segK, b.i64([-1])])])]);
  return { positions, otherSegment };
}

/** What every layer needs: inputs, the embedded sequence, the mask and the rotary tables. */
export interface Prelude {
  inputIds: string;
  pastKeys: string[];
  pastValues: string[];
  pastLength?: string; // shared max-length cache: int64 [1] filled positions (else the past inputs' length)
  presentKeys: string[];
  presentValues: string[];
  x: string; // embeddings [batch, total, hidden] (soft prompt first)
  promptLen?: string;
  mask: string; // additive [total, past + total] (train mode; inference masks inside GroupQueryAttention)
  cos: string;
  sin: string;
  scale: string; // 1/sqrt(headDim)
  /** Inference only: the first position as [1] (RotaryEmbedding's position_ids); cos/sin are then [maxPositions, D/2]. */
  ropeStart?: string;
  /** Inference only: GroupQueryAttention's seqlens_k (int32 [batch], total - 1) and total_sequence_length (int32 scalar). */
  seqlensK?: string;
  totalLen?: string;
}

/**
 * The inference prelude: RoPE tables as [maxPositions, D/2] for contrib RotaryEmbedding (positions start
 * at the cached length), and the lengths GroupQueryAttention masks by (causal, sliding window) — no mask tensor.
 */
function inferencePrelude(b: Builder, p: Pick<Prelude, 'inputIds' | 'pastKeys' | 'pastValues' | 'pastLength' | 'x' | 'promptLen'>, positionEmbed?: string): Prelude {
  const { g, cfg } = b;
  const D = cfg.headDim;
  const R = rotaryDim(cfg);
  let cos = '';
  let sin = '';
  if (!cfg.learnedPositions) {
    const tables = halfRopeTables(cfg);
    cos = g.initializer(g.fresh('rope_cos'), { dtype: 'float32', dims: [cfg.maxPositions, R / 2], data: tables.cos });
    sin = g.initializer(g.fresh('rope_sin'), { dtype: 'float32', dims: [cfg.maxPositions, R / 2], data: tables.sin });
  }
  // the filled past: the past inputs' length, or (shared max-length cache) the past_length input
  const ropeStart = p.pastLength ?? g.op('Shape', [p.pastKeys[0]], { start: 1, end: 2 }); // [1]
  const end = g.op('Add', [ropeStart, g.op('Shape', [p.x], { start: 1, end: 2 })]); // [1]: past + total
  if (positionEmbed) {
    // learned absolute positions (gpt_bigcode): rows past..past+total-1 of the position table
    const pos = g.op('Range', [g.op('Squeeze', [ropeStart, b.i64([0])]), g.op('Squeeze', [end, b.i64([0])]), b.scalarI64(1)]);
    p = { ...p, x: g.op('Add', [p.x, b.gather(positionEmbed, pos)]) };
  }
  const INT32 = 6;
  const totalLen = g.op('Cast', [g.op('Squeeze', [end, b.i64([0])])], { to: INT32 });
  const seqlensK = g.op('Cast', [g.op('Expand', [g.op('Sub', [end, b.i64([1])]), g.op('Shape', [p.inputIds], { start: 0, end: 1 })])], { to: INT32 });
  const scale = b.f32(1 / Math.sqrt(D));
  return { ...p, presentKeys: [], presentValues: [], mask: '', cos, sin, scale, ropeStart, seqlensK, totalLen };
}

/** Inputs, embeddings (soft prompt prepended), positions past..past+total-1, causal (optionally sliding-window) mask, RoPE. */
export function prelude(b: Builder, embedName = 'model.embed_tokens.weight', positionEmbed?: string): Prelude {
  const { g, cfg, opts } = b;
  const { numLayers: L, numKvHeads: KV, headDim: D, hiddenSize: hid } = cfg;
  const train = b.train;
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const pastKeys: string[] = [];
  const pastValues: string[] = [];
  // a resident cache is in GroupQueryAttention's layout [b, kv, past, d], else sequence-major [b, past, kv, d]
  const pastDims = opts.residentKvCache ? ['batch', KV, 'past', D] : ['batch', 'past', KV, D];
  if (!train)
    for (let i = 0; i < L; i++) {
      pastKeys.push(g.input(`past_key.${i}`, 'float32', pastDims));
      pastValues.push(g.input(`past_value.${i}`, 'float32', pastDims));
    }
  const pastLength = !train && opts.sharedKvCache ? g.input('past_length', 'int64', [1]) : undefined;

  let x = b.gather(embedName, inputIds);
  let promptLen: string | undefined;
  if (opts.adapter?.prompt) {
    const prompt = b.adapterInput('prompt_embeddings', 'prompt', 'prompt', ['prompt_len', hid]);
    const batchShape = g.op('Shape', [inputIds], { start: 0, end: 1 });
    const pShape = g.op('Concat', [batchShape, g.op('Shape', [prompt])], { axis: 0 });
    const pe = g.op('Expand', [g.op('Unsqueeze', [prompt, b.i64([0])]), pShape]);
    x = g.op('Concat', [pe, x], { axis: 1 });
    promptLen = g.op('Shape', [prompt], { start: 0, end: 1 });
  }

  if (!train) return inferencePrelude(b, { inputIds, pastKeys, pastValues, pastLength, x, promptLen }, positionEmbed);
  const total = g.op('Squeeze', [g.op('Shape', [x], { start: 1, end: 2 }), b.i64([0])]);
  const past = train ? b.scalarI64(0) : g.op('Squeeze', [g.op('Shape', [pastKeys[0]], { start: 1, end: 2 }), b.i64([0])]);
  const end = g.op('Add', [past, total]);
  const qpos = g.op('Range', [past, end, b.scalarI64(1)]);
  const kpos = g.op('Range', [b.scalarI64(0), end, b.scalarI64(1)]);
  const qcol = g.op('Unsqueeze', [qpos, b.i64([1])]);
  let hidden = g.op('Less', [qcol, g.op('Unsqueeze', [kpos, b.i64([0])])]); // future keys
  const packed = train && (opts as TrainBuildOptions).packed ? packedInputs(b, promptLen) : undefined;
  if (packed) hidden = g.op('Or', [hidden, packed.otherSegment]);
  const W = cfg.slidingWindow;
  if (W !== undefined && W < cfg.maxPositions) {
    // keys at q - k ≥ window are out of reach (HF: kv_idx > q_idx - sliding_window is visible); packed
    // rows measure the distance in their example's positions, as if each example ran alone
    const kp = packed ? packed.positions : kpos;
    const qp = packed ? g.op('Unsqueeze', [packed.positions, b.i64([1])]) : qcol;
    const reach = g.op('Add', [g.op('Unsqueeze', [kp, b.i64([0])]), b.scalarI64(W - 1)]);
    hidden = g.op('Or', [hidden, g.op('Less', [reach, qp])]);
  }
  const mask = g.op('Where', [hidden, b.f32(MASK), b.f32(0)]); // [total, past+total]
  const rpos = packed?.positions ?? qpos;
  const scale = b.f32(1 / Math.sqrt(D));
  if (cfg.learnedPositions) {
    // learned absolute positions instead of RoPE (gpt_bigcode); packed examples restart at 0 as alone
    if (positionEmbed) x = g.op('Add', [x, b.gather(positionEmbed, rpos)]);
    return { inputIds, pastKeys, pastValues, presentKeys: [], presentValues: [], x, promptLen, mask, cos: '', sin: '', scale };
  }
  const tables = ropeTables(cfg);
  const R = rotaryDim(cfg);
  const cosT = g.initializer(g.fresh('rope_cos'), { dtype: 'float32', dims: [cfg.maxPositions, R], data: tables.cos });
  const sinT = g.initializer(g.fresh('rope_sin'), { dtype: 'float32', dims: [cfg.maxPositions, R], data: tables.sin });
  const cos = g.op('Unsqueeze', [g.op('Gather', [cosT, rpos], { axis: 0 }), b.i64([0, 2])]);
  const sin = g.op('Unsqueeze', [g.op('Gather', [sinT, rpos], { axis: 0 }), b.i64([0, 2])]);
  return { inputIds, pastKeys, pastValues, presentKeys: [], presentValues: [], x, promptLen, mask, cos, sin, scale };
}

/** Bias switches and the output projection's name of a family's attention (default: Llama's, no biases). */
export interface AttentionOptions {
  qkvBias?: boolean;
  oBias?: boolean;
  oShort?: string; // PEFT short name of the output projection (o_proj; phi: dense)
}

/**
 * Self-attention of layer i on the normed input h: q/k/v projections (with adapters and optional
 * biases), RoPE, the KV cache (inference), grouped-query attention, the output projection.
 */
export function selfAttention(b: Builder, pre: Prelude, i: number, h: string, bias: boolean | AttentionOptions = false): string {
  const { cfg } = b;
  const o: AttentionOptions = typeof bias === 'boolean' ? { qkvBias: bias, oBias: bias } : bias;
  const { numHeads: H, numKvHeads: KV, headDim: D, hiddenSize: hid } = cfg;
  const p = `model.layers.${i}`;
  const q = b.linear(h, `${p}.self_attn.q_proj`, 'q_proj', hid, H * D, o.qkvBias);
  const k = b.linear(h, `${p}.self_attn.k_proj`, 'k_proj', hid, KV * D, o.qkvBias);
  const v = b.linear(h, `${p}.self_attn.v_proj`, 'v_proj', hid, KV * D, o.qkvBias);
  const oShort = o.oShort ?? 'o_proj';
  return b.linear(attend(b, pre, i, q, k, v), `${p}.self_attn.${oShort}`, oShort, H * D, hid, o.oBias);
}

/**
 * RoPE, the KV cache (inference) and grouped-query attention of layer i on projected q [b, s, H·D] and
 * k, v [b, s, KV·D]; returns the heads' output [b, s, H·D] before the output projection.
 */
export function attend(b: Builder, pre: Prelude, i: number, q: string, k: string, v: string): string {
  const { g, cfg } = b;
  const { numHeads: H, numKvHeads: KV, headDim: D } = cfg;
  const grp = H / KV;
  if (b.train) {
    v = g.op('Reshape', [v, b.i64([0, 0, KV, D])]);
    q = g.op('Reshape', [q, b.i64([0, 0, H, D])]);
    k = g.op('Reshape', [k, b.i64([0, 0, KV, D])]);
    if (!cfg.learnedPositions) {
      q = b.rope(q, pre.cos, pre.sin);
      k = b.rope(k, pre.cos, pre.sin);
    }
  } else {
    // one contrib RotaryEmbedding per projection; K and V land straight in the present_* outputs (no Identity)
    const R = rotaryDim(cfg);
    const partial: Record<string, number> = R < D ? { rotary_embedding_dim: R } : {};
    const rot = (x: string, heads: number) =>
      g.op('RotaryEmbedding', [x, pre.ropeStart!, pre.cos, pre.sin], { interleaved: cfg.ropeInterleaved ? 1 : 0, num_heads: heads, ...partial }, { domain: 'com.microsoft' });
    if (!cfg.learnedPositions) {
      q = rot(q, H);
      k = rot(k, KV);
    }
    const W = cfg.slidingWindow;
    const window = W !== undefined && W < cfg.maxPositions ? W : -1;
    const gqa = { num_heads: H, kv_num_heads: KV, local_window_size: window };
    if (b.opts.residentKvCache) {
      // the past as GroupQueryAttention takes it, and its whole present out as the next step's past
      const [attn, presentK, presentV] = g.opN('GroupQueryAttention', [q, k, v, pre.pastKeys[i], pre.pastValues[i], pre.seqlensK!, pre.totalLen!], 3, gqa, { domain: 'com.microsoft', outputs: [g.fresh('gqa'), `present_key.${i}`, `present_value.${i}`] });
      pre.presentKeys.push(g.output(presentK, presentK, 'float32', ['batch', KV, 'past', D]));
      pre.presentValues.push(g.output(presentV, presentV, 'float32', ['batch', KV, 'past', D]));
      return attn;
    }
    pre.presentKeys.push(g.output(g.op('Reshape', [k, b.i64([0, 0, KV, D])], {}, { output: `present_key.${i}` }), `present_key.${i}`, 'float32', ['batch', 'seq_total', KV, D]));
    pre.presentValues.push(g.output(g.op('Reshape', [v, b.i64([0, 0, KV, D])], {}, { output: `present_value.${i}` }), `present_value.${i}`, 'float32', ['batch', 'seq_total', KV, D]));
    // contrib GroupQueryAttention (causal, sliding window) on [b, s, heads·d] against the past in [b, kv, past, d];
    // its own present K/V (the whole cache) stay inside the graph
    const bnsh = (t: string) => g.op('Transpose', [t], { perm: [0, 2, 1, 3] });
    const [attn] = g.opN('GroupQueryAttention', [q, k, v, bnsh(pre.pastKeys[i]), bnsh(pre.pastValues[i]), pre.seqlensK!, pre.totalLen!], 3, gqa, { domain: 'com.microsoft' });
    return attn;
  }
  // Grouped-query attention without copying K/V: queries [b, kv, grp, s, d] against keys [b, kv, 1, d, t].
  const qh = g.op('Reshape', [g.op('Transpose', [g.op('Mul', [q, pre.scale])], { perm: [0, 2, 1, 3] }), b.i64([0, KV, grp, -1, D])]);
  const kt = g.op('Unsqueeze', [g.op('Transpose', [k], { perm: [0, 2, 3, 1] }), b.i64([2])]);
  const vt = g.op('Unsqueeze', [g.op('Transpose', [v], { perm: [0, 2, 1, 3] }), b.i64([2])]);
  const probs = g.op('Softmax', [g.op('Add', [g.op('MatMul', [qh, kt]), pre.mask])], { axis: -1 });
  const ctx = g.op('Reshape', [g.op('MatMul', [probs, vt]), b.i64([0, H, -1, D])]);
  return g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), b.i64([0, 0, H * D])]);
}

const LLAMA_HEAD: LmHead = { embed: 'model.embed_tokens.weight', weight: 'lm_head.weight' };

/** Final norm on the kept positions, LM head, the logits output; assembles the DecoderGraph. */
export function finish(b: Builder, pre: Prelude, x: string, norm: (hs: string) => string, head: LmHead = LLAMA_HEAD): DecoderGraph {
  const { g, cfg, opts } = b;
  let hs = x;
  const which = opts.logits ?? (b.train ? 'all' : 'last');
  if (which === 'last') hs = g.op('Slice', [hs, b.i64([-1]), b.i64([INT_MAX]), b.i64([1])]);
  else if (pre.promptLen) hs = g.op('Slice', [hs, pre.promptLen, b.i64([INT_MAX]), b.i64([1])]);
  const hidden = norm(hs);
  let logits = b.matmulW(hidden, cfg.tieWordEmbeddings ? head.embed : head.weight);
  if (head.bias) logits = g.op('Add', [logits, opts.weight(head.bias)]);
  if (!b.train) logits = g.output(logits, 'logits', 'float32', ['batch', which === 'last' ? 1 : 'seq', cfg.vocabSize]);
  return {
    inputIds: pre.inputIds,
    logits,
    hidden,
    pastKeys: pre.pastKeys,
    pastValues: pre.pastValues,
    ...(pre.pastLength ? { pastLength: pre.pastLength } : {}),
    presentKeys: pre.presentKeys,
    presentValues: pre.presentValues,
    ...(opts.residentKvCache && !b.train ? { kvResident: true } : {}),
    adapterInputs: b.adapterInputs,
    loraScaling: b.loraScaling,
    loraDropout: b.loraDropout,
  };
}
