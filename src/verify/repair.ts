// Repair rules: what compiling and running said, turned into an edit of the candidate test. Each rule
// takes the whole test class text and the test method's name and returns the new class text, or a
// note saying why it does not apply. Pure text in, text out (tree-sitter); never throws.
//   - regression assertion: a failed assertion whose actual value was observed asserts that value
//     (assertEquals expected → the observed literal, typed like the expected literal: strings, chars,
//     longs, doubles with a delta, booleans, null; assertTrue ↔ assertFalse; assertNull ↔ assertNotNull;
//     Hamcrest is/equalTo and AssertJ isEqualTo get the printed value);
//   - expected exception: an exception thrown through the focal method becomes assertThrows (JUnit 5)
//     or try { ...; fail(...) } catch (X expected) {} (JUnit 4); the statements after it, which never ran, go;
//   - uncompilable statements: a statement javac rejects is removed when no later statement uses what it
//     declares; the offending symbols are returned so the caller can re-decode with them forbidden.
import type { SyntaxNode } from '../java/parser';
import { existingImports } from '../java/imports';
import { declaredPackage } from '../java/location';
import type { CompileError } from './javac-output';
import type { TestFailure } from './launcher-output';
import { argumentsOf, descendants, invokedName, lines, parseTestClass, statementAtLine } from './test-method';

export interface RepairOutcome {
  classText?: string; // undefined: the rule did not apply
  applied: string[]; // what was changed, one line each
  notes: string[]; // why something was not changed
  forbidden: string[]; // symbols to forbid when re-decoding (from compile errors)
}

