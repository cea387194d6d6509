// Brace stop, a stopping criterion for the decoder: generation ends when the test method's braces
// balance (the prompt ends after the method's `{`: one brace open), and the text is cut just after the
// closing `}` (braces in literals and comments do not count: ../braces.ts reads them through the lexer).
import type { StopReason } from '../../model/engine-api';
import type { StoppingCriterion } from '../../model/decoding/processor';
import { BraceCounter } from '../braces';

export class BraceStop implements StoppingCriterion {
  readonly reason: StopReason = 'balanced';
  private readonly counter: BraceCounter;
  private fed = 0; // characters seen before the current piece

  /** `openBraces`: the `{` already open when generation starts. */
  constructor(openBraces = 1) {
    this.counter = new BraceCounter(openBraces);
  }

  onText(delta: string): number | undefined {
    const before = this.fed;
    this.fed += delta.length;
    return this.counter.feed(delta) ? this.counter.closedAt - before : undefined;
  }
}
