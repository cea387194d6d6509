// The model worker thread: hosts the Engine, because `session.run` blocks its thread for a whole run.
// The sidecar's main thread stays free to answer requests. Jobs arrive one at a time from the main
// thread (model-host.ts); a cancel arrives two ways: a postMessage (seen when this thread's event
// loop gets a turn) and a SharedArrayBuffer slot holding the cancelled job's number, read at every
// check of the AbortSignal and at every streamed delta — so a cancel is honoured within one decode
// step even while the engine never yields to the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadJavaEngine } from '../generation/java-engine';
import type { AdapterInfo, Engine, EngineStatus, GenerateOptions, GenerateResult, ProviderPreference, Quantize } from '../model/engine-api';
import type { ModelEngine } from '../model/engine';
import { resolveProvider } from '../runtime/ort';
import { ErrorCodes } from './protocol';
import { abortedGetter, sharedAbortSignal } from './shared-abort';

export interface WorkerInit {
  /** Int32Array view over it: slot 0 = number of the job to cancel (0 = none). */
  cancel: SharedArrayBuffer;
}

export type WorkerJob =
  | { op: 'init'; modelDir: string; provider: ProviderPreference; adapterDirs?: string[]; quantize?: Quantize; adapter?: string }
  | { op: 'generate'; prompt: string; opts: Omit<GenerateOptions, 'signal' | 'onText'> }
  | { op: 'adapters/load'; dir: string }
  | { op: 'adapters/select'; name: string | null }
  | { op: 'dispose' };

export type ToWorker = { type: 'job'; job: number; work: WorkerJob } | { type: 'cancel'; job: number };

export interface WorkerSnapshot {
  engine: EngineStatus | null;
  adapters: AdapterInfo[];
}

export type FromWorker =
  | { type: 'done'; job: number; value: unknown; snapshot: WorkerSnapshot }
  | { type: 'failed'; job: number; code: number; message: string; data?: unknown; snapshot: WorkerSnapshot }
  | { type: 'partial'; job: number; delta: string }
  /** An init is about to create its sessions on a GPU: from now on a hang there is the driver's (model-host.ts bounds it). */
  | { type: 'loading'; job: number; provider: 'cuda' | 'webgpu' };

