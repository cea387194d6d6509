// The structure of Gradle build scripts that decides what applies where, read without running Gradle:
// top-level blocks by name (`subprojects { }`, `allprojects { }`, `plugins { }`, `repositories { }`),
// whether a script applies the Java plugin (`plugins { id 'java' }`, `` `java-library` ``,
// `apply plugin: 'java'`), the local repositories it names (`flatDir`, `mavenLocal()`, a `maven` URL
// that is a folder), and the settings file's `include`s (the multi-project build: project path →
// folder, `project(':x').projectDir = file('...')` applied). Groovy and Kotlin DSL alike. Never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SETTINGS_FILES = ['settings.gradle', 'settings.gradle.kts'];
const MAX_LEVELS_UP = 3;

/** Comments removed, strings kept (a `//` inside a string such as a URL stays). */
export function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = closingQuote(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else out += c;
  }
  return out;
}

function closingQuote(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === q || text[i] === '\n') return i;
  }
  return text.length - 1;
}

/** Index of the `}` that closes the `{` at `open` (strings skipped), or the text's end. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") i = closingQuote(text, i);
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return text.length;
}

export interface Block {
  name: string;
  start: number; // where the block's name starts
  end: number; // one past its closing brace
  body: string;
}

/** Blocks opened at brace depth 0 whose head matches `head` (e.g. /subprojects/, /project\(':core'\)/). */
export function topLevelBlocks(text: string, head: RegExp): Block[] {
  const out: Block[] = [];
  const re = new RegExp(`(^|[\\s;}])(${head.source})\\s*\\{`, 'g');
  let depth = 0;
  let scanned = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[1].length;
    depth += braceDelta(text, scanned, start);
    scanned = start;
    if (depth !== 0) continue;
    const open = m.index + m[0].length - 1;
    const close = closingBrace(text, open);
    out.push({ name: m[2], start, end: close + 1, body: text.slice(open + 1, close) });
    re.lastIndex = close + 1;
    scanned = close + 1;
  }
  return out;
}

function braceDelta(text: string, from: number, to: number): number {
  let d = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '"' || c === "'") i = closingQuote(text, i);
    else if (c === '{') d++;
    else if (c === '}') d--;
  }
  return d;
}

/** The text with the top-level blocks matching `head` removed. */
export function withoutBlocks(text: string, head: RegExp): string {
  let out = '';
  let at = 0;
  for (const b of topLevelBlocks(text, head)) {
    out += text.slice(at, b.start);
    at = b.end;
  }
  return out + text.slice(at);
}

/** Blocks that configure other projects than the script's own: `subprojects`, `project(':x')`, `configure(...)`, `buildscript`. */
export const FOREIGN_BLOCKS = /subprojects|buildscript|project\s*\(\s*["'][^"']*["']\s*\)|configure\s*\([^)]*\)/;

const JAVA_PLUGINS = 'java|java-library|application|groovy|war';

/** True when the script applies the Java plugin (java, java-library, application, groovy, war). */
export function appliesJavaPlugin(text: string): boolean {
  const quoted = new RegExp(`\\bid\\s*\\(?\\s*["'](?:${JAVA_PLUGINS})["']|apply\\s*\\(?\\s*plugin\\s*[:=]\\s*["'](?:${JAVA_PLUGINS})["']`);
  if (quoted.test(text)) return true;
  // Kotlin DSL accessors: plugins { java } / plugins { `java-library` }
  const plugins = blocksInside(text, /plugins/).join('\n').replace(/"[^"\n]*"|'[^'\n]*'/g, '""');
  return new RegExp(`(?:^|[\\s;{])(?:\`(?:${JAVA_PLUGINS})\`|java|application|groovy|war)(?=\\s*(?:$|[;}]))`, 'm').test(plugins);
}

/** Folders the script's repositories name that may hold jars: flatDir dirs, file-URL maven repos, mavenLocal(). */
export function localRepositories(text: string, scriptDir: string): { maven: string[]; flat: string[] } {
  const maven: string[] = [];
  const flat: string[] = [];
  const resolve = (p: string) => path.resolve(scriptDir, p.replace(/^file:(\/\/)?/, '').replace(/\$\{?(rootDir|projectDir|rootProject\.projectDir)\}?\/?/, ''));
  for (const repos of topLevelBlocks(text, /repositories/).map((b) => b.body).concat(blocksInside(text, /repositories/))) {
    for (const m of repos.matchAll(/flatDir\s*\{[^}]*?dirs?\s*[(=]?\s*((?:["'][^"'\n]*["']\s*,?\s*)+)/g)) for (const d of m[1].matchAll(/["']([^"']+)["']/g)) flat.push(resolve(d[1]));
    for (const m of repos.matchAll(/maven\s*\{[^}]*?url\s*[(=]?\s*(?:uri\s*\(|file\s*\()?\s*["']([^"']+)["']/g)) {
      if (/^[a-z][a-z+.-]*:\/\//i.test(m[1]) && !m[1].startsWith('file:')) continue; // a remote repository: its cache is Gradle's
      maven.push(resolve(m[1]));
    }
  }
  return { maven: [...new Set(maven)], flat: [...new Set(flat)] };
}

/** Bodies of blocks named `head` at any depth (repositories inside allprojects/subprojects). */
function blocksInside(text: string, head: RegExp): string[] {
  const out: string[] = [];
  const re = new RegExp(`(^|[\\s;{])(${head.source})\\s*\\{`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    out.push(text.slice(open + 1, closingBrace(text, open)));
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

/** The folder of the settings file at or above `dir` (up to 3 levels), or undefined. */
export function gradleRootOf(dir: string): string | undefined {
  let at = path.resolve(dir);
  for (let i = 0; i <= MAX_LEVELS_UP; i++) {
    if (SETTINGS_FILES.some((f) => fs.existsSync(path.join(at, f)))) return at;
    const up = path.dirname(at);
    if (up === at) return undefined;
    at = up;
  }
  return undefined;
}

export interface GradleSettings {
  root: string;
  file?: string;
  /** Project path (':core', ':libs:util') → its folder. */
  projects: Map<string, string>;
}

/** Reads settings.gradle(.kts) of the multi-project build at `root`: its includes and project folders. */
export function readGradleSettings(root: string): GradleSettings {
  const file = SETTINGS_FILES.map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
  const out: GradleSettings = { root, file, projects: new Map() };
  const text = file ? stripComments(readText(file) ?? '') : '';
  for (const m of text.matchAll(/(?:^|[\s;])include\s*\(?([^\n]*)/gm)) {
    for (const p of m[1].matchAll(/["']([^"']+)["']/g)) {
      const projectPath = p[1].startsWith(':') ? p[1] : `:${p[1]}`;
      out.projects.set(projectPath, path.join(root, ...projectPath.split(':').filter(Boolean)));
    }
  }
  for (const m of text.matchAll(/project\s*\(\s*["']([^"']+)["']\s*\)\s*\.projectDir\s*=\s*(?:file\s*\(|new\s+File\s*\(\s*(?:settingsDir|rootDir)\s*,)?\s*["']([^"']+)["']/g)) {
    const projectPath = m[1].startsWith(':') ? m[1] : `:${m[1]}`;
    out.projects.set(projectPath, path.resolve(root, m[2]));
  }
  return out;
}
