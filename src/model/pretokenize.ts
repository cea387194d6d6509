// Normalizers and pre-tokenizers of a Hugging Face `tokenizer.json`, for byte-level BPE models.
// Supported: normalizers NFC/NFD/NFKC/NFKD/Lowercase/Prepend/Replace/Sequence; pre-tokenizers ByteLevel, Split
// (string or Oniguruma regex, all five behaviours, invert), Digits, Punctuation, Sequence.
// Anything else is rejected with a clear error (it would silently change the token ids otherwise).

/** GPT-2's pre-tokenization pattern, as Hugging Face's ByteLevel pre-tokenizer uses it (Oniguruma syntax). */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

export class UnsupportedTokenizerError extends Error {}

type Json = Record<string, unknown>;

function typeOf(cfg: unknown, what: string): string {
  if (typeof cfg !== 'object' || cfg === null || typeof (cfg as Json).type !== 'string') {
    throw new UnsupportedTokenizerError(`${what}: expected an object with a "type", got ${JSON.stringify(cfg)}`);
  }
  return (cfg as Json).type as string;
}

// ---------------------------------------------------------------- normalizers

export type Normalizer = (text: string) => string;

export function buildNormalizer(cfg: unknown): Normalizer | undefined {
  if (cfg === null || cfg === undefined) return undefined;
  const type = typeOf(cfg, 'normalizer');
  switch (type) {
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return (s) => s.normalize(type);
    case 'Lowercase':
      return (s) => s.toLowerCase();
    case 'Prepend': {
      // Hugging Face prepends to every non-empty input (each piece between added tokens)
      const pre = (cfg as Json).prepend;
      if (typeof pre !== 'string') throw new UnsupportedTokenizerError(`Prepend normalizer: "prepend" must be a string`);
      return (s) => (s.length ? pre + s : s);
    }
    case 'Replace': {
      const c = cfg as Json;
      const pat = c.pattern as Json | undefined;
      if (typeof c.content !== 'string') throw new UnsupportedTokenizerError(`Replace normalizer: "content" must be a string`);
      const content = c.content;
      if (pat && typeof pat.String === 'string') {
        const from = pat.String;
        return (s) => s.replaceAll(from, content);
      }
      if (pat && typeof pat.Regex === 'string') {
        const re = compileOnig(pat.Regex);
        return (s) => s.replace(re, () => content);
      }
      throw new UnsupportedTokenizerError(`Replace normalizer: pattern must be {"String": …} or {"Regex": …}`);
    }
    case 'Sequence': {
      const parts = ((cfg as Json).normalizers as unknown[] | undefined) ?? [];
      const fns = parts.map(buildNormalizer).filter((f): f is Normalizer => f !== undefined);
      return (s) => fns.reduce((acc, f) => f(acc), s);
    }
    default:
      throw new UnsupportedTokenizerError(`unsupported normalizer type '${type}' (supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Sequence)`);
  }
}

// ---------------------------------------------------------------- regex translation

function caseVariants(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : c;
}

/**
 * Translates the Oniguruma patterns found in tokenizer.json files into a JavaScript (`u` flag) pattern:
 * `\s`/`\S` become Unicode White_Space (as in Oniguruma), `(?i:…)` groups are expanded case by case,
 * possessive quantifiers (`?+`, `*+`, `++`, `}+`) lose their possessive mark, `\x{HHHH}` becomes `\u{HHHH}`.
 */
