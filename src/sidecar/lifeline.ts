// The sidecar's lifeline to its host: it must not outlive the process that started it. Three signs that
// the host is gone, any one enough: stdin ends (or errors), a write to stdout or stderr fails (EPIPE:
// the reader is gone), or the parent process id changes (the host was killed and this process was
// re-parented; seen when the host dies while stdin's end has not been noticed yet).
//
// The log is part of it. Logging to a stderr whose reader is gone used to fail with EPIPE, the error
// reached `uncaughtException`, whose handler logged to stderr again: an endless chain of failing writes
// on process.nextTick that starved the timers, so the exit never came and the process spun at 50–90%
// CPU. Here a failed stderr is marked dead and never written again, and a broken pipe is a reason to go.

export type LostReason = 'stdin closed' | 'stdin error' | 'stdout closed' | 'stderr closed' | 'parent gone';

export interface LifelineOptions {
  /** Called once, with the first sign that the host is gone. */
  onLost(reason: LostReason): void;
  /** How often the parent process id is checked (ms). */
  parentPollMs?: number;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Errors that mean "the other end of this pipe is gone". */
export function isBrokenPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

export class Lifeline {
  private lost = false;
  private stderrDead = false;
  private readonly timer: NodeJS.Timeout;
  private readonly parentPid = process.ppid;

  constructor(private readonly opts: LifelineOptions) {
    const stdin = opts.stdin ?? process.stdin;
    const stdout = opts.stdout ?? process.stdout;
    const stderr = opts.stderr ?? process.stderr;
    stdin.on('end', () => this.lose('stdin closed'));
    stdin.on('close', () => this.lose('stdin closed'));
    stdin.on('error', () => this.lose('stdin error'));
    stdout.on('error', () => this.lose('stdout closed'));
    stderr.on('error', () => {
      this.stderrDead = true;
      this.lose('stderr closed');
    });
    // Re-parenting (to init or a subreaper) is the only sign left when the host was SIGKILLed while this
    // process's stdin is held open by someone else (a grandchild that inherited it, say).
    this.timer = setInterval(() => {
      if (process.ppid !== this.parentPid) this.lose('parent gone');
    }, opts.parentPollMs ?? 200);
    this.timer.unref();
  }

  /** True once the host is known to be gone. */
  get isLost(): boolean {
    return this.lost;
  }

  /** Writes a log line to stderr unless stderr is gone; never throws. */
  log(line: string): void {
    if (this.stderrDead) return;
    const stderr = this.opts.stderr ?? process.stderr;
    try {
      stderr.write(line);
    } catch {
      this.stderrDead = true;
      this.lose('stderr closed');
    }
  }

  /** An error that reached `uncaughtException`: a broken pipe means the host is gone. */
  handleUncaught(e: unknown): boolean {
    if (!isBrokenPipe(e)) return false;
    this.stderrDead = true;
    this.lose('stderr closed');
    return true;
  }

  private lose(reason: LostReason): void {
    if (this.lost) return;
    this.lost = true;
    clearInterval(this.timer);
    this.opts.onLost(reason);
  }
}
