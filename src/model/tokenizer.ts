// BPE tokenizer that loads Hugging Face `tokenizer.json` files: byte-level (GPT-2 / StarCoder / CodeGen /
// Qwen2 style, and the ones `trainBpe` writes) and SentencePiece-style (Llama-2 / CodeLlama / Mistral:
// characters with byte_fallback, Metaspace or Prepend+Replace normalizers; sentencepiece.ts). Encodes any JavaScript string and decodes back losslessly
// (lone surrogates, which have no UTF-8 form, become U+FFFD). Unsupported formats are rejected with
// a clear error instead of producing different ids than Hugging Face would.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromByteLevel, toByteLevel } from './bytelevel';
import { PairHeap } from './pair-heap';
import { buildNormalizer, buildPreTokenizer, Normalizer, PreTokenizer, UnsupportedTokenizerError } from './pretokenize';
import { buildMetaspace, buildSpDecoder, characterSymbols, isMetaspace, spTokenBytes, stripLeading, type MetaspaceFn, type SpDecoder } from './sentencepiece';
import { MAX_JSON_CONFIG_BYTES, MAX_TOKENIZER_BYTES, readRegularText } from '../util/safe-read';

export { UnsupportedTokenizerError } from './pretokenize';

export interface AddedToken {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** Which tokens play the end/begin/pad roles; by default guessed from the names (or tokenizer_config.json). */
export interface SpecialRoles {
  eos?: string;
  bos?: string;
  pad?: string;
}

export interface EncodeOptions {
  /** Match added/special tokens written literally in the text (Hugging Face's default: true). */
  allowSpecial?: boolean;
}

type Json = Record<string, unknown>;

const EOS_NAMES = ['<|endoftext|>', '</s>', '<eos>', '<|end_of_text|>', '<|im_end|>', '<EOS>'];
const BOS_NAMES = ['<s>', '<bos>', '<|begin_of_text|>', '<|startoftext|>', '<BOS>'];
const PAD_NAMES = ['<pad>', '<|pad|>', '<PAD>', '[PAD]'];
const CACHE_LIMIT = 200_000;
const utf8 = new TextEncoder();

function fail(msg: string): never {
  throw new UnsupportedTokenizerError(`tokenizer.json: ${msg}`);
}

const POS = 2 ** 26; // longest pre-token handled by the heap packing (64 M characters)

export class Tokenizer {
  /** Number of ids (max id + 1, added tokens included). */
  readonly vocabSize: number;
  /** End-of-text id; -1 when the tokenizer has none. */
  readonly eosId: number;
  readonly bosId?: number;
  /** Padding id (the pad token, else eos). */
  readonly padId: number;
  readonly addedTokens: readonly AddedToken[];

  private readonly vocab = new Map<string, number>();
  private readonly idToTok: (string | undefined)[] = [];
  private readonly tokBytes: (Uint8Array | undefined)[] = [];
  private readonly specialIds = new Set<number>();
  private readonly mergeRank = new Map<number, number>(); // pair key → rank
  private readonly mergeOut: number[] = []; // rank → merged id
  private readonly pairBase: number;
  private readonly charId = new Map<string, number>();
  private readonly unkId?: number;
  private readonly ignoreMerges: boolean;
  private readonly normalizer?: Normalizer;
  private readonly preTokenize: PreTokenizer;
  private readonly addedRe?: RegExp;
  private readonly addedByContent = new Map<string, AddedToken>();
  private cache = new Map<string, number[]>(); // raw pre-token → ids
  /** SentencePiece-style BPE (characters, byte fallback); absent for byte-level BPE. */
  private readonly sp?: { metaspace?: MetaspaceFn; byteFallback: boolean; fuseUnk: boolean; decoder: SpDecoder };

