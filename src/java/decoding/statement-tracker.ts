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
import { copyLexState, lexChar, newLexState, type LexState } from '../lexer';
import { CONTEXTUAL_KEYWORDS, hasPrefix, JAVA_KEYWORDS, PRIMITIVES, typeKey, type Member, type SymbolTables } from './symbol-tables';

interface Local {
  name: string;
  type: string; // qualified, '' unknown
  loose: boolean; // lambda parameter or a header's local after a one-statement body: not checked for redeclaration
}

/** What a name starting now is. */
type Pos = 'stmt' | 'expr' | 'lambda' | 'decl' | 'type' | 'member' | 'after' | 'free';

interface Chain {
  kind: 'none' | 'value' | 'type' | 'package';
  type: string; // qualified type (value, type) or package name; '' unknown
  typeish: boolean; // names and dots only, where a type may stand: a following name is declared, a following `<` opens type arguments
}

const NONE: Chain = { kind: 'none', type: '', typeish: false };

type FrameKind = 'block' | 'init' | 'opaque' | 'call' | 'group' | 'cond' | 'for' | 'catch' | 'resources' | 'index' | 'typeargs';

interface Callee {
  arities: number[]; // empty: any count
  varargs: boolean;
  returns: Record<number, string>;
  ctor?: boolean; // `new T(…)`: an anonymous body may follow
  ctorOf?: string; // the T of `new T(…)` when known: the value is a T
  body?: boolean; // an anonymous body `{` must follow (interface, abstract class, no visible constructor)
}

interface Frame {
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

type Follow = '' | 'arrow' | 'arrow2' | 'paren' | 'noparen' | 'brace' | 'name';

interface State {
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

const isWordChar = (c: string) => /[\w$]/.test(c);
const CONTEXTUAL = CONTEXTUAL_KEYWORDS;
/** Types no lambda is ever assigned to, whether or not the scope lists them. */
const NEVER_FUNCTIONAL = new Set(['java.lang.String', 'java.lang.Object', 'java.lang.Integer', 'java.lang.Long', 'java.lang.Double', 'java.lang.Float', 'java.lang.Short', 'java.lang.Byte', 'java.lang.Character', 'java.lang.Boolean']);
const OPS = '=+-*/%&|^!~<>?:';

export class StatementTracker {
  private s: State;

  /** `tables`: the scope's lookups; the body is open after the test method's `{`. */
  /** The test class's nested types (and its supertypes'): bare type names in the test, sorted for prefix checks. */
  private readonly ownTypes: Record<string, string>;
  private readonly ownTypeNames: string[];

  constructor(private readonly tables: SymbolTables, private readonly testClass?: string) {
    this.ownTypes = testClass ? tables.nestedOf(testClass) : {};
    this.ownTypeNames = Object.keys(this.ownTypes).sort();
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
      if (!this.symbol(s, '/')) return false;
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
    if (/\s/.test(c)) return this.endWord(s);
    if (isWordChar(c) || (c === '.' && /^\d/.test(s.word))) return this.wordChar(s, c);
    if (!this.endWord(s)) return false;
    if (c === '/') {
      s.slash = true; // division or a comment: the next character tells
      return true;
    }
    return this.symbol(s, c);
  }

  // ---- names ----

  private wordChar(s: State, c: string): boolean {
    if (s.word === '') {
      if (!this.checkFollow(s, c)) return false;
      this.settleCarry(s, c);
      top(s).empty = false;
      s.word = c;
      s.wordRecv = s.recv;
      s.wordPos = /\d/.test(c) ? 'free' : this.namePos(s);
      s.op = '';
      s.nextParen = undefined;
      if (s.nextBrace === 'opaque') s.nextBrace = undefined;
    } else s.word += c;
    return this.prefixOk(s) || this.violation(s, 'word');
  }

