// Which methods of a Java file get a "Generate test" code lens: none in files under a test source root
// or in test classes (a test of a test is noise), none on private methods (a test cannot call them),
// none on abstract or native methods, constructors, or local/anonymous classes' methods (`testable`).
// Plain functions of a path and a method listing; never throw.
import * as path from 'node:path';
import { declaredPackage } from './location';
import type { JavaMethod } from './methods';

/** Annotations that mark a method as a test (JUnit 4/5, parameterized, TestNG). */
const TEST_ANNOTATIONS = /^@(?:[\w.]*\.)?(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property)\b/;

/** Class names that conventionally hold tests: FooTest, FooTests, FooIT. */
export function isTestClassName(simpleName: string): boolean {
  return /(?:Test|Tests|IT)$/.test(simpleName);
}

function isTestMethod(method: JavaMethod): boolean {
  return method.annotations.some((a) => TEST_ANNOTATIONS.test(a));
}

export interface TestRootOptions {
  testSourceRoot?: string; // the `testtune.testSourceRoot` setting: relative to a module root, or absolute
  workspaceRoot?: string; // folders above it are not looked at (a workspace inside ~/tests is no test root)
}

const slashed = (p: string): string => path.resolve(p).split(path.sep).join('/');

/**
 * Whether `file` lies under a test source root: the folder above its package folders is (or is inside)
 * `test`/`tests`, `src/it`, `src/<x>Test` (Gradle's integrationTest, Android's androidTest), or the
 * configured test source root.
 */
export function isUnderTestRoot(file: string, source: string, options: TestRootOptions = {}): boolean {
  const norm = slashed(file);
  const configured = options.testSourceRoot ?? '';
  if (configured) {
    if (path.isAbsolute(configured)) {
      if (norm.startsWith(`${slashed(configured)}/`)) return true;
    } else {
      const root = configured.split(/[\\/]+/).filter((s) => s && s !== '.').join('/');
      if (root && norm.includes(`/${root}/`)) return true;
    }
  }
  const base = options.workspaceRoot ? slashed(options.workspaceRoot) : '';
  const rel = base && norm.startsWith(`${base}/`) ? norm.slice(base.length + 1) : norm;
  // the source root: drop the file name and then the package's folders
  const segments = rel.split('/').slice(0, -1);
  const pkg = declaredPackage(source);
  for (const part of (pkg ? pkg.split('.') : []).reverse()) {
    if (segments[segments.length - 1] !== part) break;
    segments.pop();
  }
  return segments.some((s, i) => s === 'test' || s === 'tests' || (segments[i - 1] === 'src' && (s === 'it' || /^[a-z]+Test$/.test(s))));
}

/** The simple name of a method's innermost enclosing type ('Outer.Inner' -> 'Inner'). */
function simpleEnclosing(method: JavaMethod): string {
  return method.enclosingType.slice(method.enclosingType.lastIndexOf('.') + 1);
}

/**
 * The methods that get a lens. `methods` is the whole file's listing: a class with any test method is a
 * test class, and so is every type nested in it (its helpers and fixtures).
 */
export function lensTargets(file: string, source: string, methods: readonly JavaMethod[], options: TestRootOptions = {}): JavaMethod[] {
  if (isUnderTestRoot(file, source, options)) return [];
  const testTypes = new Set<string>();
  for (const m of methods) {
    if (isTestMethod(m) || isTestClassName(simpleEnclosing(m))) testTypes.add(m.enclosingType);
  }
  const inTestType = (m: JavaMethod): boolean => {
    for (const t of testTypes) if (m.enclosingType === t || m.enclosingType.startsWith(`${t}.`)) return true;
    return false;
  };
  return methods.filter((m) => m.testable && !m.modifiers.includes('private') && !inTestType(m));
}
