// Mines (focal method, test) pairs from a Java repository: finds test classes, maps each to its focal
// class and each test method to its focal method (./focal-class.ts, ./focal-method.ts), renders the
// record with the foundation's context builder and reports every skip with its reason.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaParser } from '../java/parser';
import { DEFAULT_FORMAT, buildTrainingPair, type MethodSelector, type TrainingPair, type ContextFormat } from '../java/context';
import { indexJavaFile, testTypes, simpleType, type FileIndex, type MethodInfo, type TypeInfo } from './java-index';
import { TypeTable, findFocalClass, classMethodHint, focalClassNames } from './focal-class';
import { findFocalMethod } from './focal-method';
import { dedupeRecords, sha1 } from './dedupe';
import { emptyReport, countSkip, type MineReport, type SkipReason } from './report';
import { walkTree } from '../util/walk';

export interface PairRecord {
  repository: string;
  focal_class: string; // qualified name
  focal_method: string; // name(ParamType, …)
  test_class: string; // qualified name
  test_case: string; // test method name
  source: string;
  target: string;
  focal_path: string; // relative to the repository root
  test_path: string;
}

/** A test method mapped to its focal method (before rendering). */
export interface Mapping {
  test_path: string;
  test_class: string;
  test_case: string;
  test_line: number; // 0-based
  focal_path: string;
  focal_class: string;
  focal_method: string;
  focal_line: number; // 0-based line of the focal method's name
  by: string; // which heuristic decided
}

export type Renderer = (
  focalSource: string,
  selector: MethodSelector,
  testSource: string,
  testMethodName: string,
  opts: { format?: ContextFormat; testMethodLine?: number },
) => Promise<TrainingPair>;

export interface SourceFile {
  path: string; // relative
  text: string;
}

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'target', 'build', 'out', 'bin', '.gradle', '.idea', '.mvn', 'dist']);

/** The .java files under `root` (relative paths, sorted), skipping build output and VCS folders. */
export function listJavaFiles(root: string): string[] {
  const out: string[] = [];
  walkTree(root, {
    enterDir: (name) => !SKIP_DIRS.has(name),
    file: (fullPath, name) => {
      if (name.endsWith('.java')) out.push(path.relative(root, fullPath));
    },
  });
  return out.sort();
}

function methodLabel(m: MethodInfo): string {
  return `${m.name}(${m.paramTypes.map(simpleType).join(', ')})`;
}

