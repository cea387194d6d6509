// An independent plain-TypeScript forward pass of the Llama family (and Qwen2) (no ONNX): the reference that the
// generated graphs are checked against. Its pieces (embedding, adapter-aware linear, RoPE, causal
// attention, LM head) are exported for the other families' references (starcoder2.ts). Batch 1, full sequence, float64 accumulation, written for
// clarity, not speed. Adapters follow PEFT semantics: LoRA y += (alpha/r)·B·A·x, (IA)³ scales the
// output (or the input, for feedforward modules), the soft prompt is prepended at positions 0..p-1.
import type { ModelConfig } from './config';
import type { AdapterWeights } from './family-api';
import { ropeTables, rotaryDim } from './rope';

export { ropeTables };

export type Mat = Float64Array[]; // rows

export function get(weights: Map<string, Float32Array>, name: string): Float32Array {
  const w = weights.get(name);
  if (!w) throw new Error(`forward: missing weight ${name}`);
  return w;
}

/** rows·Wᵀ for W [out, in] stored row-major. */
function matmulT(x: Mat, w: Float32Array, out: number): Mat {
  const inDim = x[0]?.length ?? 0;
  return x.map((row) => {
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = 0;
      const base = o * inDim;
      for (let i = 0; i < inDim; i++) s += row[i] * w[base + i];
      y[o] = s;
    }
    return y;
  });
}

function rmsNorm(x: Mat, w: Float32Array, eps: number): Mat {
  return x.map((row) => {
    let ms = 0;
    for (const v of row) ms += v * v;
    const inv = 1 / Math.sqrt(ms / row.length + eps);
    return row.map((v, i) => v * inv * w[i]);
  });
}

/** Token embeddings with the soft prompt (p rows) first. */
export function embed(cfg: ModelConfig, weights: Map<string, Float32Array>, ids: number[], adapter?: AdapterWeights): { x: Mat; p: number } {
  const hid = cfg.hiddenSize;
  const emb = get(weights, 'model.embed_tokens.weight');
  const x: Mat = [];
  const p = adapter?.prompt?.p ?? 0;
  for (let t = 0; t < p; t++) x.push(Float64Array.from(adapter!.prompt!.data.subarray(t * hid, (t + 1) * hid)));
  for (const id of ids) x.push(Float64Array.from(emb.subarray(id * hid, (id + 1) * hid)));
  return { x, p };
}

export type Linear = (inp: Mat, module: string, out: number) => Mat;

/** x·Wᵀ of a base weight (HF name `name`); a test swaps in a quantised one to mirror the int8 graph. */
export type BaseMatmul = (x: Mat, w: Float32Array, out: number, name: string) => Mat;

/** x·Wᵀ (+ `<module>.bias` when `bias`) with the adapter of `module`, in PEFT order. */
export function adapterLinear(weights: Map<string, Float32Array>, adapter: AdapterWeights | undefined, bias = false, baseMatmul: BaseMatmul = matmulT): Linear {
  return (inp, module, out) => {
    const feedforwardIa3 = !!adapter?.ia3?.feedforward.some((s) => module.endsWith(`.${s}`));
    const ia3 = adapter?.ia3?.vectors.get(module);
    let xin = inp;
    if (ia3 && feedforwardIa3) xin = inp.map((r) => r.map((v, i) => v * ia3[i]));
    let y = baseMatmul(xin, get(weights, `${module}.weight`), out, `${module}.weight`);
    if (bias) {
      const b = get(weights, `${module}.bias`);
      y = y.map((row) => row.map((v, o) => v + b[o]));
    }
    const A = adapter?.lora?.A.get(module);
    const B = adapter?.lora?.B.get(module);
    if (A && B && adapter!.lora!.rank > 0) {
      const r = adapter!.lora!.rank;
      const ba = matmulT(matmulT(xin, A, r), B, out);
      y = y.map((row, t) => row.map((v, o) => v + adapter!.lora!.scaling * ba[t][o]));
    }
    if (ia3 && !feedforwardIa3) y = y.map((r) => r.map((v, o) => v * ia3[o]));
    return y;
  };
}

/** HF rotary embedding in place on rows [T, heads·headDim]: rotate_half, or pairs (2i, 2i+1) when interleaved; the first rotaryDim dims only. */
export function rope(cfg: ModelConfig, m: Mat, heads: number, tables: { cos: Float32Array; sin: Float32Array }): void {
  const D = cfg.headDim;
  const R = rotaryDim(cfg);
  const { cos, sin } = tables;
  for (let t = 0; t < m.length; t++)
    for (let h = 0; h < heads; h++) {
      const row = m[t];
      const o = h * D;
      const rotated = new Float64Array(R);
      for (let i = 0; i < R / 2; i++) {
        const [a, b] = cfg.ropeInterleaved ? [2 * i, 2 * i + 1] : [i, i + R / 2];
        rotated[a] = -row[o + b];
        rotated[b] = row[o + a];
      }
      for (let i = 0; i < R; i++) row[o + i] = row[o + i] * cos[t * R + i] + rotated[i] * sin[t * R + i];
    }
}

