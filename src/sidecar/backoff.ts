// Restart policy of the sidecar host: exponential backoff between restarts after crashes, a cap on
// consecutive restarts, and a reset once a process has stayed up long enough. Pure logic with an
// injectable clock, so it is tested without timers.

export interface BackoffOptions {
  initialMs: number; // delay before the first restart
  factor: number; // growth per consecutive crash
  maxMs: number; // ceiling of one delay
  maxRestarts: number; // consecutive restarts before giving up
  resetAfterMs: number; // a process that ran this long counts as healthy: the streak starts over
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, factor: 2, maxMs: 30_000, maxRestarts: 5, resetAfterMs: 60_000 };

/** Delay before restart number `attempt` (0-based): initialMs · factor^attempt, capped at maxMs. */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  return Math.min(o.maxMs, Math.round(o.initialMs * Math.pow(o.factor, Math.max(0, attempt))));
}

export class RestartPolicy {
  private streak = 0; // crashes since the last healthy run
  private startedAt: number | null = null;
  readonly options: BackoffOptions;

  constructor(options: Partial<BackoffOptions> = {}, private readonly now: () => number = Date.now) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
  }

  /** A process was started. */
  started(): void {
    this.startedAt = this.now();
  }

  /** A process crashed: the delay before the next restart, or null to give up. */
  crashed(): number | null {
    const ranFor = this.startedAt === null ? 0 : this.now() - this.startedAt;
    this.startedAt = null;
    if (ranFor >= this.options.resetAfterMs) this.streak = 0;
    if (this.streak >= this.options.maxRestarts) return null;
    return backoffDelay(this.streak++, this.options);
  }

  /** Consecutive crashes counted so far. */
  get consecutiveCrashes(): number {
    return this.streak;
  }

  /** An explicit start by the user: forget the streak. */
  reset(): void {
    this.streak = 0;
    this.startedAt = null;
  }
}
