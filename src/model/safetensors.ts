// safetensors reader/writer (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw data. The reader
// validates everything (header, dtypes, shapes, offsets, overlaps) and throws a clear Error on a
// corrupt file; F16/BF16 tensors are widened to F32 on request.
import * as fs from 'fs';
import { openRegularFile, readExactly } from '../util/safe-read';
import { MAX_SAFETENSORS_HEADER_BYTES, readSafetensorsBytes, truncation } from './safe-load';

export type StDType = 'F32' | 'F16' | 'BF16' | 'I64' | 'I32';
const BYTES: Record<StDType, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 };

export interface StTensor {
  dtype: StDType;
  shape: number[];
  data: Float32Array | Uint16Array | BigInt64Array | Int32Array; // F16/BF16 as raw Uint16Array bits
}

export class SafetensorsError extends Error {}

function fail(where: string, msg: string): never {
  throw new SafetensorsError(`${where}: ${msg}`);
}

interface StEntry {
  name: string;
  dtype: StDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Validates a header (JSON bytes) against a data section of `dataLen` bytes: dtypes, shapes, offsets, overlaps. */
function parseHeader(bytes: Uint8Array, dataLen: number, where: string): { entries: StEntry[]; metadata: Record<string, string> } {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (e) {
    fail(where, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(where, 'header is not a JSON object');
  const entries: StEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== 'object' || t === null) fail(where, `tensor '${name}': entry is not an object`);
    if (typeof t.dtype !== 'string' || !(t.dtype in BYTES)) fail(where, `tensor '${name}': unsupported dtype ${JSON.stringify(t.dtype)} (supported: ${Object.keys(BYTES).join(', ')})`);
    const dtype = t.dtype as StDType;
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(where, `tensor '${name}': invalid shape ${JSON.stringify(t.shape)}`);
    const shape = t.shape as number[];
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[1] < off[0])
      fail(where, `tensor '${name}': invalid data_offsets ${JSON.stringify(off)}`);
    const [begin, end] = off as [number, number];
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype])
      fail(where, `tensor '${name}': shape [${shape}] of ${dtype} needs ${count * BYTES[dtype]} bytes but data_offsets span ${end - begin}`);
    if (end > dataLen) fail(where, `tensor '${name}': data ends at ${end} beyond the data section (${dataLen} bytes); the file is truncated`);
    entries.push({ name, dtype, shape, begin, end });
  }
  const spans = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++)
    if (spans[i].begin < spans[i - 1].end && spans[i].end > spans[i].begin) fail(where, `tensors '${spans[i - 1].name}' and '${spans[i].name}' overlap`);
  return { entries, metadata };
}

/** A typed view of `count` values at `at` in `ab` (a copy when `at` is not aligned to the element size). */
function typedView(dtype: StDType, ab: ArrayBufferLike, at: number, count: number): StTensor['data'] {
  if (at % BYTES[dtype] !== 0) {
    ab = new Uint8Array(ab, at, count * BYTES[dtype]).slice().buffer;
    at = 0;
  }
  return dtype === 'F32' ? new Float32Array(ab, at, count)
    : dtype === 'I64' ? new BigInt64Array(ab, at, count)
    : dtype === 'I32' ? new Int32Array(ab, at, count)
    : new Uint16Array(ab, at, count);
}

/** Parses safetensors bytes; `where` names the file in errors. */
export function parseSafetensors(buf: Uint8Array, where = 'safetensors'): { tensors: Map<string, StTensor>; metadata: Record<string, string> } {
  if (buf.byteLength < 8) fail(where, `file too short (${buf.byteLength} bytes) to hold a safetensors header`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = dv.getBigUint64(0, true);
  if (headerLen > BigInt(buf.byteLength - 8)) fail(where, `header length ${headerLen} exceeds the file size ${buf.byteLength}`);
  const hl = Number(headerLen);
  const dataStart = 8 + hl;
  const { entries, metadata } = parseHeader(buf.subarray(8, dataStart), buf.byteLength - dataStart, where);
  const tensors = new Map<string, StTensor>();
  // Views into `buf` when aligned (the writer aligns the data section), else copies. Note that
  // Buffer#slice is a view too: offsets are always taken relative to buf.byteOffset.
  for (const e of entries)
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: typedView(e.dtype, buf.buffer, buf.byteOffset + dataStart + e.begin, (e.end - e.begin) / BYTES[e.dtype]) });
  return { tensors, metadata };
}

/**
 * The tensors of a safetensors file with only the header read (checked as parseSafetensors checks it,
 * against the file's size): each tensor's `data` is read from the file when it is accessed, each time,
 * and not kept, so a caller that converts tensors one at a time never holds the whole file in memory.
 */
