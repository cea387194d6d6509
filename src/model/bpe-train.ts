// Byte-level BPE trainer producing a Hugging Face `tokenizer.json` object (loadable by Python's
// `tokenizers` and by our `Tokenizer`). Counts GPT-2 pre-tokens once, then merges the most frequent
// pair repeatedly, updating pair counts incrementally only in the words that contain the merged pair
// (a max-heap with lazy re-validation picks the next pair, ties go to the smaller ids, as in HF).

import { byteLevelAlphabet, toByteLevel } from './bytelevel';
import { GPT2_RE_SOURCE, splitWith } from './pretokenize';

export interface TrainBpeOptions {
  /** Final vocabulary size, special tokens and the 256-byte alphabet included. */
  vocabSize: number;
  /** Special tokens, given ids 0, 1, … in order (default: `<|endoftext|>`). */
  specialTokens?: string[];
  /** A pair must occur at least this often to be merged (default 2). */
  minFrequency?: number;
  /** Called every 1,000 merges. */
  onProgress?: (merges: number, target: number) => void;
}

/** The JSON object of a Hugging Face tokenizer.json (the fields our loader and HF's read). */
export interface TokenizerJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: { id: number; content: string; single_word: boolean; lstrip: boolean; rstrip: boolean; normalized: boolean; special: boolean }[];
  normalizer: null;
  pre_tokenizer: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  post_processor: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  decoder: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: boolean;
    byte_fallback: boolean;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
}

/** Pre-token counts of a corpus (raw text pieces, before the byte-level mapping). */
export class WordCounter {
  readonly counts = new Map<string, number>();
  bytes = 0;
  private readonly re = new RegExp(GPT2_RE_SOURCE, 'gu');

  add(text: string): void {
    this.bytes += Buffer.byteLength(text, 'utf8');
    for (const w of splitWith(text, this.re, 'Isolated')) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
  }
}

const KEY = 2 ** 21; // pair key = a * KEY + b; vocabularies up to 2 M tokens

/** Max-heap of (count, pair key); ties: smaller key first. */
class CountHeap {
  private c: number[] = [];
  private k: number[] = [];
  get size(): number {
    return this.c.length;
  }
  private above(c1: number, k1: number, c2: number, k2: number): boolean {
    return c1 > c2 || (c1 === c2 && k1 < k2);
  }
  push(count: number, key: number): void {
    const c = this.c;
    const k = this.k;
    let i = c.length;
    c.push(count);
    k.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(count, key, c[p], k[p])) break;
      c[i] = c[p];
      k[i] = k[p];
      i = p;
    }
    c[i] = count;
    k[i] = key;
  }
  /** Removes the top; returns [count, key]. */
  pop(): [number, number] {
    const c = this.c;
    const k = this.k;
    const top: [number, number] = [c[0], k[0]];
    const lc = c.pop()!;
    const lk = k.pop()!;
    if (c.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= c.length) break;
        const r = l + 1;
        const m = r < c.length && this.above(c[r], k[r], c[l], k[l]) ? r : l;
        if (!this.above(c[m], k[m], lc, lk)) break;
        c[i] = c[m];
        k[i] = k[m];
        i = m;
      }
      c[i] = lc;
      k[i] = lk;
    }
    return top;
  }
}

export function trainBpe(texts: Iterable<string>, opts: TrainBpeOptions): TokenizerJson {
  const counter = new WordCounter();
  for (const t of texts) counter.add(t);
  return trainBpeFromCounts(counter.counts, opts);
}

