// Test class → focal class, as in Methods2Test: by name (`FooTest`, `FooTests`, `TestFoo`, `FooTestCase`,
// `FooIT` → `Foo`) and by path (`src/test/java/p/FooTest.java` ↔ `src/main/java/p/Foo.java`, the same
// module first in multi-module builds), with the test file's imports breaking ties.
import * as path from 'node:path';
import type { FileIndex, TypeInfo } from './java-index';

export interface ClassRef {
  file: FileIndex;
  type: TypeInfo;
}

export type FocalClassResult = { value: ClassRef; by: string } | { skip: 'no focal class' | 'ambiguous focal class'; detail: string };

/** Candidate focal class names for a test class name, most specific first. */
export function focalClassNames(testClass: string): string[] {
  const out: string[] = [];
  const add = (s: string): void => {
    if (s && /^[A-Za-z_$]/.test(s) && !out.includes(s)) out.push(s);
  };
  for (const suffix of ['TestCase', 'Tests', 'Test', 'IT', 'ITCase', 'Spec']) {
    if (testClass.endsWith(suffix) && testClass.length > suffix.length) add(testClass.slice(0, -suffix.length));
  }
  if (/^Test[A-Z_$]/.test(testClass)) add(testClass.slice(4));
  // FEST/AssertJ style: `Foo_bar_Test` tests `Foo.bar`
  const segs = testClass.split('_').filter(Boolean);
  if (segs.length >= 2 && testClass.includes('_')) add(segs[0]);
  // FooBarTest may test Foo when there is no FooBar (e.g. `ParserEdgeCasesTest`): handled by the caller
  return out;
}

/** The focal method named by a `Foo_bar_Test` class name (`bar`), if any. */
export function classMethodHint(testClass: string): string | undefined {
  const segs = testClass.split('_').filter(Boolean);
  if (segs.length >= 3 && /^(Test|Tests|TestCase)$/.test(segs[segs.length - 1])) return segs[1];
  return undefined;
}

/** Index of the repository's non-test top-level types by simple name. */
export class TypeTable {
  private byName = new Map<string, ClassRef[]>();

  add(file: FileIndex, type: TypeInfo): void {
    const list = this.byName.get(type.name) ?? [];
    list.push({ file, type });
    this.byName.set(type.name, list);
  }

  named(name: string): ClassRef[] {
    return this.byName.get(name) ?? [];
  }
}

/** The directory of a file with the test/main source roots made comparable. */
function sourceRootKey(p: string): string {
  return path
    .dirname(p)
    .split(/[\\/]/)
    .map((seg) => (seg === 'test' || seg === 'tests' || seg === 'main' || seg === 'src' || seg === 'java' ? '' : seg))
    .filter(Boolean)
    .join('/');
}

/** Leading directories shared by two paths (the module a file belongs to). */
function commonPrefix(a: string, b: string): number {
  const x = a.split(/[\\/]/);
  const y = b.split(/[\\/]/);
  let i = 0;
  while (i < x.length - 1 && i < y.length - 1 && x[i] === y[i]) i++;
  return i;
}

function importsType(test: FileIndex, ref: ClassRef): boolean {
  const q = ref.type.qualified;
  const pkg = ref.file.packageName;
  return test.imports.some((imp) => imp === q || imp === `${pkg}.*` || imp.startsWith(`static ${q}.`));
}

function pick(test: FileIndex, all: ClassRef[], inTestRoot: (p: string) => boolean): { ref?: ClassRef; by: string } {
  const mainOnly = all.filter((c) => !inTestRoot(c.file.path));
  const cands = mainOnly.length > 0 ? mainOnly : all; // main code before test helpers of the same name
  if (cands.length === 1) return { ref: cands[0], by: 'unique name' };
  const samePkg = cands.filter((c) => c.file.packageName === test.packageName);
  const imported = cands.filter((c) => importsType(test, c));
  const pool = samePkg.length > 0 ? samePkg : imported;
  if (pool.length === 1) return { ref: pool[0], by: samePkg.length ? 'same package' : 'import' };
  const from = pool.length > 0 ? pool : cands;
  // mirrored path (src/test/java/p ↔ src/main/java/p), then the longest shared directory prefix (module)
  const key = sourceRootKey(test.path);
  const mirrored = from.filter((c) => sourceRootKey(c.file.path) === key);
  const byPath = mirrored.length > 0 ? mirrored : from;
  if (byPath.length === 1) return { ref: byPath[0], by: 'path' };
  const scores = byPath.map((c) => commonPrefix(c.file.path, test.path));
  const best = Math.max(...scores);
  const top = byPath.filter((_, i) => scores[i] === best);
  if (top.length === 1) return { ref: top[0], by: 'module' };
  return { by: `${top.length} candidates: ${top.map((c) => c.file.path).join(', ')}` };
}

/** Finds the focal class of a top-level test type. */
export function findFocalClass(test: FileIndex, testType: TypeInfo, table: TypeTable, inTestRoot: (p: string) => boolean = () => false): FocalClassResult {
  const names = focalClassNames(testType.name);
  if (names.length === 0) return { skip: 'no focal class', detail: `'${testType.name}' does not follow FooTest/TestFoo naming` };
  for (const name of names) {
    const cands = table.named(name).filter((c) => c.type.kind !== 'annotation_type_declaration');
    if (cands.length === 0) continue;
    const { ref, by } = pick(test, cands, inTestRoot);
    if (ref) return { value: ref, by };
    return { skip: 'ambiguous focal class', detail: `'${name}': ${by}` };
  }
  return { skip: 'no focal class', detail: `no class named ${names.map((n) => `'${n}'`).join(' or ')} outside test code` };
}
