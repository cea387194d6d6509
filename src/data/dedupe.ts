// Duplicate removal: pairs by whitespace-normalised text; source files exactly (bytes) and
// near-exactly (comments and whitespace ignored, then MinHash over token 5-grams with LSH buckets).
import { createHash } from 'node:crypto';

function normaliseWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function sha1(s: string | Buffer): string {
  return createHash('sha1').update(s).digest('hex');
}

/** Removes records whose whitespace-normalised (source, target) was already seen (in `seen` too). */
export function dedupeRecords<T extends { source: string; target: string }>(records: T[], seen = new Set<string>()): { kept: T[]; dropped: T[] } {
  const kept: T[] = [];
  const dropped: T[] = [];
  for (const r of records) {
    const key = sha1(normaliseWhitespace(r.source) + '\u0000' + normaliseWhitespace(r.target));
    if (seen.has(key)) dropped.push(r);
    else {
      seen.add(key);
      kept.push(r);
    }
  }
  return { kept, dropped };
}

/** Java text without comments and with whitespace collapsed (string literals kept as they are). */
export function stripJavaComments(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
    } else if (c === '"' || c === "'") {
      const start = i++;
      while (i < n && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      out += text.slice(start, i);
    } else {
      out += c;
      i++;
    }
  }
  return normaliseWhitespace(out);
}

const K = 64; // signature length (one-permutation hashing: K bins)
const BANDS = 16; // LSH: 16 bands of 4 rows → pairs with Jaccard ≳ 0.5 meet in a bucket; verified at THRESHOLD
const ROWS = K / BANDS;
const NEAR_DUP_THRESHOLD = 0.9;

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MinHash signature (one-permutation hashing) over 5-grams of the normalised text's tokens. */
export function minhash(normalised: string): Uint32Array {
  const sig = new Uint32Array(K).fill(0xffffffff);
  const tokens: number[] = [];
  const re = /[A-Za-z_$][\w$]*|\d[\w.]*|\S/g;
  for (let m = re.exec(normalised); m; m = re.exec(normalised)) tokens.push(fnv1a(m[0], 0, m[0].length));
  const G = 5;
  if (tokens.length < G) {
    sig[0] = mix(tokens.reduce((a, t) => mix(a ^ t), 7));
    return sig;
  }
  for (let i = 0; i + G <= tokens.length; i++) {
    let h = 0;
    for (let j = 0; j < G; j++) h = mix(h ^ tokens[i + j]) + j;
    h = mix(h);
    const bin = h % K;
    const v = Math.floor(h / K);
    if (v < sig[bin]) sig[bin] = v;
  }
  return sig;
}

export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  let both = 0;
  for (let i = 0; i < K; i++) {
    if (a[i] === 0xffffffff && b[i] === 0xffffffff) continue;
    both++;
    if (a[i] === b[i]) same++;
  }
  return both === 0 ? 1 : same / both;
}

/** Streaming file deduplicator: `check(text)` says whether a file duplicates an earlier one. */
export class FileDeduper {
  private exact = new Set<string>();
  private normal = new Set<string>();
  private buckets = new Map<number, number[]>();
  private sigs: Uint32Array[] = [];
  counts = { exact: 0, normalised: 0, near: 0, kept: 0 };

  check(text: string): 'exact' | 'normalised' | 'near' | undefined {
    const h = sha1(text);
    if (this.exact.has(h)) {
      this.counts.exact++;
      return 'exact';
    }
    this.exact.add(h);
    const norm = stripJavaComments(text);
    const nh = sha1(norm);
    if (this.normal.has(nh)) {
      this.counts.normalised++;
      return 'normalised';
    }
    this.normal.add(nh);
    const sig = minhash(norm);
    const keys: number[] = [];
    for (let b = 0; b < BANDS; b++) {
      const rows = sig.subarray(b * ROWS, (b + 1) * ROWS);
      if (rows.every((v) => v === 0xffffffff)) continue; // empty bins say nothing (short files)
      let key = mix(b + 1);
      for (const v of rows) key = mix(key ^ v);
      keys.push(key);
      for (const idx of this.buckets.get(key) ?? []) {
        if (similarity(sig, this.sigs[idx]) >= NEAR_DUP_THRESHOLD) {
          this.counts.near++;
          return 'near';
        }
      }
    }
    const idx = this.sigs.push(sig) - 1;
    for (const key of keys) {
      const list = this.buckets.get(key);
      if (list) list.push(idx);
      else this.buckets.set(key, [idx]);
    }
    this.counts.kept++;
    return undefined;
  }
}
