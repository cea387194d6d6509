// Leaf tokens of a tree-sitter tree as CodeBLEU's parser utilities see them: a leaf is a node with
// no children or a string/character literal (kept whole), comments excepted. Each leaf is keyed by
// its (start, end) points; its text is cut from the source lines the way the Python package does,
// which slices *code-point* strings with tree-sitter's *byte* columns (it parses UTF-8 bytes), so a
// line with non-ASCII text before a token yields a shifted slice there too.
import type { TNode } from './tree';

const LITERAL_LEAF_TYPES: ReadonlySet<string> = new Set(['string_literal', 'string', 'character_literal']);

/** tree-sitter-java 0.21 (the study's) has one `comment` type; 0.23 splits it in two. */
const COMMENT_TYPES: ReadonlySet<string> = new Set(['comment', 'line_comment', 'block_comment']);

export function isLeaf(node: TNode): boolean {
  return (node.children.length === 0 || LITERAL_LEAF_TYPES.has(node.type)) && !COMMENT_TYPES.has(node.type);
}

export function pointKey(node: TNode): string {
  return `${node.sr},${node.sc},${node.er},${node.ec}`;
}

export interface LeafToken {
  idx: number;
  code: string;
}

/** Source lines with the helpers needed to emulate byte-column slicing. */
export class SourceLines {
  private readonly lines: string[];
  private readonly cps = new Map<number, string[]>();

  constructor(code: string) {
    this.lines = code.split('\n');
  }

  /** Python's `line[a:b]` where a, b are UTF-8 byte columns; `col16` are tree-sitter's UTF-16 columns. */
  slice(row: number, from16: number, to16?: number): string {
    const line = this.lines[row] ?? '';
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(line)) return to16 === undefined ? line.slice(from16) : line.slice(from16, to16);
    let cps = this.cps.get(row);
    if (!cps) {
      cps = Array.from(line);
      this.cps.set(row, cps);
    }
    const a = Buffer.byteLength(line.slice(0, from16), 'utf8');
    const b = to16 === undefined ? undefined : Buffer.byteLength(line.slice(0, to16), 'utf8');
    return cps.slice(a, b).join('');
  }

  line(row: number): string {
    return this.slice(row, 0);
  }

  /** index_to_code_token: the text between two points, middle lines concatenated without newlines. */
  text(node: TNode): string {
    if (node.sr === node.er) return this.slice(node.sr, node.sc, node.ec);
    let out = this.slice(node.sr, node.sc);
    for (let r = node.sr + 1; r < node.er; r++) out += this.line(r);
    return out + this.slice(node.er, 0, node.ec);
  }
}

/** tree_to_token_index + index_to_code: leaf key → (position in token order, text). Later duplicates win. */
export function indexLeaves(root: TNode, lines: SourceLines): Map<string, LeafToken> {
  const map = new Map<string, LeafToken>();
  let idx = 0;
  const visit = (node: TNode): void => {
    if (isLeaf(node)) {
      map.set(pointKey(node), { idx: idx++, code: lines.text(node) });
      return;
    }
    for (const c of node.children) visit(c);
  };
  visit(root);
  return map;
}

/** tree_to_variable_index: keys of the leaves under `node` whose text differs from their type. */
export function variableLeaves(node: TNode, index: Map<string, LeafToken>): string[] {
  const out: string[] = [];
  const visit = (n: TNode): void => {
    if (isLeaf(n)) {
      const key = pointKey(n);
      const tok = index.get(key);
      if (!tok) throw new Error(`leaf ${key} missing from the token index`);
      if (n.type !== tok.code) out.push(key);
      return;
    }
    for (const c of n.children) visit(c);
  };
  visit(node);
  return out;
}
