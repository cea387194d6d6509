// Forbidden names, a logits processor for the decoder (a repair round's re-decode, issue 16): a token
// is refused when, in code (not in a literal or comment: read through the one lexer, ../lexer.ts), it
// completes an identifier that is one of the forbidden names — the identifier ends inside the token
// (`record.` ) or the token leaves it written out (`record`, or `rec` + `ord`); the decoder then takes
// the model's next best. So a name javac could not find is not written again, whole: a longer name that
// starts with it (`recordCount`) may still come, in tokens that never stop at the forbidden name.
import type { DecodingVocabulary, LogitsProcessor, RetryPolicy } from '../../model/decoding/processor';
import { copyLexState, lexChar, newLexState, type LexState } from '../lexer';

/** Candidates tried per step before the model's own choice goes through. */
export const FORBIDDEN_MAX_TRIES = 32;

const isWordChar = (c: string) => /[\w$]/.test(c);

interface NameState {
  lx: LexState;
  word: string; // the identifier being read in code ('' elsewhere)
}

/** Runs all of `text` through `s` (mutated); false when it completes a forbidden identifier. */
function scan(s: NameState, text: string, forbidden: ReadonlySet<string>): boolean {
  let ok = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (lexChar(s.lx, c) === 'code' && isWordChar(c)) {
      s.word += c;
      continue;
    }
    if (s.word && forbidden.has(s.word)) ok = false;
    s.word = '';
  }
  return ok && !forbidden.has(s.word);
}

export class ForbiddenNames implements LogitsProcessor {
  readonly retry: RetryPolicy = { maxTries: FORBIDDEN_MAX_TRIES, exhausted: 'model-choice' };
  private readonly names: ReadonlySet<string>;
  private s: NameState = { lx: newLexState(), word: '' };

  /** `names`: Java identifiers (anything else can never be written as one and is ignored). */
  constructor(
    names: readonly string[],
    private readonly vocabulary: DecodingVocabulary,
  ) {
    this.names = new Set(names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)));
  }

  accepts(candidateId: number): boolean {
    if (candidateId === this.vocabulary.eosId) return true;
    return scan({ lx: copyLexState(this.s.lx), word: this.s.word }, this.vocabulary.tokenText(candidateId), this.names);
  }

  observe(chosenId: number): void {
    scan(this.s, this.vocabulary.tokenText(chosenId), this.names); // a refused token that went through anyway is read too
  }
}
