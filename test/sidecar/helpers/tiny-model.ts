// Tiny randomly initialised models and adapters for sidecar-tier tests (milliseconds to create).
// `makeTinyModel(dir)` writes a loadable model directory (config.json, model.safetensors, a byte-level
// tokenizer.json); `makeTinyAdapter(dir, cfg, kind)` writes a PEFT-layout adapter for it.
import * as path from 'path';
import { saveAdapterDir, type AdapterSpec } from '../../../src/model/adapters';
import type { ModelConfig } from '../../../src/model/config';
import { family, targetModules, type AdapterWeights } from '../../../src/model/family';
import { BYTE_TO_CHAR } from '../../../src/model/bytelevel';
import { byteLevelTokenizerJson, initWeights, normalArray, PRESETS, rng, writeModelDir } from '../../../src/model/init';
import type { PeftType } from '../../../src/model/engine-api';

export interface TinyModelOptions {
  config?: Partial<ModelConfig>;
  seed?: number;
  std?: number; // weight init std (default 0.08: peaked enough that adapters visibly change greedy output)
  tokenizer?: unknown; // tokenizer.json object (default: byte-level, 256 bytes + <|endoftext|> = 256)
}

export interface TinyModel {
  dir: string;
  cfg: ModelConfig;
  weights: Map<string, Float32Array>;
}

export function tinyConfig(over: Partial<ModelConfig> = {}): ModelConfig {
  return { ...PRESETS.tiny, vocabSize: 260, maxPositions: 256, eosTokenId: 256, ...over };
}

export function makeTinyModel(dir: string, opts: TinyModelOptions = {}): TinyModel {
  const cfg = tinyConfig(opts.config);
  const weights = initWeights(cfg, opts.seed ?? 1, opts.std ?? 0.08);
  writeModelDir(dir, cfg, weights, opts.tokenizer ?? byteLevelTokenizerJson());
  return { dir, cfg, weights };
}

export interface TinyAdapterOptions {
  seed?: number;
  std?: number;
  r?: number;
  alpha?: number;
  targets?: string[];
  feedforward?: string[];
  p?: number; // soft-prompt length
  zeroB?: boolean; // LoRA with B = 0 (≡ no adapter)
  ones?: boolean; // (IA)³ vectors of ones (≡ no adapter)
}

/** Random adapter weights in graph layout (module path → tensor). */
export function tinyAdapterSpec(cfg: ModelConfig, kind: PeftType, o: TinyAdapterOptions = {}): AdapterSpec {
  const rand = rng(o.seed ?? 7);
  const std = o.std ?? 0.2;
  const d = family(cfg).defaultTargets;
  const spec: AdapterSpec = { peftType: kind, targets: [], feedforward: [], r: 0, alpha: 0, dropout: 0, numVirtualTokens: 0, weights: {} };
  let w: AdapterWeights = {};
  if (kind === 'LORA') {
    const r = o.r ?? 4;
    const alpha = o.alpha ?? 8;
    spec.targets = o.targets ?? d.lora;
    const A = new Map<string, Float32Array>();
    const B = new Map<string, Float32Array>();
    for (const m of targetModules(cfg, spec.targets)) {
      A.set(m.path, normalArray(r * m.inDim, std, rand));
      B.set(m.path, o.zeroB ? new Float32Array(m.outDim * r) : normalArray(m.outDim * r, std, rand));
    }
    Object.assign(spec, { r, alpha });
    w = { lora: { scaling: alpha / r, rank: r, A, B } };
  } else if (kind === 'IA3') {
    spec.targets = o.targets ?? d.ia3;
    spec.feedforward = o.feedforward ?? d.ia3Feedforward.filter((f) => spec.targets.includes(f));
    const vectors = new Map<string, Float32Array>();
    for (const m of targetModules(cfg, spec.targets)) {
      const n = spec.feedforward.includes(m.short) ? m.inDim : m.outDim;
      const v = new Float32Array(n).fill(1);
      if (!o.ones) {
        const noise = normalArray(n, o.std ?? 0.5, rand);
        for (let i = 0; i < n; i++) v[i] += noise[i];
      }
      vectors.set(m.path, v);
    }
    w = { ia3: { vectors, feedforward: spec.feedforward } };
  } else {
    const p = o.p ?? 3;
    spec.numVirtualTokens = p;
    w = { prompt: { p, data: normalArray(p * cfg.hiddenSize, o.std ?? 1, rand) } };
  }
  spec.weights = w;
  return spec;
}

