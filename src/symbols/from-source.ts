// The types a Java source file declares, for the symbol index: classes, interfaces, enums, records and
// annotations (nested ones too, local and anonymous ones not), with their constructors, methods and
// fields — visibility, static, arity and varargs, erased types as written (generics dropped, type
// variables erased to their first bound), declared exceptions — and supertypes as written, resolved
// later through the file's imports (./resolve.ts). Parsing never throws: errors come back as messages.
import { modifierParts, packageName, typeName, TYPE_DECLS } from '../java/ast';
import { BATCH_PARSE_MS } from '../java/limits';
import { javaParser, type SyntaxNode } from '../java/parser';
import type { Access, FileImports, IndexedMember, IndexedType } from './indexed-type';

/** A type as written, erased: `Map<K, V>[]` → `Map[]`, `? extends Foo` → `Foo`, a type variable → its bound. */
function erase(node: SyntaxNode | null | undefined, typeVars: Map<string, string>, extraDims = ''): string {
  if (!node) return '';
  let text = node.text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  text = text.replace(/@[\w.]+(\([^)]*\))?/g, ''); // type annotations
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '<') depth++;
    else if (ch === '>') depth--;
    else if (depth === 0 && !/\s/.test(ch)) out += ch;
  }
  out += extraDims.replace(/\s+/g, '');
  const base = out.replace(/(\[\])+$/, '');
  const dims = out.slice(base.length);
  const bound = typeVars.get(base);
  return (bound ?? base) + dims;
}

function typeVariables(decl: SyntaxNode, outer: Map<string, string>): Map<string, string> {
  const params = decl.childForFieldName('type_parameters');
  if (!params) return outer;
  const vars = new Map(outer);
  for (const p of params.namedChildren) {
    if (p?.type !== 'type_parameter') continue;
    const name = p.namedChildren.find((c) => c?.type === 'type_identifier')?.text;
    const bound = p.namedChildren.find((c) => c?.type === 'type_bound')?.namedChildren.find(Boolean);
    if (name) vars.set(name, bound ? erase(bound, vars) : 'Object');
  }
  return vars;
}

function accessFrom(mods: string[], implicitPublic: boolean): Access {
  if (mods.includes('public') || implicitPublic) return 'public';
  if (mods.includes('protected')) return 'protected';
  return mods.includes('private') ? 'private' : 'package';
}

function typeList(node: SyntaxNode | null | undefined, vars: Map<string, string>): string[] {
  if (!node) return [];
  const list = node.type === 'type_list' ? node : node.namedChildren.find((c) => c?.type === 'type_list');
  return (list?.namedChildren ?? []).filter((c): c is SyntaxNode => !!c).map((c) => erase(c, vars));
}

function parameters(params: SyntaxNode | null): { arity: number; varargs: boolean } {
  let arity = 0;
  let varargs = false;
  for (const p of params?.namedChildren ?? []) {
    if (p?.type === 'formal_parameter') arity++;
    else if (p?.type === 'spread_parameter') (arity++, (varargs = true));
  }
  return { arity, varargs };
}

function throwsOf(decl: SyntaxNode, vars: Map<string, string>): string[] | undefined {
  const t = decl.namedChildren.find((c) => c?.type === 'throws');
  const out = (t?.namedChildren ?? []).filter((c): c is SyntaxNode => !!c).map((c) => erase(c, vars));
  return out.length ? out : undefined;
}

const KIND: Record<string, IndexedType['kind']> = {
  class_declaration: 'class',
  interface_declaration: 'interface',
  enum_declaration: 'enum',
  record_declaration: 'record',
  annotation_type_declaration: 'annotation',
};

