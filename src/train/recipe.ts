// The training recipe: every default is the study's (Storhaug & Li, 2024), visible here in one place.
// `resolveRecipe` merges user overrides and checks them; it never throws (errors are returned).
import type { ModelConfig } from '../model/config';
import { family } from '../model/family';

export type Method = 'lora' | 'ia3' | 'prompt' | 'full';
export const METHODS: readonly Method[] = ['lora', 'ia3', 'prompt', 'full'];

/**
 * Default for `pack`: off, because it did not raise throughput on realistic data. Two runs of
 * `node scripts/bench.mjs --only train` (LoRA, 48 mined pairs of /work/data/dm/pairs-train.jsonl,
 * batch 1 x 8, max 1,024 tokens, 1 thread, packed and unpacked alternating in fresh processes on a
 * loaded machine), packed/unpacked tokens per CPU-second: default-size bench model (6 x 384)
 * 1,251/1,320 and 1,118/1,186; shipped models/default (4 x 256) 3,250/3,470 and 3,317/3,208 (tok/s:
 * 0.91x, 0.75x; 0.96x, 1.05x). Why: a packed sequence computes attention densely over all its tokens
 * (the mask only hides the other examples), so its cost grows with the square of the packed length,
 * while a single micro-step already runs near peak efficiency: the same bench measured 2,200 tok/cpu-s
 * at 128 tokens, 2,217 at 256 and 1,456 at 1,024 (6 x 384), and two examples packed vs run separately
 * 117 vs 115 cpu-ms (128+128) and 701 vs 500 (512+512). Mined pairs average ~630 tokens.
 */
const PACK_DEFAULT = false;

export const RECIPE_DEFAULTS = {
  // AdamW (torch.optim.AdamW semantics; decoupled weight decay, not on biases or norm weights, like HF).
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.0,
  // Linear schedule: warmup over the first 10% of optimizer steps, then linear decay to 0.
  warmupRatio: 0.1,
  // Batch 1 with 8 gradient-accumulation steps (effective batch 8), 3 epochs.
  batchSize: 1,
  gradAccumSteps: 8,
  epochs: 3,
  // Learning rate per method.
  lr: { full: 5e-5, lora: 3e-4, ia3: 3e-4, prompt: 3e-3 } as Record<Method, number>,
  // LoRA r=16, alpha=32, dropout 0.1 on the LoRA input; targets default to the family's (q_proj, v_proj).
  loraR: 16,
  loraAlpha: 32,
  loraDropout: 0.1,
  // Prompt tuning: 20 virtual tokens.
  numVirtualTokens: 20,
  // Global-norm gradient clipping (HF Trainer's max_grad_norm).
  maxGradNorm: 1.0,
  seed: 42,
  // Longest training sequence in tokens (prompt + target; soft-prompt positions not counted).
  maxTokens: 1024,
  // Save a resumable checkpoint every this many optimizer steps (and at the end of every epoch).
  saveEverySteps: 50,
  // Padding-free packing (not in the study, which pads batches; an execution choice that leaves the
  // math unchanged): the examples of ONE optimizer step are packed, first-fit decreasing, into as few
  // sequences of at most maxTokens tokens as fit; attention stays within each example and RoPE
  // positions restart per example (src/train/pack.ts). Accumulation still counts EXAMPLES: an
  // optimizer step averages the per-example mean losses of its gradAccumSteps examples, packed or
  // not, so a packed run takes the same steps as an unpacked one (equal up to float rounding, same
  // LoRA dropout masks) and resumes exactly (packs never cross a step, checkpoints sit between steps).
  pack: PACK_DEFAULT,
  // Not in the study either (issue 20): with a validation set (whole test classes held out of the
  // training part; `testtune finetune` holds one out), the validation loss is evaluated every
  // `evalEverySteps` optimizer steps (default: twice per epoch, src/train/early-stop.ts), the best
  // evaluation's tensors are kept, and training stops after `patience` evaluations without improvement.
  patience: 2,
  // Main sources as language-model data (with documents): at most this share of the pairs' tokens
  // joins them as source chunks, so the sources add at most this share to the training time.
  sourcesShare: 0.5,
};

export interface Recipe {
  method: Method;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  warmupRatio: number;
  batchSize: number;
  gradAccumSteps: number;
  epochs: number;
  maxSteps?: number; // optimizer steps; overrides epochs for the schedule, like HF's max_steps
  loraR: number;
  loraAlpha: number;
  loraDropout: number;
  loraTargets: string[];
  ia3Targets: string[];
  ia3Feedforward: string[];
  numVirtualTokens: number;
  maxGradNorm: number;
  seed: number;
  maxTokens: number;
  saveEverySteps: number;
  pack: boolean;
  evalEverySteps?: number; // with a validation set; default twice per epoch
  patience: number;
  sourcesShare: number;
}

export type RecipeOverrides = Partial<Recipe> & { method: Method };