export function readSafetensorsLazy(file: string): Map<string, StTensor> {
  let hl: number;
  let header: Buffer;
  let size: number;
  try {
    const opened = openRegularFile(file);
    size = opened.size;
    try {
      if (size < 8) fail(file, `file too short (${size} bytes) to hold a safetensors header`);
      const headerLen = readExactly(opened.fd, 8, 0, file).readBigUInt64LE(0);
      if (headerLen > BigInt(Math.min(size - 8, MAX_SAFETENSORS_HEADER_BYTES))) fail(file, `header length ${headerLen} exceeds the file size ${size}`);
      hl = Number(headerLen);
      header = readExactly(opened.fd, hl, 8, file);
      const truncated = truncation(file, header, size);
      if (truncated) throw new SafetensorsError(truncated);
    } finally {
      fs.closeSync(opened.fd);
    }
  } catch (e) {
    if (e instanceof SafetensorsError) throw e;
    const msg = (e as Error).message;
    throw new SafetensorsError(msg.startsWith(file) ? msg : `${file}: cannot read (${msg})`);
  }
  const { entries } = parseHeader(header, size - 8 - hl, file);
  const tensors = new Map<string, StTensor>();
  for (const e of entries) {
    const t = { dtype: e.dtype, shape: e.shape } as StTensor;
    Object.defineProperty(t, 'data', {
      enumerable: true,
      get: () => {
        const { fd } = openRegularFile(file);
        try {
          const b = readExactly(fd, e.end - e.begin, 8 + hl + e.begin, file);
          return typedView(e.dtype, b.buffer, b.byteOffset, (e.end - e.begin) / BYTES[e.dtype]);
        } finally {
          fs.closeSync(fd);
        }
      },
    });
    tensors.set(e.name, t);
  }
  return tensors;
}

export function readSafetensors(path: string): { tensors: Map<string, StTensor>; metadata: Record<string, string> } {
  let buf: Buffer;
  try {
    buf = readSafetensorsBytes(path); // a regular file whose header agrees with its size
  } catch (e) {
    const msg = (e as Error).message;
    throw new SafetensorsError(msg.startsWith(path) ? msg : `${path}: cannot read (${msg})`);
  }
  return parseSafetensors(buf, path);
}

/** Serialises F32 (or other) tensors; names are written sorted, like the reference implementation. */
export function serializeSafetensors(tensors: Map<string, StTensor> | Record<string, StTensor>, metadata?: Record<string, string>): Buffer {
  const entries = (tensors instanceof Map ? [...tensors] : Object.entries(tensors)).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new SafetensorsError(`tensor '${name}': shape [${t.shape}] needs ${count} elements, got ${t.data.length}`);
    const n = count * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // align the data section to 8 bytes
  const hb = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + hb.length + offset);
  out.writeBigUInt64LE(BigInt(hb.length), 0);
  hb.copy(out, 8);
  let pos = 8 + hb.length;
  for (const [, t] of entries) {
    const b = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    b.copy(out, pos);
    pos += b.length;
  }
  return out;
}

export function writeSafetensors(path: string, tensors: Map<string, StTensor> | Record<string, StTensor>, metadata?: Record<string, string>): void {
  fs.writeFileSync(path, serializeSafetensors(tensors, metadata));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Every F16 value as F32, by its bits (256 KiB, built on first use): widening is one load per value. */
let halfTable: Float32Array | undefined;
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** The tensor's values as F32 (widening F16/BF16). */
export function toF32(t: StTensor, name = 'tensor'): Float32Array {
  if (t.dtype === 'F32') return t.data as Float32Array;
  if (t.dtype === 'BF16') {
    const src = t.data as Uint16Array;
    const out = new Float32Array(src.length);
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
    return out;
  }
  if (t.dtype === 'F16') {
    const src = t.data as Uint16Array;
    const out = new Float32Array(src.length);
    const table = halfToFloatTable();
    for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
    return out;
  }
  throw new SafetensorsError(`${name}: dtype ${t.dtype} is not a float type`);
}

/** Rounds F32 values to BF16 bits (round to nearest even). */
export function toBF16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i];
    const x = u32[0];
    out[i] = (x + 0x7fff + ((x >> 16) & 1)) >>> 16;
  }
  return out;
}

/**
 * Reads one row of a 2-D float tensor at a time as F32 (a 16-bit checkpoint is widened row by row, never
 * whole): `read(i, out)` fills `out` with row i's `cols` values.
 */
export function rowReader(t: StTensor | Float32Array, cols: number): (i: number, out: Float32Array) => void {
  if (t instanceof Float32Array) return (i, out) => out.set(t.subarray(i * cols, (i + 1) * cols));
  if (t.dtype === 'F32') return (i, out) => out.set((t.data as Float32Array).subarray(i * cols, (i + 1) * cols));
  if (t.dtype !== 'F16' && t.dtype !== 'BF16') throw new SafetensorsError(`rowReader: dtype ${t.dtype} is not a float type`);
  const src = t.data as Uint16Array;
  if (t.dtype === 'BF16')
    return (i, out) => {
      const bits = new Uint32Array(out.buffer, out.byteOffset, cols);
      for (let j = 0, at = i * cols; j < cols; j++) bits[j] = src[at + j] << 16;
    };
  const table = halfToFloatTable();
  return (i, out) => {
    for (let j = 0, at = i * cols; j < cols; j++) out[j] = table[src[at + j]];
  };
}

/** Rounds an F32 value to F16 bits (round to nearest even; overflow gives ±Infinity). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const man = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = man | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (man >>> 13);
  const rest = man & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) r++; // may carry into the exponent: still correct
  return sign | r;
}
