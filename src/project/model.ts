// The project model: for a workspace folder, its build (Maven, Gradle, plain sources), source
// folders, test framework and its test classpath resolved offline, without running the build.
// Maven: effective poms + transitive resolution (maven-resolve.ts), reactor modules; Gradle: the
// build script's dependencies (gradle.ts) resolved the same way from Gradle's cache and ~/.m2;
// both plus lib/*.jar and libs/*.jar. Never throws: what cannot be resolved is in `unresolved`,
// everything else odd in `warnings`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PomLoader, syntheticPom, type EffectivePom, type Unresolved } from './effective-pom';
import { frameworkOf } from './framework';
import { readGradleBuild, type GradleBuild } from './gradle';
import { gradleRootOf, readGradleSettings } from './gradle-script';
import { buildKind, detectSourceLayout, libJars, sourceFiles, type BuildKind } from './layout';
import { resolveMavenDependencies, type ResolvedArtifact, type Substitution } from './maven-resolve';
import { findReactor, modulesBelow } from './reactor';
import { LocalRepositories } from './repository';
import { walkTree } from '../util/walk';

export interface ProjectModel {
  root: string;
  build: BuildKind;
  mainRoots: string[];
  testRoots: string[];
  resourceRoots: string[];
  testResourceRoots: string[];
  framework: 'junit4' | 'junit5';
  junitVersion?: string;
  mockito: boolean;
  /** Jars (absolute paths) of the test classpath: test + compile + runtime + provided scopes, transitive, deduplicated by groupId:artifactId (nearest wins, as Maven does). A sibling module outside this model appears as its target/classes, or its source folder when not built (javac reads sources from the classpath). */
  testClasspath: string[];
  /** The resolved dependencies behind testClasspath (scope, depth, the chain that brought each in). */
  artifacts: ResolvedArtifact[];
  /** What could not be resolved, never silently dropped: `group:artifact:version` + why. */
  unresolved: Unresolved[];
  /** Declared versions missing locally that were replaced by another local version of the same artifact. */
  substitutions: Substitution[];
  /** Compiled main classes: target/classes or build/classes/java/main when newer than every source, else undefined (the caller compiles). */
  mainClassesDir?: string;
  /** The project's Java release (maven.compiler.release/source/target or the compiler plugin), when declared. */
  javaRelease?: number;
  /** Ant globs (relative to a source folder) the build leaves out of compilation: maven-compiler-plugin excludes / testExcludes. */
  excludes: { main: string[]; test: string[] };
  /** Module folders whose sources this model covers (one entry for a single-module project). */
  modules: string[];
  warnings: string[];
}

export interface ProjectModelOptions {
  m2Repo?: string;
  gradleHome?: string;
  /** Further Maven-layout repositories (default: /usr/share/maven-repo when present). */
  extraRepos?: string[];
  /** Replace a dependency version missing locally by another local version (default true; listed in `substitutions`). */
  substitute?: boolean;
}

/** Builds the model of the project at `root`. Never throws. */
export function loadProjectModel(root: string, opts: ProjectModelOptions = {}): ProjectModel {
  const abs = path.resolve(root);
  const model: ProjectModel = {
    root: abs,
    build: buildKind(abs),
    mainRoots: [],
    testRoots: [],
    resourceRoots: [],
    testResourceRoots: [],
    framework: 'junit5',
    mockito: false,
    testClasspath: [],
    artifacts: [],
    unresolved: [],
    substitutions: [],
    excludes: { main: [], test: [] },
    modules: [],
    warnings: [],
  };
  try {
    if (!fs.existsSync(abs)) {
      model.warnings.push(`project folder ${abs} does not exist`);
      return model;
    }
    const repos = new LocalRepositories(opts);
    if (model.build === 'maven') loadMaven(model, new PomLoader(repos), opts);
    else if (model.build === 'gradle') loadGradle(model, repos, opts);
    else addModuleLayout(model, abs, {});
    const seen = new Set(model.testClasspath);
    for (const jar of libJars(abs)) if (!seen.has(jar)) model.testClasspath.push(jar);
    const fw = frameworkOf(model.artifacts, abs);
    model.framework = fw.framework;
    model.junitVersion = fw.junitVersion;
    model.mockito = fw.mockito;
    model.mainClassesDir = upToDateClasses(model);
  } catch (e) {
    // a bug here must not take the caller down: say what happened and return what we have
    model.warnings.push(`project model incomplete: ${(e as Error).message}`);
  }
  return model;
}

