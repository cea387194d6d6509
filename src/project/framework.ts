// The project's test framework: JUnit 5 or 4 (with the version on the classpath) and whether
// Mockito is available. From the resolved classpath first (junit-jupiter-api → JUnit 5,
// junit:junit → JUnit 4; frameworkOf), else from text: the test file's imports, build files
// (Maven/Gradle, also in modules), existing tests (detectFramework; fast, resolves nothing).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedArtifact } from './maven-resolve';

export type Framework = 'junit4' | 'junit5';

export interface FrameworkInfo {
  framework: Framework;
  mockito: boolean;
  evidence: string[]; // human-readable reasons, first the decisive one
}

const BUILD_FILES = ['pom.xml', 'build.gradle', 'build.gradle.kts'];
const SKIP_DIRS = new Set(['node_modules', '.git', 'target', 'build', 'out', 'dist', '.gradle', '.idea']);

interface Votes {
  junit5: string[];
  junit4: string[];
  mockito: string[];
}

/** Framework hints in Java test source text (imports). */
export function scanTestText(text: string, where: string, v: Votes): void {
  if (/import\s+(static\s+)?org\.junit\.jupiter\./.test(text)) v.junit5.push(`${where} imports org.junit.jupiter`);
  else if (/import\s+(static\s+)?org\.junit\.(Test|Assert|Before|After|Rule|runner)\b/.test(text)) v.junit4.push(`${where} imports org.junit (JUnit 4)`);
  if (/import\s+(static\s+)?org\.mockito\./.test(text)) v.mockito.push(`${where} imports org.mockito`);
}

/** Framework hints in a build file's text. */
export function scanBuildText(text: string, where: string, v: Votes): void {
  if (/junit-jupiter|org\.junit\.jupiter|useJUnitPlatform|junit-bom/.test(text)) v.junit5.push(`${where} declares JUnit Jupiter`);
  else if (/spring-boot-starter-test/.test(text) && !/junit-vintage/.test(text)) v.junit5.push(`${where} uses spring-boot-starter-test (JUnit 5)`);
  if (/<artifactId>\s*junit\s*<\/artifactId>|['"]junit:junit[:'"]/.test(text)) v.junit4.push(`${where} declares junit:junit (JUnit 4)`);
  if (/mockito/.test(text) || /spring-boot-starter-test/.test(text)) v.mockito.push(`${where} declares Mockito`);
}

function listFiles(dir: string, depth: number, pick: (name: string) => boolean, out: string[], limit: number): void {
  if (out.length >= limit) return;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (out.length >= limit) return;
    const full = path.join(dir, e.name);
    if (e.isFile() && pick(e.name)) out.push(full);
    else if (e.isDirectory() && depth > 0 && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) listFiles(full, depth - 1, pick, out, limit);
  }
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Detects JUnit 4/5 and Mockito. Default when nothing says otherwise: JUnit 5 without Mockito. */
export function detectFramework(projectRoot: string, testFileText?: string): FrameworkInfo {
  const v: Votes = { junit5: [], junit4: [], mockito: [] };
  const fileVotes: Votes = { junit5: [], junit4: [], mockito: [] };
  if (testFileText) scanTestText(testFileText, 'the test file', fileVotes);
  const builds: string[] = [];
  listFiles(projectRoot, 3, (n) => BUILD_FILES.includes(n), builds, 50);
  for (const b of builds) scanBuildText(read(b), path.relative(projectRoot, b) || b, v);
  const tests: string[] = [];
  if (!fileVotes.junit5.length && !fileVotes.junit4.length && !v.junit5.length && !v.junit4.length) {
    listFiles(projectRoot, 12, (n) => /Tests?\.java$|^Test\w*\.java$/.test(n), tests, 30);
    for (const t of tests) scanTestText(read(t), path.relative(projectRoot, t), v);
  }
  const mockito = fileVotes.mockito.length > 0 || v.mockito.length > 0;
  const evidence: string[] = [];
  let framework: Framework;
  if (fileVotes.junit5.length || fileVotes.junit4.length) {
    framework = fileVotes.junit5.length ? 'junit5' : 'junit4';
    evidence.push(...fileVotes[framework]);
  } else if (v.junit5.length || v.junit4.length) {
    // a build that declares both (vintage setups) counts as JUnit 5: new tests should use Jupiter
    framework = v.junit5.length ? 'junit5' : 'junit4';
    evidence.push(...v[framework]);
  } else {
    framework = 'junit5';
    evidence.push('no build file or test names a framework: JUnit 5 by default');
  }
  evidence.push(...(fileVotes.mockito.length ? fileVotes.mockito : v.mockito));
  return { framework, mockito, evidence };
}

export interface ProjectFramework {
  framework: Framework;
  junitVersion?: string;
  mockito: boolean;
  evidence: string[];
}

export function frameworkOf(artifacts: ResolvedArtifact[], root: string): ProjectFramework {
  const find = (g: string, a: string) => artifacts.find((x) => x.groupId === g && x.artifactId === a && x.files.length);
  const jupiter = find('org.junit.jupiter', 'junit-jupiter-api') ?? find('org.junit.jupiter', 'junit-jupiter');
  const junit4 = find('junit', 'junit');
  const mockitoOnClasspath = !!(find('org.mockito', 'mockito-core') ?? find('org.mockito', 'mockito-junit-jupiter'));
  if (jupiter || junit4) {
    const fromText = mockitoOnClasspath ? { mockito: true } : detectFramework(root);
    // a build with both (the vintage engine) counts as JUnit 5: new tests should use Jupiter
    const hit = jupiter ?? junit4!;
    return {
      framework: jupiter ? 'junit5' : 'junit4',
      junitVersion: hit.version,
      mockito: mockitoOnClasspath || fromText.mockito,
      evidence: [`${hit.groupId}:${hit.artifactId}:${hit.version} on the test classpath`],
    };
  }
  const fromText = detectFramework(root);
  return { framework: fromText.framework, mockito: mockitoOnClasspath || fromText.mockito, evidence: fromText.evidence };
}
