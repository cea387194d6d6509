// Fine-tuning runs as the user sees them: the resume dialog's wording (from run.json and the
// checkpoint), the time left measured from step times, and where adapters and the choice live.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureWorkspaceDir, findAdapters, resolveAdapterChoice, settingValueFor, workspaceAdaptersDir } from '../../src/extension/adapter-choice';
import { checkpointOf, describeUnfinishedRun, readRunState, relativeTime, unfinishedRun, writeRunState } from '../../src/extension/run-state';
import { StepTimer } from '../../src/extension/train-eta';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'testtune-run-'));
  dirs.push(d);
  return d;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function checkpoint(adapterDir: string, step: number, at: Date): void {
  mkdirSync(path.join(adapterDir, 'checkpoint'), { recursive: true });
  const f = path.join(adapterDir, 'checkpoint', 'trainer_state.json');
  writeFileSync(f, JSON.stringify({ version: 1, optimizerStep: step }));
  utimesSync(f, at, at);
}

describe('fine-tune: the resume dialog', () => {
  const now = new Date(2026, 11, 6, 14, 30, 0); // local time, 6 Dec 2026 14:30

  it('says when, in words', () => {
    const ago = (ms: number): string => relativeTime(new Date(now.getTime() - ms), now);
    assert.equal(ago(10_000), 'just now');
    assert.equal(ago(60_000), 'a minute ago');
    assert.equal(ago(5 * 60_000), '5 minutes ago');
    assert.equal(ago(60 * 60_000), 'an hour ago');
    assert.equal(ago(3 * 3600_000), '3 hours ago');
    assert.equal(relativeTime(new Date(2026, 11, 5, 9, 7), now), 'yesterday at 09:07');
    assert.equal(relativeTime(new Date(2026, 11, 3, 14, 5), now), 'on 3 Dec at 14:05');
    assert.equal(relativeTime(new Date(2025, 0, 9, 8, 0), now), 'on 9 Jan 2025 at 08:00');
  });

  it('a cancelled run: "cancelled 5 minutes ago at step 40 of 120", never a raw timestamp or "started"', () => {
    const text = describeUnfinishedRun({ label: 'LoRA', status: 'interrupted', stoppedAt: new Date(now.getTime() - 5 * 60_000), step: 40, totalSteps: 120 }, now);
    assert.equal(text, 'The LoRA run was cancelled 5 minutes ago at step 40 of 120. Resume it from step 40, or start over?');
    assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT|started/);
    assert.equal(
      describeUnfinishedRun({ label: '(IA)³', status: 'running', stoppedAt: new Date(2026, 11, 5, 22, 0), step: 7 }, now),
      'The (IA)³ run stopped when the editor closed yesterday at 22:00 at step 7. Resume it from step 7, or start over?',
    );
  });

  it('offers a resume only when the checkpoint exists, at the checkpoint\'s step', () => {
    const runs = tmp();
    const adapterDir = path.join(runs, 'adapters', 'a1');
    const state = path.join(runs, 'run.json');
    writeRunState(state, { status: 'interrupted', method: 'lora', adapterName: 'a1', stoppedAt: new Date(now.getTime() - 5 * 60_000).toISOString(), step: 40, totalSteps: 120 });
    assert.equal(unfinishedRun(readRunState(state), adapterDir, 'LoRA'), undefined, 'no checkpoint: nothing to resume');
    checkpoint(adapterDir, 40, new Date(now.getTime() - 4 * 60_000));
    const u = unfinishedRun(readRunState(state), adapterDir, 'LoRA')!;
    assert.equal(describeUnfinishedRun(u, now), 'The LoRA run was cancelled 5 minutes ago at step 40 of 120. Resume it from step 40, or start over?');
    // the editor closed during the run: run.json still says running; the checkpoint gives step and time
    writeRunState(state, { status: 'running', method: 'lora', adapterName: 'a1' });
    checkpoint(adapterDir, 12, new Date(now.getTime() - 2 * 3600_000));
    assert.deepEqual(unfinishedRun(readRunState(state), adapterDir, 'LoRA'), { label: 'LoRA', status: 'running', stoppedAt: checkpointOf(adapterDir)!.savedAt, step: 12, totalSteps: undefined });
    writeRunState(state, { status: 'interrupted', stoppedBy: 'error', method: 'lora', adapterName: 'a1', stoppedAt: new Date(now.getTime() - 30 * 60_000).toISOString() });
    assert.equal(describeUnfinishedRun(unfinishedRun(readRunState(state), adapterDir, 'LoRA')!, now), 'The LoRA run stopped with an error 30 minutes ago at step 12. Resume it from step 12, or start over?');
    writeRunState(state, { status: 'done', method: 'lora', adapterName: 'a1' });
    assert.equal(unfinishedRun(readRunState(state), adapterDir, 'LoRA'), undefined, 'a finished run is not offered');
    writeFileSync(state, '{ not json');
    assert.equal(readRunState(state), undefined);
  });
});