/** A cheap superset of what the indexer recognises as a test class (annotations, JUnit 3 base class). */
const MAY_HOLD_TESTS = /@(?:[\w.]+\.)?(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b|extends\s+[\w.]*\bTestCase\b/;

function isUnderTestRoot(p: string): boolean {
  return /(^|[\\/])(test|tests|src[\\/]it)[\\/]/.test(p);
}

export interface MapResult {
  mappings: Mapping[];
  report: MineReport;
}

/** Maps every test method of the files to its focal method (no rendering). */
export async function mapSources(
  files: SourceFile[],
  repository: string,
  maxFileBytes = 1 << 20,
  onProgress?: (done: number, total: number) => void,
): Promise<MapResult> {
  const parser = await javaParser();
  const report = emptyReport(repository);
  const indexes: FileIndex[] = [];
  let done = 0;
  const index = (f: SourceFile): void => {
    if (onProgress && done++ % 50 === 0) onProgress(done, files.length);
    const idx = indexJavaFile(parser, f.path, f.text);
    if (idx.error) report.parseErrors++;
    indexes.push(idx);
  };
  // Parse the files that may hold tests, then only the files named after a focal class they point at
  // (a public top-level type lives in <Name>.java): most files of a large repository are neither.
  const rest: SourceFile[] = [];
  for (const f of files) {
    report.files++;
    if (f.text.length > maxFileBytes) {
      countSkip(report, { test_path: f.path, reason: 'file too large', detail: `${f.text.length} characters` });
    } else if (MAY_HOLD_TESTS.test(f.text)) index(f);
    else rest.push(f);
  }
  const wanted = new Set<string>();
  for (const idx of indexes) for (const t of testTypes(idx)) for (const n of focalClassNames(t.name)) wanted.add(n);
  for (const f of rest) if (wanted.has(path.basename(f.path, '.java'))) index(f);
  // focal class candidates: top-level types of files without tests; main code before test helpers
  const table = new TypeTable();
  const testFiles: FileIndex[] = [];
  for (const idx of indexes) {
    if (testTypes(idx).length > 0) testFiles.push(idx);
    else for (const t of idx.types) if (t.topLevel) table.add(idx, t);
  }
  const mappings: Mapping[] = [];
  for (const tf of testFiles) {
    const tops = tf.types.filter((t) => t.topLevel);
    for (const top of tops) {
      const inner = tf.types.filter((t) => t === top || t.qualified.startsWith(top.qualified + '.'));
      const all: { type: TypeInfo; m: MethodInfo }[] = inner.flatMap((type) => type.methods.filter((m) => m.isTest).map((m) => ({ type, m })));
      if (all.length === 0) continue;
      report.testClasses++;
      report.testMethods += all.length;
      const where = { test_path: tf.path, test_class: top.qualified };
      // @Disabled/@Ignore tests do not run: not mined, reported as skipped (not as errors)
      const off = (t: { type: TypeInfo; m: MethodInfo }) => t.m.disabled || t.type.disabled || top.disabled;
      for (const t of all.filter(off)) countSkip(report, { ...where, test_case: t.m.name, reason: 'disabled', detail: 'annotated @Disabled or @Ignore' });
      const tests = all.filter((t) => !off(t));
      if (tests.length === 0) continue;
      if (tf.error) {
        for (const t of tests) countSkip(report, { ...where, test_case: t.m.name, reason: 'parse error', detail: tf.error });
        continue;
      }
      const fc = findFocalClass(tf, top, table, isUnderTestRoot);
      if ('skip' in fc) {
        for (const t of tests) countSkip(report, { ...where, test_case: t.m.name, reason: fc.skip, detail: fc.detail });
        continue;
      }
      const { file: ff, type: focal } = fc.value;
      if (ff.error) {
        for (const t of tests) countSkip(report, { ...where, test_case: t.m.name, reason: 'parse error', detail: `focal file ${ff.path}: ${ff.error}` });
        continue;
      }
      for (const t of tests) {
        const r = findFocalMethod(t.m, { focal, focalFile: ff, testType: t.type === top ? top : { ...t.type, superclass: t.type.superclass ?? top.superclass }, testFile: tf, methodHint: classMethodHint(top.name) });
        if ('skip' in r) {
          countSkip(report, { ...where, test_case: t.m.name, reason: r.skip, detail: r.detail });
          continue;
        }
        mappings.push({
          test_path: tf.path,
          test_class: top.qualified,
          test_case: t.m.name,
          test_line: t.m.line,
          focal_path: ff.path,
          focal_class: focal.qualified,
          focal_method: methodLabel(r.value),
          focal_line: r.value.nameLine,
          by: `${fc.by}; ${r.by}`,
        });
      }
    }
  }
  return { mappings, report };
}

export interface MineOptions {
  repository?: string; // default: the folder's name
  render?: Renderer;
  format?: ContextFormat;
  maxFileBytes?: number;
  seen?: Set<string>; // pair keys seen in other repositories (corpus-wide deduplication)
  onProgress?: (filesIndexed: number, files: number) => void;
}

export interface MineResult {
  records: PairRecord[];
  mappings: Mapping[];
  report: MineReport;
}

/** Renders mapped pairs into records and removes duplicates (whitespace-normalised source+target). */
async function renderMappings(
  mappings: Mapping[],
  read: (p: string) => string,
  report: MineReport,
  opts: { render?: Renderer; format?: ContextFormat; seen?: Set<string> } = {},
): Promise<PairRecord[]> {
  const render = opts.render ?? buildTrainingPair;
  const records: PairRecord[] = [];
  const hashes = new Map<string, string>();
  const hashOf = (p: string): string => {
    let h = hashes.get(p);
    if (h === undefined) hashes.set(p, (h = sha1(read(p))));
    return h;
  };
  const rendered = new Set<string>(); // identical inputs render identically: copies are duplicates
  for (const m of mappings) {
    const inputKey = `${hashOf(m.focal_path)}:${m.focal_line}:${hashOf(m.test_path)}:${m.test_line}:${m.test_case}`;
    if (rendered.has(inputKey)) {
      countSkip(report, { test_path: m.test_path, test_class: m.test_class, test_case: m.test_case, reason: 'duplicate', detail: `same files as an earlier pair (${m.focal_method})` });
      continue;
    }
    rendered.add(inputKey);
    const pair = await render(read(m.focal_path), { line: m.focal_line }, read(m.test_path), m.test_case, { format: opts.format, testMethodLine: m.test_line });
    if (pair.source === undefined || pair.target === undefined) {
      countSkip(report, { test_path: m.test_path, test_class: m.test_class, test_case: m.test_case, reason: 'render error', detail: pair.errors.join('; ') });
      continue;
    }
    // In the +t+tc formats the prompt ends with the test method's head and the target starts after its
    // first '{'; in the others the target is the whole test method (its name is rightly in it).
    const promptHasTestHead = (opts.format ?? DEFAULT_FORMAT).endsWith('+t+tc');
    const head = pair.target.slice(0, pair.target.indexOf('{') + 1);
    if (promptHasTestHead && new RegExp(`\\b${m.test_case.replace(/\$/g, '\\$')}\\s*\\(`).test(head)) {
      // the prompt was cut at a '{' inside an annotation (e.g. @SuppressWarnings({...})): not a usable pair
      countSkip(report, { test_path: m.test_path, test_class: m.test_class, test_case: m.test_case, reason: 'render error', detail: 'the prompt ends inside the test method\'s annotations' });
      continue;
    }
    records.push({
      repository: report.repository,
      focal_class: m.focal_class,
      focal_method: m.focal_method,
      test_class: m.test_class,
      test_case: m.test_case,
      source: pair.source,
      target: pair.target,
      focal_path: m.focal_path,
      test_path: m.test_path,
    });
  }
  const { kept, dropped } = dedupeRecords(records, opts.seen);
  for (const d of dropped) {
    countSkip(report, { test_path: d.test_path, test_class: d.test_class, test_case: d.test_case, reason: 'duplicate', detail: `same text as an earlier pair (${d.focal_method})` });
  }
  report.pairs += kept.length;
  return kept;
}

/** Mines a repository folder. */
export async function mineRepo(repoDir: string, opts: MineOptions = {}): Promise<MineResult> {
  const t0 = Date.now();
  const root = path.resolve(repoDir);
  const repository = opts.repository ?? path.basename(root);
  const cache = new Map<string, string>();
  const read = (p: string): string => {
    let t = cache.get(p);
    if (t === undefined) {
      try {
        t = fs.readFileSync(path.join(root, p), 'utf8');
      } catch (e) {
        t = '';
      }
      cache.set(p, t);
    }
    return t;
  };
  const files = listJavaFiles(root).map((p) => ({ path: p, text: read(p) }));
  const { mappings, report } = await mapSources(files, repository, opts.maxFileBytes, opts.onProgress);
  opts.onProgress?.(files.length, files.length);
  const records = await renderMappings(mappings, read, report, { render: opts.render, format: opts.format, seen: opts.seen });
  report.seconds = (Date.now() - t0) / 1000;
  return { records, mappings, report };
}

export type { MineReport, SkipReason };
