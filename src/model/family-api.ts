// The model-family interface, `FamilyDef`, and the data it builds and reads (graph build options,
// adapter slots and weights, the decoder graph's value names). Apart from the registry (family.ts), so
// the families (llama.ts, starcoder2.ts) and their shared pieces (blocks.ts, forward.ts) implement it
// without importing the registry that imports them.
import type { Graph } from '../onnx/graph';
import type { ModelConfig, ModelFamily } from './config';

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

/**
 * The separate q/k/v projections and the output projection of one attention block, as Llama-style
 * families name them under `self_attn.` (`outputName`: o_proj, or phi's dense), with their shapes.
 */
export function attentionModules(cfg: { hiddenSize: number; numHeads: number; numKvHeads: number; headDim: number }, outputName: string): (ModuleSpec & { path: string })[] {
  const h = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  return [
    { short: 'q_proj', path: 'self_attn.q_proj', inDim: h, outDim: q },
    { short: 'k_proj', path: 'self_attn.k_proj', inDim: h, outDim: kv },
    { short: 'v_proj', path: 'self_attn.v_proj', inDim: h, outDim: kv },
    { short: outputName, path: `self_attn.${outputName}`, inDim: q, outDim: h },
  ];
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
  /** Optional: rows `ids` of an embedding table as float32 (inference: a 16-bit table gathered, then Cast); default Gather. */
  gather?: (g: Graph, name: string, ids: string) => string;
  adapter?: AdapterSlots;
  /** Train mode: a scalar graph input `lora_dropout` (ratio) drives Dropout on the LoRA input path. */
  loraDropout?: boolean;
  /** 'last' (inference default): logits of the last position only; 'all' (train default): every token position. */
  logits?: 'last' | 'all';
  /**
   * Inference: the past K/V inputs are the whole max-length cache and an int64 [1] input `past_length` says
   * how much of it is filled (ORT's WebGPU GroupQueryAttention needs its past and present to be one buffer
   * of the cache's full length). Default: the past inputs hold exactly the filled positions.
   */
  sharedKvCache?: boolean;
  /**
   * Inference with sharedKvCache: the cache stays where the session keeps it (WebGPU: GPU memory). The past
   * inputs are GroupQueryAttention's own layout [batch, kvHeads, maxLen, headDim], and its whole present
   * (the same layout) is the graph output that the session feeds back as the next step's past.
   */
  residentKvCache?: boolean;
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
  pastKeys: string[]; // inference only: [batch, past, kvHeads, headDim] (past = the cache's length with sharedKvCache)
  pastValues: string[];
  pastLength?: string; // inference with sharedKvCache: int64 [1], the filled positions of the past inputs
  presentKeys: string[]; // inference only: the NEW positions only [batch, seq, kvHeads, headDim]; with kvResident the whole cache [batch, kvHeads, maxLen, headDim]
  presentValues: string[];
  /** residentKvCache: present i is fed back as past i by the session (never copied to the host). */
  kvResident?: boolean;
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

/** Tensor names of the LM head: the embedding it is tied to, its own weight, its bias (phi, codegen). */
export interface LmHead {
  embed: string;
  weight: string;
  bias?: string;
}

export interface FamilyDef {
  name: ModelFamily;
  weightSpecs(cfg: ModelConfig): WeightSpec[];
  /** Projections per layer that adapters can target; the module path is `layerPrefix(i) + '.' + path`. */
  modules(cfg: ModelConfig): (ModuleSpec & { path: string })[];
  layerPrefix(i: number): string;
  /** Emits the decoder into `g`; declares inputs (and, except in train mode, outputs). */
  buildDecoderGraph(g: Graph, cfg: ModelConfig, opts: BuildOptions): DecoderGraph;
  /** Plain-TypeScript reference forward of a full sequence: logits [seq, vocab] (batch 1). Families added
   * later are checked against transformers' own logits instead (test/fixtures/interop). */
  forward?(cfg: ModelConfig, weights: Map<string, Float32Array>, ids: number[], adapter?: AdapterWeights): Float32Array;
  /** LM head tensors (default: Llama's, model.embed_tokens.weight / lm_head.weight, no bias). */
  head?: LmHead;
  /** Default PEFT targets: LoRA and (IA)³ (with its feedforward modules). */
  defaultTargets: { lora: string[]; ia3: string[]; ia3Feedforward: string[] };
}
