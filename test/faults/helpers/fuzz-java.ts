// Fuzzed Java inputs for the analysis that runs where the user waits (listMethods for code lenses,
// buildContext for the prompt): mutations of a real class, pathological nesting and lengths, binary
// noise. Seeded, so a failure names a reproducible input. Used by the fault suite and the soak.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildContext } from '../../../src/java/context';
import { listMethods } from '../../../src/java/methods';

const SEED_FILE = path.resolve(__dirname, '../../../examples/calculator/src/main/java/com/example/calculator/Calculator.java');

const pick = <T>(random: () => number, xs: T[]): T => xs[Math.floor(random() * xs.length)];
const int = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

type Generator = (random: () => number, seed: string, scale: number) => string;

const GENERATORS: Record<string, Generator> = {
  mutate: (random, seed) => {
    let s = seed;
    for (let k = int(random, 1, 40); k > 0; k--) {
      const at = int(random, 0, s.length);
      const op = random();
      if (op < 0.3) s = s.slice(0, at) + s.slice(at + int(random, 1, 20));
      else if (op < 0.6) s = s.slice(0, at) + pick(random, ['{', '}', '(', ')', ';', '"', "'", '/*', '*/', '//', '<', '>', '@', '\\u', '\n', '\r', '\t', 'class ', 'new ', '->', '::']) + s.slice(at);
      else s = s.slice(0, at) + String.fromCharCode(int(random, 0, 0xffff)) + s.slice(at + 1);
    }
    return s;
  },
  nestedClasses: (random, _seed, scale) => {
    const n = int(random, 1, 10_000 * scale);
    return Array.from({ length: n }, (_, i) => `class C${i}{`).join('') + 'int f(){return 1;}' + '}'.repeat(random() < 0.8 ? n : int(random, 0, n));
  },
  nestedMethods: (random, _seed, scale) => {
    const n = int(random, 1, 3000 * scale);
    return Array.from({ length: n }, (_, i) => `class C${i}{int m${i}(){return ${i};}`).join('') + '}'.repeat(n);
  },
  nestedBlocks: (random, _seed, scale) => {
    const n = int(random, 1, 20_000 * scale);
    const open = pick(random, ['{', '(', '{{', 'new int[]{', 'List<']);
    return `class A { void f() { int x = ${open.repeat(n)}1${pick(random, ['}', ')', '>'])?.repeat(n)}; } }`;
  },
  longExpression: (random, _seed, scale) => `class E { int f() { return ${Array.from({ length: int(random, 1, 400_000 * scale) }, () => pick(random, ['a', '1', 'b()', '"s"'])).join(pick(random, ['+', '*', '&&', '?1:']))}; } }`,
  longLiteral: (random, _seed, scale) => `class S { String f() { return "${'x'.repeat(int(random, 1, 2_000_000 * scale))}; } }`,
  manyMethods: (random, _seed, scale) => `class M {${Array.from({ length: int(random, 1, 20_000 * scale) }, (_, i) => ` int m${i}(int a){return a;}`).join('')}}`,
  binary: (random, _seed, scale) => {
    const n = int(random, 1, 200_000 * scale);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(int(random, 0, 255));
    return s;
  },
  unicode: (random, seed) => seed.replace(/[a-z]/g, (c) => (random() < 0.05 ? String.fromCharCode(int(random, 0x80, 0xffff)) : c)),
};
export const GENERATOR_NAMES = Object.keys(GENERATORS);

/** The `i`th fuzzed input; `scale` (0–1] bounds its size (1: up to ~5 MB). */
export function fuzzJava(random: () => number, i: number, scale: number): { kind: string; text: string } {
  const kind = GENERATOR_NAMES[i % GENERATOR_NAMES.length];
  const seed = fs.readFileSync(SEED_FILE, 'utf8');
  return { kind, text: GENERATORS[kind](random, seed, scale).slice(0, 5_000_000) };
}

export interface FuzzRun {
  kind: string;
  chars: number;
  crashed?: string; // a thrown error: parsing must never throw
  listMs: number;
  contextMs: number;
  refused: boolean; // answered with an error (too large, too slow to parse, not Java)
}

/** Runs the editor's two analyses on one input. */
export async function analyse(kind: string, text: string, line: number): Promise<FuzzRun> {
  const run: FuzzRun = { kind, chars: text.length, listMs: 0, contextMs: 0, refused: false };
  try {
    let t0 = performance.now();
    const l = await listMethods(text);
    run.listMs = performance.now() - t0;
    t0 = performance.now();
    const c = await buildContext(text, { line });
    run.contextMs = performance.now() - t0;
    run.refused = (l.methods.length === 0 && l.errors.length > 0) || (!c.context && c.errors.some((e) => /too large|took longer|not text|does not look like Java/.test(e)));
  } catch (e) {
    run.crashed = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  return run;
}