export function makeTinyAdapter(dir: string, cfg: ModelConfig, kind: PeftType, o: TinyAdapterOptions = {}): AdapterSpec {
  const spec = tinyAdapterSpec(cfg, kind, o);
  saveAdapterDir(dir, cfg, spec);
  return spec;
}

/** `<modelDir>/adapters/<name>`: where the engine finds adapters at load. */
export function adapterPath(modelDir: string, name: string): string {
  return path.join(modelDir, 'adapters', name);
}

/**
 * A model with programmed greedy output: after a token whose text is a key of `next`, it emits the
 * token for `next[key]` (a single byte-level character, or '<eos>'). Attention and MLP outputs are
 * zeroed, so the last token alone decides (lm_head row t = sum of the embeddings of the tokens whose successor is t). Characters without
 * a successor continue unpredictably. E.g. chain('{x=1;}Q') with next['Q'] = 'Q' makes a prompt
 * ending in `{` continue with `x=1;}`.
 */
export function makeScriptedModel(dir: string, next: Record<string, string>, opts: TinyModelOptions = {}): TinyModel {
  const cfg = tinyConfig({ tieWordEmbeddings: false, ...opts.config });
  const weights = initWeights(cfg, opts.seed ?? 3, 1);
  const tok = byteLevelTokenizerJson() as { model: { vocab: Record<string, number> } };
  const id = (c: string): number => {
    if (c === '<eos>') return 256;
    const bytes = Buffer.from(c, 'utf8');
    if (bytes.length !== 1) throw new Error(`makeScriptedModel: '${c}' is not one byte`);
    const v = tok.model.vocab[BYTE_TO_CHAR[bytes[0]]];
    if (v === undefined) throw new Error(`makeScriptedModel: no id for '${c}'`);
    return v;
  };
  for (let l = 0; l < cfg.numLayers; l++) {
    weights.get(`model.layers.${l}.self_attn.o_proj.weight`)!.fill(0);
    weights.get(`model.layers.${l}.mlp.down_proj.weight`)!.fill(0);
  }
  const h = cfg.hiddenSize;
  const emb = weights.get('model.embed_tokens.weight')!;
  const head = new Float32Array(cfg.vocabSize * h);
  for (const [from, to] of Object.entries(next)) for (let i = 0; i < h; i++) head[id(to) * h + i] += emb[id(from) * h + i];
  weights.set('lm_head.weight', head);
  writeModelDir(dir, cfg, weights, byteLevelTokenizerJson());
  return { dir, cfg, weights };
}

/** Successor map of a string of distinct characters: chain('abc') = {a: 'b', b: 'c'}. */
export function chain(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < s.length; i++) out[s[i]] = s[i + 1];
  return out;
}

/** Base weights with every LoRA pair folded in: W + scaling·B·A (the reference for the LoRA ≡ merged checks). */
export function mergeLora(weights: Map<string, Float32Array>, lora: NonNullable<AdapterWeights['lora']>): Map<string, Float32Array> {
  const merged = new Map(weights);
  for (const [mod, A] of lora.A) {
    const B = lora.B.get(mod)!;
    const W = Float32Array.from(weights.get(`${mod}.weight`)!);
    const inDim = A.length / lora.rank;
    const outDim = B.length / lora.rank;
    for (let o = 0; o < outDim; o++)
      for (let i = 0; i < inDim; i++) {
        let s = 0;
        for (let k = 0; k < lora.rank; k++) s += B[o * lora.rank + k] * A[k * inDim + i];
        W[o * inDim + i] += lora.scaling * s;
      }
    merged.set(`${mod}.weight`, W);
  }
  return merged;
}
