// Fast ONNX serialisation for graphs with large initializers. `Graph.toModel` builds every nested
// message in a growable buffer and copies it into its parent (several copies of ~50 MB of weights:
// seconds of CPU). Here the graph is serialised without its initializers, and the initializers are
// appended as a second `graph` field: protobuf merges repeated occurrences of an embedded message, so
// ONNX Runtime reads one graph. The weights are copied exactly once, into a buffer of the exact size.
import { ONNX_DTYPE, ProtoWriter } from '../onnx/proto';
import type { Graph, TensorData } from '../onnx/graph';

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

export function modelBytes(g: Graph, opts: { opset?: number; producer?: string } = {}): Uint8Array {
  const inits = [...g.initializers];
  g.initializers.clear();
  let head: Uint8Array;
  try {
    head = g.toModel(opts);
  } finally {
    for (const [k, v] of inits) g.initializers.set(k, v);
  }
  const parts = inits.map(([name, t]) => {
    const header = tensorHeader(name, t);
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const inner = header.length + 1 + varintSize(raw.length) + raw.length; // tag 9 (raw_data) is one byte
    return { header, raw, inner };
  });
  const graphLen = parts.reduce((s, p) => s + 1 + varintSize(p.inner) + p.inner, 0); // tag 5 is one byte
  const total = head.length + 1 + varintSize(graphLen) + graphLen;
  // protobuf (and so ONNX Runtime reading a model from memory) stops at 2 GiB: say so before building it
  if (total > ONNX_PROTO_LIMIT)
    throw new Error(
      `the ONNX model would be ${(total / 2 ** 30).toFixed(2)} GiB, over the 2 GiB an in-memory ONNX model can hold (protobuf); ` +
        `TestTune does not write ONNX external data yet: a model this large runs only quantized (int8) if that fits`,
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
    out[pos++] = (9 << 3) | 2; // TensorProto.raw_data
    pos = writeVarint(out, pos, p.raw.length);
    out.set(p.raw, pos);
    pos += p.raw.length;
  }
  if (pos !== total) throw new Error(`modelBytes: wrote ${pos} of ${total} bytes`);
  return out;
}