export function resolveRecipe(cfg: ModelConfig, o: RecipeOverrides): { value?: Recipe; errors: string[] } {
  const errors: string[] = [];
  if (!METHODS.includes(o.method)) return { errors: [`method must be one of ${METHODS.join(', ')}, got '${o.method}'`] };
  const t = family(cfg).defaultTargets;
  const r: Recipe = {
    method: o.method,
    lr: o.lr ?? RECIPE_DEFAULTS.lr[o.method],
    beta1: o.beta1 ?? RECIPE_DEFAULTS.beta1,
    beta2: o.beta2 ?? RECIPE_DEFAULTS.beta2,
    eps: o.eps ?? RECIPE_DEFAULTS.eps,
    weightDecay: o.weightDecay ?? RECIPE_DEFAULTS.weightDecay,
    warmupRatio: o.warmupRatio ?? RECIPE_DEFAULTS.warmupRatio,
    batchSize: o.batchSize ?? RECIPE_DEFAULTS.batchSize,
    gradAccumSteps: o.gradAccumSteps ?? RECIPE_DEFAULTS.gradAccumSteps,
    epochs: o.epochs ?? RECIPE_DEFAULTS.epochs,
    maxSteps: o.maxSteps,
    loraR: o.loraR ?? RECIPE_DEFAULTS.loraR,
    loraAlpha: o.loraAlpha ?? RECIPE_DEFAULTS.loraAlpha,
    loraDropout: o.loraDropout ?? RECIPE_DEFAULTS.loraDropout,
    loraTargets: o.loraTargets ?? t.lora,
    ia3Targets: o.ia3Targets ?? t.ia3,
    ia3Feedforward: o.ia3Feedforward ?? t.ia3Feedforward,
    numVirtualTokens: o.numVirtualTokens ?? RECIPE_DEFAULTS.numVirtualTokens,
    maxGradNorm: o.maxGradNorm ?? RECIPE_DEFAULTS.maxGradNorm,
    seed: o.seed ?? RECIPE_DEFAULTS.seed,
    maxTokens: Math.min(o.maxTokens ?? RECIPE_DEFAULTS.maxTokens, cfg.maxPositions - (o.method === 'prompt' ? (o.numVirtualTokens ?? RECIPE_DEFAULTS.numVirtualTokens) : 0)),
    saveEverySteps: o.saveEverySteps ?? RECIPE_DEFAULTS.saveEverySteps,
    pack: o.pack ?? RECIPE_DEFAULTS.pack,
    evalEverySteps: o.evalEverySteps,
    patience: o.patience ?? RECIPE_DEFAULTS.patience,
    sourcesShare: o.sourcesShare ?? RECIPE_DEFAULTS.sourcesShare,
  };
  const pos = (k: keyof Recipe, int = false) => {
    const v = r[k] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (int && !Number.isInteger(v))) errors.push(`${k} must be a positive ${int ? 'integer' : 'number'}, got ${v}`);
  };
  (['lr', 'eps'] as const).forEach((k) => pos(k));
  (['gradAccumSteps', 'epochs', 'loraR', 'numVirtualTokens', 'maxTokens', 'saveEverySteps', 'patience'] as const).forEach((k) => pos(k, true));
  if (r.evalEverySteps !== undefined) pos('evalEverySteps', true);
  if (!(typeof r.sourcesShare === 'number' && r.sourcesShare >= 0 && Number.isFinite(r.sourcesShare))) errors.push(`sourcesShare must be a number ≥ 0, got ${r.sourcesShare}`);
  if (r.batchSize !== 1) errors.push(`batchSize must be 1 (one sequence per micro-step; use pack to put several examples in one), got ${r.batchSize}`);
  if (typeof r.pack !== 'boolean') errors.push(`pack must be true or false, got ${r.pack}`);
  if (r.maxSteps !== undefined && (!Number.isInteger(r.maxSteps) || r.maxSteps < 1)) errors.push(`maxSteps must be a positive integer, got ${r.maxSteps}`);
  if (!(r.beta1 >= 0 && r.beta1 < 1 && r.beta2 >= 0 && r.beta2 < 1)) errors.push('beta1 and beta2 must be in [0, 1)');
  if (!(r.weightDecay >= 0)) errors.push('weightDecay must be ≥ 0');
  if (!(r.warmupRatio >= 0 && r.warmupRatio <= 1)) errors.push('warmupRatio must be in [0, 1]');
  if (!(r.loraDropout >= 0 && r.loraDropout < 1)) errors.push('loraDropout must be in [0, 1)');
  if (!(r.maxGradNorm >= 0)) errors.push('maxGradNorm must be ≥ 0 (0 = no clipping)');
  const known = family(cfg).modules(cfg).map((m) => m.short);
  for (const [k, list] of [['loraTargets', r.loraTargets], ['ia3Targets', r.ia3Targets], ['ia3Feedforward', r.ia3Feedforward]] as const) {
    const bad = list.filter((s) => !known.includes(s));
    if (bad.length) errors.push(`${k}: unknown modules ${bad.join(', ')} (known: ${known.join(', ')})`);
  }
  const stray = r.ia3Feedforward.filter((s) => !r.ia3Targets.includes(s));
  if (stray.length) errors.push(`ia3Feedforward ${stray.join(', ')} must also be in ia3Targets`);
  return errors.length ? { errors } : { value: r, errors };
}
