// The sidecar main thread's handle on the model worker thread: starts it (bundled or from TS sources),
// runs one job at a time in order, forwards cancels (postMessage + a SharedArrayBuffer slot the worker
// reads synchronously), streams partial text, keeps the worker's latest snapshot (status and adapters,
// so `status` and `adapters/list` are answered without waiting for a running generation), and reports
// a worker that dies. A job on a GPU that does not return after its cancel (its own deadline or the
// client's) is a hung driver: the worker thread, blocked in a native run, cannot be stopped, so it is
// abandoned, that request fails saying so, and a fresh worker reloads the model on the CPU (the
// adapters loaded and the selection replayed) for the next request. An initialize whose load on a GPU
// does not finish within its GPU deadline is the same hang, met earlier: its worker is abandoned and the
// same initialize runs again on the CPU in a new worker, so it still answers with a working model.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HUNG_AFTER_CANCEL_MS } from './deadlines';
import { ErrorCodes, RpcError } from './protocol';
import type { FromWorker, ToWorker, WorkerInit, WorkerJob, WorkerSnapshot } from './worker';

interface Job {
  job: number;
  work: WorkerJob;
  gpuDeadlineMs?: number;
  resolve(v: unknown): void;
  reject(e: Error): void;
  onPartial?: (delta: string) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  cancelledAt?: number;
  deadline?: NodeJS.Timeout; // the GPU deadline's timer
  startedAt?: number; // an init: when it was handed to the worker (its GPU deadline counts from then)
  deadlinePassed?: number; // ms: the job was cancelled by its GPU deadline
  hung?: NodeJS.Timeout; // after a cancel: the worker is taken for hung when this fires
}

/** Where the worker's code is: `model-worker.js` beside the bundle, or `worker.ts` under tsx. */
function workerEntry(dir: string = __dirname): { file: string; fromSource: boolean } {
  const bundled = path.join(dir, 'model-worker.js');
  if (existsSync(bundled)) return { file: bundled, fromSource: false };
  return { file: path.join(dir, 'worker.ts'), fromSource: true };
}

/** Starts a worker thread on `file`; its stdout is not piped into ours (the protocol's) but to stderr. */
export function spawnWorker(file: string, fromSource: boolean, workerData: unknown): Worker {
  let w: Worker;
  if (!fromSource) w = new Worker(file, { workerData, stdout: true });
  else {
    // Node 20's worker loads a `.ts` path through the ESM loader, which rejects the extension even
    // with `--import tsx`: register tsx's CommonJS hook inside the worker, then require the file.
    const tsxCjs = require.resolve(['tsx', 'cjs'].join('/'));
    const code = `require(${JSON.stringify(tsxCjs)}); require(${JSON.stringify(file)});`;
    w = new Worker(code, { eval: true, workerData, stdout: true });
  }
  w.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return w;
}

function startWorker(init: WorkerInit): Worker {
  const entry = workerEntry();
  return spawnWorker(entry.file, entry.fromSource, init);
}

export interface ModelHostEvents {
  /** The worker thread ended without being asked to (crash, native abort, exit). */
  onWorkerExit(reason: string): void;
  /** A job was handed to the worker (it starts now). */
  onJobStart?(op: WorkerJob['op']): void;
  /** A running job that was cancelled ended, `ms` after the cancel reached the worker. */
  onCancelHonoured?(op: WorkerJob['op'], ms: number): void;
  /** A GPU job hung: its worker was abandoned and the model reloads on the CPU (`note` says why). */
  onGpuHang?(note: string): void;
  /** The model was reloaded on the CPU after a hang (or that failed: `error`). */
  onReloaded?(error?: string): void;
}

export class ModelHost {
  private worker: Worker | null = null;
  private readonly cancelBuffer = new SharedArrayBuffer(4);
  private readonly flags = new Int32Array(this.cancelBuffer);
  private readonly queue: Job[] = [];
  private active: Job | null = null;
  private nextJob = 1;
  private stopping = false;
  snapshot: WorkerSnapshot = { engine: null, adapters: [] };
  /** Set once a GPU job hung: why the model runs on the CPU since (the status's provider note). */
  gpuHangNote: string | undefined;
  /** What a replacement worker replays: the last init, the adapters loaded after it, the selection. */
  private replay: { init?: Extract<WorkerJob, { op: 'init' }>; adapterDirs: string[]; selected?: string | null } = { adapterDirs: [] };

  constructor(private readonly events: ModelHostEvents) {}

  /** The op now running in the worker, if any. */
  get activeOp(): WorkerJob['op'] | null {
    return this.active?.work.op ?? null;
  }

