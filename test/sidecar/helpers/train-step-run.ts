// Child process of webgpu-train.test.ts: one LoRA training step's graph (src/train/graph.ts: the
// train-mode decoder, the weighted cross-entropy and its backward pass) run once on one execution
// provider; prints JSON {provider, note, loss, grads, nodes} on stdout (nodes: each node's op and output
// dtype by name, so the parent can tell computation from shape arithmetic in ORT's placement log). A child because ORT writes its verbose
// node placement to the process's stderr (a first session at log level 0 logs it) and the Vulkan loader
// is found through LD_LIBRARY_PATH, read only when a process starts.
// argv: <provider webgpu|cpu> <model dir>
import { loadModelFiles } from '../../../src/model/engine';
import { normalArray, rng } from '../../../src/model/init';
import { createSession, f32, type HostTensor } from '../../../src/runtime/ort';
import { buildTrainModel, sequenceFeeds } from '../../../src/train/graph';
import { toSequence } from '../../../src/train/pack';
import { resolveRecipe } from '../../../src/train/recipe';
import { inferShapes } from '../../../src/onnx/shape-infer';

const DROPOUT = 0.1;

async function main(provider: 'webgpu' | 'cpu', modelDir: string): Promise<void> {
  const { cfg, weights } = loadModelFiles(modelDir);
  const r = resolveRecipe(cfg, { method: 'lora', loraR: 4, loraDropout: DROPOUT }).value!;
  const m = buildTrainModel(cfg, weights, r, { keepIr: true });
  const shapes = inferShapes(m.ir!).shapes;
  const nodes: Record<string, { op: string; dtype: string }> = {};
  for (const node of m.ir!.nodes) nodes[node.name] = { op: node.op, dtype: shapes.get(node.outputs[0])?.dtype ?? '?' };
  delete m.ir; // the session holds the weights from here
  // the same inputs on both providers: LoRA tensors, two packed examples, dropout masks from one seed
  const rand = rng(5);
  const feeds: Record<string, HostTensor> = {};
  for (const t of m.trainable) feeds[t.name] = f32(normalArray(t.dims.reduce((a, b) => a * b, 1), 0.3, rand), t.dims);
  const examples = [0, 1].map((e) => ({ ids: Array.from({ length: 9 + e * 3 }, () => Math.floor(rand() * 250)), promptLen: 5 }));
  Object.assign(feeds, sequenceFeeds(toSequence(examples)));
  const n = (feeds.input_ids.dims as number[])[1];
  if (m.loraScaling) feeds[m.loraScaling] = f32(Float32Array.of(2), [1]);
  for (const mk of m.masks) feeds[mk.name] = f32(Float32Array.from({ length: n * mk.inDim }, () => (rand() < 1 - DROPOUT ? 1 / (1 - DROPOUT) : 0)), [1, n, mk.inDim]);

  await (await createSession(m.bytes, { provider, threads: 1, logSeverityLevel: 0 })).release(); // placement log only
  const session = await createSession(m.bytes, { provider, threads: 1 });
  const out = await session.run(feeds);
  await session.release();
  const grads: Record<string, number[]> = {};
  for (const t of m.trainable) grads[t.name] = Array.from(out[`grad.${t.name}`].data as Float32Array);
  process.stdout.write(JSON.stringify({ provider: session.provider, note: session.note ?? null, nodes, loss: (out.loss.data as Float32Array)[0], grads }));
}

main(process.argv[2] as 'webgpu' | 'cpu', process.argv[3]).catch((e) => {
  process.stderr.write(`train-step-run: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
