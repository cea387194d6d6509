// `<out>/training_report.json`: the resolved recipe, trainable-parameter counts (actual and by
// formula), data statistics, the per-step loss curve and measured throughput.
import type { ModelConfig } from '../model/config';
import { parameterCount } from '../model/config';
import type { TrainerState } from './checkpoint';
import type { EncodeStats } from './data';
import type { ChunkStats } from './documents';
import type { EarlyStopState } from './early-stop';
import type { TrainableSpec } from './graph';
import type { Recipe } from './recipe';

export interface TrainingReport {
  status: 'completed' | 'cancelled';
  createdAt: string;
  method: string;
  peftType: string | null;
  baseModel: string;
  recipe: Recipe;
  trainableParams: number;
  trainableParamsFormula: number;
  totalParams: number;
  trainablePercent: number;
  data: EncodeStats & { badLines: number };
  steps: number;
  totalSteps: number;
  epochsDone: number;
  lossCurve: { step: number; loss: number }[];
  throughput: { tokensPerSec: number; tokens: number; trainSeconds: number; cpuSeconds: number; tokensPerCpuSec: number };
  peakRssBytes: number;
  backwardNodes: number;
  /** With a validation set: every evaluation, the best step (whose tensors were written) and whether training stopped early. */
  validation?: EarlyStopState & { stoppedEarly: boolean; evalEverySteps: number };
  /** With documents (main sources as language-model data): the chunks used. */
  documents?: ChunkStats;
}

export function buildReport(a: {
  status: TrainingReport['status'];
  recipe: Recipe;
  cfg: ModelConfig;
  modelDir: string;
  specs: TrainableSpec[];
  formula: number;
  stats: EncodeStats;
  state: TrainerState;
  totalSteps: number;
  backwardNodes: number;
  dataErrors: number;
  validation?: TrainingReport['validation'];
  documents?: ChunkStats;
}): TrainingReport {
  const trainable = a.specs.reduce((s, t) => s + t.dims.reduce((p, q) => p * q, 1), 0);
  const base = parameterCount(a.cfg);
  const total = a.recipe.method === 'full' ? base : base + trainable;
  const secs = a.state.trainMs / 1000;
  const cpu = (a.state.cpuMs ?? 0) / 1000;
  return {
    status: a.status,
    createdAt: new Date().toISOString(),
    method: a.recipe.method,
    peftType: { lora: 'LORA', ia3: 'IA3', prompt: 'PROMPT_TUNING', full: null }[a.recipe.method],
    baseModel: a.modelDir,
    recipe: a.recipe,
    trainableParams: trainable,
    trainableParamsFormula: a.formula,
    totalParams: total,
    trainablePercent: (100 * trainable) / total,
    data: { ...a.stats, badLines: a.dataErrors },
    steps: a.state.optimizerStep,
    totalSteps: a.totalSteps,
    epochsDone: a.state.epoch,
    lossCurve: a.state.lossCurve,
    throughput: {
      tokensPerSec: secs > 0 ? a.state.tokensSeen / secs : 0,
      tokens: a.state.tokensSeen,
      trainSeconds: secs,
      cpuSeconds: cpu,
      tokensPerCpuSec: cpu > 0 ? a.state.tokensSeen / cpu : 0,
    },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    backwardNodes: a.backwardNodes,
    ...(a.validation ? { validation: a.validation } : {}),
    ...(a.documents ? { documents: a.documents } : {}),
  };
}