  static fromFile(file: string, roles?: SpecialRoles): Tokenizer {
    let text: string;
    try {
      text = readRegularText(file, MAX_TOKENIZER_BYTES, `tokenizer ${file}`);
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.includes(file) ? msg : `cannot read tokenizer ${file}: ${msg}`);
    }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new Error(`tokenizer ${file} is not valid JSON: ${(e as Error).message}`);
    }
    return Tokenizer.fromJSON(obj, roles ?? rolesFromConfig(path.dirname(file)));
  }

  static fromJSON(obj: unknown, roles?: SpecialRoles): Tokenizer {
    return new Tokenizer(obj, roles ?? {});
  }

  private constructor(obj: unknown, roles: SpecialRoles) {
    if (typeof obj !== 'object' || obj === null) fail('expected a JSON object');
    const root = obj as Json;
    const model = root.model as Json | undefined;
    if (!model || typeof model !== 'object') fail('missing "model"');
    const mtype = model.type ?? (model.merges !== undefined ? 'BPE' : undefined);
    if (mtype !== 'BPE') fail(`unsupported model type '${String(mtype)}': only BPE (byte-level or SentencePiece-style) is supported`);
    for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
      if (model[k] !== null && model[k] !== undefined && model[k] !== '') fail(`BPE option ${k} is not supported`);
    }
    const spStyle = model.byte_fallback === true || isMetaspace(root.pre_tokenizer) || ((root.pre_tokenizer === null || root.pre_tokenizer === undefined) && root.decoder !== null && root.decoder !== undefined && !JSON.stringify(root.decoder).includes('"ByteLevel"'));
    if (spStyle) {
      const pt = root.pre_tokenizer;
      if (pt !== null && pt !== undefined && !isMetaspace(pt)) fail(`a SentencePiece-style BPE (byte_fallback or Metaspace) with pre_tokenizer ${JSON.stringify((pt as Json).type)} is not supported (Metaspace or none)`);
      this.sp = { metaspace: isMetaspace(pt) ? buildMetaspace(pt as Json) : undefined, byteFallback: model.byte_fallback === true, fuseUnk: model.fuse_unk === true, decoder: buildSpDecoder(root.decoder) };
      this.preTokenize = (p) => p;
    } else {
      const pre = buildPreTokenizer(root.pre_tokenizer);
      if (!pre.byteLevel) fail('the pre_tokenizer has no ByteLevel step and the model is not SentencePiece-style (byte_fallback, Metaspace): not supported');
      this.preTokenize = pre.fn;
      checkDecoder(root.decoder);
    }
    this.normalizer = buildNormalizer(root.normalizer);
    this.ignoreMerges = model.ignore_merges === true;

    const vocab = model.vocab as Json | undefined;
    if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) fail('model.vocab must be an object {token: id}');
    for (const [tok, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || (id as number) < 0) fail(`vocab id of ${JSON.stringify(tok)} is not a non-negative integer`);
      this.setToken(tok, id as number);
    }
    const added = Array.isArray(root.added_tokens) ? (root.added_tokens as AddedToken[]) : [];
    for (const t of added) {
      if (typeof t?.content !== 'string' || !Number.isInteger(t.id)) fail(`bad added token ${JSON.stringify(t)}`);
      const prev = this.idToTok[t.id];
      if (prev !== undefined && prev !== t.content) fail(`added token ${JSON.stringify(t.content)} reuses id ${t.id} of ${JSON.stringify(prev)}`);
      this.setToken(t.content, t.id);
      this.tokBytes[t.id] = utf8.encode(t.content);
      this.addedByContent.set(t.content, t);
      if (t.special) this.specialIds.add(t.id);
    }
    this.addedTokens = added;
    if (added.length > 0) {
      const alts = [...this.addedByContent.keys()].sort((a, b) => b.length - a.length).map(escapeRegex);
      this.addedRe = new RegExp(alts.join('|'), 'gu');
    }
    this.vocabSize = this.idToTok.length;
    this.pairBase = this.vocabSize;
    const unk = model.unk_token;
    if (typeof unk === 'string') this.unkId = this.vocab.get(unk);

    // Byte-level alphabet: every single character must be a token, or encoding could not be lossless.
    for (const [tok, id] of this.vocab) if (tok.length === 1) this.charId.set(tok, id);
    const merges = model.merges;
    if (!Array.isArray(merges)) fail('model.merges must be an array');
    merges.forEach((m: unknown, rank: number) => {
      let a: string, b: string;
      if (typeof m === 'string') {
        const parts = m.split(' ');
        if (parts.length !== 2) fail(`merge ${rank} ${JSON.stringify(m)} is not "a b"`);
        [a, b] = parts;
      } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
        [a, b] = m as [string, string];
      } else fail(`merge ${rank} ${JSON.stringify(m)} is neither "a b" nor ["a", "b"]`);
      const ia = this.vocab.get(a);
      const ib = this.vocab.get(b);
      const iz = this.vocab.get(a + b);
      if (ia === undefined || ib === undefined) fail(`merge ${rank} ${JSON.stringify(m)} uses a token not in the vocab`);
      if (iz === undefined) fail(`merge ${rank} ${JSON.stringify(m)}: ${JSON.stringify(a + b)} is not in the vocab`);
      const key = ia * this.pairBase + ib;
      if (!this.mergeRank.has(key)) {
        this.mergeRank.set(key, this.mergeOut.length);
        this.mergeOut.push(iz);
      }
    });

    const pick = (want: string | undefined, names: string[]): number | undefined => {
      if (want !== undefined) {
        const id = this.vocab.get(want);
        if (id === undefined) fail(`special token ${JSON.stringify(want)} is not in the vocab`);
        return id;
      }
      for (const n of names) if (this.vocab.has(n)) return this.vocab.get(n);
      return undefined;
    };
    this.eosId = pick(roles.eos, EOS_NAMES) ?? -1;
    this.bosId = pick(roles.bos, BOS_NAMES);
    this.padId = pick(roles.pad, PAD_NAMES) ?? this.eosId;
  }

  private setToken(tok: string, id: number): void {
    this.vocab.set(tok, id);
    while (this.idToTok.length <= id) this.idToTok.push(undefined);
    this.idToTok[id] = tok;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.idToTok[id];
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** The bytes a token stands for (its UTF-8 text for added tokens). */
  tokenBytes(id: number): Uint8Array {
    let b = this.tokBytes[id];
    if (b === undefined) {
      const tok = this.idToTok[id];
      if (tok === undefined) throw new RangeError(`token id ${id} is not in the vocabulary (size ${this.vocabSize})`);
      b = this.sp ? spTokenBytes(tok, this.sp.decoder) : (fromByteLevel(tok) ?? utf8.encode(tok));
      this.tokBytes[id] = b;
    }
    return b;
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    if (!this.addedRe || opts.allowSpecial === false) {
      this.encodePlain(text, ids);
      return ids;
    }
    const re = this.addedRe;
    re.lastIndex = 0;
    let last = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const t = this.addedByContent.get(m[0])!;
      let start = m.index;
      let end = start + m[0].length;
      if (t.single_word && (isWordChar(text[start - 1]) || isWordChar(text[end]))) continue;
      if (t.lstrip) while (start > last && /\s/u.test(text[start - 1])) start--;
      if (t.rstrip) while (end < text.length && /\s/u.test(text[end])) end++;
      this.encodePlain(text.slice(last, start), ids, last === 0);
      ids.push(t.id);
      last = end;
      re.lastIndex = end;
    }
    this.encodePlain(text.slice(last), ids, last === 0);
    return ids;
  }

  /** Encodes text between added tokens; `first`: it starts the input (Metaspace's prepend_scheme "first"). */
  private encodePlain(text: string, out: number[], first = true): void {
    if (text.length === 0) return;
    const norm = this.normalizer ? this.normalizer(text) : text;
    const sp = this.sp;
    const pieces = sp ? (sp.metaspace ? sp.metaspace(norm, first) : [norm]) : this.preTokenize([norm]);
    for (const piece of pieces) {
      if (piece.length === 0) continue;
      let ids = this.cache.get(piece);
      if (ids === undefined) {
        const whole = this.ignoreMerges ? this.vocab.get(piece) : undefined;
        ids = whole !== undefined ? [whole] : sp ? this.merge(characterSymbols(piece, this.vocab, sp.byteFallback, this.unkId, sp.fuseUnk)) : this.bpe(toByteLevel(piece));
        if (this.cache.size >= CACHE_LIMIT) this.cache = new Map();
        this.cache.set(piece, ids);
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i]);
    }
  }

  /** Applies the merges to one byte-level pre-token, lowest rank first, leftmost first (as Hugging Face). */
  private bpe(piece: string): number[] {
    if (this.ignoreMerges) {
      const whole = this.vocab.get(piece);
      if (whole !== undefined) return [whole];
    }
    const n = piece.length;
    const sym: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const id = this.charId.get(piece[i]) ?? this.unkId;
      if (id === undefined) {
        throw new UnsupportedTokenizerError(`tokenizer.json: character ${JSON.stringify(piece[i])} is not in the vocab and there is no unk_token`);
      }
      sym[i] = id;
    }
    return this.merge(sym);
  }

  /** Applies the merges to initial symbols (ids), lowest rank first, leftmost first. */
  private merge(sym: number[]): number[] {
    const n = sym.length;
    if (n < 2) return sym;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap();
    const base = this.pairBase;
    for (let i = 0; i + 1 < n; i++) {
      const r = this.mergeRank.get(sym[i] * base + sym[i + 1]);
      if (r !== undefined) heap.push(r * POS + i);
    }
    while (heap.size > 0) {
      const v = heap.pop();
      const rank = Math.floor(v / POS);
      const i = v - rank * POS;
      const j = next[i];
      if (sym[i] < 0 || j < 0 || this.mergeRank.get(sym[i] * base + sym[j]) !== rank) continue; // stale entry
      sym[i] = this.mergeOut[rank];
      sym[j] = -1;
      const k = next[j];
      next[i] = k;
      if (k >= 0) prev[k] = i;
      const p = prev[i];
      if (p >= 0) {
        const r = this.mergeRank.get(sym[p] * base + sym[i]);
        if (r !== undefined) heap.push(r * POS + p);
      }
      if (k >= 0) {
        const r = this.mergeRank.get(sym[i] * base + sym[k]);
        if (r !== undefined) heap.push(r * POS + i);
      }
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(sym[i]);
    return out;
  }

  /** Bytes of a sequence of ids (special tokens skipped when asked). */
  decodeBytes(ids: readonly number[], opts: { skipSpecialTokens?: boolean } = {}): Uint8Array {
    const parts: Uint8Array[] = [];
    let len = 0;
    for (const id of ids) {
      if (opts.skipSpecialTokens && this.specialIds.has(id)) continue;
      const b = this.tokenBytes(id);
      parts.push(b);
      len += b.length;
    }
    const out = new Uint8Array(len);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Text of a sequence of ids; invalid UTF-8 (a cut multi-byte character) becomes U+FFFD. */
  decode(ids: readonly number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(this.decodeBytes(ids, opts));
    return this.sp ? stripLeading(text, this.sp.decoder.stripStart) : text;
  }
}

function checkDecoder(cfg: unknown): void {
  if (cfg === null || cfg === undefined) return;
  const c = cfg as Json;
  if (c.type === 'ByteLevel') return;
  if (c.type === 'Sequence' && Array.isArray(c.decoders)) {
    for (const d of c.decoders as unknown[]) checkDecoder(d);
    return;
  }
  fail(`unsupported decoder type '${String(c.type)}' (only ByteLevel)`);
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}_]/u.test(c);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads eos/bos/pad names from a sibling tokenizer_config.json (Hugging Face), when there is one. */
function rolesFromConfig(dir: string): SpecialRoles | undefined {
  const file = path.join(dir, 'tokenizer_config.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    const cfg = JSON.parse(readRegularText(file, MAX_JSON_CONFIG_BYTES)) as Json;
    const name = (v: unknown): string | undefined =>
      typeof v === 'string' ? v : typeof (v as Json | null)?.content === 'string' ? ((v as Json).content as string) : undefined;
    return { eos: name(cfg.eos_token), bos: name(cfg.bos_token), pad: name(cfg.pad_token) };
  } catch {
    return undefined; // an unreadable config only loses the role names; the guesses still apply
  }
}
