// One LoRA training step's graph (src/train/graph.ts: train-mode decoder, weighted cross-entropy, backward
// pass) on the WebGPU provider over Mesa's lavapipe (scripts/ci/install-vulkan-lavapipe.sh unpacks it into
// .cache/vulkan/, as in CI) against the CPU provider, each in a child process (helpers/train-step-run.ts):
// the loss and every LoRA gradient agree, and ORT's node placement says which computations stay on the
// CPU because ONNX Runtime 1.30's WebGPU provider has no kernel for them (docs/results.md §5.1 lists them).
// A 2-layer tiny model: ~4 s with a warm Mesa shader cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeTinyModel } from './helpers/tiny-model';

const ROOT = path.resolve(__dirname, '../..');
const VULKAN_ENV = path.join(ROOT, '.cache/vulkan/env.sh');
const INSTALL = 'bash scripts/ci/install-vulkan-lavapipe.sh';

interface StepResult {
  provider: string;
  note: string | null;
  loss: number;
  grads: Record<string, number[]>;
  nodes: Record<string, { op: string; dtype: string }>;
}

function runChild(provider: 'webgpu' | 'cpu', modelDir: string): { json: StepResult; stderr: string } {
  assert.ok(fs.existsSync(VULKAN_ENV), `no software Vulkan driver in .cache/vulkan: run \`${INSTALL}\` from ${ROOT} first`);
  const script = path.join(__dirname, 'helpers/train-step-run.ts');
  const r = spawnSync('bash', ['-c', `. "${VULKAN_ENV}" && exec "${process.execPath}" --import tsx "${script}" ${provider} "${modelDir}"`], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 400_000, // a cold Mesa shader cache compiles every shader with LLVM (~35 s measured here)
  });
  assert.equal(r.status, 0, `train-step-run ${provider} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return { json: JSON.parse(r.stdout), stderr: r.stderr };
}

/** "Op (name)" lines of the nodes ORT placed on a provider (verbose log; see webgpu.test.ts). */
function placed(log: string, provider: string): Array<{ op: string; name: string }> {
  const out: Array<{ op: string; name: string }> = [];
  let current = '';
  for (const line of log.split('\n')) {
    const at = line.indexOf('VerifyEachNodeIsAssignedToAnEp]');
    if (at < 0) continue;
    const text = line.slice(at + 'VerifyEachNodeIsAssignedToAnEp]'.length);
    const head = /placed on \[(\w+)\]/.exec(text);
    if (head) current = head[1];
    else if (current === provider) {
      const m = /^\s{3}(\w+) \((.*)\)$/.exec(text);
      if (m) out.push({ op: m[1], name: m[2] });
    }
  }
  return out;
}

/** Float results that are shape arithmetic (element counts cast to float, zeros of a shape), not computation. */
const SHAPE_DERIVED_FLOAT_OPS = new Set(['Cast', 'ConstantOfShape']);
/** Nodes ORT adds while optimising (not in our graph): shape extraction only. */
const ORT_SHAPE_OPS = new Set(['Gather', 'Shape', 'Squeeze', 'Unsqueeze', 'Concat', 'Reshape', 'Slice']);

describe('WebGPU execution provider (software Vulkan): a LoRA training step against CPU', function () {
  this.timeout(900_000);
  let tmp: string;
  let webgpu: { json: StepResult; stderr: string };
  let cpu: { json: StepResult; stderr: string };
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-webgpu-train-'));
    const m = makeTinyModel(path.join(tmp, 'tiny'), { config: { numLayers: 2 } });
    webgpu = runChild('webgpu', m.dir);
    cpu = runChild('cpu', m.dir);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('runs the training graph on WebGPU (no fallback)', () => {
    assert.equal(webgpu.json.provider, 'webgpu', `fell back: ${webgpu.json.note}`);
    assert.equal(cpu.json.provider, 'cpu');
  });

  it('gives the CPU\'s loss and LoRA gradients (measured: equal loss, gradients within 2.3e-6 of the largest)', () => {
    assert.ok(Math.abs(webgpu.json.loss - cpu.json.loss) <= 1e-5 * Math.abs(cpu.json.loss), `loss ${webgpu.json.loss} vs ${cpu.json.loss}`);
    const names = Object.keys(cpu.json.grads);
    assert.equal(names.length, 8, 'q_proj and v_proj LoRA A and B in 2 layers');
    assert.deepEqual(Object.keys(webgpu.json.grads), names);
    for (const name of names) {
      const c = cpu.json.grads[name];
      const w = webgpu.json.grads[name];
      assert.equal(w.length, c.length);
      const scale = Math.max(...c.map(Math.abs));
      assert.ok(scale > 1e-4, `${name}: the gradient is not zero`);
      const d = Math.max(...c.map((v, i) => Math.abs(v - w[i])));
      assert.ok(d <= 1e-4 * scale, `${name}: WebGPU and CPU gradients differ by ${d} (largest ${scale})`);
    }
  });

  it('leaves on the CPU only shape arithmetic and the computations WebGPU has no kernel for: LogSoftmax, Sum', () => {
    const onCpu = placed(webgpu.stderr, 'CPUExecutionProvider');
    const onGpu = placed(webgpu.stderr, 'WebGpuExecutionProvider');
    assert.ok(onGpu.length > 0, 'no node placement in the verbose log');
    const nodes = webgpu.json.nodes;
    const computed = new Set<string>();
    for (const { op, name } of onCpu) {
      const info = nodes[name];
      if (!info) assert.ok(ORT_SHAPE_OPS.has(op), `${op} (${name}), a node ORT added, is on the CPU`);
      else if (info.dtype === 'float32' && !SHAPE_DERIVED_FLOAT_OPS.has(op)) computed.add(op);
    }
    // If ONNX Runtime gains these kernels, this changes: update the list in docs/results.md §5.1.
    assert.deepEqual([...computed].sort(), ['LogSoftmax', 'Sum'], `float computations on the CPU: ${[...computed].join(', ')}`);
    // the heavy parts run on the GPU, forward and backward
    const gpuOps = new Set(onGpu.map((n) => n.op));
    for (const op of ['MatMul', 'Softmax', 'Mul', 'ReduceSum', 'Transpose']) assert.ok(gpuOps.has(op), `${op} not on WebGPU`);
  });
});
