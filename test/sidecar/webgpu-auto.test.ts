// `auto` and the WebGPU adapter probes on a machine whose only Vulkan driver is software (Mesa 25's
// lavapipe, unpacked by scripts/ci/install-vulkan-lavapipe.sh into .cache/vulkan/, as in CI): auto
// must not take the software adapter (slower than the CPU provider) and must say so, naming the driver;
// an explicit "webgpu" takes it with a remark. The probe that tells hardware from software is real: a
// child process asking Dawn for an adapter with only the given drivers visible. The same lavapipe under a
// library name that is not a software driver's stands in for a GPU: auto then picks WebGPU. Seconds (a
// one-node graph).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const VULKAN = path.join(ROOT, '.cache/vulkan');
const INSTALL = 'bash scripts/ci/install-vulkan-lavapipe.sh';

interface Choice {
  provider: string;
  skipped: string[];
  remark?: string;
}
interface Out {
  auto: Choice;
  webgpu: Choice;
  autoSession: { provider: string; note: string | null };
  probeSoftwareOnly: { found: boolean; why?: string };
  probeNoDriver: { found: boolean; why?: string };
  probeNone: { found: boolean; why?: string };
}

/** provider-choice-run.ts in the lavapipe environment; `driverFiles` replaces the drivers the loader sees. */
function runChild(driverFiles?: string): Out {
  assert.ok(fs.existsSync(path.join(VULKAN, 'env.sh')), `no software Vulkan driver in .cache/vulkan: run \`${INSTALL}\` from ${ROOT} first`);
  const script = path.join(__dirname, 'helpers/provider-choice-run.ts');
  const icd = path.join(VULKAN, 'lvp_icd.json');
  const drivers = driverFiles ? `export VK_DRIVER_FILES="${driverFiles}" VK_ICD_FILENAMES="${driverFiles}" && ` : '';
  const r = spawnSync('bash', ['-c', `. "${VULKAN}/env.sh" && ${drivers}exec "${process.execPath}" --import tsx "${script}" "${icd}"`], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  assert.equal(r.status, 0, `provider-choice-run exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout);
}

describe('execution provider auto with only a software Vulkan driver (lavapipe)', function () {
  this.timeout(180_000);
  let out: Out;
  before(() => {
    out = runChild();
  });

  it('the child probe finds the adapter when it is given the driver, and none without one', () => {
    // proves the probe can see an adapter at all, so a "not found" below is the driver being hidden
    assert.deepEqual(out.probeSoftwareOnly, { found: true });
    assert.equal(out.probeNoDriver.found, false);
    assert.equal(out.probeNoDriver.why, 'Failed to get a WebGPU adapter: No supported adapters');
    assert.deepEqual(out.probeNone, { found: false, why: 'no hardware Vulkan driver is installed' });
  });

  it('auto takes the CPU and names the software driver', () => {
    assert.equal(out.auto.provider, 'cpu');
    assert.ok(out.auto.skipped.some((s) => /^WebGPU: only a software Vulkan driver, lavapipe/.test(s)), out.auto.skipped.join(' | '));
    assert.equal(out.autoSession.provider, 'cpu');
    assert.match(out.autoSession.note ?? '', /^auto: .*WebGPU: only a software Vulkan driver, lavapipe \(Mesa, on the CPU\), slower than the CPU provider.*; running on CPU$/);
  });

  it('an explicit webgpu takes the software adapter, with a remark naming it', () => {
    assert.equal(out.webgpu.provider, 'webgpu');
    assert.deepEqual(out.webgpu.skipped, []);
    assert.match(out.webgpu.remark ?? '', /^WebGPU runs on only a software Vulkan driver, lavapipe/);
  });
});

// The positive case without a GPU: lavapipe under a library name that is not a software driver's, which
// the check takes for hardware. It shows that auto then picks WebGPU end to end (probe, choice, session).
describe('execution provider auto with a driver it takes for hardware (lavapipe disguised)', function () {
  this.timeout(180_000);
  let tmp: string;
  let out: Out;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-icd-'));
    const icd = JSON.parse(fs.readFileSync(path.join(VULKAN, 'lvp_icd.json'), 'utf8')) as { ICD: { library_path: string } };
    const disguised = path.join(tmp, 'libvulkan_gpu.so');
    fs.symlinkSync(icd.ICD.library_path, disguised);
    icd.ICD.library_path = disguised;
    fs.writeFileSync(path.join(tmp, 'gpu_icd.json'), JSON.stringify(icd));
    out = runChild(path.join(tmp, 'gpu_icd.json'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('auto picks WebGPU, and the session runs there', () => {
    assert.deepEqual(out.auto, { provider: 'webgpu', skipped: ["CUDA: onnxruntime-node's CUDA provider library is not installed"] });
    assert.deepEqual(out.autoSession, { provider: 'webgpu', note: "auto: CUDA: onnxruntime-node's CUDA provider library is not installed; running on WebGPU" });
    assert.deepEqual(out.webgpu, { provider: 'webgpu', skipped: [] });
  });
});
