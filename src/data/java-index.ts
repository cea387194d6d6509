// What the miner needs to know about one Java file, from one tree-sitter parse: its package, imports,
// types with their methods and fields, which methods are tests, and for test methods the calls they
// make (receiver kind, argument types where visible). Never throws: a broken file gives `error`.
import type { SyntaxNode, JavaParser } from '../java/parser';
import { TYPE_DECLS, members, modifierParts, isAnnotation, packageName, syntaxErrorMessage } from '../java/ast';
import { parameterTypes } from '../java/methods';

export type Receiver =
  | { kind: 'none' } // foo()
  | { kind: 'this' } // this.foo(), super.foo()
  | { kind: 'name'; name: string; type?: string } // x.foo(): type of x when declared in view
  | { kind: 'new'; type: string } // new X().foo()
  | { kind: 'other' }; // a.b().foo(), arr[0].foo(), …

export interface CallInfo {
  name: string;
  receiver: Receiver;
  argTypes: (string | undefined)[]; // simple type names where visible ('null' for null literals)
  reference?: boolean; // a method reference (Foo::bar): arity unknown
}

export interface MethodInfo {
  name: string;
  paramTypes: string[];
  line: number; // 0-based first line of the declaration
  nameLine: number;
  hasBody: boolean;
  isStatic: boolean;
  isPrivate: boolean;
  isTest: boolean;
  disabled: boolean; // @Disabled / @Ignore: the test does not run
  calls: CallInfo[]; // only for test methods
  constructed: string[]; // simple type names of `new X(...)` in the body (test methods only)
}

export interface TypeInfo {
  name: string; // simple name
  qualified: string; // package.Outer.Inner
  kind: string; // class_declaration, interface_declaration, …
  topLevel: boolean;
  superclass?: string; // simple name
  isAbstract: boolean;
  disabled: boolean; // @Disabled (JUnit 5) or @Ignore (JUnit 4) on the class: none of its tests run
  methods: MethodInfo[];
  fields: Map<string, string>; // field name → simple type
  constructorCount: number;
}

export interface FileIndex {
  path: string; // relative to the repository root
  packageName: string;
  imports: string[]; // 'a.b.C', 'a.b.*', 'static a.b.C.m', 'static a.b.C.*'
  types: TypeInfo[];
  error?: string; // syntax error message (the index still holds what parsed)
}

const TEST_ANNOTATIONS = new Set(['Test', 'ParameterizedTest', 'RepeatedTest', 'TestFactory', 'TestTemplate']);
const DISABLED_ANNOTATIONS = new Set(['Disabled', 'Ignore']);

/** `java.util.List<String>` → `List`; `int[]` → `int[]`; `final Foo` → `Foo`. */
export function simpleType(t: string): string {
  let s = t.replace(/@\w+(\([^)]*\))?\s*/g, '').replace(/\bfinal\s+/, '').trim();
  s = s.replace(/<.*>/s, '');
  s = s.replace(/\s+/g, '');
  const dot = s.lastIndexOf('.', s.includes('[') ? s.indexOf('[') : s.length);
  return dot >= 0 && !s.endsWith('...') ? s.slice(dot + 1) : s.endsWith('...') ? s.slice(s.lastIndexOf('.', s.length - 4) + 1) : s;
}

function annotationName(text: string): string {
  const m = /^@([\w.]+)/.exec(text);
  if (!m) return '';
  const parts = m[1].split('.');
  return parts[parts.length - 1];
}

function literalType(n: SyntaxNode, scope: Map<string, string>): string | undefined {
  switch (n.type) {
    case 'string_literal':
    case 'text_block':
      return 'String';
    case 'character_literal':
      return 'char';
    case 'decimal_integer_literal':
    case 'hex_integer_literal':
    case 'octal_integer_literal':
    case 'binary_integer_literal':
      return /[lL]$/.test(n.text) ? 'long' : 'int';
    case 'decimal_floating_point_literal':
    case 'hex_floating_point_literal':
      return /[fF]$/.test(n.text) ? 'float' : 'double';
    case 'true':
    case 'false':
      return 'boolean';
    case 'null_literal':
      return 'null';
    case 'class_literal':
      return 'Class';
    case 'object_creation_expression':
      return simpleType(n.childForFieldName('type')?.text ?? '') || undefined;
    case 'array_creation_expression': {
      const t = n.childForFieldName('type')?.text;
      const dims = (n.childForFieldName('dimensions')?.text ?? '[]').replace(/\[[^\]]*\]/g, '[]');
      return t ? simpleType(t) + dims : undefined;
    }
    case 'cast_expression':
      return simpleType(n.childForFieldName('type')?.text ?? '') || undefined;
    case 'identifier':
      return scope.get(n.text);
    case 'unary_expression': {
      const op = n.childForFieldName('operand');
      return op ? literalType(op, scope) : undefined;
    }
    case 'parenthesized_expression': {
      const inner = n.namedChildren[0];
      return inner ? literalType(inner, scope) : undefined;
    }
    default:
      return undefined;
  }
}

