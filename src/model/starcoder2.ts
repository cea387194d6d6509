// The StarCoder2 family (Hugging Face `starcoder2`): LayerNorm (weight + bias) before attention and MLP,
// grouped-query attention with RoPE (as Llama, rotate_half), biases on every projection (`use_bias`), a
// two-layer MLP c_proj(act(c_fc(x))) with the tanh-approximated GELU, an optional sliding attention
// window, and a LayerNorm at the end. Block: x + attn(LN(x)); x + c_proj(gelu(c_fc(LN(x)))).
// Dropouts (embedding, residual, attention) are training-only in HF and zero here. The shared pieces
// (Builder, prelude, attention, tail) come from blocks.ts; the plain-TS reference reuses forward.ts.
import type { Graph } from '../onnx/graph';
import type { ModelConfig } from './config';
import { attentionModules, type AdapterWeights, type BuildOptions, type DecoderGraph, type FamilyDef, type ModuleSpec, type WeightSpec } from './family-api';
import { Builder, finish, prelude, selfAttention } from './blocks';
import { adapterLinear, causalAttention, embed, get, lmHead, rope, ropeTables, type Mat } from './forward';

function starcoder2Modules(cfg: ModelConfig): (ModuleSpec & { path: string })[] {
  const h = cfg.hiddenSize;
  const ff = cfg.intermediateSize;
  return [
    ...attentionModules(cfg, 'o_proj'),
    { short: 'c_fc', path: 'mlp.c_fc', inDim: h, outDim: ff },
    { short: 'c_proj', path: 'mlp.c_proj', inDim: ff, outDim: h },
  ];
}

const bias = (cfg: ModelConfig): boolean => cfg.useBias !== false;

function starcoder2WeightSpecs(cfg: ModelConfig): WeightSpec[] {
  const h = cfg.hiddenSize;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', shape: [cfg.vocabSize, h] }];
  const norm = (prefix: string) => specs.push({ name: `${prefix}.weight`, shape: [h] }, { name: `${prefix}.bias`, shape: [h] });
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    norm(`${p}.input_layernorm`);
    for (const m of starcoder2Modules(cfg)) {
      specs.push({ name: `${p}.${m.path}.weight`, shape: [m.outDim, m.inDim] });
      if (bias(cfg)) specs.push({ name: `${p}.${m.path}.bias`, shape: [m.outDim] });
    }
    norm(`${p}.post_attention_layernorm`);
  }
  norm('model.norm');
  if (!cfg.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, h] });
  return specs;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** The configured GELU from Mul/Add/Tanh (or Erf for exact `gelu`): ops with gradient rules. */
export function gelu(b: Builder, x: string): string {
  const { g } = b;
  if (b.cfg.hiddenAct === 'gelu') {
    const e = g.op('Erf', [g.op('Mul', [x, b.f32(Math.SQRT1_2)])]);
    return g.op('Mul', [g.op('Mul', [x, b.f32(0.5)]), g.op('Add', [e, b.f32(1)])]);
  }
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
  const x3 = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [x3, b.f32(0.044715)])]), b.f32(SQRT_2_OVER_PI)]);
  return g.op('Mul', [g.op('Mul', [x, b.f32(0.5)]), g.op('Add', [g.op('Tanh', [inner]), b.f32(1)])]);
}

function buildStarcoder2Graph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph {
  const b = new Builder(g, cfg, opts);
  const pre = prelude(b);
  const useBias = bias(cfg);
  let x = pre.x;
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    const h = b.layerNorm(x, `${p}.input_layernorm`);
    x = g.op('Add', [x, selfAttention(b, pre, i, h, useBias)]);
    const h2 = b.layerNorm(x, `${p}.post_attention_layernorm`);
    const fc = b.linear(h2, `${p}.mlp.c_fc`, 'c_fc', cfg.hiddenSize, cfg.intermediateSize, useBias);
    x = g.op('Add', [x, b.linear(gelu(b, fc), `${p}.mlp.c_proj`, 'c_proj', cfg.intermediateSize, cfg.hiddenSize, useBias)]);
  }
  return finish(b, pre, x, (hs) => b.layerNorm(hs, 'model.norm'));
}

