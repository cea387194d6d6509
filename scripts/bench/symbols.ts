// The symbol index (src/symbols/): cold and warm index of the JDK's API, of a real project (jts from the
// verification data when present, else skipped with a note), of a generated 10,000-class workspace, one
// saved file re-indexed and a rebuild with one file changed, the longest the event loop waited during each
// build (the index is built on the editor's thread, in slices), and one buildScope call (opencsv's CSVReader.readNext when present, else the generated
// workspace) with the size of its JSON. Each "cold" run uses an empty cache folder; "warm" is a new index
// reading that cache back. No anchor.
//   node --import tsx scripts/bench/symbols.ts
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIndex, indexSourceFile } from '../../src/symbols/build-index';
import { buildScope } from '../../src/symbols/build-scope';
import { readJdkApi } from '../../src/symbols/jdk';
import { projectIndexInputs } from '../../src/symbols/project-index';
import { SymbolIndex } from '../../src/symbols/symbol-index';
import { prepareTest } from '../../src/pipeline/prepare';
import type { BenchResult } from './_common';

const log = (m: string) => process.stderr.write(`symbols: ${m}\n`);
const VERIFY_SRC = process.env.TESTTUNE_VERIFY_DATA ? path.join(process.env.TESTTUNE_VERIFY_DATA, 'src') : '/work/data/verify/src';
const r = (name: string, value: number, unit: string): BenchResult => ({ name, value: Math.round(value * 10) / 10, unit, anchor: null, anchor_value: null, ratio: null });

function dirBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

/** 10,000 classes in 100 packages, each with a constructor, fields and methods that name the others. */
function generateWorkspace(root: string, classes: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < classes; i++) {
    const pkg = `gen.p${i % 100}`;
    const dir = path.join(root, 'src', 'main', 'java', ...pkg.split('.'));
    fs.mkdirSync(dir, { recursive: true });
    const next = `gen.p${(i + 1) % 100}.C${(i + 1) % classes}`;
    const text = [
      `package ${pkg};`,
      'import java.util.List;',
      `import ${next};`,
      `public class C${i} extends Object implements Comparable<C${i}> {`,
      '    private final List<String> names;',
      `    public static final int ID = ${i};`,
      `    public C${i}(List<String> names) { this.names = names; }`,
      `    public C${(i + 1) % classes} next() { return null; }`,
      '    public int size() { return names.size(); }',
      `    public int compareTo(C${i} other) { return 0; }`,
      '    public static <T> T pick(T a, T... rest) { return a; }',
      '}',
    ].join('\n');
    const file = path.join(dir, `C${i}.java`);
    fs.writeFileSync(file, text);
    files.push(file);
  }
  return files;
}

