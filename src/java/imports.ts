// Which imports a test method needs (JUnit, assertions, Mockito, common java.util types, the focal
// class from another package) and which of them a test file still lacks.
import type { SyntaxNode } from './parser';

export interface ImportNeed {
  text: string; // 'import static org.junit.jupiter.api.Assertions.assertEquals;'
  name: string; // the imported simple name ('assertEquals', 'Test', 'List')
  pkg: string; // 'org.junit.jupiter.api.Assertions' / 'org.junit.jupiter.api'
  isStatic: boolean;
}

const JUNIT5_ASSERT = 'org.junit.jupiter.api.Assertions';
const JUNIT4_ASSERT = 'org.junit.Assert';
const ASSERTIONS = [
  'assertEquals', 'assertNotEquals', 'assertTrue', 'assertFalse', 'assertNull', 'assertNotNull', 'assertSame',
  'assertNotSame', 'assertArrayEquals', 'assertThrows', 'assertDoesNotThrow', 'assertAll', 'assertTimeout',
  'assertIterableEquals', 'assertLinesMatch', 'assertInstanceOf', 'fail',
];
const JUNIT4_ONLY_MISSING = new Set(['assertDoesNotThrow', 'assertAll', 'assertTimeout', 'assertIterableEquals', 'assertLinesMatch', 'assertInstanceOf']);
const MOCKITO = ['mock', 'when', 'verify', 'spy', 'times', 'never', 'doReturn', 'doThrow', 'doNothing', 'verifyNoInteractions', 'verifyNoMoreInteractions', 'atLeastOnce'];
const MATCHERS = ['any', 'anyInt', 'anyLong', 'anyString', 'anyList', 'anyMap', 'eq', 'isNull', 'notNull', 'argThat'];
const JAVA_UTIL = ['List', 'ArrayList', 'LinkedList', 'Map', 'HashMap', 'LinkedHashMap', 'TreeMap', 'Set', 'HashSet', 'TreeSet', 'Arrays', 'Collections', 'Optional', 'Objects', 'Random', 'Iterator', 'Collection', 'Deque', 'ArrayDeque', 'UUID'];

function need(pkg: string, name: string, isStatic: boolean): ImportNeed {
  return { text: `import ${isStatic ? 'static ' : ''}${pkg}.${name};`, name, pkg, isStatic };
}

function collect(node: SyntaxNode, calls: Set<string>, types: Set<string>, ids: Set<string>, annotations: Set<string>): void {
  if (node.type === 'method_invocation' && !node.childForFieldName('object')) {
    const n = node.childForFieldName('name')?.text;
    if (n) calls.add(n);
  } else if (node.type === 'type_identifier') types.add(node.text);
  else if (node.type === 'identifier') ids.add(node.text);
  else if (node.type === 'marker_annotation' || node.type === 'annotation') {
    const n = node.childForFieldName('name')?.text;
    if (n) annotations.add(n);
  }
  for (const c of node.namedChildren) if (c) collect(c, calls, types, ids, annotations);
}

/** Imports the method (a method_declaration node) uses, for the given framework. */
export function neededImports(
  method: SyntaxNode,
  opts: { framework: 'junit4' | 'junit5'; mockito: boolean; focalClass?: string; focalPackage?: string; testPackage?: string },
): ImportNeed[] {
  const calls = new Set<string>();
  const types = new Set<string>();
  const ids = new Set<string>();
  const annotations = new Set<string>();
  collect(method, calls, types, ids, annotations);
  const out: ImportNeed[] = [];
  const j5 = opts.framework === 'junit5';
  if (annotations.has('Test')) out.push(need(j5 ? 'org.junit.jupiter.api' : 'org.junit', 'Test', false));
  if (annotations.has('DisplayName') && j5) out.push(need('org.junit.jupiter.api', 'DisplayName', false));
  for (const a of ASSERTIONS) {
    if (!calls.has(a)) continue;
    if (!j5 && JUNIT4_ONLY_MISSING.has(a)) continue;
    out.push(need(j5 ? JUNIT5_ASSERT : JUNIT4_ASSERT, a, true));
  }
  if (opts.mockito) {
    for (const m of MOCKITO) if (calls.has(m)) out.push(need('org.mockito.Mockito', m, true));
    for (const m of MATCHERS) if (calls.has(m)) out.push(need('org.mockito.ArgumentMatchers', m, true));
  }
  for (const t of JAVA_UTIL) if (types.has(t) || ids.has(t)) out.push(need('java.util', t, false));
  if (opts.focalClass && opts.focalPackage && opts.focalPackage !== opts.testPackage && (types.has(opts.focalClass) || ids.has(opts.focalClass))) {
    out.push(need(opts.focalPackage, opts.focalClass, false));
  }
  return out;
}

