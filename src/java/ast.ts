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
 * The dotted chain of enclosing type names of `node` (exclusive), outermost first. Anonymous classes
 * contribute `<anonymous>`; `local` is true when some enclosing type is declared inside a method body
 * or is anonymous (such members cannot be called from a test class).
 */
export function enclosingTypes(node: SyntaxNode): { names: string[]; local: boolean; decl?: SyntaxNode } {
  const names: string[] = [];
  let local = false;
  let decl: SyntaxNode | undefined;
  for (let p = node.parent; p; p = p.parent) {
    if (TYPE_DECLS.has(p.type)) {
      decl ??= p;
      names.unshift(typeName(p) || '<unnamed>');
      if (p.parent && (p.parent.type === 'block' || p.parent.type === 'constructor_body' || p.parent.type === 'switch_block_statement_group')) local = true;
    } else if (p.type === 'class_body' && p.parent?.type === 'enum_constant') {
      names.unshift(p.parent.childForFieldName('name')?.text ?? '<constant>');
      local = true;
      decl ??= p.parent;
    } else if (p.type === 'class_body' && p.parent?.type === 'object_creation_expression') {
      names.unshift('<anonymous>');
      local = true;
      decl ??= p.parent;
    }
  }
  return { names, local, decl };
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
