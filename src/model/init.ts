// Randomly initialised models for tests and benchmarks: presets, seeded weights (normal(0, 0.02),
// norms at one, biases at zero), and writing a model directory (config.json, model.safetensors, tokenizer.json).
import * as fs from 'fs';
import * as path from 'path';
import { byteLevelAlphabet } from './bytelevel';
import { type ModelConfig, toHfConfig } from './config';
import { family } from './family';
import { writeSafetensors, type StTensor } from './safetensors';
import { rng } from '../util/rng';

export type PresetName = 'tiny' | 'default' | 'tiny-starcoder2';

export const PRESETS: Record<PresetName, ModelConfig> = {
  tiny: {
    modelType: 'llama', hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, intermediateSize: 128,
    vocabSize: 512, ropeTheta: 10000, rmsNormEps: 1e-5, maxPositions: 2048, tieWordEmbeddings: true,
  },
  default: {
    modelType: 'llama', hiddenSize: 384, numLayers: 6, numHeads: 6, numKvHeads: 2, headDim: 64, intermediateSize: 1024,
    vocabSize: 8192, ropeTheta: 10000, rmsNormEps: 1e-5, maxPositions: 2048, tieWordEmbeddings: true,
  },
  // the second family at the tiny size: LayerNorm, GELU (tanh) MLP, biases
  'tiny-starcoder2': {
    modelType: 'starcoder2', hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, intermediateSize: 256,
    vocabSize: 512, ropeTheta: 10000, rmsNormEps: 1e-5, maxPositions: 2048, tieWordEmbeddings: true,
    useBias: true, hiddenAct: 'gelu_pytorch_tanh',
  },
};

export { rng } from '../util/rng';

export function normalArray(n: number, std: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Seeded random weights by Hugging Face name: N(0, std) for matrices, ones for norm weights, zeros for biases. */
export function initWeights(cfg: ModelConfig, seed = 0, std = 0.02): Map<string, Float32Array> {
  const rand = rng(seed);
  const out = new Map<string, Float32Array>();
  for (const s of family(cfg).weightSpecs(cfg)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    out.set(s.name, s.shape.length > 1 ? normalArray(n, std, rand) : new Float32Array(n).fill(s.name.endsWith('.bias') ? 0 : 1));
  }
  return out;
}

/** A byte-level BPE tokenizer.json with no merges: 256 byte tokens and `<|endoftext|>` (id 256). */
export function byteLevelTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  byteLevelAlphabet().forEach((c, i) => (vocab[c] = i));
  return {
    version: '1.0',
    added_tokens: [{ id: 256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges: [] },
  };
}

/** Writes config.json, model.safetensors and tokenizer.json into `dir`. */
export function writeModelDir(dir: string, cfg: ModelConfig, weights: Map<string, Float32Array>, tokenizerJson: unknown): void {
  fs.mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, StTensor>();
  for (const s of family(cfg).weightSpecs(cfg)) {
    const data = weights.get(s.name);
    if (!data) throw new Error(`writeModelDir: missing weight ${s.name}`);
    tensors.set(s.name, { dtype: 'F32', shape: s.shape, data });
  }
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(toHfConfig(cfg), null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
}
