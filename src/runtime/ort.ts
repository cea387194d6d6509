// The only module that imports onnxruntime-node. Execution-provider choice with fallback (auto → CUDA
// when its provider library is installed → WebGPU when a hardware adapter exists → CPU; the decision
// table is provider-choice.ts, the facts are gathered here; the Node binding rejects instead of falling
// back, so each step is tried here and what was skipped is reported in a note), the
// intra-op thread choice (spinning off when > 1 thread), and plain host tensors in and out so no other
// module touches ORT types.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { Graph, type DType, type TypedData } from '../onnx/graph';
import { runProcess } from '../util/process';
import { chooseProvider, type AdapterProbe, type ExecutionProviderName, type ProviderChoice, type ProviderPreference } from './provider-choice';
import { findVulkanDrivers } from './vulkan-drivers';

export type { ExecutionProviderName, ProviderPreference };

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
  /** ORT's log level (default 3, errors); 0 (verbose) prints the node placement to stderr. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /**
   * Loop-carried state, output name → input name: each run's output is fed back as that input at the
   * next run, kept where ORT put it — on WebGPU in GPU memory ('gpu-buffer' outputs), so a KV cache
   * is never copied through the host. Such outputs are not returned by `run`.
   */
  carry?: Record<string, string>;
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

  /** Carried tensors by input name (see SessionOptions.carry); ORT's own, possibly on the GPU. */
  private readonly carried = new Map<string, ort.Tensor>();

  constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: ExecutionProviderName,
    readonly threads: number,
    readonly note?: string,
    private readonly carry: Readonly<Record<string, string>> = {},
  ) {
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
  }

  /** Whether the session was created to carry an output into `input` (SessionOptions.carry). */
  carriesInto(input: string): boolean {
    return Object.values(this.carry).includes(input);
  }

  /** Whether `input` has a carried value from an earlier run (else the caller feeds it). */
  carries(input: string): boolean {
    return this.carried.has(input);
  }

  /** Where the carried state lives: 'gpu-buffer' on WebGPU, 'cpu' otherwise; undefined before the first run. */
  carriedLocation(): string | undefined {
    return this.carried.values().next().value?.location;
  }

  /** Converts feeds once, for reuse in many `run` calls. The data arrays must not change meanwhile. */
  bind(feeds: Record<string, HostTensor>): BoundFeeds {
    const t: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) t[k] = toOrt(v);
    return new BoundFeeds(t);
  }

  /** Runs the model; `outputs` limits what is fetched (default: all). Blocks the thread while ORT computes. */
  async run(feeds: Record<string, HostTensor>, outputs?: string[], bound?: BoundFeeds): Promise<Record<string, HostTensor>> {
    if (this.provider !== 'cpu') injectedGpuFault(this.provider);
    const f: Record<string, ort.Tensor> = bound ? { ...bound.tensors } : {};
    for (const [name, t] of this.carried) f[name] = t;
    for (const k in feeds) f[k] = toOrt(feeds[k]);
    const carriedOut = Object.keys(this.carry);
    const res = outputs ? await this.session.run(f, [...new Set([...outputs, ...carriedOut])]) : await this.session.run(f);
    const out: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(res)) {
      const input = this.carry[k];
      if (input === undefined) {
        out[k] = { dtype: v.type as DType, dims: [...v.dims], data: v.data as TypedData };
        continue;
      }
      // the previous value is no longer needed (the present is a new buffer: ORT does not write a graph input in place)
      const previous = this.carried.get(input);
      if (previous && previous !== v && previous.location === 'gpu-buffer') previous.dispose();
      this.carried.set(input, v);
    }
    return out;
  }

  /** Drops the carried state (GPU memory freed); the next run needs its inputs fed again. */
  dropCarried(): void {
    for (const t of this.carried.values()) if (t.location === 'gpu-buffer') t.dispose();
    this.carried.clear();
  }

  /** Ends profiling (sessions created with `profileFilePrefix`); ORT writes the JSON file then. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async release(): Promise<void> {
    this.dropCarried();
    await this.session.release();
  }
}

/**
 * Fault injection for the fault tests only (test/faults/gpu-faults.test.ts), off unless the environment
 * variable TESTTUNE_TEST_GPU_FAULT is set: `hang@N` blocks the thread inside the N-th run on a GPU
 * session of this thread for good (as a wedged driver blocks a native run: no event loop turn, no
 * cancel seen), `lost@N` makes that run fail the way a lost device or exhausted GPU memory does,
 * `hang-init` blocks the thread for good inside the creation of its first GPU session (a driver that
 * wedges while the model is loaded).
 */
