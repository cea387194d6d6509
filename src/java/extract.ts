// Model output -> one test method. Cuts the generated text at the end of the first complete method
// (brace counting that respects strings, chars, text blocks and comments; braces.ts), turns a body-only
// completion (the study's format: the prompt ended with the signature and '{') into a full method, and
// checks the result strictly with tree-sitter. Never throws.
import { cutAtBalance } from './braces';
import { javaParser } from './parser';
import { syntaxErrorMessage } from './ast';

export interface ExtractOptions {
  /** The prompt's annotations + signature line(s) ending in '{' when the output is body-only. */
  signature?: string;
}

export interface ExtractResult {
  method?: string;
  complete: boolean;
  errors: string[];
}

const METHOD_START = /^[ \t]*(@[\w.]+|(public|protected|private|static|final|synchronized|abstract)\s|void\s|[\w<>[\],.? ]+\s+\w+\s*\([^;]*$)/m;

/** Where the method starts in a full-method output: the first annotation or signature-like line. */
function methodStart(text: string): number {
  // a test annotation before the first brace starts the method, even mid-line ("Sure! @Test ...")
  const ann = /@(Test|ParameterizedTest|RepeatedTest|DisplayName|Disabled|Timeout|Tag)\b/.exec(text);
  const brace = text.indexOf('{');
  if (ann && (brace < 0 || ann.index < brace)) return ann.index;
  const m = METHOD_START.exec(text);
  return m ? m.index : 0;
}

/** Checks that `method` is exactly one syntactically valid method declaration. */
async function checkMethod(method: string): Promise<string[]> {
  const parser = await javaParser();
  const tree = parser.parse(`class __TestTuneCheck {\n${method}\n}\n`);
  try {
    const errors: string[] = [];
    const err = syntaxErrorMessage(tree.rootNode);
    if (err) errors.push(`the generated method does not parse (${err.replace(/line(s?) /, 'method line$1 ').replace(/\d+/g, (n) => String(Number(n) - 1))})`);
    const cls = tree.rootNode.namedChildren.filter((c) => c?.type === 'class_declaration');
    const body = cls.length === 1 ? cls[0]!.childForFieldName('body') : null;
    const members = body ? body.namedChildren.filter((c) => c && !c.type.endsWith('comment')) : [];
    if (cls.length !== 1 || members.length !== 1 || members[0]!.type !== 'method_declaration') errors.push('the generated text is not exactly one method');
    return errors;
  } finally {
    tree.delete();
  }
}

/** Turns generated text into one complete test method (or says why it cannot). */
export async function extractTestMethod(generated: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  let method: string | undefined;
  if (opts.signature !== undefined) {
    const sig = opts.signature.replace(/\s+$/, '');
    if (!sig.endsWith('{')) return { complete: false, errors: ["the signature must end with '{'"] };
    const body = cutAtBalance(generated, 1);
    if (body === undefined) return { complete: false, errors: ["the output ended before the method's closing brace"] };
    method = `${opts.signature.endsWith('\n') ? opts.signature : `${sig}\n`}${body.startsWith('\n') && opts.signature.endsWith('\n') ? body.slice(1) : body}`;
  } else {
    // annotations may hold balanced braces (`@Test(groups = {"a"})`): extend the cut until it parses
    const text = generated.slice(methodStart(generated));
    let end = 0;
    for (let tries = 0; tries < 4; tries++) {
      const cut = cutAtBalance(text.slice(end), 0);
      if (cut === undefined) break;
      end += cut.length;
      method = text.slice(0, end);
      if ((await checkMethod(method)).length === 0) break;
    }
    if (method === undefined) return { complete: false, errors: ["the output ended before the method's closing brace"] };
  }
  method = method.replace(/^\s*\n/, '');
  const errors = await checkMethod(method);
  return errors.length ? { method, complete: false, errors } : { method, complete: true, errors: [] };
}
