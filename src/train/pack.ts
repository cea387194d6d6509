// Training sequences: one example, or several short examples packed padding-free into one sequence
// of at most `maxTokens` tokens. Every sequence carries per-token RoPE positions (restarting at 0 for
// each example) and segment ids (the graph lets a token attend only to earlier tokens of its own
// segment), and per-target loss weights 1/m (m = the example's target count), so the graph's loss is
// the SUM of the per-example mean losses: a packed sequence gives exactly the loss and gradients of
// its examples run one by one, and gradient accumulation still counts examples (see recipe.ts).
import type { Example } from './data';
import { lossTargets } from './data';

export interface TrainSequence {
  ids: number[];
  positions: number[]; // RoPE position of each token within its example
  segments: number[]; // index of the token's example within the sequence
  lossPositions: number[]; // rows whose hidden state predicts a target token
  labels: number[];
  lossWeights: number[]; // 1 / (target tokens of the row's example)
  examples: number; // how many examples the sequence holds
}

/** Concatenates examples into one sequence (a single example gives the plain unpacked sequence). */
export function toSequence(examples: Example[]): TrainSequence {
  const s: TrainSequence = { ids: [], positions: [], segments: [], lossPositions: [], labels: [], lossWeights: [], examples: examples.length };
  examples.forEach((e, k) => {
    const offset = s.ids.length;
    const { positions, labels } = lossTargets(e);
    for (let t = 0; t < e.ids.length; t++) {
      s.ids.push(e.ids[t]);
      s.positions.push(t);
      s.segments.push(k);
    }
    const w = 1 / Math.max(1, labels.length);
    for (let j = 0; j < positions.length; j++) {
      s.lossPositions.push(offset + positions[j]);
      s.labels.push(labels[j]);
      s.lossWeights.push(w);
    }
  });
  return s;
}

/**
 * Groups example indices (of `lengths`) into bins of at most `maxTokens` tokens, first-fit decreasing
 * (longest first; ties keep their order). An example longer than `maxTokens` gets a bin of its own.
 * Deterministic: the same input gives the same bins, so a resumed run packs exactly like before.
 */
export function packBins(lengths: number[], maxTokens: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const bins: { items: number[]; used: number }[] = [];
  for (const i of order) {
    const bin = bins.find((b) => b.used + lengths[i] <= maxTokens);
    if (bin) {
      bin.items.push(i);
      bin.used += lengths[i];
    } else bins.push({ items: [i], used: lengths[i] });
  }
  return bins.map((b) => b.items);
}
