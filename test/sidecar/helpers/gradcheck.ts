// Finite-difference gradient checking for graphs run in ONNX Runtime: builds `loss = sum(y * W)` over a
// graph's output y (W random, so every element of y matters differently), appends the autodiff backward
// pass, and compares each analytic gradient element with a central difference of the forward graph.
import { Graph, type Dim, type DType, type TypedData } from '../../../src/onnx/graph';
import { appendGradients } from '../../../src/onnx/autodiff';
import { inferShapes } from '../../../src/onnx/shape-infer';
import { createSession, type HostTensor } from '../../../src/runtime/ort';

export interface CheckInput {
  name: string;
  dims: Dim[]; // declared dims (symbolic allowed)
  shape?: number[]; // run-time dims (default: dims, which must then be numbers)
  dtype?: DType; // default float32
  data?: TypedData; // default: uniform in `range`
  range?: [number, number]; // default [-1, 1]
  wrt?: boolean; // differentiate with respect to it (float32 only); default true for float32
}

export interface CheckResult {
  maxAbsErr: number;
  maxRelErr: number;
  checked: number;
  nodesAdded: number;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

type Build = (g: Graph, v: Record<string, string>) => string;

function declare(g: Graph, ins: CheckInput[]): Record<string, string> {
  const v: Record<string, string> = {};
  for (const i of ins) v[i.name] = g.input(i.name, i.dtype ?? 'float32', i.dims);
  return v;
}

export async function gradCheck(build: Build, ins: CheckInput[], opts: { eps?: number; seed?: number } = {}): Promise<CheckResult> {
  const rand = rng(opts.seed ?? 7);
  const feeds: Record<string, HostTensor> = {};
  for (const i of ins) {
    const shape = i.shape ?? (i.dims as number[]);
    const n = shape.reduce((p, q) => p * q, 1);
    const [lo, hi] = i.range ?? [-1, 1];
    const data = i.data ?? Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
    feeds[i.name] = { dtype: i.dtype ?? 'float32', dims: shape, data };
  }
  // Phase 1: the run-time shape of y.
  const g1 = new Graph('fwd');
  const y1 = build(g1, declare(g1, ins));
  const yd = inferShapes(g1).shapes.get(y1)?.dims;
  if (!yd) throw new Error('shape inference lost the rank of the checked output');
  g1.output(y1, 'y', 'float32', yd.map((d, k) => d ?? `y${k}`));
  const s1 = await createSession(g1.toModel(), { provider: 'cpu', threads: 1 });
  const yShape = (await s1.run(feeds)).y.dims;
  await s1.release();

  // Phase 2: loss and gradients.
  const g = new Graph('grad');
  const v = declare(g, ins);
  const y = build(g, v);
  const w = g.input('W', 'float32', yShape);
  const loss = g.op('ReduceSum', [g.op('Mul', [y, w])], { keepdims: 0 });
  g.output(loss, 'loss', 'float32', []);
  const wrt = ins.filter((i) => (i.wrt ?? (i.dtype ?? 'float32') === 'float32')).map((i) => i.name);
  const { grads, nodesAdded } = appendGradients(g, 'loss', wrt);
  const nW = yShape.reduce((p, q) => p * q, 1);
  feeds.W = { dtype: 'float32', dims: yShape, data: Float32Array.from({ length: nW }, () => rand() * 2 - 1) };
  const sess = await createSession(g.toModel(), { provider: 'cpu', threads: 1 });
  const out = await sess.run(feeds);
  const eps = opts.eps ?? 1e-2;
  let maxAbsErr = 0, maxRelErr = 0, checked = 0;
  for (const name of wrt) {
    const analytic = out[grads.get(name) === undefined ? '' : 'grad.' + name].data as Float32Array;
    const x = feeds[name].data as Float32Array;
    if (analytic.length !== x.length) throw new Error(`gradient of ${name} has ${analytic.length} elements, input has ${x.length}`);
    for (let k = 0; k < x.length; k++) {
      const orig = x[k];
      x[k] = orig + eps;
      const lp = ((await sess.run(feeds, ['loss'])).loss.data as Float32Array)[0];
      x[k] = orig - eps;
      const lm = ((await sess.run(feeds, ['loss'])).loss.data as Float32Array)[0];
      x[k] = orig;
      const numeric = (lp - lm) / (2 * eps);
      const abs = Math.abs(numeric - analytic[k]);
      maxAbsErr = Math.max(maxAbsErr, abs);
      maxRelErr = Math.max(maxRelErr, abs / Math.max(1, Math.abs(numeric)));
      checked++;
    }
  }
  await sess.release();
  return { maxAbsErr, maxRelErr, checked, nodesAdded };
}
