// Syntactic validity of generated tests, two ways:
// - strict: the test method, wrapped in a class, parses with no ERROR or MISSING node;
// - lenient: the study's repair (its fix_data step) — put the prediction after a dummy class and
//   test-method header, cut before the first line with a syntax error, close the open braces,
//   parse again (cutting further while the closed text still fails). Valid when a repair exists
//   and is not just the closing braces. The study parsed with ANTLR; this parses with tree-sitter.
// A prediction is either a method *body continuation* (what the study's models emit after the
// prompt's opening brace: statements, then the method's closing brace) or a whole method
// (annotations, signature, body). Parsing never throws.
import { hasSyntaxError, type JavaParser } from '../java/parser';

/** The header the study's repair puts before a body continuation. */
const STUDY_PREFIX = 'class dummyTest {\n        @Test\n        public void dummy() {\n    ';
const INNER_BRACE = '\n    }';
const OUTER_BRACE = '\n\n}';

export type PredictionForm = 'body' | 'method';

/** A whole method starts with an annotation or a signature (modifiers/type, name, parameters, `{`). */
export function predictionForm(text: string): PredictionForm {
  const t = text.replace(/^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*/, '').trimStart();
  if (t.startsWith('@')) return 'method';
  return /^(?:(?:public|protected|private|static|final|synchronized|abstract)\s+)*(?:<[^>]*>\s*)?[\w$.<>[\], ?]+\s+[\w$]+\s*\([^)]*\)\s*(?:throws\s+[\w$., ]+)?\{/.test(t) ? 'method' : 'body';
}

function braceCount(code: string, start = 0): number {
  let c = start;
  for (const ch of code) {
    if (ch === '{') c++;
    else if (ch === '}') c--;
  }
  return c;
}

/** The text parsed for the strict check: a body continuation after the study's header, a method inside a class. */
function wrapForParse(prediction: string, form: PredictionForm = predictionForm(prediction)): string {
  if (form === 'method') return `class DummyTest {\n${prediction}\n}\n`;
  const code = STUDY_PREFIX + prediction;
  return braceCount(code) === 1 ? code + OUTER_BRACE : code;
}

export function strictValid(parser: JavaParser, prediction: string): boolean {
  const code = wrapForParse(prediction);
  return braceCount(code) === 0 && !hasErrors(parser, code);
}

/** Python's str.splitlines(keepends): splits after \n, \r\n, \r and the other line boundaries. */
function splitLines(text: string, keepEnds: boolean): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push(text.slice(last, keepEnds ? m.index + m[0].length : m.index));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The study's balance_braces: drop trailing lines until at most two braces are open, then close them. */
export function balanceBraces(code: string): string | undefined {
  if (braceCount(code) === 0) return code;
  const lines = splitLines(code, true);
  while (lines.length) {
    const candidate = lines.join('');
    const count = braceCount(candidate);
    if (count === 0) return candidate;
    if (count === 1) return candidate + OUTER_BRACE;
    if (count === 2) return candidate + INNER_BRACE + OUTER_BRACE;
    lines.pop();
  }
  return undefined;
}

/**
 * The study's well_formed_code: the code itself when it parses, else the longest prefix of whole
 * lines (at least two) that parses once balance_braces has closed it. The study finds the cut by
 * ANTLR's error line and walks down from there; every line at or after a syntax error spoils the
 * prefix anyway, so walking down from the end lands on the same cut without needing the parser's
 * error position (tree-sitter's error recovery often reports a whole unclosed class).
 */
function wellFormed(parser: JavaParser, code: string): string | undefined {
  if (!hasErrors(parser, code)) return code;
  const lines = splitLines(code, false);
  for (let k = lines.length - 1; k >= 2; k--) {
    const balanced = balanceBraces(lines.slice(0, k).join('\n'));
    if (balanced !== undefined && !hasErrors(parser, balanced)) return balanced;
  }
  return undefined;
}

function hasErrors(parser: JavaParser, code: string): boolean {
  const tree = parser.parse(code);
  try {
    return hasSyntaxError(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** The study's fixed_prediction for a body continuation, or undefined when it is not repairable. */
export function repairPrediction(parser: JavaParser, prediction: string): string | undefined {
  const fixed = wellFormed(parser, STUDY_PREFIX + prediction);
  if (fixed === undefined) return undefined;
  const out = fixed.startsWith(STUDY_PREFIX) ? fixed.slice(STUDY_PREFIX.length) : fixed;
  return out === '}\n\n}' ? undefined : out;
}

export interface SyntaxValidity {
  strict: boolean;
  lenient: boolean;
  /** The repaired prediction (body form) when lenient; the prediction itself when strict. */
  repaired?: string;
}

export function syntaxValidity(parser: JavaParser, prediction: string): SyntaxValidity {
  const strict = strictValid(parser, prediction);
  if (strict) return { strict, lenient: true, repaired: prediction };
  if (predictionForm(prediction) === 'method') {
    const fixed = wellFormed(parser, `class DummyTest {\n${prediction}`);
    return { strict, lenient: fixed !== undefined, repaired: fixed };
  }
  const repaired = repairPrediction(parser, prediction);
  return { strict, lenient: repaired !== undefined, repaired };
}
