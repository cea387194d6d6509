// Gradle builds read without running Gradle: the common dependency notations of build.gradle and
// build.gradle.kts (`testImplementation 'g:a:v'`, `implementation("g:a:v")`, map notation
// `group: 'g', name: 'a', version: 'v'`, `implementation(libs.foo.bar)`, `libs.bundles.x`,
// `platform(...)`/`enforcedPlatform(...)`, `project(':core')`), `$var`/`${var}` from ext/def/val and
// gradle.properties, and the version catalog gradle/libs.versions.toml. The result is a list of
// Maven-style dependencies (configuration → scope) that maven-resolve.ts resolves from Gradle's cache
// and ~/.m2. A subproject also gets what its enclosing builds' `allprojects { }` and `subprojects { }`
// (and `project(':it') { }`) blocks declare; a script's own dependencies leave out the blocks that
// configure other projects (gradle-script.ts). Never throws; a notation it cannot read is reported in
// `warnings`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appliesJavaPlugin, FOREIGN_BLOCKS, gradleRootOf, localRepositories, readGradleSettings, stripComments, topLevelBlocks, withoutBlocks } from './gradle-script';
import type { PomDependency } from './pom';

export interface GradleBuild {
  file?: string;
  dependencies: PomDependency[];
  platforms: PomDependency[]; // BOMs whose dependencyManagement supplies missing versions
  projectDeps: string[]; // ':core' → included builds/modules
  /** The script (or an enclosing build's allprojects/subprojects block) applies the Java plugin. */
  javaPlugin: boolean;
  /** Local folders the repositories name: Maven-layout ones and flatDir ones. */
  localRepos: { maven: string[]; flat: string[] };
  warnings: string[];
}

const CONFIG_SCOPE: Record<string, string> = {
  api: 'compile',
  implementation: 'compile',
  compile: 'compile',
  compileOnly: 'provided',
  compileOnlyApi: 'provided',
  runtimeOnly: 'runtime',
  runtime: 'runtime',
  testImplementation: 'test',
  testCompile: 'test',
  testCompileOnly: 'test',
  testRuntimeOnly: 'test',
  testRuntime: 'test',
  testFixturesImplementation: 'test',
  testFixturesApi: 'test',
};

export interface Catalog {
  libraries: Map<string, { groupId: string; artifactId: string; version?: string }>;
  bundles: Map<string, string[]>;
  warnings: string[];
}

/** Normalises a catalog alias the way Gradle does: `-`, `_` and `.` all separate segments. */
function aliasKey(alias: string): string {
  return alias.replace(/[-_]/g, '.').toLowerCase();
}

