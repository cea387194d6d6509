// Every gradient rule of src/onnx/grad-rules.ts against central finite differences of the forward graph,
// run in ONNX Runtime (float32, eps 1e-2: tolerance 2e-2 relative to max(1, |numeric|)).
import assert from 'node:assert/strict';
import { type Graph } from '../../src/onnx/graph';
import { appendGradients } from '../../src/onnx/autodiff';
import { Builder } from '../../src/model/blocks';
import { gelu } from '../../src/model/starcoder2';
import { tinyConfig } from './helpers/tiny-model';
import { gradCheck, type CheckInput } from './helpers/gradcheck';

const TOL = 2e-2;
type Build = (g: Graph, v: Record<string, string>) => string;

function check(title: string, build: Build, ins: CheckInput[], tol = TOL): void {
  it(title, async () => {
    const r = await gradCheck(build, ins);
    assert.ok(r.checked > 0, 'no element was checked');
    assert.ok(r.maxRelErr < tol, `max relative error ${r.maxRelErr.toExponential(2)} (abs ${r.maxAbsErr.toExponential(2)}) over ${r.checked} elements`);
  });
}

const x = (name: string, dims: number[], extra: Partial<CheckInput> = {}): CheckInput => ({ name, dims, ...extra });
const pos: Partial<CheckInput> = { range: [0.5, 2] };
const axes = (g: Graph, a: number[]) => g.constI64(a);

describe('autodiff: elementwise rules', () => {
  check('Add with broadcasting on both sides', (g, v) => g.op('Add', [v.a, v.b]), [x('a', [2, 1, 4]), x('b', [3, 1])]);
  check('Sub with a rank-1 operand', (g, v) => g.op('Sub', [v.a, v.b]), [x('a', [2, 3, 4]), x('b', [4])]);
  check('Mul, same operand twice (accumulation)', (g, v) => g.op('Add', [g.op('Mul', [v.a, v.a]), g.op('Mul', [v.a, v.b])]), [x('a', [3, 4]), x('b', [1, 4])]);
  check('Div', (g, v) => g.op('Div', [v.a, v.b]), [x('a', [2, 3]), x('b', [2, 1], pos)]);
  check('Pow by constant 2 and 3', (g, v) => g.op('Add', [g.op('Pow', [v.a, g.constF32([2], [])]), g.op('Pow', [v.a, g.constF32([3], [])])]), [x('a', [2, 3], pos)]);
  check('Sqrt and Reciprocal', (g, v) => g.op('Mul', [g.op('Sqrt', [v.a]), g.op('Reciprocal', [v.b])]), [x('a', [5], pos), x('b', [5], pos)]);
  check('Exp, Log, Neg', (g, v) => g.op('Neg', [g.op('Add', [g.op('Exp', [v.a]), g.op('Log', [v.b])])]), [x('a', [4]), x('b', [4], pos)]);
  check('Tanh, Sigmoid, Erf', (g, v) => g.op('Sum', [g.op('Tanh', [v.a]), g.op('Sigmoid', [v.a]), g.op('Erf', [v.a])]), [x('a', [3, 3])]);
  check('Sin, Cos, Abs, Relu (away from kinks)', (g, v) => g.op('Sum', [g.op('Sin', [v.a]), g.op('Cos', [v.a]), g.op('Abs', [v.a]), g.op('Relu', [v.a])]), [
    x('a', [6], { data: Float32Array.from([-1.2, -0.6, -0.3, 0.4, 0.7, 1.5]) }),
  ]);
  check('Max and Min (distinct values)', (g, v) => g.op('Add', [g.op('Max', [v.a, v.b]), g.op('Min', [v.a, v.b])]), [
    x('a', [4], { data: Float32Array.from([0.1, 0.9, -0.5, 0.3]) }),
    x('b', [4], { data: Float32Array.from([0.5, 0.2, -0.1, -0.7]) }),
  ]);
  check('Where with broadcast branches', (g, v) => g.op('Where', [v.c, v.a, v.b]), [
    x('c', [2, 3], { dtype: 'bool', data: Uint8Array.from([1, 0, 1, 0, 0, 1]) }),
    x('a', [2, 3]),
    x('b', [3]),
  ]);
  check('Cast float32 → float32 and Identity', (g, v) => g.op('Identity', [g.op('Cast', [v.a], { to: 1 })]), [x('a', [3])]);
  check('Dropout as Mul by a mask input', (g, v) => g.op('Mul', [v.a, v.m]), [x('a', [2, 4]), x('m', [2, 4], { wrt: false, data: Float32Array.from([0, 1.25, 1.25, 0, 1.25, 1.25, 1.25, 0]) })]);
});

