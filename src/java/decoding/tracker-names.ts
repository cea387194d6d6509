// The statement tracker's name rules (statement-tracker.ts): where a name starting now stands, whether
// the name read so far may still become one that exists there (a member of the receiver's type, a local,
// a field, a visible type, a keyword), and what a finished name does: a keyword, a declaration, a member
// after `.`, a bare name. Functions of the tracker's state and scope (tracker-state.ts).
import { CONTEXTUAL_KEYWORDS, hasPrefix, JAVA_KEYWORDS, PRIMITIVES, typeKey } from './symbol-tables';
import { checkFollow, settleCarry } from './tracker-punctuation';
import { NONE, operand, top, violation, type Chain, type Local, type Pos, type State, type TrackerScope } from './tracker-state';

const CONTEXTUAL = CONTEXTUAL_KEYWORDS;

export function wordChar(scope: TrackerScope, s: State, c: string): boolean {
  if (s.word === '') {
    if (!checkFollow(s, c)) return false;
    settleCarry(s, c);
    top(s).empty = false;
    s.word = c;
    s.wordRecv = s.recv;
    s.wordPos = /\d/.test(c) ? 'free' : namePos(s);
    s.op = '';
    s.nextParen = undefined;
    if (s.nextBrace === 'opaque') s.nextBrace = undefined;
  } else s.word += c;
  return prefixOk(scope, s) || violation(s, 'word');
}

/** The position of a name starting now. */
function namePos(s: State): Pos {
  if (s.opaque > 0) return 'free';
  if (s.annot !== undefined && s.prevSig === 'w') {
    const p = s.annot;
    s.annot = undefined;
    s.pos = p;
  }
  if (s.prevSig === '@') return 'free';
  return s.pos;
}

function prefixOk(scope: TrackerScope, s: State): boolean {
  const w = s.word;
  switch (s.wordPos) {
    case 'member': {
      const table = memberTable(scope, s.wordRecv);
      return !table || hasPrefix(table.names, w);
    }
    case 'stmt':
    case 'expr':
    case 'type':
      if (!scope.tables.closed || hasPrefix(scope.tables.bare, w) || hasPrefix(scope.ownTypeNames, w) || findLocal(s, (n) => n.startsWith(w)) !== undefined) return true;
      return s.wordPos === 'stmt' && [...CONTEXTUAL].some((k) => k.startsWith(w));
    default:
      return true;
  }
}

function memberTable(scope: TrackerScope, recv: Chain) {
  return (recv.kind === 'value' || recv.kind === 'type') && recv.type ? scope.tables.members(recv.type, recv.kind === 'type') : undefined;
}

export function endWord(scope: TrackerScope, s: State): boolean {
  if (s.word === '') return true;
  const w = s.word;
  const pos = s.wordPos;
  s.word = '';
  s.lastWord = w;
  s.member = undefined;
  if (/^\d/.test(w)) return operand(s, NONE, 'after');
  // `var`, `record`, `yield`, … are keywords only where a statement starts, and only when nothing has that name
  const name = CONTEXTUAL.has(w) && (pos !== 'stmt' || findLocal(s, (n) => n === w) || scope.tables.bareName(w) || scope.tables.visibleType(w));
  if (JAVA_KEYWORDS.has(w) && !PRIMITIVES.has(w) && !name && pos !== 'member') return keyword(s, w);
  if (s.opaque > 0) return operand(s, NONE, 'free');
  switch (pos) {
    case 'decl':
      return declare(s, w);
    case 'member':
      return memberName(scope, s, w);
    case 'stmt':
    case 'expr':
    case 'lambda':
    case 'type':
      return bareName(scope, s, w, pos);
    default: {
      const f = top(s);
      if (f.kind === 'group') f.params = [...f.params, w];
      s.prevSig = 'w';
      s.chain = NONE;
      return true;
    }
  }
}

function declare(s: State, name: string): boolean {
  const dup = findLocal(s, (n, l) => n === name && !l.loose);
  if (dup && !violation(s, 'duplicate local')) return false;
  const f = top(s);
  const type = s.chain.kind === 'type' ? s.chain.type : '';
  // a pattern variable in a condition, a name in an argument list: used, never checked for redeclaration
  const loose = !(f.kind === 'block' || f.kind === 'for' || f.kind === 'catch' || f.kind === 'resources');
  f.locals = [...f.locals, { name, type, loose }];
  f.declType = type;
  if (s.lastVar) s.varDecl = { depth: s.stack.length - 1, name, assigned: false, simple: true };
  s.lastVar = false;
  return operand(s, NONE, 'after');
}