export function onigToJs(src: string): string {
  let out = '';
  let inClass = false;
  let ciDepth = 0;
  const groups: boolean[] = [];
  let lastQuant = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      lastQuant = false;
      if (n === 's') out += '\\p{White_Space}';
      else if (n === 'S') out += '\\P{White_Space}';
      else if (n === 'x' && src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        out += `\\u{${src.slice(i + 3, end)}}`;
        i = end;
        continue;
      } else if ((n === 'p' || n === 'P') && src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        out += src.slice(i, end + 1);
        i = end;
        continue;
      } else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += ciDepth > 0 && /\p{L}/u.test(c) ? c.toLowerCase() + c.toUpperCase() : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      lastQuant = false;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i]; // a leading ']' is literal in Oniguruma
      continue;
    }
    if (c === '(') {
      lastQuant = false;
      if (src.startsWith('(?i:', i)) {
        groups.push(true);
        ciDepth++;
        out += '(?:';
        i += 3;
      } else {
        groups.push(false);
        out += c;
        if (src[i + 1] === '?') out += src[++i]; // group syntax, not a quantifier
      }
      continue;
    }
    if (c === ')') {
      if (groups.pop()) ciDepth--;
      lastQuant = false; // the group itself may be quantified next
      out += c;
      continue;
    }
    if (c === '?' || c === '*' || c === '+') {
      if (lastQuant) {
        // A modifier right after a quantifier: '?' (lazy) exists in JS, '+' (possessive) does not.
        if (c === '?') out += c;
        lastQuant = false;
        continue;
      }
      out += c;
      lastQuant = true;
      continue;
    }
    if (c === '{') {
      const end = src.indexOf('}', i);
      if (end > 0 && /^\{\d*,?\d*\}$/.test(src.slice(i, end + 1))) {
        out += src.slice(i, end + 1);
        i = end;
        lastQuant = true;
        continue;
      }
    }
    lastQuant = false;
    out += ciDepth > 0 ? caseVariants(c) : c;
  }
  return out;
}

