// The inference graph (base weights as initializers, the union of adapter slots as inputs) and the
// KV-cache runner around its session. The cache lives in preallocated [maxLen, kvHeads, headDim]
// buffers per layer, laid out sequence-major so the filled prefix is one contiguous view fed without
// copying; each step's graph outputs only the new positions, which are appended in place.
import { Graph, type DType, type TypedData } from '../onnx/graph';
import { int8WeightMax, type Int8WeightMax } from '../runtime/int8-range';
import { f32, i64, type BoundFeeds, type HostTensor, type ModelSession } from '../runtime/ort';
import type { ModelConfig } from './config';
import type { Quantize } from './engine-api';
import { INT4_DEFAULTS, quantizeInt4, type Int4Options, type Int4Weight } from './int4';
import { modelBytes } from './onnx-bytes';
import { rowReader, toF32, type StTensor } from './safetensors';
import { buildDecoderGraph, family, type AdapterSlots, type AdapterWeights, type DecoderGraph } from './family';

const INFERENCE_OPSET = 18;

/**
 * Base weights by Hugging Face name: F32 arrays, or checkpoint tensors as read (F16/BF16 kept in 16 bits:
 * each is widened only when and as far as the graph needs it, int4 reads 16-bit rows one at a time).
 */
export type WeightSource = Map<string, Float32Array | StTensor>;

/** How int4 weights are cut (block size, zero points) and computed (ORT's accuracy_level: 4 = int8 activations). */
export interface Int4BuildOptions extends Int4Options {
  accuracyLevel: 0 | 1 | 4;
}
export const INT4_BUILD_DEFAULTS: Int4BuildOptions = { ...INT4_DEFAULTS, accuracyLevel: 4 };

/** An inference graph before serialisation; `lazy` produces the data of the initializers still empty. */
export interface InferenceGraph {
  g: Graph;
  graph: DecoderGraph;
  lazy: Map<string, () => TypedData>;
}

const asF32 = (v: Float32Array | StTensor, name: string): Float32Array => (v instanceof Float32Array ? v : toF32(v, name));
const EMPTY: Record<DType, () => TypedData> = {
  float32: () => new Float32Array(0),
  float16: () => new Uint16Array(0),
  bfloat16: () => new Uint16Array(0),
  uint8: () => new Uint8Array(0),
  int8: () => new Int8Array(0),
  bool: () => new Uint8Array(0),
  int32: () => new Int32Array(0),
  int64: () => new BigInt64Array(0),
  float64: () => new Float64Array(0),
};

/**
 * The KV-cached inference graph with its weights still unread: every base-weight initializer is produced
 * on demand (`lazy`), so a writer can stream them one at a time (onnx-bytes.ts) and a quantised graph
 * never holds the F32 weights. Tied weights become one initializer.
 */