function describeType(decl: SyntaxNode, qualifiedOuter: string | undefined, outerIsInterface: boolean, pkg: string, imports: FileImports, outerVars: Map<string, string>, out: IndexedType[]): IndexedType | undefined {
  const simple = typeName(decl);
  if (!simple) return undefined;
  const kind = KIND[decl.type];
  const name = qualifiedOuter ? `${qualifiedOuter}.${simple}` : pkg ? `${pkg}.${simple}` : simple;
  const mods = modifierParts(decl);
  const vars = typeVariables(decl, mods.includes('static') ? new Map() : outerVars);
  const isInterface = kind === 'interface' || kind === 'annotation';
  const supertypes: string[] = [];
  const superclass = decl.childForFieldName('superclass');
  if (superclass) supertypes.push(erase(superclass.namedChildren.find(Boolean), vars));
  else if (kind === 'enum') supertypes.push('java.lang.Enum');
  else if (kind === 'record') supertypes.push('java.lang.Record');
  else if (kind === 'annotation') supertypes.push('java.lang.Object', 'java.lang.annotation.Annotation');
  else supertypes.push('java.lang.Object'); // classes and interfaces (an interface's class file names Object too)
  supertypes.push(...typeList(decl.childForFieldName('interfaces'), vars));
  supertypes.push(...typeList(decl.namedChildren.find((c) => c?.type === 'extends_interfaces'), vars));

  const type: IndexedType = {
    name,
    package: pkg,
    kind,
    access: accessFrom(mods, outerIsInterface),
    static: !!qualifiedOuter && (mods.includes('static') || outerIsInterface || kind !== 'class'),
    abstract: mods.includes('abstract') && !isInterface,
    supertypes,
    members: [],
    nested: {},
    imports,
  };
  out.push(type);
  const members = type.members;
  let constructors = 0;
  const body = decl.childForFieldName('body');
  const items: SyntaxNode[] = [];
  for (const c of body?.namedChildren ?? []) {
    if (!c) continue;
    if (c.type === 'enum_body_declarations') items.push(...(c.namedChildren.filter(Boolean) as SyntaxNode[]));
    else items.push(c);
  }
  if (kind === 'record') {
    const params = decl.childForFieldName('parameters');
    let n = 0;
    for (const p of params?.namedChildren ?? []) {
      if (p?.type !== 'formal_parameter' && p?.type !== 'spread_parameter') continue;
      n++;
      const pname = p.childForFieldName('name')?.text ?? p.namedChildren.find((c) => c?.type === 'variable_declarator')?.childForFieldName('name')?.text;
      const ptype = p.type === 'formal_parameter' ? erase(p.childForFieldName('type'), vars) : erase(p.namedChildren.find((c) => c && c.type !== 'modifiers' && c.type !== 'variable_declarator'), vars) + '[]';
      if (pname) members.push({ kind: 'method', name: pname, access: 'public', static: false, arity: 0, varargs: false, type: ptype });
      if (pname) members.push({ kind: 'field', name: pname, access: 'private', static: false, type: ptype });
    }
    members.push({ kind: 'constructor', name: '<init>', access: accessFrom(mods, outerIsInterface), static: false, arity: n, varargs: (params?.namedChildren ?? []).some((p) => p?.type === 'spread_parameter') });
    constructors++;
  }
  for (const m of items) {
    const mm = modifierParts(m);
    if (m.type === 'enum_constant') {
      const n = m.childForFieldName('name')?.text;
      if (n) members.push({ kind: 'field', name: n, access: 'public', static: true, type: name });
    } else if (m.type === 'method_declaration' || m.type === 'annotation_type_element_declaration') {
      const mvars = typeVariables(m, mm.includes('static') ? new Map() : vars);
      const p = parameters(m.childForFieldName('parameters'));
      const returns = erase(m.childForFieldName('type'), mvars, m.childForFieldName('dimensions')?.text ?? '');
      members.push({ kind: 'method', name: m.childForFieldName('name')?.text ?? '', access: accessFrom(mm, isInterface && !mm.includes('private')), static: mm.includes('static'), arity: p.arity, varargs: p.varargs, type: returns === 'void' ? '' : returns, throws: throwsOf(m, mvars) });
    } else if (m.type === 'constructor_declaration') {
      const p = parameters(m.childForFieldName('parameters'));
      members.push({ kind: 'constructor', name: '<init>', access: kind === 'enum' ? 'private' : accessFrom(mm, false), static: false, arity: p.arity, varargs: p.varargs, throws: throwsOf(m, vars) });
      constructors++;
    } else if (m.type === 'field_declaration' || m.type === 'constant_declaration') {
      for (const d of m.children) {
        if (d?.type !== 'variable_declarator') continue;
        const n = d.childForFieldName('name')?.text;
        if (n) members.push({ kind: 'field', name: n, access: accessFrom(mm, isInterface), static: mm.includes('static') || isInterface, type: erase(m.childForFieldName('type'), vars, d.childForFieldName('dimensions')?.text ?? '') });
      }
    } else if (TYPE_DECLS.has(m.type)) {
      const inner = describeType(m, name, isInterface, pkg, imports, vars, out);
      if (inner) type.nested[typeName(m)] = inner.name; // private ones too: the class's own code names them (buildScope filters by access)
    }
  }
  // What javac adds: an enum's values() and valueOf(String) (JLS §8.9.3); the default constructor, with the
  // class's own access (JLS §8.8.9), an enum's private.
  if (kind === 'enum') {
    members.push({ kind: 'method', name: 'values', access: 'public', static: true, arity: 0, varargs: false, type: `${name}[]` });
    members.push({ kind: 'method', name: 'valueOf', access: 'public', static: true, arity: 1, varargs: false, type: name });
  }
  if (constructors === 0 && (kind === 'class' || kind === 'enum')) members.push({ kind: 'constructor', name: '<init>', access: kind === 'enum' ? 'private' : type.access, static: false, arity: 0, varargs: false });
  return type;
}

