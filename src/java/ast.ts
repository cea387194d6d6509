// Small helpers over tree-sitter-java syntax nodes: type declarations, members, modifiers, syntax errors.
// Pure functions of a tree; never throw on odd trees (missing fields give empty strings).
import type { SyntaxNode } from './parser';

/** Node types that declare a named type with a body of members. */
export const TYPE_DECLS = new Set([
  'class_declaration',
  'interface_declaration',
  'enum_declaration',
  'record_declaration',
  'annotation_type_declaration',
]);

const COMMENT = new Set(['line_comment', 'block_comment', 'comment']);

/** The members of a type declaration's body (enum bodies: the declarations after the constants). */
export function members(typeDecl: SyntaxNode): SyntaxNode[] {
  const body = typeDecl.childForFieldName('body');
  if (!body) return [];
  const out: SyntaxNode[] = [];
  for (const c of body.namedChildren) {
    if (!c) continue;
    if (c.type === 'enum_body_declarations') out.push(...(c.namedChildren.filter(Boolean) as SyntaxNode[]));
    else out.push(c);
  }
  return out;
}

/** The `modifiers` child of a declaration, if any. */
export function modifiersNode(decl: SyntaxNode): SyntaxNode | undefined {
  return decl.namedChildren.find((c) => c?.type === 'modifiers') ?? undefined;
}

/** Modifier tokens (annotations and keywords) of a declaration, each as its own source text. */
export function modifierParts(decl: SyntaxNode): string[] {
  const m = modifiersNode(decl);
  if (!m) return [];
  return m.children.filter((c): c is SyntaxNode => !!c && !COMMENT.has(c.type)).map((c) => c.text);
}

export function isAnnotation(text: string): boolean {
  return text.startsWith('@');
}

/** Simple name of a type declaration ('' for anonymous or broken ones). */
export function typeName(decl: SyntaxNode): string {
  return decl.childForFieldName('name')?.text ?? '';
}

/**
 * The ancestors of `node`, outermost (the root) first, `node` excluded. Found top-down with
 * `childWithDescendant`: tree-sitter's `parent` walks down from the root on every call, so climbing
 * `parent` by `parent` costs depth² (121 s for a method inside 10,000 nested classes); this costs
 * depth × siblings.
 */
export function ancestors(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  let p: SyntaxNode | null = node.tree.rootNode;
  while (p && p.id !== node.id) {
    out.push(p);
    p = p.childWithDescendant(node);
  }
  return p ? out : [];
}

export interface Enclosing {
  names: string[];
  local: boolean;
  decl?: SyntaxNode;
}

/** Parents that make a type declared in them local (not reachable from a test class). */
const LOCAL_PARENTS = new Set(['block', 'constructor_body', 'switch_block_statement_group']);

/**
 * The dotted chain of enclosing type names of `node` (exclusive), outermost first. Anonymous classes
 * contribute `<anonymous>`; `local` is true when some enclosing type is declared inside a method body
 * or is anonymous (such members cannot be called from a test class). For many nodes of one tree use
 * `enclosingTypesOfAll` (one walk instead of one descent per node).
 */
export function enclosingTypes(node: SyntaxNode): Enclosing {
  const names: string[] = []; // innermost first, reversed at the end
  let local = false;
  let decl: SyntaxNode | undefined;
  const chain = ancestors(node);
  for (let i = chain.length - 1; i >= 0; i--) {
    const p = chain[i];
    const parent: SyntaxNode | undefined = chain[i - 1];
    if (TYPE_DECLS.has(p.type)) {
      decl ??= p;
      names.push(typeName(p) || '<unnamed>');
      if (parent && LOCAL_PARENTS.has(parent.type)) local = true;
    } else if (p.type === 'class_body' && parent?.type === 'enum_constant') {
      names.push(parent.childForFieldName('name')?.text ?? '<constant>');
      local = true;
      decl ??= parent;
    } else if (p.type === 'class_body' && parent?.type === 'object_creation_expression') {
      names.push('<anonymous>');
      local = true;
      decl ??= parent;
    }
  }
  return { names: names.reverse(), local, decl };
}