export function buildInferenceGraph(
  cfg: ModelConfig,
  weights: WeightSource,
  slots: AdapterSlots,
  logits: 'last' | 'all' = 'last',
  quantize: Quantize = 'none',
  layout: MatmulLayout = 'fused',
  int4: Int4BuildOptions = INT4_BUILD_DEFAULTS,
): InferenceGraph {
  const g = new Graph('testtune_decoder');
  const lazy = new Map<string, () => TypedData>();
  const shapes = new Map(family(cfg).weightSpecs(cfg).map((s) => [s.name, s.shape]));
  const made = new Map<string, string>();
  const source = (name: string, rank?: number): { data: Float32Array | StTensor; shape: number[] } => {
    const data = weights.get(name);
    const shape = shapes.get(name);
    if (!data || !shape || (rank !== undefined && shape.length !== rank)) throw new Error(`model weights: missing ${rank === 2 ? 'matrix' : 'tensor'} '${name}'`);
    return { data, shape };
  };
  const init = (name: string, dtype: DType, dims: number[], produce: () => TypedData): string => {
    const v = g.initializer(name, { dtype, dims, data: EMPTY[dtype]() });
    lazy.set(v, produce);
    return v;
  };
  const once = (key: string, make: () => string): string => {
    let v = made.get(key);
    if (!v) made.set(key, (v = make()));
    return v;
  };
  const weight = (name: string): string =>
    once(name, () => {
      const { data, shape } = source(name);
      return init(name, 'float32', shape, () => asF32(data, name));
    });
  const weightT = (name: string): string =>
    once(`${name}#T`, () => {
      const { data, shape } = source(name, 2);
      return init(`${name}.T`, 'float32', [shape[1], shape[0]], () => transpose(asF32(data, name), shape[0], shape[1]));
    });
  let matmul: (gr: Graph, x: string, name: string) => string;
  let gather: ((gr: Graph, name: string, ids: string) => string) | undefined;
  if (quantize === 'int8') {
    matmul = (gr, x, name) => {
      const { data, shape } = source(name, 2);
      const [out, inDim] = shape;
      let q: ReturnType<typeof quantizeInt8> | undefined;
      const get = () => (q ??= quantizeInt8(asF32(data, name), out, inDim));
      const bq = init(`${name}.q8`, 'int8', [inDim, out], () => get().values);
      const sc = init(`${name}.q8_scale`, 'float32', [out], () => {
        const s = get().scales;
        q = undefined; // produced in order: values, then scales
        return s;
      });
      const zp = gr.initializer(`${name}.q8_zero`, { dtype: 'int8', dims: [out], data: new Int8Array(out) });
      return gr.op('DynamicQuantizeMatMul', [x, bq, sc, zp], {}, { domain: 'com.microsoft' });
    };
  } else if (quantize === 'int4') {
    matmul = (gr, x, name) => {
      const { data, shape } = source(name, 2);
      const [n, k] = shape;
      const { blockSize, asymmetric, accuracyLevel } = int4;
      const blocks = Math.ceil(k / blockSize);
      let q: Int4Weight | undefined;
      const get = () => (q ??= quantizeInt4(rowReader(data, k), n, k, int4));
      const last = asymmetric ? 'zp' : 'scales';
      const take = <T extends TypedData>(part: T, which: string): T => {
        if (which === last) q = undefined; // produced in order: packed, scales, zero points
        return part;
      };
      const inputs = [
        x,
        init(`${name}.q4`, 'uint8', [n, blocks, blockSize / 2], () => take(get().packed, 'packed')),
        init(`${name}.q4_scale`, 'float32', [n * blocks], () => take(get().scales, 'scales')),
      ];
      if (asymmetric) inputs.push(init(`${name}.q4_zero`, 'uint8', [n * Math.ceil(blocks / 2)], () => take(get().zeroPoints!, 'zp')));
      return gr.op('MatMulNBits', inputs, { K: k, N: n, bits: 4, block_size: blockSize, accuracy_level: accuracyLevel }, { domain: 'com.microsoft' });
    };
    // Embedding tables stay in their checkpoint's 16 bits (F16 or BF16, exact, read only when written):
    // gathered rows are widened by a Cast, so the table never exists in F32.
    gather = (gr, name, ids) => {
      const table = once(`${name}#gather`, () => {
        const { data, shape } = source(name, 2);
        if (data instanceof Float32Array || (data.dtype !== 'F16' && data.dtype !== 'BF16')) return weight(name);
        return init(`${name}.${data.dtype.toLowerCase()}`, data.dtype === 'F16' ? 'float16' : 'bfloat16', shape, () => data.data);
      });
      const rows = gr.op('Gather', [table, ids], { axis: 0 });
      return gr.initializers.get(table)?.dtype === 'float32' ? rows : gr.op('Cast', [rows], { to: 1 });
    };
  } else if (layout === 'standard') {
    matmul = (gr, x, name) => gr.op('MatMul', [x, weightT(name)]);
  } else {
    // x @ W^T straight from W [out, in]: no transposed copy to make, serialise and load, and the tied LM
    // head shares the embedding's initializer. ORT pre-packs B at session creation.
    matmul = (gr, x, name) => gr.op('FusedMatMul', [x, weight(name)], { transB: 1 }, { domain: 'com.microsoft' });
  }
  const graph = buildDecoderGraph(g, cfg, { mode: 'decode', weight, weightT, matmul, gather, adapter: slots, logits, sharedKvCache: layout === 'standard', residentKvCache: layout === 'standard' });
  return { g, graph, lazy };
}

