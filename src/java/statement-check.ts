// Is one Java statement, as the bracket guard collected it up to its `;`, something javac accepts as a
// statement? javac rejects an expression standing alone unless it is an assignment, `++`/`--`, a method
// invocation or a class instance creation (JLS 14.8; "error: not a statement"): `builder.with;`, `x;`,
// `a + b;`, `"s";`, `foo.bar.baz;`, `new int[3];`, `(Foo) x.bar();`, `Foo::bar;`. The decoder's syntax
// guard refuses the `;` that would end such a statement, so the model's next best is taken.
//
// The input is the statement's code only: the bracket guard writes each literal as one `"`, drops
// comments, collapses blanks and writes a nested block (a lambda's or an anonymous class's body) as
// `{}`. Leading `if (…)`, `while (…)`, `for (…)`, `else`, `do`, labels and `case …:` are stripped first.
// Declarations (`Foo x;`, `int[] a;`, `List<String> xs;`), `return`/`throw`/`break`/`continue`/
// `assert`/`yield` statements and anything this reader does not understand are accepted: it refuses
// only the shapes it is sure javac rejects, never code that would compile. Pure; never throws.

type Tok = { kind: 'id' | 'kw' | 'lit' | 'op' | 'group'; text: string };

const KEYWORDS = new Set(
  (
    'abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if ' +
    'implements import instanceof int interface long native new package private protected public return short static strictfp super switch ' +
    'synchronized this throw throws transient try void volatile while'
  ).split(' '),
);
const LITERAL_WORDS = new Set(['true', 'false', 'null']);
const PRIMITIVES = new Set(['boolean', 'byte', 'char', 'double', 'float', 'int', 'long', 'short', 'void']);
/** Words that may stand before a declared name's type: `final int x`. */
const DECLARATION_WORDS = new Set([...PRIMITIVES, 'final', 'static']);
const ASSIGNMENT = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>>>=']);
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '&&', '||', '++', '--', '->', '::', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=']);
const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The statement's tokens, nested brackets collapsed to one `()`/`[]`/`{}` token; undefined when unbalanced. */
function tokenize(code: string): Tok[] | undefined {
  const out: Tok[] = [];
  const open: string[] = [];
  for (let i = 0; i < code.length; ) {
    const c = code[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (CLOSE[c]) {
      if (!open.length) out.push({ kind: 'group', text: c + CLOSE[c] });
      open.push(c);
      i++;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      if (CLOSE[open.pop() ?? ''] !== c) return undefined;
      i++;
      continue;
    }
    let tok: Tok;
    if (/[A-Za-z_$]/.test(c)) {
      const word = /^[\w$]+/.exec(code.slice(i))![0];
      tok = { kind: LITERAL_WORDS.has(word) ? 'lit' : KEYWORDS.has(word) ? 'kw' : 'id', text: word };
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(code[i + 1] ?? ''))) {
      tok = { kind: 'lit', text: /^[\w.]+?(?:[eEpP][-+]?[\w.]*)?(?=[^\w.]|$)/.exec(code.slice(i))?.[0] ?? c };
    } else if (c === '"') {
      tok = { kind: 'lit', text: c };
    } else if (c === '<' || c === '>') {
      // `<<=`, `>>=`, `>>>=` assign; `<=`, `>=` compare; otherwise one angle at a time (generics close with `>>`)
      const run = /^[<>]+=?/.exec(code.slice(i))![0];
      tok = { kind: 'op', text: run.endsWith('=') ? run : c };
    } else {
      const two = code.slice(i, i + 2);
      tok = { kind: 'op', text: TWO_CHAR_OPS.has(two) ? two : c };
    }
    i += tok.text.length;
    if (!open.length) out.push(tok);
  }
  return open.length ? undefined : out;
}

const isOp = (t: Tok | undefined, ...ops: string[]) => t?.kind === 'op' && ops.includes(t.text);
const isGroup = (t: Tok | undefined, g: string) => t?.kind === 'group' && t.text === g;
const isKw = (t: Tok | undefined, ...words: string[]) => t?.kind === 'kw' && words.includes(t.text);

/** The tokens after the control-flow prefixes (`if (…)`, `else`, labels, `case …:`); undefined: accept whatever follows. */
function stripPrefixes(toks: Tok[]): Tok[] | undefined {
  let i = 0;
  for (;;) {
    const t = toks[i];
    if (t?.kind === 'id' && isOp(toks[i + 1], ':')) i += 2; // a label
    else if (isKw(t, 'if', 'while', 'for', 'synchronized', 'switch') && isGroup(toks[i + 1], '()')) i += 2;
    else if (isKw(t, 'else', 'do')) i++;
    else if (isKw(t, 'case', 'default')) {
      let j = i + 1;
      while (j < toks.length && !isOp(toks[j], ':', '->')) j++;
      if (j >= toks.length || toks[j].text === '->') return undefined; // a switch rule: an expression may stand alone in a switch expression
      i = j + 1;
    } else return toks.slice(i);
  }
}

/** Skips `<…>` type arguments starting at `i` (an `<`); the index after the closing `>`, or -1. */
function skipTypeArguments(toks: Tok[], i: number): number {
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    if (isOp(toks[j], '<')) depth++;
    else if (isOp(toks[j], '>')) {
      if (--depth === 0) return j + 1;
    } else if (!(toks[j].kind === 'id' || isOp(toks[j], ',', '.', '?', '&') || isGroup(toks[j], '[]') || isKw(toks[j], 'extends', 'super') || (toks[j].kind === 'kw' && PRIMITIVES.has(toks[j].text)))) return -1;
  }
  return -1;
}

