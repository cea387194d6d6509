// N-gram counting shared by BLEU and the weighted n-gram match.
// A token sequence is an array of strings; an n-gram is keyed by its tokens joined with U+0001
// (never part of source code), so unigrams are keyed by the token itself.

export type Tokens = readonly string[];

const SEP = '\u0001';

/** Counts of the n-grams of `tokens` (empty when the sequence is shorter than n). */
export function ngramCounts(tokens: Tokens, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  if (tokens.length < n) return counts;
  if (n === 1) {
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    return counts;
  }
  for (let i = 0; i + n <= tokens.length; i++) {
    let key = tokens[i];
    for (let j = 1; j < n; j++) key += SEP + tokens[i + j];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Sum of the values of a count map. */
export function total(counts: Map<string, number>): number {
  let s = 0;
  for (const v of counts.values()) s += v;
  return s;
}

/** The reference length closest to the hypothesis length; ties go to the shorter reference. */
export function closestRefLength(refLengths: readonly number[], hypLen: number): number {
  let best = refLengths[0];
  for (const r of refLengths) {
    const d = Math.abs(r - hypLen);
    const bd = Math.abs(best - hypLen);
    if (d < bd || (d === bd && r < best)) best = r;
  }
  return best;
}

/** BLEU's brevity penalty for corpus totals. */
export function brevityPenalty(refLen: number, hypLen: number): number {
  if (hypLen > refLen) return 1;
  if (hypLen === 0) return 0;
  return Math.exp(1 - refLen / hypLen);
}

/** Exact-ish sum of floats (Neumaier), standing in for Python's math.fsum. */
export function fsum(values: readonly number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Tokenizers: `chars` treats the string as a sequence of code points (the study's identity tokenizer). */
export type TokenizerName = 'chars' | 'whitespace';

export function tokenize(text: string, tokenizer: TokenizerName): string[] {
  if (tokenizer === 'chars') return Array.from(text);
  return text.split(/[\s\u001c-\u001f\u0085]+/u).filter((t) => t.length > 0);
}