  /** The position of a name starting now. */
  private namePos(s: State): Pos {
    if (s.opaque > 0) return 'free';
    if (s.annot !== undefined && s.prevSig === 'w') {
      const p = s.annot;
      s.annot = undefined;
      s.pos = p;
    }
    if (s.prevSig === '@') return 'free';
    return s.pos;
  }

  private prefixOk(s: State): boolean {
    const w = s.word;
    switch (s.wordPos) {
      case 'member': {
        const table = this.table(s.wordRecv);
        return !table || hasPrefix(table.names, w);
      }
      case 'stmt':
      case 'expr':
      case 'type':
        if (!this.tables.closed || hasPrefix(this.tables.bare, w) || hasPrefix(this.ownTypeNames, w) || this.findLocal(s, (n) => n.startsWith(w)) !== undefined) return true;
        return s.wordPos === 'stmt' && [...CONTEXTUAL].some((k) => k.startsWith(w));
      default:
        return true;
    }
  }

  private table(recv: Chain) {
    return (recv.kind === 'value' || recv.kind === 'type') && recv.type ? this.tables.members(recv.type, recv.kind === 'type') : undefined;
  }

  private endWord(s: State): boolean {
    if (s.word === '') return true;
    const w = s.word;
    const pos = s.wordPos;
    s.word = '';
    s.lastWord = w;
    s.member = undefined;
    if (/^\d/.test(w)) return this.operand(s, NONE, 'after');
    // `var`, `record`, `yield`, … are keywords only where a statement starts, and only when nothing has that name
    const name = CONTEXTUAL.has(w) && (pos !== 'stmt' || this.findLocal(s, (n) => n === w) || this.tables.bareName(w) || this.tables.visibleType(w));
    if (JAVA_KEYWORDS.has(w) && !PRIMITIVES.has(w) && !name && pos !== 'member') return this.keyword(s, w);
    if (s.opaque > 0) return this.operand(s, NONE, 'free');
    switch (pos) {
      case 'decl':
        return this.declare(s, w);
      case 'member':
        return this.memberName(s, w);
      case 'stmt':
      case 'expr':
      case 'lambda':
      case 'type':
        return this.bareName(s, w, pos);
      default: {
        const f = top(s);
        if (f.kind === 'group') f.params = [...f.params, w];
        s.prevSig = 'w';
        s.chain = NONE;
        return true;
      }
    }
  }

  private operand(s: State, chain: Chain, pos: Pos, sig = 'w'): boolean {
    s.chain = chain;
    s.pos = pos;
    s.prevSig = sig;
    return true;
  }

  private declare(s: State, name: string): boolean {
    const dup = this.findLocal(s, (n, l) => n === name && !l.loose);
    if (dup && !this.violation(s, 'duplicate local')) return false;
    const f = top(s);
    const type = s.chain.kind === 'type' ? s.chain.type : '';
    // a pattern variable in a condition, a name in an argument list: used, never checked for redeclaration
    const loose = !(f.kind === 'block' || f.kind === 'for' || f.kind === 'catch' || f.kind === 'resources');
    f.locals = [...f.locals, { name, type, loose }];
    f.declType = type;
    if (s.lastVar) s.varDecl = { depth: s.stack.length - 1, name, assigned: false, simple: true };
    s.lastVar = false;
    return this.operand(s, NONE, 'after');
  }

