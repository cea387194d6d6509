// The sidecar process: JSON-RPC over stdio (protocol only on stdout, every log on stderr). The model
// runs in a worker thread (model-host.ts → worker.ts), so this thread always answers: `status` and
// `adapters/list` come from the worker's last snapshot, and `$/cancelRequest` reaches a running
// generation within one decode step. Exits on `shutdown`, and within a second of losing its host
// (stdin ends, a broken pipe on any stdio, the parent process gone: lifeline.ts), whatever it is doing.

// Before anything can print: stdout belongs to the protocol. Whatever else writes to it goes to stderr.
const protocolWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
  (process.stderr.write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

import { RpcConnection, type RequestContext } from './connection';
import { gpuGenerateDeadlineMs, gpuLoadDeadlineMs, requestDeadlineMs } from './deadlines';
import { ModelHost } from './model-host';
import { Lifeline } from './lifeline';
import {
  ErrorCodes,
  PROTOCOL_VERSION,
  RpcError,
  checkAdapterLoad,
  checkAdapterSelect,
  checkGenerate,
  checkInitialize,
  type Checked,
  type GeneratePartial,
  type InitializeParams,
  type SidecarState,
  type SidecarStatus,
} from './protocol';

// Created first of all (below), so that every log line goes through it: it never writes to a dead stderr.
let lifeline: Lifeline | undefined;

function log(message: string): void {
  if (lifeline) lifeline.log(`[sidecar ${process.pid}] ${message}\n`);
}

/** How long the worker gets to stop before the process exits anyway: short when nobody is listening. */
const EXIT_GRACE_MS = 2000;
const LOST_HOST_GRACE_MS = 100;

function valid<T>(c: Checked<T>): T {
  if (!c.ok) throw new RpcError(ErrorCodes.InvalidParams, c.error);
  return c.value;
}

class Sidecar {
  private state: SidecarState = 'uninitialized';
  private lastError: string | undefined;
  private exiting = false;
  readonly conn = new RpcConnection((text) => void protocolWrite(text), {
    onProblem: (m) => log(`protocol: ${m}`),
    answerGarbage: true,
  });
  private readonly host = new ModelHost({
    onWorkerExit: (reason) => this.workerDied(reason),
    onJobStart: (op) => {
      if (op === 'generate' && this.state === 'ready') this.setState('generating');
    },
    onCancelHonoured: (op, ms) => log(`${op} cancel honoured in ${ms.toFixed(2)} ms`),
    onGpuHang: (note) => {
      log(note);
      this.conn.notify('status', this.status());
    },
    onReloaded: (error) => {
      if (error) {
        this.lastError = `reloading the model on the CPU after a GPU hang failed: ${error}`;
        log(this.lastError);
        this.setState(this.host.snapshot.engine ? 'ready' : 'error');
      } else {
        log('model reloaded on the CPU after a GPU hang');
        this.conn.notify('status', this.status());
      }
    },
  });

  status(): SidecarStatus {
    const e = this.host.snapshot.engine;
    const mem = process.memoryUsage();
    return {
      protocolVersion: PROTOCOL_VERSION,
      state: this.state,
      pid: process.pid,
      model: e ? { name: e.modelName, dir: e.modelDir, parameters: e.parameters } : null,
      adapter: e?.adapter ?? null,
      provider: e?.provider ?? null,
      ...(this.host.gpuHangNote || e?.providerNote ? { providerNote: this.host.gpuHangNote ?? e?.providerNote } : {}),
      quantize: e?.quantize ?? null,
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, externalBytes: mem.external },
      ...(this.state === 'error' && this.lastError ? { error: this.lastError } : {}),
    };
  }

  private setState(s: SidecarState): void {
    this.state = s;
    this.conn.notify('status', this.status());
  }

  /** A model is loaded, or is loading (the job then queues behind the load in the worker). */
  private requireReady(): void {
    if (this.state === 'ready' || this.state === 'generating' || this.state === 'loading') return;
    const why = this.state === 'error' ? ` (last error: ${this.lastError})` : '';
    throw new RpcError(ErrorCodes.NotInitialized, `no model loaded: send initialize first${why}`);
  }

  registerHandlers(): void {
    const c = this.conn;
    c.onRequest('initialize', (p) => this.initialize(valid(checkInitialize(p))));
    c.onRequest('status', () => this.status());
    c.onRequest('generate', (p, ctx) => this.generate(p, ctx));
    c.onRequest('adapters/list', () => {
      this.requireReady();
      return this.host.snapshot.adapters;
    });
    c.onRequest('adapters/load', async (p) => {
      const { dir } = valid(checkAdapterLoad(p));
      this.requireReady();
      const info = await this.host.run({ op: 'adapters/load', dir });
      this.conn.notify('status', this.status());
      return info;
    });
    c.onRequest('adapters/select', async (p) => {
      const { name } = valid(checkAdapterSelect(p));
      this.requireReady();
      await this.host.run({ op: 'adapters/select', name });
      this.conn.notify('status', this.status());
      return this.status();
    });
    c.onRequest('shutdown', () => {
      setImmediate(() => void this.exit(0, 'shutdown requested'));
      return null;
    });
  }

  private async initialize(p: InitializeParams): Promise<SidecarStatus> {
    this.lastError = undefined;
    this.setState('loading');
    const t0 = performance.now();
    try {
      // a load that hangs on a GPU is given up in time to load on the CPU before the client's deadline
      const gpuDeadlineMs = gpuLoadDeadlineMs(p.deadlineMs ?? requestDeadlineMs('initialize', p));
      await this.host.run({ op: 'init', modelDir: p.modelDir, provider: p.provider, adapterDirs: p.adapterDirs, quantize: p.quantize ?? 'none', adapter: p.adapter }, { gpuDeadlineMs });
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      // A model that loaded but whose adapter failed is still usable.
      this.setState(this.host.snapshot.engine ? 'ready' : 'error');
      throw e;
    }
    const s = this.status();
    const ms = Math.round(performance.now() - t0);
    log(`model ${s.model?.name} loaded on ${s.provider}${s.quantize && s.quantize !== 'none' ? ` (${s.quantize})` : ''} in ${ms} ms${s.providerNote ? ` (${s.providerNote})` : ''}`);
    this.setState(this.host.activeOp === 'generate' ? 'generating' : 'ready');
    return this.status();
  }

  private async generate(p: unknown, ctx: RequestContext): Promise<unknown> {
    const g = valid(checkGenerate(p));
    this.requireReady();
    // Deltas that arrive from the worker in one batch (this thread was busy, or the machine is loaded)
    // go out as one notification; a lone delta goes out at once. All are out before the result.
    let seq = 0;
    let pending = '';
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      if (pending === '') return;
      const partial: GeneratePartial = { id: ctx.id, seq: seq++, delta: pending };
      pending = '';
      this.conn.notify('generate/partial', partial);
    };
    const onPartial = (delta: string) => {
      pending += delta;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    };
    const { context, deadlineMs, ...opts } = g;
    try {
      // on a GPU the sidecar stops before the client's deadline, so that a hung run is found and answered
      const gpuDeadlineMs = gpuGenerateDeadlineMs(deadlineMs ?? requestDeadlineMs('generate', g));
      return await this.host.run({ op: 'generate', prompt: context, opts }, { signal: ctx.signal, onPartial, gpuDeadlineMs });
    } finally {
      flush();
      if (this.state === 'generating' && this.host.activeOp !== 'generate') this.setState('ready');
      else this.conn.notify('status', this.status());
    }
  }

  /** The worker thread loads its code and ONNX Runtime while the host is still sending `initialize`. */
  prewarm(): void {
    this.host.prewarm();
  }

  private workerDied(reason: string): void {
    log(reason);
    // One recovery path: the process exits and its host (SidecarClient) restarts it.
    void this.exit(70, 'model worker died');
  }

  get isExiting(): boolean {
    return this.exiting;
  }

  async exit(code: number, why: string, hostLost = false): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    log(`exiting (${why})`);
    // Whatever happens below (a worker stuck in a native call, a throwing close), the process goes.
    const grace = hostLost ? LOST_HOST_GRACE_MS : EXIT_GRACE_MS;
    setTimeout(() => process.exit(code), grace + 100);
    try {
      this.conn.close(why);
    } catch {
      // closing fails pending requests; their handlers' errors do not matter any more
    }
    const stopped = await Promise.race([
      this.host.terminate().then(() => true, () => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), grace)),
    ]);
    // process.exit() waits for the worker thread to leave native code (ONNX Runtime loading a model or
    // running a step), which took seconds on a loaded machine. A worker that did not stop within the
    // grace is in native code: with no host to answer, the process ends at once instead. Files are
    // written by temp file + rename, so none is left half-written.
    if (hostLost && !stopped) process.kill(process.pid, 'SIGKILL');
    process.exit(code);
  }
}

let sidecar: Sidecar | undefined;
lifeline = new Lifeline({ onLost: (reason) => void (sidecar ? sidecar.exit(0, reason, true) : process.exit(0)) });
sidecar = new Sidecar();
sidecar.registerHandlers();
sidecar.prewarm();
process.stdin.on('data', (chunk: Buffer) => sidecar!.conn.feed(chunk));
process.on('uncaughtException', (e) => {
  // A broken pipe is the host going away (lifeline); anything else is logged once, then the process exits.
  if (lifeline!.handleUncaught(e) || sidecar!.isExiting) return;
  log(`uncaught: ${e.stack ?? e.message}`);
  void sidecar!.exit(70, 'uncaught exception');
});
log(`started in ${Math.round(performance.now())} ms (node ${process.version}, protocol ${PROTOCOL_VERSION})`);
