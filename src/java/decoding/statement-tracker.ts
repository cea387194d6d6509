// Follows a test method's body as the decoder writes it, character by character, and says when a piece
// of text names what cannot exist (for the symbol constraint, symbol-constraint.ts). Literals and
// comments come through the one Java lexer (../lexer.ts), so nothing inside them is ever constrained.
// It tracks what a name starting now would be (a statement's first name, an operand, an argument where
// a lambda may stand, a name being declared, a type after `new`, a member after `expr.`), the locals of
// each block with their declared or inferred types (`Foo x`, `var x = new Foo()`, for and catch headers,
// try resources; lambda parameters with unknown types), the static type of the operand just read (a
// local, a field, a call's return type, `new T(…)`, a string literal), and the calls open with the
// arities their target allows. What it refuses:
//   - a name after `expr.` that no member of expr's type (with its supertypes) starts with, when that
//     type is known completely; a method name not followed by `(`, a field followed by `(`;
//   - a call's `)` when the arguments counted (top-level commas) fit none of the overloads' arities;
//   - `new` on an enum, on an interface or abstract class without an anonymous body;
//   - a bare name that no local, field, static import, visible type, keyword or package starts with,
//     unless the scope says a name it lacks may still exist (SymbolScope.bareNamesIncomplete); where a lambda may stand
//     (`f(x -> …)`, `= x -> …`) an unknown name is allowed if `->` follows it;
//   - a local declared twice in one method.
// Everything it cannot tell (an unknown receiver type, a cast, an anonymous or local class body, type
// arguments) is left alone: it must never refuse code that compiles. The only exception is a statement
// label (`outer:`), which a scope with complete bare names refuses. State copies are cheap (a few small frames): the
// constraint tries each candidate token on a copy. Pure and synchronous; never throws.
import { lexChar, newLexState } from '../lexer';
import type { SymbolTables } from './symbol-tables';
import { endWord, wordChar } from './tracker-names';
import { checkFollow, settleCarry, symbol } from './tracker-punctuation';
import { clone, frame, NONE, operand, top, type Chain, type State, type TrackerScope } from './tracker-state';

const isWordChar = (c: string) => /[\w$]/.test(c);

export class StatementTracker {
  private s: State;
  private readonly scope: TrackerScope;

  /** `tables`: the scope's lookups; the body is open after the test method's `{`. */
  constructor(tables: SymbolTables, testClass?: string) {
    const ownTypes = testClass ? tables.nestedOf(testClass) : {};
    this.scope = { tables, testClass, ownTypes, ownTypeNames: Object.keys(ownTypes).sort() };
    this.s = {
      lx: newLexState(),
      stack: [frame('{', 'block')],
      opaque: 0,
      pos: 'stmt',
      op: '',
      word: '',
      wordPos: 'free',
      wordRecv: NONE,
      recv: NONE,
      chain: NONE,
      follow: '',
      groupParams: [],
      lastWord: '',
      prevSig: '{',
      newPending: false,
      inCase: false,
      lastVar: false,
      arrowFrom: '',
      slash: false,
      force: false,
    };
  }

  /** The state after `text` when it may follow, for `commit`; undefined when refused. */
  attempt(text: string): unknown {
    return this.run(clone(this.s), text, false);
  }

  /** Takes a state `attempt` returned. */
  commit(state: unknown): void {
    this.s = state as State;
  }

  /** Appends text that was produced, refused or not (a refused name then constrains nothing after it). */
  feed(text: string): void {
    const next = this.run(clone(this.s), text, true)!;
    next.force = false;
    this.s = next;
  }

  /** What is left to close: open brackets (type arguments aside), plus one for an open literal or comment. */
  get distance(): number {
    return this.s.stack.filter((f) => f.kind !== 'typeargs').length + (this.s.lx.mode === 'code' ? 0 : 1);
  }

  private run(s: State, text: string, force: boolean): State | undefined {
    s.force = force;
    for (let i = 0; i < text.length; i++) if (!this.char(s, text[i])) return undefined;
    return s;
  }

  private char(s: State, c: string): boolean {
    if (s.stack.length === 0) return true; // the method is closed: the decoder stops here
    const event = lexChar(s.lx, c);
    if (s.slash) {
      s.slash = false;
      if (event === 'comment_open') return true; // the `/` opened a comment: nothing happened
      if (!symbol(this.scope, s, '/')) return false;
    }
    switch (event) {
      case 'quote':
        if (s.lx.mode === 'code' && s.lx.quotes === 1) return this.literal(s, '"', { kind: 'value', type: 'java.lang.String', typeish: false });
        return true; // the second or third quote of `""` / `"""`
      case 'char_open':
        return this.literal(s, "'", NONE);
      case 'code':
        break;
      default:
        return true; // inside a literal or comment, or its end
    }
    if (/\s/.test(c)) return endWord(this.scope, s);
    if (isWordChar(c) || (c === '.' && /^\d/.test(s.word))) return wordChar(this.scope, s, c);
    if (!endWord(this.scope, s)) return false;
    if (c === '/') {
      s.slash = true; // division or a comment: the next character tells
      return true;
    }
    return symbol(this.scope, s, c);
  }

  private literal(s: State, quote: string, chain: Chain): boolean {
    if (!endWord(this.scope, s) || !checkFollow(s, quote)) return false;
    settleCarry(s, quote);
    top(s).empty = false;
    s.op = '';
    s.nextParen = undefined;
    if (s.nextBrace === 'opaque') s.nextBrace = undefined;
    return operand(s, chain, 'after', '"');
  }
}
