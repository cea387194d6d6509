// Focal context of a method in the study's formats (fm ... fm+fc+c+m+f, each also with +t+tc), for
// generation (the prompt ends with the new test method's signature and '{') and for mining training
// pairs (source + target from a real test method). The text format itself lives in m2t-format.ts.
import { type SyntaxNode, type SyntaxTree } from './parser';
import { BATCH_PARSE_MS, INTERACTIVE_PARSE_MS, parseBounded } from './limits';
import { TYPE_DECLS, enclosingTypes, members, modifiersNode, syntaxErrorMessage, typeName } from './ast';
import { describeMethod, methodAtLine, methodNodes, methodsNamed, type JavaMethod } from './methods';
import { methodIndent, renderPrompt, type ContextFormat, type FocalParts, type TestParts } from './m2t-format';

export type { ContextFormat } from './m2t-format';
export { CONTEXT_FORMATS, isContextFormat } from './m2t-format';

/** Which focal method: the one whose declaration contains the 0-based `line`, or by name (+ arity). */
export type MethodSelector = { line: number } | { name: string; arity?: number };

export interface ContextOptions {
  format?: ContextFormat; // default 'fm+fc+c+m+f+t+tc'
  testSource?: string; // the existing test class text, if any
  testClassName?: string; // default: the existing test class's name, else <Focal>Test
  testMethodName?: string; // default: test<MethodName>, renamed on a clash (testAdd2, ...)
  framework?: 'junit4' | 'junit5'; // default junit5
  parseBudgetMs?: number; // time for parsing both files (default INTERACTIVE_PARSE_MS); slower input is refused
}

export interface ContextResult {
  context?: string;
  method?: JavaMethod;
  testMethodName?: string;
  errors: string[];
}

export const DEFAULT_FORMAT: ContextFormat = 'fm+fc+c+m+f+t+tc';

const normalize = (s: string): string => s.replace(/\r\n?/g, '\n');

function extendsPart(decl: SyntaxNode): string | undefined {
  return decl.namedChildren.find((c) => c?.type === 'superclass' || c?.type === 'extends_interfaces')?.text;
}

function implementsPart(decl: SyntaxNode): string | undefined {
  return decl.namedChildren.find((c) => c?.type === 'super_interfaces')?.text;
}

function classHeader(decl: SyntaxNode): string {
  let h = `class ${typeName(decl)}`;
  const ext = extendsPart(decl);
  const imp = implementsPart(decl);
  if (ext !== undefined) h += ` ${ext}`;
  if (imp !== undefined) h += ` ${imp}`;
  return h;
}

/**
 * The test class header as the study's data has it: where the TEST class extends (implements)
 * something, the header shows the FOCAL class's superclass (interfaces), or nothing, which leaves two
 * spaces (`class FooTest  {`). Seen in 135 of the 1,002 benchmark rows (82 with two spaces; in the other
 * 53 the shown superclass/interfaces equal the focal class's every time).
 */
function testClassHeader(testDecl: SyntaxNode, focalDecl: SyntaxNode): string {
  let h = `class ${typeName(testDecl)}`;
  if (extendsPart(testDecl) !== undefined) h += ` ${extendsPart(focalDecl) ?? ''}`;
  if (implementsPart(testDecl) !== undefined) h += ` ${implementsPart(focalDecl) ?? ''}`;
  return h;
}

/** `mods ret name(params)` with modifiers joined by single spaces, no type parameters, no throws. */
function signatureLine(node: SyntaxNode): string {
  const mods = (modifiersNode(node)?.text ?? '').split(/\s+/).filter(Boolean).join(' '); // comments included, as in the study's data
  const ret = node.type === 'method_declaration' ? (node.childForFieldName('type')?.text ?? '') : '';
  const name = node.childForFieldName('name')?.text ?? '';
  const params = node.childForFieldName('parameters')?.text ?? '()';
  return `${mods} ${ret} ${name}${params}`;
}

function fieldLines(decl: SyntaxNode): string[] {
  const out: string[] = [];
  for (const m of members(decl)) {
    if (m.type !== 'field_declaration' && m.type !== 'constant_declaration') continue;
    const mods = modifiersNode(m)?.text ?? '';
    const type = m.childForFieldName('type')?.text ?? '';
    const names = m
      .childrenForFieldName('declarator')
      .filter((d): d is SyntaxNode => !!d)
      .map((d) => (d.childForFieldName('name')?.text ?? '') + (d.childForFieldName('dimensions')?.text ?? ''));
    out.push(`${mods} ${type} ${names.join(', ')}`);
  }
  return out;
}

