// CodeBLEU (Ren et al., 2020) exactly as the `codebleu` pip package computes it for Java:
// 0.25·BLEU + 0.25·weighted n-gram match + 0.25·syntax match + 0.25·dataflow match, all four
// corpus-level over the inputs, inputs stripped first. When the dataflow match comes out 0 (e.g.
// no reference yields a data-flow edge) the package uses 1 in its place (`dataflow or 1`).
// Tokenizer `chars` is what the study used (`tokenizer=lambda x: x`: the n-gram parts then count
// characters); `whitespace` is the package default (`str.split()`).
import { javaParser, type JavaParser } from '../../java/parser';
import { bleuFromStats, bleuStats } from './bleu';
import { dataflowCounts } from './dataflow-match';
import { tokenize, type TokenizerName } from './ngrams';
import { analyseSnippet } from './snippet';
import { syntaxCounts } from './syntax-match';
import { weightedFromStats, weightedStats } from './weighted-ngram';

export interface CodeBleuOptions {
  tokenizer?: TokenizerName;
  weights?: readonly [number, number, number, number];
}

export interface CodeBleuScores {
  codebleu: number;
  bleu: number;
  weighted_ngram: number;
  syntax_match: number;
  dataflow_match: number;
}

export function codeBleu(
  parser: JavaParser,
  references: readonly (string | readonly string[])[],
  predictions: readonly string[],
  options: CodeBleuOptions = {},
): CodeBleuScores {
  if (references.length !== predictions.length) {
    throw new Error(`CodeBLEU: ${references.length} references but ${predictions.length} predictions`);
  }
  const tokenizer = options.tokenizer ?? 'chars';
  const [alpha, beta, gamma, theta] = options.weights ?? [0.25, 0.25, 0.25, 0.25];
  const refs = references.map((r) => (typeof r === 'string' ? [r.trim()] : r.map((x) => x.trim())));
  const hyps = predictions.map((p) => p.trim());

  const tokRefs = refs.map((rs) => rs.map((r) => tokenize(r, tokenizer)));
  const tokHyps = hyps.map((h) => tokenize(h, tokenizer));
  const bleu = bleuFromStats(bleuStats(tokRefs, tokHyps));
  const weighted = weightedFromStats(weightedStats(tokRefs, tokHyps));

  let synMatched = 0;
  let synTotal = 0;
  let dfMatched = 0;
  let dfTotal = 0;
  for (let i = 0; i < hyps.length; i++) {
    const hyp = analyseSnippet(parser, hyps[i]);
    for (const r of refs[i]) {
      const ref = analyseSnippet(parser, r);
      const s = syntaxCounts(ref.sexps, hyp.sexps);
      synMatched += s.matched;
      synTotal += s.total;
      const d = dataflowCounts(ref.dataflow, hyp.dataflow);
      dfMatched += d.matched;
      dfTotal += d.total;
    }
  }
  const syntax = synTotal === 0 ? 0 : synMatched / synTotal;
  const dataflow = dfTotal === 0 ? 0 : dfMatched / dfTotal;
  const codebleu = alpha * bleu + beta * weighted + gamma * syntax + theta * (dataflow || 1);
  return { codebleu, bleu, weighted_ngram: weighted, syntax_match: syntax, dataflow_match: dataflow };
}

/** Loads the shared Java parser and computes CodeBLEU. */
export async function calcCodeBleu(
  references: readonly (string | readonly string[])[],
  predictions: readonly string[],
  options: CodeBleuOptions = {},
): Promise<CodeBleuScores> {
  return codeBleu(await javaParser(), references, predictions, options);
}
