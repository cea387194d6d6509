// The pipeline's model over the sidecar's `generate` request: used by `testtune generate --sidecar`
// and the extension's model bridge, so both send the same protocol parameters. A cancelled request
// comes back as its partial result with stopReason 'cancelled' (the sidecar's RequestCancelled data).
import type { GenerateResult } from '../model/engine-api';
import type { CancellationToken } from '../sidecar/cancellation';
import { ErrorCodes, RpcError, type GenerateParams } from '../sidecar/protocol';
import { engineOptions, type GenerateCall, type TestGenerator } from './generator';

/** The protocol's `generate` params for one pipeline call. */
export function generateParams(prompt: string, call: GenerateCall): GenerateParams {
  return { context: prompt, ...engineOptions(call), ...(call.adapter === undefined ? {} : { adapter: call.adapter }) };
}

/** A CancellationToken that follows an AbortSignal (the sidecar client's cancellation shape). */
export function signalToken(signal: AbortSignal | undefined): CancellationToken | undefined {
  if (!signal) return undefined;
  return {
    get isCancellationRequested() {
      return signal.aborted;
    },
    onCancellationRequested(listener: () => void) {
      if (signal.aborted) {
        queueMicrotask(listener);
        return { dispose() {} };
      }
      signal.addEventListener('abort', listener, { once: true });
      return { dispose: () => signal.removeEventListener('abort', listener) };
    },
  };
}

interface GenerateClient {
  generate(params: GenerateParams, opts: { token?: CancellationToken; onPartial?: (delta: string) => void }): Promise<GenerateResult>;
}

export function sidecarGenerator(client: GenerateClient): TestGenerator {
  return {
    async generate(prompt, call) {
      try {
        return await client.generate(generateParams(prompt, call), { token: signalToken(call.signal), onPartial: call.onText });
      } catch (e) {
        if (e instanceof RpcError && e.code === ErrorCodes.RequestCancelled && e.data) return e.data as GenerateResult;
        throw e;
      }
    },
  };
}