export function compileOnig(pattern: string): RegExp {
  const js = onigToJs(pattern);
  try {
    return new RegExp(js, 'gu');
  } catch (e) {
    throw new UnsupportedTokenizerError(`cannot translate pre-tokenizer regex ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------- splitting

export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/** Splits `text` around the matches of `re` (global), like Hugging Face's `SplitDelimiterBehavior`. */
export function splitWith(text: string, re: RegExp, behavior: SplitBehavior, invert = false): string[] {
  if (behavior === 'Isolated') return splitIsolated(text, re);
  const segs: { s: string; m: boolean }[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) segs.push({ s: text.slice(last, m.index), m: invert });
    segs.push({ s: m[0], m: !invert });
    last = m.index + m[0].length;
  }
  if (last < text.length) segs.push({ s: text.slice(last), m: invert });
  const out: string[] = [];
  let pendingNext = '';
  let prevWasMatch = false;
  for (const { s, m } of segs) {
    switch (behavior) {
      case 'Removed':
        if (!m) out.push(s);
        break;
      case 'MergedWithPrevious':
        if (m && out.length > 0 && !prevWasMatch) out[out.length - 1] += s;
        else out.push(s);
        break;
      case 'MergedWithNext':
        if (m) pendingNext += s;
        else {
          out.push(pendingNext + s);
          pendingNext = '';
        }
        break;
      case 'Contiguous':
        if (m && prevWasMatch) out[out.length - 1] += s;
        else out.push(s);
        break;
    }
    prevWasMatch = m;
  }
  if (pendingNext) out.push(pendingNext);
  return out;
}

/** `splitWith(text, re, 'Isolated')` without intermediate objects (the hot path of encoding). */
function splitIsolated(text: string, re: RegExp, out: string[] = []): string[] {
  // Fast path: String#match collects all matches natively; when they tile the text, that is the split.
  const all = text.match(re);
  if (all !== null) {
    let covered = 0;
    for (let i = 0; i < all.length; i++) covered += all[i].length;
    if (covered === text.length) {
      for (let i = 0; i < all.length; i++) if (all[i].length > 0) out.push(all[i]);
      return out;
    }
  }
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const s = m[0];
    if (s.length === 0) {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(s);
    last = m.index + s.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

// ---------------------------------------------------------------- pre-tokenizers

/**
 * Maps text pieces to finer pieces. The pieces stay raw text: the ByteLevel step only splits (and adds
 * the prefix space); mapping to the byte-level alphabet is left to the caller, which caches per piece.
 */
export type PreTokenizer = (pieces: string[]) => string[];

export interface PreTokenizerInfo {
  fn: PreTokenizer;
  byteLevel: boolean; // ends with a ByteLevel step (required by the Tokenizer)
}

/** GPT2_PATTERN translated to a JavaScript pattern (use with the `gu` flags). */
export const GPT2_RE_SOURCE = onigToJs(GPT2_PATTERN);
const GPT2_RE = new RegExp(GPT2_RE_SOURCE, 'gu');

function byteLevelStep(addPrefixSpace: boolean, useRegex: boolean): PreTokenizer {
  return (pieces) => {
    const out: string[] = [];
    for (let p of pieces) {
      if (addPrefixSpace && !p.startsWith(' ')) p = ' ' + p;
      if (useRegex) splitIsolated(p, GPT2_RE, out);
      else out.push(p);
    }
    return out;
  };
}

const BEHAVIORS = new Set(['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous']);

function splitStep(re: RegExp, behavior: SplitBehavior, invert: boolean): PreTokenizer {
  return (pieces) => pieces.flatMap((p) => splitWith(p, re, behavior, invert));
}

export function buildPreTokenizer(cfg: unknown): PreTokenizerInfo {
  if (cfg === null || cfg === undefined) return { fn: (p) => p, byteLevel: false };
  const c = cfg as Json;
  const type = typeOf(cfg, 'pre_tokenizer');
  switch (type) {
    case 'ByteLevel':
      return { fn: byteLevelStep(c.add_prefix_space === true, c.use_regex !== false), byteLevel: true };
    case 'Split': {
      const pat = c.pattern as Json | undefined;
      let re: RegExp;
      if (pat && typeof pat.Regex === 'string') re = compileOnig(pat.Regex);
      else if (pat && typeof pat.String === 'string') re = new RegExp(escapeRegex(pat.String), 'gu');
      else throw new UnsupportedTokenizerError(`Split pre-tokenizer: pattern must be {"Regex": …} or {"String": …}`);
      const behavior = String(c.behavior ?? 'Isolated');
      if (!BEHAVIORS.has(behavior)) throw new UnsupportedTokenizerError(`Split pre-tokenizer: unknown behavior '${behavior}'`);
      return { fn: splitStep(re, behavior as SplitBehavior, c.invert === true), byteLevel: false };
    }
    case 'Digits':
      return { fn: splitStep(c.individual_digits === true ? /\p{N}/gu : /\p{N}+/gu, 'Isolated', false), byteLevel: false };
    case 'Punctuation': {
      const behavior = String(c.behavior ?? 'Isolated');
      if (!BEHAVIORS.has(behavior)) throw new UnsupportedTokenizerError(`Punctuation pre-tokenizer: unknown behavior '${behavior}'`);
      return { fn: splitStep(/[\p{P}!-/:-@[-`{-~]/gu, behavior as SplitBehavior, false), byteLevel: false };
    }
    case 'Sequence': {
      const steps = (((c.pretokenizers as unknown[] | undefined) ?? []) as unknown[]).map(buildPreTokenizer);
      const at = steps.findIndex((s) => s.byteLevel);
      if (at >= 0 && at !== steps.length - 1) {
        throw new UnsupportedTokenizerError('pre_tokenizer Sequence: steps after ByteLevel are not supported');
      }
      return {
        fn: (pieces) => steps.reduce((acc, s) => s.fn(acc), pieces),
        byteLevel: steps.some((s) => s.byteLevel),
      };
    }
    default:
      throw new UnsupportedTokenizerError(
        `unsupported pre_tokenizer type '${type}': supported are byte-level BPE (ByteLevel, or a Sequence of ` +
          `Split/Digits/Punctuation with ByteLevel) and SentencePiece-style BPE (Metaspace or none)`,
      );
  }
}
