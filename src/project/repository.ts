// Local artifact repositories, read only: Maven-layout repositories (~/.m2/repository, Debian's
// /usr/share/maven-repo) and Gradle's module cache (~/.gradle/caches/modules-2/files-2.1, where each
// file sits in a folder named by its SHA-1). Finds a module's pom, its jar (type and classifier
// applied) and the versions present, so version ranges can pick the highest one available.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Coordinate {
  groupId: string;
  artifactId: string;
  version: string;
}

export interface RepositoryOptions {
  /** Maven-layout repository; default $TESTTUNE_M2_REPO, else ~/.m2/repository. */
  m2Repo?: string;
  /** Gradle user home; default $GRADLE_USER_HOME, else ~/.gradle. */
  gradleHome?: string;
  /** Further Maven-layout repositories searched after m2Repo (default: /usr/share/maven-repo when present). */
  extraRepos?: string[];
}

const DEBIAN_REPO = '/usr/share/maven-repo';

/** The local Maven repository: $TESTTUNE_M2_REPO, else ~/.m2/repository. */
export function defaultM2Repo(): string {
  return process.env.TESTTUNE_M2_REPO ?? path.join(os.homedir(), '.m2', 'repository');
}

/** Type → file extension and implied classifier, as Maven's artifact handlers define them. */
export function artifactFile(type: string | undefined, classifier: string | undefined): { ext: string; classifier?: string } {
  switch (type ?? 'jar') {
    case 'test-jar':
      return { ext: 'jar', classifier: classifier ?? 'tests' };
    case 'pom':
      return { ext: 'pom', classifier };
    case 'war':
    case 'ear':
    case 'rar':
    case 'zip':
      return { ext: type!, classifier };
    default: // jar, bundle, maven-plugin, ejb, java-source, javadoc, ...
      return { ext: 'jar', classifier };
  }
}

export class LocalRepositories {
  readonly mavenRepos: string[];
  readonly gradleCache?: string;
  private readonly versionCache = new Map<string, string[]>();

  constructor(opts: RepositoryOptions = {}) {
    const m2 = opts.m2Repo ?? defaultM2Repo();
    const extra = opts.extraRepos ?? (fs.existsSync(DEBIAN_REPO) ? [DEBIAN_REPO] : []);
    this.mavenRepos = [m2, ...extra.filter((r) => r !== m2)];
    const gradleHome = opts.gradleHome ?? process.env.GRADLE_USER_HOME ?? path.join(os.homedir(), '.gradle');
    const cache = path.join(gradleHome, 'caches', 'modules-2', 'files-2.1');
    if (isDir(cache)) this.gradleCache = cache;
  }

  /** Human-readable list of the places searched (for messages). */
  describe(): string {
    return [...this.mavenRepos, ...(this.gradleCache ? [this.gradleCache] : [])].join(', ');
  }

  /** Versions of group:artifact present in any repository (pom or jar there). */
  versions(groupId: string, artifactId: string): string[] {
    const key = `${groupId}:${artifactId}`;
    const cached = this.versionCache.get(key);
    if (cached) return cached;
    const found = new Set<string>();
    for (const repo of this.mavenRepos) for (const v of listDirs(path.join(repo, ...groupId.split('.'), artifactId))) found.add(v);
    if (this.gradleCache) for (const v of listDirs(path.join(this.gradleCache, groupId, artifactId))) found.add(v);
    const out = [...found];
    this.versionCache.set(key, out);
    return out;
  }

  /** Path of a module's pom file, or undefined. */
  pom(c: Coordinate): string | undefined {
    return this.file(c, 'pom', undefined);
  }

  /** Path of an artifact file (jar, test-jar, ...), or undefined. */
  artifact(c: Coordinate, type?: string, classifier?: string): string | undefined {
    const f = artifactFile(type, classifier);
    return this.file(c, f.ext, f.classifier);
  }

  private file(c: Coordinate, ext: string, classifier: string | undefined): string | undefined {
    const suffix = `${classifier ? `-${classifier}` : ''}.${ext}`;
    const name = `${c.artifactId}-${c.version}${suffix}`;
    for (const repo of this.mavenRepos) {
      const dir = path.join(repo, ...c.groupId.split('.'), c.artifactId, c.version);
      const direct = path.join(dir, name);
      if (isFile(direct)) return direct;
      if (c.version.endsWith('-SNAPSHOT')) {
        // a deployed snapshot is stored with a timestamp: artifact-1.0-20240101.120000-3.jar
        const base = `${c.artifactId}-${c.version.slice(0, -'-SNAPSHOT'.length)}-`;
        const stamped = listFiles(dir).filter((f) => f.startsWith(base) && f.endsWith(suffix) && /-\d{8}\.\d{6}-\d+/.test(f)).sort().pop();
        if (stamped) return path.join(dir, stamped);
      }
    }
    if (this.gradleCache) {
      const dir = path.join(this.gradleCache, c.groupId, c.artifactId, c.version);
      for (const hash of listDirs(dir)) {
        const p = path.join(dir, hash, name);
        if (isFile(p)) return p;
      }
    }
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function listDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function listFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