function addModuleLayout(model: ProjectModel, dir: string, pom: Partial<EffectivePom>): void {
  const layout = detectSourceLayout(dir, pom);
  model.modules.push(dir);
  model.mainRoots.push(...layout.mainRoots);
  model.testRoots.push(...layout.testRoots);
  model.resourceRoots.push(...layout.resourceRoots);
  model.testResourceRoots.push(...layout.testResourceRoots);
  model.warnings.push(...layout.errors);
}

function loadMaven(model: ProjectModel, loader: PomLoader, opts: ProjectModelOptions): void {
  const reactor = findReactor(model.root, loader);
  // an aggregator (packaging pom with modules) stands for all its modules together
  const own = modulesBelow(model.root, reactor, loader);
  // siblings inside this model are compiled from mainRoots; their entries are dropped below
  const inModel = new Set(own.map((m) => `${m.pom.groupId}:${m.pom.artifactId}`));
  const byKey = new Map<string, ResolvedArtifact>();
  let release: string | undefined;
  for (const module of own) {
    addModuleLayout(model, module.dir, { ...module.pom, sourceDirectory: module.pom.sourceDirectory, testSourceDirectory: module.pom.testSourceDirectory });
    model.warnings.push(...module.pom.errors);
    model.unresolved.push(...module.pom.unresolved);
    release ??= module.pom.compilerRelease;
    model.excludes.main.push(...module.pom.compilerExcludes);
    model.excludes.test.push(...module.pom.compilerTestExcludes);
    const res = resolveMavenDependencies(module.pom, loader, reactor, { substitute: opts.substitute });
    model.substitutions.push(...res.substitutions);
    model.unresolved.push(...res.unresolved);
    model.warnings.push(...res.warnings);
    for (const a of res.artifacts) {
      if (inModel.has(`${a.groupId}:${a.artifactId}`)) continue; // its sources are in mainRoots
      const key = `${a.groupId}:${a.artifactId}:${a.classifier ?? (a.type === 'test-jar' ? 'tests' : '')}`;
      if (!byKey.has(key)) byKey.set(key, a);
    }
  }
  model.artifacts = [...byKey.values()];
  model.testClasspath = [...new Set(model.artifacts.flatMap((a) => a.files))];
  model.unresolved = dedupe(model.unresolved);
  model.warnings = [...new Set(model.warnings)];
  model.javaRelease = parseRelease(release);
}

function loadGradle(model: ProjectModel, baseRepos: LocalRepositories, opts: ProjectModelOptions): void {
  // a multi-project build (settings.gradle includes) stands for its Java projects together
  const settings = readGradleSettings(model.root);
  const included = [...settings.projects.values()].filter((dir) => fs.existsSync(dir));
  const hasSources = (dir: string) => ['src/main/java', 'src/test/java'].some((d) => fs.existsSync(path.join(dir, d)));
  const builds = (included.length ? [model.root, ...included] : [model.root]).map((dir) => ({ dir, build: readGradleBuild(dir) }));
  const modules = builds.filter((b) => !included.length || hasSources(b.dir) || (b.dir !== model.root && b.build.javaPlugin));
  const inModel = new Set(modules.map((m) => path.resolve(m.dir)));
  const byKey = new Map<string, ResolvedArtifact>();
  const extra: string[] = [];
  for (const { dir, build } of modules) {
    addModuleLayout(model, dir, {});
    model.warnings.push(...build.warnings);
    // Maven-layout folders the build's repositories name are searched before the usual ones
    const repos = build.localRepos.maven.length ? new LocalRepositories({ ...opts, extraRepos: [...build.localRepos.maven, ...baseRepos.mavenRepos.slice(1)] }) : baseRepos;
    const res = resolveGradleModule(model, build, new PomLoader(repos), opts);
    for (const a of res) {
      const key = `${a.groupId}:${a.artifactId}:${a.classifier ?? ''}`;
      if (!byKey.has(key)) byKey.set(key, a);
    }
    // flatDir repositories: a dependency is found by file name there (artifact-version.jar or artifact.jar)
    model.unresolved = model.unresolved.filter((u) => {
      const [, artifactId, version] = u.coordinate.split(':');
      const jar = build.localRepos.flat.flatMap((d) => [path.join(d, `${artifactId}-${version}.jar`), path.join(d, `${artifactId}.jar`)]).find((f) => fs.existsSync(f));
      if (jar) extra.push(jar);
      return !jar;
    });
    // project(':core') → the sibling's sources (javac reads sources from the classpath), unless this model covers it
    const root = gradleRootOf(dir);
    const projects = root ? readGradleSettings(root).projects : new Map<string, string>();
    for (const p of build.projectDeps) {
      const candidates = [projects.get(p.startsWith(':') ? p : `:${p}`), path.join(dir, '..', ...p.split(':').filter(Boolean)), path.join(dir, ...p.split(':').filter(Boolean))];
      const found = candidates.find((d) => d && fs.existsSync(path.join(d, 'src', 'main', 'java')));
      if (found && inModel.has(path.resolve(found))) continue;
      if (found) extra.push(path.join(found, 'src', 'main', 'java'));
      else model.unresolved.push({ coordinate: `project(${p})`, reason: 'module folder not found', from: build.file });
    }
  }
  model.artifacts = [...byKey.values()];
  model.testClasspath = [...new Set([...model.artifacts.flatMap((a) => a.files), ...extra])];
  model.unresolved = dedupe(model.unresolved);
  model.warnings = [...new Set(model.warnings)];
}

