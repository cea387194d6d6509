// A small reader of zip archives (jars, the JDK's ct.sym): the central directory, then each entry's
// bytes stored or inflated with node:zlib. Never throws: a damaged archive or entry gives a message.
// Zip64 is read where the 32-bit fields overflow (archives over 4 GiB or 65,535 entries).
import * as zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number; // 0 stored, 8 deflated; anything else is refused when read
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** An entry larger than this is refused rather than inflated (a class file is rarely over 1 MB). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export class ZipArchive {
  private constructor(private readonly bytes: Buffer, readonly entries: ZipEntry[]) {}

  /** The archive's entries from its central directory, or why they cannot be read. */
  static open(bytes: Buffer): { archive?: ZipArchive; error?: string } {
    try {
      const entries = readCentralDirectory(bytes);
      return typeof entries === 'string' ? { error: entries } : { archive: new ZipArchive(bytes, entries) };
    } catch (e) {
      return { error: `damaged zip: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** One entry's bytes, or why they cannot be read (damaged header, unknown method, inflate error). */
  read(entry: ZipEntry): { data?: Buffer; error?: string } {
    try {
      const b = this.bytes;
      const at = entry.localOffset;
      if (at + 30 > b.length || b.readUInt32LE(at) !== LOCAL) return { error: `${entry.name}: no local header at offset ${at}` };
      const start = at + 30 + b.readUInt16LE(at + 26) + b.readUInt16LE(at + 28);
      const end = start + entry.compressedSize;
      if (end > b.length) return { error: `${entry.name}: data runs past the end of the archive` };
      if (entry.size > MAX_ENTRY_BYTES) return { error: `${entry.name}: ${entry.size} bytes, over the ${MAX_ENTRY_BYTES} limit` };
      const raw = b.subarray(start, end);
      if (entry.method === 0) return { data: raw };
      if (entry.method !== 8) return { error: `${entry.name}: compression method ${entry.method} is not supported` };
      return { data: zlib.inflateRawSync(raw, { maxOutputLength: MAX_ENTRY_BYTES }) };
    } catch (e) {
      return { error: `${entry.name}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

function findEndRecord(b: Buffer): number {
  const lowest = Math.max(0, b.length - 22 - 0xffff); // the comment is at most 65,535 bytes
  for (let i = b.length - 22; i >= lowest; i--) if (b.readUInt32LE(i) === EOCD) return i;
  return -1;
}

function readCentralDirectory(b: Buffer): ZipEntry[] | string {
  const eocd = b.length >= 22 ? findEndRecord(b) : -1;
  if (eocd < 0) return 'not a zip archive (no end of central directory record)';
  let count = b.readUInt16LE(eocd + 10);
  let offset = b.readUInt32LE(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && b.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const z = Number(b.readBigUInt64LE(eocd - 20 + 8));
    if (z + 56 > b.length || b.readUInt32LE(z) !== ZIP64_EOCD) return 'damaged zip64 end record';
    count = Number(b.readBigUInt64LE(z + 32));
    offset = Number(b.readBigUInt64LE(z + 48));
  }
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== CENTRAL) return `damaged central directory (entry ${i + 1} of ${count})`;
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    if (p + 46 + nameLen + extraLen > b.length) return `damaged central directory (entry ${i + 1} of ${count})`;
    const entry: ZipEntry = {
      name: b.toString('utf8', p + 46, p + 46 + nameLen),
      method: b.readUInt16LE(p + 10),
      compressedSize: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      localOffset: b.readUInt32LE(p + 42),
    };
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) readZip64Extra(b, p + 46 + nameLen, extraLen, entry);
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The zip64 extra field holds, in this order, only the sizes and offset whose 32-bit fields are all ones. */
function readZip64Extra(b: Buffer, start: number, length: number, e: ZipEntry): void {
  for (let q = start; q + 4 <= start + length; ) {
    const id = b.readUInt16LE(q);
    const size = b.readUInt16LE(q + 2);
    if (id === 0x0001) {
      let r = q + 4;
      if (e.size === 0xffffffff) (e.size = Number(b.readBigUInt64LE(r))), (r += 8);
      if (e.compressedSize === 0xffffffff) (e.compressedSize = Number(b.readBigUInt64LE(r))), (r += 8);
      if (e.localOffset === 0xffffffff) e.localOffset = Number(b.readBigUInt64LE(r));
      return;
    }
    q += 4 + size;
  }
}