/** Declared local variables and parameters in a method: name → simple type (`var x = new T()` → T). */
function localTypes(method: SyntaxNode): Map<string, string> {
  const scope = new Map<string, string>();
  for (const p of method.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'formal_parameter') continue;
    const n = p.childForFieldName('name')?.text;
    const t = p.childForFieldName('type')?.text;
    if (n && t) scope.set(n, simpleType(t));
  }
  const body = method.childForFieldName('body');
  if (!body) return scope;
  for (const decl of body.descendantsOfType(['local_variable_declaration', 'resource', 'enhanced_for_statement', 'catch_formal_parameter'])) {
    if (!decl) continue;
    const typeNode = decl.childForFieldName('type') ?? decl.namedChildren.find((c) => c?.type === 'catch_type') ?? null;
    let t = typeNode ? simpleType(typeNode.text) : '';
    if (decl.type === 'local_variable_declaration') {
      for (const d of decl.namedChildren) {
        if (d?.type !== 'variable_declarator') continue;
        const name = d.childForFieldName('name')?.text;
        const value = d.childForFieldName('value');
        let vt = t;
        if (t === 'var' && value) vt = literalType(value, scope) ?? '';
        if (name && vt && vt !== 'var') scope.set(name, vt);
      }
    } else {
      const name = decl.childForFieldName('name')?.text;
      if (decl.type === 'catch_formal_parameter') t = t.split('|')[0];
      if (name && t && t !== 'var') scope.set(name, t);
    }
  }
  return scope;
}

