// The execution-provider decision table (src/runtime/provider-choice.ts) over stated machine facts, and
// the Vulkan driver manifests it reads them from (src/runtime/vulkan-drivers.ts) in a temporary folder.
// The probes themselves (a child process asking Dawn for an adapter) are in test/sidecar/webgpu-auto.test.ts.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseProvider, CUDA_MISSING, type AdapterProbe, type ProviderFacts } from '../../src/runtime/provider-choice';
import { findVulkanDrivers, icdSearchPaths, softwareDriverName } from '../../src/runtime/vulkan-drivers';

const NO_DRIVER: AdapterProbe = { found: false, why: 'Failed to get a WebGPU adapter: No supported adapters' };
const LAVAPIPE = 'lavapipe (Mesa, on the CPU)';

/** Facts as data; `asked` records which were consulted (the probes cost a child process). */
function facts(f: { cuda?: boolean; hardware?: AdapterProbe; any?: AdapterProbe; software?: string[] }): ProviderFacts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    cudaLibrary: () => (asked.push('cuda'), f.cuda ?? false),
    hardwareWebgpu: async () => (asked.push('hardware'), f.hardware ?? NO_DRIVER),
    anyWebgpu: async () => (asked.push('any'), f.any ?? f.hardware ?? NO_DRIVER),
    softwareDrivers: () => (asked.push('software'), f.software ?? []),
  };
}

describe('runtime: execution provider decision', () => {
  it('auto: CUDA when its library is installed, without probing WebGPU', async () => {
    const f = facts({ cuda: true, hardware: { found: true } });
    assert.deepEqual(await chooseProvider('auto', f), { provider: 'cuda', skipped: [] });
    assert.deepEqual(f.asked, ['cuda']);
  });

  it('auto: a hardware WebGPU adapter after CUDA', async () => {
    assert.deepEqual(await chooseProvider('auto', facts({ hardware: { found: true }, software: [LAVAPIPE] })), { provider: 'webgpu', skipped: [CUDA_MISSING] });
  });

  it('auto: only a software driver → CPU, with a note naming the driver', async () => {
    const r = await chooseProvider('auto', facts({ hardware: { found: false, why: 'no hardware Vulkan driver is installed' }, any: { found: true }, software: [LAVAPIPE] }));
    assert.equal(r.provider, 'cpu');
    assert.deepEqual(r.skipped, [CUDA_MISSING, 'WebGPU: only a software Vulkan driver, lavapipe (Mesa, on the CPU), slower than the CPU provider (choose "webgpu" to use it anyway)']);
  });

  it('auto: no adapter at all → CPU, with the probe\'s reason', async () => {
    const r = await chooseProvider('auto', facts({}));
    assert.deepEqual(r, { provider: 'cpu', skipped: [CUDA_MISSING, `WebGPU: ${NO_DRIVER.why}`] });
  });

  it('explicit webgpu: a software adapter is used, with a remark; no adapter → CPU with the reason', async () => {
    const soft = await chooseProvider('webgpu', facts({ any: { found: true }, software: [LAVAPIPE] }));
    assert.deepEqual(soft, { provider: 'webgpu', skipped: [], remark: 'WebGPU runs on only a software Vulkan driver, lavapipe (Mesa, on the CPU), slower than the CPU provider' });
    // a GPU beside the software driver: Dawn prefers it, so no remark
    assert.deepEqual(await chooseProvider('webgpu', facts({ any: { found: true }, hardware: { found: true }, software: [LAVAPIPE] })), { provider: 'webgpu', skipped: [] });
    assert.deepEqual(await chooseProvider('webgpu', facts({})), { provider: 'cpu', skipped: [`WebGPU: ${NO_DRIVER.why}`] });
  });

  it('explicit cuda never tries WebGPU; cpu asks nothing', async () => {
    const f = facts({ hardware: { found: true } });
    assert.deepEqual(await chooseProvider('cuda', f), { provider: 'cpu', skipped: [CUDA_MISSING] });
    const c = facts({ cuda: true });
    assert.deepEqual(await chooseProvider('cpu', c), { provider: 'cpu', skipped: [] });
    assert.deepEqual([...f.asked, ...c.asked], ['cuda']);
  });
});

describe('runtime: Vulkan driver manifests', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-icd-'));
    const icd = (name: string, library: string) => fs.writeFileSync(path.join(dir, name), JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } }));
    icd('lvp_icd.x86_64.json', '/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so');
    icd('radeon_icd.x86_64.json', 'libvulkan_radeon.so');
    icd('nvidia_icd.json', 'libGLX_nvidia.so.0');
    icd('vk_swiftshader_icd.json', './libvk_swiftshader.so');
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "ICD": ');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a manifest');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('classes lavapipe and SwiftShader as software, every other driver as hardware', () => {
    assert.equal(softwareDriverName('/x/libvulkan_lvp.so'), LAVAPIPE);
    assert.equal(softwareDriverName('libvk_swiftshader.so'), 'SwiftShader (on the CPU)');
    for (const hw of ['libvulkan_radeon.so', 'libvulkan_intel.so', 'libGLX_nvidia.so.0', 'libvulkan_virtio.so', 'libvulkan_dzn.so']) assert.equal(softwareDriverName(hw), undefined, hw);
  });

  it('reads every manifest of a folder (a damaged one skipped, never thrown) and a file named directly', () => {
    const found = findVulkanDrivers([dir, path.join(dir, 'missing-folder')]);
    assert.deepEqual(
      found.map((d) => [path.basename(d.manifest), d.software ?? 'hardware']),
      [
        ['lvp_icd.x86_64.json', LAVAPIPE],
        ['nvidia_icd.json', 'hardware'],
        ['radeon_icd.x86_64.json', 'hardware'],
        ['vk_swiftshader_icd.json', 'SwiftShader (on the CPU)'],
      ],
    );
    assert.deepEqual(findVulkanDrivers([path.join(dir, 'lvp_icd.x86_64.json'), path.join(dir, 'lvp_icd.x86_64.json')]).length, 1);
  });

  it('searches where the Vulkan loader does: VK_DRIVER_FILES / VK_ICD_FILENAMES replace the default folders', () => {
    assert.deepEqual(icdSearchPaths({ VK_ICD_FILENAMES: '/a.json:/b.json' }, '/home/u'), ['/a.json', '/b.json']);
    assert.deepEqual(icdSearchPaths({ VK_DRIVER_FILES: '/d', VK_ICD_FILENAMES: '/ignored', VK_ADD_DRIVER_FILES: '/extra.json' }, '/home/u'), ['/extra.json', '/d']);
    assert.deepEqual(icdSearchPaths({}, '/home/u'), [
      '/home/u/.config/vulkan/icd.d',
      '/etc/xdg/vulkan/icd.d',
      '/etc/vulkan/icd.d',
      '/home/u/.local/share/vulkan/icd.d',
      '/usr/local/share/vulkan/icd.d',
      '/usr/share/vulkan/icd.d',
    ]);
  });
});
