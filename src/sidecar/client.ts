// SidecarClient: the ONE owner of the sidecar process's lifecycle on the host side (VS Code extension,
// CLI, tests). Lazy start on first request, ready once `initialize` answered, typed requests with
// cancellation tokens, crash detection (pending requests fail with the exit status and stderr tail),
// automatic restart with exponential backoff that replays the model, loaded adapters and selection,
// and events for every state change. No vscode import: the extension adapts the events to its UI.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { RestartPolicy, type BackoffOptions } from './backoff';
import { tokenToSignal, type CancellationToken, type Disposable } from './cancellation';
import { RpcConnection } from './connection';
import { requestDeadlineMs } from './deadlines';
import type { SidecarLaunch } from './launch';

export { bundledSidecarLaunch, localSidecarLaunch, sourceSidecarLaunch, type SidecarLaunch } from './launch';
import type {
  GenerateParams,
  GeneratePartial,
  GenerateResult,
  InitializeParams,
  NotificationMap,
  NotificationMethod,
  ParamsOf,
  RequestId,
  RequestMethod,
  ResultOf,
  SidecarStatus,
} from './protocol';
export type ClientState = 'stopped' | 'starting' | 'ready' | 'error' | 'crashed' | 'failed' | 'disposed';

export interface StateChange {
  state: ClientState;
  previous: ClientState;
  /** Why: the initialize error ('error'), the exit status and stderr tail ('crashed', 'failed'). */
  detail?: string;
  /** When state is 'crashed': the restart happens after this many ms. */
  restartInMs?: number;
}

export interface SidecarClientOptions {
  launch: SidecarLaunch;
  /** Sent on every start; without it the client only checks the process answers `status`. */
  initialize?: InitializeParams;
  backoff?: Partial<BackoffOptions>;
  /** Grace period for `stop()` before the process is killed. */
  stopTimeoutMs?: number;
  /** A process that has not answered `initialize` (or the handshake) by then is killed: a crash (default 180 s). */
  startTimeoutMs?: number;
  /** Deadline of each request in ms (default `requestDeadlineMs`: generation in proportion to its token budget). */
  deadlineMs?: (method: string, params: unknown) => number;
}

export class SidecarCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SidecarCrashedError';
  }
}

type Listener<T> = (e: T) => void;

class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(l: Listener<T>): Disposable {
    this.listeners.add(l);
    return { dispose: () => void this.listeners.delete(l) };
  }
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}

const STDERR_TAIL = 40;

/** Paths in params made absolute here, so they mean the same in a sidecar with another working folder. */
function absolutePaths(method: string, params: unknown): unknown {
  if (typeof params !== 'object' || params === null) return params;
  const p = params as Record<string, unknown>;
  if (method === 'initialize') {
    return {
      ...p,
      ...(typeof p.modelDir === 'string' && p.modelDir !== '' ? { modelDir: path.resolve(p.modelDir) } : {}),
      ...(Array.isArray(p.adapterDirs) ? { adapterDirs: p.adapterDirs.map((d) => (typeof d === 'string' && d !== '' ? path.resolve(d) : d)) } : {}),
    };
  }
  if (method === 'adapters/load' && typeof p.dir === 'string' && p.dir !== '') return { ...p, dir: path.resolve(p.dir) };
  return params;
}

export class SidecarClient {
  private _state: ClientState = 'stopped';
  private child: ChildProcess | null = null;
  private conn: RpcConnection | null = null;
  private starting: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private readonly stopping = new WeakSet<ChildProcess>();
  private readonly stderrTail: string[] = [];
  private readonly policy: RestartPolicy;
  private initParams: InitializeParams | undefined;
  private loadedAdapters: string[] = [];
  private selected: { name: string | null } | null = null;
  private _status: SidecarStatus | null = null;
  private _lastError: string | undefined;

  private readonly stateEmitter = new Emitter<StateChange>();
  private readonly statusEmitter = new Emitter<SidecarStatus>();
  private readonly logEmitter = new Emitter<string>();
  /** State of the process: stopped → starting → ready | error; crashed → starting …; failed. */
  readonly onDidChangeState = (l: Listener<StateChange>): Disposable => this.stateEmitter.on(l);
  /** Status notifications from the sidecar (model, adapter, provider, memory, state). */
  readonly onDidChangeStatus = (l: Listener<SidecarStatus>): Disposable => this.statusEmitter.on(l);
  /** The sidecar's stderr, line by line, and protocol problems seen on its stdout. */
  readonly onLog = (l: Listener<string>): Disposable => this.logEmitter.on(l);

  constructor(private readonly opts: SidecarClientOptions) {
    this.policy = new RestartPolicy(opts.backoff);
    this.initParams = opts.initialize && (absolutePaths('initialize', opts.initialize) as InitializeParams);
  }

