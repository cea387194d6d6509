// Fast ONNX serialisation for graphs with large initializers. `Graph.toModel` builds every nested
// message in a growable buffer and copies it into its parent (several copies of ~50 MB of weights:
// seconds of CPU). Here the graph is serialised without its initializers, and the initializers are
// appended as a second `graph` field: protobuf merges repeated occurrences of an embedded message, so
// ONNX Runtime reads one graph. The weights are copied exactly once, into a buffer of the exact size.
// `writeModelExternal` writes the same graph to a file with its large initializers in a second file
// (ONNX external data): no 2 GiB limit, the initializers produced and written one at a time (never all
// in memory), each at a page-aligned offset so ONNX Runtime can map it instead of copying it.
import * as fs from 'fs';
import * as path from 'path';
import { ONNX_DTYPE, ProtoWriter } from '../onnx/proto';
import type { Graph, TensorData, TypedData } from '../onnx/graph';

function varintSize(n: number): number {
  let s = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    s++;
  }
  return s;
}

function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** TensorProto fields other than raw_data: dims (1), data_type (2), name (8). */
function tensorHeader(name: string, t: TensorData): Uint8Array {
  const w = new ProtoWriter();
  w.packedInts(1, t.dims);
  w.int(2, ONNX_DTYPE[t.dtype]);
  w.string(8, name);
  return w.finish();
}

/** Largest serialized protobuf message (2 GiB - 1). */
export const ONNX_PROTO_LIMIT = 2 ** 31 - 1;

/** The model proto without its initializers (they are written after it), leaving the graph as it was. */
function modelHead(g: Graph, inits: readonly (readonly [string, TensorData])[], opts: { opset?: number; producer?: string }): Uint8Array {
  g.initializers.clear();
  try {
    return g.toModel(opts);
  } finally {
    for (const [k, v] of inits) g.initializers.set(k, v);
  }
}

export function modelBytes(g: Graph, opts: { opset?: number; producer?: string } = {}): Uint8Array {
  const inits = [...g.initializers];
  const head = modelHead(g, inits, opts);
  const parts = inits.map(([name, t]) => {
    const header = tensorHeader(name, t);
    const n = t.data.byteLength;
    const inner = header.length + 1 + varintSize(n) + n; // tag 9 (raw_data) is one byte
    return { header, data: t.data, inner };
  });
  const graphLen = parts.reduce((s, p) => s + 1 + varintSize(p.inner) + p.inner, 0); // tag 5 is one byte
  const total = head.length + 1 + varintSize(graphLen) + graphLen;
  // protobuf (and so ONNX Runtime reading a model from memory) stops at 2 GiB: say so before building it
  if (total > ONNX_PROTO_LIMIT)
    throw new Error(
      `the ONNX model would be ${(total / 2 ** 30).toFixed(2)} GiB, over the 2 GiB an in-memory ONNX model can hold (protobuf); ` +
        `write it with its weights as external data instead (writeModelExternal; the engine does so for large graphs)`,
    );
  const out = new Uint8Array(total);
  out.set(head, 0);
  let pos = head.length;
  out[pos++] = (7 << 3) | 2; // ModelProto.graph
  pos = writeVarint(out, pos, graphLen);
  for (const p of parts) {
    out[pos++] = (5 << 3) | 2; // GraphProto.initializer
    pos = writeVarint(out, pos, p.inner);
    out.set(p.header, pos);
    pos += p.header.length;
    const raw = new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength);
    out[pos++] = (9 << 3) | 2; // TensorProto.raw_data
    pos = writeVarint(out, pos, raw.length);
    out.set(raw, pos);
    pos += raw.length;
  }
  if (pos !== total) throw new Error(`modelBytes: wrote ${pos} of ${total} bytes`);
  return out;
}

/** Initializers smaller than this stay inside the graph file (constants ORT may fold; no page per scalar). */
const EXTERNAL_MIN_BYTES = 4096;
/** An initializer this large is followed by `afterLarge` (e.g. a garbage collection). */
const LARGE_BYTES = 32 * 2 ** 20;
/** External data offsets are multiples of this (Linux's page size; ORT maps an initializer whose offset is aligned). */
const EXTERNAL_ALIGN = 4096;

/** Bytes of the initializers' data as declared (dims × element size), before any is produced. */
export function initializerBytes(g: Graph): number {
  const size: Record<string, number> = { float32: 4, uint8: 1, int8: 1, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8, bfloat16: 2 };
  let total = 0;
  for (const t of g.initializers.values()) total += t.dims.reduce((a, b) => a * b, 1) * size[t.dtype];
  return total;
}

/**
 * Writes the model to `files.graph` and its initializers of EXTERNAL_MIN_BYTES or more to `files.data`,
 * which the graph names as `files.location` (its file name as ORT will find it, beside the graph).
 * `lazy` produces an initializer's data when it is written (then dropped), for initializers declared
 * empty; the others are written from the graph; `afterLarge` runs after each one of 32 MiB or more.
 * Returns the data file's size.
 */
export function writeModelExternal(
  g: Graph,
  lazy: Map<string, () => TypedData>,
  files: { graph: string; data: string; location: string },
  opts: { opset?: number; producer?: string; afterLarge?: () => void } = {},
): number {
  if (path.basename(files.location) !== files.location) throw new Error(`writeModelExternal: location must be a file name beside the graph, not ${files.location}`);
  const inits = [...g.initializers];
  const protos: Uint8Array[] = [];
  const fd = fs.openSync(files.data, 'w');
  let offset = 0;
  try {
    for (const [name, t] of inits) {
      const data = lazy.get(name)?.() ?? t.data;
      const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const w = new ProtoWriter();
      w.packedInts(1, t.dims);
      w.int(2, ONNX_DTYPE[t.dtype]);
      w.string(8, name);
      if (raw.byteLength < EXTERNAL_MIN_BYTES) w.bytes(9, raw);
      else {
        offset = Math.ceil(offset / EXTERNAL_ALIGN) * EXTERNAL_ALIGN;
        for (let done = 0; done < raw.byteLength; ) done += fs.writeSync(fd, raw, done, raw.byteLength - done, offset + done);
        for (const [key, value] of [['location', files.location], ['offset', String(offset)], ['length', String(raw.byteLength)]])
          w.message(13, (e) => {
            e.string(1, key);
            e.string(2, value);
          });
        w.int(14, 1); // data_location = EXTERNAL
        offset += raw.byteLength;
        // the produced data is garbage now; a caller can collect it before the next large one is read
        if (raw.byteLength >= LARGE_BYTES) opts.afterLarge?.();
      }
      protos.push(w.finish());
    }
  } finally {
    fs.closeSync(fd);
  }
  const head = modelHead(g, inits, opts);
  const graphLen = protos.reduce((s, p) => s + 1 + varintSize(p.length) + p.length, 0);
  const out = new Uint8Array(head.length + 1 + varintSize(graphLen) + graphLen);
  out.set(head, 0);
  let pos = head.length;
  out[pos++] = (7 << 3) | 2; // ModelProto.graph, merged into the head's graph
  pos = writeVarint(out, pos, graphLen);
  for (const p of protos) {
    out[pos++] = (5 << 3) | 2; // GraphProto.initializer
    pos = writeVarint(out, pos, p.length);
    out.set(p, pos);
    pos += p.length;
  }
  fs.writeFileSync(files.graph, out);
  return offset;
}