/** Produces every lazy initializer's data in place (for serialisation in memory). */
export function materialize(ig: InferenceGraph): void {
  for (const [name, produce] of ig.lazy) ig.g.initializers.get(name)!.data = produce();
  ig.lazy.clear();
}

/** ONNX bytes of the KV-cached inference graph (in memory; see onnx-bytes.ts for graphs written to a file). */
export function buildInferenceModel(
  cfg: ModelConfig,
  weights: WeightSource,
  slots: AdapterSlots,
  logits: 'last' | 'all' = 'last',
  quantize: Quantize = 'none',
  layout: MatmulLayout = 'fused',
  int4: Int4BuildOptions = INT4_BUILD_DEFAULTS,
): { bytes: Uint8Array; graph: DecoderGraph } {
  const ig = buildInferenceGraph(cfg, weights, slots, logits, quantize, layout, int4);
  materialize(ig);
  return { bytes: modelBytes(ig.g, { opset: INFERENCE_OPSET }), graph: ig.graph };
}

export { INFERENCE_OPSET };
export type { Quantize };

/**
 * How the graph is laid out for a provider. 'fused' (CPU, CUDA): com.microsoft FusedMatMul(transB) on W
 * as stored, and past K/V inputs holding exactly the filled positions. 'standard' (WebGPU): ONNX MatMul
 * on a transposed copy (ORT 1.30's WebGPU provider has no FusedMatMul kernel and would leave every one on
 * the CPU), and the past K/V inputs are the whole max-length cache plus `past_length`: WebGPU's
 * GroupQueryAttention writes its present into the past's buffer, so that buffer must have the full length
 * (an exact-length past failed: "Shape mismatch attempting to re-use buffer {1,2,0,16} != {1,2,3,16}").
 * 'standard' also keeps the cache resident: the past inputs are GroupQueryAttention's [b, kv, maxLen, d]
 * and its whole present is the output the session carries into the next step (`kvCarry`), so on WebGPU
 * the cache stays in GPU memory and a decode step copies only token ids in and logits out.
 */
export type MatmulLayout = 'fused' | 'standard';

/** For a resident-cache graph, the session's carry (present i → past i: `SessionOptions.carry`); else undefined. */
export function kvCarry(graph: DecoderGraph): Record<string, string> | undefined {
  if (!graph.kvResident) return undefined;
  const carry: Record<string, string> = {};
  graph.presentKeys.forEach((k, i) => (carry[k] = graph.pastKeys[i]));
  graph.presentValues.forEach((v, i) => (carry[v] = graph.pastValues[i]));
  return carry;
}

/** The layout whose every node the provider has kernels for. */
export function matmulLayoutFor(provider: 'cuda' | 'webgpu' | 'cpu'): MatmulLayout {
  return provider === 'webgpu' ? 'standard' : 'fused';
}

/**
 * Symmetric per-output-row quantisation of W [out, in] to int8 values in ±weightMax, stored transposed
 * [in, out] for DynamicQuantizeMatMul (activations are quantised dynamically by ONNX Runtime).
 * `weightMax` defaults to what this CPU's ORT kernels take without int16 saturation (runtime/int8-range.ts).
 */