function memberName(scope: TrackerScope, s: State, name: string): boolean {
  const recv = s.wordRecv;
  const table = memberTable(scope, recv);
  s.member = undefined;
  if (table) {
    const m = table.members.get(name);
    if (!m) return violation(s, 'member') && operand(s, NONE, 'after');
    if (m.keyword) {
      if (name === 'new') s.newPending = true;
      return operand(s, name === 'class' ? { kind: 'value', type: 'java.lang.Class', typeish: false } : NONE, name === 'new' ? 'type' : 'after', name === 'new' ? 'k' : 'w');
    }
    if (m.method && !m.field && !m.nested) s.follow = 'paren';
    else if (!m.method && !m.nested) s.follow = 'noparen'; // a nested type may be constructed: `new Outer.Inner(`
    s.member = m.method;
    if (m.nested) return operand(s, { kind: 'type', type: m.nested, typeish: recv.typeish }, recv.typeish ? 'decl' : 'after');
    if (m.field) return operand(s, { kind: 'value', type: typeKey(m.field.type), typeish: false }, 'after');
    return operand(s, NONE, 'after');
  }
  if (recv.kind === 'package') {
    const q = `${recv.type}.${name}`;
    const chain: Chain = scope.tables.knowsType(q) ? { kind: 'type', type: q, typeish: recv.typeish } : { kind: 'package', type: q, typeish: recv.typeish };
    return operand(s, chain, recv.typeish ? 'decl' : 'after');
  }
  if (recv.kind === 'type') {
    // a type the scope does not know completely: a nested type it lists, else unknown (still a type where one may stand)
    const nested = scope.tables.type(recv.type)?.nested;
    const q = nested && typeof nested[name] === 'string' ? nested[name] : '';
    return operand(s, { kind: q ? 'type' : 'none', type: q, typeish: recv.typeish }, recv.typeish ? 'decl' : 'after');
  }
  return operand(s, { kind: 'none', type: '', typeish: recv.typeish }, recv.typeish ? 'decl' : 'after');
}

function bareName(scope: TrackerScope, s: State, name: string, pos: Pos): boolean {
  const typeish = pos === 'stmt' || pos === 'type';
  const next: Pos = typeish ? 'decl' : 'after';
  const local = findLocal(s, (n) => n === name);
  if (local) return operand(s, { kind: local.type ? 'value' : 'none', type: local.type, typeish: false }, 'after');
  const bare = scope.tables.bareName(name);
  const type = scope.tables.visibleType(name) ?? (Object.prototype.hasOwnProperty.call(scope.ownTypes, name) ? scope.ownTypes[name] : undefined);
  if (bare === 'field') {
    const t = scope.testClass ? scope.tables.fieldType(scope.testClass, name) : '';
    return operand(s, t ? { kind: 'value', type: t, typeish: false } : NONE, 'after');
  }
  if (bare === 'method' && !type) {
    s.follow = 'paren';
    return operand(s, NONE, 'after');
  }
  if (type) return operand(s, { kind: 'type', type, typeish }, next);
  if (PRIMITIVES.has(name)) return operand(s, { kind: 'type', type: name, typeish }, next);
  if (scope.tables.isPackageRoot(name)) return operand(s, { kind: 'package', type: name, typeish }, next);
  if (scope.tables.closed) {
    if (pos === 'lambda') s.follow = 'arrow'; // only a lambda's parameter may be new here
    else if (!violation(s, 'unknown name')) return false;
  }
  return operand(s, { kind: 'none', type: '', typeish }, next);
}

function keyword(s: State, w: string): boolean {
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
      return operand(s, { kind: 'type', type: '', typeish: true }, 'decl');
    case 'this':
    case 'super':
    case 'true':
    case 'false':
    case 'null':
      return operand(s, NONE, 'after');
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

function findLocal(s: State, match: (name: string, l: Local) => boolean): Local | undefined {
  for (let i = s.stack.length - 1; i >= 0; i--) {
    const f = s.stack[i];
    for (const l of f.locals) if (match(l.name, l)) return l;
  }
  return undefined;
}
