// The one incremental Java lexer for text that arrives piece by piece (a decoder's tokens): which
// characters are code and which belong to a string, char or text-block literal or a comment. The brace
// counter (braces.ts: the decoder's stop and the cut of generated text) and the bracket guard
// (bracket-guard.ts: the decoder's syntax guard) both read code characters through it, so the two never
// disagree on where a literal or comment starts or ends. The state is a plain object, cheap to copy:
// the bracket guard tries every candidate token on a copy. Pure and synchronous; never throws.

export type LexMode = 'code' | 'line_comment' | 'block_comment' | 'string' | 'text_block' | 'char';

export interface LexState {
  mode: LexMode;
  /** Previous code character; '' at the start and after a literal or comment (they separate tokens). */
  prev: string;
  /** `"` just seen in code: 1 = a string opens unless a second follows, 2 = `""` (a third opens a text block); in a text block, closing quotes seen. */
  quotes: number;
  /** The previous literal character was a backslash. */
  escaped: boolean;
}

/**
 * What one character was:
 * - `code`: a code character to interpret (not a quote, not the second character of `//` or `/*`);
 * - `quote`: a `"` in code (a string, an empty string or a text block opens);
 * - `char_open`: the `'` that opens a char literal;
 * - `comment_open`: the second character of `//` or `/*` (the first was reported as `code`);
 * - `literal`, `comment`: inside a literal or comment;
 * - `literal_close`: the character that ended a string, char or text-block literal;
 * - `comment_close`: the character that ended a comment;
 * - `line_break`: `\n` or `\r` inside a string or char literal, which Java forbids: an unescaped
 *   `\n` ends the literal (the way a compiler recovers), `\r` or an escaped `\n` stays in it.
 */
export type LexEvent = 'code' | 'quote' | 'char_open' | 'comment_open' | 'literal' | 'comment' | 'literal_close' | 'comment_close' | 'line_break';

export function newLexState(): LexState {
  return { mode: 'code', prev: '', quotes: 0, escaped: false };
}

export function copyLexState(s: LexState): LexState {
  return { mode: s.mode, prev: s.prev, quotes: s.quotes, escaped: s.escaped };
}

/** Advances `s` (mutated) over one character and says what it was. */
export function lexChar(s: LexState, c: string): LexEvent {
  switch (s.mode) {
    case 'line_comment':
      if (c !== '\n') return 'comment';
      s.mode = 'code';
      return 'comment_close';
    case 'block_comment':
      if (c === '/' && s.prev === '*') {
        s.mode = 'code';
        s.prev = '';
        return 'comment_close';
      }
      s.prev = c;
      return 'comment';
    case 'string':
    case 'char':
      if (c === '\n' || c === '\r') {
        if (c === '\n' && !s.escaped) closeLiteral(s);
        s.escaped = false;
        return 'line_break';
      }
      if (s.escaped) s.escaped = false;
      else if (c === '\\') s.escaped = true;
      else if (c === (s.mode === 'string' ? '"' : "'")) {
        closeLiteral(s);
        return 'literal_close';
      }
      return 'literal';
    case 'text_block':
      if (s.escaped) s.escaped = false;
      else if (c === '\\') s.escaped = true;
      else if (c === '"') {
        if (++s.quotes < 3) return 'literal';
        closeLiteral(s);
        return 'literal_close';
      }
      s.quotes = 0;
      return 'literal';
  }
  // code
  if (c === '"') {
    s.prev = '';
    if (++s.quotes === 3) {
      s.mode = 'text_block';
      s.quotes = 0;
    }
    return 'quote';
  }
  if (s.quotes === 1) {
    // a lone `"` opened a string: this character is its first
    s.quotes = 0;
    s.mode = 'string';
    s.escaped = false;
    return lexChar(s, c);
  }
  s.quotes = 0; // `""` was an empty string
  if ((c === '/' || c === '*') && s.prev === '/') {
    s.mode = c === '/' ? 'line_comment' : 'block_comment';
    s.prev = '';
    return 'comment_open';
  }
  if (c === "'") {
    s.mode = 'char';
    s.escaped = false;
    s.prev = '';
    return 'char_open';
  }
  s.prev = c;
  return 'code';
}

function closeLiteral(s: LexState): void {
  s.mode = 'code';
  s.prev = '';
  s.quotes = 0;
}