describe('fine-tune: time left', () => {
  it('appears after the warm-up steps, from the measured step time, and follows the pace', () => {
    const t = new StepTimer(2);
    t.record(1, 0);
    assert.equal(t.describe(100), 'measuring the first steps…');
    t.record(2, 9_000); // slow warm-up: not counted
    assert.equal(t.secondsLeft(100), undefined);
    t.record(3, 10_000);
    t.record(4, 11_000); // 1 s per step after the warm-up
    assert.equal(t.secondsPerStep(), 1);
    assert.equal(t.secondsLeft(100), 96);
    assert.equal(t.describe(100), 'about 2 min left');
    t.record(10, 25_000); // slower now: 2 s per step on average since the warm-up (16 s for 8 steps)
    assert.equal(t.secondsLeft(100), 180);
    t.record(100, 205_000);
    assert.equal(t.secondsLeft(100), 0);
  });

  it('counts from the first steps of this process when a run resumes at a later step', () => {
    const t = new StepTimer(2);
    t.record(41, 5_000);
    t.record(42, 6_000);
    t.record(43, 6_500);
    assert.equal(t.secondsLeft(120), 0.5 * 77);
  });
});

describe('fine-tune: adapters and the choice per repository', () => {
  it('an adapter trained into <workspace>/.testtune/adapters and the choice in the setting are found again after a restart', () => {
    const ws = tmp();
    const model = tmp();
    mkdirSync(path.join(model, 'adapters', 'shipped-lora'), { recursive: true });
    writeFileSync(path.join(model, 'adapters', 'shipped-lora', 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA' }));
    // what fine-tuning writes (the CLI's PEFT layout)
    ensureWorkspaceDir(ws);
    const trained = path.join(workspaceAdaptersDir(ws), 'calc-lora-20261206-140000');
    mkdirSync(trained, { recursive: true });
    writeFileSync(path.join(trained, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 8 }));
    writeFileSync(path.join(trained, 'adapter_model.safetensors'), '');
    // what the picker writes into the workspace settings
    const setting = settingValueFor('calc-lora-20261206-140000');
    // "restart": nothing but the disk and the settings
    const after = findAdapters({ modelDir: model, workspaceRoots: [ws] });
    assert.deepEqual(after.problems, []);
    assert.deepEqual(after.adapters.map((a) => [a.name, a.source, a.dir]), [['shipped-lora', 'model', path.join(model, 'adapters', 'shipped-lora')], ['calc-lora-20261206-140000', 'workspace', trained]]);
    assert.deepEqual(resolveAdapterChoice({ setting, modelDefault: 'shipped-lora' }), { name: 'calc-lora-20261206-140000', source: 'setting' });
    assert.equal(trained.startsWith(path.join(ws, '.testtune', 'adapters')), true, 'inside the repository');
    assert.match(readFileSync(path.join(ws, '.testtune', '.gitignore'), 'utf8'), /^\*$/m, 'kept out of commits');
  });

  it('resolves the choice: the setting ("none" = base model), else an older version\'s pick, else the model default', () => {
    assert.deepEqual(resolveAdapterChoice({ setting: settingValueFor(null), legacyPick: 'old', modelDefault: 'd' }), { name: null, source: 'setting' });
    assert.deepEqual(resolveAdapterChoice({ setting: '', legacyPick: 'old', modelDefault: 'd' }), { name: 'old', source: 'earlier pick' });
    assert.deepEqual(resolveAdapterChoice({ setting: '', legacyPick: null, modelDefault: 'd' }), { name: null, source: 'earlier pick' });
    assert.deepEqual(resolveAdapterChoice({ setting: '  ', modelDefault: 'd' }), { name: 'd', source: 'model default' });
    assert.deepEqual(resolveAdapterChoice({ setting: '', modelDefault: null }), { name: null, source: 'model default' });
  });

  it('still lists adapters of older versions (editor storage) after the workspace\'s own', () => {
    const ws = tmp();
    const legacy = tmp();
    mkdirSync(path.join(legacy, 'old-lora'));
    writeFileSync(path.join(legacy, 'old-lora', 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA' }));
    const r = findAdapters({ workspaceRoots: [ws], legacyStorageDir: legacy });
    assert.deepEqual(r.adapters.map((a) => a.name), ['old-lora']);
    assert.equal(existsSync(path.join(ws, '.testtune')), false, 'scanning creates nothing');
  });
});