  get state(): ClientState {
    return this._state;
  }
  get status(): SidecarStatus | null {
    return this._status;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get lastError(): string | undefined {
    return this._lastError;
  }

  /** Starts the process if needed; resolves when it is ready (or alive with a model error: state 'error'). */
  async start(): Promise<void> {
    if (this._state === 'disposed') throw new Error('the sidecar client is disposed');
    if (this._state === 'ready' || this._state === 'error') return;
    if (this.starting) return this.starting;
    if (this._state === 'crashed') return new Promise((resolve, reject) => this.restartWaiters.push({ resolve, reject }));
    if (this._state === 'failed' || this._state === 'stopped') this.policy.reset();
    return this.launch();
  }

  /** New model settings: remembered for restarts, and applied now when the process runs. */
  async configure(params: InitializeParams): Promise<SidecarStatus> {
    this.initParams = absolutePaths('initialize', params) as InitializeParams;
    this.loadedAdapters = [];
    this.selected = null;
    if (this.conn && (this._state === 'ready' || this._state === 'error')) await this.initializeNow();
    else await this.start();
    if (this._state === 'error') throw new Error(this._lastError);
    return this._status!;
  }

  async request<M extends RequestMethod>(method: M, params: ParamsOf<M>, opts: { token?: CancellationToken } = {}): Promise<ResultOf<M>> {
    return (await this.call(method, params, opts.token)) as ResultOf<M>;
  }

  /** A notification to the sidecar (starting it if needed). Requests are cancelled with tokens, not here. */
  async notify<M extends NotificationMethod>(method: M, params: NotificationMap[M]): Promise<void> {
    await this.start();
    this.conn?.notify(method, params);
  }

  /** `generate` with its streamed deltas. A cancelled token makes it reject with RpcError RequestCancelled. */
  async generate(params: GenerateParams, opts: { token?: CancellationToken; onPartial?: (delta: string) => void } = {}): Promise<GenerateResult> {
    // the sidecar learns the deadline, so that on a GPU it can stop first and answer why (deadlines.ts)
    const deadlineMs = params.deadlineMs ?? (this.opts.deadlineMs ?? requestDeadlineMs)('generate', params);
    return (await this.call('generate', { ...params, deadlineMs }, opts.token, opts.onPartial)) as GenerateResult;
  }

  private async call(method: string, rawParams: unknown, token?: CancellationToken, onPartial?: (delta: string) => void): Promise<unknown> {
    const params = absolutePaths(method, rawParams);
    await this.start();
    const conn = this.conn;
    if (!conn) throw new SidecarCrashedError(`${method} failed: the sidecar is not running`);
    const { signal, dispose } = tokenToSignal(token);
    let id: RequestId | undefined;
    const off = onPartial
      ? conn.onNotification('generate/partial', (p) => {
          const partial = p as GeneratePartial;
          if (partial && partial.id === id && typeof partial.delta === 'string') onPartial(partial.delta);
        })
      : undefined;
    try {
      const result = await this.send(conn, method, params, signal, (i) => (id = i));
      this.remember(method, params);
      return result;
    } catch (e) {
      throw conn.closed ? new SidecarCrashedError(`${method} failed: ${this.crashText()}`) : e;
    } finally {
      off?.();
      dispose();
    }
  }

  /** Graceful stop: `shutdown`, then SIGTERM/SIGKILL if it lingers. No restart follows. */
  async stop(): Promise<void> {
    this.clearRestart(new Error('the sidecar was stopped'));
    const child = this.child;
    const conn = this.conn;
    if (!child) {
      if (this._state !== 'disposed') this.setState('stopped');
      return;
    }
    this.stopping.add(child);
    const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('close', () => r())));
    const grace = this.opts.stopTimeoutMs ?? 3000;
    conn?.request('shutdown', undefined).catch(() => undefined);
    const timer = setTimeout(() => child.kill('SIGTERM'), grace);
    const killer = setTimeout(() => child.kill('SIGKILL'), grace * 2);
    await exited;
    clearTimeout(timer);
    clearTimeout(killer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.setState('disposed');
  }

  // ---- internals ------------------------------------------------------------------------------

  private setState(state: ClientState, extra: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const previous = this._state;
    if (previous === 'disposed') return;
    this._state = state;
    this.stateEmitter.fire({ state, previous, ...extra });
  }

  private remember(method: string, params: unknown): void {
    if (method === 'adapters/load') {
      const dir = (params as { dir: string }).dir;
      if (!this.loadedAdapters.includes(dir)) this.loadedAdapters.push(dir);
    } else if (method === 'adapters/select') {
      this.selected = { name: (params as { name: string | null }).name };
    } else if (method === 'initialize') {
      this.initParams = params as InitializeParams;
      this.loadedAdapters = [];
      this.selected = null;
    }
  }

  /** A request with its deadline: a lost answer fails it with RequestTimeoutError instead of hanging. */
  private send(conn: RpcConnection, method: string, params?: unknown, signal?: AbortSignal, onId?: (id: RequestId) => void): Promise<unknown> {
    const deadline = (this.opts.deadlineMs ?? requestDeadlineMs)(method, params);
    return conn.request(method, params, signal, onId, deadline);
  }

