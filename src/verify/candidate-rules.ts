// Which generated tests are candidates at all: a test that never calls the focal method, or that
// asserts nothing, says nothing about the focal method and is rejected with the reason, before any
// compiling or running. Asserting means a JUnit/Hamcrest/AssertJ/Truth assertion (assert*), fail,
// assertThrows, a Mockito verify*, or @Test(expected = ...). Java's `assert` statement does not count
// (disabled without -ea). Parsing never throws: a text that does not parse is rejected with that reason.
import { hasSyntaxError, type SyntaxNode } from '../java/parser';
import { argumentsOf, descendants, invokedName, parseTestClass } from './test-method';

export interface CandidateCheck {
  ok: boolean;
  reasons: string[]; // empty when ok
  callsFocal: boolean;
  asserts: boolean;
}

export interface FocalName {
  className: string; // simple or dotted; its last part names the constructor
  methodName: string; // the simple class name for a constructor
}

const VERIFY = /^verify(NoInteractions|NoMoreInteractions|ZeroInteractions)?$/;

/** True for a call that checks something: assert*, fail, Mockito verify*. */
export function isAssertionCall(name: string): boolean {
  return /^assert[A-Z]/.test(name) || name === 'fail' || VERIFY.test(name);
}

function expectsException(method: SyntaxNode): boolean {
  for (const a of descendants(method, new Set(['annotation']))) {
    if (a.childForFieldName('name')?.text !== 'Test') continue;
    if (/\bexpected\s*=/.test(a.childForFieldName('arguments')?.text ?? '')) return true;
  }
  return false;
}

/** Does `method` call the focal method (or, for a constructor, create the focal class)? */
export function callsFocalMethod(method: SyntaxNode, focal: FocalName): boolean {
  const simpleClass = focal.className.split(/[.$]/).pop() ?? focal.className;
  const isConstructor = focal.methodName === simpleClass;
  for (const n of descendants(method, new Set(['method_invocation', 'method_reference', 'object_creation_expression']))) {
    if (n.type === 'method_invocation' && !isConstructor && invokedName(n) === focal.methodName) return true;
    if (n.type === 'method_reference') {
      const last = n.namedChildren[n.namedChildren.length - 1];
      if (!isConstructor && last?.text === focal.methodName) return true;
      if (isConstructor && n.text.replace(/\s+/g, '').endsWith(`${simpleClass}::new`)) return true;
    }
    if (n.type === 'object_creation_expression' && isConstructor) {
      const type = n.childForFieldName('type')?.text.replace(/<.*$/s, '') ?? '';
      if (type.split('.').pop() === simpleClass) return true;
    }
  }
  return false;
}

/** Does `method` assert anything? */
export function assertsSomething(method: SyntaxNode): boolean {
  if (expectsException(method)) return true;
  return descendants(method, new Set(['method_invocation'])).some((c) => isAssertionCall(invokedName(c)) && (invokedName(c) !== 'verify' || argumentsOf(c).length > 0));
}

/** Checks one test method, given as the whole class text it sits in (or the method alone). */
export async function checkCandidate(text: string, testMethodName: string, focal: FocalName): Promise<CandidateCheck> {
  let parsed;
  try {
    parsed = await parseTestClass(/(^|[\s;}])class\s+\w+/m.test(text) ? text : `class Candidate {\n${text}\n}`, testMethodName);
  } catch (e) {
    return { ok: false, reasons: [`the test could not be parsed: ${(e as Error).message}`], callsFocal: false, asserts: false };
  }
  const method = parsed.method;
  if (!method) return { ok: false, reasons: [`no method named ${testMethodName} in the test`], callsFocal: false, asserts: false };
  const reasons: string[] = [];
  if (hasSyntaxError(method)) reasons.push(`${testMethodName} has a syntax error`);
  const callsFocal = callsFocalMethod(method, focal);
  if (!callsFocal) reasons.push(`${testMethodName} does not call the focal method ${focal.methodName}`);
  const asserts = assertsSomething(method);
  if (!asserts) reasons.push(`${testMethodName} asserts nothing (no assertion, assertThrows, fail or verify)`);
  return { ok: reasons.length === 0, reasons, callsFocal, asserts };
}
