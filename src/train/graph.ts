// The training graph: the model definition's train-mode decoder (the same code as inference) plus a
// causal-LM cross-entropy over the target positions only, and its backward pass from src/onnx/autodiff.
// Inputs: input_ids [1, n], position_ids [n] and segment_ids [n] (several examples may share one
// sequence: attention stays within a segment, RoPE positions restart per example; see pack.ts),
// loss_positions [m] (hidden rows that predict a target token), labels [1, m], loss_weights [1, m]
// (loss = -Σ weight·log p(label); 1/m per example gives the sum of per-example mean losses), the
// trainable tensors, and, for LoRA with dropout, one keep-mask per LoRA input (drawn in JS from the
// seed, so a resumed run sees the same masks as an uninterrupted one). Outputs: loss and grad.<name>.
import { Graph } from '../onnx/graph';
import { appendGradients } from '../onnx/autodiff';
import { inferShapes } from '../onnx/shape-infer';
import type { ModelConfig } from '../model/config';
import type { TrainBuildOptions } from '../model/blocks';
import { buildDecoderGraph, family, lmHeadOf, type AdapterSlots, type DecoderGraph } from '../model/family';
import { f32, i64, type HostTensor } from '../runtime/ort';
import type { TrainSequence } from './pack';
import type { Recipe } from './recipe';

const TRAIN_OPSET = 18;

export interface TrainableSpec {
  name: string; // graph input name (adapter input name, or the HF weight name for full fine-tuning)
  dims: number[];
  kind: 'lora_A' | 'lora_B' | 'ia3' | 'prompt' | 'weight';
  module: string; // module path, 'prompt', or the weight name
}

export interface TrainModel {
  bytes: Uint8Array;
  graph: DecoderGraph;
  trainable: TrainableSpec[];
  masks: { name: string; inDim: number }[]; // LoRA dropout keep-masks [1, n, inDim], scaled by 1/(1-p)
  loraScaling?: string;
  withLogits: boolean; // a `logits` output [1, n, vocab] is present (for tests)
  backwardNodes: number;
  /** The graph IR itself, only with `keepIr` (tests that inspect nodes; it holds the frozen weights). */
  ir?: Graph;
}

function adapterSlots(r: Recipe): AdapterSlots {
  if (r.method === 'lora') return { lora: { targets: r.loraTargets } };
  if (r.method === 'ia3') return { ia3: { targets: r.ia3Targets, feedforward: r.ia3Feedforward } };
  if (r.method === 'prompt') return { prompt: true };
  return {};
}

export function buildTrainModel(cfg: ModelConfig, weights: Map<string, Float32Array>, r: Recipe, opts: { withLogits?: boolean; keepIr?: boolean } = {}): TrainModel {
  const g = new Graph('testtune_train');
  const specs = new Map(family(cfg).weightSpecs(cfg).map((s) => [s.name, s.shape]));
  const made = new Map<string, string>();
  const full = r.method === 'full';
  const weight = (name: string): string => {
    let v = made.get(name);
    if (v) return v;
    const shape = specs.get(name);
    const data = weights.get(name);
    if (!shape || !data) throw new Error(`model weights: missing tensor '${name}'`);
    v = full ? g.input(name, 'float32', shape) : g.initializer(name, { dtype: 'float32', dims: shape, data });
    made.set(name, v);
    return v;
  };
  // Frozen matrices go in pre-transposed ([in, out]), so the session holds one copy and folds nothing.
  const madeT = new Map<string, string>();
  const weightT = (name: string): string => {
    let v = madeT.get(name);
    if (v) return v;
    const shape = specs.get(name);
    const data = weights.get(name);
    if (!shape || !data || shape.length !== 2) throw new Error(`model weights: missing matrix '${name}'`);
    const [rows, cols] = shape;
    const t = new Float32Array(data.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j];
    v = g.initializer(`${name}.T`, { dtype: 'float32', dims: [cols, rows], data: t });
    madeT.set(name, v);
    return v;
  };
  const dropout = r.method === 'lora' && r.loraDropout > 0;
  const build: TrainBuildOptions = { mode: 'train', weight, weightT: full ? undefined : weightT, adapter: adapterSlots(r), loraDropout: dropout, logits: 'all', packed: true };
  const graph = buildDecoderGraph(g, cfg, build);
  if (!g.inputs.some((i) => i.name === 'segment_ids')) throw new Error(`model family '${cfg.modelType}' does not build packed training sequences (no segment_ids input)`);

  // Cross-entropy on the target positions: gather those hidden rows first, so the LM head and the
  // softmax run over target tokens only.
  const h = cfg.hiddenSize;
  const positions = g.input('loss_positions', 'int64', ['m']);
  const labels = g.input('labels', 'int64', [1, 'm']);
  const rows = g.op('Gather', [g.op('Reshape', [graph.hidden, g.constI64([-1, h])]), positions], { axis: 0 });
  const head = lmHeadOf(cfg);
  const headName = cfg.tieWordEmbeddings ? head.embed : head.weight;
  const headT = full ? g.op('Transpose', [weight(headName)], { perm: [1, 0] }) : weightT(headName);
  let logits = g.op('MatMul', [g.op('Unsqueeze', [rows, g.constI64([0])]), headT]);
  if (head.bias) logits = g.op('Add', [logits, weight(head.bias)]);
  const logp = g.op('LogSoftmax', [logits], { axis: -1 });
  const picked = g.op('GatherElements', [logp, g.op('Unsqueeze', [labels, g.constI64([-1])])], { axis: 2 });
  const lossWeights = g.input('loss_weights', 'float32', [1, 'm']);
  const weighted = g.op('Mul', [picked, g.op('Unsqueeze', [lossWeights, g.constI64([-1])])]);
  g.output(g.op('Neg', [g.op('ReduceSum', [weighted], { keepdims: 0 })]), 'loss', 'float32', []);
  if (opts.withLogits) g.output(graph.logits, 'logits', 'float32', [1, 'n', cfg.vocabSize]);

  const masks = dropout ? dropoutToMasks(g) : [];
  const trainable: TrainableSpec[] = full
    ? [...made.keys()].map((name) => ({ name, dims: specs.get(name)!, kind: 'weight' as const, module: name }))
    : graph.adapterInputs.map((a) => ({
        name: a.name,
        kind: a.kind,
        module: a.module,
        dims: a.dims.map((d) => (d === 'lora_r' ? r.loraR : d === 'prompt_len' ? r.numVirtualTokens : (d as number))),
      }));
  if (!opts.withLogits) prune(g);
  const { nodesAdded } = appendGradients(g, 'loss', trainable.map((t) => t.name));
  return { bytes: g.toModel({ opset: TRAIN_OPSET }), graph, trainable, masks, loraScaling: graph.loraScaling, withLogits: !!opts.withLogits, backwardNodes: nodesAdded, ...(opts.keepIr ? { ir: g } : {}) };
}

