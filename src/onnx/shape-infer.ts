// Static shape inference over the graph IR, just enough for reverse-mode autodiff: the rank of every
// value (needed to build transposes, unsqueezes and pads) and whichever dims are known (numbers or
// symbolic names; null = unknown). Small int64 constants are tracked by value so Reshape targets,
// Unsqueeze axes and Slice bounds resolve. Ops it does not know leave their outputs unknown.
import type { DType, Dim, Graph, NodeDef, TensorData } from './graph';

export type SDim = Dim | null;
export interface ValueShape {
  dtype?: DType;
  dims?: SDim[]; // undefined = rank unknown
}

export interface ShapeInfo {
  shapes: Map<string, ValueShape>;
  consts: Map<string, number[]>; // int64/int32 tensors with known values (small ones)
}

const UNARY_SAME = new Set([
  'Identity', 'Neg', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Tanh', 'Sigmoid', 'Erf', 'Relu', 'Abs', 'Sin', 'Cos',
  'Softmax', 'LogSoftmax', 'Not', 'Floor', 'Ceil', 'Round', 'Sign', 'Dropout', 'Trilu', 'CumSum', 'IsNaN',
  'Softplus', 'Gelu', 'Clip', 'LeakyRelu', 'Elu', 'ScatterND', 'ScatterElements',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Mod', 'Max', 'Min', 'Sum', 'Where']);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Not', 'IsNaN']);
const REDUCE = new Set(['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare', 'ReduceL2']);
const DTYPE_BY_ONNX: Record<number, DType> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 16: 'bfloat16' } as Record<number, DType>;

function broadcastDims(a: SDim[], b: SDim[]): SDim[] {
  const n = Math.max(a.length, b.length);
  const out: SDim[] = [];
  for (let i = 0; i < n; i++) {
    const x = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
    const y = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
    if (x === y) out.push(x);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (typeof x === 'number' && x > 1) out.push(x);
    else if (typeof y === 'number' && y > 1) out.push(y);
    else out.push(x ?? y);
  }
  return out;
}

function tensorConst(t: TensorData): number[] | undefined {
  if ((t.dtype === 'int64' || t.dtype === 'int32') && t.data.length <= 64) return Array.from(t.data as ArrayLike<number | bigint>, Number);
  return undefined;
}

/** Normalises a possibly negative axis for a tensor of the given rank. */
export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export function inferShapes(g: Graph): ShapeInfo {
  const shapes = new Map<string, ValueShape>();
  const consts = new Map<string, number[]>();
  for (const v of g.inputs) shapes.set(v.name, { dtype: v.dtype, dims: [...v.dims] });
  for (const [name, t] of g.initializers) {
    shapes.set(name, { dtype: t.dtype, dims: [...t.dims] });
    const c = tensorConst(t);
    if (c) consts.set(name, c);
  }
  for (const n of g.nodes) inferNode(n, shapes, consts);
  return { shapes, consts };
}

function attrInts(n: NodeDef, name: string): number[] | undefined {
  const a = n.attrs[name];
  return Array.isArray(a) ? (a as number[]) : undefined;
}
function attrInt(n: NodeDef, name: string, dflt: number): number {
  const a = n.attrs[name];
  return typeof a === 'number' ? a : dflt;
}

/** Axes of a node given either as attribute (older opsets) or as input `index` (newer opsets). */
export function nodeAxes(n: NodeDef, consts: Map<string, number[]>, index: number): number[] | undefined | 'dynamic' {
  const attr = attrInts(n, 'axes');
  if (attr) return attr;
  const name = n.inputs[index];
  if (!name) return undefined;
  return consts.get(name) ?? 'dynamic';
}

