// Maven dependencies without Maven's resolver: the <dependency> entries of pom.xml (properties
// substituted, test scope included) looked up as jars in the local repository (~/.m2). Used when
// `mvn -o dependency:build-classpath` cannot run offline (its plugin's own dependencies missing).
// Direct dependencies only; JUnit, Hamcrest and Mockito come from the harness's toolchain.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PomDependency {
  groupId: string;
  artifactId: string;
  version?: string;
  scope?: string;
}

const PROVIDED_BY_HARNESS = /^(junit|org\.junit(\..*)?|org\.hamcrest|org\.mockito|net\.bytebuddy|org\.objenesis|org\.opentest4j|org\.apiguardian)$/;

function tag(block: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(block);
  return m ? m[1] : undefined;
}

/** Dependencies declared in a pom (outside <dependencyManagement> and <plugins>), ${...} resolved. */
export function pomDependencies(pom: string): PomDependency[] {
  const text = pom.replace(/<!--[\s\S]*?-->/g, '');
  const props = new Map<string, string>();
  const propBlock = /<properties>([\s\S]*?)<\/properties>/.exec(text)?.[1] ?? '';
  for (const m of propBlock.matchAll(/<([\w.-]+)>\s*([^<]*?)\s*<\/\1>/g)) props.set(m[1], m[2]);
  const project = /<project[^>]*>/.exec(text) ? text : '';
  const version = tag(project.replace(/<parent>[\s\S]*?<\/parent>|<dependencies>[\s\S]*<\/dependencies>|<build>[\s\S]*<\/build>/g, ''), 'version');
  if (version) props.set('project.version', version);
  const subst = (s: string | undefined) => s?.replace(/\$\{([^}]+)\}/g, (all, k: string) => props.get(k) ?? all);
  const body = text.replace(/<dependencyManagement>[\s\S]*?<\/dependencyManagement>/g, '').replace(/<plugins>[\s\S]*?<\/plugins>/g, '');
  const out: PomDependency[] = [];
  for (const m of body.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    const groupId = subst(tag(m[1], 'groupId'));
    const artifactId = subst(tag(m[1], 'artifactId'));
    if (!groupId || !artifactId) continue;
    out.push({ groupId, artifactId, version: subst(tag(m[1], 'version')), scope: tag(m[1], 'scope') });
  }
  return out;
}

export function localRepository(): string {
  return process.env.TESTTUNE_M2_REPO ?? path.join(os.homedir(), '.m2', 'repository');
}

/** Jars of the pom's direct dependencies found in the local repository, and notes on the rest. */
export function localDependencyJars(pomFile: string, repo = localRepository()): { jars: string[]; notes: string[] } {
  let pom: string;
  try {
    pom = fs.readFileSync(pomFile, 'utf8');
  } catch (e) {
    return { jars: [], notes: [`cannot read ${pomFile}: ${(e as Error).message}`] };
  }
  const jars: string[] = [];
  const missing: string[] = [];
  for (const d of pomDependencies(pom)) {
    if (PROVIDED_BY_HARNESS.test(d.groupId) || d.scope === 'import' || d.scope === 'system') continue;
    const dir = path.join(repo, ...d.groupId.split('.'), d.artifactId);
    let version = d.version && !d.version.includes('${') ? d.version : undefined;
    if (!version && fs.existsSync(dir)) version = fs.readdirSync(dir).filter((v) => fs.existsSync(path.join(dir, v, `${d.artifactId}-${v}.jar`))).sort().pop();
    const jar = version ? path.join(dir, version, `${d.artifactId}-${version}.jar`) : undefined;
    if (jar && fs.existsSync(jar)) jars.push(jar);
    else missing.push(`${d.groupId}:${d.artifactId}:${d.version ?? '?'}`);
  }
  const notes = missing.length ? [`dependencies not in ${repo}: ${missing.join(', ')}`] : [];
  return { jars, notes };
}
