// Which JUnit runs a candidate test: the project's own version when its test classpath has one and
// the local repositories (~/.m2, /usr/share/maven-repo, Gradle's cache) hold what running it needs,
// else Debian's JUnit (console launcher 5.9.2 standalone, JUnit 4.13.2) with a note naming the
// project's version and the one used instead. Tried in this order for a JUnit 5 project:
//   1. the project's `junit-platform-console-standalone` (its platform version) from a repository;
//   2. the project's JUnit jars plus its engine and launcher (same versions, resolved with their
//      poms, never substituted) under the closest console launcher of the same platform generation
//      (measured: Debian's console 1.9 runs Jupiter 5.10–5.14 this way when it comes last on the
//      class path: its manifest Class-Path drags Debian's platform 1.9 jars in behind it);
//   3. Debian's standalone launcher, with the note.
// JUnit 6 needs Java 17 class files and tests are compiled for Java 11 here (JaCoCo 0.8.6 instruments
// up to Java 16), so it always takes 3. A JUnit 4 project runs through the vintage engine of
// Debian's launcher with the project's junit:junit jar (4.12 or newer: older ones the vintage engine
// refuses, and then Debian's 4.13.2 runs, with the note). Never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JAVA_DIR } from './toolchain';
import { PomLoader, syntheticPom, type EffectivePom } from '../project/effective-pom';
import { resolveMavenDependencies, type ResolvedArtifact } from '../project/maven-resolve';
import { compareVersions } from '../project/maven-version';
import type { ProjectModel } from '../project/model';
import type { PomDependency } from '../project/pom';
import { LocalRepositories, type RepositoryOptions } from '../project/repository';

export interface JUnitRuntime {
  /** The launching JVM's -cp, in order (the console launcher last, see above). */
  launcher: string[];
  /** Jars the test compiles against and runs with besides the launcher: JUnit 4, Hamcrest, Mockito and its runtime. */
  testJars: string[];
  /** What runs, e.g. "JUnit Jupiter 5.12.2 (the project's classpath) under console launcher 1.9.1". */
  description: string;
  /** Set when the project's JUnit could not be used: its version, why, and what ran instead. */
  note?: string;
}

export interface JUnitRuntimeOptions {
  repositories?: RepositoryOptions;
  /** Debian's jar folder (default /usr/share/java, or $TESTTUNE_JAVA_JARS). */
  javaDir?: string;
}

const DEBIAN_VERSION = '5.9.2';
const DEBIAN_JUNIT4 = '4.13.2';
const MIN_VINTAGE_JUNIT4 = '4.12';
/** Jars of Debian's beside the launcher: JUnit 4 (the vintage engine needs it), Hamcrest 2, Mockito with its runtime. */
const DEBIAN_TEST_JARS = ['junit4.jar', 'hamcrest.jar', 'hamcrest-core.jar', 'mockito-core.jar', 'byte-buddy.jar', 'byte-buddy-agent.jar', 'objenesis.jar'];

/** Jupiter 5.x.y runs on platform 1.x.y; from JUnit 6 on both share one version. */
export function platformVersionOf(jupiterVersion: string): string {
  const m = /^5\.(.*)$/.exec(jupiterVersion);
  return m ? `1.${m[1]}` : jupiterVersion;
}

function major(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? NaN);
}

function projectArtifact(artifacts: ResolvedArtifact[], groupId: string, ...names: string[]): ResolvedArtifact | undefined {
  return artifacts.find((a) => a.groupId === groupId && names.includes(a.artifactId) && a.files.length > 0);
}

function dependency(groupId: string, artifactId: string, version: string): PomDependency {
  return { groupId, artifactId, version, type: 'jar', scope: 'test', optional: false, exclusions: [] };
}

function pseudoPom(dependencies: PomDependency[]): EffectivePom {
  return syntheticPom('(the JUnit runtime for verification)', { groupId: 'testtune', artifactId: 'junit-runtime', version: '0' }, dependencies);
}

/** Picks the JUnit the project's tests run with. */
export function chooseJUnitRuntime(model: Pick<ProjectModel, 'artifacts'> & Partial<Pick<ProjectModel, 'substitutions'>>, opts: JUnitRuntimeOptions = {}): JUnitRuntime {
  const runtime = chooseRuntime(model, opts);
  // A declared JUnit missing locally was replaced by the model (nearest local version): say so.
  const replaced = (model.substitutions ?? []).find((s) => /^(org\.junit\.jupiter:junit-jupiter(-api|-engine)?|junit:junit):/.test(s.coordinate));
  if (!replaced) return runtime;
  const declared = replaced.coordinate.split(':')[2];
  const note = `the project declares JUnit ${declared}, which is not in the local repositories: ran with ${runtime.description}, the nearest version present`;
  return { ...runtime, note: runtime.note ? `${note}; ${runtime.note}` : note };
}

