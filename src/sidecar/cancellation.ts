// Cancellation tokens without VS Code: the same shape as `vscode.CancellationToken`, so the extension
// passes its tokens straight through, and the CLI and tests use CancellationTokenSource.

export interface Disposable {
  dispose(): void;
}

export interface CancellationToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): Disposable;
}

class SourceToken implements CancellationToken {
  cancelled = false;
  readonly listeners = new Set<() => void>();

  get isCancellationRequested(): boolean {
    return this.cancelled;
  }

  onCancellationRequested(listener: () => void): Disposable {
    if (this.cancelled) {
      queueMicrotask(listener);
      return { dispose() {} };
    }
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}

export class CancellationTokenSource {
  private readonly t = new SourceToken();
  readonly token: CancellationToken = this.t;

  cancel(): void {
    if (this.t.cancelled) return;
    this.t.cancelled = true;
    const listeners = [...this.t.listeners];
    this.t.listeners.clear();
    for (const l of listeners) l();
  }
}

/** An AbortSignal that aborts when the token is cancelled, plus a disposer for the subscription. */
export function tokenToSignal(token: CancellationToken | undefined): { signal?: AbortSignal; dispose(): void } {
  if (!token) return { dispose() {} };
  const c = new AbortController();
  if (token.isCancellationRequested) {
    c.abort();
    return { signal: c.signal, dispose() {} };
  }
  const sub = token.onCancellationRequested(() => c.abort());
  return { signal: c.signal, dispose: () => sub.dispose() };
}
