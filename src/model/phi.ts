// The Phi family (Hugging Face `phi`, Phi-1/1.5/2): one LayerNorm (weight + bias) feeds attention and MLP
// in parallel, x + attn(LN(x)) + fc2(gelu_new(fc1(LN(x)))); biases on every projection (q/k/v, `dense`,
// fc1, fc2) and on the LM head; RoPE (rotate_half) on the first `partial_rotary_factor` of each head
// only (config.ts sets rotaryDim); grouped-query attention when num_key_value_heads says so. Checked
// against transformers' logits (test/fixtures/interop) rather than a plain-TS reference.
import type { Graph } from '../onnx/graph';
import type { ModelConfig } from './config';
import { attentionModules, type BuildOptions, type DecoderGraph, type FamilyDef, type LmHead, type ModuleSpec, type WeightSpec } from './family-api';
import { Builder, finish, prelude, selfAttention } from './blocks';
import { gelu } from './starcoder2';

const HEAD: LmHead = { embed: 'model.embed_tokens.weight', weight: 'lm_head.weight', bias: 'lm_head.bias' };

function phiModules(cfg: ModelConfig): (ModuleSpec & { path: string })[] {
  const h = cfg.hiddenSize;
  const ff = cfg.intermediateSize;
  return [
    ...attentionModules(cfg, 'dense'),
    { short: 'fc1', path: 'mlp.fc1', inDim: h, outDim: ff },
    { short: 'fc2', path: 'mlp.fc2', inDim: ff, outDim: h },
  ];
}

function phiWeightSpecs(cfg: ModelConfig): WeightSpec[] {
  const h = cfg.hiddenSize;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', shape: [cfg.vocabSize, h] }];
  const norm = (prefix: string) => specs.push({ name: `${prefix}.weight`, shape: [h] }, { name: `${prefix}.bias`, shape: [h] });
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    norm(`${p}.input_layernorm`);
    for (const m of phiModules(cfg)) specs.push({ name: `${p}.${m.path}.weight`, shape: [m.outDim, m.inDim] }, { name: `${p}.${m.path}.bias`, shape: [m.outDim] });
  }
  norm('model.final_layernorm');
  if (!cfg.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, h] });
  specs.push({ name: 'lm_head.bias', shape: [cfg.vocabSize] });
  return specs;
}

function buildPhiGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph {
  const b = new Builder(g, cfg, opts);
  const pre = prelude(b);
  let x = pre.x;
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    const h = b.layerNorm(x, `${p}.input_layernorm`);
    const attn = selfAttention(b, pre, i, h, { qkvBias: true, oBias: true, oShort: 'dense' });
    const fc1 = b.linear(h, `${p}.mlp.fc1`, 'fc1', cfg.hiddenSize, cfg.intermediateSize, true);
    const mlp = b.linear(gelu(b, fc1), `${p}.mlp.fc2`, 'fc2', cfg.intermediateSize, cfg.hiddenSize, true);
    x = g.op('Add', [g.op('Add', [attn, mlp]), x]);
  }
  return finish(b, pre, x, (hs) => b.layerNorm(hs, 'model.final_layernorm'), HEAD);
}

export const phiFamily: FamilyDef = {
  name: 'phi',
  weightSpecs: phiWeightSpecs,
  modules: phiModules,
  layerPrefix: (i) => `model.layers.${i}`,
  buildDecoderGraph: buildPhiGraph,
  head: HEAD,
  // PEFT's defaults for phi: LoRA q_proj, v_proj, fc1, fc2; (IA)³ q_proj, v_proj, fc2 (fc2 feedforward)
  defaultTargets: { lora: ['q_proj', 'v_proj', 'fc1', 'fc2'], ia3: ['q_proj', 'v_proj', 'fc2'], ia3Feedforward: ['fc2'] },
};