describe('autodiff: reductions and normalisations', () => {
  check('ReduceSum over one axis, keepdims 0', (g, v) => g.op('ReduceSum', [v.a, axes(g, [1])], { keepdims: 0 }), [x('a', [2, 3, 4])]);
  check('ReduceMean over the last axis, keepdims 1', (g, v) => g.op('ReduceMean', [v.a, axes(g, [-1])], { keepdims: 1 }), [x('a', [2, 3, 4])]);
  check('ReduceMean over all axes', (g, v) => g.op('ReduceMean', [v.a], { keepdims: 0 }), [x('a', [2, 3])]);
  check('ReduceMax', (g, v) => g.op('ReduceMax', [v.a, axes(g, [1])], { keepdims: 0 }), [x('a', [2, 3], { data: Float32Array.from([0.1, 0.7, -0.2, 0.9, 0.3, -0.4]) })]);
  check('Softmax over the last axis', (g, v) => g.op('Softmax', [v.a], { axis: -1 }), [x('a', [2, 5])]);
  check('LogSoftmax over axis 1 of 3', (g, v) => g.op('LogSoftmax', [v.a], { axis: 1 }), [x('a', [2, 4, 3])]);
  check('RMSNorm built from Pow, ReduceMean, Add, Sqrt, Div, Mul', (g, v) => {
    const ms = g.op('ReduceMean', [g.op('Pow', [v.a, g.constF32([2], [])]), axes(g, [-1])], { keepdims: 1 });
    const rms = g.op('Sqrt', [g.op('Add', [ms, g.constF32([1e-5], [])])]);
    return g.op('Mul', [g.op('Div', [v.a, rms]), v.w]);
  }, [x('a', [2, 3, 4]), x('w', [4])]);
  // The StarCoder2 family's train-mode pieces, built by the model code itself (blocks.ts, starcoder2.ts).
  const sc2 = (g: Graph, v: Record<string, string>, hiddenAct?: 'gelu' | 'gelu_pytorch_tanh') =>
    new Builder(g, tinyConfig({ modelType: 'starcoder2', hiddenSize: 4, hiddenAct }), { mode: 'train', weight: (n) => v[n] });
  check('LayerNorm (train mode): ReduceMean, Sub, Mul, Add, Sqrt, Div with weight and bias', (g, v) => sc2(g, v).layerNorm(v.a, 'ln'), [
    x('a', [2, 3, 4]),
    x('ln.weight', [4]),
    x('ln.bias', [4]),
  ]);
  check('GELU, tanh approximation (Mul, Add, Tanh) and exact (Erf)', (g, v) => g.op('Add', [gelu(sc2(g, v), v.a), gelu(sc2(g, v, 'gelu'), v.a)]), [x('a', [3, 5], { range: [-3, 3] })]);
  check('cross-entropy: LogSoftmax, GatherElements, mask, mean', (g, v) => {
    const lp = g.op('LogSoftmax', [v.logits], { axis: -1 });
    const picked = g.op('Squeeze', [g.op('GatherElements', [lp, v.t], { axis: 2 }), axes(g, [2])]);
    const masked = g.op('Mul', [picked, v.mask]);
    return g.op('Neg', [g.op('Div', [g.op('ReduceSum', [masked], { keepdims: 0 }), g.op('ReduceSum', [v.mask], { keepdims: 0 })])]);
  }, [
    x('logits', [1, 4, 6]),
    x('t', [1, 4, 1], { dtype: 'int64', data: BigInt64Array.from([1n, 5n, 0n, 1n]) }),
    x('mask', [1, 4], { wrt: false, data: Float32Array.from([0, 1, 1, 1]) }),
  ]);
});