  private memberName(s: State, name: string): boolean {
    const recv = s.wordRecv;
    const table = this.table(recv);
    s.member = undefined;
    if (table) {
      const m = table.members.get(name);
      if (!m) return this.violation(s, 'member') && this.operand(s, NONE, 'after');
      if (m.keyword) {
        if (name === 'new') s.newPending = true;
        return this.operand(s, name === 'class' ? { kind: 'value', type: 'java.lang.Class', typeish: false } : NONE, name === 'new' ? 'type' : 'after', name === 'new' ? 'k' : 'w');
      }
      if (m.method && !m.field && !m.nested) s.follow = 'paren';
      else if (!m.method && !m.nested) s.follow = 'noparen'; // a nested type may be constructed: `new Outer.Inner(`
      s.member = m.method;
      if (m.nested) return this.operand(s, { kind: 'type', type: m.nested, typeish: recv.typeish }, recv.typeish ? 'decl' : 'after');
      if (m.field) return this.operand(s, { kind: 'value', type: typeKey(m.field.type), typeish: false }, 'after');
      return this.operand(s, NONE, 'after');
    }
    if (recv.kind === 'package') {
      const q = `${recv.type}.${name}`;
      const chain: Chain = this.tables.knowsType(q) ? { kind: 'type', type: q, typeish: recv.typeish } : { kind: 'package', type: q, typeish: recv.typeish };
      return this.operand(s, chain, recv.typeish ? 'decl' : 'after');
    }
    if (recv.kind === 'type') {
      // a type the scope does not know completely: a nested type it lists, else unknown (still a type where one may stand)
      const nested = this.tables.type(recv.type)?.nested;
      const q = nested && typeof nested[name] === 'string' ? nested[name] : '';
      return this.operand(s, { kind: q ? 'type' : 'none', type: q, typeish: recv.typeish }, recv.typeish ? 'decl' : 'after');
    }
    return this.operand(s, { kind: 'none', type: '', typeish: recv.typeish }, recv.typeish ? 'decl' : 'after');
  }

  private bareName(s: State, name: string, pos: Pos): boolean {
    const typeish = pos === 'stmt' || pos === 'type';
    const next: Pos = typeish ? 'decl' : 'after';
    const local = this.findLocal(s, (n) => n === name);
    if (local) return this.operand(s, { kind: local.type ? 'value' : 'none', type: local.type, typeish: false }, 'after');
    const bare = this.tables.bareName(name);
    const type = this.tables.visibleType(name) ?? (Object.prototype.hasOwnProperty.call(this.ownTypes, name) ? this.ownTypes[name] : undefined);
    if (bare === 'field') {
      const t = this.testClass ? this.tables.fieldType(this.testClass, name) : '';
      return this.operand(s, t ? { kind: 'value', type: t, typeish: false } : NONE, 'after');
    }
    if (bare === 'method' && !type) {
      s.follow = 'paren';
      return this.operand(s, NONE, 'after');
    }
    if (type) return this.operand(s, { kind: 'type', type, typeish }, next);
    if (PRIMITIVES.has(name)) return this.operand(s, { kind: 'type', type: name, typeish }, next);
    if (this.tables.isPackageRoot(name)) return this.operand(s, { kind: 'package', type: name, typeish }, next);
    if (this.tables.closed) {
      if (pos === 'lambda') s.follow = 'arrow'; // only a lambda's parameter may be new here
      else if (!this.violation(s, 'unknown name')) return false;
    }
    return this.operand(s, { kind: 'none', type: '', typeish }, next);
  }

  private keyword(s: State, w: string): boolean {
    s.prevSig = 'k';
    s.chain = NONE;
    s.nextParen = undefined;
    switch (w) {
      case 'new':
        s.newPending = true;
        s.pos = 'type';
        return true;
      case 'return':
        s.pos = 'lambda';
        return true;
      case 'throw':
      case 'assert':
      case 'yield':
        s.pos = 'expr';
        return true;
      case 'else':
      case 'do':
      case 'finally':
        s.pos = 'stmt';
        return true;
      case 'try':
        s.nextParen = 'resources';
        s.pos = 'stmt';
        return true;
      case 'if':
      case 'while':
      case 'switch':
      case 'synchronized':
        s.nextParen = 'cond';
        return true;
      case 'for':
        s.nextParen = 'for';
        return true;
      case 'catch':
        s.nextParen = 'catch';
        return true;
      case 'case':
      case 'default':
        s.inCase = true;
        s.pos = 'free';
        return true;
      case 'instanceof':
        s.pos = 'type';
        return true;
      case 'final':
        return true; // the position stays: a type follows
      case 'var':
        s.lastVar = true;
        s.follow = 'name';
        return this.operand(s, { kind: 'type', type: '', typeish: true }, 'decl');
      case 'this':
      case 'super':
      case 'true':
      case 'false':
      case 'null':
        return this.operand(s, NONE, 'after');
      case 'class':
      case 'interface':
      case 'enum':
      case 'record':
        if (w === 'record') s.follow = 'name'; // `record Point(…)`; `record.size()` is a name (above)
        s.nextBrace = 'opaque-sticky'; // a local type: its body is not checked
        s.pos = 'free';
        return true;
      default:
        s.pos = 'free';
        return true;
    }
  }

