// The methods (and constructors) of a Java file: names, parameter types, ranges, enclosing type, and
// whether a method is worth a test. Used by code lenses, `testtune context`, the miner.
import { type SyntaxNode, type SyntaxTree } from './parser';
import { INTERACTIVE_PARSE_MS, MAX_LISTED_METHODS, parseBounded } from './limits';
import { allTypeDecls, enclosingTypes, enclosingTypesOfAll, isAnnotation, modifierParts, syntaxErrorMessage, type Enclosing } from './ast';

export interface JavaMethod {
  name: string;
  parameterTypes: string[];
  returnType: string; // '' for constructors
  modifiers: string[]; // keywords only: public, static, ...
  annotations: string[]; // '@Override', '@SuppressWarnings("x")', ...
  kind: 'method' | 'constructor';
  enclosingType: string; // dotted, e.g. Outer.Inner; '<anonymous>' for anonymous classes
  startLine: number; // 0-based, the declaration's first line (annotations included)
  endLine: number; // 0-based
  startIndex: number; // UTF-16 offsets into the source text
  endIndex: number;
  nameLine: number; // 0-based line of the method's name
  testable: boolean; // has a body, not abstract, a method (not a constructor), reachable (not local/anonymous)
  signature: string; // one line: modifiers return name(params)
}

export interface MethodListing {
  methods: JavaMethod[];
  errors: string[];
}

const METHOD_TYPES = ['method_declaration', 'constructor_declaration', 'compact_constructor_declaration'];

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Parameter types of a `formal_parameters` node; varargs render as `T...`. */
export function parameterTypes(params: SyntaxNode | null): string[] {
  if (!params) return [];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'formal_parameter') {
      const t = p.childForFieldName('type')?.text ?? '';
      const dims = p.childForFieldName('dimensions')?.text ?? '';
      out.push(oneLine(t + dims));
    } else if (p.type === 'spread_parameter') {
      const t = p.namedChildren.find((c) => c && c.type !== 'modifiers' && c.type !== 'variable_declarator');
      out.push(oneLine((t?.text ?? '') + '...'));
    } else if (p.type === 'receiver_parameter') {
      continue;
    }
  }
  return out;
}

/** Describes one method/constructor node (`enc`: its enclosing types, when already known). */
export function describeMethod(node: SyntaxNode, enc: Enclosing = enclosingTypes(node)): JavaMethod {
  const kind = node.type === 'method_declaration' ? 'method' : 'constructor';
  const name = node.childForFieldName('name')?.text ?? '';
  const parts = modifierParts(node);
  const annotations = parts.filter(isAnnotation).map(oneLine);
  const modifiers = parts.filter((p) => !isAnnotation(p));
  const dims = node.childForFieldName('dimensions')?.text ?? ''; // int f()[] returns int[]
  const returnType = kind === 'method' ? oneLine((node.childForFieldName('type')?.text ?? '') + dims) : '';
  const params = node.childForFieldName('parameters');
  const body = node.childForFieldName('body');
  const hasBody = !!body && (body.type === 'block' || body.type === 'constructor_body');
  const testable = kind === 'method' && hasBody && !modifiers.includes('abstract') && !modifiers.includes('native') && !enc.local && !!name;
  const nameNode = node.childForFieldName('name');
  const sigParts = [...modifiers];
  if (kind === 'method') sigParts.push(returnType);
  const signature = oneLine(`${sigParts.join(' ')} ${name}${params ? oneLine(params.text) : '()'}`);
  return {
    name,
    parameterTypes: parameterTypes(params),
    returnType,
    modifiers,
    annotations,
    kind,
    enclosingType: enc.names.join('.'),
    startLine: node.startPosition.row,
    endLine: node.endPosition.row,
    startIndex: node.startIndex,
    endIndex: node.endIndex,
    nameLine: (nameNode ?? node).startPosition.row,
    testable,
    signature,
  };
}

/** Method and constructor nodes of a tree in document order. */
export function methodNodes(tree: SyntaxTree): SyntaxNode[] {
  return tree.rootNode.descendantsOfType(METHOD_TYPES).filter((n): n is SyntaxNode => !!n && !n.isMissing);
}

/** Lists the methods and constructors of a Java source text (parsed within `parseBudgetMs`). Never throws. */
export async function listMethods(source: string, parseBudgetMs = INTERACTIVE_PARSE_MS): Promise<MethodListing> {
  const errors: string[] = [];
  if (source.trim() === '') return { methods: [], errors: ['the file is empty'] };
  const parsed = await parseBounded(source, 'the file', parseBudgetMs);
  if (!parsed.tree) return { methods: [], errors: [parsed.error!] };
  const tree = parsed.tree;
  try {
    const err = syntaxErrorMessage(tree.rootNode);
    if (err) errors.push(`${err}; methods found outside broken regions are still listed`);
    const enclosing = enclosingTypesOfAll(tree.rootNode, new Set(METHOD_TYPES));
    const nodes = methodNodes(tree);
    if (nodes.length > MAX_LISTED_METHODS) errors.push(`the file has ${nodes.length} methods; only the first ${MAX_LISTED_METHODS} are listed`);
    const methods = nodes.slice(0, MAX_LISTED_METHODS).map((n) => describeMethod(n, enclosing.get(n.id)));
    if (allTypeDecls(tree.rootNode).length === 0 && methods.length === 0) {
      errors.push('no Java declarations found: is this a Java file?');
    }
    return { methods, errors };
  } finally {
    tree.delete();
  }
}

/** The innermost method whose declaration range contains the 0-based `line`. */
export function methodAtLine(methods: JavaMethod[], line: number): JavaMethod | undefined {
  let best: JavaMethod | undefined;
  for (const m of methods) {
    if (line < m.startLine || line > m.endLine) continue;
    if (!best || m.endIndex - m.startIndex < best.endIndex - best.startIndex) best = m;
  }
  return best;
}

/** Methods named `name` (and with `arity` parameters when given); testable ones first. */
export function methodsNamed(methods: JavaMethod[], name: string, arity?: number): JavaMethod[] {
  const found = methods.filter((m) => m.name === name && (arity === undefined || m.parameterTypes.length === arity));
  return [...found.filter((m) => m.testable), ...found.filter((m) => !m.testable)];
}
