// The Llama family (RMSNorm, RoPE, SwiGLU, grouped-query attention; optional biases: `attention_bias`,
// `mlp_bias`) emitted into the Graph IR. One
// definition serves the KV-cached inference graph and the training graph. Train mode uses only
// differentiable standard ops along parameter paths (MatMul, Add, Mul, Div, Pow, Sqrt, ReduceMean, Softmax,
// Reshape, Transpose, Concat, Slice, Gather, Sigmoid, Neg, Unsqueeze, Dropout); the causal mask and the
// RoPE positions come from Shape/Range/Less/Where on integer paths that carry no gradient. Inference
// may pass `weightT` (pre-transposed weights) and `matmul` (e.g. int8 DynamicQuantizeMatMul) hooks.
// The shared pieces (Builder, prelude, attention, tail) live in blocks.ts.
import type { Graph } from '../onnx/graph';
import type { ModelConfig } from './config';
import { attentionModules, type BuildOptions, type DecoderGraph, type FamilyDef, type WeightSpec } from './family-api';
import { Builder, finish, prelude, selfAttention } from './blocks';
import { llamaForward } from './forward';

function llamaWeightSpecs(cfg: ModelConfig): WeightSpec[] {
  const h = cfg.hiddenSize;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', shape: [cfg.vocabSize, h] }];
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    specs.push({ name: `${p}.input_layernorm.weight`, shape: [h] });
    for (const m of llamaModules(cfg)) {
      specs.push({ name: `${p}.${m.path}.weight`, shape: [m.outDim, m.inDim] });
      if (hasBias(cfg, m.short)) specs.push({ name: `${p}.${m.path}.bias`, shape: [m.outDim] });
    }
    specs.push({ name: `${p}.post_attention_layernorm.weight`, shape: [h] });
  }
  specs.push({ name: 'model.norm.weight', shape: [h] });
  if (!cfg.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, h] });
  return specs;
}

/** Llama's `attention_bias` (q/k/v/o), `mlp_bias` (gate/up/down); Qwen2's q/k/v biases. */
function hasBias(cfg: ModelConfig, short: string): boolean {
  if (short === 'q_proj' || short === 'k_proj' || short === 'v_proj') return !!cfg.qkvBias;
  if (short === 'o_proj') return !!cfg.oBias;
  return !!cfg.mlpBias;
}

function llamaModules(cfg: ModelConfig) {
  const h = cfg.hiddenSize;
  const ff = cfg.intermediateSize;
  return [
    ...attentionModules(cfg, 'o_proj'),
    { short: 'gate_proj', path: 'mlp.gate_proj', inDim: h, outDim: ff },
    { short: 'up_proj', path: 'mlp.up_proj', inDim: h, outDim: ff },
    { short: 'down_proj', path: 'mlp.down_proj', inDim: ff, outDim: h },
  ];
}

function buildLlamaGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph {
  const b = new Builder(g, cfg, opts);
  const pre = prelude(b);
  let x = pre.x;
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    const h = b.rmsNorm(x, `${p}.input_layernorm.weight`);
    x = g.op('Add', [x, selfAttention(b, pre, i, h, { qkvBias: cfg.qkvBias, oBias: cfg.oBias })]);

    const h2 = b.rmsNorm(x, `${p}.post_attention_layernorm.weight`);
    const mb = !!cfg.mlpBias;
    const gate = b.linear(h2, `${p}.mlp.gate_proj`, 'gate_proj', cfg.hiddenSize, cfg.intermediateSize, mb);
    const up = b.linear(h2, `${p}.mlp.up_proj`, 'up_proj', cfg.hiddenSize, cfg.intermediateSize, mb);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, b.linear(act, `${p}.mlp.down_proj`, 'down_proj', cfg.intermediateSize, cfg.hiddenSize, mb)]);
  }
  return finish(b, pre, x, (hs) => b.rmsNorm(hs, 'model.norm.weight'));
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

// Qwen2 (HF `qwen2`) is Llama with biases on q/k/v_proj (config.ts sets qkvBias) and untied embeddings
// by default; same tensor names.
// Mistral (HF `mistral`) is Llama with a sliding attention window (config.ts sets slidingWindow; blocks.ts
// masks by it in both graphs); same tensor names and PEFT defaults.
export const mistralFamily: FamilyDef = { ...llamaFamily, name: 'mistral' };

export const qwen2Family: FamilyDef = {
  ...llamaFamily,
  name: 'qwen2',
  // PEFT's (IA)³ default for qwen2 differs from llama's: q_proj, v_proj, down_proj (down_proj feedforward)
  defaultTargets: { lora: ['q_proj', 'v_proj'], ia3: ['q_proj', 'v_proj', 'down_proj'], ia3Feedforward: ['down_proj'] },
};