  /**
   * Queues a job. `gpuDeadlineMs` (from when it starts in the worker): when it passes while the model runs
   * on a GPU, the job is cancelled and fails saying so; one that does not stop is a hang (gpuHung). For an
   * init it bounds a load the worker said runs on a GPU: passed, the load is redone on the CPU (gpuLoadHung).
   */
  run(work: WorkerJob, opts: { signal?: AbortSignal; onPartial?: (delta: string) => void; gpuDeadlineMs?: number } = {}): Promise<unknown> {
    if (this.stopping) return Promise.reject(new RpcError(ErrorCodes.WorkerCrashed, 'the model worker is shutting down'));
    // after a GPU hang the abandoned thread may still hold the driver: this process stays on the CPU
    if (work.op === 'init' && this.gpuHangNote) work = { ...work, provider: 'cpu' };
    this.remember(work);
    return new Promise((resolve, reject) => {
      const job: Job = { job: this.nextJob++, work, resolve, reject, onPartial: opts.onPartial, signal: opts.signal, gpuDeadlineMs: opts.gpuDeadlineMs };
      if (opts.signal) {
        if (opts.signal.aborted) return reject(new RpcError(ErrorCodes.RequestCancelled, `${work.op} cancelled`, { text: '', stopReason: 'cancelled' }));
        job.onAbort = () => this.cancel(job);
        opts.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Starts the worker thread now (loading its code and the runtime) so `initialize` does not wait for it. */
  prewarm(): void {
    if (!this.stopping) this.ensureWorker();
  }

  /** Ends the worker (no crash report). */
  async terminate(): Promise<void> {
    this.stopping = true;
    const w = this.worker;
    this.worker = null;
    this.failAll(new RpcError(ErrorCodes.WorkerCrashed, 'the model worker was stopped'));
    if (w) await w.terminate();
  }

  private cancel(job: Job): void {
    const i = this.queue.indexOf(job);
    if (i >= 0) {
      this.queue.splice(i, 1);
      job.reject(new RpcError(ErrorCodes.RequestCancelled, `${job.work.op} cancelled`, { text: '', stopReason: 'cancelled' }));
      return;
    }
    if (this.active === job && this.worker && job.cancelledAt === undefined) {
      job.cancelledAt = performance.now();
      Atomics.store(this.flags, 0, job.job);
      this.send({ type: 'cancel', job: job.job });
      // on a GPU, a run that never returns (a wedged driver) never sees the cancel
      const provider = this.snapshot.engine?.provider;
      if (provider && provider !== 'cpu') {
        job.hung = setTimeout(() => this.gpuHung(job, provider, HUNG_AFTER_CANCEL_MS), HUNG_AFTER_CANCEL_MS);
      }
    }
  }

  /** Keeps what a replacement worker must replay (see gpuHung). */
  private remember(work: WorkerJob): void {
    if (work.op === 'init') this.replay = { init: work, adapterDirs: [], selected: undefined };
    else if (work.op === 'adapters/load') this.replay.adapterDirs.push(work.dir);
    else if (work.op === 'adapters/select') this.replay.selected = work.name;
  }

  /**
   * The active job did not honour its cancel: the worker is blocked in a GPU run. It is abandoned (its
   * thread cannot be interrupted inside native code; terminate is asked, not awaited), the job fails
   * with a message saying so, and a new worker reloads the model on the CPU before any queued job.
   */
  private gpuHung(job: Job, provider: 'cuda' | 'webgpu', ms: number): void {
    if (this.active !== job || !this.worker) return;
    const name = provider === 'cuda' ? 'CUDA' : 'WebGPU';
    const w = this.worker;
    this.worker = null; // its exit, whenever it comes, is not a crash
    void w.terminate().catch(() => undefined);
    this.active = null;
    this.finish(job);
    this.gpuHangNote = `${name} hung: a ${job.work.op} did not return ${(ms / 1000).toFixed(0)} s after its cancel (a GPU driver hang?); the model was reloaded on the CPU`;
    job.reject(new RpcError(ErrorCodes.GenerateFailed, `${job.work.op} on ${name} did not return ${(ms / 1000).toFixed(0)} s after it was cancelled (a GPU driver hang?); the model is reloaded on the CPU for the next request`));
    this.events.onGpuHang?.(this.gpuHangNote);
    const init = this.replay.init;
    if (init) {
      const selected = this.replay.selected === undefined ? init.adapter : this.replay.selected ?? undefined;
      const work: WorkerJob = { ...init, provider: 'cpu', adapterDirs: [...(init.adapterDirs ?? []), ...this.replay.adapterDirs], adapter: selected };
      // first in the queue: whatever was waiting runs on the reloaded model
      this.queue.unshift({ job: this.nextJob++, work, resolve: () => this.events.onReloaded?.(), reject: (e) => this.events.onReloaded?.(e.message) });
    }
    this.pump();
  }

  /**
   * An init that still loads on a GPU when its GPU deadline passes: the driver is taken for hung (an init
   * sees no cancel, and a wedged session creation never returns). The worker is abandoned as in gpuHung,
   * and the same init runs first in a new worker on the CPU, under a new job number (a late answer of
   * the abandoned worker is not taken for it), so the initialize answers with the CPU and says why.
   */
  private gpuLoadHung(job: Job, provider: 'cuda' | 'webgpu', ms: number): void {
    if (this.active !== job || !this.worker) return;
    const name = provider === 'cuda' ? 'CUDA' : 'WebGPU';
    const w = this.worker;
    this.worker = null;
    void w.terminate().catch(() => undefined);
    this.active = null;
    clearTimeout(job.deadline);
    job.deadline = undefined;
    this.gpuHangNote = `${name} hung: loading the model did not finish within ${(ms / 1000).toFixed(0)} s (a GPU driver hang?); the model was loaded on the CPU`;
    this.events.onGpuHang?.(this.gpuHangNote);
    job.job = this.nextJob++;
    job.work = { ...job.work, provider: 'cpu' } as WorkerJob;
    job.gpuDeadlineMs = undefined;
    if (this.replay.init) this.replay.init = { ...this.replay.init, provider: 'cpu' };
    this.queue.unshift(job);
    this.pump();
  }

  private finish(job: Job): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    clearTimeout(job.deadline);
    clearTimeout(job.hung);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker({ cancel: this.cancelBuffer });
    w.on('message', (m: FromWorker) => {
      if (this.worker === w) this.onMessage(m); // an abandoned worker's late messages are not answers
    });
    w.on('error', (e) => this.onExit(w, `model worker error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
    w.on('exit', (code) => this.onExit(w, `model worker exited with code ${code}`));
    this.worker = w;
    return w;
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private pump(): void {
    if (this.active || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.active = job;
    Atomics.store(this.flags, 0, 0);
    this.ensureWorker();
    this.send({ type: 'job', job: job.job, work: job.work });
    const ms = job.gpuDeadlineMs;
    if (job.work.op === 'init') job.startedAt = performance.now(); // its bound starts once the worker says it loads on a GPU
    else if (ms !== undefined)
      job.deadline = setTimeout(() => {
        if (this.active !== job || this.snapshot.engine?.provider === 'cpu') return; // the CPU keeps the client's deadline only
        job.deadlinePassed = ms;
        this.cancel(job);
      }, ms);
    this.events.onJobStart?.(job.work.op);
  }

  private onMessage(m: FromWorker): void {
    const job = this.active;
    if (!job || job.job !== m.job) return; // late message of a job already failed
    if (m.type === 'partial') {
      job.onPartial?.(m.delta);
      return;
    }
    if (m.type === 'loading') {
      const ms = job.gpuDeadlineMs;
      const provider = m.provider;
      if (ms !== undefined) job.deadline = setTimeout(() => this.gpuLoadHung(job, provider, ms), Math.max(0, (job.startedAt ?? performance.now()) + ms - performance.now()));
      return;
    }
    this.snapshot = m.snapshot;
    this.active = null;
    if (job.cancelledAt !== undefined) this.events.onCancelHonoured?.(job.work.op, performance.now() - job.cancelledAt);
    this.finish(job);
    if (m.type === 'done') job.resolve(m.value);
    else if (job.deadlinePassed !== undefined && m.code === ErrorCodes.RequestCancelled) {
      // not the user's cancel (a partial result would read as one): the deadline, said as a failure
      const on = this.snapshot.engine?.provider === 'cuda' ? 'CUDA' : 'WebGPU';
      job.reject(new RpcError(ErrorCodes.GenerateFailed, `${job.work.op} on ${on} did not finish within its deadline (${(job.deadlinePassed / 1000).toFixed(1)} s) and was stopped`));
    } else job.reject(new RpcError(m.code, m.message, m.data));
    if (job.work.op === 'dispose') this.stopping = true;
    this.pump();
  }

  private onExit(w: Worker, reason: string): void {
    if (this.worker !== w) return; // already replaced or terminated on purpose
    this.worker = null;
    if (this.stopping) return;
    this.failAll(new RpcError(ErrorCodes.WorkerCrashed, reason));
    this.events.onWorkerExit(reason);
  }

  private failAll(e: Error): void {
    const jobs = this.active ? [this.active, ...this.queue] : [...this.queue];
    this.active = null;
    this.queue.length = 0;
    for (const j of jobs) {
      this.finish(j);
      j.reject(e);
    }
  }
}
