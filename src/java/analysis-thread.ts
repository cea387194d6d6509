// The editor's Java analyses (listMethods, buildContext) on a worker thread, so that the extension
// host's thread never waits for tree-sitter: the worker (analysis-worker.ts, bundled as
// dist/java-worker.js) is started on first use and kept; one that does not answer within
// `deadlineMs` (it cannot: every parse is budgeted, this is the last guard) is terminated, the call
// answers with an error, and the next call starts a fresh worker. Where the worker's code is not
// found (tests from sources without it), the analyses run on the calling thread.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysisRequest, AnalysisResponse } from './analysis-worker';
import { buildContext, type ContextOptions, type ContextResult, type MethodSelector } from './context';
import { listMethods, type MethodListing } from './methods';

type Pending = { resolve(v: AnalysisResponse): void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class JavaAnalysisThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `workerFile`: the bundled worker (default: java-worker.js beside this bundle). */
  constructor(
    private readonly workerFile: string = path.join(__dirname, 'java-worker.js'),
    private readonly deadlineMs = 10_000,
  ) {}

  async listMethods(source: string): Promise<MethodListing> {
    if (!this.available()) return listMethods(source);
    const r = await this.call({ op: 'listMethods', source });
    return r.error !== undefined ? { methods: [], errors: [r.error] } : (r.value as MethodListing);
  }

  async buildContext(source: string, selector: MethodSelector, options: ContextOptions = {}): Promise<ContextResult> {
    if (!this.available()) return buildContext(source, selector, options);
    const r = await this.call({ op: 'buildContext', source, selector, options });
    return r.error !== undefined ? { errors: [r.error] } : (r.value as ContextResult);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.failAll('the Java analysis thread was stopped');
  }

  private available(): boolean {
    return existsSync(this.workerFile);
  }

  private call(req: WithoutId<AnalysisRequest>): Promise<AnalysisResponse> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A stuck worker is replaced; every call waiting on it fails with this message.
        if (this.worker === worker) {
          this.worker = null;
          void worker.terminate();
          this.failAll(`the Java analysis did not answer within ${this.deadlineMs / 1000} s and was stopped`);
        }
      }, this.deadlineMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      worker.postMessage({ ...req, id } as AnalysisRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerFile);
    w.unref(); // an idle analysis thread never keeps the host alive
    w.on('message', (r: AnalysisResponse) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      p?.resolve(r);
    });
    w.on('error', (e) => {
      if (this.worker === w) this.worker = null;
      this.failAll(`the Java analysis thread failed: ${e.message}`);
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
      this.failAll('the Java analysis thread exited');
    });
    this.worker = w;
    return w;
  }

  private failAll(error: string): void {
    for (const [id, p] of this.pending) p.resolve({ id, error });
    this.pending.clear();
  }
}