/**
 * True when `toks` is exactly a method invocation or a class instance creation (a chain of primaries
 * and selectors ending in a call's `(…)`, or `new T(…)` with an optional body), with nothing after it.
 */
function isInvocationOrCreation(toks: Tok[]): boolean {
  let i = 0;
  let lastIsCall = false;
  if (isKw(toks[0], 'new')) {
    i = 1;
    if (isOp(toks[i], '<')) i = skipTypeArguments(toks, i);
    // the type: a.b.C<…> (or a primitive, for an array creation)
    while (i >= 0 && i < toks.length && (toks[i].kind === 'id' || (toks[i].kind === 'kw' && PRIMITIVES.has(toks[i].text)))) {
      i++;
      if (isOp(toks[i], '<')) i = skipTypeArguments(toks, i);
      if (i >= 0 && isOp(toks[i], '.')) i++;
      else break;
    }
    if (i < 0) return false;
    if (isGroup(toks[i], '()')) {
      lastIsCall = true;
      i++;
      if (isGroup(toks[i], '{}')) i++; // an anonymous class body
    } else {
      while (isGroup(toks[i], '[]')) i++; // an array creation: not a statement
      if (isGroup(toks[i], '{}')) i++;
    }
  } else {
    const first = toks[0];
    if (!first) return false;
    if (first.kind === 'id' || isKw(first, 'this', 'super')) {
      i = 1;
      if (isGroup(toks[1], '()')) {
        lastIsCall = true;
        i = 2;
      }
    } else if (first.kind === 'lit') i = 1;
    else if (isGroup(first, '()')) {
      if (toks[1] && !isOp(toks[1], '.') && !isGroup(toks[1], '[]')) return false; // a cast `(T) x…`, or `(x) + 1`
      i = 1;
    } else return false;
  }
  // selectors: `.name`, `.name(…)`, `.<T>name(…)`, `.new T(…)`, `[…]`
  while (i < toks.length) {
    const t = toks[i];
    if (isGroup(t, '[]')) {
      lastIsCall = false;
      i++;
      continue;
    }
    if (!isOp(t, '.')) return false; // an operator, `::`, a ternary…: the whole is not a call
    i++;
    if (isOp(toks[i], '<')) {
      i = skipTypeArguments(toks, i);
      if (i < 0) return false;
    }
    const name = toks[i];
    if (isKw(name, 'new')) return isInvocationOrCreation(toks.slice(i)); // inner class creation `outer.new Inner()`
    if (!(name?.kind === 'id' || isKw(name, 'this', 'super', 'class'))) return false;
    i++;
    lastIsCall = isGroup(toks[i], '()');
    if (lastIsCall) i++;
    else if (isGroup(toks[i], '{}')) return false;
  }
  return lastIsCall;
}

/** True unless `code` (one statement without its `;`) is an expression javac rejects as "not a statement". */
export function isStatement(code: string): boolean {
  const all = tokenize(code);
  if (!all) return true; // not understood: never refused
  const toks = stripPrefixes(all);
  if (!toks || !toks.length) return true; // a switch rule, or the empty statement `;` (`while (x);`, `for (…);`)
  const head = toks[0];
  if (isKw(head, 'return', 'throw', 'break', 'continue', 'assert', 'class', 'interface', 'enum', 'abstract', 'final', 'static') || isOp(head, '@')) return true;
  if (head.kind === 'id' && (head.text === 'yield' || head.text === 'var') && toks[1] && !isOp(toks[1], '.', '(', '[', '=')) return true;
  if (toks.some((t) => t.kind === 'op' && ASSIGNMENT.has(t.text))) return true;
  if (isOp(head, '++', '--') || isOp(toks[toks.length - 1], '++', '--')) return true;
  // a declaration: a name right after a type (`Foo x`, `int x`, `List<String> xs`, `int[] a`)
  for (let i = 1; i < toks.length; i++) {
    const a = toks[i - 1];
    if (toks[i].kind === 'id' && (a.kind === 'id' || (a.kind === 'kw' && DECLARATION_WORDS.has(a.text)) || isOp(a, '>') || isGroup(a, '[]'))) return true;
  }
  return isInvocationOrCreation(toks);
}

/** The index of the `(` matching the `)` that ends `text`, or -1. */
function matchingOpen(text: string): number {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return i;
  }
  return -1;
}

/**
 * What a block `{` opens, given the code of its statement before it (`header`) and whether it sits
 * inside parentheses or an initializer (`inExpression`): `classBody` — its statements are member
 * declarations, not checked (a local or anonymous class, an enum); `continues` — the block is part of
 * an expression (a lambda's or an anonymous class's body, `int y = switch (x) {…}`), so the statement
 * goes on after its `}`; otherwise the block is a statement of its own (`if (…) {…}`, `try {…}`).
 */
export function blockOpening(header: string, inExpression: boolean): { continues: boolean; classBody: boolean } {
  const t = header.trimEnd();
  const open = t.endsWith(')') ? matchingOpen(t) : -1;
  const anonymous = open >= 0 && /\bnew\s+[\w$.\s]+(<[\w$.,\s<>?[\]]*>)?\s*$/.test(t.slice(0, open));
  const declared = /\b(class|interface|enum)\s+[\w$]+[^;{}=]*$|\brecord\s+[\w$]+\s*(<[^>]*>)?\s*\(/.test(t);
  if (inExpression || anonymous || t.endsWith('->')) return { continues: true, classBody: anonymous || (declared && !inExpression) };
  if (declared) return { continues: false, classBody: true };
  const toks = tokenize(t);
  return { continues: !!toks && toks.some((x) => x.kind === 'op' && ASSIGNMENT.has(x.text)), classBody: false };
}
