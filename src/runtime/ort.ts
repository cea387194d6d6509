// The only module that imports onnxruntime-node. Session creation with execution-provider fallback
// (auto → CUDA → CPU, reported: the Node binding rejects instead of falling back), the intra-op thread
// choice (spinning off when > 1 thread), and plain host tensors in and out so no other module touches
// ORT types.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import type { DType, TypedData } from '../onnx/graph';

export type ProviderPreference = 'auto' | 'cuda' | 'cpu';

export interface HostTensor {
  dtype: DType;
  dims: number[];
  data: TypedData;
}

export interface SessionOptions {
  provider?: ProviderPreference; // default 'auto'
  threads?: number; // intra-op threads; default defaultThreads()
  /** Graph optimisation level; default 'all'. */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** ORT's CPU arena (default on): keeps freed blocks for reuse; off returns them to the allocator. */
  memArena?: boolean;
  /** ORT's memory pattern (default on): after a run, pre-plans one block per input shape for the next. */
  memPattern?: boolean;
  /** Diagnostics: ORT writes a per-node profile to `<prefix>_<timestamp>.json` (see `endProfiling`). */
  profileFilePrefix?: string;
  /** Diagnostics: ORT saves the optimised graph here at session creation. */
  optimizedModelFilePath?: string;
}

/**
 * Intra-op threads when none is given: min(4, cores), spinning off. On the 2-core dev machine
 * `npm run bench` measured 2 threads (spinning off) at least as fast as 1 for decoding and faster for
 * prefill (1,024 tokens: 2,677 vs 3,547 ms; decode 57.1 vs 56.7 tok/s; an earlier run 72.7 vs 49.0).
 */
export function defaultThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores));
}

function toOrt(t: HostTensor): ort.Tensor {
  return new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims);
}

/** Feeds converted once and reused across runs (e.g. adapter tensors during decoding). */
export class BoundFeeds {
  constructor(readonly tensors: Readonly<Record<string, ort.Tensor>>) {}
}

export class ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: 'cuda' | 'cpu',
    readonly threads: number,
    readonly note?: string,
  ) {
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
  }

  /** Converts feeds once, for reuse in many `run` calls. The data arrays must not change meanwhile. */
  bind(feeds: Record<string, HostTensor>): BoundFeeds {
    const t: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) t[k] = toOrt(v);
    return new BoundFeeds(t);
  }

  /** Runs the model; `outputs` limits what is fetched (default: all). Blocks the thread while ORT computes. */
  async run(feeds: Record<string, HostTensor>, outputs?: string[], bound?: BoundFeeds): Promise<Record<string, HostTensor>> {
    const f: Record<string, ort.Tensor> = bound ? { ...bound.tensors } : {};
    for (const k in feeds) f[k] = toOrt(feeds[k]);
    const res = outputs ? await this.session.run(f, outputs) : await this.session.run(f);
    const out: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(res)) out[k] = { dtype: v.type as DType, dims: [...v.dims], data: v.data as TypedData };
    return out;
  }

  /** Ends profiling (sessions created with `profileFilePrefix`); ORT writes the JSON file then. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function options(threads: number, provider: 'cuda' | 'cpu', o: SessionOptions): ort.InferenceSession.SessionOptions {
  return {
    logSeverityLevel: 3,
    executionProviders: [provider],
    graphOptimizationLevel: o.optimization ?? 'all',
    enableCpuMemArena: o.memArena ?? true,
    enableMemPattern: o.memPattern ?? true,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...(o.profileFilePrefix ? { enableProfiling: true, profileFilePrefix: o.profileFilePrefix } : {}),
    ...(o.optimizedModelFilePath ? { optimizedModelFilePath: o.optimizedModelFilePath } : {}),
    extra: threads > 1 ? { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } } : { session: { 'inter_op.allow_spinning': '0' } },
  };
}

/** Path of onnxruntime-node's CUDA provider library, when installed (its postinstall fetches it). */
export function cudaProviderLibrary(): string | undefined {
  try {
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const f = path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so');
    return fs.existsSync(f) ? f : undefined;
  } catch {
    return undefined;
  }
}

/** Creates a session from ONNX bytes (or a file path), falling back from CUDA to CPU with a note. */
export async function createSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<ModelSession> {
  const pref = opts.provider ?? 'auto';
  const threads = opts.threads ?? defaultThreads();
  const create = (p: 'cuda' | 'cpu') =>
    typeof model === 'string' ? ort.InferenceSession.create(model, options(threads, p, opts)) : ort.InferenceSession.create(model, options(threads, p, opts));
  let note: string | undefined;
  const lib = cudaProviderLibrary();
  if (pref !== 'cpu' && !lib) note = `${pref === 'cuda' ? 'CUDA requested' : 'auto: CUDA tried first'} but onnxruntime-node's CUDA provider library is not installed; running on CPU`;
  else if (pref !== 'cpu') {
    try {
      return new ModelSession(await create('cuda'), 'cuda', threads);
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
      note = `${pref === 'cuda' ? 'CUDA requested' : 'auto: CUDA tried first'} but unavailable (${why}); running on CPU`;
    }
  }
  return new ModelSession(await create('cpu'), 'cpu', threads, note);
}

export const f32 = (data: Float32Array, dims: number[]): HostTensor => ({ dtype: 'float32', dims, data });
export const i64 = (values: ArrayLike<number> | BigInt64Array, dims: number[]): HostTensor => ({
  dtype: 'int64',
  dims,
  data: values instanceof BigInt64Array ? values : BigInt64Array.from(Array.from(values as ArrayLike<number>, (v) => BigInt(v))),
});
