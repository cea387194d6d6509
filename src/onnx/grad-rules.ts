// One gradient rule per ONNX op, for the ops the model definition's training graphs use. A rule gets the
// gradients of the node's outputs (null where none flows) and returns one gradient per input (null or
// undefined where the input needs none). Standard ops only; every rule is checked against finite
// differences in test/sidecar/autodiff.test.ts.
import { ONNX_DTYPE } from './proto';
import { tensorAttr, type DType, type Graph, type NodeDef } from './graph';
import { nodeAxes, normAxis, type SDim } from './shape-infer';

export interface GradCtx {
  g: Graph;
  node: NodeDef;
  gy: (string | null)[];
  needs: boolean[];
  consts: Map<string, number[]>;
  dims(name: string): SDim[] | undefined;
  dtype(name: string): DType | undefined;
  rank(name: string): number;
}
export type GradRule = (c: GradCtx) => (string | null | undefined)[];

/** Ops whose outputs never carry gradient (shape computations, comparisons, random masks). */
export const NON_DIFFERENTIABLE = new Set([
  'Shape', 'Size', 'ConstantOfShape', 'Constant', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual',
  'Not', 'And', 'Or', 'Range', 'NonZero', 'ArgMax', 'ArgMin', 'Floor', 'Ceil', 'Round', 'Sign', 'RandomUniformLike',
  'RandomNormalLike', 'Bernoulli', 'IsNaN', 'OneHot', 'Trilu', 'Mod',
]);

/** Inputs of a node through which gradients flow. */
export function diffInputs(n: NodeDef): number[] {
  switch (n.op) {
    case 'Reshape': case 'Unsqueeze': case 'Squeeze': case 'Expand': case 'Slice': case 'Split':
    case 'GatherElements': case 'ReduceSum': case 'ReduceMean': case 'ReduceMax': case 'Flatten': case 'Cast':
    case 'Dropout': case 'Pad': case 'Gather':
      return [0];
    case 'Where':
      return [1, 2];
    default:
      return n.inputs.map((_, i) => i);
  }
}

const F32 = (v: number) => tensorAttr({ dtype: 'float32', dims: [1], data: new Float32Array([v]) });
const scalar = (g: Graph, v: number) => g.constF32([v], [], 'gc');
const zerosLike = (g: Graph, x: string) => g.op('ConstantOfShape', [g.op('Shape', [x])], { value: F32(0) });
const swapLast = (r: number) => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];

/**
 * Sums `grad` (shaped like `fromDims`) down to the shape of `x`, undoing numpy broadcasting. Static
 * where shapes are known; otherwise computes the broadcast axes at run time.
 */
function unbroadcast(c: GradCtx, grad: string, x: string, fromDims: SDim[] | undefined): string {
  const { g } = c;
  const xd = c.dims(x);
  if (xd && fromDims && xd.every((d) => d !== null) && fromDims.length >= xd.length) {
    const lead = fromDims.length - xd.length;
    const axes: number[] = [];
    for (let i = 0; i < fromDims.length; i++) {
      if (i < lead) axes.push(i);
      else if (xd[i - lead] === 1 && fromDims[i] !== 1) axes.push(i);
    }
    if (axes.length === 0) return grad;
    let r = g.op('ReduceSum', [grad, g.constI64(axes)], { keepdims: 1 });
    if (lead > 0) r = g.op('Squeeze', [r, g.constI64(axes.filter((a) => a < lead))]);
    return r;
  }
  // Run-time axes: where Shape(x), left-padded with ones, differs from Shape(grad).
  const sy = g.op('Shape', [grad]);
  const sx = g.op('Shape', [x]);
  const diff = g.op('Reshape', [g.op('Sub', [g.op('Size', [sy]), g.op('Size', [sx])]), g.constI64([1])]);
  const ones = g.op('ConstantOfShape', [diff], { value: tensorAttr({ dtype: 'int64', dims: [1], data: new BigInt64Array([1n]) }) });
  const padded = g.op('Concat', [ones, sx], { axis: 0 });
  const axes = g.op('Reshape', [g.op('NonZero', [g.op('Not', [g.op('Equal', [padded, sy])])]), g.constI64([-1])]);
  const r = g.op('ReduceSum', [grad, axes], { keepdims: 1, noop_with_empty_axes: 1 });
  return g.op('Reshape', [r, sx]);
}

