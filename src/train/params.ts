// Trainable tensors per method: their initial values (PEFT's initialisers), the closed-form parameter
// counts the study tabulates, and the conversion to PEFT's on-disk adapter layout.
import { parameterCount, type ModelConfig } from '../model/config';
import { targetModules, type AdapterWeights } from '../model/family';
import type { AdapterSpec } from '../model/adapters';
import { normalArray, rng } from '../model/init';
import type { Recipe } from './recipe';
import type { TrainableSpec } from './graph';

/**
 * Initial values: LoRA A ~ kaiming-uniform(a=√5) = U(±1/√fan_in), B = 0 (the adapter starts as the
 * identity); (IA)³ vectors = 1; soft prompt ~ N(0, 1) (PEFT's RANDOM init); full: the base weights
 * themselves (updated in place: pass arrays the caller owns).
 */
export function initTrainable(specs: TrainableSpec[], weights: Map<string, Float32Array>, seed: number): Map<string, Float32Array> {
  const rand = rng(seed);
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const n = s.dims.reduce((a, b) => a * b, 1);
    let v: Float32Array;
    if (s.kind === 'lora_A') {
      const bound = 1 / Math.sqrt(s.dims[1]);
      v = Float32Array.from({ length: n }, () => (rand() * 2 - 1) * bound);
    } else if (s.kind === 'lora_B') v = new Float32Array(n);
    else if (s.kind === 'ia3') v = new Float32Array(n).fill(1);
    else if (s.kind === 'prompt') v = normalArray(n, 1, rand);
    else v = weights.get(s.name)!; // full fine-tuning trains the loaded arrays in place (no second copy)
    out.set(s.name, v);
  }
  return out;
}

/** Closed-form trainable-parameter count of a method on a model. */
export function formulaParams(cfg: ModelConfig, r: Recipe): number {
  if (r.method === 'full') return parameterCount(cfg);
  if (r.method === 'prompt') return r.numVirtualTokens * cfg.hiddenSize;
  if (r.method === 'lora') return targetModules(cfg, r.loraTargets).reduce((s, m) => s + r.loraR * (m.inDim + m.outDim), 0);
  return targetModules(cfg, r.ia3Targets).reduce((s, m) => s + (r.ia3Feedforward.includes(m.short) ? m.inDim : m.outDim), 0);
}

/** One row of the study's table: method, trainable parameters, share of the model's parameters. */
export function paramsRow(cfg: ModelConfig, r: Recipe): { method: string; trainable: number; total: number; percent: string } {
  const trainable = formulaParams(cfg, r);
  const total = parameterCount(cfg) + (r.method === 'full' ? 0 : trainable);
  return { method: r.method, trainable, total, percent: ((100 * trainable) / total).toFixed(4) + '%' };
}

/** The trained tensors as a PEFT adapter spec (LoRA, (IA)³, prompt tuning). */
export function toAdapterSpec(cfg: ModelConfig, r: Recipe, specs: TrainableSpec[], values: Map<string, Float32Array>, baseModel?: string): AdapterSpec {
  const spec: AdapterSpec = { peftType: 'LORA', targets: [], feedforward: [], r: 0, alpha: 0, dropout: 0, numVirtualTokens: 0, weights: {}, baseModel };
  const w: AdapterWeights = {};
  if (r.method === 'lora') {
    const A = new Map<string, Float32Array>();
    const B = new Map<string, Float32Array>();
    for (const s of specs) (s.kind === 'lora_A' ? A : B).set(s.module, values.get(s.name)!);
    Object.assign(spec, { peftType: 'LORA', targets: r.loraTargets, r: r.loraR, alpha: r.loraAlpha, dropout: r.loraDropout });
    w.lora = { scaling: r.loraAlpha / r.loraR, rank: r.loraR, A, B };
  } else if (r.method === 'ia3') {
    const vectors = new Map(specs.map((s) => [s.module, values.get(s.name)!]));
    Object.assign(spec, { peftType: 'IA3', targets: r.ia3Targets, feedforward: r.ia3Feedforward });
    w.ia3 = { vectors, feedforward: r.ia3Feedforward };
  } else if (r.method === 'prompt') {
    Object.assign(spec, { peftType: 'PROMPT_TUNING', numVirtualTokens: r.numVirtualTokens });
    w.prompt = { p: r.numVirtualTokens, data: values.get(specs[0].name)! };
  } else throw new Error('full fine-tuning writes a model directory, not an adapter');
  spec.weights = w;
  void cfg;
  return spec;
}
