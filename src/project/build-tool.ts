// Running the project's own build tool for its test classpath, only where the user allowed it
// (`testtune.project.runBuildTool`, CLI `--run-build-tool`) and the workspace is trusted (the host
// checks trust: the build runs the project's plugins and scripts), and only when the offline model
// left dependencies unresolved. Maven: `mvn -o -q -B dependency:build-classpath` into a file outside
// the workspace; Gradle: `./gradlew` (else `gradle`) `--offline` with an init script that prints each
// project's testRuntimeClasspath, its project cache outside the workspace. Under a time limit, the
// whole process group killed after it (src/util/process.ts). Its failure is reported with the first
// lines of the tool's output and is never fatal: the offline classpath stays. Never throws.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../util/process';
import { frameworkOf } from './framework';
import type { ResolvedArtifact } from './maven-resolve';
import type { ProjectModel } from './model';

export type RunBuildTool = 'never' | 'maven-gradle';

export interface BuildToolRun {
  tool: 'maven' | 'gradle';
  command: string; // as a user would type it
  /** The test classpath the tool printed (absolute paths), when it succeeded. */
  classpath?: string[];
  /** Why it did not give a classpath: exit code or time limit, and the first lines of its output. */
  error?: string;
  seconds: number;
}

const MARKER = 'TESTTUNE-CLASSPATH ';
const OUTPUT_LINES = 8;

const GRADLE_INIT = `allprojects { p ->
    p.tasks.register('testtuneTestClasspath') {
        doLast {
            def cp = p.configurations.findByName('testRuntimeClasspath')
            if (cp != null) println('${MARKER}' + cp.resolve().collect { it.absolutePath }.join(File.pathSeparator))
        }
    }
}
`;

/** The first lines of a tool's output that say something (errors first), without colour codes. */
export function firstLines(output: string, count = OUTPUT_LINES): string {
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() && !/^\[ERROR\]\s*$/.test(l));
  const errors = lines.filter((l) => /\bERROR\b|FAILURE|What went wrong|error:/i.test(l));
  return (errors.length ? errors : lines).slice(0, count).join('\n');
}

/**
 * Classpath entries from a `dependency:build-classpath` file or Gradle's marker lines: absolute and
 * deduplicated. With `appendOutput` each module of a reactor appends its classpath with no separator,
 * so an entry ending in `.jar` (or a module's classes folder) glued to the next absolute path is split.
 */
export function parseClasspath(text: string, delimiter = path.delimiter): string[] {
  const glued = delimiter === ';' ? /(?<=\.jar|[\\/]target[\\/](?:test-)?classes)(?=[A-Za-z]:[\\/])/g : /(?<=\.jar|\/target\/(?:test-)?classes)(?=\/)/g;
  const entries = text
    .split(/\r?\n/)
    .flatMap((line) => (line.startsWith(MARKER) ? line.slice(MARKER.length) : line).split(delimiter))
    .flatMap((e) => e.split(glued))
    .map((e) => e.trim())
    .filter((e) => e && (path.isAbsolute(e) || /^[A-Za-z]:[\\/]/.test(e)));
  return [...new Set(entries)];
}

