// Whole-model gradient checks: the training graph built from the model definition (train mode) plus
// cross-entropy on target positions, differentiated by src/onnx/autodiff, against finite differences
// of the loss in ONNX Runtime, for every method (LoRA with its dropout masks fixed).
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Method } from '../../src/train/recipe';
import { makeTinyModel } from './helpers/tiny-model';
import { modelGradCheck } from './helpers/model-gradcheck';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-grad-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(method: Method, dropout = 0) {
  const tiny = makeTinyModel(path.join(dir, method), { config: { numLayers: 2 } });
  return modelGradCheck(tiny.cfg, tiny.weights, method, dropout);
}

describe('training graph: whole-model gradients vs finite differences', () => {
  for (const [method, dropout] of [['lora', 0.1], ['ia3', 0], ['prompt', 0], ['full', 0]] as [Method, number][]) {
    it(`${method}${dropout ? ' (dropout masks fixed)' : ''}`, async () => {
      const r = await check(method, dropout);
      assert.ok(r.rel < 2e-2, `directional derivative relative error ${r.rel.toExponential(2)}`);
      assert.ok(r.elementsRel < 5e-2, `single-element relative error ${r.elementsRel.toExponential(2)} over ${r.checked} elements`);
    });
  }
});