describe('autodiff: linear algebra and shape ops', () => {
  check('MatMul activation × weight (batch folded)', (g, v) => g.op('MatMul', [v.a, v.w]), [x('a', [2, 3, 4]), x('w', [4, 5])]);
  check('MatMul batched × batched', (g, v) => g.op('MatMul', [v.a, v.b]), [x('a', [2, 3, 4]), x('b', [2, 4, 2])]);
  check('MatMul with broadcast batch dims', (g, v) => g.op('MatMul', [v.a, v.b]), [x('a', [2, 1, 3, 4]), x('b', [3, 4, 2])]);
  check('Transpose with perm', (g, v) => g.op('Transpose', [v.a], { perm: [2, 0, 1] }), [x('a', [2, 3, 4])]);
  check('Reshape, Unsqueeze, Squeeze, Flatten', (g, v) => {
    const r = g.op('Reshape', [v.a, g.constI64([3, -1])]);
    const u = g.op('Unsqueeze', [r, axes(g, [0])]);
    return g.op('Flatten', [g.op('Squeeze', [u, axes(g, [0])])], { axis: 1 });
  }, [x('a', [2, 3, 2])]);
  check('Expand', (g, v) => g.op('Expand', [v.a, g.constI64([2, 3, 4])]), [x('a', [3, 1])]);
  check('Concat of a trainable and a frozen tensor', (g, v) => g.op('Concat', [v.a, v.b], { axis: 1 }), [x('a', [2, 2]), x('b', [2, 3], { wrt: false })]);
  check('Split with one unused part', (g, v) => {
    const [p, , r] = g.opN('Split', [v.a, g.constI64([1, 2, 3])], 3, { axis: 1 });
    return g.op('Concat', [g.op('Mul', [p, g.constF32([2], [])]), r], { axis: 1 });
  }, [x('a', [2, 6])]);
  check('Slice with positive and negative bounds', (g, v) => {
    const s1 = g.op('Slice', [v.a, g.constI64([1]), g.constI64([3]), g.constI64([1])]);
    const s2 = g.op('Slice', [v.a, g.constI64([-2, 0]), g.constI64([9223372036854775807n as unknown as number, 2]), g.constI64([1, 0])]);
    return g.op('Add', [s1, s2]);
  }, [x('a', [2, 4])]);
  check('Slice on a symbolic dimension (run-time pads)', (g, v) => g.op('Slice', [v.a, g.constI64([1]), g.constI64([-1]), g.constI64([0])]), [
    { name: 'a', dims: ['T', 3], shape: [5, 3] },
  ]);
  check('Gather (embedding) with repeated ids → ScatterND add', (g, v) => g.op('Gather', [v.e, v.ids], { axis: 0 }), [
    x('e', [6, 3]),
    x('ids', [2, 3], { dtype: 'int64', data: BigInt64Array.from([1n, 4n, 1n, 0n, 1n, 5n]) }),
  ]);
  check('Add where the broadcast shape is only known at run time', (g, v) => {
    const b = g.op('Reshape', [v.b, v.shape]);
    return g.op('Add', [v.a, b]);
  }, [x('a', [2, 3]), x('b', [3]), x('shape', [2], { dtype: 'int64', data: BigInt64Array.from([1n, 3n]) })]);
  check('attention block: scores, causal mask via Where, softmax, weighted values', (g, v) => {
    const k = g.op('Transpose', [v.k], { perm: [0, 2, 1] });
    const s = g.op('Mul', [g.op('MatMul', [v.q, k]), g.constF32([0.5], [])]);
    const masked = g.op('Where', [v.mask, s, g.constF32([-1e4], [])]);
    return g.op('MatMul', [g.op('Softmax', [masked], { axis: -1 }), v.v]);
  }, [
    x('q', [2, 3, 4]),
    x('k', [2, 3, 4]),
    x('v', [2, 3, 4]),
    x('mask', [3, 3], { dtype: 'bool', data: Uint8Array.from([1, 0, 0, 1, 1, 0, 1, 1, 1]) }),
  ]);
});

describe('autodiff: training-mode Dropout', () => {
  it('passes the gradient through the kept elements, scaled by 1/(1-ratio)', async () => {
    const { Graph } = await import('../../src/onnx/graph');
    const { createSession } = await import('../../src/runtime/ort');
    const g = new Graph();
    const a = g.input('a', 'float32', [4, 8]);
    const w = g.input('w', 'float32', [4, 8]);
    const ratio = g.constF32([0.25], []);
    const training = g.initializer('training', { dtype: 'bool', dims: [], data: Uint8Array.of(1) });
    const [y, mask] = g.opN('Dropout', [a, ratio, training], 2);
    g.output(mask, 'mask', 'bool', [4, 8]);
    g.output(g.op('ReduceSum', [g.op('Mul', [y, w])], { keepdims: 0 }), 'loss', 'float32', []);
    appendGradients(g, 'loss', ['a']);
    const s = await createSession(g.toModel(), { provider: 'cpu', threads: 1 });
    const wData = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) + 0.1);
    const out = await s.run({ a: { dtype: 'float32', dims: [4, 8], data: new Float32Array(32).fill(1) }, w: { dtype: 'float32', dims: [4, 8], data: wData } });
    const m = out.mask.data as Uint8Array;
    const ga = out['grad.a'].data as Float32Array;
    assert.ok(m.some((v) => v === 0) && m.some((v) => v === 1), 'the mask should drop some and keep some of 32 elements');
    for (let i = 0; i < 32; i++) assert.ok(Math.abs(ga[i] - (m[i] ? wData[i] / 0.75 : 0)) < 1e-6, `element ${i}`);
    await s.release();
  });
});

describe('autodiff: errors and bookkeeping', () => {
  it('names an op without a rule', async () => {
    const { Graph } = await import('../../src/onnx/graph');
    const g = new Graph();
    const a = g.input('a', 'float32', [3]);
    const y = g.op('Softplus', [a]);
    g.output(g.op('ReduceSum', [y], { keepdims: 0 }), 'loss', 'float32', []);
    assert.throws(() => appendGradients(g, 'loss', ['a']), /no gradient rule for op Softplus/);
  });
  it('reports inputs the loss does not use and gives them zero gradients', async () => {
    const { Graph } = await import('../../src/onnx/graph');
    const g = new Graph();
    const a = g.input('a', 'float32', [3]);
    g.input('b', 'float32', [2]);
    g.output(g.op('ReduceSum', [g.op('Mul', [a, g.constF32([2], [])])], { keepdims: 0 }), 'loss', 'float32', []);
    const r = appendGradients(g, 'loss', ['a', 'b']);
    assert.deepEqual(r.unused, ['b']);
  });
});
