// A Java project as the execution harness sees it: where the main and test sources are, which
// dependency jars it needs, and a private copy to work in (the user's tree is never written).
// Maven/Gradle layouts (src/main/java, src/test/java) and plain layouts (src/ + test/) are
// recognised. Dependencies come from `mvn -o dependency:build-classpath` when the project has a
// pom.xml that resolves offline, else from the pom's direct dependencies found in ~/.m2, plus any
// jars under lib/ or libs/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localDependencyJars } from './maven';
import { runProcess } from './toolchain';

export interface ProjectLayout {
  root: string;
  build: 'maven' | 'gradle' | 'plain';
  mainRoots: string[];
  testRoot: string;
  resourceRoots: string[];
  errors: string[];
}

const SKIP_DIRS = new Set(['.git', 'target', 'build', 'out', 'node_modules', '.idea', '.gradle', '.vscode']);

export function detectLayout(root: string): ProjectLayout {
  const errors: string[] = [];
  const has = (p: string) => fs.existsSync(path.join(root, p));
  const build = has('pom.xml') ? 'maven' : has('build.gradle') || has('build.gradle.kts') ? 'gradle' : 'plain';
  if (has('src/main/java')) {
    return {
      root,
      build,
      mainRoots: [path.join(root, 'src/main/java')],
      testRoot: path.join(root, 'src/test/java'),
      resourceRoots: ['src/main/resources', 'src/test/resources'].filter(has).map((p) => path.join(root, p)),
      errors,
    };
  }
  const main = has('src') ? path.join(root, 'src') : root;
  const test = ['test', 'tests', 'src/test'].find(has);
  if (!javaFiles(main).length) errors.push(`no Java sources found under ${main}`);
  return { root, build, mainRoots: [main], testRoot: path.join(root, test ?? 'test'), resourceRoots: [], errors };
}

/** All .java files under a directory (skipping build output and VCS folders). */
export function javaFiles(dir: string, exclude?: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && p !== exclude) walk(p);
      } else if (e.isFile() && e.name.endsWith('.java')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Copies the project into `dest`, leaving out build output and VCS folders. */
export function copyProject(root: string, dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(root, dest, {
    recursive: true,
    filter: (src) => !SKIP_DIRS.has(path.basename(src)) || src === root,
  });
}

export function libJars(root: string): string[] {
  const out: string[] = [];
  for (const dir of ['lib', 'libs']) {
    const d = path.join(root, dir);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) if (f.endsWith('.jar')) out.push(path.join(d, f));
  }
  return out;
}

export interface Dependencies {
  jars: string[];
  source: 'maven' | 'm2' | 'lib' | 'none';
  notes: string[];
}

/** The project's dependency jars: Maven's offline classpath when it resolves, else lib/ jars. */
export async function resolveDependencies(layout: ProjectLayout, opts: { useMaven?: boolean; timeoutMs?: number } = {}): Promise<Dependencies> {
  const notes: string[] = [];
  const lib = libJars(layout.root);
  if (layout.build === 'maven' && opts.useMaven !== false) {
    const outFile = path.join(layout.root, '.testtune-classpath.txt');
    const r = await runProcess(
      'mvn',
      ['-o', '-q', '-B', '-f', path.join(layout.root, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${outFile}`, '-Dmdep.includeScope=test'],
      { cwd: layout.root, timeoutMs: opts.timeoutMs ?? 120_000 },
    );
    if (r.code === 0 && fs.existsSync(outFile)) {
      const jars = fs.readFileSync(outFile, 'utf8').trim().split(path.delimiter).filter(Boolean);
      fs.rmSync(outFile, { force: true });
      return { jars: [...jars, ...lib], source: 'maven', notes };
    }
    const why = r.timedOut ? 'timed out' : (r.stdout + r.stderr).split('\n').find((l) => l.includes('ERROR')) ?? `exit ${r.code}`;
    // eslint-disable-next-line no-control-regex
    notes.push(`mvn offline classpath unavailable (${why.replace(/\x1b\[[0-9;]*m/g, '').trim().slice(0, 200)}); using the pom's dependencies from the local repository`);
    const local = localDependencyJars(path.join(layout.root, 'pom.xml'));
    notes.push(...local.notes);
    if (local.jars.length) return { jars: [...local.jars, ...lib], source: 'm2', notes };
  }
  return { jars: lib, source: lib.length ? 'lib' : 'none', notes };
}
