// The seeded candidate: a test body that starts by calling the focal method, written with the model.
// A small model rarely calls the method it is asked to test (measured: 0 of the passing tests did on
// held-out projects), so the pipeline writes the start of the statements that must be there — the
// receiver's construction and the focal call — and the model fills in what it is good at: the
// arguments (`new CSVParser(` → the model writes `',', '"');`), then the rest of the body. Verification
// then observes the result and turns it into a regression assertion (src/verify/observe.ts).
// Only what a test can construct is seeded: a static method, or an instance method of a concrete,
// top-level or static nested class with a visible constructor.
import type { JavaMethod } from '../java/methods';

export interface Seed {
  /** Statement starts, in order; each ends with '(' (the model writes the arguments) or is a whole statement. */
  statements: string[];
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How the focal class is declared in its file: kind and modifiers of `class Name`. */
function declarationOf(focalText: string, simpleName: string): { kind: string; modifiers: string; generic: boolean } | undefined {
  const re = new RegExp(`((?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\\s+)*)(class|interface|enum|record|@interface)\\s+${escapeRe(simpleName)}\\b\\s*(<)?`);
  const m = re.exec(focalText.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' '));
  return m ? { kind: m[2], modifiers: m[1], generic: m[3] === '<' } : undefined;
}

/**
 * The seed for `focal`, given the other methods and constructors of its file; undefined when a test
 * cannot construct the receiver (abstract class, interface, enum, inner class, only private constructors).
 */
export function seedFor(focal: JavaMethod, fileMethods: readonly JavaMethod[], focalText: string): Seed | undefined {
  const typePath = focal.enclosingType.split('.');
  const simple = typePath[typePath.length - 1];
  if (!simple || focal.enclosingType.includes('<anonymous>')) return undefined;
  const ret = focal.returnType;
  const call = (receiver: string) => (ret && ret !== 'void' ? `${ret} result = ${receiver}.${focal.name}(` : `${receiver}.${focal.name}(`);
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
  // no constructor declared, or a no-argument one: the statement is whole; otherwise the model writes the arguments
  const noArgs = !constructors.length || visible.some((c) => c.parameterTypes.length === 0);
  return { statements: [`${type} ${variable} = ${created}${noArgs ? ');' : ''}`, call(variable)] };
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