const outDims = (c: GradCtx, k = 0) => c.dims(c.node.outputs[k]);
const ub = (c: GradCtx, grad: string, i: number) => unbroadcast(c, grad, c.node.inputs[i], outDims(c));
const same = (c: GradCtx): (string | null)[] => [c.gy[0]];
/**
 * Reshape(grad, Shape(x)), looking through a Reshape that produced `grad`: ONNX Runtime 1.30's
 * Reshape-chain fusion fails on Reshape(Reshape(a, s1), Shape(x)) with a run-time s1.
 */
function reshapeTo(g: Graph, grad: string, x: string): string {
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k];
    if (!n.outputs.includes(grad)) continue;
    if (n.op === 'Reshape') grad = n.inputs[0];
    break;
  }
  return g.op('Reshape', [grad, g.op('Shape', [x])]);
}
const reshapeBack: GradRule = (c) => [reshapeTo(c.g, c.gy[0]!, c.node.inputs[0])];

function intAttr(n: NodeDef, name: string, dflt: number): number {
  const a = n.attrs[name];
  return typeof a === 'number' ? a : dflt;
}

function constAxes(c: GradCtx, index: number, rank: number): number[] | undefined {
  const ax = nodeAxes(c.node, c.consts, index);
  if (ax === 'dynamic') throw new Error(`gradient of ${c.node.op} (node ${c.node.name}) needs constant axes`);
  return ax?.map((a) => normAxis(a, rank));
}

/** Gradient of a reduction: unsqueeze the reduced axes back (keepdims=0) and expand to x's shape. */
function reduceBack(c: GradCtx, gy: string): string {
  const { g, node } = c;
  const x = node.inputs[0];
  const r = c.rank(x);
  const axes = constAxes(c, 1, r);
  const all = !axes || axes.length === 0;
  if (all && intAttr(node, 'noop_with_empty_axes', 0)) return gy;
  const list = all ? Array.from({ length: r }, (_, i) => i) : [...axes!].sort((a, b) => a - b);
  const kept = intAttr(node, 'keepdims', 1) ? gy : g.op('Unsqueeze', [gy, g.constI64(list)]);
  return g.op('Expand', [kept, g.op('Shape', [x])]);
}

function matmulGrads(c: GradCtx): (string | null)[] {
  const { g, node } = c;
  const [a, b] = node.inputs;
  const gy = c.gy[0]!;
  const ra = c.rank(a), rb = c.rank(b);
  if (ra < 2 || rb < 2) throw new Error(`MatMul gradient supports rank >= 2 operands (node ${node.name})`);
  const yd = outDims(c);
  const batch = yd ? yd.slice(0, -2) : undefined;
  let ga: string | null = null, gb: string | null = null;
  if (c.needs[0]) {
    const bt = g.op('Transpose', [b], { perm: swapLast(rb) });
    const ad = c.dims(a);
    ga = unbroadcast(c, g.op('MatMul', [gy, bt]), a, batch && ad ? [...batch, ...ad.slice(-2)] : undefined);
  }
  if (c.needs[1]) {
    if (rb === 2 && ra > 2) {
      // Weight gradient: fold the batch dims into rows, one GEMM: flat(a)^T @ flat(gy).
      const af = g.op('Flatten', [a], { axis: ra - 1 });
      const gf = g.op('Flatten', [gy], { axis: ra - 1 });
      gb = g.op('MatMul', [g.op('Transpose', [af], { perm: [1, 0] }), gf]);
    } else {
      const at = g.op('Transpose', [a], { perm: swapLast(ra) });
      const bd = c.dims(b);
      gb = unbroadcast(c, g.op('MatMul', [at, gy]), b, batch && bd ? [...batch, ...bd.slice(-2)] : undefined);
    }
  }
  return [ga, gb];
}

