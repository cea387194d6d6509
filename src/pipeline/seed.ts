// Seeded candidates: test bodies that start by calling the focal method. A small model rarely calls
// the method it is asked to test (measured: 0 of the passing tests did on held-out projects), so the
// pipeline writes the statements that must be there — the receiver's construction and the focal call —
// in two ways: with typed default arguments (`Angle.normalize(1.0)`, `new Parser(",", null)`: what
// Randoop-style generators start from; they always fit the signature), and with the arguments left to
// the model (`new CSVParser(` → the model writes `',', '"');`). The model then writes the rest of the
// body, and verification observes the result and turns it into a regression assertion
// (src/verify/observe.ts). Only what a test can construct is seeded: a static method, or an instance
// method of a concrete, top-level or static nested class with a visible constructor.
import type { JavaMethod } from '../java/methods';

export interface Seed {
  /** Statement starts, in order; each ends with '(' (the model writes the arguments) or is a whole statement. */
  statements: string[];
  /** The body ends after the statements (the model writes nothing more): a regression test of the focal call alone. */
  alone?: boolean;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How the focal class is declared in its file: kind and modifiers of `class Name`. */
function declarationOf(focalText: string, simpleName: string): { kind: string; modifiers: string; generic: boolean } | undefined {
  const re = new RegExp(`((?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\\s+)*)(class|interface|enum|record|@interface)\\s+${escapeRe(simpleName)}\\b\\s*(<)?`);
  const m = re.exec(focalText.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' '));
  return m ? { kind: m[2], modifiers: m[1], generic: m[3] === '<' } : undefined;
}

const BOXED: Record<string, string> = { Integer: 'int', Long: 'long', Short: 'short', Byte: 'byte', Double: 'double', Float: 'float', Boolean: 'boolean', Character: 'char' };

/** A literal of `type` (primitives, their boxes, String) or a one-expression JDK object (readers, streams, …), or undefined. */
export function literalValue(type: string): string | undefined {
  const t = type.replace(/\s+/g, ' ').trim().replace(/^final /, '');
  const prim = BOXED[t] ?? t;
  switch (prim) {
    case 'int':
    case 'short':
    case 'byte':
      return prim === 'int' ? '1' : `(${prim}) 1`;
    case 'long':
      return '1L';
    case 'double':
      return '1.0';
    case 'float':
      return '1.0f';
    case 'boolean':
      return 'true';
    case 'char':
      return "'a'";
  }
  if (t === 'String' || t === 'CharSequence' || t === 'java.lang.String') return '"abc"';
  return JDK_VALUES[t.replace(/^java\.(io|math|util)\./, '')];
}

/** JDK objects a test can build in one expression (fully qualified: no import needed). */
const JDK_VALUES: Record<string, string> = {
  Reader: 'new java.io.StringReader("abc")',
  StringReader: 'new java.io.StringReader("abc")',
  Writer: 'new java.io.StringWriter()',
  StringWriter: 'new java.io.StringWriter()',
  InputStream: 'new java.io.ByteArrayInputStream(new byte[] {1})',
  OutputStream: 'new java.io.ByteArrayOutputStream()',
  File: 'new java.io.File("abc")',
  BigDecimal: 'java.math.BigDecimal.ONE',
  BigInteger: 'java.math.BigInteger.ONE',
  StringBuilder: 'new StringBuilder("abc")',
  Locale: 'java.util.Locale.ROOT',
};

/**
 * A value of `type` a test can write without knowing more: a literal, an empty collection, an array, a
 * project object from `projectValues` (./project-values.ts), else a typed null.
 */
export function defaultValue(type: string, projectValues: ReadonlyMap<string, string> = new Map()): string {
  const t = type.replace(/\s+/g, ' ').trim().replace(/^final /, '');
  const literal = literalValue(t);
  if (literal !== undefined) return literal;
  const known = projectValues.get(t);
  if (known) return known;
  if (t === 'Object') return 'new Object()';
  const raw = t.replace(/<.*>$/, '');
  if (/^(java\.util\.)?(List|Collection|Iterable|ArrayList)$/.test(raw)) return 'new java.util.ArrayList<>()';
  if (/^(java\.util\.)?(Set|HashSet)$/.test(raw)) return 'new java.util.HashSet<>()';
  if (/^(java\.util\.)?(Map|HashMap)$/.test(raw)) return 'new java.util.HashMap<>()';
  const array = /^(\w+(?:\.\w+)*)((?:\[\])+)$/.exec(t.replace(/\.\.\.$/, '[]'));
  if (array) {
    const [, elem, dims] = array;
    if (dims === '[]' && (BOXED[elem] || Object.values(BOXED).includes(elem) || elem === 'String')) return `new ${elem}[] {${defaultValue(elem)}}`;
    return `new ${elem}${dims.replace('[]', '[0]')}`;
  }
  if (/^[A-Z]$/.test(t)) return 'null'; // a type variable
  return `(${t}) null`;
}

/**
 * The seeds for `focal`, given the other methods and constructors of its file: typed arguments first
 * (continued by the model, then alone), then arguments left to the model; none when a test cannot construct the receiver (abstract class,
 * interface, enum, inner class, only private constructors).
 */
