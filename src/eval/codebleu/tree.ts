// A plain-JS snapshot of a tree-sitter tree, taken with one cursor walk, plus the S-expression of
// every node with children cut out of a single `toString()` of the root. Crossing into the wasm
// parser once per node property was the bottleneck of CodeBLEU over thousands of snippets; this
// keeps the numbers identical (the S-expressions are tree-sitter's own text).
import type { JavaParser, SyntaxNode, SyntaxTree } from '../../java/parser';

export interface TNode {
  type: string;
  named: boolean;
  missing: boolean;
  field: string | null;
  sr: number;
  sc: number;
  er: number;
  ec: number;
  children: TNode[];
  /** tree-sitter's S-expression of this subtree; set for nodes with children. */
  sexp?: string;
}

export function childByField(node: TNode, field: string): TNode | undefined {
  return node.children.find((c) => c.field === field);
}

/** Walks the tree once with a cursor. */
function walk(tree: SyntaxTree): { root: TNode; printed: TNode[]; nodes: TNode[] } {
  const cursor = tree.walk();
  const printed: TNode[] = [];
  const nodes: TNode[] = [];
  const make = (): TNode => {
    const s = cursor.startPosition;
    const e = cursor.endPosition;
    const n: TNode = {
      type: cursor.nodeType,
      named: cursor.nodeIsNamed,
      missing: cursor.nodeIsMissing,
      field: cursor.currentFieldName,
      sr: s.row,
      sc: s.column,
      er: e.row,
      ec: e.column,
      children: [],
    };
    if (n.named || n.missing) printed.push(n);
    nodes.push(n);
    return n;
  };
  const root = make();
  const stack: TNode[] = [root];
  try {
    for (;;) {
      if (cursor.gotoFirstChild()) {
        const n = make();
        stack[stack.length - 1].children.push(n);
        stack.push(n);
        continue;
      }
      for (;;) {
        stack.pop();
        if (stack.length === 0) return { root, printed, nodes };
        if (cursor.gotoNextSibling()) {
          const n = make();
          stack[stack.length - 1].children.push(n);
          stack.push(n);
          break;
        }
        cursor.gotoParent();
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Spans [open, close] of the nodes printed in a tree-sitter S-expression, in print order.
 * Handles `(MISSING "x")` (anonymous names are quoted, unescaped) and `(UNEXPECTED 'c')`.
 * Returns undefined when the text is not understood.
 */
export function sexpSpans(text: string): [number, number][] | undefined {
  const spans: [number, number][] = [];
  const open: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '(') {
      if (text.startsWith('(MISSING "', i)) {
        const end = text.indexOf('")', i + 11);
        if (end < 0) return undefined;
        spans.push([i, end + 1]);
        i = end + 2;
        continue;
      }
      if (text.startsWith("(UNEXPECTED '", i)) {
        const end = text.indexOf("')", i + 14);
        if (end < 0) return undefined;
        spans.push([i, end + 1]);
        i = end + 2;
        continue;
      }
      if (text.startsWith('(UNEXPECTED ', i)) {
        const end = text.indexOf(')', i);
        spans.push([i, end]);
        i = end + 1;
        continue;
      }
      open.push(spans.length);
      spans.push([i, -1]);
    } else if (ch === ')') {
      const k = open.pop();
      if (k === undefined) return undefined;
      spans[k][1] = i;
    }
    i++;
  }
  return open.length === 0 ? spans : undefined;
}

/** Parses `code` and returns its snapshot with S-expressions attached to the nodes with children. */
export function snapshot(parser: JavaParser, code: string, withSexps = true): TNode {
  const tree = parser.parse(code);
  try {
    const { root, printed, nodes } = walk(tree);
    if (!withSexps) return root;
    const text = tree.rootNode.toString();
    const spans = sexpSpans(text);
    const aligned = spans !== undefined && spans.length === printed.length && printed[0] === root;
    if (aligned) {
      printed.forEach((n, k) => {
        if (n.children.length) n.sexp = text.slice(spans[k][0], spans[k][1] + 1);
      });
      if (nodes.every((n) => !n.children.length || n.sexp !== undefined)) return root;
    }
    attachSlow(tree.rootNode, root);
    return root;
  } finally {
    tree.delete();
  }
}

/** Fallback: ask tree-sitter for every subtree's string (same result, slower). */
function attachSlow(node: SyntaxNode, t: TNode): void {
  if (t.children.length) t.sexp = node.toString();
  const cs = node.children;
  cs.forEach((c, k) => attachSlow(c, t.children[k]));
}
