// CTRL-style repetition penalty (Keskar et al., 2019) on tokens this generation has already produced
// (not the prompt's: a test must be free to reuse the focal method's names): a positive logit is divided
// by it, a negative one multiplied. Off by default: the study's decoding is plain greedy.
import type { LogitsProcessor } from './processor';

/** Applies the repetition penalty in place to the logits of every distinct id in `seen`. */
export function penalizeRepeats(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  for (const id of seen) {
    if (id < 0 || id >= logits.length) continue;
    const v = logits[id];
    logits[id] = v > 0 ? v / penalty : v * penalty;
  }
}

export class RepetitionPenalty implements LogitsProcessor {
  private readonly seen = new Set<number>();

  /** `penalty` > 1 (1 changes nothing: leave the processor out). */
  constructor(private readonly penalty: number) {}

  transform(logits: Float32Array): Float32Array {
    if (!this.seen.size) return logits;
    const out = logits.slice(); // the runner's buffer stays untouched
    penalizeRepeats(out, this.seen, this.penalty);
    return out;
  }

  observe(chosenId: number): void {
    this.seen.add(chosenId);
  }
}
