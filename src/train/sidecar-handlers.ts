// The sidecar's training methods, plugged into the one protocol by declaration merging:
// `train/start` runs the training loop in the sidecar (cancel with `$/cancelRequest`: the loop stops
// before its next example and keeps the last checkpoint) and streams `train/progress` notifications.
// The sidecar registers them with `registerTrainHandlers(conn)`.
import type { RpcConnection } from '../sidecar/connection';
import { ErrorCodes, RpcError } from '../sidecar/protocol';
import { train, TrainError, type ProgressEvent } from './loop';
import { METHODS, type Method } from './recipe';

export interface TrainStartParams {
  modelDir: string;
  data: string; // JSONL with source/target
  outDir: string;
  method: Method;
  epochs?: number;
  maxSteps?: number;
  resume?: boolean;
}

export interface TrainStartResult {
  status: 'completed' | 'cancelled';
  steps: number;
  totalSteps: number;
  finalLoss: number | null;
  tokensPerSec: number;
  trainableParams: number;
  files: string[];
  reportPath: string;
}

export type TrainProgress = ProgressEvent;

declare module '../sidecar/protocol' {
  interface RequestMap {
    'train/start': { params: TrainStartParams; result: TrainStartResult };
  }
  interface NotificationMap {
    'train/progress': TrainProgress;
  }
}

/** Validates `train/start` params; a list of problems, empty when fine. */
export function checkTrainStart(p: unknown): { value?: TrainStartParams; errors: string[] } {
  const errors: string[] = [];
  if (typeof p !== 'object' || p === null) return { errors: ['params must be an object'] };
  const o = p as Record<string, unknown>;
  for (const k of ['modelDir', 'data', 'outDir'] as const) if (typeof o[k] !== 'string' || !o[k]) errors.push(`${k} must be a non-empty string`);
  if (!(METHODS as readonly unknown[]).includes(o.method)) errors.push(`method must be one of ${METHODS.join(', ')}`);
  for (const k of ['epochs', 'maxSteps'] as const)
    if (o[k] !== undefined && !(typeof o[k] === 'number' && Number.isInteger(o[k]) && (o[k] as number) > 0)) errors.push(`${k} must be a positive integer`);
  if (o.resume !== undefined && typeof o.resume !== 'boolean') errors.push('resume must be a boolean');
  return errors.length ? { errors } : { value: o as unknown as TrainStartParams, errors };
}

export function registerTrainHandlers(conn: RpcConnection, log: (msg: string) => void = () => {}): void {
  let running = false;
  conn.onRequest('train/start', async (params, ctx): Promise<TrainStartResult> => {
    const checked = checkTrainStart(params);
    if (!checked.value) throw new RpcError(ErrorCodes.InvalidParams, `train/start: ${checked.errors.join('; ')}`);
    if (running) throw new RpcError(ErrorCodes.InvalidRequest, 'train/start: a training run is already in progress');
    const p = checked.value;
    running = true;
    try {
      const res = await train({
        modelDir: p.modelDir,
        outDir: p.outDir,
        data: p.data,
        recipe: { method: p.method, epochs: p.epochs, maxSteps: p.maxSteps },
        resume: p.resume,
        signal: ctx.signal,
        onProgress: (e) => conn.notify('train/progress', e),
        log,
      });
      const r = res.report;
      return {
        status: res.status,
        steps: r.steps,
        totalSteps: r.totalSteps,
        finalLoss: r.lossCurve.at(-1)?.loss ?? null,
        tokensPerSec: r.throughput.tokensPerSec,
        trainableParams: r.trainableParams,
        files: res.files,
        reportPath: `${p.outDir}/training_report.json`,
      };
    } catch (e) {
      if (e instanceof TrainError) throw new RpcError(ErrorCodes.InvalidParams, `train/start: ${e.message}`);
      throw e;
    } finally {
      running = false;
    }
  });
}
