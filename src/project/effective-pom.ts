// The effective pom, as Maven builds it before resolving dependencies: the parent chain (relativePath,
// default ../pom.xml, else the local repository), inherited properties, dependencies and
// dependencyManagement, `${...}` interpolation (project.*, project.parent.*, properties from parents,
// env.* and the system properties Maven defines), BOM imports (`<scope>import</scope><type>pom</type>`)
// and management applied to the declared dependencies (version, scope, exclusions).
// Nothing throws: a parent or BOM that cannot be found is reported in `unresolved`.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { highestInRange, parseVersionSpec } from './maven-version';
import { readPom, type PomDependency, type RawPom } from './pom';
import type { LocalRepositories } from './repository';

export interface Unresolved {
  coordinate: string;
  reason: string;
  from?: string;
}

export interface EffectivePom {
  file: string;
  groupId: string;
  artifactId: string;
  version: string;
  packaging: string;
  properties: Map<string, string>;
  dependencies: PomDependency[]; // interpolated, management applied, scope defaulted to compile
  managed: Map<string, PomDependency>;
  modules: string[];
  sourceDirectory?: string;
  testSourceDirectory?: string;
  resources: string[];
  testResources: string[];
  compilerRelease?: string;
  compilerExcludes: string[];
  compilerTestExcludes: string[];
  relocation?: RawPom['relocation'];
  errors: string[];
  unresolved: Unresolved[];
  /** The parts children inherit, as written (not interpolated): see build(). */
  inherited: { properties: Map<string, string>; managed: PomDependency[]; dependencies: PomDependency[]; compilerRelease?: string };
}

/**
 * A pom that no file declares: only coordinates and dependencies, for resolving a dependency list
 * with Maven's rules (a Gradle build's declarations, the JUnit runtime verification adds).
 */
export function syntheticPom(file: string, coordinates: { groupId: string; artifactId: string; version: string }, dependencies: PomDependency[]): EffectivePom {
  return {
    file,
    ...coordinates,
    packaging: 'jar',
    properties: new Map(),
    dependencies,
    managed: new Map(),
    modules: [],
    resources: [],
    testResources: [],
    compilerExcludes: [],
    compilerTestExcludes: [],
    errors: [],
    unresolved: [],
    inherited: { properties: new Map(), managed: [], dependencies: [] },
  };
}

/** Key Maven uses to merge dependencies and management entries. */
export function managementKey(d: { groupId: string; artifactId: string; type?: string; classifier?: string }): string {
  return `${d.groupId}:${d.artifactId}:${d.type ?? 'jar'}:${d.classifier ?? ''}`;
}

const MAX_PARENTS = 20;

export class PomLoader {
  private readonly cache = new Map<string, EffectivePom>();

  constructor(readonly repos: LocalRepositories) {}

  /** The effective pom of a pom file on disk (a project or a module). */
  fromFile(file: string, loading: Set<string> = new Set()): EffectivePom {
    const abs = path.resolve(file);
    const hit = this.cache.get(abs);
    if (hit) return hit;
    const eff = this.build(readPom(abs), loading);
    this.cache.set(abs, eff);
    return eff;
  }

  /** The effective pom of group:artifact:version from the local repositories, or why not. */
  fromRepository(groupId: string, artifactId: string, version: string, loading: Set<string> = new Set()): EffectivePom | { reason: string } {
    const file = this.repos.pom({ groupId, artifactId, version });
    if (!file) return { reason: `pom not found in ${this.repos.describe()}` };
    if (loading.has(file)) return { reason: 'cyclic parent or import' };
    return this.fromFile(file, loading);
  }

