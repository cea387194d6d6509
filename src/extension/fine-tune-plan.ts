// The choices offered by "Fine-tune adapter on this repo", as plain data (no `vscode` import): each
// method with its trainable-parameter count (src/train/params.ts) and a time estimate for this repo
// (training tokens × epochs ÷ a throughput: measured on an earlier run on this machine when there is
// one, otherwise a FLOP-based guess, and said so).
import type { ModelConfig } from '../model/config';
import { parameterCount } from '../model/config';
import { paramsRow } from '../train/params';
import { METHODS, resolveRecipe, type Method, type Recipe } from '../train/recipe';

export const METHOD_LABELS: Record<Method, string> = {
  lora: 'LoRA',
  ia3: '(IA)³',
  prompt: 'Prompt tuning',
  full: 'Full fine-tuning',
};

/**
 * Whether the plan adds the repository's main sources as language-model data (`testtune train
 * --sources`). Off: measured on opencsv, jts-core and dexlib2 (docs/results.md §8) it did not raise the
 * share of held-out focal methods with a passing test that executes them.
 */
export const WITH_SOURCES_DEFAULT = false;

/**
 * The methods "Fine-tune adapter on this repo" offers: the adapters (LoRA, (IA)³, prompt tuning), which
 * switch on and off over the loaded model. Full fine-tuning writes a whole model, not an adapter, so the
 * gate's adapter-vs-base comparison and "Use adapter" do not apply to it; it stays on the command line
 * (`testtune finetune --method full`, which judges the trained model in its own engine). It lowers the
 * held-out loss most (lr 3e-4), yet with the study's recipe, judged by 3-fold cross-validation with 2
 * candidates, it cut passes + executes focal on opencsv by 21.6 points (docs/results.md §8.6).
 */
export const ADAPTER_METHODS: readonly Method[] = METHODS.filter((m) => m !== 'full');

/** The main sources the plan may add: their tokens (all files) and whether to add them. */
export interface SourcesPlan {
  withSources: boolean;
  tokens: number;
}

export interface MethodChoice {
  method: Method;
  /** Train on the main sources too; the estimate counts the source tokens the recipe's share lets in. */
  withSources: boolean;
  label: string;
  recommended: boolean;
  trainableParams: number;
  percent: string;
  estimateSeconds: number;
  estimateBasis: 'measured' | 'guess';
  recipe: Recipe;
}

/** Tokens per second seen on earlier runs, keyed by `${model}:${method}`. */
export type Throughputs = Record<string, number>;

/**
 * Fallback throughput: forward+backward ≈ 6·N FLOPs per token for full fine-tuning and ≈ 4·N for the
 * parameter-efficient methods (no weight gradients of the frozen model), at an effective rate fitted to
 * the training runs of the shipped model in docs/results.md (LoRA 4,400, (IA)³ 5,105, prompt tuning
 * 3,107, full 3,225 tok/s for 5.05 M parameters: 89, 103, 63 and 98 GFLOP/s by this formula), taken on
 * the slow side so the guess does not promise too little time. It was 2 GFLOP/s, which made the guess
 * 40–50× too long. Replaced by the measured throughput after the first run on this machine.
 */
export const ASSUMED_FLOPS = 6e10;

export function guessTokensPerSecond(cfg: ModelConfig, method: Method): number {
  const n = parameterCount(cfg);
  const flopsPerToken = (method === 'full' ? 6 : 4) * n;
  return ASSUMED_FLOPS / flopsPerToken;
}

export function planMethods(
  cfg: ModelConfig,
  modelName: string,
  trainTokens: number,
  measured: Throughputs,
  overrides: Partial<Recipe> = {},
  sources: SourcesPlan = { withSources: WITH_SOURCES_DEFAULT, tokens: 0 },
  methods: readonly Method[] = ADAPTER_METHODS,
): { choices: MethodChoice[]; errors: string[] } {
  const choices: MethodChoice[] = [];
  const errors: string[] = [];
  for (const method of methods) {
    const r = resolveRecipe(cfg, { ...overrides, method });
    if (!r.value) {
      errors.push(`${METHOD_LABELS[method]}: ${r.errors.join('; ')}`);
      continue;
    }
    const row = paramsRow(cfg, r.value);
    const seen = measured[`${modelName}:${method}`];
    const tps = seen && seen > 0 ? seen : guessTokensPerSecond(cfg, method);
    choices.push({
      method,
      withSources: sources.withSources,
      label: METHOD_LABELS[method],
      recommended: method === 'lora',
      trainableParams: row.trainable,
      percent: row.percent,
      estimateSeconds: ((trainTokens + (sources.withSources ? Math.min(sources.tokens, r.value.sourcesShare * trainTokens) : 0)) * r.value.epochs) / tps,
      estimateBasis: seen ? 'measured' : 'guess',
      recipe: r.value,
    });
  }
  return { choices, errors };
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds - h * 3600) / 60)} min`;
}

/** "2.3K trainable (0.0166%) · ~4 min" — the quick pick's description of one method. */
export function describeChoice(c: MethodChoice): string {
  const est = `${c.estimateBasis === 'guess' ? '~' : ''}${formatDuration(c.estimateSeconds)}${c.estimateBasis === 'guess' ? ' (rough guess)' : ''}`;
  return `${formatCount(c.trainableParams)} trainable parameters (${c.percent}) · ${est}`;
}