/** The sequence inputs of the training graph (tokens, positions, segments, loss rows, labels, weights). */
export function sequenceFeeds(s: TrainSequence): Record<string, HostTensor> {
  const n = s.ids.length;
  const m = s.labels.length;
  return {
    input_ids: i64(s.ids, [1, n]),
    position_ids: i64(s.positions, [n]),
    segment_ids: i64(s.segments, [n]),
    loss_positions: i64(s.lossPositions, [m]),
    labels: i64(s.labels, [1, m]),
    loss_weights: f32(Float32Array.from(s.lossWeights), [1, m]),
  };
}

/**
 * Replaces each training-mode Dropout (on LoRA inputs) by a product with a mask input, and removes
 * the ratio input: ONNX Runtime's Dropout draws from a per-session generator, which a resumed run
 * could not replay.
 */
function dropoutToMasks(g: Graph): { name: string; inDim: number }[] {
  const shapes = inferShapes(g).shapes;
  const masks: { name: string; inDim: number }[] = [];
  const ratios = new Set<string>();
  for (const n of g.nodes) {
    if (n.op !== 'Dropout') continue;
    const dims = shapes.get(n.inputs[0])?.dims;
    const inDim = dims?.[dims.length - 1];
    if (typeof inDim !== 'number') throw new Error(`LoRA dropout input ${n.inputs[0]} has no static feature size`);
    const name = g.input(`dropout_mask.${masks.length}`, 'float32', [1, 'n', inDim]);
    masks.push({ name, inDim });
    if (n.inputs[1]) ratios.add(n.inputs[1]);
    if (n.inputs[2] && g.initializers.has(n.inputs[2])) g.initializers.delete(n.inputs[2]);
    n.op = 'Mul';
    n.inputs = [n.inputs[0], name];
    n.outputs = [n.outputs[0]];
    n.attrs = {};
  }
  for (let i = g.inputs.length - 1; i >= 0; i--) if (ratios.has(g.inputs[i].name)) g.inputs.splice(i, 1);
  return masks;
}

/** Removes nodes none of whose outputs reach a graph output (e.g. the full-vocabulary logits). */
function prune(g: Graph): void {
  const live = new Set(g.outputs.map((o) => o.name));
  const keep: boolean[] = new Array(g.nodes.length).fill(false);
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k];
    if (!n.outputs.some((o) => live.has(o))) continue;
    keep[k] = true;
    for (const i of n.inputs) if (i) live.add(i);
  }
  const kept = g.nodes.filter((_, k) => keep[k]);
  g.nodes.length = 0;
  g.nodes.push(...kept);
  for (const name of [...g.initializers.keys()]) if (!live.has(name)) g.initializers.delete(name);
}
