// Syntax match of CodeBLEU as the `codebleu` pip package computes it: comments removed, both
// snippets parsed with tree-sitter, and every subtree of the reference whose root has children is
// written as an S-expression (tree-sitter's own node string: named nodes and field names, no
// token text). A reference subtree counts as matched when the same S-expression occurs anywhere
// in the candidate (membership, not multiset). Corpus score = matched / reference subtrees.
import type { JavaParser, SyntaxNode } from '../../java/parser';
import { removeComments } from './comments';

/** S-expressions of the root and of every descendant that has children. */
export function subtreeSexps(root: SyntaxNode): string[] {
  const out: string[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node.toString());
    for (const child of node.children) if (child.childCount !== 0) stack.push(child);
  }
  return out;
}

export interface SyntaxCounts {
  matched: number;
  total: number;
}

export function sexpsOf(parser: JavaParser, code: string): string[] {
  const tree = parser.parse(removeComments(code));
  try {
    return subtreeSexps(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Matched and total reference subtrees for one (reference, candidate) pair. */
export function syntaxCounts(parser: JavaParser, reference: string, candidate: string): SyntaxCounts {
  const cand = new Set(sexpsOf(parser, candidate));
  const ref = sexpsOf(parser, reference);
  let matched = 0;
  for (const s of ref) if (cand.has(s)) matched++;
  return { matched, total: ref.length };
}

export function syntaxScore(c: SyntaxCounts): number {
  return c.total === 0 ? 0 : c.matched / c.total;
}
