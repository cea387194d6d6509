// `testtune project`: the project model of a folder (layout, test framework, the offline test
// classpath and what it could not resolve), so a user can see why a generated test would not compile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliCommand, UsageError, bool, int, parseArgs, str } from '../command';
import { checkTestCompilation } from '../../project/check-tests';
import { completeWithBuildTool } from '../../project/build-tool';
import { loadProjectModel } from '../../project/model';
import { userCacheDir } from '../../util/cache-dir';

const USAGE = `usage:
  testtune project <dir> [--json] [--check [--set-aside]] [--m2 <repo>] [--gradle-home <dir>] [--no-substitute]
                         [--run-build-tool [--build-tool-time-limit <s>]]

Prints the project model of <dir>: build (maven, gradle, plain), source folders, JUnit 4/5 (with its
version) and Mockito, the test classpath resolved offline from pom.xml / build.gradle(.kts) and the
local repositories (~/.m2/repository, /usr/share/maven-repo, Gradle's cache) without running the
build, the declared versions replaced by another local version, and every dependency that could not
be resolved, with the reason.
  --check          also compile the main classes (into the cache) and the project's own tests
                   against that classpath; prints how many test files compile and the first errors
  --set-aside      with --check: leave out the main files that do not compile (and name them)
  --m2             Maven repository (default ~/.m2/repository)
  --no-substitute  do not replace a version missing locally by another local version
  --run-build-tool when dependencies stay unresolved, run the build tool for the classpath: mvn -o -q
                   dependency:build-classpath, or ./gradlew (else gradle) --offline; its failure is
                   reported with its first output lines and the offline classpath stays
  --build-tool-time-limit <s>  its time limit (default 180 s; the whole process group is killed)
  --json           one JSON object (the model; with --check a "check" field)`;

export const command: CliCommand = {
  name: 'project',
  summary: 'show the project model: layout, framework, offline test classpath, unresolved dependencies',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, { values: ['m2', 'gradle-home', 'build-tool-time-limit'], booleans: ['json', 'check', 'set-aside', 'no-substitute', 'run-build-tool'] });
    const dir = args.positional[0];
    if (!dir) throw new UsageError('a project folder is required');
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
    const limit = int(args, 'build-tool-time-limit') ?? 180;
    if (limit < 1 || limit > 3600) throw new UsageError('--build-tool-time-limit must be from 1 to 3600 seconds');
    if (str(args, 'build-tool-time-limit') !== undefined && !bool(args, 'run-build-tool')) throw new UsageError('--build-tool-time-limit needs --run-build-tool');
    const model = loadProjectModel(path.resolve(dir), { m2Repo: str(args, 'm2'), gradleHome: str(args, 'gradle-home'), substitute: !bool(args, 'no-substitute') });
    const built = bool(args, 'run-build-tool') ? await completeWithBuildTool(model, { setting: 'maven-gradle', timeoutMs: limit * 1000, cacheDir: userCacheDir() }) : {};
    if (built.message) model.warnings.push(built.message);
    const check = bool(args, 'check') ? await checkTestCompilation(model, { setAsideMain: bool(args, 'set-aside') }) : undefined;
    if (bool(args, 'json')) {
      console.log(JSON.stringify({ ...model, ...(built.run ? { buildTool: built.run } : {}), ...(check ? { check } : {}) }, null, 2));
      return 0;
    }
    const rel = (p: string) => path.relative(model.root, p) || '.';
    console.log(`project    ${model.root}`);
    console.log(`build      ${model.build}${model.modules.length > 1 ? ` (${model.modules.length} modules)` : ''}${model.javaRelease ? `, Java ${model.javaRelease}` : ''}`);
    console.log(`main       ${model.mainRoots.map(rel).join(', ')}`);
    console.log(`tests      ${model.testRoots.map(rel).join(', ')}`);
    console.log(`framework  ${model.framework}${model.junitVersion ? ` ${model.junitVersion}` : ''}${model.mockito ? ', Mockito' : ''}`);
    console.log(`classes    ${model.mainClassesDir ? rel(model.mainClassesDir) : 'not built or older than the sources (TestTune compiles them)'}`);
    console.log(`classpath  ${model.testClasspath.length} entries`);
    for (const a of model.artifacts) console.log(`  ${a.scope.padEnd(8)} ${a.groupId}:${a.artifactId}:${a.version}${a.classifier ? `:${a.classifier}` : ''}${a.files.length ? '' : '  (no file)'}${a.depth > 1 ? `  via ${a.via}` : ''}`);
    if (model.substitutions.length) {
      console.log(`substituted (declared version not in the local repositories) ${model.substitutions.length}:`);
      for (const s of model.substitutions) console.log(`  ${s.coordinate} → ${s.used}`);
    }
    console.log(`unresolved ${model.unresolved.length}`);
    for (const u of model.unresolved) console.log(`  ${u.coordinate}: ${u.reason}${u.from ? ` (from ${u.from})` : ''}`);
    for (const w of model.warnings) console.log(`warning: ${w}`);
    if (check) {
      if (check.mainSetAside.length) console.log(`main files left out (they do not compile) ${check.mainSetAside.length}:\n  ${check.mainSetAside.map((f) => f.error).join('\n  ')}`);
      if (check.mainErrors.length) console.log(`main sources do not compile:\n  ${check.mainErrors.join('\n  ')}`);
      else console.log(`test files compiling against this classpath: ${check.compiled} of ${check.testFiles}`);
      for (const p of check.missingPackages.slice(0, 10)) console.log(`  missing package ${p.name} (${p.files} files)`);
      for (const f of check.failing.slice(0, 10)) console.log(`  ${f.error}`);
    }
    return 0;
  },
};
