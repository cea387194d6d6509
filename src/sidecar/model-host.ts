// The sidecar main thread's handle on the model worker thread: starts it (bundled or from TS sources),
// runs one job at a time in order, forwards cancels (postMessage + a SharedArrayBuffer slot the worker
// reads synchronously), streams partial text, keeps the worker's latest snapshot (status and adapters,
// so `status` and `adapters/list` are answered without waiting for a running generation), and reports
// a worker that dies.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, RpcError } from './protocol';
import type { FromWorker, ToWorker, WorkerInit, WorkerJob, WorkerSnapshot } from './worker';

interface Job {
  job: number;
  work: WorkerJob;
  resolve(v: unknown): void;
  reject(e: Error): void;
  onPartial?: (delta: string) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  cancelledAt?: number;
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

  constructor(private readonly events: ModelHostEvents) {}

  /** The op now running in the worker, if any. */
  get activeOp(): WorkerJob['op'] | null {
    return this.active?.work.op ?? null;
  }

  run(work: WorkerJob, opts: { signal?: AbortSignal; onPartial?: (delta: string) => void } = {}): Promise<unknown> {
    if (this.stopping) return Promise.reject(new RpcError(ErrorCodes.WorkerCrashed, 'the model worker is shutting down'));
    return new Promise((resolve, reject) => {
      const job: Job = { job: this.nextJob++, work, resolve, reject, onPartial: opts.onPartial, signal: opts.signal };
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
    if (this.active === job && this.worker) {
      job.cancelledAt = performance.now();
      Atomics.store(this.flags, 0, job.job);
      this.send({ type: 'cancel', job: job.job });
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker({ cancel: this.cancelBuffer });
    w.on('message', (m: FromWorker) => this.onMessage(m));
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
    this.events.onJobStart?.(job.work.op);
  }

  private onMessage(m: FromWorker): void {
    const job = this.active;
    if (!job || job.job !== m.job) return; // late message of a job already failed
    if (m.type === 'partial') {
      job.onPartial?.(m.delta);
      return;
    }
    this.snapshot = m.snapshot;
    this.active = null;
    if (job.cancelledAt !== undefined) this.events.onCancelHonoured?.(job.work.op, performance.now() - job.cancelledAt);
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (m.type === 'done') job.resolve(m.value);
    else job.reject(new RpcError(m.code, m.message, m.data));
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
      if (j.onAbort) j.signal?.removeEventListener('abort', j.onAbort);
      j.reject(e);
    }
  }
}
