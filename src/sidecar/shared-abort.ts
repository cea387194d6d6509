// An AbortSignal that a thread blocked in native code (the model worker inside `session.run`, or a
// decode loop that never yields) still sees abort: besides the usual controller.abort(), it aborts as
// soon as slot 0 of a shared Int32Array holds this job's number, checked synchronously whenever the
// signal is read. Another thread sets the slot with Atomics.store — no event-loop turn needed.

export const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get! as (this: AbortSignal) => boolean;

/**
 * An AbortSignal that also aborts as soon as `flags[0] === job`, checked synchronously whenever the
 * engine reads `signal.aborted` or calls `throwIfAborted()` — no event-loop turn needed.
 */
export function sharedAbortSignal(flags: Int32Array, job: number): { controller: AbortController; check(): boolean } {
  const controller = new AbortController();
  const signal = controller.signal;
  const check = (): boolean => {
    const aborted = abortedGetter.call(signal) as boolean;
    if (!aborted && Atomics.load(flags, 0) === job) {
      controller.abort(new Error('cancelled'));
      return true;
    }
    return aborted;
  };
  Object.defineProperty(signal, 'aborted', { get: check, configurable: true });
  const throwIfAborted = signal.throwIfAborted.bind(signal);
  Object.defineProperty(signal, 'throwIfAborted', {
    value: () => {
      check();
      throwIfAborted();
    },
    configurable: true,
  });
  return { controller, check };
}

