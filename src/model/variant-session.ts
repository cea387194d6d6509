// The session of one inference-graph variant (bare or adapted, at one precision, for one provider
// layout): read from the graph cache when there, else built from the checkpoint. A small graph is
// serialised in memory and its cache file written in the background; a large one (over
// `externalAbove` bytes of initializers, or over the 2 GiB an in-memory model can hold) is written
// with its weights as ONNX external data, one initializer at a time, and the session is created from
// the files, so the process never holds the checkpoint, the graph's weights and ORT's copy at once.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { int8WeightMax } from '../runtime/int8-range';
import { createSession, type ModelSession, type SessionOptions } from '../runtime/ort';
import { collectGarbage } from '../train/memory';
import type { ModelConfig } from './config';
import type { AdapterSlots, DecoderGraph } from './family';
import { findCachedGraph, graphCacheKey, storeCachedGraphAsync, storeCachedGraphExternal } from './graph-cache';
import { buildInferenceGraph, inferenceGraphNames, INFERENCE_OPSET, INT4_BUILD_DEFAULTS, kvCarry, materialize, type MatmulLayout, type Quantize, type WeightSource } from './inference';
import { initializerBytes, modelBytes, ONNX_PROTO_LIMIT, writeModelExternal } from './onnx-bytes';

/** Graphs whose initializers exceed this go through external data files by default (memory, not only the 2 GiB limit). */
export const EXTERNAL_DATA_ABOVE = 256 * 2 ** 20;

export interface VariantRequest {
  dir: string;
  cfg: ModelConfig;
  slots: AdapterSlots;
  bare: boolean;
  quantize: Quantize;
  layout: MatmulLayout;
  session: Pick<SessionOptions, 'provider' | 'threads'>;
  /** Use and fill the graph cache (default true). */
  cache: boolean;
  /** Initializer bytes above which the graph is written with external data (default EXTERNAL_DATA_ABOVE). */
  externalAbove?: number;
  /** The checkpoint's tensors, read only when the graph is built. */
  weights: () => WeightSource;
}

export interface VariantSession {
  session: ModelSession;
  graph: DecoderGraph;
  /** The background cache write of an in-memory graph (awaited on dispose). */
  write?: Promise<unknown>;
}

/** Names the cache file of a variant: the precision (int8's weight range, int4's blocks) and bare/adapted. */
export function variantName(quantize: Quantize, layout: MatmulLayout, bare: boolean): string {
  const q4 = INT4_BUILD_DEFAULTS;
  const precision =
    quantize === 'none' ? (layout === 'standard' ? 'f32mm_resident' : 'f32')
    : quantize === 'int8' ? `int8_${int8WeightMax()}` // int8 graphs depend on the CPU's weight range (runtime/int8-range.ts)
    : `int4_b${q4.blockSize}${q4.asymmetric ? 'a' : 's'}_l${q4.accuracyLevel}`;
  return `${precision}${bare ? '_bare' : ''}`;
}

export async function openVariantSession(req: VariantRequest): Promise<VariantSession> {
  const { dir, cfg, slots, quantize, layout } = req;
  const key = graphCacheKey(dir, cfg, slots, variantName(quantize, layout, req.bare));
  const cached = req.cache ? findCachedGraph(dir, key) : undefined;
  if (cached) {
    try {
      const graph = inferenceGraphNames(cfg, slots, 'last', layout);
      return { session: await createSession(cached, { ...req.session, carry: kvCarry(graph) }), graph };
    } catch {
      // a damaged cache file (or its data file gone): rebuild below
    }
  }
  let ig: ReturnType<typeof buildInferenceGraph> | undefined = buildInferenceGraph(cfg, req.weights(), slots, 'last', quantize, layout);
  const graph = ig.graph;
  const size = initializerBytes(ig.g);
  if (size <= (req.externalAbove ?? EXTERNAL_DATA_ABOVE) && size < ONNX_PROTO_LIMIT - 64 * 2 ** 20) {
    materialize(ig);
    const bytes = modelBytes(ig.g, { opset: INFERENCE_OPSET });
    ig = undefined;
    const session = await createSession(bytes, { ...req.session, carry: kvCarry(graph) });
    return { session, graph, write: req.cache ? storeCachedGraphAsync(dir, key, bytes) : undefined };
  }
  const write = (files: { graph: string; data: string; location: string }) => writeModelExternal(ig!.g, ig!.lazy, files, { opset: INFERENCE_OPSET, afterLarge: collectGarbage });
  let file = req.cache ? storeCachedGraphExternal(dir, key, write) : undefined;
  let scratch: string | undefined;
  if (!file) {
    // no cache (or no writable place for it): the files live only as long as session creation needs them
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-graph-'));
    file = path.join(scratch, 'decoder.onnx');
    write({ graph: file, data: `${file}.data`, location: 'decoder.onnx.data' });
  }
  ig = undefined;
  collectGarbage(); // the graph IR and any tensor read are garbage now: free them before ORT allocates
  try {
    return { session: await createSession(file, { ...req.session, carry: kvCarry(graph) }), graph };
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}