function focalParts(decl: SyntaxNode, focal: SyntaxNode): FocalParts {
  const constructors: string[] = [];
  const methods: string[] = [];
  for (const m of members(decl)) {
    if (m.type === 'constructor_declaration') constructors.push(signatureLine(m));
    else if (m.type === 'method_declaration' && m.id !== focal.id) methods.push(signatureLine(m));
  }
  return { header: classHeader(decl), method: focal.text, constructors, methods };
}


/** Finds the focal method node; errors say why none was found. */
function selectFocal(tree: SyntaxTree, selector: MethodSelector): { node?: SyntaxNode; errors: string[] } {
  const all = methodNodes(tree).filter((n) => n.type !== 'compact_constructor_declaration');
  // describe only the candidates: describing every method of a large file costs more than parsing it
  // By line: only the innermost method on that line (what methodAtLine picks), so that a line holding
  // thousands of nested methods costs one description.
  const onLine = 'line' in selector ? all.filter((n) => n.startPosition.row <= selector.line && selector.line <= n.endPosition.row) : [];
  const innermost = onLine.reduce<SyntaxNode | undefined>((best, n) => (!best || n.endIndex - n.startIndex < best.endIndex - best.startIndex ? n : best), undefined);
  const nodes = 'line' in selector ? (innermost ? [innermost] : []) : all.filter((n) => n.childForFieldName('name')?.text === selector.name);
  const described = nodes.map((n) => describeMethod(n));
  if ('line' in selector) {
    const m = methodAtLine(described, selector.line);
    if (!m) return { errors: [`line ${selector.line + 1} is not inside a method`] };
    return { node: nodes[described.indexOf(m)], errors: [] };
  }
  const found = methodsNamed(described, selector.name, selector.arity);
  if (found.length === 0) {
    const arity = selector.arity === undefined ? '' : ` with ${selector.arity} parameter(s)`;
    const names = [...new Set(all.map((n) => n.childForFieldName('name')?.text ?? ''))].slice(0, 20).join(', ');
    return { errors: [`no method '${selector.name}'${arity} in this file${names ? ` (methods: ${names})` : ''}`] };
  }
  const top = found.filter((f) => f.testable === found[0].testable);
  if (top.length > 1) {
    const lines = top.map((t) => t.nameLine + 1).join(', ');
    return { errors: [`'${selector.name}' is overloaded (lines ${lines}); choose one by line or by arity`] };
  }
  return { node: nodes[described.indexOf(found[0])], errors: [] };
}