  // ---- symbols ----

  private literal(s: State, quote: string, chain: Chain): boolean {
    if (!this.endWord(s) || !this.checkFollow(s, quote)) return false;
    this.settleCarry(s, quote);
    top(s).empty = false;
    s.op = '';
    s.nextParen = undefined;
    if (s.nextBrace === 'opaque') s.nextBrace = undefined;
    return this.operand(s, chain, 'after', '"');
  }

  private symbol(s: State, c: string): boolean {
    if (!this.checkFollow(s, c)) return false;
    this.settleCarry(s, c);
    if (s.nextBrace === 'opaque' && c !== '{') s.nextBrace = undefined;
    if (c !== '(') s.nextParen = undefined;
    const newArray = c === '[' && s.newPending;
    if (!'(.<>'.includes(c) && top(s).kind !== 'typeargs') s.newPending = false;
    const f = top(s);
    if (c !== ')' && c !== ']' && c !== '}' && c !== ',') f.empty = false;
    if (OPS.includes(c)) return this.operator(s, c);
    s.op = '';
    switch (c) {
      case '(':
        return this.open(s);
      case ')':
        return this.closeParen(s);
      case '[':
        s.stack.push({ ...frame('[', 'index'), recv: s.chain, newArray });
        s.pos = s.opaque ? 'free' : 'expr';
        s.prevSig = '[';
        s.chain = NONE;
        return true;
      case ']': {
        popTypeArgs(s);
        const g = top(s);
        if (g.ch !== '[') return true; // broken brackets: the syntax guard's business
        s.stack.pop();
        const recv = g.recv ?? NONE;
        s.prevSig = ']';
        // `T[]`: an array type (a declaration follows); `new T[n]`: an array; `xs[i]`: an element, unknown
        const array = recv.kind === 'type' && recv.type ? `${recv.type}[]` : '';
        if (g.empty) return this.operand(s, { kind: recv.kind === 'type' || recv.typeish ? 'type' : 'none', type: array, typeish: recv.typeish }, recv.typeish ? 'decl' : 'after', ']');
        if (g.newArray && array) return this.operand(s, { kind: 'value', type: array, typeish: false }, 'after', ']');
        return this.operand(s, NONE, 'after', ']');
      }
      case '{':
        return this.openBrace(s);
      case '}':
        return this.closeBrace(s);
      case ';':
        return this.semicolon(s);
      case ',':
        return this.comma(s);
      case '.':
        s.recv = s.prevSig === 'w' || s.prevSig === ')' || s.prevSig === ']' || s.prevSig === '"' || s.prevSig === '>' ? s.chain : NONE;
        s.pos = s.opaque ? 'free' : 'member';
        s.prevSig = '.';
        return true;
      case '@':
        s.annot = s.pos;
        s.prevSig = '@';
        s.pos = 'free';
        return true;
      default:
        s.prevSig = c;
        s.pos = 'free';
        s.chain = NONE;
        return true;
    }
  }