/** Runs `fn`, timing it (wall and this process's CPU: on a shared machine the wall time includes waiting for a core) and the longest the event loop waited meanwhile (a 1 ms interval timer's worst gap). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T; worstWait: number }> {
  let last = performance.now();
  let worstWait = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worstWait = Math.max(worstWait, now - last);
    last = now;
  }, 1);
  const t = performance.now();
  const cpu = process.cpuUsage();
  try {
    const value = await fn();
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, value, worstWait: Math.max(worstWait, performance.now() - last) };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-bench-symbols-'));
  try {
    // The JDK's API.
    const jdkCache = path.join(tmp, 'jdk-cache');
    const jdkCold = await timed(() => readJdkApi({ cacheDir: jdkCache }));
    const jdkWarm = await timed(() => readJdkApi({ cacheDir: jdkCache }));
    if ('error' in jdkCold.value) log(`JDK: ${jdkCold.value.error}`);
    else {
      log(`JDK release ${jdkCold.value.release}: ${jdkCold.value.types.length} types${jdkCold.value.note ? ` (${jdkCold.value.note})` : ''}`);
      results.push(r('jdk index cold', jdkCold.ms, 'ms'), r('jdk index cold (CPU)', jdkCold.cpuMs, 'ms'), r('jdk index cold: longest event-loop wait', jdkCold.worstWait, 'ms'), r('jdk index warm (cache)', jdkWarm.ms, 'ms'), r('jdk index warm (CPU)', jdkWarm.cpuMs, 'ms'), r('jdk index warm: longest event-loop wait', jdkWarm.worstWait, 'ms'), r('jdk types', jdkCold.value.types.length, 'types'), r('jdk cache size', dirBytes(jdkCache) / 1e6, 'MB'));
    }

    // A real project: sources, its test classpath's jars, the JDK at its release.
    const jts = path.join(VERIFY_SRC, 'jts_1.19.0+ds-1', 'jts-1.19.0');
    if (fs.existsSync(jts)) {
      const cache = path.join(tmp, 'jts-cache');
      const inputs = projectIndexInputs(jts);
      const cold = await timed(() => buildIndex(new SymbolIndex(), inputs, { cacheDir: cache }));
      const warmIndex = new SymbolIndex();
      const warm = await timed(() => buildIndex(warmIndex, inputs, { cacheDir: cache }));
      log(`jts: ${inputs.sourceFiles.length} sources, ${inputs.classpath.length} classpath entries, ${warmIndex.stats().types} types; warm parsed ${warm.value.parsed}`);
      results.push(r('jts index cold', cold.ms, 'ms'), r('jts index cold (CPU)', cold.cpuMs, 'ms'), r('jts index cold: longest event-loop wait', cold.worstWait, 'ms'), r('jts index warm (cache)', warm.ms, 'ms'), r('jts index warm (CPU)', warm.cpuMs, 'ms'), r('jts index warm: longest event-loop wait', warm.worstWait, 'ms'), r('jts types', warmIndex.stats().types, 'types'), r('jts cache size', dirBytes(cache) / 1e6, 'MB'));
    } else log(`no ${jts}: the real-project rows are skipped`);

    // A generated 10,000-class workspace, indexed in the background while a timer measures the event loop.
    const ws = path.join(tmp, 'ws');
    const files = generateWorkspace(ws, 10_000);
    const cache = path.join(tmp, 'ws-cache');
    const index = new SymbolIndex();
    const cold = await timed(() => buildIndex(index, { jdk: false, classpath: [], sourceFiles: files, workspace: ws }, { cacheDir: cache }));
    const warm = await timed(() => buildIndex(new SymbolIndex(), { jdk: false, classpath: [], sourceFiles: files, workspace: ws }, { cacheDir: cache }));
    fs.appendFileSync(files[17], '\n// edited\n');
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(files[17], later, later);
    const saved = await timed(() => indexSourceFile(index, files[17])); // what the editor does on save
    fs.appendFileSync(files[18], '\n// edited\n');
    fs.utimesSync(files[18], later, later);
    const one = await timed(() => buildIndex(index, { jdk: false, classpath: [], sourceFiles: files, workspace: ws }, { cacheDir: cache }));
    log(`workspace: cold parsed ${cold.value.parsed}, warm parsed ${warm.value.parsed}, saved file changed: ${saved.value.changed}, a rebuild after one more edit parsed ${one.value.parsed}`);
    results.push(
      r('10k-class workspace index cold', cold.ms, 'ms'),
      r('10k-class workspace index cold (CPU)', cold.cpuMs, 'ms'),
      r('10k-class workspace index warm (cache)', warm.ms, 'ms'),
      r('10k-class workspace index warm (CPU)', warm.cpuMs, 'ms'),
      r('10k-class workspace one saved file re-indexed', saved.ms, 'ms'),
      r('10k-class workspace rebuild with one file changed', one.ms, 'ms'),
      r('10k-class workspace cold: longest event-loop wait', cold.worstWait, 'ms'),
      r('10k-class workspace warm: longest event-loop wait', warm.worstWait, 'ms'),
      r('10k-class workspace source cache size', dirBytes(cache) / 1e6, 'MB'),
    );

    // One buildScope: opencsv's CSVReader.readNext with its project indexed (JDK 8 API, jars), else a generated class.
    const opencsv = path.join(VERIFY_SRC, 'opencsv_5.2-1', 'opencsv-5.2');
    const focalPath = fs.existsSync(opencsv) ? path.join(opencsv, 'src', 'main', 'java', 'com', 'opencsv', 'CSVReader.java') : files[0];
    const root = fs.existsSync(opencsv) ? opencsv : ws;
    const scopeIndex = new SymbolIndex();
    await buildIndex(scopeIndex, fs.existsSync(opencsv) ? projectIndexInputs(opencsv) : { classpath: [], sourceFiles: files }, { cacheDir: path.join(tmp, 'scope-cache') });
    const text = fs.readFileSync(focalPath, 'utf8');
    const line = Math.max(0, text.split('\n').findIndex((l) => /public String\[\] readNext\(\)|public int size\(\)/.test(l)));
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
    const prep = await prepareTest({ focalPath, focalText: text, selector: { line }, projectRoot: root, readFile: read });
    if (!prep.value) throw new Error(`cannot prepare ${focalPath}: ${prep.errors.join('; ')}`);
    await buildScope(scopeIndex, prep.value); // the first call parses the focal file into the index
    const scope = await timed(() => buildScope(scopeIndex, prep.value!));
    const json = JSON.stringify(scope.value);
    log(`scope of ${prep.value.methodLabel}: ${Object.keys(scope.value.types).length} types, ${Object.keys(scope.value.visibleTypes).length} visible names, ${Object.keys(scope.value.bareNames).length} bare names`);
    results.push(r('buildScope (one focal method)', scope.ms, 'ms'), r('buildScope (CPU)', scope.cpuMs, 'ms'), r('scope JSON size', json.length / 1000, 'kB'), r('scope types', Object.keys(scope.value.types).length, 'types'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
