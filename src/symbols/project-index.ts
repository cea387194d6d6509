// What to index for one project: its main and test sources, its test classpath (src/project/'s offline
// model: JUnit 4/5, Hamcrest, Mockito, AssertJ come from there when the project declares them), the
// test runner's own JUnit/Mockito jars where the classpath lacks them (the verification harness brings
// them the same way), and the JDK at the project's release. `indexProject` builds it in one call.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JAVA_DIR } from '../verify/toolchain';
import { sourceFiles } from '../project/layout';
import { loadProjectModel, mainSourceFiles, testSourceFiles, type ProjectModel } from '../project/model';
import { buildIndex, type BuildOptions, type BuildSummary, type IndexInputs } from './build-index';
import { symbolCacheDir } from './disk-cache';
import { SymbolIndex } from './symbol-index';

/** Jars a test runner adds for the framework when the project's classpath has none of its own. */
function runnerJars(model: ProjectModel): string[] {
  const has = (re: RegExp): boolean => model.testClasspath.some((e) => re.test(path.basename(e)));
  const wanted: string[] = [];
  if (model.framework === 'junit5' && !has(/junit-jupiter-api/)) wanted.push('junit-platform-console-standalone.jar');
  if (model.framework === 'junit4' && !has(/^junit(4)?[-.]/)) wanted.push('junit4.jar', 'hamcrest-core.jar');
  if (model.mockito && !has(/mockito-core/)) wanted.push('mockito-core.jar');
  return wanted.map((j) => path.join(JAVA_DIR, j)).filter((p) => fs.existsSync(p));
}

/** The index inputs of the project at `root` (a model already loaded may be passed). Never throws. */
export function projectIndexInputs(root: string, model: ProjectModel = loadProjectModel(root)): IndexInputs {
  const sources = [...mainSourceFiles(model), ...testSourceFiles(model)];
  const classpath: string[] = [];
  for (const entry of [...model.testClasspath, ...runnerJars(model)]) {
    let dir = false;
    try {
      dir = fs.statSync(entry).isDirectory();
    } catch {
      continue; // a missing jar is already in model.unresolved
    }
    // A sibling module's source folder stands in for its classes (javac reads sources from the classpath).
    if (dir && !entry.endsWith('classes') && sourceFiles([entry]).length) sources.push(...sourceFiles([entry]));
    else classpath.push(entry);
  }
  return { jdk: { release: model.javaRelease }, classpath, sourceFiles: [...new Set(sources)], workspace: model.root };
}

/** A new index of the project at `root`, built now (the CLI and benchmarks; the editor builds in the background). */
export async function indexProject(root: string, opts: BuildOptions = {}): Promise<{ index: SymbolIndex; summary: BuildSummary }> {
  const index = new SymbolIndex();
  const summary = await buildIndex(index, projectIndexInputs(root), { cacheDir: symbolCacheDir(), ...opts });
  return { index, summary };
}
