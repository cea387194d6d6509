// Early stopping on a held-out validation loss (issue 20, item 3): small repositories overfit within
// the study's three epochs, so the loop evaluates the loss of a validation slice (whole test classes
// held out of the training part) every `evalEverySteps` optimizer steps, keeps the trainable tensors
// of the best evaluation, and stops after `patience` evaluations in a row that do not improve on it by
// more than `minDelta`. The rule is plain data so it can be tested alone and saved in a checkpoint.

export interface EarlyStopState {
  bestLoss: number; // Infinity before the first evaluation
  bestStep: number; // optimizer step of the best evaluation (0: none yet)
  sinceBest: number; // evaluations since the best one
  curve: { step: number; loss: number }[]; // every evaluation, in order
}

export interface EarlyStopRule {
  patience: number; // evaluations without improvement before stopping (≥ 1)
  minDelta: number; // an improvement must lower the loss by more than this
}

export interface EvalOutcome {
  improved: boolean; // this evaluation is the new best: keep its tensors
  stop: boolean; // stop training now
}

export function initialEarlyStop(): EarlyStopState {
  return { bestLoss: Infinity, bestStep: 0, sinceBest: 0, curve: [] };
}

/** Records one evaluation (mutates `s`) and says whether it is the best so far and whether to stop. */
export function observeEval(s: EarlyStopState, rule: EarlyStopRule, step: number, loss: number): EvalOutcome {
  s.curve.push({ step, loss });
  if (Number.isFinite(loss) && loss < s.bestLoss - rule.minDelta) {
    s.bestLoss = loss;
    s.bestStep = step;
    s.sinceBest = 0;
    return { improved: true, stop: false };
  }
  s.sinceBest++;
  return { improved: false, stop: s.sinceBest >= rule.patience };
}

/** Steps between evaluations when the caller does not choose: twice per epoch, at least every step. */
export function defaultEvalEvery(stepsPerEpoch: number): number {
  return Math.max(1, Math.ceil(stepsPerEpoch / 2));
}
