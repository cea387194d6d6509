// The model-family interface: everything that differs between decoder families (Llama: RMSNorm, RoPE,
// SwiGLU, GQA in llama.ts; LayerNorm, GELU MLP, biases in starcoder2.ts) sits behind `FamilyDef`. The rest of the engine (graphs, adapters, decoding, training) talks to this interface.
import type { Graph } from '../onnx/graph';
import { SUPPORTED_FAMILIES, type ModelConfig, type ModelFamily } from './config';
import { llamaFamily } from './llama';
import { starcoder2Family } from './starcoder2';

export interface WeightSpec {
  name: string; // Hugging Face tensor name, e.g. model.layers.0.self_attn.q_proj.weight
  shape: number[];
}

/** A linear projection adapters can target, per layer. */
export interface ModuleSpec {
  short: string; // PEFT target name, e.g. q_proj
  inDim: number;
  outDim: number;
}

/** Which adapter inputs a graph carries. Modules are PEFT short names (`target_modules`). */
export interface AdapterSlots {
  lora?: { targets: string[] };
  ia3?: { targets: string[]; feedforward: string[] }; // feedforward ⊆ targets: scale the input, not the output
  prompt?: boolean;
}

export interface BuildOptions {
  /** 'prefill'/'decode' build the same KV-cached inference graph; 'train' has no cache and explicit ops only. */
  mode: 'prefill' | 'decode' | 'train';
  /** Value name for a base weight (HF name): an initializer (frozen) or a graph input (trainable). Must be idempotent. */
  weight: (name: string) => string;
  /** Optional: value name of a matrix weight already transposed to [in, out] (inference: no Transpose to fold). */
  weightT?: (name: string) => string;
  /** Optional: emits x·Wᵀ for a base matrix weight (inference: int8 DynamicQuantizeMatMul); default MatMul. */
  matmul?: (g: Graph, x: string, name: string) => string;
  adapter?: AdapterSlots;
  /** Train mode: a scalar graph input `lora_dropout` (ratio) drives Dropout on the LoRA input path. */
  loraDropout?: boolean;
  /** 'last' (inference default): logits of the last position only; 'all' (train default): every token position. */
  logits?: 'last' | 'all';
}

export interface AdapterInput {
  name: string; // graph input name, e.g. model.layers.0.self_attn.q_proj.lora_A
  kind: 'lora_A' | 'lora_B' | 'ia3' | 'prompt';
  module: string; // module path (model.layers.0.self_attn.q_proj) or 'prompt'
  dims: (number | string)[];
}

export interface DecoderGraph {
  inputIds: string; // int64 [batch, seq]
  logits: string; // float [batch, seq or 1, vocab] (token positions only; soft-prompt positions are dropped)
  hidden: string; // final-norm hidden states [batch, seq or 1, hidden]
  pastKeys: string[]; // inference only: [batch, past, kvHeads, headDim]
  pastValues: string[];
  presentKeys: string[]; // inference only: the NEW positions only [batch, seq, kvHeads, headDim]
  presentValues: string[];
  adapterInputs: AdapterInput[];
  loraScaling?: string; // scalar-ish [1] float input: lora_alpha / r
  loraDropout?: string; // [] float input (train mode with loraDropout)
}

/** Per-token adapter tensors in graph-input layout (see adapters.ts for the PEFT layout on disk). */
export interface AdapterWeights {
  lora?: { scaling: number; A: Map<string, Float32Array>; B: Map<string, Float32Array>; rank: number }; // keyed by module path
  ia3?: { vectors: Map<string, Float32Array>; feedforward: string[] }; // module path → vector; feedforward short names
  prompt?: { p: number; data: Float32Array }; // [p, hidden]
}

export interface FamilyDef {
  name: ModelFamily;
  weightSpecs(cfg: ModelConfig): WeightSpec[];
  /** Projections per layer that adapters can target; the module path is `layerPrefix(i) + '.' + path`. */
  modules(cfg: ModelConfig): (ModuleSpec & { path: string })[];
  layerPrefix(i: number): string;
  /** Emits the decoder into `g`; declares inputs (and, except in train mode, outputs). */
  buildDecoderGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph;
  /** Plain-TypeScript reference forward of a full sequence: logits [seq, vocab] (batch 1). */
  forward(cfg: ModelConfig, weights: Map<string, Float32Array>, ids: number[], adapter?: AdapterWeights): Float32Array;
  /** Default PEFT targets: LoRA and (IA)³ (with its feedforward modules). */
  defaultTargets: { lora: string[]; ia3: string[]; ia3Feedforward: string[] };
}

const FAMILIES: Record<ModelFamily, FamilyDef> = { llama: llamaFamily, starcoder2: starcoder2Family };

export function family(cfg: ModelConfig): FamilyDef {
  const f = FAMILIES[cfg.modelType];
  if (!f) throw new Error(`no model family '${cfg.modelType}' (supported: ${SUPPORTED_FAMILIES.join(', ')})`);
  return f;
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