export function seedsFor(focal: JavaMethod, fileMethods: readonly JavaMethod[], focalText: string, projectValues: ReadonlyMap<string, string> = new Map()): Seed[] {
  const typed = seedFor(focal, fileMethods, focalText, projectValues);
  const open = seedFor(focal, fileMethods, focalText);
  // typed arguments with the model's continuation; the same alone (when what the model adds does not
  // compile, the focal call and its observed result still make a test); the model's arguments
  const alone = typed ? { ...typed, alone: true } : undefined;
  return [typed, alone, open].filter((x): x is Seed => !!x && !(x === open && typed && JSON.stringify(typed.statements) === JSON.stringify(open.statements)));
}

/** One seed: with `typedArguments` (values for project types) every argument is written, otherwise the statements end with '(' for the model. */
export function seedFor(focal: JavaMethod, fileMethods: readonly JavaMethod[], focalText: string, typedArguments?: ReadonlyMap<string, string>): Seed | undefined {
  const typePath = focal.enclosingType.split('.');
  const simple = typePath[typePath.length - 1];
  if (!simple || focal.enclosingType.includes('<anonymous>')) return undefined;
  const ret = focal.returnType;
  const args = (types: string[]) => (typedArguments ? `${types.map((t) => defaultValue(t, typedArguments)).join(', ')});` : '');
  const call = (receiver: string) => (ret && ret !== 'void' ? `${ret} result = ${receiver}.${focal.name}(` : `${receiver}.${focal.name}(`) + args(focal.parameterTypes);
  if (focal.modifiers.includes('static')) return { statements: [call(focal.enclosingType)] };
  const decl = declarationOf(focalText, simple);
  if (!decl || decl.kind !== 'class' || /\babstract\b/.test(decl.modifiers)) return undefined;
  if (typePath.length > 1 && !/\bstatic\b/.test(decl.modifiers)) return undefined; // an inner class needs an outer instance
  const constructors = fileMethods.filter((m) => m.kind === 'constructor' && m.enclosingType === focal.enclosingType);
  const visible = constructors.filter((c) => !c.modifiers.includes('private'));
  if (constructors.length && !visible.length) return undefined;
  const type = decl.generic ? `${focal.enclosingType}<Object>` : focal.enclosingType;
  const created = decl.generic ? `new ${focal.enclosingType}<>(` : `new ${focal.enclosingType}(`;
  const variable = lowerFirst(simple);
  // no constructor declared, or a no-argument one: the statement is whole; otherwise the fewest arguments
  const noArgs = !constructors.length || visible.some((c) => c.parameterTypes.length === 0);
  const fewest = [...visible].sort((a, b) => a.parameterTypes.length - b.parameterTypes.length)[0];
  const construction = noArgs ? ');' : typedArguments ? args(fewest.parameterTypes) : '';
  const statements = [`${type} ${variable} = ${created}${construction}`, call(variable)];
  // a void method shows its effect through the receiver: assert on an observer (a getter) afterwards,
  // with a placeholder that the run's observed value replaces (src/verify/repair.ts)
  const observer = ret === 'void' ? observerOf(focal, fileMethods) : undefined;
  if (observer) statements.push(observerAssertion(variable, observer));
  return { statements };
}

const OBSERVER_NAME = /^(get|is|has|size$|length$|count|position|offset|index)/;

/** A no-argument, non-private method of the focal class that returns a value a literal can write back (a getter), other than the focal method. */
export function observerOf(focal: JavaMethod, fileMethods: readonly JavaMethod[]): JavaMethod | undefined {
  const candidates = fileMethods.filter(
    (m) =>
      m.kind === 'method' &&
      m.enclosingType === focal.enclosingType &&
      m.name !== focal.name &&
      m.parameterTypes.length === 0 &&
      !m.modifiers.includes('private') &&
      !m.modifiers.includes('static') &&
      /^(int|long|short|byte|double|float|boolean|char|String)$/.test(m.returnType.trim()), // boxed values make JUnit 4's assertEquals ambiguous
  );
  return candidates.find((m) => OBSERVER_NAME.test(m.name)) ?? candidates[0];
}

/** `assertEquals(<placeholder>, receiver.observer())`, as src/verify/observe.ts writes placeholders. */
function observerAssertion(receiver: string, observer: JavaMethod): string {
  const t = observer.returnType.trim();
  const p = t === 'long' ? '0L' : t === 'double' ? '0.0' : t === 'float' ? '0.0f' : t === 'boolean' ? 'false' : t === 'char' ? "' '" : t === 'String' ? '""' : '0';
  const delta = p === '0.0' ? ', 1e-9' : p === '0.0f' ? ', 1e-6f' : '';
  return `assertEquals(${p}, ${receiver}.${observer.name}()${delta});`;
}

/**
 * The first statement of `text` ending at a `;` outside brackets, strings and comments, or undefined
 * when the text closes a bracket it did not open first or ends before such a `;`.
 */
export function firstStatement(text: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth < -1) return undefined;
    } else if (c === ';' && depth <= 0) return text.slice(0, i + 1);
  }
  return undefined;
}