const none = (note: string, forbidden: string[] = []): RepairOutcome => ({ applied: [], notes: [note], forbidden });

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** A Java string literal's body for `value` (quotes not included). */
export function javaEscape(value: string): string {
  return value.replace(/[\\"'\n\r\t\b\f]|[^\x20-\x7e]/g, (c) => {
    const map: Record<string, string> = { '\\': '\\\\', '"': '\\"', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
    if (map[c]) return map[c];
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The observed value as printed by JUnit (raw toString) / Hamcrest / AssertJ (strings quoted, <x>). */
function observedValue(failure: TestFailure): string | undefined {
  const a = failure.actual;
  if (a === undefined) return undefined;
  if (failure.style === 'hamcrest' || failure.style === 'assertj') {
    const inner = /^<([\s\S]*)>$/.exec(a)?.[1] ?? a;
    return inner;
  }
  return a;
}

/**
 * A literal for the observed value, typed like the expected argument it replaces. Returns undefined
 * when no literal can be written safely (an object's toString, a string for a non-string slot).
 */
export function literalFor(observed: string, expectedArg: SyntaxNode | undefined, style: TestFailure['style']): { literal: string; isDouble: boolean } | undefined {
  const kind = expectedArg?.type ?? '';
  const quoted = style === 'hamcrest' || style === 'assertj';
  const unquote = (s: string, q: string) => (s.length >= 2 && s.startsWith(q) && s.endsWith(q) ? s.slice(1, -1) : undefined);
  if (observed === 'null') return { literal: 'null', isDouble: false };
  if (kind === 'string_literal' || kind === 'text_block') {
    if (quoted) {
      const body = unquote(observed, '"');
      return body === undefined ? undefined : { literal: `"${body}"`, isDouble: false };
    }
    return { literal: `"${javaEscape(observed)}"`, isDouble: false };
  }
  if (kind === 'character_literal') {
    const c = quoted ? unquote(observed, "'") : observed;
    return c !== undefined && [...c].length === 1 ? { literal: `'${javaEscape(c)}'`, isDouble: false } : undefined;
  }
  const num = observed.replace(/[LlFfDd]$/, '');
  const isInt = /^-?\d+$/.test(num);
  const isReal = /^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(num) || /^-?Infinity$|^NaN$/.test(num);
  const realLiteral = (suffix: string) =>
    num === 'NaN' ? `Double.NaN` : num === 'Infinity' ? 'Double.POSITIVE_INFINITY' : num === '-Infinity' ? 'Double.NEGATIVE_INFINITY' : `${num.includes('.') || /e/i.test(num) ? num : num + '.0'}${suffix}`;
  if (kind === 'decimal_integer_literal' || kind === 'hex_integer_literal' || kind === 'octal_integer_literal' || kind === 'binary_integer_literal' || kind === 'unary_expression' && /^-\s*\d+[lL]?$/.test(expectedArg!.text)) {
    if (!isInt) return undefined;
    const isLong = /[lL]$/.test(expectedArg!.text) || Math.abs(Number(num)) > 2147483647;
    return { literal: num + (isLong ? 'L' : ''), isDouble: false };
  }
  if (kind === 'decimal_floating_point_literal' || (kind === 'unary_expression' && /^-\s*[\d.]+([eE][-+]?\d+)?[fFdD]?$/.test(expectedArg!.text))) {
    if (!isReal) return undefined;
    const isFloat = /[fF]$/.test(expectedArg!.text);
    return { literal: realLiteral(isFloat ? 'f' : ''), isDouble: !isFloat };
  }
  if (kind === 'true' || kind === 'false') return observed === 'true' || observed === 'false' ? { literal: observed, isDouble: false } : undefined;
  // Not a literal (a variable, a call, null): type the observed text by its shape only.
  if (observed === 'true' || observed === 'false') return { literal: observed, isDouble: false };
  if (isInt && /^-?\d+$/.test(observed)) return { literal: Math.abs(Number(num)) > 2147483647 ? num + 'L' : num, isDouble: false };
  if (/^-?\d+\.\d+([eE][-+]?\d+)?$/.test(observed)) return { literal: observed, isDouble: true };
  if (quoted && /^"[\s\S]*"$/.test(observed)) return { literal: observed, isDouble: false };
  return undefined;
}

/** Index of the expected argument of assertEquals-like calls: JUnit 4 may put a message first. */
function expectedIndex(args: SyntaxNode[], framework: 'junit4' | 'junit5'): number {
  if (framework === 'junit4' && (args.length === 3 || args.length === 4) && args[0].type === 'string_literal') {
    // (message, expected, actual[, delta]) — but (double, double, delta) has no string first.
    return 1;
  }
  return 0;
}

const FLIP: Record<string, string> = { assertTrue: 'assertFalse', assertFalse: 'assertTrue', assertNull: 'assertNotNull', assertNotNull: 'assertNull' };

/** Rewrites the failed assertion on `failure.line` to assert what was observed. */
export async function regressionAssertion(classText: string, testMethodName: string, failure: TestFailure, framework: 'junit4' | 'junit5'): Promise<RepairOutcome> {
  if (failure.kind !== 'assertion') return none('not an assertion failure');
  if (failure.line === undefined) return none('the failure does not name a line of the test');
  const { method } = await parseTestClass(classText, testMethodName);
  if (!method) return none(`no method ${testMethodName} in the test class`);
  const calls = descendants(method, new Set(['method_invocation'])).filter((c) => {
    const [a, b] = lines(c);
    return failure.line! >= a && failure.line! <= b && /^assert/.test(invokedName(c));
  });
  // The outermost assertion on the line (AssertJ chains: assertThat(x).isEqualTo(y) is the outer call).
  const call = calls.sort((x, y) => y.endIndex - y.startIndex - (x.endIndex - x.startIndex))[0];
  const chained = descendants(method, new Set(['method_invocation'])).find((c) => {
    const [a, b] = lines(c);
    return failure.line! >= a && failure.line! <= b && /^(isEqualTo|isSameAs)$/.test(invokedName(c)) && /^assertThat\s*\(/.test(c.childForFieldName('object')?.text ?? '');
  });
  if (!call && !chained) return none(`no assertion on line ${failure.line}`);
  const name = call ? invokedName(call) : '';
  if (chained && (!call || call.startIndex >= chained.startIndex)) {
    const arg = argumentsOf(chained)[0];
    const obs = observedValue(failure);
    const lit = obs === undefined ? undefined : literalFor(obs, arg, failure.style);
    if (!arg || !lit) return none(`the observed value ${failure.actual ?? '(none)'} has no literal form for ${arg?.text ?? 'isEqualTo'}`);
    return { classText: applyEdits(classText, [{ start: arg.startIndex, end: arg.endIndex, text: lit.literal }]), applied: [`isEqualTo(${arg.text}) → isEqualTo(${lit.literal}) (observed)`], notes: [], forbidden: [] };
  }
  if (FLIP[name]) {
    const nameNode = call.childForFieldName('name')!;
    const flipped = FLIP[name];
    const text = applyEdits(classText, [{ start: nameNode.startIndex, end: nameNode.endIndex, text: flipped }]);
    return { classText: addStaticImport(text, framework, flipped), applied: [`${name} → ${flipped} (observed)`], notes: [], forbidden: [] };
  }
  const args = argumentsOf(call);
  if (name === 'assertEquals' || name === 'assertSame') {
    const i = expectedIndex(args, framework);
    const exp = args[i];
    const obs = observedValue(failure);
    const lit = obs === undefined ? undefined : literalFor(obs, exp, failure.style);
    if (!exp || !lit) return none(`the observed value ${failure.actual ?? '(not printed)'} has no literal form for ${exp?.text ?? 'the expected argument'}`);
    const edits: Edit[] = [{ start: exp.startIndex, end: exp.endIndex, text: lit.literal }];
    const hasDelta = args.length - i >= 3 && !(framework === 'junit5' && args[args.length - 1].type === 'string_literal' && args.length - i === 3);
    if (lit.isDouble && !hasDelta) edits.push({ start: args[i + 1].endIndex, end: args[i + 1].endIndex, text: ', 1e-9' });
    return { classText: applyEdits(classText, edits), applied: [`${name}: expected ${exp.text} → ${lit.literal} (observed)`], notes: [], forbidden: [] };
  }
  if (name === 'assertThat' && args.length >= 2) {
    // Hamcrest: assertThat(actual, is(X)) / equalTo(X) / is(equalTo(X)).
    let matcher: SyntaxNode | undefined = args[args.length - 1];
    while (matcher && matcher.type === 'method_invocation' && /^(is|equalTo)$/.test(invokedName(matcher)) && argumentsOf(matcher).length === 1) {
      const inner: SyntaxNode = argumentsOf(matcher)[0];
      if (inner.type !== 'method_invocation' || !/^(is|equalTo)$/.test(invokedName(inner))) {
        const obs = observedValue(failure);
        const lit = obs === undefined ? undefined : literalFor(obs, inner, failure.style);
        if (!lit) return none(`the observed value ${failure.actual ?? '(not printed)'} has no literal form for ${inner.text}`);
        return { classText: applyEdits(classText, [{ start: inner.startIndex, end: inner.endIndex, text: lit.literal }]), applied: [`assertThat matcher ${inner.text} → ${lit.literal} (observed)`], notes: [], forbidden: [] };
      }
      matcher = inner;
    }
    return none(`the matcher of assertThat on line ${failure.line} is not is(...)/equalTo(...)`);
  }
  return none(`${name} on line ${failure.line} has no regression form`);
}

function addStaticImport(classText: string, framework: 'junit4' | 'junit5', name: string): string {
  const owner = framework === 'junit5' ? 'org.junit.jupiter.api.Assertions' : 'org.junit.Assert';
  const importLine = `import static ${owner}.${name};`;
  const re = new RegExp(`import\\s+static\\s+${owner.replace(/\./g, '\\.')}\\.(\\*|${name})\\s*;`);
  if (re.test(classText)) return classText;
  // After the last static import (else the last import), where a reader looks for it.
  const m = [...classText.matchAll(/^import\s+static\s[^;]+;[^\n]*\n/gm)].pop() ?? [...classText.matchAll(/^import\s[^;]+;[^\n]*\n/gm)].pop();
  if (m) return classText.slice(0, m.index! + m[0].length) + importLine + '\n' + classText.slice(m.index! + m[0].length);
  const pkg = /^package\s[^;]+;[^\n]*\n/m.exec(classText);
  const at = pkg ? pkg.index + pkg[0].length : 0;
  return classText.slice(0, at) + (pkg ? '\n' : '') + importLine + '\n' + classText.slice(at);
}

/** The source name to write for an exception's binary name in this test class. */
function exceptionName(binary: string, classText: string, root: SyntaxNode): string {
  const dotted = binary.replace(/\$/g, '.');
  const pkg = binary.slice(0, Math.max(0, binary.lastIndexOf('.')));
  const top = binary.slice(binary.lastIndexOf('.') + 1).split('$')[0];
  const simple = dotted.slice(pkg ? pkg.length + 1 : 0);
  const imports = existingImports(root);
  if (pkg === 'java.lang' || pkg === declaredPackage(classText) || imports.exact.has(`${pkg}.${top}`) || imports.wildcard.has(pkg)) return simple;
  return dotted;
}

function indentOf(classText: string, node: SyntaxNode): string {
  const lineStart = classText.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(classText.slice(lineStart))![0];
}

/** Wraps the statement that threw (through the focal method) so that the exception is expected. */
export async function expectException(classText: string, testMethodName: string, failure: TestFailure, framework: 'junit4' | 'junit5'): Promise<RepairOutcome> {
  if (failure.kind !== 'exception' || !failure.exceptionClass) return none('not an exception');
  if (!failure.throughFocal) return none(`${failure.exceptionClass} did not come through the focal method`);
  if (failure.line === undefined) return none('the stack does not name a line of the test');
  const { tree, method } = await parseTestClass(classText, testMethodName);
  if (!method) return none(`no method ${testMethodName} in the test class`);
  const at = statementAtLine(method, failure.line);
  if (!at) return none(`no statement of ${testMethodName} on line ${failure.line}`);
  const { statement, block } = at;
  let expr: SyntaxNode | undefined;
  if (statement.type === 'expression_statement') expr = statement.namedChildren[0] ?? undefined;
  else if (statement.type === 'local_variable_declaration') expr = statement.descendantsOfType('variable_declarator').map((d) => d?.childForFieldName('value')).find(Boolean) ?? undefined;
  if (!expr || !['method_invocation', 'object_creation_expression'].includes(expr.type)) return none(`line ${failure.line} is not a call that can be wrapped`);
  const x = exceptionName(failure.exceptionClass, classText, tree.rootNode);
  const indent = indentOf(classText, statement);
  const replacement =
    framework === 'junit5'
      ? `assertThrows(${x}.class, () -> ${expr.text});`
      : `try {\n${indent}  ${expr.text};\n${indent}  fail("Expected ${x.split('.').pop()}");\n${indent}} catch (${x} expected) {\n${indent}  // expected\n${indent}}`;
  // The statements after it in the same block never ran: they go.
  const later = block.namedChildren.filter((s): s is SyntaxNode => !!s && s.startIndex > statement.endIndex && s.type !== 'line_comment' && s.type !== 'block_comment');
  const end = later.length ? later[later.length - 1].endIndex : statement.endIndex;
  const text = applyEdits(classText, [{ start: statement.startIndex, end, text: replacement }]);
  const applied = [`line ${failure.line}: expects ${x}${framework === 'junit5' ? ' (assertThrows)' : ' (try/fail/catch)'}`];
  if (later.length) applied.push(`removed ${later.length} statement(s) after it that never ran`);
  return { classText: addStaticImport(text, framework, framework === 'junit5' ? 'assertThrows' : 'fail'), applied, notes: [], forbidden: [] };
}

/** Removes the statements javac rejected when nothing later uses what they declare. */
export async function removeUncompilable(classText: string, testMethodName: string, errors: CompileError[]): Promise<RepairOutcome> {
  const forbidden = [...new Set(errors.map((e) => e.symbol).filter((s): s is string => !!s))];
  const { method } = await parseTestClass(classText, testMethodName);
  if (!method) return none(`no method ${testMethodName} in the test class`, forbidden);
  const [mStart, mEnd] = lines(method);
  const notes: string[] = [];
  const chosen = new Map<number, SyntaxNode>();
  for (const e of errors) {
    if (e.line < mStart || e.line > mEnd) {
      notes.push(`line ${e.line} is outside ${testMethodName}: ${e.message}`);
      continue;
    }
    const at = statementAtLine(method, e.line);
    if (!at) {
      notes.push(`line ${e.line} is in the signature of ${testMethodName}: ${e.message}`);
      continue;
    }
    chosen.set(at.statement.startIndex, at.statement);
  }
  const edits: Edit[] = [];
  const applied: string[] = [];
  const removedRanges = [...chosen.values()].map((s) => [s.startIndex, s.endIndex]);
  for (const s of chosen.values()) {
    const declared = s.type === 'local_variable_declaration' ? s.descendantsOfType('variable_declarator').map((d) => d?.childForFieldName('name')?.text).filter((n): n is string => !!n) : [];
    const usedLater = descendants(method, new Set(['identifier'])).find(
      (id) => id.startIndex > s.endIndex && declared.includes(id.text) && !removedRanges.some(([a, b]) => id.startIndex >= a && id.endIndex <= b),
    );
    if (usedLater) {
      notes.push(`line ${lines(s)[0]} declares ${usedLater.text}, which line ${lines(usedLater)[0]} uses: not removed`);
      continue;
    }
    // Remove the statement's whole lines when it has them to itself.
    const lineStart = classText.lastIndexOf('\n', s.startIndex - 1) + 1;
    const lineEnd = classText.indexOf('\n', s.endIndex);
    const ownLines = /^[ \t]*$/.test(classText.slice(lineStart, s.startIndex)) && /^[ \t]*$/.test(classText.slice(s.endIndex, lineEnd < 0 ? undefined : lineEnd));
    edits.push(ownLines ? { start: lineStart, end: lineEnd < 0 ? classText.length : lineEnd + 1, text: '' } : { start: s.startIndex, end: s.endIndex, text: '' });
    applied.push(`removed line ${lines(s)[0]}: ${s.text.replace(/\s+/g, ' ').slice(0, 80)}`);
  }
  if (!edits.length) return { applied: [], notes: notes.length ? notes : ['nothing removable'], forbidden };
  return { classText: applyEdits(classText, edits), applied, notes, forbidden };
}

/** The rule that fits what verification said (compile errors, a failed assertion, an exception). */
export async function repairFromResult(
  classText: string,
  testMethodName: string,
  result: { status: string; compileErrors: CompileError[]; failure?: TestFailure },
  framework: 'junit4' | 'junit5',
): Promise<RepairOutcome> {
  try {
    if (result.status === 'does-not-compile') return await removeUncompilable(classText, testMethodName, result.compileErrors);
    if (result.status !== 'fails' || !result.failure) return none(`nothing to repair in a ${result.status} result`);
    if (result.failure.classLevel) return none('the failure is in class-level setup or teardown, not in the test method');
    if (result.failure.kind === 'assertion') return await regressionAssertion(classText, testMethodName, result.failure, framework);
    return await expectException(classText, testMethodName, result.failure, framework);
  } catch (e) {
    return none(`repair failed: ${(e as Error).message}`);
  }
}
