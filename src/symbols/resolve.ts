// Names as a source file writes them → qualified names, through the index: the enclosing types' nested
// types, the file's single-type imports, its own package, its on-demand imports, then java.lang (JLS
// §6.5.5 in that order). A name the index cannot place stays as written: unknown, never an error.
// Types read from class files are already qualified and come back unchanged.
import { own, type FileImports, type IndexedMember, type IndexedType } from './indexed-type';
import type { SymbolIndex } from './symbol-index';

const PRIMITIVE = new Set(['', 'void', 'int', 'long', 'short', 'byte', 'char', 'boolean', 'float', 'double']);

/** `written` (erased, maybe with `[]`) as a qualified name, seen from inside `enclosing` (a qualified type) in a file with `imports`. */
export function resolveTypeName(index: SymbolIndex, written: string, imports: FileImports | undefined, enclosing?: string): string {
  const base = written.replace(/(\[\])+$/, '').replace(/\.\.\.$/, '');
  const dims = written.slice(base.length);
  if (PRIMITIVE.has(base) || !imports) return written;
  const dot = base.indexOf('.');
  const head = dot < 0 ? base : base.slice(0, dot);
  const tail = dot < 0 ? '' : base.slice(dot);
  const first = resolveSimple(index, head, imports, enclosing);
  if (first) return first + tail + dims;
  return written; // qualified as written ('java.util.List'), or unknown
}

function resolveSimple(index: SymbolIndex, simple: string, imports: FileImports, enclosing?: string): string | undefined {
  // Nested types of the enclosing types (and the enclosing types themselves), innermost first.
  for (let outer = enclosing; outer; outer = outer.includes('.') ? outer.slice(0, outer.lastIndexOf('.')) : undefined) {
    const t = index.lookup(outer);
    if (!t) continue;
    if (outer.endsWith(`.${simple}`) || outer === simple) return outer;
    const nested = own(t.nested, simple);
    if (nested) return nested;
  }
  const single = own(imports.single, simple);
  if (single) return single;
  const samePackage = imports.package ? `${imports.package}.${simple}` : simple;
  if (index.lookup(samePackage)) return samePackage;
  for (const p of imports.onDemand) {
    const owner = index.lookup(p);
    const nested = owner && own(owner.nested, simple);
    if (nested) return nested;
    if (index.lookup(`${p}.${simple}`)) return `${p}.${simple}`;
  }
  if (index.lookup(`java.lang.${simple}`)) return `java.lang.${simple}`;
  return undefined;
}

/** A copy of `t` with its supertypes and member types qualified where the index can place them. */
export function resolvedType(index: SymbolIndex, t: IndexedType): IndexedType {
  if (!t.imports) return t;
  const r = (w: string): string => resolveTypeName(index, w, t.imports, t.name);
  return {
    ...t,
    supertypes: t.supertypes.map(r),
    members: t.members.map((m): IndexedMember => ({ ...m, type: m.type === undefined ? undefined : r(m.type), throws: m.throws?.map(r) })),
  };
}