/** Enclosing type names as a list shared by nested scopes (innermost first): no copy per level. */
interface NameList {
  name: string;
  outer: NameList | null;
}
interface Scope {
  names: NameList | null;
  local: boolean;
  decl?: SyntaxNode;
}

function materialize(scope: Scope): Enclosing {
  const names: string[] = [];
  for (let n = scope.names; n; n = n.outer) names.push(n.name);
  return { names: names.reverse(), local: scope.local, decl: scope.decl };
}

/**
 * `enclosingTypes` of every node whose type is in `types`, keyed by node id, in one walk of the tree
 * (where one `enclosingTypes` per node costs depth × nodes). The walk enters only subtrees that hold
 * such a node, so a long expression or string costs nothing.
 */
export function enclosingTypesOfAll(root: SyntaxNode, types: ReadonlySet<string>): Map<number, Enclosing> {
  const out = new Map<number, Enclosing>();
  const starts = root
    .descendantsOfType([...types])
    .filter((n): n is SyntaxNode => !!n)
    .map((n) => n.startIndex)
    .sort((a, b) => a - b);
  /** Whether some wanted node starts in [from, to). */
  const holds = (from: number, to: number): boolean => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo] < to;
  };
  const cursor = root.walk();
  // One entry per ancestor of the cursor's node: its type, its node where a child's scope needs it,
  // and the scope in effect for it (restored when the walk climbs back).
  const stack: { type: string; node?: SyntaxNode; scope: Scope }[] = [];
  let scope: Scope = { names: null, local: false };
  try {
    for (;;) {
      const type = cursor.nodeType;
      const node = types.has(type) || TYPE_DECLS.has(type) || type === 'enum_constant' || type === 'object_creation_expression' ? cursor.currentNode : undefined;
      if (node && types.has(type)) out.set(node.id, materialize(scope));
      const parent = stack[stack.length - 1];
      let inner = scope;
      if (node && TYPE_DECLS.has(type)) {
        inner = { names: { name: typeName(node) || '<unnamed>', outer: scope.names }, local: scope.local || (!!parent && LOCAL_PARENTS.has(parent.type)), decl: node };
      } else if (type === 'class_body' && parent?.node && parent.type === 'enum_constant') {
        inner = { names: { name: parent.node.childForFieldName('name')?.text ?? '<constant>', outer: scope.names }, local: true, decl: parent.node };
      } else if (type === 'class_body' && parent?.node && parent.type === 'object_creation_expression') {
        inner = { names: { name: '<anonymous>', outer: scope.names }, local: true, decl: parent.node };
      }
      // A wanted node inside starts strictly after this node's start, or at it (a child's own start).
      if (holds(cursor.startIndex, cursor.endIndex) && cursor.gotoFirstChild()) {
        stack.push({ type, node, scope });
        scope = inner;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return out;
        scope = stack.pop()!.scope;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Lines (1-based in messages) of the first few ERROR/MISSING nodes, for clear error texts. */
function syntaxErrorLines(root: SyntaxNode, limit = 5): number[] {
  const lines: number[] = [];
  const walk = (n: SyntaxNode): void => {
    if (lines.length >= limit) return;
    if (n.type === 'ERROR' || n.isMissing) {
      lines.push(n.startPosition.row + 1);
      return;
    }
    if (!n.hasError) return;
    for (const c of n.children) if (c) walk(c);
  };
  walk(root);
  return lines;
}

export function syntaxErrorMessage(root: SyntaxNode): string | undefined {
  if (!root.hasError) return undefined;
  const lines = syntaxErrorLines(root);
  return `syntax errors near line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}`;
}

/** Top-level and nested type declarations in document order. */
export function allTypeDecls(root: SyntaxNode): SyntaxNode[] {
  return root.descendantsOfType([...TYPE_DECLS]).filter((n): n is SyntaxNode => !!n);
}

/** The package name declared in a compilation unit ('' when none). */
export function packageName(root: SyntaxNode): string {
  const pkg = root.namedChildren.find((c) => c?.type === 'package_declaration');
  if (!pkg) return '';
  const id = pkg.namedChildren.find((c) => c && (c.type === 'scoped_identifier' || c.type === 'identifier'));
  return id?.text ?? '';
}