function sliceGrad(c: GradCtx): (string | null)[] {
  const { g, node } = c;
  const [x, starts, ends, axesIn, steps] = node.inputs;
  const r = c.rank(x);
  if (steps && !(c.consts.get(steps) ?? [0]).every((s) => s === 1)) throw new Error(`Slice gradient supports step 1 only (node ${node.name})`);
  const k = c.consts.get(starts)?.length ?? c.dims(starts)?.[0];
  if (typeof k !== 'number') throw new Error(`Slice gradient needs the number of sliced axes (node ${node.name})`);
  const axesC = axesIn ? c.consts.get(axesIn) : Array.from({ length: k }, (_, i) => i);
  if (!axesC) throw new Error(`Slice gradient needs constant axes (node ${node.name})`);
  const axes = axesC.map((a) => normAxis(a, r));
  const axesT = g.constI64(axes);
  const dimsT = g.op('Gather', [g.op('Shape', [x]), axesT], { axis: 0 });
  const zero = g.constI64([0], []);
  const norm = (v: string) => {
    const wrapped = g.op('Where', [g.op('Less', [v, zero]), g.op('Add', [v, dimsT]), v]);
    return g.op('Min', [g.op('Max', [wrapped, zero]), dimsT]);
  };
  const s = norm(starts), e = g.op('Max', [norm(ends), s]);
  const zerosR = g.constI64(Array(r).fill(0));
  const idx = g.constI64(axes, [k, 1]);
  const before = g.op('ScatterND', [zerosR, idx, s]);
  const after = g.op('ScatterND', [zerosR, idx, g.op('Sub', [dimsT, e])]);
  const pads = g.op('Concat', [before, after], { axis: 0 });
  return [g.op('Pad', [c.gy[0]!, pads], { mode: 'constant' })];
}

function concatGrad(c: GradCtx): (string | null)[] {
  const { g, node } = c;
  const r = c.rank(node.inputs[0]);
  const axis = normAxis(intAttr(node, 'axis', 0), r);
  const sizes = node.inputs.map((x) => c.dims(x)?.[axis]);
  const split = sizes.every((s) => typeof s === 'number')
    ? g.constI64(sizes as number[])
    : g.op('Concat', node.inputs.map((x) => g.op('Gather', [g.op('Shape', [x]), g.constI64([axis])], { axis: 0 })), { axis: 0 });
  const parts = g.opN('Split', [c.gy[0]!, split], node.inputs.length, { axis });
  return parts.map((p, i) => (c.needs[i] ? p : null));
}

function splitGrad(c: GradCtx): (string | null)[] {
  const { g, node } = c;
  const axis = intAttr(node, 'axis', 0);
  const parts = node.outputs.map((o, k) => c.gy[k] ?? zerosLike(g, o));
  return [g.op('Concat', parts, { axis })];
}

function gatherGrad(c: GradCtx): (string | null)[] {
  const { g, node } = c;
  const [data, indices] = node.inputs;
  if (normAxis(intAttr(node, 'axis', 0), c.rank(data)) !== 0) throw new Error(`Gather gradient supports axis 0 only (node ${node.name})`);
  const idx64 = c.dtype(indices) === 'int64' ? indices : g.op('Cast', [indices], { to: ONNX_DTYPE.int64 });
  const idx = g.op('Unsqueeze', [idx64, g.constI64([-1])]);
  return [g.op('ScatterND', [zerosLike(g, data), idx, c.gy[0]!], { reduction: 'add' })];
}

const mul = (g: Graph, a: string, b: string) => g.op('Mul', [a, b]);

