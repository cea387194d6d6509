// The GPTBigCode family (Hugging Face `gpt_bigcode`: StarCoder 1, StarCoderBase, SantaCoder): learned
// absolute positions (`wpe`, added to the token embeddings) instead of RoPE, multi-query attention (one
// K/V head) from one fused `c_attn` projection laid out [q (E) | k (D) | v (D)], LayerNorm before
// attention and MLP (sequential residuals, as GPT-2), c_fc → GELU(tanh) → c_proj, biases on every
// projection, `ln_f`, the LM head tied to `wte`. Tensor names live under `transformer.`. The attention
// output projection and the MLP's second layer are both named c_proj: TestTune calls the MLP one
// `mlp.c_proj` (PEFT's own name in its (IA)³ defaults). Checked against transformers' logits.
import type { Graph } from '../onnx/graph';
import type { ModelConfig } from './config';
import type { BuildOptions, DecoderGraph, FamilyDef, LmHead, ModuleSpec, WeightSpec } from './family-api';
import { attend, Builder, finish, INT_MAX, prelude } from './blocks';
import { gelu } from './starcoder2';

const EMBED = 'transformer.wte.weight';
const POSITIONS = 'transformer.wpe.weight';
const HEAD: LmHead = { embed: EMBED, weight: 'lm_head.weight' };

function bigcodeModules(cfg: ModelConfig): (ModuleSpec & { path: string })[] {
  const h = cfg.hiddenSize;
  const ff = cfg.intermediateSize;
  return [
    { short: 'c_attn', path: 'attn.c_attn', inDim: h, outDim: h + 2 * cfg.headDim },
    { short: 'c_proj', path: 'attn.c_proj', inDim: h, outDim: h },
    { short: 'c_fc', path: 'mlp.c_fc', inDim: h, outDim: ff },
    { short: 'mlp.c_proj', path: 'mlp.c_proj', inDim: ff, outDim: h },
  ];
}

function bigcodeWeightSpecs(cfg: ModelConfig): WeightSpec[] {
  const h = cfg.hiddenSize;
  const specs: WeightSpec[] = [{ name: EMBED, shape: [cfg.vocabSize, h] }, { name: POSITIONS, shape: [cfg.maxPositions, h] }];
  const norm = (prefix: string) => specs.push({ name: `${prefix}.weight`, shape: [h] }, { name: `${prefix}.bias`, shape: [h] });
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `transformer.h.${i}`;
    norm(`${p}.ln_1`);
    norm(`${p}.ln_2`);
    for (const m of bigcodeModules(cfg)) specs.push({ name: `${p}.${m.path}.weight`, shape: [m.outDim, m.inDim] }, { name: `${p}.${m.path}.bias`, shape: [m.outDim] });
  }
  norm('transformer.ln_f');
  if (!cfg.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, h] });
  return specs;
}

function buildBigcodeGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph {
  const b = new Builder(g, cfg, opts);
  const pre = prelude(b, EMBED, POSITIONS);
  const E = cfg.hiddenSize;
  const D = cfg.headDim;
  const slice = (t: string, from: number, to: number) => g.op('Slice', [t, b.i64([from]), b.i64([to]), b.i64([-1])]);
  let x = pre.x;
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `transformer.h.${i}`;
    const qkv = b.linear(b.layerNorm(x, `${p}.ln_1`), `${p}.attn.c_attn`, 'c_attn', E, E + 2 * D, true);
    const attn = attend(b, pre, i, slice(qkv, 0, E), slice(qkv, E, E + D), slice(qkv, E + D, INT_MAX));
    x = g.op('Add', [x, b.linear(attn, `${p}.attn.c_proj`, 'c_proj', E, E, true)]);
    const fc = b.linear(b.layerNorm(x, `${p}.ln_2`), `${p}.mlp.c_fc`, 'c_fc', E, cfg.intermediateSize, true);
    x = g.op('Add', [x, b.linear(gelu(b, fc), `${p}.mlp.c_proj`, 'mlp.c_proj', cfg.intermediateSize, E, true)]);
  }
  return finish(b, pre, x, (hs) => b.layerNorm(hs, 'transformer.ln_f'), HEAD);
}

export const bigcodeFamily: FamilyDef = {
  name: 'gpt_bigcode',
  weightSpecs: bigcodeWeightSpecs,
  modules: bigcodeModules,
  layerPrefix: (i) => `transformer.h.${i}`,
  buildDecoderGraph: buildBigcodeGraph,
  head: HEAD,
  // PEFT's defaults for gpt_bigcode: LoRA c_attn; (IA)³ c_attn and mlp.c_proj (mlp.c_proj feedforward)
  defaultTargets: { lora: ['c_attn'], ia3: ['c_attn', 'mlp.c_proj'], ia3Feedforward: ['mlp.c_proj'] },
};