export function trainBpeFromCounts(rawCounts: ReadonlyMap<string, number>, opts: TrainBpeOptions): TokenizerJson {
  const specials = opts.specialTokens ?? ['<|endoftext|>'];
  const minFreq = Math.max(1, opts.minFrequency ?? 2);
  const alphabet = byteLevelAlphabet();
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < specials.length + alphabet.length) {
    throw new Error(`vocabSize must be an integer ≥ ${specials.length + alphabet.length} (specials + 256 bytes), got ${opts.vocabSize}`);
  }
  if (opts.vocabSize >= KEY) throw new Error(`vocabSize must be below ${KEY}`);
  if (new Set(specials).size !== specials.length) throw new Error('specialTokens contains duplicates');

  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const addToken = (t: string): number => {
    let id = ids.get(t);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(t);
      ids.set(t, id);
    }
    return id;
  };
  for (const s of specials) addToken(s);
  for (const c of alphabet) addToken(c);

  // Words as symbol-id arrays (byte-level pieces), merged by their byte-level form.
  const wordIndex = new Map<string, number>();
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [raw, n] of rawCounts) {
    const bl = toByteLevel(raw);
    const at = wordIndex.get(bl);
    if (at !== undefined) {
      counts[at] += n;
      continue;
    }
    wordIndex.set(bl, words.length);
    const sym = new Array<number>(bl.length);
    for (let i = 0; i < bl.length; i++) sym[i] = ids.get(bl[i])!;
    words.push(sym);
    counts.push(n);
  }

  const pairCount = new Map<number, number>();
  const where = new Map<number, number[]>();
  const addPair = (key: number, n: number): void => {
    const v = (pairCount.get(key) ?? 0) + n;
    if (v === 0) pairCount.delete(key);
    else pairCount.set(key, v);
  };
  const addWhere = (key: number, w: number): void => {
    const list = where.get(key);
    if (list === undefined) where.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  for (let w = 0; w < words.length; w++) {
    const s = words[w];
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i] * KEY + s[i + 1];
      addPair(key, counts[w]);
      addWhere(key, w);
    }
  }
  const heap = new CountHeap();
  for (const [key, n] of pairCount) heap.push(n, key);

  const merges: string[] = [];
  const target = opts.vocabSize;
  const stamp = new Int32Array(words.length).fill(-1);
  while (tokens.length < target && heap.size > 0) {
    const [count, key] = heap.pop();
    const current = pairCount.get(key) ?? 0;
    if (current !== count) {
      if (current > 0) heap.push(current, key); // stale: re-queue with the true count
      continue;
    }
    if (count < minFreq) break;
    const a = Math.floor(key / KEY);
    const b = key - a * KEY;
    const z = addToken(tokens[a] + tokens[b]);
    merges.push(`${tokens[a]} ${tokens[b]}`);
    const touched = new Set<number>();
    for (const w of where.get(key) ?? []) {
      if (stamp[w] === merges.length) continue;
      stamp[w] = merges.length;
      const s = words[w];
      let found = false;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) found = true;
      if (!found) continue;
      const n = counts[w];
      for (let i = 0; i + 1 < s.length; i++) addPair(s[i] * KEY + s[i + 1], -n);
      const t: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          t.push(z);
          i++;
        } else t.push(s[i]);
      }
      for (let i = 0; i + 1 < t.length; i++) {
        const k2 = t[i] * KEY + t[i + 1];
        addPair(k2, n);
        if (t[i] === z || t[i + 1] === z) {
          touched.add(k2);
          addWhere(k2, w);
        }
      }
      words[w] = t;
    }
    where.delete(key);
    pairCount.delete(key);
    for (const k2 of touched) {
      const n = pairCount.get(k2);
      if (n !== undefined && n > 0) heap.push(n, k2);
    }
    if (opts.onProgress && merges.length % 1000 === 0) opts.onProgress(merges.length, target - specials.length - alphabet.length);
  }

  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const bl = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...bl },
    post_processor: { type: 'ByteLevel', ...bl, trim_offsets: false },
    decoder: { type: 'ByteLevel', ...bl },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/**
 * The tokenizer that training with a smaller `vocabSize` would have given: BPE training is greedy, so
 * its merges are a prefix of a larger run's. Keeps ids below `vocabSize` and the merges that make them.
 */
export function truncateBpe(json: TokenizerJson, vocabSize: number): TokenizerJson {
  const vocab: Record<string, number> = {};
  for (const [t, id] of Object.entries(json.model.vocab)) if (id < vocabSize) vocab[t] = id;
  const merges = json.model.merges.filter((m) => {
    const sp = m.indexOf(' ');
    const id = json.model.vocab[m.slice(0, sp) + m.slice(sp + 1)];
    return id !== undefined && id < vocabSize;
  });
  // A merge can only use tokens made by earlier merges, so the kept merges form a prefix.
  return {
    ...json,
    added_tokens: json.added_tokens.filter((t) => t.id < vocabSize),
    model: { ...json.model, vocab, merges },
  };
}
