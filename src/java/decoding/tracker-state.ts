// The statement tracker's state (statement-tracker.ts): what a name starting now is, the operand just
// read, the open brackets with their locals and calls, and the scope the rules read; with the small pure
// steps every rule uses. Apart so that the name rules (tracker-names.ts) and the punctuation rules
// (tracker-punctuation.ts) share it without importing the class.
import { copyLexState, type LexState } from '../lexer';
import type { Member, SymbolTables } from './symbol-tables';

/** What the rules read besides the state: the scope's lookups and the test class's own types. */
export interface TrackerScope {
  readonly tables: SymbolTables;
  readonly testClass?: string;
  /** The test class's nested types (and its supertypes'): bare type names in the test, sorted for prefix checks. */
  readonly ownTypes: Record<string, string>;
  readonly ownTypeNames: string[];
}

export interface Local {
  name: string;
  type: string; // qualified, '' unknown
  loose: boolean; // lambda parameter or a header's local after a one-statement body: not checked for redeclaration
}

/** What a name starting now is. */
export type Pos = 'stmt' | 'expr' | 'lambda' | 'decl' | 'type' | 'member' | 'after' | 'free';

export interface Chain {
  kind: 'none' | 'value' | 'type' | 'package';
  type: string; // qualified type (value, type) or package name; '' unknown
  typeish: boolean; // names and dots only, where a type may stand: a following name is declared, a following `<` opens type arguments
}

export const NONE: Chain = { kind: 'none', type: '', typeish: false };

export type FrameKind = 'block' | 'init' | 'opaque' | 'call' | 'group' | 'cond' | 'for' | 'catch' | 'resources' | 'index' | 'typeargs';

export interface Callee {
  arities: number[]; // empty: any count
  varargs: boolean;
  returns: Record<number, string>;
  ctor?: boolean; // `new T(…)`: an anonymous body may follow
  ctorOf?: string; // the T of `new T(…)` when known: the value is a T
  body?: boolean; // an anonymous body `{` must follow (interface, abstract class, no visible constructor)
}

export interface Frame {
  ch: '{' | '(' | '[' | '<';
  kind: FrameKind;
  locals: readonly Local[];
  commas: number;
  empty: boolean;
  callee?: Callee;
  ternary: number; // `?` waiting for its `:`
  semis: number; // `;` read in a for header
  declType?: string; // a declaration statement at this level: its type ('' unknown), for `int a = 1, b = 2`
  params: readonly string[]; // group: the names in it (a lambda's parameters if `->` follows)
  after?: Pos; // typeargs: what the name after `>` is; group of an annotation: the position after it
  recv?: Chain; // typeargs and index: the chain before them
  newArray?: boolean; // index: `new T[n]`, an array creation
}

export type Follow = '' | 'arrow' | 'arrow2' | 'paren' | 'noparen' | 'brace' | 'name';

export interface State {
  lx: LexState;
  stack: Frame[];
  opaque: number; // opaque frames open (anonymous and local class bodies): nothing is checked inside
  pos: Pos;
  op: string; // operator characters read since the last operand or bracket
  word: string; // name (or number) being read
  wordPos: Pos;
  wordRecv: Chain;
  recv: Chain; // receiver of a member name (after `.`)
  chain: Chain; // the operand just read
  member?: Member['method']; // the method just named: its `(` opens a checked call
  follow: Follow; // what the next code character must be
  carry?: readonly Local[]; // a header's locals (for, catch, resources, lambda parameters) for the next block or statement
  groupParams: readonly string[]; // names of the group just closed (lambda parameters if `->` follows)
  lastWord: string;
  prevSig: string; // 'w' a name, 'k' a keyword, '"' a literal, else the previous code character
  nextParen?: FrameKind; // after if/while/switch/synchronized, for, catch, try
  nextBrace?: 'opaque' | 'opaque-sticky'; // after `new T(…)` (an anonymous body may follow) or `class X …`
  newPending: boolean; // `new` read: the type's `(` calls a constructor
  inCase: boolean; // after `case`/`default` until its `:` or `->`
  annot?: Pos; // after `@`: the position the annotation stands in
  lastVar: boolean; // `var` just read: the local declared next takes its initializer's type
  varDecl?: { depth: number; name: string; assigned: boolean; simple: boolean }; // a `var` local whose initializer may give its type
  arrowFrom: string; // what preceded a `-`: ')' (a group: lambda parameters), 'w' (one parameter)
  slash: boolean; // a `/` in code not yet known to be division or a comment
  force: boolean; // feeding text that went through anyway: a violation only stops constraining it
}

export function operand(s: State, chain: Chain, pos: Pos, sig = 'w'): boolean {
  s.chain = chain;
  s.pos = pos;
  s.prevSig = sig;
  return true;
}

/** A rule was broken: refused, or (text that went through anyway) the name just stops being constrained. */
export function violation(s: State, _rule: string): boolean {
  if (!s.force) return false;
  s.follow = '';
  s.wordPos = 'free';
  return true;
}

export function frame(ch: Frame['ch'], kind: FrameKind): Frame {
  return { ch, kind, locals: [], commas: 0, empty: true, ternary: 0, semis: 0, params: [] };
}

export function top(s: State): Frame {
  return s.stack[s.stack.length - 1];
}

/** `<` that turned out not to open type arguments (`a < b)`): forgotten when a bracket or `;` says so. */
export function popTypeArgs(s: State): void {
  while (s.stack.length > 1 && top(s).kind === 'typeargs') s.stack.pop();
}

export function arityFits(c: Callee, argc: number): boolean {
  if (c.arities.includes(argc)) return true;
  return c.varargs && argc >= Math.min(...c.arities) - 1;
}

export function clone(s: State): State {
  return { ...s, lx: copyLexState(s.lx), stack: s.stack.map((f) => ({ ...f })), varDecl: s.varDecl && { ...s.varDecl } };
}
