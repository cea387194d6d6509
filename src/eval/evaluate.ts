// Text-level evaluation of predictions: syntactic validity (strict and lenient) over every row,
// CodeBLEU over the rows whose prediction is (leniently) valid — scored on the repaired text, the
// way the study scored `fixed_prediction` against `reference`.
import type { JavaParser } from '../java/parser';
import { codeBleu, type CodeBleuScores } from './codebleu/codebleu';
import type { TokenizerName } from './codebleu/ngrams';
import type { EvalRow } from './dataset';
import { syntaxValidity } from './syntax';

export interface TextScores extends CodeBleuScores {
  n: number;
  syntax_strict: number;
  syntax_lenient: number;
  /** Rows that entered CodeBLEU (valid predictions with a reference). */
  n_codebleu: number;
  tokenizer: TokenizerName;
}

export interface RowVerdict {
  id: string;
  strict: boolean;
  lenient: boolean;
  scored?: string; // the text CodeBLEU scored
}

export function evaluateText(parser: JavaParser, rows: readonly EvalRow[], tokenizer: TokenizerName = 'chars'): { scores: TextScores; verdicts: RowVerdict[] } {
  const verdicts: RowVerdict[] = rows.map((r) => {
    const pred = r.prediction ?? r.fixedPrediction;
    if (pred === undefined) return { id: r.id, strict: false, lenient: false };
    const v = syntaxValidity(parser, pred);
    // The study's own repair, when given, is what it scored.
    const scored = r.fixedPrediction ?? (v.lenient ? v.repaired : undefined);
    return { id: r.id, strict: v.strict, lenient: v.lenient || r.fixedPrediction !== undefined, scored };
  });
  const pairs = rows.map((r, i) => ({ ref: r.target, hyp: verdicts[i].scored })).filter((p): p is { ref: string; hyp: string } => p.ref !== undefined && p.hyp !== undefined);
  const cb: CodeBleuScores = pairs.length
    ? codeBleu(parser, pairs.map((p) => p.ref), pairs.map((p) => p.hyp), { tokenizer })
    : { codebleu: 0, bleu: 0, weighted_ngram: 0, syntax_match: 0, dataflow_match: 0 };
  const n = rows.length;
  return {
    scores: {
      n,
      syntax_strict: n ? verdicts.filter((v) => v.strict).length / n : 0,
      syntax_lenient: n ? verdicts.filter((v) => v.lenient).length / n : 0,
      ...cb,
      n_codebleu: pairs.length,
      tokenizer,
    },
    verdicts,
  };
}
