// Where a project keeps its sources: Maven/Gradle layouts (src/main/java, src/test/java, or the
// pom's sourceDirectory/testSourceDirectory), plain layouts (src/ + test/), and the folders to skip
// when walking a tree. Pure file-system logic; never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkTree } from '../util/walk';

export type BuildKind = 'maven' | 'gradle' | 'plain';

export interface SourceLayout {
  mainRoots: string[];
  testRoots: string[];
  resourceRoots: string[]; // main resources
  testResourceRoots: string[];
  errors: string[];
}

export const SKIP_DIRS = new Set(['.git', 'target', 'build', 'out', 'node_modules', '.idea', '.gradle', '.vscode']);

export function buildKind(root: string): BuildKind {
  const has = (p: string) => fs.existsSync(path.join(root, p));
  return has('pom.xml') ? 'maven' : ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'].some(has) ? 'gradle' : 'plain';
}

/** Source folders of one module; `declared` carries a pom's own folder settings (relative or absolute). */
export function detectSourceLayout(root: string, declared: { sourceDirectory?: string; testSourceDirectory?: string; resources?: string[]; testResources?: string[] } = {}): SourceLayout {
  const errors: string[] = [];
  const has = (p: string) => fs.existsSync(path.resolve(root, p));
  const abs = (p: string) => path.resolve(root, p);
  if (declared.sourceDirectory || has('src/main/java')) {
    const main = declared.sourceDirectory ?? 'src/main/java';
    const test = declared.testSourceDirectory ?? 'src/test/java';
    if (!has(main)) errors.push(`source folder ${abs(main)} does not exist`);
    return {
      mainRoots: [abs(main)],
      testRoots: [abs(test)],
      resourceRoots: (declared.resources?.length ? declared.resources : ['src/main/resources']).filter(has).map(abs),
      testResourceRoots: (declared.testResources?.length ? declared.testResources : ['src/test/resources']).filter(has).map(abs),
      errors,
    };
  }
  const main = has('src') ? path.join(root, 'src') : root;
  const test = ['test', 'tests', 'src/test'].find(has);
  if (!javaFiles(main).length) errors.push(`no Java sources found under ${main}`);
  return { mainRoots: [main], testRoots: [path.join(root, test ?? 'test')], resourceRoots: [], testResourceRoots: [], errors };
}

/** All .java files under a directory (skipping build output and VCS folders, and `exclude`). */
export function javaFiles(dir: string, exclude?: string | string[]): string[] {
  const skip = new Set(typeof exclude === 'string' ? [exclude] : exclude ?? []);
  const out: string[] = [];
  walkTree(dir, {
    enterDir: (name, fullPath) => !SKIP_DIRS.has(name) && !skip.has(fullPath),
    file: (fullPath, name) => {
      if (name.endsWith('.java')) out.push(fullPath);
    },
  });
  return out.sort();
}

/** Jars in the project's lib/ and libs/ folders. */
export function libJars(root: string): string[] {
  const out: string[] = [];
  for (const dir of ['lib', 'libs']) {
    const d = path.join(root, dir);
    let names: string[];
    try {
      names = fs.readdirSync(d);
    } catch {
      continue;
    }
    for (const f of names.sort()) if (f.endsWith('.jar')) out.push(path.join(d, f));
  }
  return out;
}

/** Copies the project into `dest`, leaving out build output and VCS folders. */
export function copyProject(root: string, dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(root, dest, {
    recursive: true,
    filter: (src) => !SKIP_DIRS.has(path.basename(src)) || src === root,
  });
}

// An Ant-style glob as in maven-compiler-plugin excludes ("**" spans folders, "*" one name) as a
// RegExp on '/'-separated relative paths.
export function antGlob(glob: string): RegExp {
  let re = '';
  const g = glob.replace(/\\/g, '/').replace(/\/$/, '/**');
  for (let i = 0; i < g.length; i++) {
    if (g.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (g.startsWith('**', i)) {
      re += '.*';
      i += 1;
    } else if (g[i] === '*') re += '[^/]*';
    else if (g[i] === '?') re += '[^/]';
    else re += g[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The .java files of source folders, without `excludeDirs` (nested test folders) and files matching the Ant `excludes`. */
export function sourceFiles(roots: string[], excludes: string[] = [], excludeDirs: string[] = []): string[] {
  const globs = excludes.map(antGlob);
  return roots.flatMap((root) =>
    javaFiles(root, excludeDirs).filter((f) => {
      const rel = path.relative(root, f).split(path.sep).join('/');
      return !globs.some((g) => g.test(rel));
    }),
  );
}