/** Causal grouped-query attention (rows [T, heads·headDim]); keys ≥ `slidingWindow` positions back are not seen. */
export function causalAttention(cfg: ModelConfig, q: Mat, k: Mat, v: Mat): Mat {
  const { numHeads: H, numKvHeads: KV, headDim: D } = cfg;
  const T = q.length;
  const W = cfg.slidingWindow ?? Infinity;
  const attn: Mat = Array.from({ length: T }, () => new Float64Array(H * D));
  for (let hd = 0; hd < H; hd++) {
    const kvh = Math.floor(hd / (H / KV));
    for (let t = 0; t < T; t++) {
      const first = Math.max(0, t - W + 1);
      const scores = new Float64Array(t + 1);
      let max = -Infinity;
      for (let s = first; s <= t; s++) {
        let dot = 0;
        for (let i = 0; i < D; i++) dot += q[t][hd * D + i] * k[s][kvh * D + i];
        scores[s] = dot / Math.sqrt(D);
        max = Math.max(max, scores[s]);
      }
      let sum = 0;
      for (let s = first; s <= t; s++) sum += scores[s] = Math.exp(scores[s] - max);
      for (let s = first; s <= t; s++)
        for (let i = 0; i < D; i++) attn[t][hd * D + i] += (scores[s] / sum) * v[s][kvh * D + i];
    }
  }
  return attn;
}

/** Logits [T, vocab] of final-norm hidden rows (tied or separate head). */
export function lmHead(cfg: ModelConfig, weights: Map<string, Float32Array>, hs: Mat, baseMatmul: BaseMatmul = matmulT): Float32Array {
  const V = cfg.vocabSize;
  const name = cfg.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  const logits = baseMatmul(hs, get(weights, name), V, name);
  const out = new Float32Array(logits.length * V);
  logits.forEach((row, t) => out.set(row, t * V));
  return out;
}

export function llamaForward(cfg: ModelConfig, weights: Map<string, Float32Array>, ids: number[], adapter?: AdapterWeights, baseMatmul: BaseMatmul = matmulT): Float32Array {
  const { hiddenSize: hid, numHeads: H, numKvHeads: KV, headDim: D } = cfg;
  const e = embed(cfg, weights, ids, adapter);
  let x = e.x;
  const tables = ropeTables(cfg);
  // Llama's attention_bias / mlp_bias and Qwen2's q/k/v biases
  const linear = adapterLinear(weights, adapter, !!cfg.mlpBias, baseMatmul);
  const qkvLinear = adapterLinear(weights, adapter, !!cfg.qkvBias, baseMatmul);
  const oLinear = adapterLinear(weights, adapter, !!cfg.oBias, baseMatmul);
  for (let l = 0; l < cfg.numLayers; l++) {
    const pre = `model.layers.${l}`;
    const h = rmsNorm(x, get(weights, `${pre}.input_layernorm.weight`), cfg.rmsNormEps);
    const q = qkvLinear(h, `${pre}.self_attn.q_proj`, H * D);
    const k = qkvLinear(h, `${pre}.self_attn.k_proj`, KV * D);
    const v = qkvLinear(h, `${pre}.self_attn.v_proj`, KV * D);
    rope(cfg, q, H, tables);
    rope(cfg, k, KV, tables);
    const attn = causalAttention(cfg, q, k, v);
    const o = oLinear(attn, `${pre}.self_attn.o_proj`, hid);
    x = x.map((row, t) => row.map((val, i) => val + o[t][i]));
    const h2 = rmsNorm(x, get(weights, `${pre}.post_attention_layernorm.weight`), cfg.rmsNormEps);
    const gate = linear(h2, `${pre}.mlp.gate_proj`, cfg.intermediateSize);
    const up = linear(h2, `${pre}.mlp.up_proj`, cfg.intermediateSize);
    const act = gate.map((row, t) => row.map((gv, i) => (gv / (1 + Math.exp(-gv))) * up[t][i]));
    const down = linear(act, `${pre}.mlp.down_proj`, hid);
    x = x.map((row, t) => row.map((val, i) => val + down[t][i]));
  }
  return lmHead(cfg, weights, rmsNorm(x.slice(e.p), get(weights, 'model.norm.weight'), cfg.rmsNormEps), baseMatmul);
}
