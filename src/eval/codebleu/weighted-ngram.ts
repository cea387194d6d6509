// The weighted n-gram match of CodeBLEU as the `codebleu` pip package computes it, quirks included:
// - it is a *recall* (clipped reference n-grams over reference n-grams), summed over the corpus;
// - only unigrams are weighted: a reference token weighs 1 when it is a keyword, 0.2 otherwise;
// - the brevity penalty compares the hypothesis length with the length of the [tokens, weights]
//   pair, i.e. 2 per example, so it is 1 unless the hypotheses average under two tokens;
// - smoothing method 1 (epsilon 0.1 on zero numerators), 0 when no unigram matches.
import { brevityPenalty, fsum, ngramCounts, type Tokens } from './ngrams';
import { JAVA_KEYWORDS } from './keywords';

const EPSILON = 0.1;
const WEIGHTS = [0.25, 0.25, 0.25, 0.25];
/** The reference "length" the package's closest_ref_length sees: len([tokens, weights]). */
const PAIR_LENGTH = 2;

export interface WeightedStats {
  numerators: number[];
  denominators: number[];
  hypLength: number;
  refLength: number;
}

function tokenWeight(token: string, keywords: ReadonlySet<string> = JAVA_KEYWORDS): number {
  return keywords.has(token) ? 1 : 0.2;
}

export function weightedStats(
  listOfReferences: readonly (readonly Tokens[])[],
  hypotheses: readonly Tokens[],
  keywords: ReadonlySet<string> = JAVA_KEYWORDS,
): WeightedStats {
  if (listOfReferences.length !== hypotheses.length) throw new Error('weighted n-gram match: the number of hypotheses and reference lists differ');
  const st: WeightedStats = { numerators: [0, 0, 0, 0], denominators: [0, 0, 0, 0], hypLength: 0, refLength: 0 };
  for (let i = 0; i < hypotheses.length; i++) {
    const hyp = hypotheses[i];
    for (let n = 1; n <= 4; n++) {
      const counts = ngramCounts(hyp, n);
      for (const ref of listOfReferences[i]) {
        const refCounts = ngramCounts(ref, n);
        let num = 0;
        let den = 0;
        for (const [g, c] of refCounts) {
          const clipped = Math.min(c, counts.get(g) ?? 0);
          const w = n === 1 ? tokenWeight(g, keywords) : 1;
          num += clipped * w;
          den += c * w;
        }
        st.numerators[n - 1] += num;
        st.denominators[n - 1] += Math.max(1, den);
      }
    }
    st.hypLength += hyp.length;
    st.refLength += PAIR_LENGTH;
  }
  return st;
}

export function weightedFromStats(st: WeightedStats): number {
  if (st.numerators[0] === 0) return 0;
  const bp = brevityPenalty(st.refLength, st.hypLength);
  const logs = WEIGHTS.map((w, i) => w * Math.log((st.numerators[i] === 0 ? EPSILON : st.numerators[i]) / st.denominators[i]));
  return bp * Math.exp(fsum(logs));
}

export function corpusWeightedNgramMatch(
  listOfReferences: readonly (readonly Tokens[])[],
  hypotheses: readonly Tokens[],
  keywords: ReadonlySet<string> = JAVA_KEYWORDS,
): number {
  return weightedFromStats(weightedStats(listOfReferences, hypotheses, keywords));
}
