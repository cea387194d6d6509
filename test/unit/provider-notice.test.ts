// How a missing execution provider reaches the user: log and tooltip always, a toast only for an
// explicit `testtune.executionProvider: cuda`.
import { strict as assert } from 'node:assert';
import { describeStatus, providerNotice } from '../../src/extension/status-text';

const NOTE = "auto: CUDA: onnxruntime-node's CUDA provider library is not installed; WebGPU: only a software Vulkan driver, lavapipe (Mesa, on the CPU), slower than the CPU provider (choose \"webgpu\" to use it anyway); running on CPU";

describe('extension: execution provider notice', () => {
  it('auto on a machine without CUDA: a log line and a tooltip line, no toast, no warning colour', () => {
    const n = providerNotice('auto', 'cpu', NOTE);
    assert.deepEqual(n, { log: `execution provider: ${NOTE}` });
    const s = describeStatus({ modelName: 'm', adapter: null, provider: 'cpu', providerPreference: 'auto', providerNote: NOTE, phase: 'ready' });
    assert.ok(s.tooltip.includes(NOTE), s.tooltip);
    assert.equal(s.warning, false);
  });

  it('an explicit cuda that fell back: one complete short toast sentence and the warning colour', () => {
    const note = 'CUDA requested but unavailable (libcudart.so.12: cannot open shared object file: No such file or directory ...); running on CPU';
    const n = providerNotice('cuda', 'cpu', note);
    assert.ok(n?.toast);
    assert.match(n.toast, /^TestTune: CUDA is not available, so the model runs on the CPU \(testtune\.executionProvider is "cuda"\)\.$/);
    assert.ok(n.toast.length < 120, 'short enough that the notification shows it whole');
    assert.equal(n.log, `execution provider: ${note}`, 'the details stay in the log');
    assert.equal(describeStatus({ modelName: 'm', adapter: null, provider: 'cpu', providerPreference: 'cuda', providerNote: note, phase: 'ready' }).warning, true);
  });

  it('auto that got WebGPU: the status bar names WebGPU, the note goes to the log only', () => {
    const note = "auto: CUDA: onnxruntime-node's CUDA provider library is not installed; running on WebGPU";
    assert.deepEqual(providerNotice('auto', 'webgpu', note), { log: `execution provider: ${note}` });
    const s = describeStatus({ modelName: 'm', adapter: null, provider: 'webgpu', providerPreference: 'auto', providerNote: note, phase: 'ready' });
    assert.match(s.text, /· WebGPU$/);
    assert.equal(s.warning, false);
  });

  it('an explicit webgpu without an adapter: a toast naming WebGPU and the CPU, and the warning colour', () => {
    const note = 'WebGPU requested: WebGPU: Failed to get a WebGPU adapter: No supported adapters; running on CPU';
    const n = providerNotice('webgpu', 'cpu', note);
    assert.equal(n?.toast, 'TestTune: WebGPU is not available, so the model runs on the CPU (testtune.executionProvider is "webgpu").');
    assert.equal(describeStatus({ modelName: 'm', adapter: null, provider: 'cpu', providerPreference: 'webgpu', providerNote: note, phase: 'ready' }).warning, true);
    assert.equal(providerNotice('webgpu', 'webgpu', 'x')?.toast, undefined);
  });

  it('nothing to report without a note, on cpu, or when cuda was granted', () => {
    assert.equal(providerNotice('auto', 'cpu', undefined), undefined);
    assert.equal(providerNotice('cpu', 'cpu', undefined), undefined);
    assert.equal(providerNotice('cuda', 'cuda', 'x')?.toast, undefined);
  });
});