/** The package and imports of a compilation unit. */
export function fileImports(root: SyntaxNode): FileImports {
  const imports: FileImports = { package: packageName(root), single: {}, onDemand: [], staticSingle: {}, staticOnDemand: [] };
  for (const c of root.namedChildren) {
    if (c?.type !== 'import_declaration') continue;
    const text = c.text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').replace(/\s+/g, ' ').replace(/^import /, '').replace(/ ?;$/, '').trim();
    const isStatic = text.startsWith('static ');
    const name = isStatic ? text.slice(7).trim() : text;
    if (name.endsWith('.*')) (isStatic ? imports.staticOnDemand : imports.onDemand).push(name.slice(0, -2));
    else {
      const dot = name.lastIndexOf('.');
      if (dot < 0) continue;
      if (isStatic) imports.staticSingle[name.slice(dot + 1)] = name.slice(0, dot);
      else imports.single[name.slice(dot + 1)] = name;
    }
  }
  return imports;
}

export interface SourceTypes {
  types: IndexedType[];
  imports?: FileImports;
  errors: string[];
}

/** The types declared in one Java source text (`what` names it in messages). Never throws. */
export async function typesFromSource(text: string, what: string): Promise<SourceTypes> {
  try {
    const parser = await javaParser();
    const parsed = parser.parseWithin(text, BATCH_PARSE_MS);
    if (!parsed.tree) return { types: [], errors: [`${what}: ${parsed.error}`] };
    try {
      const root = parsed.tree.rootNode;
      const imports = fileImports(root);
      const types: IndexedType[] = [];
      for (const c of root.namedChildren) if (c && TYPE_DECLS.has(c.type)) describeType(c, undefined, false, imports.package, imports, new Map(), types);
      return { types, imports, errors: root.hasError ? [`${what}: syntax errors; the declarations outside them are indexed`] : [] };
    } finally {
      parsed.tree.delete();
    }
  } catch (e) {
    return { types: [], errors: [`${what}: ${e instanceof Error ? e.message : String(e)}`] };
  }
}
