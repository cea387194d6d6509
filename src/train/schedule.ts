// Learning-rate schedule: linear warmup then linear decay to zero, exactly Hugging Face's
// get_linear_schedule_with_warmup with num_warmup_steps = ceil(warmup_ratio · total).
export interface Schedule {
  totalSteps: number;
  warmupSteps: number;
  /** Learning rate used by optimizer step `step` (0-based: the first update uses step 0). */
  lrAt(step: number): number;
}

export function linearSchedule(baseLr: number, totalSteps: number, warmupRatio: number): Schedule {
  const warmupSteps = Math.ceil(totalSteps * warmupRatio);
  return {
    totalSteps,
    warmupSteps,
    lrAt(step: number): number {
      if (step < warmupSteps) return (baseLr * step) / Math.max(1, warmupSteps);
      return baseLr * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    },
  };
}

/** Optimizer steps in a run: one per `accum` examples, plus one for an epoch's remainder (HF Trainer). */
export function stepsPerEpoch(examples: number, accum: number): number {
  return Math.ceil(examples / accum);
}
