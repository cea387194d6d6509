// Corpus-level BLEU-4 as computed by the `codebleu` pip package (its vendored copy of NLTK's
// corpus_bleu): clipped n-gram precision summed over the corpus before dividing, brevity penalty
// from the summed closest-reference lengths, and Chen & Cherry smoothing method 1 (epsilon 0.1
// added to the numerator of a precision whose match count is zero).
import { brevityPenalty, closestRefLength, fsum, ngramCounts, total, type Tokens } from './ngrams';

const BLEU_WEIGHTS = [0.25, 0.25, 0.25, 0.25] as const;
const EPSILON = 0.1;

export interface BleuStats {
  /** matches[n-1] and possible[n-1]: corpus sums of the clipped counts and hypothesis n-gram counts. */
  matches: number[];
  possible: number[];
  hypLength: number;
  refLength: number;
}

/** Clipped matches and the denominator of modified precision for one hypothesis against its references. */
export function modifiedPrecision(references: readonly Tokens[], hypothesis: Tokens, n: number): [number, number] {
  const counts = ngramCounts(hypothesis, n);
  const maxCounts = new Map<string, number>();
  for (const ref of references) {
    const refCounts = ngramCounts(ref, n);
    for (const g of counts.keys()) maxCounts.set(g, Math.max(maxCounts.get(g) ?? 0, refCounts.get(g) ?? 0));
  }
  let numerator = 0;
  for (const [g, c] of counts) numerator += Math.min(c, maxCounts.get(g) ?? 0);
  return [numerator, Math.max(1, total(counts))];
}

export function bleuStats(listOfReferences: readonly (readonly Tokens[])[], hypotheses: readonly Tokens[], order = 4): BleuStats {
  if (listOfReferences.length !== hypotheses.length) throw new Error('BLEU: the number of hypotheses and reference lists differ');
  const stats: BleuStats = { matches: new Array(order).fill(0), possible: new Array(order).fill(0), hypLength: 0, refLength: 0 };
  for (let i = 0; i < hypotheses.length; i++) {
    const refs = listOfReferences[i];
    const hyp = hypotheses[i];
    for (let n = 1; n <= order; n++) {
      const [num, den] = modifiedPrecision(refs, hyp, n);
      stats.matches[n - 1] += num;
      stats.possible[n - 1] += den;
    }
    stats.hypLength += hyp.length;
    stats.refLength += closestRefLength(refs.map((r) => r.length), hyp.length);
  }
  return stats;
}

/** BLEU from accumulated statistics; 0 when no unigram matches. */
export function bleuFromStats(stats: BleuStats, weights: readonly number[] = BLEU_WEIGHTS): number {
  if (stats.matches[0] === 0) return 0;
  const bp = brevityPenalty(stats.refLength, stats.hypLength);
  const logs = weights.map((w, i) => {
    const num = stats.matches[i] === 0 ? EPSILON : stats.matches[i];
    return w * Math.log(num / stats.possible[i]);
  });
  return bp * Math.exp(fsum(logs));
}

export function corpusBleu(listOfReferences: readonly (readonly Tokens[])[], hypotheses: readonly Tokens[]): number {
  return bleuFromStats(bleuStats(listOfReferences, hypotheses));
}
