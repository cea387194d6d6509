// Wrap-up, a logits processor that goes with the syntax guard: once the tokens left are ≤ what is open
// + WRAP_UP_SLACK, the decoder takes the best closing token (only blanks, `)`, `]`, `}`, `;` and quotes)
// that closes something and that every processor accepts, so the method ends with its `}` before the
// token limit; when none fits, the ordinary choice stands. Before that zone it changes nothing; in it,
// the syntax guard stops refusing a `;` that ends a "not a statement" (`x;` may be all that closes).
import type { DecodingVocabulary, LogitsProcessor } from '../../model/decoding/processor';
import { CLOSING_TEXT } from '../bracket-guard';
import type { SyntaxGuard } from './syntax-guard';

/** The decoder keeps to closing tokens once the tokens left are ≤ what is open + this. */
export const WRAP_UP_SLACK = 4;

/** Ids whose text could close something (only whitespace, `)`, `]`, `}`, `;` and quotes, at least one not blank). */
export function closerIds(vocab: number, tokenText: (id: number) => string): number[] {
  const out: number[] = [];
  for (let id = 0; id < vocab; id++) if (CLOSING_TEXT.test(tokenText(id))) out.push(id);
  return out;
}

/** closerIds per tokenText function: an engine passes the same one to every generation, so its vocabulary is scanned once. */
const closerCache = new WeakMap<(id: number) => string, { vocab: number; ids: number[] }>();

function cachedCloserIds(vocab: number, tokenText: (id: number) => string): number[] {
  const hit = closerCache.get(tokenText);
  if (hit && hit.vocab === vocab) return hit.ids;
  const ids = closerIds(vocab, tokenText);
  closerCache.set(tokenText, { vocab, ids });
  return ids;
}

export class WrapUp implements LogitsProcessor {
  private closers: number[] | undefined; // found on the first wrap-up step

  /** `guard`: the syntax guard of the same generation, whose bracket state says what is open. */
  constructor(
    private readonly guard: SyntaxGuard,
    private readonly vocabulary: DecodingVocabulary,
  ) {}

  prefer(logits: Float32Array, _generated: readonly number[], tokensLeft: number, acceptable: (id: number) => boolean): number | undefined {
    const brackets = this.guard.brackets;
    if (tokensLeft > brackets.distance + WRAP_UP_SLACK) return undefined;
    brackets.lenient = true; // from here on closing the method matters more than the "not a statement" rule
    const tokenText = this.vocabulary.tokenText;
    this.closers ??= cachedCloserIds(logits.length, tokenText);
    let best: number | undefined;
    for (const c of this.closers) if ((best === undefined || logits[c] > logits[best]) && brackets.wrapsUp(tokenText(c)) && acceptable(c)) best = c;
    return best;
  }
}