/** One Gradle project's dependencies resolved like a pom's: platforms (BOMs) supply the versions the script leaves out. */
function resolveGradleModule(model: ProjectModel, build: GradleBuild, loader: PomLoader, opts: ProjectModelOptions): ResolvedArtifact[] {
  const managed = new Map<string, string>();
  for (const p of build.platforms) {
    const version = loader.pickVersion(p.groupId, p.artifactId, p.version);
    const got = version ? loader.fromRepository(p.groupId, p.artifactId, version) : { reason: 'no version' };
    if ('reason' in got) model.unresolved.push({ coordinate: `${p.groupId}:${p.artifactId}:${p.version ?? '?'}`, reason: `platform: ${got.reason}`, from: build.file });
    else for (const d of got.managed.values()) if (d.version && !managed.has(`${d.groupId}:${d.artifactId}`)) managed.set(`${d.groupId}:${d.artifactId}`, d.version);
  }
  const dependencies = build.dependencies.map((d) => ({ ...d, version: d.version ?? managed.get(`${d.groupId}:${d.artifactId}`) }));
  const pseudo = syntheticPom(build.file ?? path.join(model.root, 'build.gradle'), { groupId: '', artifactId: path.basename(model.root), version: '' }, dependencies);
  const res = resolveMavenDependencies(pseudo, loader, new Map(), { substitute: opts.substitute });
  model.substitutions.push(...res.substitutions);
  model.unresolved.push(...res.unresolved);
  model.warnings.push(...res.warnings);
  return res.artifacts;
}

function parseRelease(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^(?:1\.)?(\d+)$/.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

function dedupe(list: Unresolved[]): Unresolved[] {
  const seen = new Set<string>();
  return list.filter((u) => !seen.has(u.coordinate + u.reason) && !!seen.add(u.coordinate + u.reason));
}

/** target/classes (Maven) or build/classes/java/main (Gradle) when its newest class is newer than every main source. */
function upToDateClasses(model: ProjectModel): string | undefined {
  if (model.modules.length !== 1) return undefined;
  const dir = path.join(model.modules[0], model.build === 'gradle' ? 'build/classes/java/main' : 'target/classes');
  const newestClass = newestMtime([dir], '.class');
  if (newestClass === undefined) return undefined;
  const sources = mainSourceFiles(model);
  const newestSource = Math.max(0, ...sources.map((s) => mtime(s)));
  return newestClass >= newestSource ? dir : undefined;
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestMtime(roots: string[], ext: string): number | undefined {
  let newest: number | undefined;
  for (const r of roots)
    walkTree(r, {
      includeOther: true,
      file: (fullPath, name) => {
        if (name.endsWith(ext)) newest = Math.max(newest ?? 0, mtime(fullPath));
      },
    });
  return newest;
}

/** The main .java files the build compiles (test folders nested in a main folder and compiler excludes left out). */
export function mainSourceFiles(model: ProjectModel): string[] {
  return sourceFiles(model.mainRoots, model.excludes.main, model.testRoots);
}

/** The test .java files the build compiles. */
export function testSourceFiles(model: ProjectModel): string[] {
  return sourceFiles(model.testRoots, model.excludes.test);
}

// Test frameworks a test runner brings itself (the JUnit console launcher with its engines, JUnit 4,
// Hamcrest, Mockito and its runtime): a second copy of a JUnit engine on the class path makes the
// launcher refuse to start ("multiple engines with the same ID").
const RUNNER_PROVIDED = /^(junit|org\.junit(\..*)?|org\.hamcrest|org\.mockito|net\.bytebuddy|org\.objenesis|org\.opentest4j|org\.apiguardian)$/;

/** The test classpath without the test-framework jars a runner provides itself. */
export function classpathWithoutTestFrameworks(model: Pick<ProjectModel, 'testClasspath' | 'artifacts'>): string[] {
  const provided = new Set(model.artifacts.filter((a) => RUNNER_PROVIDED.test(a.groupId)).flatMap((a) => a.files));
  return model.testClasspath.filter((entry) => !provided.has(entry));
}
