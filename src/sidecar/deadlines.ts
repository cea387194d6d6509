// Every request to the sidecar has a deadline, so that a response lost on the way (a stray write that
// tore its line apart, a sidecar wedged in native code) fails its request with a clear message instead
// of leaving it pending forever. Generation gets time in proportion to its token budget.
import type { RequestId } from './protocol';

/** Fixed part and per-token part of a generation's deadline: ~10× the default model's CPU speed. */
export const GENERATE_BASE_MS = 60_000;
export const GENERATE_PER_TOKEN_MS = 250;

const FIXED_MS: Record<string, number> = {
  initialize: 180_000, // loads (and may build) a model graph
  'adapters/load': 120_000,
  'adapters/select': 60_000,
  'adapters/list': 30_000,
  status: 30_000,
  shutdown: 10_000,
  'train/start': 24 * 3600_000, // a whole training run; its cancellation token ends it sooner
};
const DEFAULT_MS = 120_000;

/** The deadline of one request, in ms, from its method and params. */
export function requestDeadlineMs(method: string, params: unknown): number {
  if (method === 'generate') {
    const budget = (params as { maxNewTokens?: unknown } | undefined)?.maxNewTokens;
    const tokens = typeof budget === 'number' && Number.isFinite(budget) && budget > 0 ? budget : 1024;
    return GENERATE_BASE_MS + GENERATE_PER_TOKEN_MS * tokens;
  }
  return FIXED_MS[method] ?? DEFAULT_MS;
}

/** How long a job on a GPU may take to honour a cancel before its worker is taken for hung (one decode step takes milliseconds). */
export const HUNG_AFTER_CANCEL_MS = 5_000;

/**
 * The sidecar's own deadline for a generation on a GPU, from the client's (`GenerateParams.deadlineMs`):
 * early enough that a hung run is found (cancel, then HUNG_AFTER_CANCEL_MS) and answered before the
 * client gives up, so the answer says what happened instead of a bare timeout.
 */
export function gpuGenerateDeadlineMs(clientDeadlineMs: number): number {
  return Math.max(Math.floor(clientDeadlineMs / 2), clientDeadlineMs - HUNG_AFTER_CANCEL_MS - 2_000);
}

/**
 * How long an initialize may spend loading the model on a GPU (from when it starts) before the driver is
 * taken for hung and the model is loaded on the CPU instead: half the client's deadline, so the CPU load
 * has the other half and the answer comes before the client gives up.
 */
export function gpuLoadDeadlineMs(clientDeadlineMs: number): number {
  return Math.floor(clientDeadlineMs / 2);
}

export class RequestTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly id: RequestId,
    readonly ms: number,
  ) {
    super(`${method} (request ${id}) got no answer from the sidecar within ${(ms / 1000).toFixed(1)} s; it was cancelled (its response may have been lost, see the sidecar log)`);
    this.name = 'RequestTimeoutError';
  }
}
