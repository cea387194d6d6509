// The WebGPU execution provider (Dawn over Vulkan) on a machine without a GPU: Mesa 25's lavapipe, which
// scripts/ci/install-vulkan-lavapipe.sh unpacks into .cache/vulkan/ (CI runs it from .ci/run). The tiny
// model runs on WebGPU and on CPU, each in a child process (helpers/provider-run.ts) started with that
// driver's environment: logits of a prefill and of KV-cache decode steps within a tolerance, equal greedy
// tokens, adapter swaps, and every compute node placed on WebGPU (ORT's verbose log, from the child's
// stderr). Without the driver the tests fail with the command that installs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { adapterPath, makeTinyAdapter, makeTinyModel } from './helpers/tiny-model';

const ROOT = path.resolve(__dirname, '../..');
const VULKAN_ENV = path.join(ROOT, '.cache/vulkan/env.sh');
const INSTALL = 'bash scripts/ci/install-vulkan-lavapipe.sh';
/** WebGPU vs CPU logits, f32: 1.5e-6 measured on lavapipe; the bound leaves room for other drivers. */
const LOGIT_TOLERANCE = 1e-4;

type Logits = Record<'base' | 'lora' | 'ia3' | 'baseAgain', number[][]>;
interface RunResult {
  provider: string;
  note: string | null;
  engineProvider: string;
  kvLocation: string | null;
  logits: Logits;
  greedy: Record<string, string>;
}

