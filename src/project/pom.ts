// One pom.xml as written (before inheritance and interpolation): coordinates, parent, properties,
// dependencies, dependencyManagement, modules, source folders and profiles active by default.
// Reading never throws: an unreadable or malformed file yields `errors` naming it.
import * as fs from 'node:fs';
import { child, children, parseXml, textAt, type XmlElement } from './xml';

export interface PomDependency {
  groupId: string;
  artifactId: string;
  version?: string;
  type: string; // 'jar' unless declared
  classifier?: string;
  scope?: string;
  optional: boolean;
  exclusions: { groupId: string; artifactId: string }[];
  systemPath?: string;
}

export interface RawPom {
  file: string;
  groupId?: string;
  artifactId?: string;
  version?: string;
  packaging: string;
  parent?: { groupId: string; artifactId: string; version: string; relativePath?: string };
  properties: Map<string, string>;
  dependencies: PomDependency[];
  managed: PomDependency[];
  modules: string[];
  sourceDirectory?: string;
  testSourceDirectory?: string;
  resources: string[];
  testResources: string[];
  /** maven-compiler-plugin's release/source/target when set in the plugin's configuration. */
  compilerRelease?: string;
  /** maven-compiler-plugin's <excludes>/<testExcludes> (Ant globs relative to a source folder). */
  compilerExcludes: string[];
  compilerTestExcludes: string[];
  relocation?: { groupId?: string; artifactId?: string; version?: string };
  errors: string[];
}

function readDependencies(list: XmlElement | undefined): PomDependency[] {
  return children(list, 'dependency').flatMap((d) => {
    const groupId = textAt(d, 'groupId');
    const artifactId = textAt(d, 'artifactId');
    if (!groupId || !artifactId) return [];
    const exclusions = children(child(d, 'exclusions'), 'exclusion').map((e) => ({ groupId: textAt(e, 'groupId') ?? '*', artifactId: textAt(e, 'artifactId') ?? '*' }));
    return [
      {
        groupId,
        artifactId,
        version: textAt(d, 'version'),
        type: textAt(d, 'type') ?? 'jar',
        classifier: textAt(d, 'classifier'),
        scope: textAt(d, 'scope'),
        optional: textAt(d, 'optional') === 'true',
        exclusions,
        systemPath: textAt(d, 'systemPath'),
      },
    ];
  });
}

/** Parses pom text; `file` names it in messages. Never throws. */
export function parsePom(text: string, file: string): RawPom {
  const doc = parseXml(text);
  const errors = doc.errors.map((e) => `${file}: ${e}`);
  const project = doc.root;
  const pom: RawPom = { file, packaging: 'jar', properties: new Map(), dependencies: [], managed: [], modules: [], resources: [], testResources: [], compilerExcludes: [], compilerTestExcludes: [], errors };
  if (!project || project.name !== 'project') {
    errors.push(`${file}: not a Maven pom (no <project> root element)`);
    return pom;
  }
  pom.groupId = textAt(project, 'groupId');
  pom.artifactId = textAt(project, 'artifactId');
  pom.version = textAt(project, 'version');
  pom.packaging = textAt(project, 'packaging') ?? 'jar';
  const parent = child(project, 'parent');
  if (parent) {
    const g = textAt(parent, 'groupId');
    const a = textAt(parent, 'artifactId');
    const v = textAt(parent, 'version');
    if (g && a && v) pom.parent = { groupId: g, artifactId: a, version: v, relativePath: child(parent, 'relativePath') ? (child(parent, 'relativePath')!.text.trim()) : undefined };
    else errors.push(`${file}: <parent> lacks groupId, artifactId or version`);
  }
  for (const p of child(project, 'properties')?.children ?? []) pom.properties.set(p.name, p.text.trim());
  pom.dependencies = readDependencies(child(project, 'dependencies'));
  pom.managed = readDependencies(child(child(project, 'dependencyManagement'), 'dependencies'));
  pom.modules = children(child(project, 'modules'), 'module').map((m) => m.text.trim()).filter(Boolean);
  // profiles switched on by default contribute like the main section (others need a flag we do not know)
  for (const profile of children(child(project, 'profiles'), 'profile')) {
    if (textAt(profile, 'activation/activeByDefault') !== 'true') continue;
    for (const p of child(profile, 'properties')?.children ?? []) if (!pom.properties.has(p.name)) pom.properties.set(p.name, p.text.trim());
    pom.dependencies.push(...readDependencies(child(profile, 'dependencies')));
    pom.managed.push(...readDependencies(child(child(profile, 'dependencyManagement'), 'dependencies')));
    pom.modules.push(...children(child(profile, 'modules'), 'module').map((m) => m.text.trim()).filter(Boolean));
  }
  const build = child(project, 'build');
  pom.sourceDirectory = textAt(build, 'sourceDirectory');
  pom.testSourceDirectory = textAt(build, 'testSourceDirectory');
  pom.resources = children(child(build, 'resources'), 'resource').map((r) => textAt(r, 'directory')).filter((d): d is string => !!d);
  pom.testResources = children(child(build, 'testResources'), 'testResource').map((r) => textAt(r, 'directory')).filter((d): d is string => !!d);
  for (const plugins of [child(build, 'plugins'), child(child(build, 'pluginManagement'), 'plugins')]) {
    for (const plugin of children(plugins, 'plugin')) {
      if (textAt(plugin, 'artifactId') !== 'maven-compiler-plugin') continue;
      const conf = child(plugin, 'configuration');
      pom.compilerRelease ??= textAt(conf, 'release') ?? textAt(conf, 'target') ?? textAt(conf, 'source');
      pom.compilerExcludes.push(...children(child(conf, 'excludes'), 'exclude').map((e) => e.text.trim()).filter(Boolean));
      pom.compilerTestExcludes.push(...children(child(conf, 'testExcludes'), 'testExclude').map((e) => e.text.trim()).filter(Boolean));
    }
  }
  const reloc = child(child(project, 'distributionManagement'), 'relocation');
  if (reloc) pom.relocation = { groupId: textAt(reloc, 'groupId'), artifactId: textAt(reloc, 'artifactId'), version: textAt(reloc, 'version') };
  return pom;
}

/** Reads and parses a pom file. Never throws. */
export function readPom(file: string): RawPom {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { file, packaging: 'jar', properties: new Map(), dependencies: [], managed: [], modules: [], resources: [], testResources: [], compilerExcludes: [], compilerTestExcludes: [], errors: [`cannot read ${file}: ${(e as Error).message}`] };
  }
  return parsePom(text, file);
}
