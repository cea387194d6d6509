// Deterministic splits that keep related pairs together: by repository (package) for the corpus,
// by focal class inside one repository for the fine-tune command's held-out check.
import { createHash } from 'node:crypto';

/** A stable number in [0, 1) for a key and seed. */
function bucketOf(key: string, seed = 0): number {
  const h = createHash('sha1').update(`${seed}\u0000${key}`).digest();
  return h.readUInt32BE(0) / 0x100000000;
}

export interface RepoSplit<T> {
  train: T[];
  valid: T[];
  test: T[];
}

/** Splits by `repository`: every record of one repository lands in the same part. */
export function splitByRepository<T extends { repository: string }>(records: T[], opts: { valid?: number; test?: number; seed?: number } = {}): RepoSplit<T> {
  const valid = opts.valid ?? 0.05;
  const test = opts.test ?? 0;
  if (valid < 0 || test < 0 || valid + test >= 1) throw new Error(`bad split fractions: valid ${valid}, test ${test}`);
  const out: RepoSplit<T> = { train: [], valid: [], test: [] };
  for (const r of records) {
    const b = bucketOf(r.repository, opts.seed);
    if (b < test) out.test.push(r);
    else if (b < test + valid) out.valid.push(r);
    else out.train.push(r);
  }
  return out;
}

/** Which part a repository (package) goes to, for streaming writers. */
export function partOfRepository(repository: string, opts: { valid?: number; test?: number; seed?: number } = {}): 'train' | 'valid' | 'test' {
  const b = bucketOf(repository, opts.seed);
  const test = opts.test ?? 0;
  if (b < test) return 'test';
  if (b < test + (opts.valid ?? 0.05)) return 'valid';
  return 'train';
}

/**
 * Splits one repository's pairs by focal class: whole classes are held out, in a seeded order, until at
 * least `fraction` of the pairs are held out. With two or more classes both parts are non-empty.
 */
export function splitByClass<T extends { focal_class: string }>(records: T[], fraction: number, seed = 0): { train: T[]; heldOut: T[]; heldOutClasses: string[] } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`held-out fraction must be in (0, 1), got ${fraction}`);
  const groups = new Map<string, T[]>();
  for (const r of records) {
    const g = groups.get(r.focal_class);
    if (g) g.push(r);
    else groups.set(r.focal_class, [r]);
  }
  const classes = [...groups.keys()].sort((a, b) => bucketOf(a, seed) - bucketOf(b, seed) || a.localeCompare(b));
  const want = Math.max(1, Math.round(records.length * fraction));
  const held = new Set<string>();
  let n = 0;
  for (const c of classes) {
    if (n >= want || held.size >= classes.length - 1) break;
    held.add(c);
    n += groups.get(c)!.length;
  }
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const r of records) (held.has(r.focal_class) ? heldOut : train).push(r);
  return { train, heldOut, heldOutClasses: [...held] };
}

/**
 * Groups one repository's pairs so that pairs sharing a test class or a focal class are in one group
 * (connected through either), in a seeded order: the unit every split below holds out whole.
 */
export function groupsByTestClass<T extends { focal_class: string; test_class: string }>(records: T[], seed = 0): T[][] {
  // union-find over "t:<test class>" and "f:<focal class>" keys
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r) ?? (parent.set(r, r), r);
    parent.set(k, r);
    return r;
  };
  for (const r of records) {
    const a = find(`t:${r.test_class}`);
    const b = find(`f:${r.focal_class}`);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  const groups = new Map<string, T[]>();
  for (const r of records) {
    const g = find(`t:${r.test_class}`);
    const list = groups.get(g);
    if (list) list.push(r);
    else groups.set(g, [r]);
  }
  const keys = [...groups.keys()].sort((a, b) => bucketOf(a, seed) - bucketOf(b, seed) || a.localeCompare(b));
  return keys.map((k) => groups.get(k)!);
}

const testClassesOf = (records: readonly { test_class?: string }[]): string[] => [...new Set(records.flatMap((r) => (r.test_class === undefined ? [] : [r.test_class])))].sort();

/**
 * Splits one repository's pairs so that no test class and no focal class lands on both sides: whole
 * groups (`groupsByTestClass`) are held out in a seeded order until at least `fraction` of the pairs are
 * held out. With two or more groups both parts are non-empty. Used by `testtune finetune`, whose
 * judgement must never generate for a focal method whose tests (or a sibling test of the same class)
 * were trained on.
 */
export function splitByTestClass<T extends { focal_class: string; test_class: string }>(
  records: T[],
  fraction: number,
  seed = 0,
): { train: T[]; heldOut: T[]; heldOutTestClasses: string[] } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`held-out fraction must be in (0, 1), got ${fraction}`);
  const groups = groupsByTestClass(records, seed);
  const want = Math.max(1, Math.round(records.length * fraction));
  const held = new Set<T[]>();
  let n = 0;
  for (const g of groups) {
    if (n >= want || held.size >= groups.length - 1) break;
    held.add(g);
    n += g.length;
  }
  const heldRecords = new Set([...held].flat());
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const r of records) (heldRecords.has(r) ? heldOut : train).push(r);
  return { train, heldOut, heldOutTestClasses: testClassesOf(heldOut) };
}

/**
 * k folds for cross-validation, by the same groups: every pair in exactly one fold, no test class and no
 * focal class in two folds; groups go largest first to the fold with the fewest pairs (seeded order among
 * equal sizes), so folds are as even as the groups allow. Fewer than k groups give fewer (non-empty) folds.
 */
export function foldsByTestClass<T extends { focal_class: string; test_class: string }>(records: T[], k: number, seed = 0): { pairs: T[]; testClasses: string[] }[] {
  return foldsOfGroups(records, groupsByTestClass(records, seed), k);
}

/**
 * k folds by focal method (file and line): all tests of one focal method in one fold, while other methods
 * of the same class, and other tests of the same test class, may be trained on: the case of a new method
 * in a class that already has tests. Not the gate's split (that is by test class); a measurement.
 */
export function foldsByFocalMethod<T extends { focal_path: string; focal_line: number }>(records: T[], k: number, seed = 0): { pairs: T[]; testClasses: string[] }[] {
  const groups = new Map<string, T[]>();
  for (const r of records) {
    const key = `${r.focal_path}:${r.focal_line}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const keys = [...groups.keys()].sort((a, b) => bucketOf(a, seed) - bucketOf(b, seed) || a.localeCompare(b));
  return foldsOfGroups(records, keys.map((key) => groups.get(key)!), k);
}

function foldsOfGroups<T>(records: T[], groups: T[][], k: number): { pairs: T[]; testClasses: string[] }[] {
  if (!(Number.isInteger(k) && k >= 2)) throw new Error(`folds must be an integer of at least 2, got ${k}`);
  const order = groups.map((g, i) => ({ g, i })).sort((a, b) => b.g.length - a.g.length || a.i - b.i);
  const folds: T[][] = Array.from({ length: Math.min(k, groups.length) }, () => []);
  for (const { g } of order) {
    let smallest = 0;
    for (let f = 1; f < folds.length; f++) if (folds[f].length < folds[smallest].length) smallest = f;
    folds[smallest].push(...g);
  }
  // each fold in the records' own order
  const foldOf = new Map<T, number>();
  folds.forEach((f, i) => f.forEach((r) => foldOf.set(r, i)));
  const ordered: T[][] = folds.map(() => []);
  for (const r of records) ordered[foldOf.get(r)!].push(r);
  return ordered.map((pairs) => ({ pairs, testClasses: testClassesOf(pairs as { test_class?: string }[]) }));
}