/** Runs provider-run.ts on `provider` with the lavapipe environment sourced. */
function runChild(provider: 'webgpu' | 'cpu', modelDir: string): { json: RunResult; stderr: string } {
  assert.ok(fs.existsSync(VULKAN_ENV), `no software Vulkan driver in .cache/vulkan: run \`${INSTALL}\` from ${ROOT} first`);
  const script = path.join(__dirname, 'helpers/provider-run.ts');
  const r = spawnSync('bash', ['-c', `. "${VULKAN_ENV}" && exec "${process.execPath}" --import tsx "${script}" ${provider} "${modelDir}"`], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // lavapipe compiles each shader with LLVM: ~100 s on a cold shader cache (.cache/vulkan/shader-cache, 2 MB), ~3 s warm
    timeout: 400_000,
  });
  assert.equal(r.status, 0, `provider-run ${provider} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return { json: JSON.parse(r.stdout), stderr: r.stderr };
}

/**
 * ORT's node placement (verbose log): provider → node count and ["OpType (node name)", ...]. With
 * several providers ORT lists each one's nodes; with one it writes only "All nodes placed on [X]. Number of nodes: N".
 */
function placements(log: string): Map<string, { count: number; nodes: string[] }> {
  const out = new Map<string, { count: number; nodes: string[] }>();
  let current: string[] | undefined;
  for (const line of log.split('\n')) {
    const at = line.indexOf('VerifyEachNodeIsAssignedToAnEp]');
    if (at < 0) continue;
    const text = line.slice(at + 'VerifyEachNodeIsAssignedToAnEp]'.length);
    const head = /placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(text);
    if (head) out.set(head[1], { count: Number(head[2]), nodes: (current = []) });
    else if (current && /^\s{3}\S/.test(text)) current.push(text.trim());
  }
  return out;
}

function maxDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  a.forEach((row, i) => {
    assert.equal(row.length, b[i].length);
    row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j]))));
  });
  return m;
}

// ONNX Runtime keeps shape arithmetic on the CPU whatever the provider ("ORT explicitly assigns shape
// related ops to CPU"): here the int32 lengths GroupQueryAttention reads (seqlens_k, total_sequence_length)
// from past_length and the input's shape. Seen with ORT 1.30: Add, Squeeze, Cast, Sub, Shape, Expand, Cast.
const SHAPE_OPS_ON_CPU = new Set(['Add', 'Cast', 'Expand', 'Shape', 'Squeeze', 'Sub']);

describe('WebGPU execution provider (software Vulkan) against CPU', function () {
  this.timeout(600_000);
  let tmp: string;
  let webgpu: { json: RunResult; stderr: string };
  let cpu: { json: RunResult; stderr: string };
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-webgpu-'));
    const m = makeTinyModel(path.join(tmp, 'tiny'));
    makeTinyAdapter(adapterPath(m.dir, 'lora'), m.cfg, 'LORA');
    makeTinyAdapter(adapterPath(m.dir, 'ia3'), m.cfg, 'IA3');
    makeTinyAdapter(adapterPath(m.dir, 'prompt'), m.cfg, 'PROMPT_TUNING');
    webgpu = runChild('webgpu', m.dir);
    cpu = runChild('cpu', m.dir);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('runs on WebGPU without falling back (session and engine)', () => {
    assert.equal(webgpu.json.provider, 'webgpu', `the session fell back: ${webgpu.json.note}`);
    // lavapipe is the only driver here: the explicit choice stands, and the note says it is a software one
    assert.match(webgpu.json.note ?? '', /^WebGPU requested: WebGPU runs on only a software Vulkan driver, lavapipe \(Mesa, on the CPU\), slower than the CPU provider; running on WebGPU$/);
    assert.equal(webgpu.json.engineProvider, 'webgpu');
    assert.equal(cpu.json.provider, 'cpu');
  });

  it('places every compute node of the adapted decode graph on WebGPU (only shape arithmetic on CPU)', () => {
    const placed = placements(webgpu.stderr);
    assert.ok(placed.has('WebGpuExecutionProvider'), 'no node placement in the verbose log');
    const gpu = placed.get('WebGpuExecutionProvider')!.nodes;
    const onCpu = placed.get('CPUExecutionProvider')?.nodes ?? [];
    const ops = (nodes: string[]) => nodes.map((n) => n.split(' ')[0]);
    assert.deepEqual(ops(onCpu).filter((op) => !SHAPE_OPS_ON_CPU.has(op)), [], `compute nodes on CPU: ${onCpu.join(', ')}`);
    assert.ok(onCpu.length <= 7, `${onCpu.length} nodes on CPU: ${onCpu.join(', ')}`);
    // base and adapter matrix products, attention, rotary embedding, norms, activation, embedding
    for (const op of ['MatMul', 'GroupQueryAttention', 'RotaryEmbedding', 'ReduceMean', 'QuickGelu', 'Gather'])
      assert.ok(ops(gpu).includes(op), `${op} not on WebGPU: ${gpu.join(', ')}`);
    assert.ok(!ops(gpu).includes('FusedMatMul'), 'the WebGPU layout uses standard MatMul');
    // the CPU run used one provider only
    assert.deepEqual([...placements(cpu.stderr).keys()], ['CPUExecutionProvider']);
  });

  it('keeps the KV cache in GPU memory between decode steps (fed back by the session, never copied to the host)', () => {
    assert.equal(webgpu.json.kvLocation, 'gpu-buffer');
    assert.equal(cpu.json.kvLocation, null, 'the CPU layout (fused) keeps its cache in host arrays');
  });

  it('prefill and KV-cache decode logits match CPU, with and without adapters (swapped by feeds)', () => {
    for (const k of ['base', 'lora', 'ia3', 'baseAgain'] as const) {
      assert.equal(webgpu.json.logits[k].length, 7, 'a prefill and 6 decode steps');
      const d = maxDiff(webgpu.json.logits[k], cpu.json.logits[k]);
      assert.ok(d < LOGIT_TOLERANCE, `${k}: WebGPU and CPU logits differ by ${d}`);
    }
    // the adapters change the output, and swapping back restores the base exactly
    assert.ok(maxDiff(webgpu.json.logits.base, webgpu.json.logits.lora) > 1e-2);
    assert.ok(maxDiff(webgpu.json.logits.base, webgpu.json.logits.ia3) > 1e-2);
    assert.equal(maxDiff(webgpu.json.logits.base, webgpu.json.logits.baseAgain), 0);
  });

  it('the engine generates the same greedy text on WebGPU as on CPU, across adapter swaps', () => {
    assert.deepEqual(webgpu.json.greedy, cpu.json.greedy);
    const g = cpu.json.greedy;
    assert.equal(g.base, g.baseAgain);
    assert.ok(g.lora !== g.base || g.ia3 !== g.base || g.prompt !== g.base, `adapters changed nothing: ${JSON.stringify(g)}`);
  });
});
