// Incremental brace counting for Java text that respects string literals, text blocks, char literals
// and comments. Used as the decoding stop criterion (the test method's braces balance) and to cut
// generated text at the end of the first complete method. Pure and synchronous: runs per token.

type State = 'code' | 'line_comment' | 'block_comment' | 'string' | 'text_block' | 'char';

export class BraceCounter {
  /** Open-brace depth; starts at `initialDepth` (1 when the prompt ended with the method's `{`). */
  depth: number;
  private state: State = 'code';
  private prev = ''; // previous character(s) needed to detect escapes and delimiters
  private escaped = false;
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
      const c = text[i];
      this.fed++;
      if (this.closedAt >= 0) continue;
      switch (this.state) {
        case 'code':
          if (c === '/' && this.prev === '/') {
            this.state = 'line_comment';
            this.prev = '';
            continue;
          }
          if (c === '*' && this.prev === '/') {
            this.state = 'block_comment';
            this.prev = '';
            continue;
          }
          if (c === '"') {
            if (this.prev === '""') {
              this.state = 'text_block';
              this.prev = '';
              continue;
            }
            this.prev = this.prev === '"' ? '""' : '"';
            // a lone " opens a string; "" is an empty string unless a third quote follows
            continue;
          }
          if (this.prev === '"') {
            // we were inside a string that started with the previous quote
            this.state = 'string';
            this.prev = '';
            i--;
            this.fed--;
            continue;
          }
          if (c === "'") {
            this.state = 'char';
            this.escaped = false;
            this.prev = '';
            continue;
          }
          if (c === '{') {
            this.depth++;
            this.seenOpen = true;
          } else if (c === '}') {
            this.depth--;
            if (this.depth <= 0 && this.seenOpen) this.closedAt = this.fed;
          }
          this.prev = c;
          break;
        case 'line_comment':
          if (c === '\n') {
            this.state = 'code';
            this.prev = '';
          }
          break;
        case 'block_comment':
          if (c === '/' && this.prev === '*') {
            this.state = 'code';
            this.prev = '';
          } else this.prev = c;
          break;
        case 'string':
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"' || c === '\n') {
            this.state = 'code';
            this.prev = '';
          }
          break;
        case 'text_block':
          if (this.escaped) {
            this.escaped = false;
            this.prev = '';
          } else if (c === '\\') this.escaped = true;
          else if (c === '"') {
            this.prev += '"';
            if (this.prev === '"""') {
              this.state = 'code';
              this.prev = '';
            }
          } else this.prev = '';
          break;
        case 'char':
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === "'" || c === '\n') {
            this.state = 'code';
            this.prev = '';
          }
          break;
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
