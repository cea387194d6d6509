// How the extension drives `testtune train` (src/cli/commands/train.ts): its flags, its progress lines
// on stderr (`step 3/12  epoch 1  loss 2.3456  lr 3.00e-4  |g| 0.812  1234 tok/s  eta 2.5 min`) and its
// final report (`--json`: the training_report.json object on stdout). The one place that knows them.
// No `vscode` import.
import type { Method } from '../train/recipe';

export interface TrainInvocation {
  modelDir: string;
  trainFile: string; // pairs JSONL (source, target)
  method: Method;
  outDir: string; // the adapter folder; its checkpoint/ makes --resume possible
  resume: boolean;
  maxSteps?: number;
  epochs?: number;
  sourcesFile?: string; // main sources JSONL ({"path", "text"}): language-model data beside the pairs
  validationFile?: string; // held-out pairs: early stopping on their loss
  stdinCancel?: boolean; // cancel with a "cancel" line on stdin (TRAIN_CANCEL_LINE); stdin's end cancels too
}

/** The line `testtune train --stdin-cancel` reads on stdin to cancel and save its checkpoint. */
export const TRAIN_CANCEL_LINE = 'cancel';

export function trainArgs(t: TrainInvocation): string[] {
  const a = ['train', '--data', t.trainFile, '--method', t.method, '--model', t.modelDir, '--out', t.outDir, '--json'];
  if (t.resume) a.push('--resume');
  if (t.maxSteps !== undefined) a.push('--max-steps', String(t.maxSteps));
  if (t.epochs !== undefined) a.push('--epochs', String(t.epochs));
  if (t.sourcesFile) a.push('--sources', t.sourcesFile);
  if (t.validationFile) a.push('--validation', t.validationFile);
  if (t.stdinCancel) a.push('--stdin-cancel');
  return a;
}

export interface StepLine {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  tokensPerSec?: number;
  etaSeconds?: number;
}

const STEP = /^step\s+(\d+)\/(\d+)\s+epoch\s+(\d+)\s+loss\s+([-\d.eE+naNinf]+)(?:.*?\s([\d.]+)\s+tok\/s)?(?:.*?\seta\s+([\d.]+)\s*(s|min|h))?/;

/** Reads one progress line of `testtune train`; other lines give undefined. */
export function parseStepLine(line: string): StepLine | undefined {
  const m = STEP.exec(line.trim());
  if (!m) return undefined;
  const loss = Number(m[4]);
  if (!Number.isFinite(loss)) return undefined;
  const unit = m[7] === 'h' ? 3600 : m[7] === 'min' ? 60 : 1;
  return {
    step: Number(m[1]),
    totalSteps: Number(m[2]),
    epoch: Number(m[3]),
    loss,
    tokensPerSec: m[5] !== undefined ? Number(m[5]) : undefined,
    etaSeconds: m[6] !== undefined ? Number(m[6]) * unit : undefined,
  };
}

export interface TrainSummary {
  status: 'completed' | 'cancelled';
  steps: number;
  totalSteps: number;
  epochs: number;
  tokensPerSec?: number;
  trainSeconds?: number;
  finalLoss?: number;
}

/** The `--json` report printed on stdout at the end; undefined when absent or unreadable. */
export function parseTrainReport(stdout: string): TrainSummary | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(stdout.slice(start)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (r.status !== 'completed' && r.status !== 'cancelled') return undefined;
  const tp = (r.throughput ?? {}) as { tokensPerSec?: number; trainSeconds?: number };
  const curve = Array.isArray(r.lossCurve) ? (r.lossCurve as { loss: number }[]) : [];
  const recipe = (r.recipe ?? {}) as { epochs?: number };
  return {
    status: r.status,
    steps: Number(r.steps ?? 0),
    totalSteps: Number(r.totalSteps ?? 0),
    epochs: Number(r.epochsDone ?? recipe.epochs ?? 0),
    tokensPerSec: typeof tp.tokensPerSec === 'number' ? tp.tokensPerSec : undefined,
    trainSeconds: typeof tp.trainSeconds === 'number' ? tp.trainSeconds : undefined,
    finalLoss: curve.length ? curve[curve.length - 1].loss : undefined,
  };
}