export const GRAD_RULES: Record<string, GradRule> = {
  Identity: same,
  Dropout: (c) => {
    // Training mode: y = x·mask/(1-ratio), so dx = dy·mask/(1-ratio); the mask is output 1.
    const { g, node } = c;
    const [, ratio, training] = node.inputs;
    const t = training ? g.initializers.get(training) : undefined;
    if (!training || (t && t.data[0] === 0)) return [c.gy[0]];
    if (!node.outputs[1]) throw new Error(`Dropout gradient in training mode needs the mask output (node ${node.name})`);
    const kept = g.op('Where', [node.outputs[1], c.gy[0]!, scalar(g, 0)]);
    return [ratio ? g.op('Div', [kept, g.op('Sub', [scalar(g, 1), ratio])]) : g.op('Mul', [kept, scalar(g, 2)])];
  },
  Neg: (c) => [c.g.op('Neg', [c.gy[0]!])],
  Add: (c) => [c.needs[0] ? ub(c, c.gy[0]!, 0) : null, c.needs[1] ? ub(c, c.gy[0]!, 1) : null],
  Sum: (c) => c.node.inputs.map((_, i) => (c.needs[i] ? ub(c, c.gy[0]!, i) : null)),
  Sub: (c) => [c.needs[0] ? ub(c, c.gy[0]!, 0) : null, c.needs[1] ? ub(c, c.g.op('Neg', [c.gy[0]!]), 1) : null],
  Mul: (c) => {
    const [a, b] = c.node.inputs;
    return [c.needs[0] ? ub(c, mul(c.g, c.gy[0]!, b), 0) : null, c.needs[1] ? ub(c, mul(c.g, c.gy[0]!, a), 1) : null];
  },
  Div: (c) => {
    const { g } = c;
    const [, b] = c.node.inputs;
    const y = c.node.outputs[0];
    const ga = c.needs[0] ? ub(c, g.op('Div', [c.gy[0]!, b]), 0) : null;
    const gb = c.needs[1] ? ub(c, g.op('Neg', [mul(g, c.gy[0]!, g.op('Div', [y, b]))]), 1) : null;
    return [ga, gb];
  },
  Pow: (c) => {
    const { g } = c;
    const [a, p] = c.node.inputs;
    const y = c.node.outputs[0];
    const pc = c.consts.get(p) ?? undefined;
    let ga: string | null = null;
    if (c.needs[0]) {
      const pv = g.initializers.get(p);
      const two = pv && pv.dtype === 'float32' && pv.data.length === 1 && pv.data[0] === 2;
      const d = two ? mul(g, a, scalar(g, 2)) : mul(g, p, g.op('Pow', [a, g.op('Sub', [p, scalar(g, 1)])]));
      ga = ub(c, mul(g, c.gy[0]!, d), 0);
    }
    const gp = c.needs[1] && !pc ? ub(c, mul(g, c.gy[0]!, mul(g, y, g.op('Log', [a]))), 1) : null;
    return [ga, gp];
  },
  Sqrt: (c) => [c.g.op('Div', [mul(c.g, c.gy[0]!, scalar(c.g, 0.5)), c.node.outputs[0]])],
  Reciprocal: (c) => {
    const y = c.node.outputs[0];
    return [c.g.op('Neg', [mul(c.g, c.gy[0]!, mul(c.g, y, y))])];
  },
  Exp: (c) => [mul(c.g, c.gy[0]!, c.node.outputs[0])],
  Log: (c) => [c.g.op('Div', [c.gy[0]!, c.node.inputs[0]])],
  Tanh: (c) => {
    const y = c.node.outputs[0];
    return [mul(c.g, c.gy[0]!, c.g.op('Sub', [scalar(c.g, 1), mul(c.g, y, y)]))];
  },
  Sigmoid: (c) => {
    const y = c.node.outputs[0];
    return [mul(c.g, c.gy[0]!, mul(c.g, y, c.g.op('Sub', [scalar(c.g, 1), y])))];
  },
  Erf: (c) => {
    const x = c.node.inputs[0];
    const d = mul(c.g, scalar(c.g, 2 / Math.sqrt(Math.PI)), c.g.op('Exp', [c.g.op('Neg', [mul(c.g, x, x)])]));
    return [mul(c.g, c.gy[0]!, d)];
  },
  Relu: (c) => [c.g.op('Where', [c.g.op('Greater', [c.node.inputs[0], scalar(c.g, 0)]), c.gy[0]!, scalar(c.g, 0)])],
  Abs: (c) => [mul(c.g, c.gy[0]!, c.g.op('Sign', [c.node.inputs[0]]))],
  Sin: (c) => [mul(c.g, c.gy[0]!, c.g.op('Cos', [c.node.inputs[0]]))],
  Cos: (c) => [c.g.op('Neg', [mul(c.g, c.gy[0]!, c.g.op('Sin', [c.node.inputs[0]]))])],
  Max: (c) => minMax(c, 'GreaterOrEqual'),
  Min: (c) => minMax(c, 'LessOrEqual'),
  Softmax: (c) => {
    const { g } = c;
    const y = c.node.outputs[0];
    const axes = g.constI64([intAttr(c.node, 'axis', -1)]);
    const gyY = mul(g, c.gy[0]!, y);
    return [mul(g, y, g.op('Sub', [c.gy[0]!, g.op('ReduceSum', [gyY, axes], { keepdims: 1 })]))];
  },
  LogSoftmax: (c) => {
    const { g } = c;
    const y = c.node.outputs[0];
    const axes = g.constI64([intAttr(c.node, 'axis', -1)]);
    const s = g.op('ReduceSum', [c.gy[0]!, axes], { keepdims: 1 });
    return [g.op('Sub', [c.gy[0]!, mul(g, g.op('Exp', [y]), s)])];
  },
  ReduceSum: (c) => [reduceBack(c, c.gy[0]!)],
  ReduceMean: (c) => {
    const { g, node } = c;
    const x = node.inputs[0], y = node.outputs[0];
    const xd = c.dims(x), yd = c.dims(y);
    const known = (d?: SDim[]) => (d && d.every((v) => typeof v === 'number') ? (d as number[]).reduce((p, q) => p * q, 1) : undefined);
    const nx = known(xd), ny = known(yd);
    const factor = nx !== undefined && ny !== undefined
      ? scalar(g, ny / nx)
      : g.op('Div', [g.op('Cast', [g.op('Size', [y])], { to: ONNX_DTYPE.float32 }), g.op('Cast', [g.op('Size', [x])], { to: ONNX_DTYPE.float32 })]);
    return [reduceBack(c, mul(g, c.gy[0]!, factor))];
  },
  ReduceMax: (c) => {
    const { g, node } = c;
    const x = node.inputs[0];
    const yFull = reduceBack(c, node.outputs[0]);
    const gFull = reduceBack(c, c.gy[0]!);
    return [g.op('Where', [g.op('Equal', [x, yFull]), gFull, scalar(g, 0)])];
  },
  Reshape: reshapeBack,
  Unsqueeze: reshapeBack,
  Squeeze: reshapeBack,
  Flatten: reshapeBack,
  Expand: (c) => [ub(c, c.gy[0]!, 0)],
  Transpose: (c) => {
    const perm = c.node.attrs.perm as number[] | undefined;
    if (!perm) return [c.g.op('Transpose', [c.gy[0]!])];
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [c.g.op('Transpose', [c.gy[0]!], { perm: inv })];
  },
  MatMul: matmulGrads,
  Concat: concatGrad,
  Split: splitGrad,
  Slice: sliceGrad,
  Gather: gatherGrad,
  GatherElements: (c) => {
    const { g, node } = c;
    const [data, idx] = node.inputs;
    const axis = intAttr(node, 'axis', 0);
    return [g.op('ScatterElements', [zerosLike(g, data), idx, c.gy[0]!], { axis, reduction: 'add' })];
  },
  Where: (c) => {
    const { g } = c;
    const cond = c.node.inputs[0];
    const zero = scalar(g, 0);
    return [
      null,
      c.needs[1] ? ub(c, g.op('Where', [cond, c.gy[0]!, zero]), 1) : null,
      c.needs[2] ? ub(c, g.op('Where', [cond, zero, c.gy[0]!]), 2) : null,
    ];
  },
  Cast: (c) => {
    const src = c.dtype(c.node.inputs[0]) ?? 'float32';
    return [c.g.op('Cast', [c.gy[0]!], { to: ONNX_DTYPE[src] })];
  },
};

function minMax(c: GradCtx, cmp: 'GreaterOrEqual' | 'LessOrEqual'): (string | null)[] {
  const { g } = c;
  if (c.node.inputs.length !== 2) throw new Error(`${c.node.op} gradient supports two inputs (node ${c.node.name})`);
  const [a, b] = c.node.inputs;
  const m = g.op(cmp, [a, b]);
  const zero = scalar(g, 0);
  return [
    c.needs[0] ? ub(c, g.op('Where', [m, c.gy[0]!, zero]), 0) : null,
    c.needs[1] ? ub(c, g.op('Where', [m, zero, c.gy[0]!]), 1) : null,
  ];
}
