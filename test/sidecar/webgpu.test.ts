// The WebGPU execution provider (Dawn over Vulkan) on a machine without a GPU: Mesa 25's lavapipe, which
// scripts/ci/install-vulkan-lavapipe.sh unpacks into .cache/vulkan/ (CI runs it from .ci/run). Each case
// runs in a child process (helpers/provider-run.ts) started with that driver's environment, and reads
// ORT's verbose node placement from the child's stderr. Without the driver the tests fail with the
// command that installs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { adapterPath, makeTinyAdapter, makeTinyModel } from './helpers/tiny-model';

const ROOT = path.resolve(__dirname, '../..');
const VULKAN_ENV = path.join(ROOT, '.cache/vulkan/env.sh');
const INSTALL = 'bash scripts/ci/install-vulkan-lavapipe.sh';

interface ChildRun {
  json: { provider: string; note: string | null };
  stderr: string;
}

/** Runs provider-run.ts on `provider` with the lavapipe environment sourced. */
function runChild(provider: 'webgpu' | 'cpu', modelDir: string): ChildRun {
  assert.ok(fs.existsSync(VULKAN_ENV), `no software Vulkan driver in .cache/vulkan: run \`${INSTALL}\` from ${ROOT} first`);
  const script = path.join(__dirname, 'helpers/provider-run.ts');
  const r = spawnSync('bash', ['-c', `. "${VULKAN_ENV}" && exec "${process.execPath}" --import tsx "${script}" ${provider} "${modelDir}"`], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 90_000,
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

// ONNX Runtime places these shape computations (int64/int32 lengths for GroupQueryAttention's seqlens_k and
// total_sequence_length, from the past's shape) on the CPU on purpose, whatever the provider: they are
// a few scalars, and their consumers read them on the host.
// Seen with ORT 1.30 on the tiny model: Add, Squeeze, Cast, Sub, Shape, Expand, Cast (7 nodes).
const SHAPE_OPS_ON_CPU = new Set(['Add', 'Cast', 'Expand', 'Shape', 'Squeeze', 'Sub']);

describe('WebGPU execution provider (software Vulkan)', function () {
  this.timeout(120_000);
  let tmp: string;
  let modelDir: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-webgpu-'));
    const m = makeTinyModel(path.join(tmp, 'tiny'));
    makeTinyAdapter(adapterPath(m.dir, 'lora'), m.cfg, 'LORA');
    makeTinyAdapter(adapterPath(m.dir, 'ia3'), m.cfg, 'IA3');
    modelDir = m.dir;
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('places every compute node of the adapted decode graph on WebGPU (only ORT\'s shape arithmetic on CPU)', () => {
    const { json, stderr } = runChild('webgpu', modelDir);
    assert.equal(json.provider, 'webgpu', `the session fell back: ${json.note}`);
    assert.equal(json.note, null);
    const placed = placements(stderr);
    const gpu = placed.get('WebGpuExecutionProvider')?.nodes ?? [];
    const cpu = placed.get('CPUExecutionProvider')?.nodes ?? [];
    const ops = (nodes: string[]) => nodes.map((n) => n.split(' ')[0]);
    assert.ok(placed.has('WebGpuExecutionProvider'), 'no node placement in the verbose log');
    assert.deepEqual(ops(cpu).filter((op) => !SHAPE_OPS_ON_CPU.has(op)), [], `compute nodes on CPU: ${cpu.join(', ')}`);
    assert.ok(cpu.length <= 7, `${cpu.length} nodes on CPU: ${cpu.join(', ')}`);
    // the base weights' and the adapters' matrix products, attention, rotary embedding, norms, activations
    for (const op of ['MatMul', 'GroupQueryAttention', 'RotaryEmbedding', 'ReduceMean', 'QuickGelu', 'Gather'])
      assert.ok(ops(gpu).includes(op), `${op} not on WebGPU: ${gpu.join(', ')}`);
    assert.ok(!ops(gpu).includes('FusedMatMul') && !ops(cpu).includes('FusedMatMul'), 'the WebGPU layout uses standard MatMul');
    assert.ok(gpu.length >= 100, `${gpu.length} nodes on WebGPU`);
  });

  it('the CPU provider runs the fused layout with every node on CPU', () => {
    const { json, stderr } = runChild('cpu', modelDir);
    assert.equal(json.provider, 'cpu');
    const placed = placements(stderr);
    assert.deepEqual([...placed.keys()], ['CPUExecutionProvider']);
    assert.ok(placed.get('CPUExecutionProvider')!.count >= 70, `${placed.get('CPUExecutionProvider')!.count} nodes`);
  });
});