const GPU_FAULT_SPEC = process.env.TESTTUNE_TEST_GPU_FAULT ?? '';
const GPU_FAULT = /^(hang|lost)@(\d+)$/.exec(GPU_FAULT_SPEC);
const HANG_AT_LOAD = GPU_FAULT_SPEC === 'hang-init';
let gpuRuns = 0;
function injectedGpuFault(provider: ExecutionProviderName): void {
  if (!GPU_FAULT || ++gpuRuns !== Number(GPU_FAULT[2])) return;
  const name = provider === 'cuda' ? 'CUDA' : 'WebGPU';
  if (GPU_FAULT[1] === 'lost') throw new Error(`${name} device lost during a run (injected by TESTTUNE_TEST_GPU_FAULT)`);
  blockForGood();
}

function blockForGood(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // never woken
}

function options(threads: number, provider: ExecutionProviderName, o: SessionOptions): ort.InferenceSession.SessionOptions {
  // carried outputs stay on the GPU (WebGPU); the CPU provider keeps them in host memory anyway
  const resident = provider === 'webgpu' && o.carry && Object.keys(o.carry).length ? { preferredOutputLocation: Object.fromEntries(Object.keys(o.carry).map((k) => [k, 'gpu-buffer' as const])) } : {};
  return {
    ...resident,
    logSeverityLevel: o.logSeverityLevel ?? 3,
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

let webgpuProbe: Promise<string | undefined> | undefined;

/** A one-node graph: creating a WebGPU session on it tells whether Dawn finds an adapter. */
function probeModel(): Uint8Array {
  const g = new Graph('webgpu_probe');
  g.output(g.op('Relu', [g.input('x', 'float32', [1])]), 'y', 'float32', [1]);
  return g.toModel({ opset: 18 });
}

/**
 * Whether WebGPU has an adapter in this process: undefined when it has, else why not (first line of
 * ORT's error). Probed once per process (~0.2 s when Dawn finds no Vulkan driver), so `auto` does not
 * pay a failed WebGPU session creation per model graph, and the note is the same every time.
 */
export function webgpuUnavailable(): Promise<string | undefined> {
  webgpuProbe ??= (async () => {
    try {
      const s = await ort.InferenceSession.create(probeModel(), { executionProviders: ['webgpu'], logSeverityLevel: 3 });
      await s.release();
      return undefined;
    } catch (e) {
      return firstLine(e);
    }
  })();
  return webgpuProbe;
}

const ADAPTER_FOUND = 'testtune-webgpu-adapter-found';
const CHILD_PROBE_MS = 30_000;

/**
 * Whether Dawn finds an adapter when the Vulkan loader is given only `driverManifests` (ICD JSON files):
 * a child process, because the loader reads VK_DRIVER_FILES when Dawn's one instance per process is
 * created. A child that hangs (a wedged driver) counts as no adapter after 30 s.
 */
export async function probeWebgpuWithDrivers(driverManifests: string[]): Promise<AdapterProbe> {
  if (driverManifests.length === 0) return { found: false, why: 'no hardware Vulkan driver is installed' };
  const files = driverManifests.join(':');
  const env: NodeJS.ProcessEnv = { ...process.env, VK_DRIVER_FILES: files, VK_ICD_FILENAMES: files, ELECTRON_RUN_AS_NODE: '1' };
  delete env.VK_ADD_DRIVER_FILES;
  // the answer is the last stdout line (Dawn may print warnings before it)
  const code = `const ort = require(${JSON.stringify(require.resolve('onnxruntime-node'))});
const say = (v) => { process.stdout.write(String.fromCharCode(10) + JSON.stringify(v)); process.exit(0); };
ort.InferenceSession.create(Buffer.from(${JSON.stringify(Buffer.from(probeModel()).toString('base64'))}, 'base64'), { executionProviders: ['webgpu'], logSeverityLevel: 3 })
  .then(() => say('${ADAPTER_FOUND}'), (e) => say({ error: String((e && e.message) || e) }));`;
  const r = await runProcess(process.execPath, ['-e', code], { env, timeoutMs: CHILD_PROBE_MS });
  if (r.timedOut) return { found: false, why: `the WebGPU adapter probe did not finish within ${CHILD_PROBE_MS / 1000} s` };
  let answer: unknown;
  try {
    answer = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n') + 1));
  } catch {
    answer = undefined;
  }
  if (answer === ADAPTER_FOUND) return { found: true };
  const error = (answer as { error?: unknown } | undefined)?.error;
  return { found: false, why: typeof error === 'string' ? firstLine(error) : `the WebGPU adapter probe exited ${r.code}: ${firstLine(r.stderr.trim() || 'no output')}` };
}

let hardwareProbe: Promise<AdapterProbe> | undefined;

/**
 * Whether WebGPU has a hardware adapter. Linux: Dawn runs on Vulkan, whose software drivers (lavapipe,
 * SwiftShader) are adapters too; the probe runs with only the other drivers visible, so what it finds is
 * a GPU. macOS: Metal has no software adapter. Windows: Dawn's D3D12 backend ranks the WARP software
 * adapter after any GPU, so what it picks is treated as hardware (not verified on Windows here).
 */
export function hardwareWebgpu(): Promise<AdapterProbe> {
  hardwareProbe ??= (async () => {
    if (process.platform === 'linux') return probeWebgpuWithDrivers(findVulkanDrivers().filter((d) => !d.software).map((d) => d.manifest));
    const why = await webgpuUnavailable();
    return why === undefined ? { found: true } : { found: false, why };
  })();
  return hardwareProbe;
}

function firstLine(e: unknown): string {
  const m = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  // ORT prefixes its source location ("/onnxruntime_src/...cc:136 ... was false. "): keep the reason.
  const reason = m.includes(' was false. ') ? m.slice(m.indexOf(' was false. ') + ' was false. '.length) : m;
  return reason.trim().slice(0, 200);
}

/**
 * The provider `createSession` will try first for a preference, after the checks (CUDA's library
 * present, a hardware WebGPU adapter found, each probed once per process): callers that build a
 * provider-specific graph layout ask this first. `skipped` says what was passed over and why, `remark`
 * what holds even so (reported once, in the log, by the callers).
 */
export async function resolveProvider(pref: ProviderPreference): Promise<ProviderChoice> {
  return chooseProvider(pref, {
    cudaLibrary: () => cudaProviderLibrary() !== undefined,
    hardwareWebgpu,
    anyWebgpu: async () => {
      const why = await webgpuUnavailable();
      return why === undefined ? { found: true } : { found: false, why };
    },
    softwareDrivers: () => (process.platform === 'linux' ? [...new Set(findVulkanDrivers().flatMap((d) => (d.software ? [d.software] : [])))] : []),
  });
}

/**
 * Creates a session from ONNX bytes (or a file path) on the preferred provider, falling back down the
 * auto order (CUDA → WebGPU → CPU, from the preferred one on) to CPU; `note` says what was asked for,
 * what failed and what it runs on. With an explicit provider only that one and CPU are tried.
 */
export async function createSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<ModelSession> {
  const pref = opts.provider ?? 'auto';
  const threads = opts.threads ?? defaultThreads();
  const create = (p: ExecutionProviderName) =>
    typeof model === 'string' ? ort.InferenceSession.create(model, options(threads, p, opts)) : ort.InferenceSession.create(model, options(threads, p, opts));
  const { provider: first, skipped, remark } = await resolveProvider(pref);
  const failed = [...skipped];
  const order: ExecutionProviderName[] = first === 'cuda' && pref === 'auto' ? ['cuda', 'webgpu'] : first === 'cpu' ? [] : [first];
  for (const p of order) {
    if (p === 'webgpu' && failed.some((f) => f.startsWith('WebGPU'))) continue;
    if (p === 'webgpu' && (await webgpuUnavailable())) continue;
    if (p === 'webgpu' && pref === 'auto' && !(await hardwareWebgpu()).found) continue; // CUDA failed: a software adapter is still no gain
    if (HANG_AT_LOAD) blockForGood(); // test-only (TESTTUNE_TEST_GPU_FAULT=hang-init): p is a GPU here
    try {
      return new ModelSession(await create(p), p, threads, failed.length || remark ? noteFor(pref, failed, p, remark) : undefined, opts.carry);
    } catch (e) {
      failed.push(`${p === 'cuda' ? 'CUDA' : 'WebGPU'}: ${firstLine(e)}`);
    }
  }
  return new ModelSession(await create('cpu'), 'cpu', threads, pref === 'cpu' ? undefined : noteFor(pref, failed, 'cpu'), opts.carry);
}

function noteFor(pref: ProviderPreference, failed: string[], got: ExecutionProviderName, remark?: string): string {
  const asked = pref === 'auto' ? 'auto' : `${pref === 'cuda' ? 'CUDA' : 'WebGPU'} requested`;
  return `${asked}: ${[...failed, ...(remark ? [remark] : [])].join('; ')}; running on ${got === 'cpu' ? 'CPU' : got === 'cuda' ? 'CUDA' : 'WebGPU'}`;
}

export const f32 = (data: Float32Array, dims: number[]): HostTensor => ({ dtype: 'float32', dims, data });
export const i64 = (values: ArrayLike<number> | BigInt64Array, dims: number[]): HostTensor => ({
  dtype: 'int64',
  dims,
  data: values instanceof BigInt64Array ? values : BigInt64Array.from(Array.from(values as ArrayLike<number>, (v) => BigInt(v))),
});
