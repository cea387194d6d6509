// Maven's dependency resolution without Maven: from a project's effective pom, the transitive
// dependencies read from the dependencies' own poms in the local repositories, with Maven's rules:
// nearest wins (breadth first; at equal depth the first declaration), the scope table (a compile or
// runtime dependency's compile/runtime dependencies are inherited, its test and provided ones are
// not; a test or provided dependency passes its scope down), optional dependencies of dependencies
// left out, exclusions (with `*`) inherited down the path, the project's dependencyManagement
// overriding transitive versions, version ranges (the highest version present), relocations,
// system scope (systemPath) and reactor modules (their target/classes or their sources).
// What cannot be found is named in `unresolved`, never dropped in silence.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { managementKey, type EffectivePom, type PomLoader, type Unresolved } from './effective-pom';
import { compareVersions } from './maven-version';
import type { PomDependency } from './pom';

export const TEST_CLASSPATH_SCOPES = new Set(['compile', 'runtime', 'provided', 'test', 'system']);

export interface ResolvedArtifact {
  groupId: string;
  artifactId: string;
  version: string;
  type: string;
  classifier?: string;
  scope: string;
  depth: number; // 1 = declared by the project
  /** Classpath entries: a jar, or a reactor module's classes or source folders. */
  files: string[];
  /** The chain that brought it in, e.g. "a:b:1 > c:d:2". */
  via: string;
}

export interface ReactorModule {
  dir: string;
  pom: EffectivePom;
  mainRoots: string[];
}

/** A dependency whose declared version is absent locally, replaced by another version present. */
export interface Substitution {
  coordinate: string; // as declared (after management and ranges)
  used: string; // the version put on the classpath instead
  from?: string;
}

export interface ResolveResult {
  artifacts: ResolvedArtifact[];
  unresolved: Unresolved[];
  substitutions: Substitution[];
  warnings: string[];
}

export interface ResolveOptions {
  /** Use another locally present version when the declared one is missing (default true; reported in `substitutions`). */
  substitute?: boolean;
}

interface Node {
  dep: PomDependency;
  depth: number;
  scope: string;
  exclusions: { groupId: string; artifactId: string }[];
  via: string;
}

const MAX_DEPTH = 40;

/** Scope of a transitive dependency (`childScope`) reached through one with `parentScope`, or undefined when it is not inherited. */
export function transitiveScope(parentScope: string, childScope: string): string | undefined {
  if (childScope === 'test' || childScope === 'provided' || childScope === 'system' || childScope === 'import') return undefined;
  if (parentScope === 'compile') return childScope; // compile or runtime
  if (parentScope === 'runtime') return 'runtime';
  if (parentScope === 'provided' || parentScope === 'test') return parentScope;
  return undefined;
}

function excluded(exclusions: Node['exclusions'], groupId: string, artifactId: string): boolean {
  return exclusions.some((e) => (e.groupId === '*' || e.groupId === groupId) && (e.artifactId === '*' || e.artifactId === artifactId));
}

