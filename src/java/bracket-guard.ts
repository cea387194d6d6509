// Incremental structural check of a generated Java method body, for constrained decoding (the
// decoder's syntax guard): does a piece of text, appended to what was generated so far, keep the
// brackets and statements possible? Reads literals and comments through the one Java lexer (lexer.ts,
// shared with BraceCounter) and keeps a stack of open brackets. A piece is refused when it would
//   - close a bracket that is not the innermost open one (`)` with a `{` or nothing open),
//   - end a statement (`;`) inside `(` or `[` (except in a `for (…;…;…)` or `try (…; …)` header),
//   - break a line inside a string or char literal (Java forbids it outside text blocks),
//   - open a `(` or `[` more than MAX_NESTING deep inside one block (`new A(new A(new A(…` runaways),
//   - put more than MAX_ITEMS commas in one bracket (`f(0, 0, 0, 0, …` and `{"a", "b", "a", …` runaways),
//   - close a block after an unfinished statement (`foo() }`: a statement ends with `;` or `}`),
//   - follow a binary operator or an argument's `,` with a closer, `,` or `;` (`a + )`, `f(a, )`), a member `.` with anything but a name
//     (`count.0`), or a comma between statements (not in parentheses or an array initializer) with
//     anything but a name (`String s = "a", "b"`: only `int a = 1, b = 2` declares more than one),
//   - end with `;` a statement javac rejects as "not a statement" (`builder.with;`, `x;`, `a + b;`:
//     statement-check.ts reads the statement's code, collected per block; class bodies are not checked),
//     unless `lenient` is set (the wrap-up sets it near the token limit: the method must still close).
// `wrapsUp` tells the pieces that only close (`)`, `;`, `}`, the end of a literal): the decoder keeps to
// them when its token budget is about to run out, so a test still ends with its method's `}`.
// Everything else is accepted: this is not a parser, only the bracket discipline every parse needs.
// Pure and synchronous: runs per candidate token. Never throws.

import { copyLexState, lexChar, newLexState, type LexState } from './lexer';
import { blockOpening, isStatement } from './statement-check';

/** `(`/`[` nesting inside one block beyond which a new `(` or `[` is refused. */
export const MAX_NESTING = 8;

/** Text made only of blanks, closers, `;` and quotes, at least one of them not blank: what `wrapsUp` considers. */
export const CLOSING_TEXT = /^[\s)\]};"']*[)\]};"'][\s)\]};"']*$/;

/** Commas in one `(`, `[` or `{` beyond which another is refused. */
export const MAX_ITEMS = 64;

/** An open bracket: its character; `{=` an array initializer; `(;` a for/try header (`;` allowed). */
type Open = '{' | '{=' | '[' | '(' | '(;';

interface State {
  lx: LexState; // literals and comments; lx.prev is the previous code character
  stack: Open[];
  commas: number[]; // commas seen directly inside each open bracket
  sig: string; // last code character that is not blank ('"' after a literal)
  word: string; // identifier being read, or the last one read (reset by other code characters)
  nesting: number; // ( and [ open above the innermost {
  expect: '' | 'name' | 'operand'; // what the next code character must start: a name (after `x.`), an operand (after `+`)
  beforeSlash: [string, State['expect']]; // sig and expect before a `/`, restored when it starts a comment
  stmt: string; // the current statement's code in the innermost block (literals as `"`, nested blocks as `{}`, blanks collapsed)
  classBody: boolean; // the innermost block holds member declarations (a local or anonymous class): statements not checked
  blocks: { header: string; continues: boolean; classBody: boolean }[]; // per block opened during generation: the enclosing statement and block
}

export class BracketGuard {
  private s: State;

  /** `openBraces`: the `{` already open when generation starts (1: the prompt ends after the test method's `{`). */
  constructor(openBraces = 1) {
    this.s = {
      lx: newLexState(),
      stack: Array<Open>(openBraces).fill('{'),
      commas: Array<number>(openBraces).fill(0),
      sig: '{',
      word: '',
      nesting: 0,
      expect: '',
      beforeSlash: ['{', ''],
      stmt: '',
      classBody: false,
      blocks: [],
    };
  }

  /** When set, a statement's `;` is no longer checked for "not a statement" (the wrap-up's zone: closing matters more). */
  lenient = false;

  /** Brackets open now, innermost last. */
  get open(): string {
    return this.s.stack.map((b) => b[0]).join('');
  }

  /** What is left to close: open brackets, plus one for an open literal or block comment. */
  get distance(): number {
    return distance(this.s);
  }