function unquote(s: string): string {
  return s.trim().replace(/^["']|["']$/g, '');
}

/** Parses gradle/libs.versions.toml (the subset catalogs use: tables, strings, inline tables, arrays). */
export function parseCatalog(text: string, file = 'libs.versions.toml'): Catalog {
  const versions = new Map<string, string>();
  const libraries: Catalog['libraries'] = new Map();
  const bundles = new Map<string, string[]>();
  const warnings: string[] = [];
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[([\w.-]+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    // arrays may span lines
    while ((line.match(/\[/g) ?? []).length > (line.match(/\]/g) ?? []).length && i + 1 < lines.length) line += ' ' + lines[++i].replace(/\s+#.*$/, '').trim();
    const eq = /^([\w.-]+|"[^"]+")\s*=\s*(.+)$/.exec(line);
    if (!eq) {
      warnings.push(`${file}:${i + 1}: cannot read "${line.slice(0, 60)}"`);
      continue;
    }
    const key = unquote(eq[1]);
    const value = eq[2].trim();
    const table = inlineTable(value);
    if (section === 'versions') {
      const v = table ? table.get('strictly') ?? table.get('require') ?? table.get('prefer') : unquote(value);
      if (v) versions.set(key, v);
    } else if (section === 'libraries') {
      let lib: { groupId: string; artifactId: string; version?: string } | undefined;
      if (!table) {
        const [g, a, v] = unquote(value).split(':');
        if (g && a) lib = { groupId: g, artifactId: a, version: v };
      } else {
        const module = table.get('module');
        const [g, a] = module ? module.split(':') : [table.get('group'), table.get('name')];
        const ref = table.get('version.ref');
        const version = ref ? versions.get(ref) : table.get('version') ?? table.get('version.strictly') ?? table.get('version.require') ?? table.get('version.prefer');
        if (ref && !versions.has(ref)) warnings.push(`${file}: library ${key} refers to undefined version "${ref}"`);
        if (g && a) lib = { groupId: g, artifactId: a, version };
      }
      if (lib) libraries.set(aliasKey(key), lib);
      else warnings.push(`${file}:${i + 1}: library ${key} has no group and name`);
    } else if (section === 'bundles') {
      bundles.set(aliasKey(key), [...value.matchAll(/["']([^"']+)["']/g)].map((m) => aliasKey(m[1])));
    }
  }
  return { libraries, bundles, warnings };
}

/** `{ module = "g:a", version.ref = "x" }` → map; undefined when the value is not an inline table. */
function inlineTable(value: string): Map<string, string> | undefined {
  if (!value.startsWith('{')) return undefined;
  const out = new Map<string, string>();
  const body = value.replace(/^\{|\}$/g, '');
  // nested `version = { strictly = "1" }` is flattened to version.strictly
  for (const m of body.matchAll(/([\w.-]+)\s*=\s*(\{[^}]*\}|"[^"]*"|'[^']*')/g)) {
    if (m[2].startsWith('{')) for (const [k, v] of inlineTable(m[2]) ?? []) out.set(`${m[1]}.${k}`, v);
    else out.set(m[1], unquote(m[2]));
  }
  return out;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Variables a build script defines: gradle.properties, ext { x = '..' }, ext.x = '..', def/val x = '..'. */
function variables(root: string, text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of (readText(path.join(root, 'gradle.properties')) ?? '').split(/\r?\n/)) {
    const m = /^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m && !line.trim().startsWith('#')) vars.set(m[1], m[2]);
  }
  for (const m of text.matchAll(/(?:^|\s)(?:def|val|var|ext\.|set\(\s*)?\s*["']?([A-Za-z_][\w]*)["']?\s*(?:=|,)\s*["']([^"'\n]*)["']/gm)) vars.set(m[1], m[2]);
  return vars;
}

/** Build scripts of the enclosing projects, nearest first, up to the folder with settings.gradle(.kts) (at most 3 levels). */
function parentScripts(root: string): { dir: string; text: string }[] {
  const out: { dir: string; text: string }[] = [];
  let dir = root;
  for (let i = 0; i < 3; i++) {
    if (['settings.gradle', 'settings.gradle.kts'].some((f) => fs.existsSync(path.join(dir, f)))) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
    for (const f of ['build.gradle', 'build.gradle.kts']) {
      const t = readText(path.join(dir, f));
      if (t !== undefined) out.push({ dir, text: stripComments(t) });
    }
  }
  return out;
}

/** The parts of enclosing scripts that configure `root`: allprojects, subprojects and project(':path') blocks. */
function inheritedBlocks(root: string, outer: { dir: string; text: string }[]): string[] {
  const settingsRoot = gradleRootOf(root);
  const projectPath = settingsRoot ? [...readGradleSettings(settingsRoot).projects].find(([, dir]) => path.resolve(dir) === path.resolve(root))?.[0] : undefined;
  const own = projectPath ? new RegExp(`project\\s*\\(\\s*["']${projectPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']\\s*\\)`) : undefined;
  // the outermost build first, so that nearer blocks come later
  return [...outer].reverse().flatMap((s) => [
    ...topLevelBlocks(s.text, /allprojects/).map((b) => b.body),
    ...topLevelBlocks(s.text, /subprojects/).map((b) => b.body),
    ...(own ? topLevelBlocks(s.text, own).map((b) => b.body) : []),
  ]);
}

/** `name: 'g:a:v'` (or `name: variable` holding coordinates) entries of Groovy maps, by name. */
function coordinateEntries(text: string, vars: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z_]\w*)\s*:\s*(?:["']([^"'\s]+:[^"'\s]+)["']|([A-Za-z_]\w*)\b)/g)) {
    const value = m[2] ?? vars.get(m[3] ?? '');
    if (value && /^[\w.-]+:[\w.-]+(:[^:]+)*$/.test(value)) out.set(m[1], value.replace(/\$\{?([\w.]+)\}?/g, (all, k: string) => vars.get(k) ?? all));
  }
  return out;
}

/** Reads the build file of `root` (build.gradle or build.gradle.kts) and its version catalog. */
export function readGradleBuild(root: string): GradleBuild {
  const file = ['build.gradle.kts', 'build.gradle'].map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
  const out: GradleBuild = { file, dependencies: [], platforms: [], projectDeps: [], javaPlugin: false, localRepos: { maven: [], flat: [] }, warnings: [] };
  const outer = parentScripts(root);
  const inherited = inheritedBlocks(root, outer);
  if (!file && !inherited.length) return out;
  const raw = file ? readText(file) : '';
  if (raw === undefined) {
    out.warnings.push(`cannot read ${file}`);
    return out;
  }
  const whole = stripComments(raw);
  // what this project declares itself, and what its enclosing builds declare for it
  const text = [...inherited, withoutBlocks(whole, FOREIGN_BLOCKS)].join('\n');
  out.javaPlugin = appliesJavaPlugin(text);
  for (const repos of [...outer.map((s) => localRepositories([...topLevelBlocks(s.text, /allprojects|subprojects/).map((b) => b.body)].join('\n'), s.dir)), localRepositories(whole, root)]) {
    out.localRepos.maven.push(...repos.maven.filter((d) => !out.localRepos.maven.includes(d)));
    out.localRepos.flat.push(...repos.flat.filter((d) => !out.localRepos.flat.includes(d)));
  }
  let catalog: Catalog | undefined;
  for (const dir of [root, path.dirname(root)]) {
    const toml = readText(path.join(dir, 'gradle', 'libs.versions.toml'));
    if (toml !== undefined) {
      catalog = parseCatalog(toml, path.join(dir, 'gradle', 'libs.versions.toml'));
      out.warnings.push(...catalog.warnings);
      break;
    }
  }
  // the root project's script (above, next to settings.gradle) often defines the versions and
  // coordinate maps (`ext { depends = [guava: 'g:a:v'] }`) that modules use
  const allText = [...outer.map((s) => s.text), whole].join('\n');
  const vars = variables(root, allText);
  const coordinates = coordinateEntries(allText, vars);
  const subst = (s: string) => s.replace(/\$\{?([\w.]+)\}?/g, (all, k: string) => vars.get(k) ?? vars.get(k.replace(/^(project|rootProject|ext)\./, '')) ?? all);
  const configs = Object.keys(CONFIG_SCOPE).join('|');
  // `"testImplementation"("g:a:v")`: the Kotlin DSL's form where no accessor exists (subprojects { })
  const re = new RegExp(`(?:^|[\\s{;])["']?(${configs})\\b["']?\\s*\\(?\\s*([^\\n]*)`, 'gm');
  for (const m of text.matchAll(re)) {
    const scope = CONFIG_SCOPE[m[1]];
    const arg = m[2].trim();
    const add = (d: PomDependency) => out.dependencies.push(d);
    let inner = arg;
    let platform = false;
    const plat = /^(?:enforcedPlatform|platform)\s*\(\s*(.*)$/.exec(inner);
    if (plat) {
      platform = true;
      inner = plat[1];
    }
    const push = (g: string, a: string, v: string | undefined, classifier?: string, ext?: string) => {
      const dep: PomDependency = { groupId: g, artifactId: a, version: v, type: ext === 'pom' || platform ? 'pom' : 'jar', classifier, scope: platform ? 'import' : scope, optional: false, exclusions: [] };
      if (platform) out.platforms.push(dep);
      else add(dep);
    };
    const str = /^["']([^"']+)["']/.exec(inner);
    const mapNotation = /group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["'](?:\s*,\s*version\s*[:=]\s*["']([^"']+)["'])?/.exec(inner);
    const lib = /^libs\.([\w.]+)/.exec(inner);
    const proj = /^project\s*\(\s*(?:path\s*[:=]\s*)?["']([^"']+)["']/.exec(inner);
    if (str) {
      const [coords, ext] = subst(str[1]).split('@');
      const [g, a, v, classifier] = coords.split(':');
      if (g && a) push(g, a, v || undefined, classifier, ext);
      else out.warnings.push(`${file}: cannot read dependency "${str[1]}"`);
    } else if (mapNotation) push(subst(mapNotation[1]), subst(mapNotation[2]), mapNotation[3] ? subst(mapNotation[3]) : undefined);
    else if (lib) {
      const alias = aliasKey(lib[1]);
      if (!catalog) out.warnings.push(`${file}: libs.${lib[1]} used but no gradle/libs.versions.toml found`);
      else if (alias.startsWith('bundles.')) {
        const bundle = catalog.bundles.get(alias.slice(8));
        if (!bundle) out.warnings.push(`${file}: bundle libs.${lib[1]} is not in the version catalog`);
        for (const b of bundle ?? []) {
          const l = catalog.libraries.get(b);
          if (l) push(l.groupId, l.artifactId, l.version);
          else out.warnings.push(`${file}: bundle ${lib[1]} names unknown library ${b}`);
        }
      } else {
        const l = catalog.libraries.get(alias);
        if (l) push(l.groupId, l.artifactId, l.version);
        else out.warnings.push(`${file}: libs.${lib[1]} is not in the version catalog`);
      }
    } else if (proj) out.projectDeps.push(proj[1]);
    else if (/^[A-Za-z_][\w.]*\s*\)?\s*$/.test(inner)) {
      // a name from a coordinate map or a variable: depends.guava, guavaDependency
      const name = inner.replace(/\s*\)?\s*$/, '');
      const coords = coordinates.get(name.split('.').pop()!) ?? (vars.get(name)?.includes(':') ? vars.get(name) : undefined);
      const [g, a, v, classifier] = (coords ?? '').split(':');
      if (g && a) push(g, a, v || undefined, classifier);
      else out.warnings.push(`${file}: cannot read dependency notation "${inner.slice(0, 80)}"`);
    }
    else if (/^(files|fileTree)\b/.test(inner)) continue; // lib/*.jar are picked up separately
    else if (inner && !inner.startsWith('{')) out.warnings.push(`${file}: cannot read dependency notation "${inner.slice(0, 80)}"`);
  }
  return out;
}