  private operator(s: State, c: string): boolean {
    const f = top(s);
    const lhs = s.chain;
    if (c === '<' && this.opensTypeArgs(s)) {
      const after: Pos = s.prevSig === '.' ? 'member' : f.kind === 'typeargs' ? 'free' : 'decl';
      s.stack.push({ ...frame('<', 'typeargs'), after, recv: s.prevSig === '.' ? s.recv : s.chain });
      s.prevSig = '<';
      s.pos = 'free';
      s.op = '';
      return true;
    }
    if (c === '>' && f.kind === 'typeargs' && s.op !== '-') {
      s.stack.pop();
      s.prevSig = '>';
      s.op = '';
      if (top(s).kind === 'typeargs' || s.opaque) {
        s.pos = 'free';
        return true;
      }
      if (f.after === 'member') {
        s.recv = f.recv ?? NONE;
        s.pos = 'member';
        return true;
      }
      s.chain = f.recv ?? NONE;
      s.pos = s.newPending ? 'after' : s.chain.typeish ? 'decl' : 'after';
      return true;
    }
    if (f.kind === 'typeargs') {
      s.pos = 'free'; // `?`, `&` of bounds
      return true;
    }
    const before = s.prevSig;
    s.op += c;
    s.prevSig = c;
    s.chain = NONE;
    const v = s.varDecl;
    if (v && v.depth === s.stack.length - 1) {
      if (!v.assigned && s.op === '=') v.assigned = true; // `var x =`: the initializer starts
      else v.simple = false; // an operator in it: its type is not the last operand's
    }
    if (c === '-' && s.op === '-') s.arrowFrom = before === ')' || before === 'w' ? before : '';
    if (s.opaque) {
      s.pos = 'free';
      return true;
    }
    const op = s.op;
    if (op === '->') {
      // a lambda: its parameters are locals of unknown type in its body (a case arrow has none)
      const wasCase = s.inCase;
      const params = wasCase ? [] : s.arrowFrom === ')' ? s.groupParams : s.arrowFrom === 'w' ? [s.lastWord] : [];
      s.inCase = false;
      s.carry = params.map((name) => ({ name, type: '', loose: true }));
      s.pos = wasCase ? 'stmt' : 'lambda';
      return true;
    }
    if (op === '::') s.pos = 'free';
    else if (c === ':' && op === ':') {
      if (s.inCase) {
        s.inCase = false;
        s.pos = 'stmt';
      } else if (f.ternary > 0) {
        f.ternary--;
        s.pos = 'lambda';
      } else s.pos = f.kind === 'for' ? 'expr' : 'stmt';
    } else if (c === '?') {
      f.ternary++;
      s.pos = 'lambda';
    } else if (op === '=') s.pos = this.mayBeLambda(lhs.kind === 'value' ? lhs.type : f.declType ?? '') ? 'lambda' : 'expr';
    else if (op === '|' && f.kind === 'catch') s.pos = 'type';
    else s.pos = 'expr';
    return true;
  }

  /** Whether a lambda may be assigned to this type: unknown, or an interface (not a primitive, a class, a record, …). */
  private mayBeLambda(type: string): boolean {
    if (!type) return true;
    if (PRIMITIVES.has(type) || NEVER_FUNCTIONAL.has(type)) return false;
    const t = this.tables.type(type);
    return !t || t.kind === 'interface';
  }

  private opensTypeArgs(s: State): boolean {
    if (top(s).kind === 'typeargs') return true;
    if (s.prevSig === '.') return true; // `Foo.<T>bar()`
    return s.prevSig === 'w' && s.op === '' && (s.chain.typeish || s.newPending);
  }