class JobError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class ModelWorker {
  private engine: Engine | null = null;
  private readonly flags: Int32Array;
  private readonly controllers = new Map<number, AbortController>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    init: WorkerInit,
    private readonly post: (m: FromWorker) => void,
  ) {
    this.flags = new Int32Array(init.cancel);
  }

  receive(m: ToWorker): void {
    if (m.type === 'cancel') {
      this.controllers.get(m.job)?.abort(new Error('cancelled'));
      return;
    }
    this.chain = this.chain.then(() => this.run(m.job, m.work));
  }

  private snapshot(): WorkerSnapshot {
    if (!this.engine) return { engine: null, adapters: [] };
    try {
      return { engine: this.engine.status(), adapters: this.engine.listAdapters() };
    } catch {
      return { engine: null, adapters: [] };
    }
  }

  private async run(job: number, work: WorkerJob): Promise<void> {
    try {
      const value = await this.execute(job, work);
      this.post({ type: 'done', job, value, snapshot: this.snapshot() });
    } catch (e) {
      const code = e instanceof JobError ? e.code : ErrorCodes.InternalError;
      const data = e instanceof JobError ? e.data : undefined;
      this.post({ type: 'failed', job, code, message: message(e), data, snapshot: this.snapshot() });
    }
    if (work.op === 'dispose') process.exit(0);
  }

  private need(): Engine {
    if (!this.engine) throw new JobError(ErrorCodes.NotInitialized, 'no model loaded: send initialize first');
    return this.engine;
  }

  private async execute(job: number, work: WorkerJob): Promise<unknown> {
    switch (work.op) {
      case 'init':
        return this.init(job, work.modelDir, work.provider, work.adapterDirs ?? [], work.quantize ?? 'none', work.adapter);
      case 'generate':
        return this.generate(job, work.prompt, work.opts);
      case 'adapters/load':
        try {
          return await this.need().loadAdapter(work.dir);
        } catch (e) {
          if (e instanceof JobError) throw e;
          throw new JobError(ErrorCodes.AdapterFailed, `cannot load adapter from ${work.dir}: ${message(e)}`);
        }
      case 'adapters/select':
        try {
          this.need().selectAdapter(work.name);
          return null;
        } catch (e) {
          if (e instanceof JobError) throw e;
          throw new JobError(ErrorCodes.AdapterFailed, `cannot select adapter ${JSON.stringify(work.name)}: ${message(e)}`);
        }
      case 'dispose':
        await this.engine?.dispose();
        this.engine = null;
        return null;
    }
  }

  private async init(job: number, modelDir: string, provider: ProviderPreference, adapterDirs: string[], quantize: Quantize, adapter?: string): Promise<null> {
    if (this.engine) {
      const old = this.engine;
      this.engine = null;
      await old.dispose();
    }
    // Deferred build: adapters are loaded and the requested one selected first, so only the graph
    // variant it uses is built (the bare graph is built later, if the base model is ever used).
    // the provider the engine will resolve to (cached checks; quantised graphs stay on the CPU rather
    // than WebGPU, as ModelEngine decides), told to the host so it can bound a load that hangs on a GPU
    const resolved = provider === 'cpu' ? 'cpu' : (await resolveProvider(provider)).provider;
    if (resolved === 'cuda' || (resolved === 'webgpu' && quantize === 'none')) this.post({ type: 'loading', job, provider: resolved });
    let engine: ModelEngine;
    try {
      engine = await loadJavaEngine(modelDir, { provider, quantize, defer: true });
    } catch (e) {
      throw new JobError(ErrorCodes.ModelLoadFailed, `cannot load model from ${modelDir}: ${message(e)}`);
    }
    let adapterError: JobError | undefined;
    for (const dir of adapterDirs) {
      try {
        await engine.loadAdapter(dir);
      } catch (e) {
        adapterError ??= new JobError(ErrorCodes.AdapterFailed, `model loaded, but not adapter ${dir}: ${message(e)}`);
      }
    }
    if (adapter !== undefined && engine.listAdapters().some((a) => a.name === adapter)) engine.selectAdapter(adapter);
    try {
      await engine.build();
    } catch (e) {
      await engine.dispose().catch(() => undefined);
      throw new JobError(ErrorCodes.ModelLoadFailed, `cannot load model from ${modelDir}: ${message(e)}`);
    }
    this.engine = engine;
    if (adapterError) throw adapterError;
    if (adapter !== undefined && engine.status().adapter !== adapter)
      throw new JobError(ErrorCodes.AdapterFailed, `model loaded, but no adapter named ${JSON.stringify(adapter)} to select (loaded: ${engine.listAdapters().map((a) => a.name).join(', ') || 'none'})`);
    return null;
  }

  private async generate(job: number, prompt: string, opts: Omit<GenerateOptions, 'signal' | 'onText'>): Promise<GenerateResult> {
    const engine = this.need();
    const { controller, check } = sharedAbortSignal(this.flags, job);
    this.controllers.set(job, controller);
    let streamed = '';
    try {
      if (check()) throw new JobError(ErrorCodes.RequestCancelled, 'generation cancelled', { text: '', stopReason: 'cancelled' });
      const result = await engine.generate(prompt, {
        ...opts,
        signal: controller.signal,
        onText: (delta) => {
          streamed += delta;
          this.post({ type: 'partial', job, delta });
          check();
        },
      });
      if (result.stopReason === 'cancelled') throw new JobError(ErrorCodes.RequestCancelled, 'generation cancelled', result);
      return result;
    } catch (e) {
      if (e instanceof JobError) throw e;
      if (abortedGetter.call(controller.signal)) {
        throw new JobError(ErrorCodes.RequestCancelled, 'generation cancelled', { text: streamed, stopReason: 'cancelled' });
      }
      throw new JobError(ErrorCodes.GenerateFailed, `generation failed: ${message(e)}`);
    } finally {
      this.controllers.delete(job);
    }
  }
}

if (parentPort) {
  const port = parentPort;
  const worker = new ModelWorker(workerData as WorkerInit, (m) => port.postMessage(m));
  port.on('message', (m: ToWorker) => worker.receive(m));
}
