// Where the test of a focal file goes: Maven/Gradle layouts (src/main/java -> src/test/java, also in
// multi-module projects), an existing FooTest/FooTests/TestFoo/FooIT, and a settings override.
// Pure file-system logic, no vscode. Never throws: problems come back in `errors`.
import * as fs from 'node:fs';
import * as path from 'node:path';

export { findProjectRoot } from '../project/root';

export interface TestLocation {
  testFile: string; // absolute path
  testClassName: string;
  packageName: string;
  exists: boolean;
  errors: string[];
}

export interface LocationOptions {
  /** Test source root: absolute, or relative to the module root (the folder that holds src/main/java). */
  testRootOverride?: string;
}

const MAIN = path.join('src', 'main', 'java');
const TEST = path.join('src', 'test', 'java');

/** The package declared in a Java file's text ('' when none). Skips comments before it. */
export function declaredPackage(text: string): string {
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const m = /^\s*(?:@[\w.]+(?:\([^)]*\))?\s*)*package\s+([\w.]+)\s*;/.exec(stripped);
  return m ? m[1] : '';
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Candidate names of an existing test class for `Foo`, in order of preference. */
function testClassCandidates(focalClass: string): string[] {
  return [`${focalClass}Test`, `${focalClass}Tests`, `Test${focalClass}`, `${focalClass}IT`];
}

/** Splits a focal file path into module root, source root and package directory. */
function layout(projectRoot: string, focalFile: string, pkg: string): { moduleRoot: string; sourceRoot: string; standard: boolean } {
  const rel = focalFile.split(path.sep);
  for (let i = rel.length - 4; i >= 0; i--) {
    if (rel[i] === 'src' && rel[i + 1] === 'main' && rel[i + 2] === 'java') {
      const moduleRoot = rel.slice(0, i).join(path.sep) || path.sep;
      return { moduleRoot, sourceRoot: path.join(moduleRoot, MAIN), standard: true };
    }
  }
  // not a Maven/Gradle layout: the source root is the folder above the package folders
  let sourceRoot = path.dirname(focalFile);
  const pkgDirs = pkg ? pkg.split('.') : [];
  for (let i = pkgDirs.length - 1; i >= 0; i--) {
    if (path.basename(sourceRoot) !== pkgDirs[i]) break;
    sourceRoot = path.dirname(sourceRoot);
  }
  return { moduleRoot: projectRoot, sourceRoot, standard: false };
}

/** Where the test for `focalFile` lives or would be created. */
export function findTestLocation(projectRoot: string, focalFile: string, opts: LocationOptions = {}): TestLocation {
  const errors: string[] = [];
  const root = path.resolve(projectRoot);
  const file = path.resolve(root, focalFile);
  const focalClass = path.basename(file).replace(/\.java$/, '');
  if (!file.endsWith('.java')) errors.push(`${path.basename(file)} is not a .java file`);
  const text = readText(file);
  if (text === undefined) errors.push(`cannot read ${file}`);
  const lay = layout(root, file, text ? declaredPackage(text) : '');
  let packageName = text ? declaredPackage(text) : '';
  if (!packageName && lay.standard) {
    const relDir = path.relative(lay.sourceRoot, path.dirname(file));
    packageName = relDir && !relDir.startsWith('..') ? relDir.split(path.sep).join('.') : '';
  }
  let testRoot: string;
  if (opts.testRootOverride) testRoot = path.resolve(lay.moduleRoot, opts.testRootOverride);
  else if (lay.standard) testRoot = path.join(lay.moduleRoot, TEST);
  else if (path.basename(lay.sourceRoot) === 'src' || path.basename(lay.sourceRoot) === 'main') testRoot = path.join(path.dirname(lay.sourceRoot), 'test');
  else testRoot = path.join(root, TEST);
  const pkgDir = path.join(testRoot, ...(packageName ? packageName.split('.') : []));
  for (const name of testClassCandidates(focalClass)) {
    const candidate = path.join(pkgDir, `${name}.java`);
    if (fs.existsSync(candidate)) return { testFile: candidate, testClassName: name, packageName, exists: true, errors };
  }
  const testClassName = `${focalClass}Test`;
  return { testFile: path.join(pkgDir, `${testClassName}.java`), testClassName, packageName, exists: false, errors };
}