  private open(s: State): boolean {
    let kind: FrameKind = 'group';
    let callee: Callee | undefined;
    if (s.nextParen && s.prevSig === 'k') kind = s.nextParen;
    else if (s.annot !== undefined) kind = 'group';
    else if (s.newPending && (s.prevSig === 'w' || s.prevSig === '>')) {
      kind = 'call';
      const q = s.chain.kind === 'type' ? s.chain.type : '';
      const t = q ? this.tables.type(q) : undefined;
      callee = { arities: [], varargs: false, returns: {}, ctor: true, ctorOf: q || undefined };
      if (t && !s.opaque) {
        if (t.kind === 'enum' || t.kind === 'annotation') {
          if (!this.violation(s, 'not constructible')) return false;
        } else {
          const ctors = Array.isArray(t.constructors) ? t.constructors.filter((a) => Number.isInteger(a)) : [];
          const noInstances = t.kind === 'interface' || t.abstract === true;
          callee = {
            arities: t.kind === 'interface' ? [0] : ctors, // none listed: any count
            varargs: t.constructorVarargs === true,
            returns: {},
            ctor: true,
            ctorOf: q,
            body: noInstances, // a class without listed constructors is left alone: the list may miss one
          };
        }
      }
    } else if (s.prevSig === 'w') {
      kind = 'call';
      if (s.member) callee = { ...s.member };
    }
    const f: Frame = { ...frame('(', kind), callee, after: s.annot };
    s.annot = undefined;
    s.stack.push(f);
    s.nextParen = undefined;
    s.newPending = false;
    s.member = undefined;
    s.prevSig = '(';
    s.chain = NONE;
    s.pos = s.opaque ? 'free' : { call: 'lambda', cond: 'expr', for: 'stmt', catch: 'type', resources: 'stmt' }[kind as string] as Pos ?? 'free';
    return true;
  }

  private closeParen(s: State): boolean {
    popTypeArgs(s);
    const f = top(s);
    if (f.ch !== '(') return true; // broken brackets: the syntax guard's business
    const argc = f.empty ? 0 : f.commas + 1;
    const c = f.callee;
    if (c && !s.opaque && c.arities.length && !arityFits(c, argc) && !this.violation(s, 'arity')) return false;
    s.stack.pop();
    s.prevSig = ')';
    if (s.varDecl && s.varDecl.depth === s.stack.length - 1 && f.kind === 'group') s.varDecl.simple = false; // a cast or a parenthesised operand
    switch (f.kind) {
      case 'call':
        if (c?.ctor) {
          s.nextBrace = 'opaque'; // an anonymous body may follow
          if (c.body && !s.opaque) s.follow = 'brace';
        }
        return this.operand(s, c?.ctorOf ? { kind: 'value', type: c.ctorOf, typeish: false } : { kind: c ? 'value' : 'none', type: c ? typeKey(c.returns[argc]) : '', typeish: false }, 'after', ')');
      case 'group':
        s.groupParams = f.params;
        return this.operand(s, NONE, f.after ?? (s.opaque ? 'free' : 'expr'), ')');
      case 'for':
      case 'catch':
      case 'resources':
      case 'cond': // pattern variables (`if (o instanceof Foo f)`), loose
        s.carry = f.locals;
        return this.operand(s, NONE, 'stmt', ')');
      default:
        return this.operand(s, NONE, 'stmt', ')');
    }
  }

  private openBrace(s: State): boolean {
    const f = top(s);
    let kind: FrameKind = 'block';
    if (s.nextBrace) kind = 'opaque';
    else if ((s.op === '=' && s.prevSig === '=') || s.prevSig === ']' || (f.kind === 'init' && (s.prevSig === '{' || s.prevSig === ','))) kind = 'init';
    s.nextBrace = undefined;
    s.op = '';
    const g: Frame = { ...frame('{', kind), locals: s.carry ?? [] };
    s.carry = undefined;
    s.stack.push(g);
    if (kind === 'opaque') s.opaque++;
    s.prevSig = '{';
    s.chain = NONE;
    s.pos = s.opaque ? 'free' : kind === 'init' ? 'lambda' : 'stmt';
    return true;
  }

  private closeBrace(s: State): boolean {
    popTypeArgs(s);
    const f = top(s);
    if (f.ch !== '{') return true;
    s.stack.pop();
    if (f.kind === 'opaque') s.opaque--;
    s.prevSig = '}';
    s.chain = NONE;
    if (s.stack.length === 0) return true;
    const g = top(s);
    s.pos = s.opaque ? 'free' : g.kind === 'block' ? 'stmt' : 'after';
    return true;
  }

