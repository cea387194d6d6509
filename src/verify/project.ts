// The project as verification sees it. This is a thin adapter over the execution harness's layout
// and pom reading (src/eval/execution/) with the interface of the project model (src/project/model.ts):
// when that model lands, this file is replaced by a re-export of it and nothing else in src/verify/
// changes. What the adapter cannot do (transitive dependencies, Gradle caches) is said in `warnings`.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFramework } from '../java/framework';
import { compileMain } from '../eval/execution/compile';
import { localDependencyJars } from '../eval/execution/maven';
import { detectLayout, javaFiles, libJars } from '../eval/execution/project';
import { loadToolchain } from '../eval/execution/toolchain';

export interface ProjectModel {
  root: string;
  build: 'maven' | 'gradle' | 'plain';
  mainRoots: string[];
  testRoots: string[];
  resourceRoots: string[];
  framework: 'junit4' | 'junit5';
  junitVersion?: string;
  mockito: boolean;
  testClasspath: string[];
  unresolved: { coordinate: string; reason: string }[];
  mainClassesDir?: string;
  warnings: string[];
}

/** Layout, framework and the dependency jars found in ~/.m2 and lib/ (direct dependencies only). */
export function loadProjectModel(root: string): ProjectModel {
  const abs = path.resolve(root);
  const layout = detectLayout(abs);
  const warnings = [...layout.errors];
  const unresolved: ProjectModel['unresolved'] = [];
  const jars = libJars(abs);
  if (layout.build === 'maven') {
    const local = localDependencyJars(path.join(abs, 'pom.xml'));
    jars.unshift(...local.jars);
    for (const note of local.notes) {
      const list = /^dependencies not in (.*?): (.*)$/.exec(note);
      if (list) for (const coordinate of list[2].split(', ')) unresolved.push({ coordinate, reason: `not in ${list[1]}` });
      else warnings.push(note);
    }
  } else if (layout.build === 'gradle') warnings.push('Gradle dependencies are not resolved by this adapter: only lib/ jars are on the classpath');
  const fw = detectFramework(abs);
  const resources = layout.resourceRoots;
  return {
    root: abs,
    build: layout.build,
    mainRoots: layout.mainRoots,
    testRoots: fs.existsSync(layout.testRoot) ? [layout.testRoot] : [],
    resourceRoots: resources,
    framework: fw.framework,
    mockito: fw.mockito,
    testClasspath: jars,
    unresolved,
    warnings,
  };
}

/** A hash of the main sources' paths, sizes and modification times (cheap; content changes move mtime). */
export function mainSourcesStamp(model: ProjectModel): string {
  const h = crypto.createHash('sha256');
  const testRoots = new Set(model.testRoots);
  for (const root of model.mainRoots) {
    const exclude = [...testRoots].find((t) => t.startsWith(root + path.sep));
    for (const f of javaFiles(root, exclude)) {
      const st = fs.statSync(f, { throwIfNoEntry: false });
      h.update(`${f}\0${st?.size}\0${st?.mtimeMs}\n`);
    }
  }
  h.update(model.testClasspath.join('\n'));
  return h.digest('hex').slice(0, 16);
}

/**
 * The main classes compiled with javac `--release 11` (JaCoCo 0.8.6 instruments class files up to
 * Java 16) into `<cacheDir>/main/<stamp>`, once per state of the sources; never into the workspace.
 */
export async function compileMainClasses(
  model: ProjectModel,
  opts: { cacheDir: string; release?: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ classesDir?: string; errors: string[] }> {
  const tc = await loadToolchain();
  if (tc.errors.length) return { errors: tc.errors };
  const dir = path.join(opts.cacheDir, 'main', mainSourcesStamp(model));
  const classes = path.join(dir, 'classes');
  if (fs.existsSync(path.join(dir, 'ok'))) return { classesDir: classes, errors: [] };
  fs.rmSync(dir, { recursive: true, force: true });
  const layout = { root: model.root, build: model.build, mainRoots: model.mainRoots, testRoot: model.testRoots[0] ?? path.join(model.root, 'src/test/java'), resourceRoots: model.resourceRoots, errors: [] };
  const r = await compileMain(tc, layout, model.testClasspath, classes);
  if (!r.ok) return { errors: r.errors.length ? r.errors : ['javac failed on the main sources'] };
  fs.writeFileSync(path.join(dir, 'ok'), '');
  return { classesDir: classes, errors: [] };
}