/** Coordinates of a jar from where it lies: a Maven-layout repository or Gradle's module cache. */
export function artifactOfPath(file: string): ResolvedArtifact | undefined {
  const parts = file.split(path.sep);
  const name = parts[parts.length - 1];
  const gradle = parts.lastIndexOf('files-2.1');
  if (gradle >= 0 && parts.length - gradle === 6) {
    const [groupId, artifactId, version] = parts.slice(gradle + 1, gradle + 4);
    return { groupId, artifactId, version, type: 'jar', scope: 'test', depth: 1, files: [file], via: 'the build tool' };
  }
  // <repo>/org/junit/jupiter/junit-jupiter-api/5.12.2/junit-jupiter-api-5.12.2.jar
  if (parts.length < 5) return undefined;
  const version = parts[parts.length - 2];
  const artifactId = parts[parts.length - 3];
  if (!name.startsWith(`${artifactId}-`)) return undefined;
  const repo = parts.lastIndexOf('repository');
  const groupStart = repo >= 0 ? repo + 1 : parts.length - 4;
  const groupId = parts.slice(groupStart, parts.length - 3).join('.');
  if (!groupId) return undefined;
  return { groupId, artifactId, version, type: 'jar', scope: 'test', depth: 1, files: [file], via: 'the build tool' };
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Runs the project's build tool for its test classpath. */
export async function runBuildToolClasspath(model: Pick<ProjectModel, 'root' | 'build'>, opts: { timeoutMs: number; cacheDir: string; signal?: AbortSignal }): Promise<BuildToolRun | undefined> {
  const t0 = Date.now();
  const seconds = () => (Date.now() - t0) / 1000;
  if (model.build !== 'maven' && model.build !== 'gradle') return undefined;
  const work = path.join(opts.cacheDir, 'build-tool', crypto.createHash('sha256').update(model.root).digest('hex').slice(0, 16));
  try {
    fs.mkdirSync(work, { recursive: true });
    return await run(model.build, work);
  } catch (e) {
    return { tool: model.build, command: '', error: `running the build tool failed: ${(e as Error).message}`, seconds: seconds() };
  }

  async function run(build: 'maven' | 'gradle', work: string): Promise<BuildToolRun> {
    let tool: BuildToolRun['tool'];
    let cmd: string;
    let args: string[];
    let outFile: string | undefined;
    if (build === 'maven') {
      tool = 'maven';
      outFile = path.join(work, 'classpath.txt');
      fs.rmSync(outFile, { force: true });
      cmd = 'mvn';
      args = ['-o', '-q', '-B', '-f', path.join(model.root, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${outFile}`, '-Dmdep.includeScope=test', '-Dmdep.appendOutput=true'];
    } else {
      tool = 'gradle';
      const init = path.join(work, 'testtune-classpath.gradle');
      fs.writeFileSync(init, GRADLE_INIT);
      const wrapper = path.join(model.root, 'gradlew');
      cmd = executable(wrapper) ? wrapper : 'gradle';
      args = ['--offline', '-q', '--no-daemon', '--project-cache-dir', path.join(work, 'gradle-project-cache'), '-I', init, '-p', model.root, 'testtuneTestClasspath'];
    }
    const command = [cmd, ...args].join(' ');
    const r = await runProcess(cmd, args, { cwd: model.root, timeoutMs: opts.timeoutMs, signal: opts.signal, env: { ...process.env, MAVEN_OPTS: process.env.MAVEN_OPTS ?? '-XX:TieredStopAtLevel=1' } });
    const output = r.stdout + '\n' + r.stderr;
    if (r.aborted) return { tool, command, error: 'cancelled', seconds: seconds() };
    if (r.timedOut) return { tool, command, error: `killed after ${opts.timeoutMs / 1000} s (time limit)${firstLines(output) ? `; its output began:\n${firstLines(output)}` : ''}`, seconds: seconds() };
    if (r.code === null) return { tool, command, error: `${cmd} could not be started: ${r.stderr.trim() || 'not found'}`, seconds: seconds() };
    if (r.code !== 0) return { tool, command, error: `${tool === 'maven' ? 'mvn' : path.basename(cmd)} exited with ${r.code}:\n${firstLines(output) || '(no output)'}`, seconds: seconds() };
    const text = outFile ? readOr(outFile) : r.stdout.split(/\r?\n/).filter((l) => l.startsWith(MARKER)).join('\n');
    const classpath = parseClasspath(text);
    if (!text.trim()) return { tool, command, error: `${tool === 'maven' ? 'mvn' : path.basename(cmd)} succeeded but printed no classpath`, seconds: seconds() };
    return { tool, command, classpath, seconds: seconds() };
  }
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * When the user allows it and the offline model left dependencies unresolved, runs the build tool and
 * puts its classpath into the model (artifacts read back from the jars' repository paths, so the
 * framework and the JUnit version still come from the classpath). Returns the run and a line for the
 * warnings; both absent when nothing ran.
 */
export async function completeWithBuildTool(model: ProjectModel, opts: { setting: RunBuildTool; timeoutMs?: number; cacheDir: string; signal?: AbortSignal }): Promise<{ run?: BuildToolRun; message?: string }> {
  if (opts.setting !== 'maven-gradle' || model.unresolved.length === 0) return {};
  const run = await runBuildToolClasspath(model, { timeoutMs: opts.timeoutMs ?? 180_000, cacheDir: opts.cacheDir, signal: opts.signal });
  if (!run) return {};
  if (!run.classpath) return { run, message: `running the build tool for the classpath failed (\`${run.command}\`), the offline classpath stays: ${run.error}` };
  const own = new Set(model.modules.flatMap((m) => [path.join(m, 'target', 'classes'), path.join(m, 'target', 'test-classes')]));
  model.testClasspath = run.classpath.filter((e) => !own.has(e));
  model.artifacts = model.testClasspath.map(artifactOfPath).filter((a): a is ResolvedArtifact => !!a);
  const fw = frameworkOf(model.artifacts, model.root);
  model.framework = fw.framework;
  model.junitVersion = fw.junitVersion;
  model.mockito = fw.mockito;
  const before = model.unresolved.length;
  model.unresolved = [];
  return { run, message: `${before} unresolved dependenc${before === 1 ? 'y' : 'ies'} resolved by running \`${run.command}\` (${run.seconds.toFixed(1)} s): its classpath of ${model.testClasspath.length} entries is used` };
}