/** Resolves the test classpath (compile + runtime + provided + test + system scopes) of a project. */
export function resolveMavenDependencies(project: EffectivePom, loader: PomLoader, reactor: Map<string, ReactorModule> = new Map(), options: ResolveOptions = {}): ResolveResult {
  const unresolved: Unresolved[] = [];
  const substitutions: Substitution[] = [];
  const warnings: string[] = [];
  const artifacts: ResolvedArtifact[] = [];
  const winners = new Set<string>();
  const self = `${project.groupId}:${project.artifactId}`;
  winners.add(`${self}:jar:`);
  const queue: Node[] = project.dependencies
    .filter((d) => TEST_CLASSPATH_SCOPES.has(d.scope ?? 'compile'))
    .map((d) => ({ dep: d, depth: 1, scope: d.scope ?? 'compile', exclusions: d.exclusions, via: '' }));
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q];
    const { dep } = node;
    const conflictKey = `${dep.groupId}:${dep.artifactId}:${dep.type === 'test-jar' ? 'jar' : dep.type}:${dep.classifier ?? (dep.type === 'test-jar' ? 'tests' : '')}`;
    if (winners.has(conflictKey)) continue; // a nearer (or earlier) declaration won
    winners.add(conflictKey);
    const name = `${dep.groupId}:${dep.artifactId}`;
    const from = node.via || project.file;
    // the project's dependencyManagement governs transitive versions too
    const managedVersion = node.depth > 1 ? project.managed.get(managementKey(dep))?.version : undefined;
    const declared = managedVersion ?? dep.version;
    if (node.scope === 'system') {
      const file = dep.systemPath;
      if (file && fs.existsSync(file)) artifacts.push({ ...base(dep, declared ?? '', node), files: [file] });
      else unresolved.push({ coordinate: `${name}:${declared ?? '?'}`, reason: file ? `systemPath ${file} does not exist` : 'system scope without systemPath', from });
      continue;
    }
    const module = reactor.get(name);
    if (module) {
      artifacts.push({ ...base(dep, module.pom.version, node), files: moduleEntries(module, dep.type === 'test-jar') });
      enqueueChildren(module.pom, node, `${name}:${module.pom.version}`);
      continue;
    }
    let version = loader.pickVersion(dep.groupId, dep.artifactId, declared);
    if (!version) {
      const reason = !declared ? 'no version declared or managed' : declared.includes('${') ? `version ${declared} uses an undefined property` : `no version in range ${declared} in ${loader.repos.describe()}`;
      unresolved.push({ coordinate: `${name}:${declared ?? '?'}`, reason, from });
      continue;
    }
    let groupId = dep.groupId;
    let artifactId = dep.artifactId;
    let pom = loader.fromRepository(groupId, artifactId, version);
    // a relocated artifact (distributionManagement/relocation) is fetched under its new name
    for (let hops = 0; hops < 3 && !('reason' in pom) && pom.relocation; hops++) {
      const r = pom.relocation;
      groupId = r.groupId ?? groupId;
      artifactId = r.artifactId ?? artifactId;
      version = r.version ?? version;
      pom = loader.fromRepository(groupId, artifactId, version);
    }
    if (groupId !== dep.groupId || artifactId !== dep.artifactId) {
      const relocatedKey = `${groupId}:${artifactId}:${conflictKey.split(':').slice(2).join(':')}`;
      if (winners.has(relocatedKey)) continue; // the new name is already on the classpath
      winners.add(relocatedKey);
    }
    const files: string[] = [];
    if (dep.type !== 'pom' && !loader.repos.artifact({ groupId, artifactId, version }, dep.type, dep.classifier) && options.substitute !== false) {
      // Maven would stop here; the local repository often holds another version of the same
      // library, which compiles the tests far more often than leaving it out. Said, not silent.
      const other = closestVersion(
        loader.repos.versions(groupId, artifactId).filter((v) => loader.repos.artifact({ groupId, artifactId, version: v }, dep.type, dep.classifier)),
        version,
      );
      if (other) {
        substitutions.push({ coordinate: `${groupId}:${artifactId}:${version}`, used: other, from });
        version = other;
        pom = loader.fromRepository(groupId, artifactId, version);
      }
    }
    const coordinate = `${groupId}:${artifactId}:${version}`;
    if (dep.type !== 'pom') {
      const jar = loader.repos.artifact({ groupId, artifactId, version }, dep.type, dep.classifier);
      if (jar) files.push(jar);
      else unresolved.push({ coordinate: `${coordinate}${dep.classifier || dep.type === 'test-jar' ? `:${dep.classifier ?? 'tests'}` : ''}`, reason: `${dep.type === 'test-jar' ? 'test-jar' : dep.type} not found in ${loader.repos.describe()}`, from });
    }
    artifacts.push({ ...base({ ...dep, groupId, artifactId }, version, node), files });
    if ('reason' in pom) {
      if (files.length) warnings.push(`${coordinate}: ${pom.reason}; its own dependencies are unknown`);
      continue;
    }
    for (const u of pom.unresolved) warnings.push(`${coordinate}: ${u.coordinate} (${u.reason})`);
    enqueueChildren(pom, node, coordinate);
  }
  return { artifacts, unresolved, substitutions, warnings };

  function enqueueChildren(pom: EffectivePom, parent: Node, coordinate: string): void {
    if (parent.depth >= MAX_DEPTH) {
      warnings.push(`${coordinate}: dependency chain deeper than ${MAX_DEPTH}, not followed`);
      return;
    }
    for (const d of pom.dependencies) {
      if (d.optional) continue; // optional dependencies of dependencies are not inherited
      const scope = transitiveScope(parent.scope, d.scope ?? 'compile');
      if (!scope || excluded(parent.exclusions, d.groupId, d.artifactId)) continue;
      queue.push({ dep: d, depth: parent.depth + 1, scope, exclusions: [...parent.exclusions, ...d.exclusions], via: parent.via ? `${parent.via} > ${coordinate}` : coordinate });
    }
  }
}

/**
 * The version to use instead of a missing one: the nearest above it in the same major line (a later
 * minor keeps the API the project was written against), else the nearest below in that line, else
 * the highest present.
 */
export function closestVersion(available: string[], wanted: string): string | undefined {
  if (!available.length) return undefined;
  // Debian's repository adds alias versions ("debian", "4.x"): a real version is a better guess
  const real = available.filter((v) => /^\d/.test(v) && !/(^|[.-])x$/i.test(v));
  const sorted = [...(real.length ? real : available)].sort(compareVersions);
  const major = (v: string) => /^\d+/.exec(v)?.[0];
  const sameMajor = sorted.filter((v) => major(v) === major(wanted));
  const above = sameMajor.find((v) => compareVersions(v, wanted) >= 0);
  return above ?? sameMajor.filter((v) => compareVersions(v, wanted) < 0).pop() ?? sorted[sorted.length - 1];
}

function base(dep: PomDependency, version: string, node: Node): Omit<ResolvedArtifact, 'files'> {
  return { groupId: dep.groupId, artifactId: dep.artifactId, version, type: dep.type, classifier: dep.classifier, scope: node.scope, depth: node.depth, via: node.via };
}

/** A reactor module on the classpath: its compiled classes when built, else its source folders (javac reads sources from the classpath). */
function moduleEntries(module: ReactorModule, tests: boolean): string[] {
  const classes = path.join(module.dir, 'target', tests ? 'test-classes' : 'classes');
  if (fs.existsSync(classes)) return [classes];
  if (tests) {
    const testRoot = path.resolve(module.dir, module.pom.testSourceDirectory ?? 'src/test/java');
    return fs.existsSync(testRoot) ? [testRoot] : [];
  }
  return module.mainRoots.filter((r) => fs.existsSync(r));
}
