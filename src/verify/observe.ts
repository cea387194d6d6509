// A test that calls the focal method but asserts nothing gets an assertion on what the focal method
// returned, so that running it writes the value down (as EvoSuite and Randoop make regression tests):
// `long r = calc.factorial(5);` is followed by `assertEquals(0L, r);`, a placeholder; the run fails
// with "expected 0 but was 120" and the regression repair (repair.ts) turns it into
// `assertEquals(120L, r)`. Values that a literal can write back are observed exactly: primitives and
// String (a boxed value would make JUnit 4's assertEquals ambiguous); any other object gets
// `assertNotNull(r)` (flipped to assertNull by the repair when the run saw null). Parsing never throws.
import type { SyntaxNode } from '../java/parser';
import type { FocalName } from './candidate-rules';
import type { RepairOutcome } from './repair';
import { descendants, invokedName, parseTestClass } from './test-method';

/** The placeholder expected value for a result of `type`, and the assertion's extra delta argument. */
export function placeholderFor(type: string): { expected: string; delta?: string } | undefined {
  switch (type.trim()) {
    case 'int':
    case 'short':
    case 'byte':
      return { expected: '0' };
    case 'long':
      return { expected: '0L' };
    case 'double':
      return { expected: '0.0', delta: '1e-9' };
    case 'float':
      return { expected: '0.0f', delta: '1e-6f' };
    case 'boolean':
      return { expected: 'false' };
    case 'char':
      return { expected: "' '" };
    case 'String':
    case 'java.lang.String':
      return { expected: '""' };
    default:
      return undefined;
  }
}

/** The assertion that observes a local `name` of `type`: an exact placeholder, or non-null for objects. */
function observation(type: string, name: string): string | undefined {
  const p = placeholderFor(type);
  if (p) return `assertEquals(${p.expected}, ${name}${p.delta ? `, ${p.delta}` : ''});`;
  const t = type.trim();
  if (!t || t === 'void' || t === 'var' || /^(int|long|short|byte|double|float|boolean|char)$/.test(t)) return undefined;
  return `assertNotNull(${name});`;
}

function callsFocal(node: SyntaxNode, focal: FocalName): boolean {
  return descendants(node, new Set(['method_invocation'])).some((c) => invokedName(c) === focal.methodName);
}

/**
 * Adds `assertEquals(<placeholder>, <result>)` after the last statement of the test method's body that
 * keeps the focal method's result in a local (or, when the result is discarded and `returnType` is
 * given, keeps it in a new local `observed`). Undefined `classText` in the outcome: nothing to observe.
 */
export async function observeResult(classText: string, testMethodName: string, focal: FocalName & { returnType?: string }): Promise<RepairOutcome> {
  const none = (note: string): RepairOutcome => ({ applied: [], notes: [note], forbidden: [] });
  const { tree, method } = await parseTestClass(classText, testMethodName);
  try {
    const body = method?.childForFieldName('body');
    if (!method || !body) return none(`no method ${testMethodName} with a body`);
    const statements = body.namedChildren.filter((s): s is SyntaxNode => !!s && !s.type.endsWith('comment'));
    const calling = statements.filter((s) => callsFocal(s, focal));
    // the result kept in a local is what to observe; else a call whose result is discarded
    const kept = [...calling].reverse().find((s) => s.type === 'local_variable_declaration');
    const discarded = [...calling].reverse().find((s) => s.type === 'expression_statement' && s.namedChildren[0]?.type === 'method_invocation' && invokedName(s.namedChildren[0]) === focal.methodName);
    const indentOf = (s: SyntaxNode) => /^[ \t]*/.exec(classText.slice(classText.lastIndexOf('\n', s.startIndex - 1) + 1))?.[0] ?? '';
    if (kept) {
      const type = kept.childForFieldName('type')?.text ?? '';
      const declarators = kept.namedChildren.filter((c): c is SyntaxNode => c?.type === 'variable_declarator');
      const holder = [...declarators].reverse().find((d) => d.childForFieldName('value') && callsFocal(d, focal));
      const name = holder?.childForFieldName('name')?.text;
      const assertion = name ? observation(type, name) : undefined;
      if (name && assertion) {
        return { classText: classText.slice(0, kept.endIndex) + `\n${indentOf(kept)}${assertion}` + classText.slice(kept.endIndex), applied: [`added ${assertion} to observe what ${focal.methodName} returns`], notes: [], forbidden: [] };
      }
      if (!discarded) return none(`the focal method's result (${type || 'unknown type'}) cannot be observed`);
    }
    if (discarded && focal.returnType) {
      const call = discarded.namedChildren[0]!;
      let local = 'observed';
      for (let n = 2; new RegExp(`\\b${local}\\b`).test(method.text); n++) local = `observed${n}`;
      const assertion = observation(focal.returnType, local);
      if (!assertion) return none(`the focal method's result (${focal.returnType}) cannot be observed`);
      const replacement = `${focal.returnType} ${local} = ${call.text};\n${indentOf(discarded)}${assertion}`;
      return { classText: classText.slice(0, discarded.startIndex) + replacement + classText.slice(discarded.endIndex), applied: [`kept the result of ${focal.methodName} and added ${assertion}`], notes: [], forbidden: [] };
    }
    if (calling.length) return none('the focal method is called only inside larger statements');
    return none(`${testMethodName} does not call ${focal.methodName} at the top level of its body`);
  } finally {
    tree.delete();
  }
}
