// Child process of webgpu.test.ts: runs the tiny model on one execution provider and prints JSON on
// stdout. A child because ORT writes its verbose node placement to the process's stderr, and because the
// Vulkan loader and lavapipe are found through LD_LIBRARY_PATH, which is read only when a process starts.
// argv: <provider webgpu|cpu> <model dir with adapters/lora, adapters/ia3 and adapters/prompt>
// Output: the session's provider and note; where the KV cache lived (the session carries it: 'gpu-buffer'
// on WebGPU); logits of a prefill and 6 greedy KV-cache decode steps without
// an adapter, with LoRA, with (IA)³ and without again (adapter swaps by feeds on one session); the engine's
// greedy text for the same sequence of adapters and a soft prompt.
import { loadAdapterDir } from '../../../src/model/adapters';
import { loadEngine, loadModelFiles } from '../../../src/model/engine';
import { family, type AdapterWeights } from '../../../src/model/family';
import { buildInferenceModel, kvCarry, KvRunner, matmulLayoutFor } from '../../../src/model/inference';
import { createSession } from '../../../src/runtime/ort';
import { adapterPath } from './tiny-model';

const PROMPT_TEXT = 'public void testAdd() {';
const DECODE_STEPS = 6;

async function main(provider: 'webgpu' | 'cpu', modelDir: string): Promise<void> {
  const { cfg, weights } = loadModelFiles(modelDir);
  const known = family(cfg).modules(cfg).map((m) => m.short);
  const lora = loadAdapterDir(adapterPath(modelDir, 'lora'), cfg, known);
  const ia3 = loadAdapterDir(adapterPath(modelDir, 'ia3'), cfg, known);
  // The adapted decode graph (LoRA and (IA)³ inputs) in the provider's layout.
  const { bytes, graph } = buildInferenceModel(cfg, weights, { lora: lora.slots.lora, ia3: ia3.slots.ia3 }, 'last', 'none', matmulLayoutFor(provider));
  // A verbose session only to log the placement (a verbose run would log every kernel launch).
  await (await createSession(bytes, { provider, threads: 1, logSeverityLevel: 0 })).release();
  const session = await createSession(bytes, { provider, threads: 1, carry: kvCarry(graph) });
  const runner = new KvRunner(session, cfg, graph, 64);
  const decode = async (adapter: AdapterWeights | undefined): Promise<number[][]> => {
    runner.setAdapter(adapter);
    const steps = [Array.from(await runner.step(Array.from(Buffer.from(PROMPT_TEXT))))];
    for (let i = 0; i < DECODE_STEPS; i++) steps.push(Array.from(await runner.step([argmax(steps[steps.length - 1])])));
    return steps;
  };
  const logits = {
    base: await decode(undefined),
    lora: await decode(lora.spec.weights),
    ia3: await decode(ia3.spec.weights),
    baseAgain: await decode(undefined),
  };
  const kvLocation = session.carriedLocation() ?? null; // where the decode steps kept the KV cache
  await session.release();

  // The engine end to end (its own graph build and provider choice): greedy text, adapter swaps and back.
  const engine = await loadEngine(modelDir, { provider, threads: 1, cache: false });
  const text = async (adapter: string | null) => (await engine.generate(PROMPT_TEXT, { maxNewTokens: 12, adapter, stopWhenBalanced: false })).text;
  const greedy = { base: await text(null), lora: await text('lora'), ia3: await text('ia3'), prompt: await text('prompt'), baseAgain: await text(null) };
  const status = engine.status();
  await engine.dispose();
  process.stdout.write(JSON.stringify({ provider: session.provider, note: session.note ?? null, engineProvider: status.provider, kvLocation, logits, greedy }));
}

function argmax(v: number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

main(process.argv[2] as 'webgpu' | 'cpu', process.argv[3]).catch((e) => {
  process.stderr.write(`provider-run: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