export function quantizeInt8(w: Float32Array, out: number, inDim: number, weightMax: Int8WeightMax = int8WeightMax()): { values: Int8Array; scales: Float32Array } {
  const values = new Int8Array(w.length);
  const scales = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let m = 0;
    for (let i = 0; i < inDim; i++) m = Math.max(m, Math.abs(w[o * inDim + i]));
    const s = m > 0 ? m / weightMax : 1;
    scales[o] = s;
    for (let i = 0; i < inDim; i++) values[i * out + o] = Math.round(w[o * inDim + i] / s);
  }
  return { values, scales };
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  const B = 64; // blocked for cache locality
  for (let r0 = 0; r0 < rows; r0 += B)
    for (let c0 = 0; c0 < cols; c0 += B)
      for (let r = r0; r < Math.min(rows, r0 + B); r++)
        for (let c = c0; c < Math.min(cols, c0 + B); c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** The graph's input/output names without weights or serialisation (for a cached ONNX file). */
export function inferenceGraphNames(cfg: ModelConfig, slots: AdapterSlots, logits: 'last' | 'all' = 'last', layout: MatmulLayout = 'fused'): DecoderGraph {
  const g = new Graph('names');
  const made = new Map<string, string>();
  const weight = (name: string): string => {
    if (!made.has(name)) made.set(name, g.input(name, 'float32', []));
    return made.get(name)!;
  };
  return buildDecoderGraph(g, cfg, { mode: 'decode', weight, weightT: (n) => weight(`${n}.T`), adapter: slots, logits, sharedKvCache: layout === 'standard', residentKvCache: layout === 'standard' });
}

/**
 * Feeds for every adapter input of `graph`: the adapter's tensors where it has them, identity otherwise.
 * A module without LoRA gets rank-`emptyLoraRank` zeros: 0 (empty tensors, no work) on CPU; WebGPU needs 1
 * (zeros, adding exactly 0), since ORT 1.30's WebGPU MatMul crashed the process on a rank-0 LoRA input.
 */
export function adapterFeeds(cfg: ModelConfig, graph: DecoderGraph, a: AdapterWeights | undefined, emptyLoraRank: 0 | 1 = 0): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  const rank = a?.lora?.rank ?? 0;
  const e = emptyLoraRank;
  for (const inp of graph.adapterInputs) {
    const [d0, d1] = inp.dims as number[];
    if (inp.kind === 'lora_A') {
      const A = a?.lora?.A.get(inp.module);
      feeds[inp.name] = A ? f32(A, [rank, d1]) : f32(new Float32Array(e * d1), [e, d1]);
    } else if (inp.kind === 'lora_B') {
      const B = a?.lora?.B.get(inp.module);
      feeds[inp.name] = B ? f32(B, [d0, rank]) : f32(new Float32Array(d0 * e), [d0, e]);
    } else if (inp.kind === 'ia3') {
      feeds[inp.name] = f32(a?.ia3?.vectors.get(inp.module) ?? new Float32Array(d0).fill(1), [d0]);
    } else {
      const p = a?.prompt?.p ?? 0;
      feeds[inp.name] = f32(a?.prompt?.data ?? new Float32Array(0), [p, cfg.hiddenSize]);
    }
  }
  if (graph.loraScaling) feeds[graph.loraScaling] = f32(Float32Array.of(a?.lora?.scaling ?? 0), [1]);
  return feeds;
}

/** Checks that an adapter fits the graph's slots (modules it needs exist as inputs). */
export function missingSlots(graph: DecoderGraph, a: AdapterWeights): string[] {
  const have = new Set(graph.adapterInputs.map((i) => i.name));
  const need: string[] = [];
  for (const m of a.lora?.A.keys() ?? []) need.push(`${m}.lora_A`);
  for (const m of a.ia3?.vectors.keys() ?? []) need.push(`${m}.ia3_l`);
  if (a.prompt && a.prompt.p > 0) need.push('prompt_embeddings');
  return need.filter((n) => !have.has(n));
}

export class KvRunner {
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  private readonly rowSize: number;
  private feedsAdapter: Record<string, HostTensor> = {};
  private bound!: BoundFeeds; // adapter feeds converted once
  private boundNoPrompt!: BoundFeeds; // the same with an empty soft prompt (steps after the first)
  private promptLen = 0;
  private promptPending = false;
  /** Positions in the cache (soft-prompt positions included). */
  length = 0;
  /** The whole logits output of the last step ([1, seq, vocab] with an 'all' graph). */
  lastOutput: Float32Array = new Float32Array(0);

  constructor(
    readonly session: ModelSession,
    readonly cfg: ModelConfig,
    readonly graph: DecoderGraph,
    readonly maxLen = cfg.maxPositions,
  ) {
    this.rowSize = cfg.numKvHeads * cfg.headDim;
    // a resident cache lives in the session (GPU memory on WebGPU): no host copy
    const hostLen = graph.kvResident ? 0 : maxLen * this.rowSize;
    this.keys = Array.from({ length: cfg.numLayers }, () => new Float32Array(hostLen));
    this.values = Array.from({ length: cfg.numLayers }, () => new Float32Array(hostLen));
    if (graph.kvResident && !graph.pastKeys.every((k) => session.carriesInto(k))) throw new Error('KvRunner: the session of a resident-cache graph must be created with carry: kvCarry(graph)');
    this.setAdapter(undefined);
  }

