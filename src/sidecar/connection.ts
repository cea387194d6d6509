// One JSON-RPC 2.0 endpoint over a pair of byte streams, used by both sides: the sidecar (serving
// requests) and the host (sending them). Matches responses to requests, dispatches incoming requests
// and notifications to handlers, and turns `$/cancelRequest` into an AbortSignal for the handler.
// Never throws on bad input: malformed messages get a JSON-RPC error or are reported via onProblem.
import { RequestTimeoutError } from './deadlines';
import { LineDecoder, encodeMessage } from './framing';
import {
  ErrorCodes,
  RpcError,
  checkCancel,
  classify,
  failure,
  notification,
  request,
  success,
  type RequestId,
  type RpcRequest,
  type RpcResponse,
} from './protocol';

export interface RequestContext {
  id: RequestId;
  /** Aborted when the peer sends `$/cancelRequest` for this id, or the connection closes. */
  signal: AbortSignal;
}

export type RequestHandler = (params: unknown, ctx: RequestContext) => unknown | Promise<unknown>;
export type NotificationHandler = (params: unknown) => void;

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  cleanup(): void;
}

export interface ConnectionOptions {
  /** Non-protocol input (stray output, malformed JSON-RPC). */
  onProblem?: (message: string) => void;
  /** Answer a line that is not JSON with a ParseError response (id null), as a JSON-RPC server does. */
  answerGarbage?: boolean;
}

export class ConnectionClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

export class RpcConnection {
  private readonly decoder = new LineDecoder();
  private readonly requestHandlers = new Map<string, RequestHandler>();
  private readonly notificationHandlers = new Map<string, NotificationHandler[]>();
  private readonly pending = new Map<RequestId, Pending>();
  private readonly incoming = new Map<RequestId, AbortController>();
  private nextId = 1;
  private closedReason: string | null = null;

  constructor(
    private readonly write: (text: string) => void,
    private readonly opts: ConnectionOptions = {},
  ) {}

  get closed(): boolean {
    return this.closedReason !== null;
  }

  onRequest(method: string, handler: RequestHandler): void {
    this.requestHandlers.set(method, handler);
  }

  onNotification(method: string, handler: NotificationHandler): () => void {
    const list = this.notificationHandlers.get(method) ?? [];
    list.push(handler);
    this.notificationHandlers.set(method, list);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Feed bytes read from the peer. */
  feed(chunk: Buffer | string): void {
    for (const frame of this.decoder.push(chunk)) {
      if (frame.kind === 'message') {
        this.dispatch(frame.value);
        continue;
      }
      this.problem(`${frame.error}: ${JSON.stringify(frame.line)}`);
      if (this.opts.answerGarbage) this.send(failure(null, ErrorCodes.ParseError, frame.error));
    }
  }

  /** The peer's stream ended or the peer died: pending requests fail, running handlers are aborted. */
  close(reason: string): void {
    if (this.closedReason !== null) return;
    for (const frame of this.decoder.end()) {
      if (frame.kind === 'message') this.dispatch(frame.value);
    }
    this.closedReason = reason;
    for (const [, p] of this.pending) {
      p.cleanup();
      p.reject(new ConnectionClosedError(`${p.method} failed: ${reason}`));
    }
    this.pending.clear();
    for (const [, c] of this.incoming) c.abort();
    this.incoming.clear();
  }

  notify(method: string, params?: unknown): void {
    if (this.closedReason !== null) return;
    this.write(encodeMessage(notification(method, params)));
  }

  /**
   * Sends a request. When `signal` aborts, `$/cancelRequest` goes to the peer and the promise still
   * settles with the peer's answer (normally a RequestCancelled error), so the caller learns when the
   * work really stopped. With `timeoutMs`, a request still unanswered by then is cancelled at the peer
   * and rejects with RequestTimeoutError (a late answer is then reported as for an unknown id).
   */
  request(method: string, params?: unknown, signal?: AbortSignal, onId?: (id: RequestId) => void, timeoutMs?: number): Promise<unknown> {
    if (this.closedReason !== null) return Promise.reject(new ConnectionClosedError(`${method} failed: ${this.closedReason}`));
    const id = this.nextId++;
    onId?.(id);
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => this.notify('$/cancelRequest', { id });
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              if (!this.pending.has(id)) return;
              this.pending.delete(id);
              cleanup();
              this.notify('$/cancelRequest', { id });
              reject(new RequestTimeoutError(method, id, timeoutMs));
            }, timeoutMs);
      const cleanup = () => {
        signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
      };
      this.pending.set(id, { method, resolve, reject, cleanup });
      this.write(encodeMessage(request(id, method, params)));
      if (signal) {
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  private problem(message: string): void {
    this.opts.onProblem?.(message);
  }

  private dispatch(value: unknown): void {
    const c = classify(value);
    switch (c.kind) {
      case 'invalid':
        this.problem(`invalid JSON-RPC message: ${c.error}`);
        if (c.id !== null) this.send(failure(c.id, ErrorCodes.InvalidRequest, c.error));
        return;
      case 'response':
        return this.onResponse(c.msg);
      case 'notification':
        if (c.msg.method === '$/cancelRequest') {
          const p = checkCancel(c.msg.params);
          if (p.ok) this.incoming.get(p.value.id)?.abort();
          else this.problem(p.error);
          return;
        }
        for (const h of this.notificationHandlers.get(c.msg.method) ?? []) {
          try {
            h(c.msg.params);
          } catch (e) {
            this.problem(`notification handler for ${c.msg.method} threw: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        return;
      case 'request':
        void this.onRequestMessage(c.msg);
        return;
    }
  }

  private onResponse(msg: RpcResponse): void {
    const p = msg.id === null ? undefined : this.pending.get(msg.id);
    if (!p) {
      this.problem(`response for unknown request id ${JSON.stringify(msg.id)}`);
      return;
    }
    this.pending.delete(msg.id as RequestId);
    p.cleanup();
    if ('error' in msg) p.reject(new RpcError(msg.error.code, msg.error.message, msg.error.data));
    else p.resolve(msg.result);
  }

  private async onRequestMessage(msg: RpcRequest): Promise<void> {
    const handler = this.requestHandlers.get(msg.method);
    if (!handler) {
      this.send(failure(msg.id, ErrorCodes.MethodNotFound, `unknown method '${msg.method}'`));
      return;
    }
    if (this.incoming.has(msg.id)) {
      this.send(failure(msg.id, ErrorCodes.InvalidRequest, `request id ${JSON.stringify(msg.id)} is already in use`));
      return;
    }
    const controller = new AbortController();
    this.incoming.set(msg.id, controller);
    try {
      const result = await handler(msg.params, { id: msg.id, signal: controller.signal });
      this.send(success(msg.id, result));
    } catch (e) {
      if (e instanceof RpcError) this.send(failure(msg.id, e.code, e.message, e.data));
      else this.send(failure(msg.id, ErrorCodes.InternalError, e instanceof Error ? e.message : String(e)));
    } finally {
      this.incoming.delete(msg.id);
    }
  }

  private send(msg: unknown): void {
    if (this.closedReason !== null) return;
    this.write(encodeMessage(msg));
  }
}