  private build(raw: RawPom, loading: Set<string>): EffectivePom {
    const errors = [...raw.errors];
    const unresolved: Unresolved[] = [];
    const here = `${raw.file}`;
    loading = new Set(loading).add(raw.file);
    // the parent chain, nearest first
    const chain: RawPom[] = [raw];
    let parentEff: EffectivePom | undefined;
    if (raw.parent) {
      const p = raw.parent;
      const local = this.localParent(raw);
      if (local && !loading.has(local)) parentEff = this.fromFile(local, loading);
      else {
        const got = loading.size > MAX_PARENTS ? { reason: 'parent chain too deep' } : this.fromRepository(p.groupId, p.artifactId, p.version, loading);
        if ('reason' in got) unresolved.push({ coordinate: `${p.groupId}:${p.artifactId}:${p.version}`, reason: `parent pom: ${got.reason}`, from: here });
        else parentEff = got;
      }
    }
    const groupId = raw.groupId ?? raw.parent?.groupId ?? parentEff?.groupId ?? '';
    const version = raw.version ?? raw.parent?.version ?? parentEff?.version ?? '';
    const artifactId = raw.artifactId ?? '';
    // Maven inherits first and interpolates afterwards, in the child's context: a parent's
    // `${project.version}` or a property the child overrides take the child's value. So the
    // inherited parts are kept as written and interpolated here.
    const rawProps = new Map<string, string>(parentEff?.inherited.properties ?? []);
    for (const [k, v] of raw.properties) rawProps.set(k, v);
    const rawManaged = [...raw.managed, ...(parentEff?.inherited.managed ?? [])];
    const rawDeps = new Map<string, PomDependency>();
    for (const d of parentEff?.inherited.dependencies ?? []) rawDeps.set(managementKey(d), d);
    for (const d of raw.dependencies) {
      rawDeps.delete(managementKey(d));
      rawDeps.set(managementKey(d), d);
    }
    const props = new Map<string, string>(rawProps);
    const dir = path.dirname(raw.file);
    const builtins: Record<string, string> = {
      'project.groupId': groupId,
      'project.artifactId': artifactId,
      'project.version': version,
      'project.packaging': raw.packaging,
      'project.basedir': dir,
      basedir: dir,
      'project.build.directory': path.join(dir, 'target'),
      'project.parent.groupId': raw.parent?.groupId ?? '',
      'project.parent.artifactId': raw.parent?.artifactId ?? '',
      'project.parent.version': raw.parent?.version ?? '',
    };
    for (const [k, v] of Object.entries(builtins)) {
      props.set(k, v);
      if (k.startsWith('project.')) props.set(`pom.${k.slice(8)}`, v);
    }
    const interp = (s: string | undefined) => (s === undefined ? undefined : interpolate(s, props));
    const interpDep = (d: PomDependency): PomDependency => ({
      ...d,
      groupId: interp(d.groupId)!,
      artifactId: interp(d.artifactId)!,
      version: interp(d.version),
      type: interp(d.type)!,
      classifier: interp(d.classifier),
      scope: interp(d.scope),
      systemPath: interp(d.systemPath),
      exclusions: d.exclusions.map((e) => ({ groupId: interp(e.groupId)!, artifactId: interp(e.artifactId)! })),
    });
    // dependencyManagement: declared entries (nearest pom first), then BOM imports in order
    const managed = new Map<string, PomDependency>();
    const imports: PomDependency[] = [];
    for (const d of rawManaged.map(interpDep)) {
      if (d.scope === 'import' && d.type === 'pom') imports.push(d);
      else if (!managed.has(managementKey(d))) managed.set(managementKey(d), d);
    }
    for (const bom of imports) {
      const bomVersion = this.pickVersion(bom.groupId, bom.artifactId, bom.version);
      const got = bomVersion ? this.fromRepository(bom.groupId, bom.artifactId, bomVersion, loading) : { reason: bom.version ? 'no version in range' : 'no version' };
      if ('reason' in got) {
        unresolved.push({ coordinate: `${bom.groupId}:${bom.artifactId}:${bom.version ?? '?'}`, reason: `imported BOM: ${got.reason}`, from: here });
        continue;
      }
      for (const [k, v] of got.managed) if (!managed.has(k)) managed.set(k, v);
      unresolved.push(...got.unresolved);
    }
    const dependencies = [...rawDeps.values()].map((d) => applyManagement(interpDep(d), managed));
    if (parentEff) unresolved.push(...parentEff.unresolved);
    return {
      file: raw.file,
      groupId: interp(groupId)!,
      artifactId: interp(artifactId)!,
      version: interp(version)!,
      packaging: raw.packaging,
      properties: props,
      dependencies,
      managed,
      modules: raw.modules.map((m) => interp(m)!),
      sourceDirectory: interp(raw.sourceDirectory),
      testSourceDirectory: interp(raw.testSourceDirectory),
      resources: raw.resources.map((r) => interp(r)!),
      testResources: raw.testResources.map((r) => interp(r)!),
      compilerRelease: interp(raw.compilerRelease ?? parentEff?.inherited.compilerRelease) ?? props.get('maven.compiler.release') ?? props.get('maven.compiler.target') ?? props.get('maven.compiler.source'),
      compilerExcludes: raw.compilerExcludes.map((e) => interp(e)!),
      compilerTestExcludes: raw.compilerTestExcludes.map((e) => interp(e)!),
      relocation: raw.relocation,
      errors: [...errors, ...(parentEff?.errors ?? [])],
      unresolved: dedupeUnresolved(unresolved),
      inherited: { properties: rawProps, managed: rawManaged, dependencies: [...rawDeps.values()], compilerRelease: raw.compilerRelease ?? parentEff?.inherited.compilerRelease },
    };
  }

