// The project as the execution harness sees it: a thin view of the project model (src/project/):
// source folders and the offline test classpath, plus a private copy to work in (the user's tree is
// never written). Maven itself runs only when asked (`useMaven: true`); by default the classpath
// comes from the poms / build scripts and the local repositories, without running the build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classpathWithoutTestFrameworks, loadProjectModel, type ProjectModel } from '../../project/model';
import type { BuildKind } from '../../project/layout';
import { runProcess } from './toolchain';

export { copyProject, javaFiles, libJars } from '../../project/layout';

export interface ProjectLayout {
  root: string;
  build: BuildKind;
  mainRoots: string[];
  testRoot: string;
  resourceRoots: string[]; // main and test resources (compile.ts tells them apart by path)
  errors: string[];
  model: ProjectModel;
}

export function detectLayout(root: string): ProjectLayout {
  const model = loadProjectModel(root);
  return {
    root: model.root,
    build: model.build,
    mainRoots: model.mainRoots,
    testRoot: model.testRoots[0] ?? path.join(model.root, 'src/test/java'),
    resourceRoots: [...model.resourceRoots, ...model.testResourceRoots],
    errors: model.warnings,
    model,
  };
}

export interface Dependencies {
  jars: string[];
  source: 'maven' | 'model' | 'none';
  notes: string[];
}

/** The project's dependency jars: the model's offline classpath, or Maven's when `useMaven` is set and it resolves. */
export async function resolveDependencies(layout: ProjectLayout, opts: { useMaven?: boolean; timeoutMs?: number } = {}): Promise<Dependencies> {
  const notes: string[] = [];
  if (layout.build === 'maven' && opts.useMaven === true) {
    const outFile = path.join(layout.root, '.testtune-classpath.txt');
    const r = await runProcess(
      'mvn',
      ['-o', '-q', '-B', '-f', path.join(layout.root, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${outFile}`, '-Dmdep.includeScope=test'],
      { cwd: layout.root, timeoutMs: opts.timeoutMs ?? 120_000 },
    );
    if (r.code === 0 && fs.existsSync(outFile)) {
      const jars = fs.readFileSync(outFile, 'utf8').trim().split(path.delimiter).filter(Boolean);
      fs.rmSync(outFile, { force: true });
      return { jars, source: 'maven', notes };
    }
    const why = r.timedOut ? 'timed out' : (r.stdout + r.stderr).split('\n').find((l) => l.includes('ERROR')) ?? `exit ${r.code}`;
    // eslint-disable-next-line no-control-regex
    notes.push(`mvn offline classpath unavailable (${why.replace(/\x1b\[[0-9;]*m/g, '').trim().slice(0, 200)}); using the project model's classpath`);
  }
  const model = layout.model;
  // the harness runs tests with its own JUnit/Mockito (toolchain.ts); the project's copies would clash
  const jars = classpathWithoutTestFrameworks(model);
  if (model.unresolved.length) notes.push(`unresolved dependencies: ${model.unresolved.map((u) => `${u.coordinate} (${u.reason})`).join(', ')}`);
  if (model.substitutions.length) notes.push(`versions not in the local repositories, replaced: ${model.substitutions.map((s) => `${s.coordinate} → ${s.used}`).join(', ')}`);
  return { jars, source: jars.length ? 'model' : 'none', notes };
}
