// The statement tracker's punctuation rules (statement-tracker.ts): operators, brackets, `;` and `,`,
// which open and close frames, count a call's arguments against its overloads' arities and say what a
// name starting next is; and the checks every token start makes (the continuation a name asked for, a
// header's locals). Functions of the tracker's state and scope (tracker-state.ts).
import { PRIMITIVES, typeKey } from './symbol-tables';
import { arityFits, frame, NONE, operand, popTypeArgs, top, violation, type Callee, type Frame, type FrameKind, type Pos, type State, type TrackerScope } from './tracker-state';

/** Types no lambda is ever assigned to, whether or not the scope lists them. */
const NEVER_FUNCTIONAL = new Set(['java.lang.String', 'java.lang.Object', 'java.lang.Integer', 'java.lang.Long', 'java.lang.Double', 'java.lang.Float', 'java.lang.Short', 'java.lang.Byte', 'java.lang.Character', 'java.lang.Boolean']);
const OPS = '=+-*/%&|^!~<>?:';

export function symbol(scope: TrackerScope, s: State, c: string): boolean {
  if (!checkFollow(s, c)) return false;
  settleCarry(s, c);
  if (s.nextBrace === 'opaque' && c !== '{') s.nextBrace = undefined;
  if (c !== '(') s.nextParen = undefined;
  const newArray = c === '[' && s.newPending;
  if (!'(.<>'.includes(c) && top(s).kind !== 'typeargs') s.newPending = false;
  const f = top(s);
  if (c !== ')' && c !== ']' && c !== '}' && c !== ',') f.empty = false;
  if (OPS.includes(c)) return operator(scope, s, c);
  s.op = '';
  switch (c) {
    case '(':
      return open(scope, s);
    case ')':
      return closeParen(s);
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
      if (g.empty) return operand(s, { kind: recv.kind === 'type' || recv.typeish ? 'type' : 'none', type: array, typeish: recv.typeish }, recv.typeish ? 'decl' : 'after', ']');
      if (g.newArray && array) return operand(s, { kind: 'value', type: array, typeish: false }, 'after', ']');
      return operand(s, NONE, 'after', ']');
    }
    case '{':
      return openBrace(s);
    case '}':
      return closeBrace(s);
    case ';':
      return semicolon(s);
    case ',':
      return comma(s);
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

function operator(scope: TrackerScope, s: State, c: string): boolean {
  const f = top(s);
  const lhs = s.chain;
  if (c === '<' && opensTypeArgs(s)) {
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
  } else if (op === '=') s.pos = mayBeLambda(scope, lhs.kind === 'value' ? lhs.type : f.declType ?? '') ? 'lambda' : 'expr';
  else if (op === '|' && f.kind === 'catch') s.pos = 'type';
  else s.pos = 'expr';
  return true;
}

/** Whether a lambda may be assigned to this type: unknown, or an interface (not a primitive, a class, a record, …). */
function mayBeLambda(scope: TrackerScope, type: string): boolean {
  if (!type) return true;
  if (PRIMITIVES.has(type) || NEVER_FUNCTIONAL.has(type)) return false;
  const t = scope.tables.type(type);
  return !t || t.kind === 'interface';
}

function opensTypeArgs(s: State): boolean {
  if (top(s).kind === 'typeargs') return true;
  if (s.prevSig === '.') return true; // `Foo.<T>bar()`
  return s.prevSig === 'w' && s.op === '' && (s.chain.typeish || s.newPending);
}

function open(scope: TrackerScope, s: State): boolean {
  let kind: FrameKind = 'group';
  let callee: Callee | undefined;
  if (s.nextParen && s.prevSig === 'k') kind = s.nextParen;
  else if (s.annot !== undefined) kind = 'group';
  else if (s.newPending && (s.prevSig === 'w' || s.prevSig === '>')) {
    kind = 'call';
    const q = s.chain.kind === 'type' ? s.chain.type : '';
    const t = q ? scope.tables.type(q) : undefined;
    callee = { arities: [], varargs: false, returns: {}, ctor: true, ctorOf: q || undefined };
    if (t && !s.opaque) {
      if (t.kind === 'enum' || t.kind === 'annotation') {
        if (!violation(s, 'not constructible')) return false;
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

function closeParen(s: State): boolean {
  popTypeArgs(s);
  const f = top(s);
  if (f.ch !== '(') return true; // broken brackets: the syntax guard's business
  const argc = f.empty ? 0 : f.commas + 1;
  const c = f.callee;
  if (c && !s.opaque && c.arities.length && !arityFits(c, argc) && !violation(s, 'arity')) return false;
  s.stack.pop();
  s.prevSig = ')';
  if (s.varDecl && s.varDecl.depth === s.stack.length - 1 && f.kind === 'group') s.varDecl.simple = false; // a cast or a parenthesised operand
  switch (f.kind) {
    case 'call':
      if (c?.ctor) {
        s.nextBrace = 'opaque'; // an anonymous body may follow
        if (c.body && !s.opaque) s.follow = 'brace';
      }
      return operand(s, c?.ctorOf ? { kind: 'value', type: c.ctorOf, typeish: false } : { kind: c ? 'value' : 'none', type: c ? typeKey(c.returns[argc]) : '', typeish: false }, 'after', ')');
    case 'group':
      s.groupParams = f.params;
      return operand(s, NONE, f.after ?? (s.opaque ? 'free' : 'expr'), ')');
    case 'for':
    case 'catch':
    case 'resources':
    case 'cond': // pattern variables (`if (o instanceof Foo f)`), loose
      s.carry = f.locals;
      return operand(s, NONE, 'stmt', ')');
    default:
      return operand(s, NONE, 'stmt', ')');
  }
}

function openBrace(s: State): boolean {
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

function closeBrace(s: State): boolean {
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

function semicolon(s: State): boolean {
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

function comma(s: State): boolean {
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

/** Checks the character after a name whose kind asks for a given continuation. */
export function checkFollow(s: State, c: string): boolean {
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
  return ok || violation(s, need);
}

/** A header's locals go to the block that follows, or to the enclosing block for a one-statement body. */
export function settleCarry(s: State, c: string): void {
  if (!s.carry || c === '{') return;
  const f = top(s);
  f.locals = [...f.locals, ...s.carry.map((l) => ({ ...l, loose: true }))];
  s.carry = undefined;
}
