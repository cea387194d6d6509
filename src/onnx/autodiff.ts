// Reverse-mode automatic differentiation over the graph IR. Given a graph whose scalar `loss` depends on
// some float inputs (`wrt`), appends the backward pass built from standard ONNX ops only (the inference
// build of ONNX Runtime has no gradient kernels) and declares one output per gradient.
//
// Walk: the nodes are already in topological order (the builder appends them so); values reachable from
// `wrt` through differentiable inputs need gradients; the nodes are visited in reverse, each op's rule
// (./grad-rules.ts) turns output gradients into input gradients, and contributions to one value are
// summed. Rules read static shapes (./shape-infer.ts) to build transposes, unsqueezes and pads, and fall
// back to Shape-driven ops where a dimension is only known at run time.
import { tensorAttr, type Graph, type NodeDef } from './graph';
import { GRAD_RULES, NON_DIFFERENTIABLE, diffInputs, type GradCtx } from './grad-rules';
import { inferShapes, type SDim, type ShapeInfo } from './shape-infer';

export interface GradientOptions {
  /** Declare each gradient as a graph output named `${prefix}${wrt}` (default true, prefix `grad.`). */
  outputs?: boolean;
  prefix?: string;
  /** Name of an existing value to use as the loss gradient seed (e.g. a loss-scale input); default 1. */
  seed?: string;
}

export interface GradientResult {
  /** wrt name → value name holding its gradient (same shape as the wrt tensor). */
  grads: Map<string, string>;
  /** wrt names the loss does not depend on (their gradient is all zeros). */
  unused: string[];
  /** Number of nodes the backward pass added. */
  nodesAdded: number;
}

const FLOAT = new Set(['float32', 'float16', 'bfloat16', 'float64']);

export function appendGradients(g: Graph, loss: string, wrt: string[], opts: GradientOptions = {}): GradientResult {
  const info = inferShapes(g);
  const forward = [...g.nodes];
  const before = g.nodes.length;
  const producer = new Map<string, NodeDef>();
  for (const n of forward) for (const o of n.outputs) producer.set(o, n);

  // 1. Values that depend on a wrt tensor through differentiable inputs.
  const requires = new Set(wrt);
  for (const n of forward) {
    if (NON_DIFFERENTIABLE.has(n.op)) continue;
    const ins = diffInputs(n);
    if (!ins.some((i) => requires.has(n.inputs[i]))) continue;
    for (const o of n.outputs) {
      const dt = info.shapes.get(o)?.dtype;
      if (dt === undefined || FLOAT.has(dt)) requires.add(o);
    }
  }
  if (!requires.has(loss)) throw new Error(`loss ${loss} does not depend on any of: ${wrt.join(', ')}`);

  // 2. Reverse sweep.
  const pending = new Map<string, string[]>();
  const addGrad = (value: string, grad: string) => {
    const list = pending.get(value);
    if (list) list.push(grad);
    else pending.set(value, [grad]);
  };
  const total = (value: string): string | null => {
    const list = pending.get(value);
    if (!list || list.length === 0) return null;
    if (list.length > 1) {
      const sum = list.length === 2 ? g.op('Add', list) : g.op('Sum', list);
      pending.set(value, [sum]);
      return sum;
    }
    return list[0];
  };
  const seed = opts.seed ?? g.op('ConstantOfShape', [g.op('Shape', [loss])], { value: tensorAttr({ dtype: 'float32', dims: [1], data: new Float32Array([1]) }) });
  addGrad(loss, seed);

  for (let k = forward.length - 1; k >= 0; k--) {
    const n = forward[k];
    const gys = n.outputs.map((o) => (requires.has(o) ? total(o) : null));
    if (gys.every((x) => x === null)) continue;
    const ins = new Set(diffInputs(n));
    const needs = n.inputs.map((x, i) => ins.has(i) && x !== '' && requires.has(x));
    if (!needs.some(Boolean)) continue;
    const rule = GRAD_RULES[n.op];
    if (!rule || (n.domain !== '' && n.domain !== 'ai.onnx')) throw new Error(`no gradient rule for op ${n.domain ? n.domain + '.' : ''}${n.op} (node ${n.name})`);
    const ctx = makeCtx(g, n, gys, needs, info);
    const gxs = rule(ctx);
    n.inputs.forEach((x, i) => {
      const gx = gxs[i];
      if (needs[i] && gx) addGrad(x, gx);
    });
  }

  // 3. Results.
  const grads = new Map<string, string>();
  const unused: string[] = [];
  const prefix = opts.prefix ?? 'grad.';
  for (const w of wrt) {
    let gw = total(w);
    if (!gw) {
      unused.push(w);
      gw = g.op('ConstantOfShape', [g.op('Shape', [w])], { value: tensorAttr({ dtype: 'float32', dims: [1], data: new Float32Array([0]) }) });
    }
    if (opts.outputs ?? true) {
      const shape = info.shapes.get(w);
      gw = g.output(gw, prefix + w, 'float32', (shape?.dims ?? []).map((d, i) => d ?? `${w}_d${i}`));
    }
    grads.set(w, gw);
  }
  return { grads, unused, nodesAdded: g.nodes.length - before };
}

function makeCtx(g: Graph, node: NodeDef, gy: (string | null)[], needs: boolean[], info: ShapeInfo): GradCtx {
  const dims = (name: string): SDim[] | undefined => info.shapes.get(name)?.dims;
  return {
    g,
    node,
    gy,
    needs,
    consts: info.consts,
    dims,
    dtype: (name) => info.shapes.get(name)?.dtype,
    rank(name) {
      const d = dims(name);
      if (!d) throw new Error(`gradient of ${node.op} (node ${node.name}) needs the rank of ${name}, which shape inference could not determine`);
      return d.length;
    },
  };
}
