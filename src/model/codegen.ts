// The CodeGen family (Hugging Face `codegen`, CodeGen-350M/2B/6B/16B-mono/multi): one LayerNorm feeds
// attention and MLP in parallel, x + out_proj(attn(LN(x))) + fc_out(gelu_new(fc_in(LN(x)))); a fused
// `qkv_proj` without bias whose rows are laid out for 4 TPU cores (mp_num = 4: per core, its share of
// the query heads, then value, then key); GPT-J-style rotary (pairs 2i, 2i+1) on the first `rotary_dim`
// dimensions of each head; biases on fc_in, fc_out and the LM head. Tensor names live under
// `transformer.` (wte, h.i.ln_1, h.i.attn, h.i.mlp, ln_f). Checked against transformers' logits.
import type { Graph } from '../onnx/graph';
import type { ModelConfig } from './config';
import type { BuildOptions, DecoderGraph, FamilyDef, LmHead, ModuleSpec, WeightSpec } from './family-api';
import { attend, Builder, finish, prelude } from './blocks';
import { gelu } from './starcoder2';

const EMBED = 'transformer.wte.weight';
const HEAD: LmHead = { embed: EMBED, weight: 'lm_head.weight', bias: 'lm_head.bias' };
const MP_NUM = 4; // transformers hard-codes the fused layout of the original TPU-v4 training

function codegenModules(cfg: ModelConfig): (ModuleSpec & { path: string })[] {
  const h = cfg.hiddenSize;
  const ff = cfg.intermediateSize;
  return [
    { short: 'qkv_proj', path: 'attn.qkv_proj', inDim: h, outDim: 3 * h },
    { short: 'out_proj', path: 'attn.out_proj', inDim: h, outDim: h },
    { short: 'fc_in', path: 'mlp.fc_in', inDim: h, outDim: ff },
    { short: 'fc_out', path: 'mlp.fc_out', inDim: ff, outDim: h },
  ];
}

const withBias = (short: string): boolean => short === 'fc_in' || short === 'fc_out';

function codegenWeightSpecs(cfg: ModelConfig): WeightSpec[] {
  const h = cfg.hiddenSize;
  const specs: WeightSpec[] = [{ name: EMBED, shape: [cfg.vocabSize, h] }];
  const norm = (prefix: string) => specs.push({ name: `${prefix}.weight`, shape: [h] }, { name: `${prefix}.bias`, shape: [h] });
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `transformer.h.${i}`;
    norm(`${p}.ln_1`);
    for (const m of codegenModules(cfg)) {
      specs.push({ name: `${p}.${m.path}.weight`, shape: [m.outDim, m.inDim] });
      if (withBias(m.short)) specs.push({ name: `${p}.${m.path}.bias`, shape: [m.outDim] });
    }
  }
  norm('transformer.ln_f');
  if (!cfg.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, h] });
  specs.push({ name: 'lm_head.bias', shape: [cfg.vocabSize] });
  return specs;
}

/** Splits the fused projection [b, s, 3E] into q, k, v [b, s, E] (per core: q, v, k; heads core-major). */
function splitQkv(b: Builder, qkv: string): [string, string, string] {
  const { g, cfg } = b;
  const E = cfg.hiddenSize;
  const local = E / MP_NUM;
  const cores = g.op('Reshape', [qkv, b.i64([0, 0, MP_NUM, 3, local])]);
  const part = (j: number) => g.op('Reshape', [g.op('Slice', [cores, b.i64([j]), b.i64([j + 1]), b.i64([3])]), b.i64([0, 0, E])]);
  return [part(0), part(2), part(1)];
}

function buildCodegenGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph {
  const b = new Builder(g, cfg, opts);
  const pre = prelude(b, EMBED);
  const E = cfg.hiddenSize;
  let x = pre.x;
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `transformer.h.${i}`;
    const h = b.layerNorm(x, `${p}.ln_1`);
    const [q, k, v] = splitQkv(b, b.linear(h, `${p}.attn.qkv_proj`, 'qkv_proj', E, 3 * E));
    const attn = b.linear(attend(b, pre, i, q, k, v), `${p}.attn.out_proj`, 'out_proj', E, E);
    const fc = b.linear(h, `${p}.mlp.fc_in`, 'fc_in', E, cfg.intermediateSize, true);
    const mlp = b.linear(gelu(b, fc), `${p}.mlp.fc_out`, 'fc_out', cfg.intermediateSize, E, true);
    x = g.op('Add', [g.op('Add', [attn, mlp]), x]);
  }
  return finish(b, pre, x, (hs) => b.layerNorm(hs, 'transformer.ln_f'), HEAD);
}

export const codegenFamily: FamilyDef = {
  name: 'codegen',
  weightSpecs: codegenWeightSpecs,
  modules: codegenModules,
  layerPrefix: (i) => `transformer.h.${i}`,
  buildDecoderGraph: buildCodegenGraph,
  head: HEAD,
  // PEFT's LoRA default for codegen is qkv_proj; PEFT has no (IA)³ default for it: TestTune scales
  // qkv_proj's output and fc_out's input, the pattern PEFT uses for GPT-style models
  defaultTargets: { lora: ['qkv_proj'], ia3: ['qkv_proj', 'fc_out'], ia3Feedforward: ['fc_out'] },
};
