// Where a repair round re-decodes a test that does not compile (issue 16): from the start of the body's
// top-level statement that holds javac's first error naming a symbol ("cannot find symbol … variable
// record", "method getTotal(int)"), with that name forbidden. The body's text before that statement is
// kept as written; the model continues from there (src/pipeline/ passes the callback that decodes, so
// verification stays free of the model). Top-level only: the decoder's brace stop and syntax guard
// start with the method's `{` as the one open bracket. Pure text in, text out; never throws.
import type { CompileError } from './javac-output';
import { lines, parseTestClass } from './test-method';

export interface RedecodePoint {
  /** The body's text after its `{`, up to the statement re-decoded (its indentation included). */
  bodyPrefix: string;
  /** The names to forbid: those of the errors in that statement, as simple identifiers. */
  names: string[];
  line: number; // 1-based line of the statement re-decoded
}

/** The simple name of javac's symbol (`java.util.Foo` → `Foo`), when it is an identifier. */
function simpleName(symbol: string): string | undefined {
  const last = symbol.split('.').pop() ?? '';
  return /^[A-Za-z_$][\w$]*$/.test(last) ? last : undefined;
}

/**
 * The point to re-decode from in the test method `testMethodName` of `classText`, or why there is none
 * (no error with a symbol inside the body, or every such name is in `alreadyForbidden`).
 */
export async function redecodePoint(classText: string, testMethodName: string, errors: readonly CompileError[], alreadyForbidden: ReadonlySet<string> = new Set()): Promise<{ value?: RedecodePoint; note: string }> {
  const { tree, method } = await parseTestClass(classText, testMethodName);
  try {
    const body = method?.childForFieldName('body');
    if (!method || !body) return { note: `no method ${testMethodName} with a body in the test class` };
    const top = body.namedChildren.filter((s): s is NonNullable<typeof s> => !!s && s.type !== 'line_comment' && s.type !== 'block_comment');
    const statementOf = (line: number) => top.find((s) => line >= lines(s)[0] && line <= lines(s)[1]);
    const named = errors
      .map((e) => ({ e, name: e.symbol ? simpleName(e.symbol) : undefined, statement: statementOf(e.line) }))
      .filter((x) => x.name && x.statement && !alreadyForbidden.has(x.name))
      .sort((a, b) => a.e.line - b.e.line);
    if (!named.length) return { note: 'no compile error in the body names a symbol that is not forbidden yet' };
    const statement = named[0].statement!;
    const names = [...new Set(named.filter((x) => x.statement === statement).map((x) => x.name!))];
    const lineStart = classText.lastIndexOf('\n', statement.startIndex - 1) + 1;
    const from = /^[ \t]*$/.test(classText.slice(lineStart, statement.startIndex)) ? lineStart : statement.startIndex;
    return { value: { bodyPrefix: classText.slice(body.startIndex + 1, Math.max(body.startIndex + 1, from)), names, line: lines(statement)[0] }, note: '' };
  } finally {
    tree.delete();
  }
}
