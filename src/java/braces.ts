// Incremental brace counting for Java text that respects string literals, text blocks, char literals
// and comments (read through the one Java lexer, lexer.ts). Used by the decoder's brace stop
// (decoding/brace-stop.ts: the test method's braces balance) and to cut generated text at the end of
// the first complete method. Pure and synchronous: runs per token.

import { lexChar, newLexState } from './lexer';

export class BraceCounter {
  /** Open-brace depth; starts at `initialDepth` (1 when the prompt ended with the method's `{`). */
  depth: number;
  private readonly lex = newLexState();
  private seenOpen: boolean;
  /** Offset (in characters fed so far) just after the brace that closed depth back to 0, or -1. */
  closedAt = -1;
  private fed = 0;

  constructor(initialDepth = 0) {
    this.depth = initialDepth;
    this.seenOpen = initialDepth > 0;
  }

  /** True once the depth returned to zero after at least one open brace. */
  get balanced(): boolean {
    return this.closedAt >= 0;
  }

  /** Feeds more text; returns true when balance was reached (now or before). */
  feed(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      this.fed++;
      if (this.closedAt >= 0) continue;
      const c = text[i];
      if (lexChar(this.lex, c) !== 'code') continue; // literals and comments (lexer.ts) hold no braces
      if (c === '{') {
        this.depth++;
        this.seenOpen = true;
      } else if (c === '}') {
        this.depth--;
        if (this.depth <= 0 && this.seenOpen) this.closedAt = this.fed;
      }
    }
    return this.closedAt >= 0;
  }
}

/** The prefix of `text` up to and including the brace that balances `initialDepth` open braces, or undefined. */
export function cutAtBalance(text: string, initialDepth = 0): string | undefined {
  const counter = new BraceCounter(initialDepth);
  return counter.feed(text) ? text.slice(0, counter.closedAt) : undefined;
}
