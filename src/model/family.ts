// The model-family registry: everything that differs between decoder families (Llama, Mistral and Qwen2
// in llama.ts; StarCoder2; Phi; CodeGen; GPTBigCode) sits behind `FamilyDef` (family-api.ts). The rest of
// the engine (graphs, adapters, decoding, training) talks to this interface.
import type { Graph } from '../onnx/graph';
import { SUPPORTED_FAMILIES, type ModelConfig, type ModelFamily } from './config';
import type { BuildOptions, DecoderGraph, FamilyDef, LmHead, ModuleSpec } from './family-api';
import { codegenFamily } from './codegen';
import { bigcodeFamily } from './gpt-bigcode';
import { llamaFamily, mistralFamily, qwen2Family } from './llama';
import { phiFamily } from './phi';
import { starcoder2Family } from './starcoder2';

export type { WeightSpec, ModuleSpec, AdapterSlots, BuildOptions, AdapterInput, DecoderGraph, AdapterWeights, FamilyDef, LmHead } from './family-api';

const FAMILIES: Record<ModelFamily, FamilyDef> = {
  llama: llamaFamily,
  mistral: mistralFamily,
  starcoder2: starcoder2Family,
  qwen2: qwen2Family,
  phi: phiFamily,
  codegen: codegenFamily,
  gpt_bigcode: bigcodeFamily,
};

export function family(cfg: ModelConfig): FamilyDef {
  const f = FAMILIES[cfg.modelType];
  if (!f) throw new Error(`no model family '${cfg.modelType}' (supported: ${SUPPORTED_FAMILIES.join(', ')})`);
  return f;
}

/** The LM head's tensor names of the family. */
export function lmHeadOf(cfg: ModelConfig): LmHead {
  return family(cfg).head ?? { embed: 'model.embed_tokens.weight', weight: 'lm_head.weight' };
}

/** The single model definition used for inference and training graphs. */
export function buildDecoderGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph {
  return family(cfg).buildDecoderGraph(g, cfg, opts);
}

/** All module paths (every layer) whose short name is in `targets`, with dims. */
export function targetModules(cfg: ModelConfig, targets: string[]): (ModuleSpec & { path: string })[] {
  const f = family(cfg);
  const out: (ModuleSpec & { path: string })[] = [];
  for (let i = 0; i < cfg.numLayers; i++)
    for (const m of f.modules(cfg)) if (targets.includes(m.short)) out.push({ ...m, path: `${f.layerPrefix(i)}.${m.path}` });
  return out;
}
