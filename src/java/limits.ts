// Bounds on the Java text analysed where a user waits (the extension host, `testtune context` and
// `generate`): any input answers within about 2 s or is refused with a message that says why. Parsing
// is the only step that can take long (tree-sitter: 15–40 s for 5 MB of one long expression or of
// random bytes), so it runs under a time budget; text that is plainly not Java is refused before it.
import { javaParser, type SyntaxTree } from './parser';

/** Largest source accepted, in UTF-16 characters (a hand-written Java file is rarely over 200 k). */
export const MAX_SOURCE_CHARS = 5_000_000;
/** Parse budget where someone waits. The walks after it take up to ~0.5× the parse (measured on a 0.5 M-char expression), so ≤ 2 s in all. */
export const INTERACTIVE_PARSE_MS = 1000;
/** Parse budget for batch work (mining, evaluation), where a slow file only costs time. */
export const BATCH_PARSE_MS = 20_000;

/** Methods described per file: each costs ~0.1 ms, and a generated file can hold tens of thousands. */
export const MAX_LISTED_METHODS = 5000;

const SAMPLE_CHARS = 64 * 1024;

/**
 * Why `text` (named `what` in the message) is refused before parsing, or undefined: over the size
 * limit, or binary (NUL or many control characters in its first 64 k characters).
 */
export function refuseSource(text: string, what: string): string | undefined {
  if (text.length > MAX_SOURCE_CHARS) {
    return `${what} is too large to analyse (${(text.length / 1e6).toFixed(1)} M characters; the limit is ${MAX_SOURCE_CHARS / 1e6} M)`;
  }
  const sample = text.slice(0, SAMPLE_CHARS);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return `${what} is not text (it contains NUL characters)`;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) control++;
  }
  if (control > 16 && control > sample.length / 100) return `${what} does not look like Java source (${control} control or undecodable characters in its first ${sample.length} characters)`;
  return undefined;
}

/** Checks and parses `text` within `budgetMs`; the error names `what`. Never throws. */
export async function parseBounded(text: string, what: string, budgetMs: number): Promise<{ tree?: SyntaxTree; error?: string }> {
  const refused = refuseSource(text, what);
  if (refused) return { error: refused };
  const r = (await javaParser()).parseWithin(text, budgetMs);
  return r.tree ? { tree: r.tree } : { error: `${what}: ${r.error}` };
}