  /**
   * True when `text` may follow and only closes: no letters, digits or openers, at least one closer or
   * `;`, a quote only to end a literal; and it closes something or ends an unfinished statement.
   */
  wrapsUp(text: string): boolean {
    if (!CLOSING_TEXT.test(text)) return false;
    if (/["']/.test(text) && this.s.lx.mode !== 'string' && this.s.lx.mode !== 'char') return false;
    const next = step(clone(this.s), text, this.lenient);
    if (next === undefined) return false;
    const endsStatement = next.sig === ';' && !';{}'.includes(this.s.sig);
    return distance(next) < distance(this.s) || (distance(next) === distance(this.s) && endsStatement);
  }

  /** True when `text` may follow what was fed so far (the state is left unchanged). */
  accepts(text: string): boolean {
    return step(clone(this.s), text, this.lenient) !== undefined;
  }

  /** Appends text that was produced; returns false (and keeps the state) when it breaks the rules. */
  feed(text: string): boolean {
    const next = step(clone(this.s), text, this.lenient);
    if (next === undefined) return false;
    this.s = next;
    return true;
  }
}

function clone(s: State): State {
  return { ...s, lx: copyLexState(s.lx), stack: s.stack.slice(), commas: s.commas.slice(), blocks: s.blocks.slice() };
}

function distance(s: State): number {
  return s.stack.length + (s.lx.mode === 'code' ? 0 : 1);
}

const isWordChar = (c: string) => /[\w$]/.test(c);

/** Runs `text` through state `s` (mutated); undefined when a rule is broken. */
function step(s: State, text: string, lenient: boolean): State | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (s.stack.length === 0) return s; // the method is closed: the decoder stops here anyway
    const prev = s.lx.prev;
    if (s.lx.mode === 'code') {
      if (c === '/' && prev !== '/') s.beforeSlash = [s.sig, s.expect];
      // the character after a lone `"` is the string's first, not code
      if (s.lx.quotes !== 1 && !/\s/.test(c)) {
        if (s.expect === 'name' && !/[A-Za-z_$<?]/.test(c)) return undefined;
        if (s.expect === 'operand' && ')]};,'.includes(c)) return undefined;
        s.expect = '';
      }
    }
    switch (lexChar(s.lx, c)) {
      case 'line_break':
        return undefined; // Java forbids it in a string or char literal (text blocks are another mode)
      case 'quote':
        s.sig = '"';
        s.word = '';
        if (!s.stmt.endsWith('"')) s.stmt += '"';
        continue;
      case 'char_open':
        s.word = '';
        s.stmt += '"';
        continue;
      case 'literal_close':
        s.sig = '"';
        continue;
      case 'comment_open':
        [s.sig, s.expect] = s.beforeSlash; // the `/` was not an operator
        s.stmt = `${s.stmt.endsWith('/') ? s.stmt.slice(0, -1) : s.stmt} `;
        continue;
      case 'code':
        break;
      default:
        continue; // inside a literal or comment, or the end of a comment
    }
    if (isWordChar(c)) {
      s.word = isWordChar(prev) ? s.word + c : c;
      s.sig = c;
      s.stmt += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (s.stmt && !s.stmt.endsWith(' ')) s.stmt += ' ';
    } else if (!(c === ';' && s.stack[s.stack.length - 1] === '{') && c !== '{' && !(c === '}' && s.stack[s.stack.length - 1] === '{')) s.stmt += c;
    switch (c) {
      case '{': {
        const enclosing = s.stack[s.stack.length - 1];
        const initializer = '=],('.includes(s.sig) || (s.sig === '{' && enclosing === '{=');
        s.stack.push(initializer ? '{=' : '{');
        s.commas.push(0);
        s.nesting = 0;
        if (initializer) s.stmt += '{';
        else {
          const opening = blockOpening(s.stmt, enclosing !== '{');
          s.blocks.push({ header: s.stmt, continues: opening.continues, classBody: s.classBody });
          s.stmt = '';
          s.classBody = opening.classBody;
        }
        break;
      }
      case '(':
      case '[':
        if (s.nesting >= MAX_NESTING) return undefined;
        s.stack.push(c === '(' && (s.word === 'for' || s.word === 'try') ? '(;' : (c as Open));
        s.commas.push(0);
        s.nesting++;
        break;
      case ')':
      case ']':
      case '}': {
        const top = s.stack[s.stack.length - 1];
        if (top[0] !== { ')': '(', ']': '[', '}': '{' }[c]) return undefined;
        if (top === '{' && !';{}:'.includes(s.sig)) return undefined;
        s.stack.pop();
        s.commas.pop();
        s.nesting = c === '}' ? nestingAbove(s.stack) : Math.max(0, s.nesting - 1);
        if (top === '{') {
          // the block ends a statement of its own, or goes on as part of its enclosing statement's expression
          const block = s.blocks.pop();
          s.stmt = block?.continues ? `${block.header} {} ` : '';
          s.classBody = block?.classBody ?? false;
        }
        break;
      }
      case ',':
        if (++s.commas[s.commas.length - 1] > MAX_ITEMS) return undefined;
        if (s.stack[s.stack.length - 1] === '{') s.expect = 'name';
        else if (s.stack[s.stack.length - 1] !== '{=') s.expect = 'operand'; // `{1, 2,}` may end with a comma, `f(1,)` not
        break;
      case ';': {
        const top = s.stack[s.stack.length - 1];
        if (top === '[' || top === '(' || top === '{=') return undefined;
        if (top === '{') {
          if (!lenient && !s.classBody && !isStatement(s.stmt)) return undefined; // javac: "not a statement"
          s.stmt = '';
        }
        break;
      }
      case '.':
        if (/^[A-Za-z_$]/.test(s.word) || s.sig === ')' || s.sig === ']') s.expect = 'name';
        break;
      default:
        // a binary or unary operator needs an operand (`++` and `--` may be postfix: no expectation)
        if ('+-*/%&|^!~=<'.includes(c) && !((c === '+' || c === '-') && prev === c)) s.expect = 'operand';
    }
    if (!/\s/.test(c)) {
      s.word = '';
      s.sig = c;
    }
  }
  return s;
}

/** ( and [ open above the innermost { of a stack. */
function nestingAbove(stack: readonly Open[]): number {
  let n = 0;
  for (let i = stack.length - 1; i >= 0 && stack[i][0] !== '{'; i--) n++;
  return n;
}