  private crashText(): string {
    const tail = this.stderrTail.slice(-8).join('\n');
    return `the sidecar exited${this._lastExit ? ` (${this._lastExit})` : ''}${tail ? `; its last stderr lines:\n${tail}` : ''}`;
  }
  private _lastExit = '';

  private launch(): Promise<void> {
    const p = this.spawnAndInitialize().finally(() => {
      if (this.starting === p) this.starting = null;
    });
    this.starting = p;
    return p;
  }

  private async spawnAndInitialize(): Promise<void> {
    this.setState('starting');
    const { command, args, env, cwd } = this.opts.launch;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env, cwd, windowsHide: true });
    const conn = new RpcConnection((text) => void child.stdin!.write(text), { onProblem: (m) => this.logEmitter.fire(`[protocol] ${m}`) });
    this.child = child;
    this.conn = conn;
    this.policy.started();
    conn.onNotification('status', (s) => {
      this._status = s as SidecarStatus;
      this.statusEmitter.fire(this._status);
    });
    child.stdout!.on('data', (c: Buffer) => conn.feed(c));
    child.stdin!.on('error', () => undefined); // EPIPE when it died: seen through 'close'
    let partial = '';
    child.stderr!.on('data', (c: Buffer) => {
      const lines = (partial + c.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.stderrLine(line);
    });
    const gone = new Promise<void>((resolve) => {
      const onGone = (why: string) => {
        if (partial) this.stderrLine(partial);
        partial = '';
        resolve();
        this.exited(child, conn, why);
      };
      child.once('error', (e) => onGone(`could not run ${command}: ${e.message}`));
      child.once('close', (code, signal) => onGone(signal ? `killed by ${signal}` : `exit code ${code}`));
    });
    const died = gone.then(() => {
      throw new SidecarCrashedError(`the sidecar did not start: ${this.crashText()}`);
    });
    const limit = this.opts.startTimeoutMs ?? 180_000;
    const hung = setTimeout(() => {
      this.stderrLine(`[client] the sidecar did not answer within ${limit} ms; killing it`);
      child.kill('SIGKILL');
    }, limit);
    try {
      await Promise.race([this.initializeNow(), died]);
    } finally {
      clearTimeout(hung);
    }
  }

  private stderrLine(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    this.logEmitter.fire(line);
  }

  /** initialize (+ replay of loaded adapters and selection), or a `status` handshake without params. */
  private async initializeNow(): Promise<void> {
    const conn = this.conn!;
    if (!this.initParams) {
      this._status = (await this.send(conn, 'status')) as SidecarStatus;
      this.setState('ready');
      return;
    }
    try {
      // the sidecar learns the deadline, so that a load hung on a GPU is given up in time (deadlines.ts)
      const deadlineMs = this.initParams.deadlineMs ?? (this.opts.deadlineMs ?? requestDeadlineMs)('initialize', this.initParams);
      this._status = (await this.send(conn, 'initialize', { ...this.initParams, deadlineMs })) as SidecarStatus;
    } catch (e) {
      if (conn.closed) throw e;
      this._lastError = e instanceof Error ? e.message : String(e);
      this.setState('error', { detail: this._lastError });
      return;
    }
    // After a restart: the adapters loaded and the selection made in the previous process. One that
    // no longer loads (its folder was removed, say) is reported, not fatal: the model works without it.
    for (const dir of this.loadedAdapters) {
      await this.send(conn, 'adapters/load', { dir }).catch((e: Error) => this.replayFailed(`adapter ${dir}`, e, conn));
    }
    if (this.selected) {
      const s = await this.send(conn, 'adapters/select', this.selected).catch((e: Error) => this.replayFailed(`selection ${JSON.stringify(this.selected?.name)}`, e, conn));
      if (s) this._status = s as SidecarStatus;
    }
    this._lastError = undefined;
    this.setState('ready');
  }

  private replayFailed(what: string, e: Error, conn: RpcConnection): undefined {
    if (conn.closed) throw e;
    this.logEmitter.fire(`[client] could not restore ${what} after the restart: ${e.message}`);
    return undefined;
  }

  private exited(child: ChildProcess, conn: RpcConnection, why: string): void {
    if (this.child !== child) return;
    this._lastExit = why;
    conn.close(`the sidecar exited (${why})`);
    this.child = null;
    this.conn = null;
    if (this.stopping.has(child) || this._state === 'disposed') {
      this.setState('stopped');
      return;
    }
    const detail = this.crashText();
    const delay = this.policy.crashed();
    if (delay === null) {
      this.setState('failed', { detail: `${detail}\n(gave up after ${this.policy.consecutiveCrashes} restarts)` });
      this.clearRestart(new SidecarCrashedError(detail));
      return;
    }
    this.setState('crashed', { detail, restartInMs: delay });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      const waiters = this.restartWaiters.splice(0);
      this.launch().then(
        () => waiters.forEach((w) => w.resolve()),
        (e: Error) => waiters.forEach((w) => w.reject(e)),
      );
    }, delay);
  }

  private clearRestart(e: Error): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    for (const w of this.restartWaiters.splice(0)) w.reject(e);
  }
}
