// Syntax match of CodeBLEU as the `codebleu` pip package computes it: comments removed, both
// snippets parsed with tree-sitter, and every subtree of the reference whose root has children is
// written as an S-expression (tree-sitter's own node string: named nodes and field names, no
// token text). A reference subtree counts as matched when the same S-expression occurs anywhere
// in the candidate (membership, not multiset). Corpus score = matched / reference subtrees.
import type { TNode } from './tree';

/** S-expressions of the root and of every descendant that has children. */
export function subtreeSexps(root: TNode): string[] {
  const out: string[] = [];
  const stack: TNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node.sexp ?? '');
    for (const child of node.children) if (child.children.length !== 0) stack.push(child);
  }
  return out;
}

export interface MatchCounts {
  matched: number;
  total: number;
}

/** Matched and total reference subtrees for one (reference, candidate) pair. */
export function syntaxCounts(referenceSexps: readonly string[], candidateSexps: readonly string[]): MatchCounts {
  const cand = new Set(candidateSexps);
  let matched = 0;
  for (const s of referenceSexps) if (cand.has(s)) matched++;
  return { matched, total: referenceSexps.length };
}
