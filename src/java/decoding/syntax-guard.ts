// Syntax guard, a logits processor for the decoder: never produce a token whose text breaks the test
// method's brackets, statements or literals (../bracket-guard.ts), nor EOS while the method is open;
// the decoder takes the model's next best instead, trying at most SYNTAX_MAX_TRIES candidates per step
// and producing the model's own choice when none of them fits (nothing acceptable nearby). Outputs that
// never break the rules equal plain greedy. Its bracket state also drives the wrap-up (wrap-up.ts).
import type { DecodingVocabulary, LogitsProcessor, RetryPolicy } from '../../model/decoding/processor';
import { BracketGuard } from '../bracket-guard';

/** Candidates tried per step when the syntax guard is on (with or without the loop guard). */
export const SYNTAX_MAX_TRIES = 32;

export class SyntaxGuard implements LogitsProcessor {
  readonly retry: RetryPolicy = { maxTries: SYNTAX_MAX_TRIES, exhausted: 'model-choice' };
  /** The method's bracket state after the tokens produced (the prompt ends after its `{`). */
  readonly brackets = new BracketGuard(1);

  constructor(private readonly vocabulary: DecodingVocabulary) {}

  accepts(candidateId: number): boolean {
    return candidateId === this.vocabulary.eosId ? this.brackets.open === '' : this.brackets.accepts(this.vocabulary.tokenText(candidateId));
  }

  observe(chosenId: number): void {
    this.brackets.feed(this.vocabulary.tokenText(chosenId)); // a refused token that went through anyway leaves the state as it was
  }
}