// ---- plain-TypeScript reference (float64) ----

function layerNorm(x: Mat, w: Float32Array, bv: Float32Array, eps: number): Mat {
  return x.map((row) => {
    let mean = 0;
    for (const v of row) mean += v;
    mean /= row.length;
    let variance = 0;
    for (const v of row) variance += (v - mean) * (v - mean);
    const inv = 1 / Math.sqrt(variance / row.length + eps);
    return row.map((v, i) => (v - mean) * inv * w[i] + bv[i]);
  });
}

/** erf: Taylor series below 3, the asymptotic expansion of erfc from 3 to 6 (|error| < 1e-9). */
function erf(z: number): number {
  const s = Math.sign(z);
  const a = Math.abs(z);
  if (a > 6) return s;
  if (a < 3) {
    let sum = a;
    let term = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (s * 2 * sum) / Math.sqrt(Math.PI);
  }
  // Asymptotic complement for 3 ≤ |z| ≤ 6.
  let t = 1;
  let sum = 1;
  for (let n = 1; n < 12; n++) {
    t *= -(2 * n - 1) / (2 * a * a);
    sum += t;
  }
  return s * (1 - (Math.exp(-a * a) / (a * Math.sqrt(Math.PI))) * sum);
}

function geluRef(cfg: ModelConfig, v: number): number {
  if (cfg.hiddenAct === 'gelu') return 0.5 * v * (1 + erf(v * Math.SQRT1_2));
  return 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
}

export function starcoder2Forward(
  cfg: ModelConfig,
  weights: Map<string, Float32Array>,
  ids: number[],
  adapter?: AdapterWeights,
): Float32Array {
  const { hiddenSize: hid, numHeads: H, numKvHeads: KV, headDim: D, rmsNormEps: eps } = cfg;
  const e = embed(cfg, weights, ids, adapter);
  let x = e.x;
  const tables = ropeTables(cfg);
  const linear = adapterLinear(weights, adapter, bias(cfg));
  const ln = (m: Mat, prefix: string) => layerNorm(m, get(weights, `${prefix}.weight`), get(weights, `${prefix}.bias`), eps);
  for (let l = 0; l < cfg.numLayers; l++) {
    const pre = `model.layers.${l}`;
    const h = ln(x, `${pre}.input_layernorm`);
    const q = linear(h, `${pre}.self_attn.q_proj`, H * D);
    const k = linear(h, `${pre}.self_attn.k_proj`, KV * D);
    const v = linear(h, `${pre}.self_attn.v_proj`, KV * D);
    rope(cfg, q, H, tables);
    rope(cfg, k, KV, tables);
    const o = linear(causalAttention(cfg, q, k, v), `${pre}.self_attn.o_proj`, hid);
    x = x.map((row, t) => row.map((val, i) => val + o[t][i]));
    const fc = linear(ln(x, `${pre}.post_attention_layernorm`), `${pre}.mlp.c_fc`, cfg.intermediateSize);
    const down = linear(
      fc.map((row) => row.map((val) => geluRef(cfg, val))),
      `${pre}.mlp.c_proj`,
      hid,
    );
    x = x.map((row, t) => row.map((val, i) => val + down[t][i]));
  }
  return lmHead(cfg, weights, ln(x.slice(e.p), 'model.norm'));
}

export const starcoder2Family: FamilyDef = {
  name: 'starcoder2',
  weightSpecs: starcoder2WeightSpecs,
  modules: starcoder2Modules,
  layerPrefix: (i) => `model.layers.${i}`,
  buildDecoderGraph: buildStarcoder2Graph,
  forward: starcoder2Forward,
  // PEFT's defaults for starcoder2: LoRA q_proj, v_proj; (IA)³ k_proj, v_proj, c_proj (c_proj feedforward)
  defaultTargets: { lora: ['q_proj', 'v_proj'], ia3: ['k_proj', 'v_proj', 'c_proj'], ia3Feedforward: ['c_proj'] },
};