function focalDecl(node: SyntaxNode): { decl?: SyntaxNode; error?: string } {
  const enc = enclosingTypes(node);
  if (!enc.decl || !TYPE_DECLS.has(enc.decl.type)) return { error: 'the method is in an anonymous class or enum constant body; pick a method of a named type' };
  return { decl: enc.decl };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The whitespace before `node` on its line, if only whitespace. */
function leadingWhitespace(text: string, node: SyntaxNode): string | undefined {
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  const pre = text.slice(lineStart, node.startIndex);
  return /^[ \t]*$/.test(pre) ? pre : undefined;
}

/** The first top-level class of a test file, or the one named `name`. */
function testClassDecl(tree: SyntaxTree, name?: string): SyntaxNode | undefined {
  const decls = tree.rootNode.namedChildren.filter((c): c is SyntaxNode => !!c && c.type === 'class_declaration');
  return (name ? decls.find((d) => typeName(d) === name) : undefined) ?? decls[0];
}

/** Picks a free test method name: base, base2, base3, ... */
export function freeMethodName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

/** The prompt for generating a test of the selected focal method. Never throws. */
export async function buildContext(focalSource: string, selector: MethodSelector, opts: ContextOptions = {}): Promise<ContextResult> {
  const errors: string[] = [];
  if (focalSource.trim() === '') return { errors: ['the focal file is empty'] };
  const text = normalize(focalSource);
  const deadline = performance.now() + (opts.parseBudgetMs ?? INTERACTIVE_PARSE_MS);
  const parsed = await parseBounded(text, 'the focal file', deadline - performance.now());
  if (!parsed.tree) return { errors: [parsed.error!] };
  const tree = parsed.tree;
  let testTree: SyntaxTree | undefined;
  try {
    const err = syntaxErrorMessage(tree.rootNode);
    if (err) errors.push(`focal file: ${err}`);
    const sel = selectFocal(tree, selector);
    if (!sel.node) return { errors: [...errors, ...sel.errors] };
    const method = describeMethod(sel.node);
    const { decl, error } = focalDecl(sel.node);
    if (!decl) return { method, errors: [...errors, error!] };
    const focal = focalParts(decl, sel.node);
    const framework = opts.framework ?? 'junit5';

    let testHeader = `class ${opts.testClassName ?? `${typeName(decl)}Test`}`;
    let fields: string[] = [];
    let indent = leadingWhitespace(text, sel.node) ?? '    ';
    const taken = new Set<string>();
    let publicTests: boolean | undefined;
    if (opts.testSource !== undefined && opts.testSource.trim() !== '') {
      const testText = normalize(opts.testSource);
      const tparsed = await parseBounded(testText, 'the test file', Math.max(200, deadline - performance.now()));
      testTree = tparsed.tree;
      const terr = testTree && syntaxErrorMessage(testTree.rootNode);
      if (terr) errors.push(`test file: ${terr}`);
      const tdecl = testTree ? testClassDecl(testTree, opts.testClassName) : undefined;
      if (tparsed.error) errors.push(`${tparsed.error}; a new test class is assumed`);
      if (tdecl) {
        testHeader = testClassHeader(tdecl, decl);
        fields = fieldLines(tdecl);
        const tm = members(tdecl).filter((m) => m.type === 'method_declaration');
        for (const m of tm) taken.add(m.childForFieldName('name')?.text ?? '');
        if (tm.length) indent = leadingWhitespace(testText, tm[0]) ?? indent;
        // follow the class's own style: `public void` when most of its @Test methods say public
        const tests = tm.filter((m) => (modifiersNode(m)?.text ?? '').includes('@Test'));
        if (tests.length) publicTests = tests.filter((m) => /\bpublic\b/.test(modifiersNode(m)?.text ?? '')).length * 2 > tests.length;
      }
      if (!tparsed.error && !tdecl) errors.push('test file: no class found; a new test class is assumed');
    }
    const testMethodName = freeMethodName(opts.testMethodName ?? `test${capitalize(method.name)}`, taken);
    const sig = `${(publicTests ?? framework === 'junit4') ? 'public ' : ''}void ${testMethodName}() {`;
    const test: TestParts = { header: testHeader, fields, method: `@Test\n${indent}${sig}\n`, indent };
    const fmt = opts.format ?? DEFAULT_FORMAT;
    const { source } = renderPrompt(fmt, focal, test);
    return { context: source, method, testMethodName, errors };
  } finally {
    tree.delete();
    testTree?.delete();
  }
}

export interface TrainingPair {
  source?: string;
  target?: string;
  errors: string[];
}

/**
 * A (source, target) pair in the study's format from a real test method: `source` ends after the first
 * line of the test method that contains '{', `target` is the rest of the method plus "\n\n}".
 */
export async function buildTrainingPair(
  focalSource: string,
  focalSelector: MethodSelector,
  testSource: string,
  testMethodName: string,
  opts: { format?: ContextFormat; testMethodLine?: number; parseBudgetMs?: number } = {},
): Promise<TrainingPair> {
  const errors: string[] = [];
  const text = normalize(focalSource);
  const testText = normalize(testSource);
  const budget = opts.parseBudgetMs ?? BATCH_PARSE_MS;
  const parsed = await parseBounded(text, 'the focal file', budget);
  if (!parsed.tree) return { errors: [parsed.error!] };
  const tree = parsed.tree;
  const tparsed = await parseBounded(testText, 'the test file', budget);
  if (!tparsed.tree) {
    tree.delete();
    return { errors: [tparsed.error!] };
  }
  const testTree = tparsed.tree;
  try {
    const sel = selectFocal(tree, focalSelector);
    if (!sel.node) return { errors: sel.errors };
    const { decl, error } = focalDecl(sel.node);
    if (!decl) return { errors: [error!] };
    const candidates = methodNodes(testTree).filter((n) => n.type === 'method_declaration' && n.childForFieldName('name')?.text === testMethodName);
    const tnode =
      opts.testMethodLine !== undefined
        ? candidates.find((n) => n.startPosition.row <= opts.testMethodLine! && opts.testMethodLine! <= n.endPosition.row)
        : candidates[0];
    if (!tnode) return { errors: [`no test method '${testMethodName}' in the test file`] };
    const tenc = enclosingTypes(tnode);
    if (!tenc.decl || tenc.decl.type !== 'class_declaration') return { errors: ['the test method is not in a named class'] };
    if (!tnode.childForFieldName('body')) return { errors: [`test method '${testMethodName}' has no body`] };
    const terr = syntaxErrorMessage(tnode);
    if (terr) errors.push(`test method: ${terr}`);
    const test: TestParts = { header: testClassHeader(tenc.decl, decl), fields: fieldLines(tenc.decl), method: tnode.text };
    const r = renderPrompt(opts.format ?? DEFAULT_FORMAT, focalParts(decl, sel.node), test);
    return { source: r.source, target: r.target, errors };
  } finally {
    tree.delete();
    testTree.delete();
  }
}

export { methodIndent };
