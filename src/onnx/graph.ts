// The graph IR every generated ONNX model is built with: inference graphs (model engine), training
// graphs and their gradients (training engine). Nodes reference values by name; `toModel` serialises
// to ONNX protobuf bytes that ONNX Runtime loads directly.
import { ATTR_TYPE, DType, ONNX_DTYPE, ProtoWriter } from './proto';

export type { DType } from './proto';
export type Dim = number | string; // a number, or a symbolic dimension name
export type TypedData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Int8Array | Float64Array;

export interface TensorData {
  dtype: DType;
  dims: number[];
  data: TypedData; // raw little-endian element storage (float16/bfloat16 as Uint16Array, bool as Uint8Array)
}

export interface ValueInfo {
  name: string;
  dtype: DType;
  dims: Dim[];
}

/** Attribute values. Plain numbers are INT, plain number arrays INTS; wrap floats with `f()`/`fs()`. */
export type Attr =
  | number
  | number[]
  | string
  | string[]
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: number[] }
  | { kind: 'tensor'; value: TensorData };

export const f = (value: number): Attr => ({ kind: 'float', value });
export const tensorAttr = (value: TensorData): Attr => ({ kind: 'tensor', value });

export interface NodeDef {
  op: string;
  inputs: string[]; // '' = omitted optional input
  outputs: string[];
  attrs: Record<string, Attr>;
  name: string;
  domain: string; // '' = ai.onnx; 'com.microsoft' for contrib ops
}

const DEFAULT_OPSET = 18;

export class Graph {
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers = new Map<string, TensorData>();
  readonly nodes: NodeDef[] = [];
  private counter = 0;
  private readonly used = new Set<string>();

  constructor(readonly name = 'testtune') {}

  /** A fresh value name with the given prefix. */
  fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`;
    while (this.used.has(n));
    return n; // claimed when it is defined (input, initializer or node output)
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`duplicate value name ${name}`);
    this.used.add(name);
    return name;
  }

  input(name: string, dtype: DType, dims: Dim[]): string {
    this.inputs.push({ name: this.claim(name), dtype, dims });
    return name;
  }

  initializer(name: string, tensor: TensorData): string {
    this.initializers.set(this.claim(name), tensor);
    return name;
  }

  /** A constant tensor (stored as an initializer, never a graph input). */
  constF32(values: number[] | Float32Array, dims: number[] = [values.length], prefix = 'c'): string {
    return this.initializer(this.fresh(prefix), { dtype: 'float32', dims, data: Float32Array.from(values) });
  }

  constI64(values: (number | bigint)[], dims: number[] = [values.length], prefix = 'c'): string {
    return this.initializer(this.fresh(prefix), { dtype: 'int64', dims, data: BigInt64Array.from(values.map((v) => BigInt(v))) });
  }

  /** Adds a node with one output and returns the output's name. */
  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}, opts: { name?: string; domain?: string; output?: string } = {}): string {
    return this.opN(op, inputs, 1, attrs, { ...opts, outputs: opts.output ? [opts.output] : undefined })[0];
  }

  /** Adds a node with `n` outputs and returns their names. */
  opN(
    op: string,
    inputs: string[],
    n: number,
    attrs: Record<string, Attr> = {},
    opts: { name?: string; domain?: string; outputs?: string[] } = {},
  ): string[] {
    const outputs = (opts.outputs ?? Array.from({ length: n }, () => this.fresh(op))).map((o) => this.claim(o));
    this.nodes.push({ op, inputs, outputs, attrs, name: opts.name ?? this.fresh(`n_${op}`), domain: opts.domain ?? '' });
    return outputs;
  }

  /** Declares `value` a graph output called `name` (adds an Identity when the names differ). */
  output(value: string, name: string, dtype: DType, dims: Dim[]): string {
    if (value !== name) this.op('Identity', [value], {}, { output: name });
    this.outputs.push({ name, dtype, dims });
    return name;
  }

  /** Serialises to ONNX ModelProto bytes. */
  toModel(opts: { opset?: number; producer?: string; msOpset?: number } = {}): Uint8Array {
    const w = new ProtoWriter();
    w.int(1, 8); // ir_version
    w.string(2, opts.producer ?? 'testtune');
    w.message(8, (o) => {
      o.string(1, '');
      o.int(2, opts.opset ?? DEFAULT_OPSET);
    });
    if (this.nodes.some((n) => n.domain === 'com.microsoft'))
      w.message(8, (o) => {
        o.string(1, 'com.microsoft');
        o.int(2, opts.msOpset ?? 1);
      });
    w.message(7, (g) => this.writeGraph(g));
    return w.finish();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) g.message(1, (w) => writeNode(w, n));
    g.string(2, this.name);
    for (const [name, t] of this.initializers) g.message(5, (w) => writeTensor(w, name, t));
    for (const v of this.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of this.outputs) g.message(12, (w) => writeValueInfo(w, v));
  }
}

function writeNode(w: ProtoWriter, n: NodeDef): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attrs)) w.message(5, (a) => writeAttr(a, name, value));
  if (n.domain) w.string(7, n.domain);
}

function writeAttr(w: ProtoWriter, name: string, v: Attr): void {
  w.string(1, name);
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; wrap floats with f()`);
    w.int(3, v);
    w.int(20, ATTR_TYPE.INT);
  } else if (typeof v === 'string') {
    w.string(4, v);
    w.int(20, ATTR_TYPE.STRING);
  } else if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') {
      for (const s of v as string[]) w.string(9, s);
      w.int(20, ATTR_TYPE.STRINGS);
    } else {
      w.packedInts(8, v as number[]);
      w.int(20, ATTR_TYPE.INTS);
    }
  } else if (v.kind === 'float') {
    w.float(2, v.value);
    w.int(20, ATTR_TYPE.FLOAT);
  } else if (v.kind === 'floats') {
    w.packedFloats(7, v.value);
    w.int(20, ATTR_TYPE.FLOATS);
  } else {
    w.message(5, (t) => writeTensor(t, name, v.value));
    w.int(20, ATTR_TYPE.TENSOR);
  }
}

function writeTensor(w: ProtoWriter, name: string, t: TensorData): void {
  w.packedInts(1, t.dims);
  w.int(2, ONNX_DTYPE[t.dtype]);
  w.string(8, name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.int(1, ONNX_DTYPE[v.dtype]);
      tt.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}
