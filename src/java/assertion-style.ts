// A generated test method rewritten into the assertion style of the test class it goes into (issue 17
// item 3): the model writes JUnit 4's `Assert.assertEquals("message", expected, actual)` in JUnit 5
// classes and the reverse, and `@Test` methods into JUnit 3 classes (`extends TestCase`), where
// `org.junit.Test` may not exist at all. The edits:
//   - JUnit 5: `Assert.assertX(…)` → `Assertions.assertX(…)`, a leading string-literal message moved last;
//   - JUnit 4: `Assertions.assertX(…)` → `Assert.assertX(…)`, a trailing string-literal message moved first;
//   - JUnit 3: `Assert.`/`Assertions.` dropped (TestCase inherits the assertions), `@Test` removed, the
//     method public and named `test…` (JUnit 3 runs public `test*` methods by name).
// assertThat is left alone (it is Hamcrest's in JUnit 5). Pure: edits over the method's text; never throws.
import type { SyntaxNode } from './parser';

export type AssertionStyle = 'junit3' | 'junit4' | 'junit5';

export interface MethodEdit {
  start: number; // offsets into the method's text
  end: number;
  text: string;
}

/** Assertions that take an optional message (JUnit 4 first, JUnit 5 last), with their arity without it. */
const ARITY: Record<string, number[]> = {
  assertEquals: [2, 3],
  assertNotEquals: [2, 3],
  assertSame: [2],
  assertNotSame: [2],
  assertArrayEquals: [2, 3],
  assertTrue: [1],
  assertFalse: [1],
  assertNull: [1],
  assertNotNull: [1],
  fail: [0],
};
const ASSERTION_NAMES = new Set([...Object.keys(ARITY), 'assertThrows']);

/** A test class's style from its text: JUnit 3 when it extends TestCase, else the framework given. */
export function assertionStyle(testClassText: string | undefined, framework: 'junit4' | 'junit5'): AssertionStyle {
  return testClassText !== undefined && /\bclass\s+\w+(?:\s*<[^>]*>)?\s+extends\s+(?:junit\.framework\.)?TestCase\b/.test(testClassText) ? 'junit3' : framework;
}

const isMessage = (n: SyntaxNode | undefined) => n?.type === 'string_literal';

function calls(node: SyntaxNode, out: SyntaxNode[] = []): SyntaxNode[] {
  if (node.type === 'method_invocation') out.push(node);
  for (const c of node.namedChildren) if (c) calls(c, out);
  return out;
}

/** The edits that put `method` (a method_declaration) in `style`, and one line per kind of change. */
export function styleEdits(method: SyntaxNode, style: AssertionStyle): { edits: MethodEdit[]; applied: string[] } {
  const base = method.startIndex;
  const edits: MethodEdit[] = [];
  const applied = new Set<string>();
  const foreign = style === 'junit5' ? ['Assert'] : style === 'junit4' ? ['Assertions'] : ['Assert', 'Assertions'];
  for (const call of calls(method)) {
    const object = call.childForFieldName('object');
    const name = call.childForFieldName('name')?.text ?? '';
    if (object?.type !== 'identifier' || !foreign.includes(object.text) || !ASSERTION_NAMES.has(name)) continue;
    if (style === 'junit3') {
      edits.push({ start: object.startIndex - base, end: call.childForFieldName('name')!.startIndex - base, text: '' });
      applied.add(`${object.text}.${name} → ${name} (TestCase's own)`);
      continue;
    }
    const owner = style === 'junit5' ? 'Assertions' : 'Assert';
    edits.push({ start: object.startIndex - base, end: object.endIndex - base, text: owner });
    applied.add(`${object.text}.${name} → ${owner}.${name}`);
    const list = call.childForFieldName('arguments');
    const args = list ? list.namedChildren.filter((a): a is SyntaxNode => !!a) : [];
    const arity = ARITY[name];
    if (!arity || !arity.includes(args.length - 1)) continue;
    const message = style === 'junit5' ? args[0] : args[args.length - 1];
    if (!isMessage(message) || (style === 'junit4' && args.length === 1)) continue;
    const rest = style === 'junit5' ? args.slice(1) : args.slice(0, -1);
    const reordered = style === 'junit5' ? [...rest.map((a) => a.text), message.text] : [message.text, ...rest.map((a) => a.text)];
    edits.push({ start: args[0].startIndex - base, end: args[args.length - 1].endIndex - base, text: reordered.join(', ') });
    applied.add(`the message of ${name} moved ${style === 'junit5' ? 'last' : 'first'}`);
  }
  if (style === 'junit3') {
    const modifiers = method.namedChildren.find((c) => c?.type === 'modifiers');
    for (const a of modifiers?.namedChildren ?? []) {
      if (!a || (a.type !== 'marker_annotation' && a.type !== 'annotation') || !/^(org\.junit\.)?Test$/.test(a.childForFieldName('name')?.text ?? '')) continue;
      let end = a.endIndex - base;
      const text = method.text;
      while (end < text.length && /[ \t]/.test(text[end])) end++;
      if (text[end] === '\n') end++;
      while (end < text.length && /[ \t]/.test(text[end])) end++;
      edits.push({ start: a.startIndex - base, end, text: '' });
      applied.add('@Test removed (JUnit 3 runs public test* methods)');
    }
    if (!/\bpublic\b/.test(modifiers?.text ?? '')) {
      const type = method.childForFieldName('type');
      if (type) {
        edits.push({ start: type.startIndex - base, end: type.startIndex - base, text: 'public ' });
        applied.add('made public');
      }
    }
    const nameNode = method.childForFieldName('name');
    if (nameNode && !nameNode.text.startsWith('test')) {
      const renamed = `test${nameNode.text[0].toUpperCase()}${nameNode.text.slice(1)}`;
      edits.push({ start: nameNode.startIndex - base, end: nameNode.endIndex - base, text: renamed });
      applied.add(`renamed ${renamed}`);
    }
  }
  return { edits, applied: [...applied] };
}

/** `text` with non-overlapping `edits` applied (later ones first); an overlapping edit is dropped. */
export function applyMethodEdits(text: string, edits: MethodEdit[]): string {
  let out = text;
  let floor = Infinity;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    if (e.end > floor) continue;
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    floor = e.start;
  }
  return out;
}