  /** The parent's pom file on disk when relativePath (default ../pom.xml) leads to it. */
  private localParent(raw: RawPom): string | undefined {
    const p = raw.parent!;
    if (p.relativePath === '') return undefined; // <relativePath/>: repository only
    let file = path.resolve(path.dirname(raw.file), p.relativePath ?? '../pom.xml');
    if (!file.endsWith('.xml')) file = path.join(file, 'pom.xml');
    if (!fs.existsSync(file)) return undefined;
    const candidate = readPom(file);
    const g = candidate.groupId ?? candidate.parent?.groupId;
    const v = candidate.version ?? candidate.parent?.version;
    // Maven takes the local parent only when it is the declared one, version included
    return candidate.artifactId === p.artifactId && g === p.groupId && (v === p.version || v?.includes('${')) ? file : undefined;
  }

  /** A concrete version for a declared version: itself, or the highest available inside a range. */
  pickVersion(groupId: string, artifactId: string, declared: string | undefined): string | undefined {
    if (!declared || declared.includes('${')) return undefined;
    const spec = parseVersionSpec(declared);
    if (spec.soft !== undefined) return spec.soft;
    if (spec.error) return undefined;
    return highestInRange(this.repos.versions(groupId, artifactId), spec);
  }
}

function dedupeUnresolved(list: Unresolved[]): Unresolved[] {
  const seen = new Set<string>();
  return list.filter((u) => {
    const k = `${u.coordinate} ${u.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function applyManagement(d: PomDependency, managed: Map<string, PomDependency>): PomDependency {
  const m = managed.get(managementKey(d));
  if (!m) return { ...d, scope: d.scope ?? 'compile' };
  return {
    ...d,
    version: d.version ?? m.version,
    scope: d.scope ?? m.scope ?? 'compile',
    exclusions: d.exclusions.length ? d.exclusions : m.exclusions,
    systemPath: d.systemPath ?? m.systemPath,
  };
}

/** JAVA_HOME, else the JDK the `java` on PATH belongs to (a symlink chain on Debian). */
function javaHome(): string | undefined {
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      return path.dirname(path.dirname(fs.realpathSync(path.join(dir, 'java'))));
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/** The JDK's version from its `release` file (JAVA_VERSION="17.0.2"), as Maven's java.version would be. */
function javaVersion(): string | undefined {
  try {
    const home = javaHome();
    return home ? /^JAVA_VERSION="([^"]+)"/m.exec(fs.readFileSync(path.join(home, 'release'), 'utf8'))?.[1] : undefined;
  } catch {
    return undefined;
  }
}

const SYSTEM_PROPERTIES: Record<string, () => string | undefined> = {
  'java.version': javaVersion,
  'java.home': javaHome,
  'user.home': () => os.homedir(),
  'user.dir': () => process.cwd(),
  'os.name': () => (process.platform === 'win32' ? 'Windows' : process.platform === 'darwin' ? 'Mac OS X' : 'Linux'),
  'file.separator': () => path.sep,
  'path.separator': () => path.delimiter,
  'line.separator': () => os.EOL,
};

/** Replaces `${name}` from the properties, env.*, and system properties; unknown names stay. */
export function interpolate(text: string, props: Map<string, string>): string {
  let out = text;
  for (let round = 0; round < 10 && out.includes('${'); round++) {
    const next = out.replace(/\$\{([^}]+)\}/g, (all, name: string) => {
      if (props.has(name)) return props.get(name)!;
      if (name.startsWith('env.')) return process.env[name.slice(4)] ?? all;
      return SYSTEM_PROPERTIES[name]?.() ?? all;
    });
    if (next === out) break;
    out = next;
  }
  return out;
}