export interface ExistingImports {
  exact: Set<string>; // 'org.junit.jupiter.api.Test', 'static org.junit.jupiter.api.Assertions.assertEquals'
  wildcard: Set<string>; // 'java.util', 'static org.junit.jupiter.api.Assertions'
  simpleNames: Set<string>; // simple names already imported (a second import of one would clash)
}

/** The imports of a compilation unit. */
export function existingImports(root: SyntaxNode): ExistingImports {
  const res: ExistingImports = { exact: new Set(), wildcard: new Set(), simpleNames: new Set() };
  for (const c of root.namedChildren) {
    if (!c || c.type !== 'import_declaration') continue;
    const text = c.text.replace(/\s+/g, ' ').replace(/^import /, '').replace(/ ?;$/, '');
    if (text.endsWith('.*')) res.wildcard.add(text.slice(0, -2));
    else {
      res.exact.add(text);
      res.simpleNames.add(text.slice(text.lastIndexOf('.') + 1));
    }
  }
  return res;
}

/** The needs that `existing` does not satisfy (and that would not clash with an imported name). */
export function missingImports(needs: ImportNeed[], existing: ExistingImports, declaredNames: Set<string> = new Set()): ImportNeed[] {
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = `${n.isStatic ? 'static ' : ''}${n.pkg}.${n.name}`;
    const pkgKey = `${n.isStatic ? 'static ' : ''}${n.pkg}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (existing.exact.has(key) || existing.wildcard.has(pkgKey)) return false;
    if (!n.isStatic && n.pkg === 'java.lang') return false;
    if (existing.simpleNames.has(n.name) || declaredNames.has(n.name)) return false;
    if (!n.isStatic && seen.has(`type ${n.name}`)) return false; // two classes of one simple name: the first need wins
    if (!n.isStatic) seen.add(`type ${n.name}`);
    return true;
  });
}

/**
 * The names `neededImports` imports on insertion when a test uses them, whatever the test file imports
 * now: simple type name → qualified, and statically imported member → owner type. The symbol scope
 * (src/symbols/build-scope.ts) counts them as visible to the test being generated.
 */
export function importableOnInsertion(opts: { framework: 'junit4' | 'junit5'; mockito: boolean }): { types: Record<string, string>; statics: Record<string, string> } {
  const j5 = opts.framework === 'junit5';
  const types: Record<string, string> = { Test: j5 ? 'org.junit.jupiter.api.Test' : 'org.junit.Test' };
  if (j5) types.DisplayName = 'org.junit.jupiter.api.DisplayName';
  for (const t of JAVA_UTIL) types[t] = `java.util.${t}`;
  const statics: Record<string, string> = {};
  for (const a of ASSERTIONS) if (j5 || !JUNIT4_ONLY_MISSING.has(a)) statics[a] = j5 ? JUNIT5_ASSERT : JUNIT4_ASSERT;
  if (opts.mockito) {
    for (const m of MOCKITO) statics[m] = 'org.mockito.Mockito';
    for (const m of MATCHERS) statics[m] = 'org.mockito.ArgumentMatchers';
  }
  return { types, statics };
}
