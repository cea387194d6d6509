// The text format of the study's Methods2Test prompts (`source`) and targets, byte for byte.
// Reverse-engineered from ../shared/benchmarks/methods2test_small/test.jsonl (1,002 rows) and checked
// by test/unit/java/context.golden.test.ts, which rebuilds Java files from rows and re-renders them:
//
//   class <Name>[ <extends ...>][ <implements ...>] {\n\n
//   <I><focal method text, from its first modifier/annotation to its closing brace>\n\n
//   <I><mods> <Name>(<params>);\n...           (constructors; mods joined by one space, return type '')\n\n
//   <I><mods> <ret> <name>(<params>);\n...     (other methods; no type parameters, no throws)\n\n
//   <J><field>;\n...                           (fields: the TEST class's fields, as in the study's data)\n\n
//   }\n\n
//   class <TestName>[ <focal's extends>][ <focal's implements>] {\n\n   (each part shown where the TEST
//                                                  class has one; empty when the focal has none)
//   <J><field>;\n...\n\n                        (test class fields: raw modifiers, type, names; no initialisers)
//   <J><test method text ...up to and including the first line that contains '{'>\n
// and the target is the rest of the test method text followed by "\n\n}".
// Empty sections are left out with their blank line. I and J are the "indent" of the focal and the
// test method: the method text's last line without its last character (usually the whitespace before
// the closing brace; for one-line methods it is the whole line minus its last character, which the
// study's data shows too). Type parameters of the classes are dropped; so are comments before members.

export type BaseFormat = 'fm' | 'fm+fc' | 'fm+fc+c' | 'fm+fc+c+m' | 'fm+fc+c+m+f';
export type ContextFormat = BaseFormat | `${BaseFormat}+t+tc`;

export const CONTEXT_FORMATS: ContextFormat[] = (['fm', 'fm+fc', 'fm+fc+c', 'fm+fc+c+m', 'fm+fc+c+m+f'] as BaseFormat[]).flatMap(
  (b) => [b, `${b}+t+tc` as ContextFormat],
);

export function isContextFormat(s: string): s is ContextFormat {
  return (CONTEXT_FORMATS as string[]).includes(s);
}

export interface FocalParts {
  header: string; // 'class Foo extends Bar implements Baz'
  method: string; // the focal method's text (first line unindented, later lines as in the file)
  constructors: string[]; // 'public  Foo(int a)' (no indent, no ';')
  methods: string[]; // 'public int add(int a, int b)'
}

export interface TestParts {
  header: string; // 'class FooTest'
  fields: string[]; // 'private Foo foo' (no indent, no ';')
  method: string; // annotations + signature + (for training) the body, first line unindented
  indent?: string; // the test indent; default methodIndent(method) (generation passes it: no body yet)
}

/** The study's indent of a method text: its last line without the last character. */
export function methodIndent(methodText: string): string {
  const last = methodText.slice(methodText.lastIndexOf('\n') + 1);
  return last.slice(0, -1);
}

function flags(format: ContextFormat) {
  const parts = format.split('+');
  return { fc: parts.includes('fc'), c: parts.includes('c'), m: parts.includes('m'), f: parts.includes('f'), t: parts.includes('t') };
}

/** Renders the fields block of the test class (shared by the focal class's `f` section). */
function fieldsBlock(fields: string[], indent: string): string {
  return fields.map((f) => `${indent}${f};`).join('\n');
}

/** The focal part of a prompt. `testFields`/`testIndent` feed the `f` section as in the study's data. */
function renderFocal(format: ContextFormat, focal: FocalParts, testFields: string[], testIndent: string): string {
  const fl = flags(format);
  if (!fl.fc) return focal.method;
  const ind = methodIndent(focal.method);
  const sections = [ind + focal.method];
  if (fl.c && focal.constructors.length) sections.push(focal.constructors.map((c) => `${ind}${c};`).join('\n'));
  if (fl.m && focal.methods.length) sections.push(focal.methods.map((m) => `${ind}${m};`).join('\n'));
  if (fl.f && testFields.length) sections.push(fieldsBlock(testFields, testIndent));
  return `${focal.header} {\n\n${sections.join('\n\n')}\n\n}`;
}

/** Splits `text` after the first line that contains '{' (the line break stays with the head). */
function splitAfterBraceLine(text: string): { head: string; rest: string } {
  const brace = text.indexOf('{');
  if (brace < 0) return { head: text, rest: '' };
  const nl = text.indexOf('\n', brace);
  if (nl < 0) return { head: text, rest: '' };
  return { head: text.slice(0, nl + 1), rest: text.slice(nl + 1) };
}

/**
 * A whole prompt and, when the test method has a body, its target. For generation `test.method` is the
 * annotations and signature ending in '{' and the prompt ends with "{\n".
 */
export function renderPrompt(format: ContextFormat, focal: FocalParts, test: TestParts): { source: string; target: string } {
  const fl = flags(format);
  const testIndent = test.indent ?? methodIndent(test.method);
  const focalText = renderFocal(format, focal, test.fields, testIndent);
  if (!fl.t) return { source: focalText, target: test.method };
  const head = `${test.header} {\n\n${test.fields.length ? fieldsBlock(test.fields, testIndent) + '\n\n' : ''}`;
  const full = `${head}${testIndent}${test.method}`;
  const { head: src, rest } = splitAfterBraceLine(full.slice(head.length));
  return { source: `${focalText}\n\n${head}${src}`, target: `${rest}\n\n}` };
}