  private semicolon(s: State): boolean {
    popTypeArgs(s);
    const f = top(s);
    s.prevSig = ';';
    if (f.kind === 'for') {
      f.semis++;
      f.declType = undefined;
      s.chain = NONE;
      s.pos = s.opaque ? 'free' : 'expr';
      return true;
    }
    const v = s.varDecl;
    if (v && v.depth === s.stack.length - 1) {
      if (v.simple && s.chain.kind === 'value' && s.chain.type) f.locals = f.locals.map((l) => (l.name === v.name && !l.type ? { ...l, type: s.chain.type } : l));
      s.varDecl = undefined;
    }
    f.declType = undefined;
    f.ternary = 0;
    s.inCase = false;
    s.chain = NONE;
    s.pos = s.opaque ? 'free' : 'stmt';
    return true;
  }

  private comma(s: State): boolean {
    const f = top(s);
    s.prevSig = ',';
    s.chain = NONE;
    if (f.kind === 'typeargs' || s.opaque) {
      s.pos = 'free';
      return true;
    }
    f.commas++;
    const declaring = f.declType !== undefined && (f.kind !== 'for' || f.semis === 0) && f.ternary === 0;
    if (declaring) {
      s.chain = { kind: 'type', type: f.declType!, typeish: true };
      s.pos = 'decl';
    } else s.pos = f.kind === 'call' || f.kind === 'init' ? 'lambda' : f.kind === 'group' ? 'free' : 'expr';
    return true;
  }

  // ---- helpers ----

  /** Checks the character after a name whose kind asks for a given continuation. */
  private checkFollow(s: State, c: string): boolean {
    const need = s.follow;
    if (!need) return true;
    s.follow = '';
    if (s.opaque) return true;
    const ok =
      need === 'paren' ? c === '(' :
      need === 'noparen' ? c !== '(' :
      need === 'brace' ? c === '{' :
      need === 'name' ? /[A-Za-z_$]/.test(c) :
      need === 'arrow' ? c === '-' :
      c === '>';
    if (ok && need === 'arrow') s.follow = 'arrow2';
    return ok || this.violation(s, need);
  }

  /** A header's locals go to the block that follows, or to the enclosing block for a one-statement body. */
  private settleCarry(s: State, c: string): void {
    if (!s.carry || c === '{') return;
    const f = top(s);
    f.locals = [...f.locals, ...s.carry.map((l) => ({ ...l, loose: true }))];
    s.carry = undefined;
  }

  private findLocal(s: State, match: (name: string, l: Local) => boolean): Local | undefined {
    for (let i = s.stack.length - 1; i >= 0; i--) {
      const f = s.stack[i];
      for (const l of f.locals) if (match(l.name, l)) return l;
    }
    return undefined;
  }

  /** A rule was broken: refused, or (text that went through anyway) the name just stops being constrained. */
  private violation(s: State, _rule: string): boolean {
    if (!s.force) return false;
    s.follow = '';
    s.wordPos = 'free';
    return true;
  }
}

function frame(ch: Frame['ch'], kind: FrameKind): Frame {
  return { ch, kind, locals: [], commas: 0, empty: true, ternary: 0, semis: 0, params: [] };
}

function top(s: State): Frame {
  return s.stack[s.stack.length - 1];
}

/** `<` that turned out not to open type arguments (`a < b)`): forgotten when a bracket or `;` says so. */
function popTypeArgs(s: State): void {
  while (s.stack.length > 1 && top(s).kind === 'typeargs') s.stack.pop();
}

function arityFits(c: Callee, argc: number): boolean {
  if (c.arities.includes(argc)) return true;
  return c.varargs && argc >= Math.min(...c.arities) - 1;
}

function clone(s: State): State {
  return { ...s, lx: copyLexState(s.lx), stack: s.stack.map((f) => ({ ...f })), varDecl: s.varDecl && { ...s.varDecl } };
}