function receiverOf(obj: SyntaxNode | null, scope: Map<string, string>, fields: Map<string, string>): Receiver {
  if (!obj) return { kind: 'none' };
  switch (obj.type) {
    case 'this':
    case 'super':
      return { kind: 'this' };
    case 'identifier': {
      const t = scope.get(obj.text) ?? fields.get(obj.text);
      return t ? { kind: 'name', name: obj.text, type: t } : { kind: 'name', name: obj.text };
    }
    case 'field_access': {
      const o = obj.childForFieldName('object');
      const f = obj.childForFieldName('field')?.text ?? '';
      if (o?.type === 'this') {
        const t = fields.get(f);
        return t ? { kind: 'name', name: f, type: t } : { kind: 'name', name: f };
      }
      return { kind: 'name', name: obj.text }; // a.b.C (qualified static) or a.field
    }
    case 'scoped_identifier':
      return { kind: 'name', name: obj.text };
    case 'object_creation_expression':
      return { kind: 'new', type: simpleType(obj.childForFieldName('type')?.text ?? '') };
    case 'parenthesized_expression': {
      const inner = obj.namedChildren[0];
      if (inner?.type === 'cast_expression') return { kind: 'name', name: '', type: simpleType(inner.childForFieldName('type')?.text ?? '') };
      return inner ? receiverOf(inner, scope, fields) : { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

function describeTestCalls(method: SyntaxNode, fields: Map<string, string>): { calls: CallInfo[]; constructed: string[] } {
  const scope = new Map([...fields, ...localTypes(method)]); // locals shadow fields
  const calls: CallInfo[] = [];
  const constructed: string[] = [];
  const body = method.childForFieldName('body');
  if (!body) return { calls, constructed };
  for (const inv of body.descendantsOfType(['method_invocation', 'object_creation_expression', 'method_reference'])) {
    if (!inv) continue;
    if (inv.type === 'object_creation_expression') {
      constructed.push(simpleType(inv.childForFieldName('type')?.text ?? ''));
      continue;
    }
    if (inv.type === 'method_reference') {
      // Foo::bar / foo::bar: a call of unknown arity
      const parts = inv.namedChildren.filter((c): c is SyntaxNode => !!c);
      const last = parts[parts.length - 1];
      if (parts.length >= 2 && last.type === 'identifier') {
        calls.push({ name: last.text, receiver: receiverOf(parts[0], scope, fields), argTypes: [], reference: true });
      }
      continue;
    }
    const name = inv.childForFieldName('name')?.text;
    if (!name) continue;
    const args = inv.childForFieldName('arguments')?.namedChildren.filter((c): c is SyntaxNode => !!c && !c.type.endsWith('comment')) ?? [];
    calls.push({ name, receiver: receiverOf(inv.childForFieldName('object'), scope, fields), argTypes: args.map((a) => literalType(a, scope)) });
  }
  return { calls, constructed };
}

function fieldTypes(decl: SyntaxNode): Map<string, string> {
  const fields = new Map<string, string>();
  for (const m of members(decl)) {
    if (m.type !== 'field_declaration') continue;
    const t = simpleType(m.childForFieldName('type')?.text ?? '');
    for (const d of m.namedChildren) {
      if (d?.type !== 'variable_declarator') continue;
      const n = d.childForFieldName('name')?.text;
      if (n && t) fields.set(n, t);
    }
  }
  return fields;
}

function isJUnit3(decl: SyntaxNode): boolean {
  const sup = decl.childForFieldName('superclass')?.text ?? '';
  return /\bTestCase\b/.test(sup);
}

function describeType(decl: SyntaxNode, qualifiedPrefix: string, topLevel: boolean, out: TypeInfo[]): void {
  const name = decl.childForFieldName('name')?.text ?? '';
  if (!name) return;
  const qualified = qualifiedPrefix ? `${qualifiedPrefix}.${name}` : name;
  const mods = modifierParts(decl);
  const sup = decl.childForFieldName('superclass');
  const superclass = sup ? simpleType(sup.text.replace(/^extends\s+/, '')) : undefined;
  const fields = fieldTypes(decl);
  const junit3 = isJUnit3(decl);
  const info: TypeInfo = {
    name,
    qualified,
    kind: decl.type,
    topLevel,
    superclass,
    isAbstract: mods.includes('abstract'),
    disabled: mods.filter(isAnnotation).map(annotationName).some((a) => DISABLED_ANNOTATIONS.has(a)),
    methods: [],
    fields,
    constructorCount: 0,
  };
  out.push(info);
  for (const m of members(decl)) {
    if (TYPE_DECLS.has(m.type)) {
      describeType(m, qualified, false, out);
      continue;
    }
    if (m.type === 'constructor_declaration' || m.type === 'compact_constructor_declaration') info.constructorCount++;
    if (m.type !== 'method_declaration') continue;
    const mname = m.childForFieldName('name')?.text ?? '';
    const parts = modifierParts(m);
    const annotations = parts.filter(isAnnotation).map(annotationName);
    const keywords = parts.filter((p) => !isAnnotation(p));
    const params = parameterTypes(m.childForFieldName('parameters'));
    const body = m.childForFieldName('body');
    const isTest =
      annotations.some((a) => TEST_ANNOTATIONS.has(a)) ||
      (junit3 && /^test/.test(mname) && params.length === 0 && keywords.includes('public') && !keywords.includes('static'));
    const method: MethodInfo = {
      name: mname,
      paramTypes: params,
      line: m.startPosition.row,
      nameLine: m.childForFieldName('name')?.startPosition.row ?? m.startPosition.row,
      hasBody: !!body && !keywords.includes('abstract') && !keywords.includes('native'),
      isStatic: keywords.includes('static'),
      isPrivate: keywords.includes('private'),
      isTest,
      disabled: annotations.some((a) => DISABLED_ANNOTATIONS.has(a)),
      calls: [],
      constructed: [],
    };
    if (isTest) Object.assign(method, describeTestCalls(m, fields));
    info.methods.push(method);
  }
}

/** Indexes one Java source text. `relPath` is only recorded. */
export function indexJavaFile(parser: JavaParser, relPath: string, text: string): FileIndex {
  const index: FileIndex = { path: relPath, packageName: '', imports: [], types: [] };
  let tree;
  try {
    tree = parser.parse(text);
  } catch (e) {
    index.error = `cannot parse: ${e instanceof Error ? e.message : String(e)}`;
    return index;
  }
  try {
    const root = tree.rootNode;
    index.error = syntaxErrorMessage(root);
    index.packageName = packageName(root);
    for (const c of root.namedChildren) {
      if (!c) continue;
      if (c.type === 'import_declaration') {
        index.imports.push(c.text.replace(/^import\s+/, '').replace(/;\s*$/, '').replace(/\s+/g, ' ').replace(/\s*\.\s*/g, '.').trim());
      } else if (TYPE_DECLS.has(c.type)) {
        describeType(c, index.packageName, true, index.types);
      }
    }
  } catch (e) {
    index.error = `cannot index: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    tree.delete();
  }
  return index;
}

/** Types of the file that declare at least one test method. */
export function testTypes(index: FileIndex): TypeInfo[] {
  return index.types.filter((t) => t.methods.some((m) => m.isTest));
}
