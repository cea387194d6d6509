// A training run killed while saving a checkpoint leaves `.checkpoint.tmp-<pid>` behind; the resumed
// run must remove it (and only the temps of processes that no longer run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeStaleTemps } from '../../src/train/checkpoint';
import { train } from '../../src/train/loop';
import type { RecipeOverrides } from '../../src/train/recipe';
import { makeTinyModel } from '../sidecar/helpers/tiny-model';
import type { Pair } from '../../src/train/data';

function pairs(n: number): Pair[] {
  return Array.from({ length: n }, (_, i) => ({ id: String(i), source: `class C${i} {\n\tint f() { return ${i}; }\n}\n`, target: `\t\tassertEquals(${i}, new C${i}().f());\n\t}\n}` }));
}

/** The id of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('fault: a killed checkpoint save leaves no temp behind after resume', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-ckpt-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('removes temps of dead processes, keeps those of running ones', () => {
    const dir = path.join(root, 'plain');
    fs.mkdirSync(dir);
    const dead = deadPid();
    for (const n of [`.checkpoint.tmp-${dead}`, `.final.tmp-${dead}`]) fs.mkdirSync(path.join(dir, n));
    fs.writeFileSync(path.join(dir, `training_report.json.tmp-${dead}`), '{');
    fs.mkdirSync(path.join(dir, `.checkpoint.tmp-${process.ppid}`)); // a live process (this one's parent)
    assert.deepEqual(removeStaleTemps(dir).sort(), [`.checkpoint.tmp-${dead}`, `.final.tmp-${dead}`, `training_report.json.tmp-${dead}`]);
    assert.deepEqual(fs.readdirSync(dir), [`.checkpoint.tmp-${process.ppid}`]);
  });

  it('a resumed run cleans the half-written checkpoint of the killed one', async () => {
    const tiny = makeTinyModel(path.join(root, 'model'));
    const out = path.join(root, 'run');
    const data = pairs(6);
    const recipe: RecipeOverrides = { method: 'lora', lr: 5e-2, loraR: 4, loraAlpha: 8, gradAccumSteps: 2, epochs: 1, saveEverySteps: 1 };
    let reads = 0;
    const signal = { get aborted() { return ++reads > 3; } } as AbortSignal;
    assert.equal((await train({ modelDir: tiny.dir, outDir: out, data, recipe, signal, threads: 1 })).status, 'cancelled');
    // What a save killed between its mkdir and its rename leaves: a partial temp of a dead process.
    const stale = path.join(out, `.checkpoint.tmp-${deadPid()}`);
    fs.mkdirSync(stale);
    fs.writeFileSync(path.join(stale, 'optimizer.safetensors'), Buffer.alloc(100));
    const done = await train({ modelDir: tiny.dir, outDir: out, data, recipe, resume: true, threads: 1 });
    assert.equal(done.status, 'completed');
    assert.deepEqual(fs.readdirSync(out).filter((n) => /\.tmp-\d+$/.test(n)), []);
  });
});
