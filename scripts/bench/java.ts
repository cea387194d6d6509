// Java analysis speed on a generated 10,000-line file: tree-sitter parse, listMethods, buildContext
// (default format, a method in the middle, with a test class) and placeTest into a 10,000-line test
// class. Median of --runs after one warm-up run; the cold first run is reported too. No anchor.
//   node --import tsx scripts/bench/java.ts [--runs 7]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { javaParser } from '../../src/java/parser';
import { listMethods } from '../../src/java/methods';
import { buildContext } from '../../src/java/context';
import { placeTest } from '../../src/java/placement';
import type { BenchResult } from './_common';


/** A focal class of exactly `lines` lines: fields, constructors, javadoc'd methods with loops and strings. */
export function bigFocal(lines: number): string {
  const out = ['package bench;', '', 'import java.util.*;', '', '/** Generated for benchmarks. */', 'public class Big {', '', '    private final Map<String, Integer> counts = new HashMap<>();', '    private int total;', '', '    public Big() {', '    }', ''];
  let n = 0;
  const method = (i: number): string[] => [
    `    /** Method ${i}: adds "{${i}}" to the counts. */`,
    `    public int m${i}(String key, int x) {`,
    `        String label = "m${i} { " + key + " }";`,
    `        for (int i = 0; i < x; i++) {`,
    `            total += i * ${i};`,
    `        }`,
    `        counts.merge(label, x, Integer::sum);`,
    `        return total;`,
    `    }`,
    '',
  ];
  while (out.length + 10 <= lines - 1) out.push(...method(n++));
  while (out.length < lines - 1) out.push('    // padding');
  out.push('}');
  return out.join('\n');
}

function bigTest(lines: number): string {
  const out = ['package bench;', '', 'import org.junit.jupiter.api.Test;', '', 'class BigTest {', '', '    private Big big = new Big();', ''];
  let n = 0;
  while (out.length + 6 <= lines - 1) out.push('    @Test', `    void testM${n}() {`, `        big.m${n}("k", ${n});`, `        org.junit.jupiter.api.Assertions.assertTrue(true);`, '    }', ''), n++;
  while (out.length < lines - 1) out.push('');
  out.push('}');
  return out.join('\n');
}

async function time(fn: () => Promise<unknown> | unknown, runs: number): Promise<{ cold: number; median: number }> {
  let t = performance.now();
  await fn();
  const cold = performance.now() - t;
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return { cold, median: xs[Math.floor(xs.length / 2)] };
}

async function main(): Promise<void> {
  const runsIdx = process.argv.indexOf('--runs');
  const runs = runsIdx > 0 ? Number(process.argv[runsIdx + 1]) : 7;
  const focal = bigFocal(10000);
  const test = bigTest(10000);
  if (focal.split('\n').length !== 10000 || test.split('\n').length !== 10000) throw new Error('generator is off');
  const parser = await javaParser();
  const parse = await time(() => parser.parse(focal).delete(), runs);
  const list = await time(() => listMethods(focal), runs);
  const middle = `m${Math.floor((10000 - 13) / 20)}`;
  const ctx = await time(async () => {
    const r = await buildContext(focal, { name: middle }, { testSource: test });
    if (!r.context) throw new Error(r.errors.join('; '));
  }, runs);
  const ctxAlone = await time(async () => {
    const r = await buildContext(focal, { name: middle });
    if (!r.context) throw new Error(r.errors.join('; '));
  }, runs);
  const ctxLine = await time(() => buildContext(focal, { line: 5000 }, { testSource: test }), runs);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-bench-'));
  fs.mkdirSync(path.join(root, 'src/main/java/bench'), { recursive: true });
  fs.writeFileSync(path.join(root, 'pom.xml'), '<project>junit-jupiter</project>');
  const place = await time(async () => {
    const p = await placeTest({ projectRoot: root, focalFile: path.join(root, 'src/main/java/bench/Big.java'), focalSource: focal, testMethod: '@Test\nvoid testNew() {\n    assertEquals(1, 1);\n}', existingTestText: test });
    if (p.errors.length) throw new Error(p.errors.join('; '));
  }, runs);
  fs.rmSync(root, { recursive: true, force: true });
  const r = (name: string, value: number): BenchResult => ({ name, value: Math.round(value * 10) / 10, unit: 'ms', anchor: null, anchor_value: null, ratio: null });
  const results = [
    r('parse 10k-line file (median)', parse.median),
    r('parse 10k-line file (cold, first in process)', parse.cold),
    r('listMethods 10k lines (median)', list.median),
    r('buildContext (parse + context) by name, 10k-line focal, no test class (median)', ctxAlone.median),
    r('buildContext by name, 10k-line focal + 10k-line test (median)', ctx.median),
    r('buildContext by line, 10k-line focal + 10k-line test (median)', ctxLine.median),
    r('placeTest into 10k-line test class (median)', place.median),
  ];
  for (const x of results) process.stderr.write(`${x.name}: ${x.value} ms\n`);
  console.log(JSON.stringify(results));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
