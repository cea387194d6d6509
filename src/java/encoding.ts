// The byte encoding of a Java source file, kept when TestTune writes into it. A file is read as
// UTF-8 with or without a BOM, UTF-16 with a BOM, or, when its bytes are not valid UTF-8, as Latin-1
// (one character per byte, so every byte comes back exactly as it was). Writing re-encodes in the same
// encoding and refuses (with a message) when the new text cannot be encoded in it or when any byte
// outside the inserted text would change: an edit may only insert.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularFile } from '../util/safe-read';

export type SourceEncoding = 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be' | 'latin1';

export interface DecodedSource {
  text: string;
  encoding: SourceEncoding;
  /** Line ending the file mostly uses; inserted text follows it. */
  eol: '\n' | '\r\n';
}

/** Largest Java file read for editing (the analysis refuses larger ones anyway). */
export const MAX_EDITABLE_BYTES = 16 * 1024 * 1024;

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function swap16(buf: Buffer): Buffer {
  const out = Buffer.from(buf.subarray(0, buf.length - (buf.length % 2)));
  out.swap16();
  return out;
}

/** The line ending used by most line breaks of `text` (LF when there are none). */
export function dominantEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Decodes file bytes: BOM first, then strict UTF-8, else Latin-1. Never throws. */
export function decodeSource(bytes: Buffer): DecodedSource {
  let text: string;
  let encoding: SourceEncoding;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf8bom';
    text = bytes.subarray(3).toString('utf8');
  } else if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf16le';
    text = bytes.subarray(2).toString('utf16le');
  } else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf16be';
    text = swap16(bytes.subarray(2)).toString('utf16le');
  } else {
    try {
      text = utf8Strict.decode(bytes);
      encoding = 'utf8';
    } catch {
      text = bytes.toString('latin1');
      encoding = 'latin1';
    }
  }
  return { text, encoding, eol: dominantEol(text) };
}

/** Encodes `text` in `encoding` (with its BOM); an error when a character has no byte form in it. */
export function encodeSource(text: string, encoding: SourceEncoding, what: string): { value?: Buffer; error?: string } {
  switch (encoding) {
    case 'utf8':
      return { value: Buffer.from(text, 'utf8') };
    case 'utf8bom':
      return { value: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]) };
    case 'utf16le':
      return { value: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) };
    case 'utf16be':
      return { value: Buffer.concat([Buffer.from([0xfe, 0xff]), swap16(Buffer.from(text, 'utf16le'))]) };
    case 'latin1': {
      for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) > 0xff) {
          const line = text.slice(0, i).split('\n').length;
          return { error: `${what} is not UTF-8 (kept as single-byte Latin-1), and the new text has '${text[i]}' (U+${text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}, line ${line}), which Latin-1 cannot hold; convert the file to UTF-8 first` };
        }
      }
      return { value: Buffer.from(text, 'latin1') };
    }
  }
}

/** Reads a Java source file for editing: a regular file of bounded size, decoded. */
export function readSourceFile(file: string): DecodedSource {
  return decodeSource(readRegularFile(file, MAX_EDITABLE_BYTES));
}

/**
 * Whether `after` is `before` with bytes only inserted, in one or two places (a test method, and
 * imports above it): the bytes `before` and `after` do not share at the ends must be found whole in
 * what `after` has there.
 */
export function onlyInserted(before: Buffer, after: Buffer): boolean {
  if (after.length < before.length) return false;
  const max = before.length;
  let p = 0;
  while (p < max && before[p] === after[p]) p++;
  let s = 0;
  while (s < max - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const oldMiddle = before.subarray(p, before.length - s);
  return oldMiddle.length === 0 || after.subarray(p, after.length - s).includes(oldMiddle);
}

export interface TextEditLike {
  offset: number; // UTF-16 offset into the decoded text
  deleteLength: number;
  insertText: string;
}

/**
 * Applies one insertion edit to a file in its own encoding and line ending, and writes it atomically
 * (temp file + rename). Refuses, writing nothing, when the edit would delete or change any existing
 * byte, or when the inserted text cannot be encoded. `decoded` is the text the edit's offsets refer to
 * (from `readSourceFile`), or undefined for a new file (written as UTF-8).
 */
export function writeEditedSource(file: string, decoded: DecodedSource | undefined, edit: TextEditLike): { error?: string } {
  const what = path.basename(file);
  if (!decoded) {
    if (fs.existsSync(file)) return { error: `${what} exists but was not read before the edit was made; nothing written` };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeAtomic(file, Buffer.from(edit.insertText, 'utf8'));
    return {};
  }
  const insert = decoded.eol === '\r\n' ? edit.insertText.replace(/\r?\n/g, '\r\n') : edit.insertText;
  const text = decoded.text.slice(0, edit.offset) + insert + decoded.text.slice(edit.offset + edit.deleteLength);
  const before = encodeSource(decoded.text, decoded.encoding, what);
  const after = encodeSource(text, decoded.encoding, what);
  if (after.error || !after.value) return { error: after.error };
  let original: Buffer;
  try {
    original = readRegularFile(file, MAX_EDITABLE_BYTES);
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (!before.value || !before.value.equals(original)) return { error: `${what} changed on disk since it was read (or does not round-trip in ${decoded.encoding}); nothing written` };
  if (!onlyInserted(original, after.value)) return { error: `writing ${what} would change bytes outside the inserted test method; nothing written` };
  writeAtomic(file, after.value);
  return {};
}

function writeAtomic(link: string, bytes: Buffer): void {
  const file = fs.existsSync(link) ? fs.realpathSync(link) : link; // write through a symlink, keep it
  const tmp = `${file}.testtune-tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, bytes);
    try {
      fs.chmodSync(tmp, fs.statSync(file).mode & 0o7777); // keep an existing file's permissions
    } catch {
      // a new file: default permissions
    }
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
