// GPT-2's byte-level alphabet: every byte 0..255 maps to one printable Unicode character, so a BPE
// vocabulary over these characters can spell any byte string (and so any UTF-8 text) losslessly.

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b); // '!'..'~'
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b); // '¡'..'¬'
  for (let b = 0xae; b <= 0xff; b++) printable.push(b); // '®'..'ÿ'
  const keep = new Set(printable);
  const out: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    // Printable bytes stand for themselves; the others are shifted past U+00FF, in byte order.
    out[b] = keep.has(b) ? String.fromCharCode(b) : String.fromCharCode(256 + n++);
  }
  return out;
}

/** BYTE_TO_CHAR[b] is the character that stands for byte b (e.g. 0x20 → 'Ġ', 0x0a → 'Ċ'). */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** The inverse of BYTE_TO_CHAR, keyed by UTF-16 code unit (all 256 characters are below U+0144). */
const CHAR_TO_BYTE: ReadonlyMap<number, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c.charCodeAt(0), b]));

/** The 256 alphabet characters sorted by code point (the order Hugging Face's trainer assigns ids in). */
export function byteLevelAlphabet(): string[] {
  return [...BYTE_TO_CHAR].sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD, as TextEncoder does), then mapped to the alphabet. */
export function toByteLevel(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  const codes: number[] = new Array(ascii ? text.length : 0);
  if (ascii) {
    for (let i = 0; i < text.length; i++) codes[i] = BYTE_CODE[text.charCodeAt(i)];
  } else {
    const bytes = encoder.encode(text);
    for (let i = 0; i < bytes.length; i++) codes.push(BYTE_CODE[bytes[i]]);
  }
  return codes.length < 4096 ? String.fromCharCode(...codes) : codes.map((c) => String.fromCharCode(c)).join('');
}

const BYTE_CODE: readonly number[] = BYTE_TO_CHAR.map((c) => c.charCodeAt(0));

/**
 * Bytes of a byte-level token string. Returns undefined when some character is not in the alphabet
 * (an added token stored as raw text); callers then use the token's own UTF-8 bytes, like Hugging Face.
 */
export function fromByteLevel(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token.charCodeAt(i));
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}
