// Finding things in a candidate test with tree-sitter: the test method in its class, the calls and
// statements in it. Shared by the candidate rules and the repair rules. Never throws.
import { javaParser, type SyntaxNode, type SyntaxTree } from '../java/parser';

export interface ParsedClass {
  tree: SyntaxTree;
  method?: SyntaxNode; // the method_declaration named as asked
}

/** Parses a whole test class and finds the (first) method declaration named `methodName`. */
export async function parseTestClass(classText: string, methodName: string): Promise<ParsedClass> {
  const parser = await javaParser();
  const tree = parser.parse(classText);
  let method: SyntaxNode | undefined;
  const walk = (n: SyntaxNode) => {
    if (method) return;
    if (n.type === 'method_declaration' && n.childForFieldName('name')?.text === methodName) {
      method = n;
      return;
    }
    for (const c of n.namedChildren) if (c) walk(c);
  };
  walk(tree.rootNode);
  return { tree, method };
}

/** Every descendant of `node` (itself included) of one of `types`, in source order. */
export function descendants(node: SyntaxNode, types: Set<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const walk = (n: SyntaxNode) => {
    if (types.has(n.type)) out.push(n);
    for (const c of n.namedChildren) if (c) walk(c);
  };
  walk(node);
  return out;
}

/** The invoked name of a method_invocation ('assertEquals' for Assertions.assertEquals(...)). */
export function invokedName(call: SyntaxNode): string {
  return call.childForFieldName('name')?.text ?? '';
}

export function argumentsOf(call: SyntaxNode): SyntaxNode[] {
  const list = call.childForFieldName('arguments');
  return list ? (list.namedChildren.filter(Boolean) as SyntaxNode[]) : [];
}

/** 1-based first and last line of a node. */
export function lines(node: SyntaxNode): [number, number] {
  return [node.startPosition.row + 1, node.endPosition.row + 1];
}

const STATEMENTS = new Set([
  'expression_statement', 'local_variable_declaration', 'if_statement', 'for_statement', 'enhanced_for_statement',
  'while_statement', 'do_statement', 'try_statement', 'try_with_resources_statement', 'return_statement',
  'throw_statement', 'switch_expression', 'synchronized_statement', 'assert_statement', 'labeled_statement', 'block',
]);

/**
 * The innermost statement of `method`'s body that holds 1-based `line`, and the block it is a direct
 * child of; undefined when the line is outside the body (the signature, annotations).
 */
export function statementAtLine(method: SyntaxNode, line: number): { statement: SyntaxNode; block: SyntaxNode } | undefined {
  const body = method.childForFieldName('body');
  if (!body) return undefined;
  let best: SyntaxNode | undefined;
  for (const s of descendants(body, STATEMENTS)) {
    if (s === body || s.type === 'block' || s.parent?.type !== 'block') continue;
    const [a, b] = lines(s);
    if (line < a || line > b) continue;
    if (!best || s.endIndex - s.startIndex < best.endIndex - best.startIndex) best = s;
  }
  return best && best.parent ? { statement: best, block: best.parent } : undefined;
}