function inferNode(n: NodeDef, shapes: Map<string, ValueShape>, consts: Map<string, number[]>): void {
  const s = (i: number): ValueShape => shapes.get(n.inputs[i] ?? '') ?? {};
  const d = (i: number) => s(i).dims;
  const set = (dims: SDim[] | undefined, dtype: DType | undefined = s(0).dtype, k = 0): void => {
    shapes.set(n.outputs[k], { dims, dtype });
  };
  const op = n.op;
  if (n.domain && n.domain !== 'ai.onnx') return;
  if (UNARY_SAME.has(op)) {
    if (op === 'Dropout' && n.outputs[1]) set(d(0) && [...d(0)!], 'bool', 1);
    return set(d(0) && [...d(0)!], BOOL_OUT.has(op) ? 'bool' : s(0).dtype);
  }
  if (BINARY.has(op)) {
    const all = n.inputs.map((_, i) => d(i));
    const dims = all.every((x) => x) ? all.reduce((a, b) => broadcastDims(a!, b!)) : undefined;
    const dtype = BOOL_OUT.has(op) ? 'bool' : op === 'Where' ? s(1).dtype : s(0).dtype;
    set(dims, dtype);
    const a = consts.get(n.inputs[0]), b = consts.get(n.inputs[1]);
    if (a && b && (a.length === b.length || a.length === 1 || b.length === 1) && ['Add', 'Sub', 'Mul', 'Div'].includes(op)) {
      const len = Math.max(a.length, b.length);
      const at = (v: number[], i: number) => (v.length === 1 ? v[0] : v[i]);
      const f = { Add: (x: number, y: number) => x + y, Sub: (x: number, y: number) => x - y, Mul: (x: number, y: number) => x * y, Div: (x: number, y: number) => Math.trunc(x / y) }[op as 'Add']!;
      consts.set(n.outputs[0], Array.from({ length: len }, (_, i) => f(at(a, i), at(b, i))));
    }
    return;
  }
  if (REDUCE.has(op)) {
    const x = d(0);
    const keep = attrInt(n, 'keepdims', 1);
    const axes = nodeAxes(n, consts, 1);
    if (!x) return set(undefined);
    if (axes === 'dynamic') return set(keep ? x.map(() => null) : undefined);
    const all = !axes || axes.length === 0;
    if (all && attrInt(n, 'noop_with_empty_axes', 0)) return set([...x]);
    const ax = new Set((axes ?? x.map((_, i) => i)).map((a) => normAxis(a, x.length)));
    return set(keep ? x.map((v, i) => (ax.has(i) ? 1 : v)) : x.filter((_, i) => !ax.has(i)));
  }
  switch (op) {
    case 'Cast': {
      set(d(0) && [...d(0)!], DTYPE_BY_ONNX[attrInt(n, 'to', 1)]);
      const c = consts.get(n.inputs[0]);
      if (c) consts.set(n.outputs[0], c);
      return;
    }
    case 'Constant': {
      const v = n.attrs.value;
      if (v && typeof v === 'object' && !Array.isArray(v) && v.kind === 'tensor') {
        set([...v.value.dims], v.value.dtype);
        const c = tensorConst(v.value);
        if (c) consts.set(n.outputs[0], c);
      }
      return;
    }
    case 'Shape': {
      const x = d(0);
      if (!x) return set([null], 'int64');
      const start = Math.min(Math.max(normAxis(attrInt(n, 'start', 0), x.length), 0), x.length);
      const end = Math.min(Math.max(normAxis(attrInt(n, 'end', x.length), x.length), start), x.length);
      const part = x.slice(start, end);
      set([part.length], 'int64');
      if (part.every((v) => typeof v === 'number')) consts.set(n.outputs[0], part as number[]);
      return;
    }
    case 'Size':
      return set([], 'int64');
    case 'ConstantOfShape': {
      const c = consts.get(n.inputs[0]);
      const len = d(0)?.[0];
      const v = n.attrs.value;
      const dtype = v && typeof v === 'object' && !Array.isArray(v) && v.kind === 'tensor' ? v.value.dtype : 'float32';
      return set(c ? c : typeof len === 'number' ? Array(len).fill(null) : undefined, dtype);
    }
    case 'Range': {
      const [a, b, st] = [0, 1, 2].map((i) => consts.get(n.inputs[i])?.[0]);
      const len = a !== undefined && b !== undefined && st !== undefined ? Math.max(0, Math.ceil((b - a) / st)) : null;
      return set([len]);
    }
    case 'MatMul': {
      const a = d(0), b = d(1);
      if (!a || !b) return set(undefined);
      if (a.length === 1 && b.length === 1) return set([]);
      if (a.length === 1) return set([...b.slice(0, -2), b[b.length - 1]]);
      if (b.length === 1) return set(a.slice(0, -1));
      const batch = broadcastDims(a.slice(0, -2), b.slice(0, -2));
      return set([...batch, a[a.length - 2], b[b.length - 1]]);
    }
    case 'Gemm': {
      const a = d(0), b = d(1);
      if (!a || !b) return set(undefined);
      return set([attrInt(n, 'transA', 0) ? a[1] : a[0], attrInt(n, 'transB', 0) ? b[0] : b[1]]);
    }
    case 'Transpose': {
      const x = d(0);
      if (!x) return set(undefined);
      const perm = attrInts(n, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return set(perm.map((p) => x[p]));
    }
    case 'Reshape': {
      const x = d(0);
      const target = consts.get(n.inputs[1]);
      const len = d(1)?.[0];
      if (!target) return set(typeof len === 'number' ? Array(len).fill(null) : undefined);
      const dims: SDim[] = target.map((t, i) => (t === 0 && !attrInt(n, 'allowzero', 0) ? (x?.[i] ?? null) : t === -1 ? null : t));
      const known = x && x.every((v) => typeof v === 'number') ? (x as number[]).reduce((p, q) => p * q, 1) : undefined;
      const rest = dims.every((v, i) => v !== null || target[i] === -1) ? dims.reduce<number>((p, q) => p * (typeof q === 'number' ? q : 1), 1) : undefined;
      const mi = target.indexOf(-1);
      if (mi >= 0 && known !== undefined && rest !== undefined) dims[mi] = known / rest;
      return set(dims);
    }
    case 'Flatten': {
      const x = d(0);
      if (!x) return set(undefined);
      const axis = normAxis(attrInt(n, 'axis', 1), x.length);
      const prod = (v: SDim[]) => v.reduce<SDim>((p, q) => (typeof p === 'number' && typeof q === 'number' ? p * q : null), 1);
      return set([prod(x.slice(0, axis)), prod(x.slice(axis))]);
    }
    case 'Unsqueeze': {
      const x = d(0);
      const axes = nodeAxes(n, consts, 1);
      if (!x || !Array.isArray(axes)) return set(undefined);
      const r = x.length + axes.length;
      const ax = new Set(axes.map((a) => normAxis(a, r)));
      const out: SDim[] = [];
      let j = 0;
      for (let i = 0; i < r; i++) out.push(ax.has(i) ? 1 : x[j++]);
      set(out);
      const c = consts.get(n.inputs[0]);
      if (c) consts.set(n.outputs[0], c);
      return;
    }
    case 'Squeeze': {
      const x = d(0);
      const axes = nodeAxes(n, consts, 1);
      if (!x || axes === 'dynamic') return set(undefined);
      const ax = new Set((axes ?? x.flatMap((v, i) => (v === 1 ? [i] : []))).map((a) => normAxis(a, x.length)));
      set(x.filter((_, i) => !ax.has(i)));
      const c = consts.get(n.inputs[0]);
      if (c) consts.set(n.outputs[0], c);
      return;
    }
    case 'Expand': {
      const x = d(0);
      const target = consts.get(n.inputs[1]);
      const len = d(1)?.[0];
      if (!x) return set(undefined);
      if (target) return set(broadcastDims(x, target.map((t) => t)));
      if (typeof len === 'number') {
        const r = Math.max(len, x.length);
        return set(Array.from({ length: r }, (_, i) => {
          const xi = x[i - (r - x.length)];
          return xi !== undefined && xi !== 1 ? xi : null;
        }));
      }
      return set(undefined);
    }
    case 'Concat': {
      const all = n.inputs.map((_, i) => d(i));
      if (!all.every((x) => x)) return set(undefined);
      const r = all[0]!.length;
      const axis = normAxis(attrInt(n, 'axis', 0), r);
      const out = [...all[0]!];
      out[axis] = all.reduce<SDim>((p, x) => (typeof p === 'number' && typeof x![axis] === 'number' ? p + (x![axis] as number) : null), 0);
      set(out);
      const cs = n.inputs.map((i) => consts.get(i));
      if (r === 1 && cs.every((c) => c)) consts.set(n.outputs[0], cs.flatMap((c) => c!));
      return;
    }
    case 'Split': {
      const x = d(0);
      const sizes = n.inputs[1] ? consts.get(n.inputs[1]) : attrInts(n, 'split');
      for (let k = 0; k < n.outputs.length; k++) {
        if (!x) {
          set(undefined, s(0).dtype, k);
          continue;
        }
        const axis = normAxis(attrInt(n, 'axis', 0), x.length);
        const out = [...x];
        const total = x[axis];
        out[axis] = sizes ? sizes[k] : typeof total === 'number' ? total / n.outputs.length : null;
        set(out, s(0).dtype, k);
      }
      return;
    }
    case 'Slice': {
      const x = d(0);
      if (!x) return set(undefined);
      const starts = consts.get(n.inputs[1]), ends = consts.get(n.inputs[2]);
      const axes = n.inputs[3] ? consts.get(n.inputs[3]) : starts?.map((_, i) => i);
      const steps = n.inputs[4] ? consts.get(n.inputs[4]) : undefined;
      const out = [...x];
      if (!starts || !ends || !axes) {
        const ax = axes ?? null;
        return set(out.map((v, i) => (ax && !ax.map((a) => normAxis(a, x.length)).includes(i) ? v : null)));
      }
      axes.forEach((a0, k) => {
        const a = normAxis(a0, x.length);
        const dim = x[a];
        const step = steps?.[k] ?? 1;
        if (typeof dim !== 'number' || step !== 1) {
          const st = starts[k], en = ends[k];
          out[a] = step === 1 && st >= 0 && en >= 0 && en < 2 ** 40 && en >= st ? en - st : null;
          return;
        }
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
        out[a] = Math.max(0, clamp(ends[k]) - clamp(starts[k]));
      });
      set(out);
      const c = consts.get(n.inputs[0]);
      if (c && x.length === 1 && typeof out[0] === 'number') {
        const st = starts[0] < 0 ? starts[0] + c.length : starts[0];
        consts.set(n.outputs[0], c.slice(Math.max(0, st), Math.max(0, st) + (out[0] as number)));
      }
      return;
    }
    case 'Gather': {
      const x = d(0), idx = d(1);
      if (!x || !idx) return set(undefined);
      const axis = normAxis(attrInt(n, 'axis', 0), x.length);
      set([...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]);
      const c = consts.get(n.inputs[0]), ci = consts.get(n.inputs[1]);
      if (c && ci && x.length === 1) consts.set(n.outputs[0], ci.map((i) => c[i < 0 ? i + c.length : i]));
      return;
    }
    case 'GatherElements':
      return set(d(1) && [...d(1)!]);
    case 'OneHot': {
      const idx = d(0);
      const depth = consts.get(n.inputs[1])?.[0] ?? null;
      if (!idx) return set(undefined, s(2).dtype);
      const r = idx.length + 1;
      const axis = normAxis(attrInt(n, 'axis', -1), r);
      const out = [...idx];
      out.splice(axis, 0, depth);
      return set(out, s(2).dtype);
    }
    case 'Einsum':
      return set(undefined);
    default:
      return;
  }
}
