// The SentencePiece-style parts of a Hugging Face `tokenizer.json` (Llama-2, CodeLlama, Mistral, …), as
// the Rust `tokenizers` core applies them: the Metaspace pre-tokenizer (spaces become `▁`, a `▁` is
// prepended always / on the input's first piece only, optional split before each `▁`), the initial
// symbols of BPE over characters with `byte_fallback` (a character missing from the vocabulary becomes
// its UTF-8 bytes as `<0xNN>` tokens, else `unk`, fused when `fuse_unk`), and the decoders that undo it
// (Replace `▁`→space, ByteFallback, Fuse, Strip, Metaspace).
import { UnsupportedTokenizerError } from './pretokenize';

type Json = Record<string, unknown>;
const META = '▁';

function fail(msg: string): never {
  throw new UnsupportedTokenizerError(`tokenizer.json: ${msg}`);
}

/** Metaspace pre-tokenizer: `first` says whether the piece starts the input (offset 0). */
export type MetaspaceFn = (text: string, first: boolean) => string[];

export function isMetaspace(cfg: unknown): boolean {
  return typeof cfg === 'object' && cfg !== null && (cfg as Json).type === 'Metaspace';
}

export function buildMetaspace(cfg: Json): MetaspaceFn {
  const rep = cfg.replacement ?? META;
  if (typeof rep !== 'string' || [...rep].length !== 1) fail(`Metaspace replacement must be one character, got ${JSON.stringify(rep)}`);
  // older files: add_prefix_space true/false instead of prepend_scheme
  const scheme = cfg.prepend_scheme ?? (cfg.add_prefix_space === false ? 'never' : 'always');
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') fail(`Metaspace prepend_scheme ${JSON.stringify(scheme)} is not supported (always, first, never)`);
  const split = cfg.split !== false;
  return (text, first) => {
    let s = text.replaceAll(' ', rep);
    if ((scheme === 'always' || (scheme === 'first' && first)) && !s.startsWith(rep)) s = rep + s;
    if (!split) return [s];
    // split before each replacement character, which stays with the piece it starts (MergedWithNext)
    const out: string[] = [];
    let start = 0;
    for (let i = s.indexOf(rep, 1); i >= 0; i = s.indexOf(rep, i + rep.length)) {
      out.push(s.slice(start, i));
      start = i;
    }
    out.push(s.slice(start));
    return out.filter((p) => p.length > 0);
  };
}

/** Initial BPE symbols of one piece: its characters' ids, with byte fallback and (fused) unk as Hugging Face. */
export function characterSymbols(piece: string, vocab: Map<string, number>, byteFallback: boolean, unkId: number | undefined, fuseUnk: boolean): number[] {
  const out: number[] = [];
  let pendingUnk = false;
  for (const c of piece) {
    const id = vocab.get(c);
    if (id !== undefined) {
      if (pendingUnk) out.push(unkId!);
      pendingUnk = false;
      out.push(id);
      continue;
    }
    if (byteFallback) {
      const bytes = [...Buffer.from(c, 'utf8')].map((b) => vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
      // like the Rust core, a pending unk is not flushed before byte tokens (it only follows a character with no byte tokens)
      if (bytes.every((b) => b !== undefined)) {
        out.push(...(bytes as number[]));
        continue;
      }
    }
    if (unkId === undefined) fail(`character ${JSON.stringify(c)} is not in the vocab, has no byte fallback and there is no unk_token`);
    if (pendingUnk && !fuseUnk) out.push(unkId);
    pendingUnk = true;
  }
  if (pendingUnk) out.push(unkId!);
  return out;
}

/** What the decoder does to token texts: `<0xNN>` tokens are bytes, `▁` a space, leading spaces stripped. */
export interface SpDecoder {
  byteFallback: boolean;
  metaToSpace: boolean;
  stripStart: number;
}

/** Reads a decoder made of Replace(▁→space), ByteFallback, Fuse, Strip(space, n, 0) or Metaspace steps. */
export function buildSpDecoder(cfg: unknown): SpDecoder {
  const d: SpDecoder = { byteFallback: false, metaToSpace: false, stripStart: 0 };
  const visit = (c: unknown): void => {
    if (c === null || c === undefined) return;
    const o = c as Json;
    switch (o.type) {
      case 'Sequence':
        for (const x of (o.decoders as unknown[]) ?? []) visit(x);
        return;
      case 'ByteFallback':
        d.byteFallback = true;
        return;
      case 'Fuse':
        return;
      case 'Replace': {
        const p = o.pattern as Json | undefined;
        if (p?.String !== META || o.content !== ' ') fail(`decoder Replace other than "${META}" → " " is not supported`);
        d.metaToSpace = true;
        return;
      }
      case 'Strip':
        if (o.content !== ' ' || o.stop !== 0 || !Number.isInteger(o.start)) fail('decoder Strip other than leading spaces is not supported');
        d.stripStart = o.start as number;
        return;
      case 'Metaspace':
        d.metaToSpace = true;
        if ((o.prepend_scheme ?? 'always') !== 'never' && o.add_prefix_space !== false) d.stripStart = 1;
        return;
      default:
        fail(`unsupported decoder type '${String(o.type)}' for a SentencePiece-style tokenizer (Replace, ByteFallback, Fuse, Strip, Metaspace, Sequence)`);
    }
  };
  visit(cfg);
  return d;
}

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;

/** The bytes of a vocabulary token under `d`. */
export function spTokenBytes(tok: string, d: SpDecoder): Uint8Array {
  const m = d.byteFallback ? BYTE_TOKEN.exec(tok) : null;
  if (m) return Uint8Array.of(parseInt(m[1], 16));
  return new TextEncoder().encode(d.metaToSpace ? tok.replaceAll(META, ' ') : tok);
}

/** Strips up to `n` leading spaces (the decoder's Strip / Metaspace after Fuse). */
export function stripLeading(text: string, n: number): string {
  let i = 0;
  while (i < n && text[i] === ' ') i++;
  return text.slice(i);
}