function chooseRuntime(model: Pick<ProjectModel, 'artifacts'>, opts: JUnitRuntimeOptions): JUnitRuntime {
  const javaDir = opts.javaDir ?? JAVA_DIR;
  const debianJars = DEBIAN_TEST_JARS.map((j) => path.join(javaDir, j)).filter((p) => fs.existsSync(p));
  const debian = (note?: string, junit4?: string): JUnitRuntime => ({
    launcher: [path.join(javaDir, 'junit-platform-console-standalone.jar')],
    testJars: junit4 ? debianJars.map((j) => (path.basename(j) === 'junit4.jar' ? junit4 : j)) : debianJars,
    description: `Debian's JUnit ${DEBIAN_VERSION} console launcher`,
    ...(note ? { note } : {}),
  });
  try {
    const jupiter = projectArtifact(model.artifacts, 'org.junit.jupiter', 'junit-jupiter-api', 'junit-jupiter', 'junit-jupiter-engine');
    const junit4 = projectArtifact(model.artifacts, 'junit', 'junit');
    // the project's junit:junit replaces Debian's when the vintage engine accepts it
    const junit4Jar = junit4 && compareVersions(junit4.version, MIN_VINTAGE_JUNIT4) >= 0 ? junit4.files[0] : undefined;
    const junit4Note =
      junit4 && !junit4Jar ? `the project's JUnit ${junit4.version} predates ${MIN_VINTAGE_JUNIT4}, the oldest the vintage engine runs: ran with JUnit ${DEBIAN_JUNIT4} (Debian's)` : undefined;
    if (!jupiter) {
      if (!junit4) return debian();
      const runtime = debian(junit4Note, junit4Jar);
      return junit4Jar ? { ...runtime, description: `JUnit ${junit4.version} (the project's classpath) through Debian's vintage engine ${DEBIAN_VERSION}` } : runtime;
    }
    const version = jupiter.version;
    if (version === DEBIAN_VERSION) return { ...debian(undefined, junit4Jar), description: `JUnit Jupiter ${version} (the project's classpath; Debian's console launcher)`, ...(junit4Note ? { note: junit4Note } : {}) };
    const instead = `ran with JUnit ${DEBIAN_VERSION} (Debian's console launcher)`;
    if (major(version) >= 6) return debian(`the project's JUnit ${version} needs Java 17 class files and tests are compiled for Java 11 here (the coverage agent's limit): ${instead}`, junit4Jar);
    if (major(version) !== 5) return debian(`the project's JUnit Jupiter version "${version}" is not a 5.x version: ${instead}`, junit4Jar);
    const platform = platformVersionOf(version);
    const repos = new LocalRepositories(opts.repositories);
    const standalone = repos.artifact({ groupId: 'org.junit.platform', artifactId: 'junit-platform-console-standalone', version: platform });
    if (standalone) return { launcher: [standalone], testJars: junit4Jar ? debian(undefined, junit4Jar).testJars : debianJars, description: `JUnit Jupiter ${version} (the project's classpath and console launcher ${platform})`, ...(junit4Note ? { note: junit4Note } : {}) };
    // The closest console launcher of the same platform generation (1.x), the exact one first.
    const consoles = repos.versions('org.junit.platform', 'junit-platform-console').filter((v) => major(v) === major(platform) && repos.artifact({ groupId: 'org.junit.platform', artifactId: 'junit-platform-console', version: v }));
    const distance = (v: string) => Math.abs(Number(v.split('.')[1] ?? 0) - Number(platform.split('.')[1] ?? 0));
    const console = consoles.includes(platform) ? platform : consoles.sort((a, b) => distance(a) - distance(b) || compareVersions(b, a))[0];
    if (!console) return debian(`no JUnit console launcher ${major(platform)}.x in the local repositories for the project's JUnit ${version}: ${instead}`, junit4Jar);
    // The project's own JUnit artifacts first (their versions win), then what running needs.
    const own = model.artifacts.filter((a) => /^org\.junit(\.|$)/.test(a.groupId) && a.files.length > 0);
    const wanted = [
      ...own.map((a) => dependency(a.groupId, a.artifactId, a.version)),
      dependency('org.junit.jupiter', 'junit-jupiter-engine', version),
      dependency('org.junit.platform', 'junit-platform-launcher', platform),
      ...(junit4Jar && repos.artifact({ groupId: 'org.junit.vintage', artifactId: 'junit-vintage-engine', version }) ? [dependency('org.junit.vintage', 'junit-vintage-engine', version)] : []),
    ];
    const loader = new PomLoader(repos);
    const runtime = resolveMavenDependencies(pseudoPom(wanted), loader, new Map(), { substitute: false });
    if (runtime.unresolved.length) {
      const missing = runtime.unresolved.map((u) => `${u.coordinate} (${u.reason})`).join(', ');
      return debian(`the project's JUnit ${version} cannot run from the local repositories (missing ${missing}): ${instead}`, junit4Jar);
    }
    // The console's own dependencies (reporting, picocli) come after the project's platform jars.
    const consoleDeps = resolveMavenDependencies(pseudoPom([dependency('org.junit.platform', 'junit-platform-console', console)]), loader, new Map(), { substitute: false });
    const consoleJar = consoleDeps.artifacts.find((a) => a.artifactId === 'junit-platform-console')?.files[0];
    if (!consoleJar) return debian(`the console launcher ${console} could not be read: ${instead}`, junit4Jar);
    const taken = new Set(runtime.artifacts.map((a) => `${a.groupId}:${a.artifactId}`));
    const extras = consoleDeps.artifacts.filter((a) => a.files[0] !== consoleJar && !taken.has(`${a.groupId}:${a.artifactId}`));
    const launcher = [...new Set([...runtime.artifacts.flatMap((a) => a.files), ...extras.flatMap((a) => a.files), consoleJar])];
    return {
      launcher,
      testJars: junit4Jar ? debian(undefined, junit4Jar).testJars : debianJars,
      description: `JUnit Jupiter ${version} (the project's classpath) under console launcher ${console}${console === platform ? '' : ` (the closest to ${platform} available)`}`,
      ...(junit4Note ? { note: junit4Note } : {}),
    };
  } catch (e) {
    return debian(`choosing the project's JUnit failed (${(e as Error).message}): ran with JUnit ${DEBIAN_VERSION} (Debian's console launcher)`);
  }
}