  /** Adapter tensors for the following steps (no session reload). Resets the cache. */
  setAdapter(a: AdapterWeights | undefined): void {
    this.feedsAdapter = adapterFeeds(this.cfg, this.graph, a, this.session.provider === 'webgpu' ? 1 : 0);
    this.promptLen = a?.prompt?.p ?? 0;
    this.bound = this.session.bind(this.feedsAdapter);
    const p = this.graph.adapterInputs.find((x) => x.kind === 'prompt');
    this.boundNoPrompt = p ? this.session.bind({ ...this.feedsAdapter, [p.name]: f32(new Float32Array(0), [0, this.cfg.hiddenSize]) }) : this.bound;
    this.reset();
  }

  reset(): void {
    this.length = 0;
    this.promptPending = this.promptLen > 0;
  }

  /** Room left in the cache for new tokens. */
  get room(): number {
    return this.maxLen - this.length - (this.promptPending ? this.promptLen : 0);
  }

  /** Runs `ids` after the cached positions; returns the last position's logits [vocab]. */
  async step(ids: number[]): Promise<Float32Array> {
    const n = ids.length + (this.promptPending ? this.promptLen : 0);
    if (ids.length === 0) throw new Error('KvRunner.step: no tokens');
    if (this.length + n > this.maxLen) throw new Error(`context full: ${this.length + n} positions > ${this.maxLen}`);
    const { cfg, graph, rowSize } = this;
    const feeds: Record<string, HostTensor> = { [graph.inputIds]: i64(ids, [1, ids.length]) };
    if (graph.kvResident) return this.residentStep(feeds, n);
    const used = this.length * rowSize;
    // a shared cache (WebGPU layout) is fed whole, with the filled length; otherwise only the filled prefix
    const fed = graph.pastLength ? this.maxLen * rowSize : used;
    const past = [1, fed / rowSize, cfg.numKvHeads, cfg.headDim];
    if (graph.pastLength) feeds[graph.pastLength] = i64([this.length], [1]);
    for (let l = 0; l < cfg.numLayers; l++) {
      feeds[graph.pastKeys[l]] = f32(this.keys[l].subarray(0, fed), past);
      feeds[graph.pastValues[l]] = f32(this.values[l].subarray(0, fed), past);
    }
    const out = await this.session.run(feeds, undefined, this.promptPending ? this.bound : this.boundNoPrompt);
    for (let l = 0; l < cfg.numLayers; l++) {
      this.keys[l].set(out[graph.presentKeys[l]].data as Float32Array, used);
      this.values[l].set(out[graph.presentValues[l]].data as Float32Array, used);
    }
    this.length += n;
    this.promptPending = false;
    const logits = out[graph.logits].data as Float32Array;
    this.lastOutput = logits;
    return logits.subarray(logits.length - cfg.vocabSize);
  }

  /**
   * A step on a resident cache: the session feeds the previous step's presents back as the past (content
   * past `past_length` is masked, so a new sequence reuses them); only the very first step uploads zeros.
   */
  private async residentStep(feeds: Record<string, HostTensor>, n: number): Promise<Float32Array> {
    const { cfg, graph } = this;
    feeds[graph.pastLength!] = i64([this.length], [1]);
    if (!this.session.carries(graph.pastKeys[0])) {
      const zeros = f32(new Float32Array(cfg.numKvHeads * this.maxLen * cfg.headDim), [1, cfg.numKvHeads, this.maxLen, cfg.headDim]);
      for (let l = 0; l < cfg.numLayers; l++) feeds[graph.pastKeys[l]] = feeds[graph.pastValues[l]] = zeros;
    }
    const out = await this.session.run(feeds, undefined, this.promptPending ? this.bound : this.boundNoPrompt);
    this.length += n;
    this.promptPending = false;
    const logits = out[graph.logits].data as Float32Array;
    this.lastOutput = logits;
    return logits.subarray(logits.length - cfg.vocabSize);
  }
}
