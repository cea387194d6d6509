// `testtune train` through the CLI dispatcher, in process: a short LoRA run writes a PEFT adapter and
// the report; --resume continues from the checkpoint; bad arguments get clear messages. And the one
// training transport the extension uses, end to end: `runCli` (cli-runner.ts) spawns the CLI as a child
// process, its progress lines parse (train-protocol.ts), SIGINT cancels with the checkpoint kept and a
// `cancelled` report, and `--resume` finishes the run.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { main } from '../../src/cli/main';
import { runCli } from '../../src/extension/cli-runner';
import { parseStepLine, parseTrainReport, TRAIN_CANCEL_LINE, trainArgs, type StepLine } from '../../src/extension/train-protocol';
import { readSafetensors } from '../../src/model/safetensors';
import { makeTinyModel } from './helpers/tiny-model';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-train-cli-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function capture(): { restore: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void (err += a.join(' ') + '\n');
  return { restore: () => ((console.log = log), (console.error = error), { out, err }) };
}

describe('testtune train (CLI)', () => {
  const model = path.join(root, 'model');
  const data = path.join(root, 'pairs.jsonl');
  before(() => {
    makeTinyModel(model);
    const lines = Array.from({ length: 6 }, (_, i) => JSON.stringify({ source: `class A${i} {\n\tint f() { return ${i}; }\n}\nclass A${i}Test {\n\tvoid t() {\n`, target: `\t\tassertEquals(${i}, f());\n\t}\n}` }));
    fs.writeFileSync(data, lines.join('\n') + '\nnot json\n');
  });

  it('trains LoRA for --max-steps, writes the adapter and report, and resumes', async () => {
    const out = path.join(root, 'out');
    let c = capture();
    const code = await main(['train', '--data', data, '--method', 'lora', '--model', model, '--out', out, '--max-steps', '2', '--accum', '2', '--save-every', '1']);
    let r = c.restore();
    assert.equal(code, 0, r.err);
    assert.match(r.err, /pairs\.jsonl:7: not JSON/);
    assert.match(r.err, /step 2\/2 .*loss \d/);
    assert.match(r.out, /completed: 2\/2 steps, lora/);
    for (const f of ['adapter_config.json', 'adapter_model.safetensors', 'training_report.json']) assert.ok(fs.existsSync(path.join(out, f)), f);
    c = capture();
    const again = await main(['train', '--data', data, '--method', 'lora', '--model', model, '--out', out, '--max-steps', '3', '--accum', '2', '--resume', '--json']);
    r = c.restore();
    assert.equal(again, 0, r.err);
    assert.match(r.err, /resuming at step 2/);
    const report = JSON.parse(r.out);
    assert.equal(report.steps, 3);
    assert.deepEqual(report.lossCurve.map((p: { step: number }) => p.step), [1, 2, 3]);
  });

  for (const pack of ['--no-pack', '--pack'])
  it(`SIGKILL at a random step, then --resume, writes the same adapter as an uninterrupted run (${pack})`, async function () {
    this.timeout(240000);
    const args = (out: string) => ['train', '--data', data, '--method', 'lora', '--model', model, '--out', out, '--epochs', '3', '--accum', '2', '--save-every', '1', '--seed', '9', pack];
    const straight = path.join(root, `straight${pack}`);
    const c = capture();
    const code = await main(args(straight));
    c.restore();
    assert.equal(code, 0);
    // 6 pairs, accumulation 2: 3 steps per epoch, 9 in all; kill once step k (1..7) is checkpointed.
    const k = 1 + Math.floor(Math.random() * 7);
    const killed = path.join(root, `killed${pack}`);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../src/cli/main.ts'), ...args(killed)], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    const state = path.join(killed, 'checkpoint', 'trainer_state.json');
    let step = 0;
    while (child.exitCode === null && step < k) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        step = JSON.parse(fs.readFileSync(state, 'utf8')).optimizerStep;
      } catch {
        step = 0; // not written yet (or mid-swap)
      }
    }
    child.kill('SIGKILL');
    const sig = await exited;
    assert.equal(sig, 'SIGKILL', `the run finished before it could be killed at step ${k}`);
    const c2 = capture();
    const resumed = await main([...args(killed), '--resume']);
    const r = c2.restore();
    assert.equal(resumed, 0, r.err);
    assert.match(r.err, /resuming at step \d/);
    const a = readSafetensors(path.join(straight, 'adapter_model.safetensors')).tensors;
    const b = readSafetensors(path.join(killed, 'adapter_model.safetensors')).tensors;
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [name, t] of a) assert.deepEqual(Array.from(b.get(name)!.data as Float32Array), Array.from(t.data as Float32Array), `${name} (killed after step ${step})`);
  });

  it('the extension\'s transport: progress lines parse, cancel keeps the checkpoint, --resume completes', async function () {
    this.timeout(240000);
    const out = path.join(root, 'child');
    // The CLI's TypeScript source run by the test's own Node through tsx (dist/ need not be built).
    const child = { cliJs: path.join(__dirname, '../../src/cli/main.ts'), env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() } };
    // Many short steps (6 pairs × 10 epochs, no accumulation, a checkpoint every step), so the run is
    // still going when the SIGINT sent on the first progress line arrives, even on a loaded machine.
    const invocation = { modelDir: model, trainFile: data, method: 'lora' as const, outDir: out, resume: false, epochs: 10 };
    const extra = ['--accum', '1', '--save-every', '1', '--threads', '1'];
    const steps: StepLine[] = [];
    const ac = new AbortController();
    const first = await runCli({
      ...child,
      args: [...trainArgs(invocation), ...extra],
      signal: ac.signal,
      onLine: (line, stream) => {
        const s = stream === 'stderr' ? parseStepLine(line) : undefined;
        if (!s) return;
        steps.push(s);
        ac.abort();
      },
    });
    assert.equal(first.cancelled, true);
    assert.equal(first.code, 130, first.stderrTail.join('\n'));
    assert.ok(steps.length >= 1, 'at least one progress line');
    assert.deepEqual(steps.map((s) => s.step), steps.map((_, i) => i + 1), 'one progress line per optimizer step, in order');
    assert.ok(steps.every((s) => s.totalSteps === 60 && s.epoch >= 1 && Number.isFinite(s.loss) && (s.tokensPerSec ?? 0) > 0), JSON.stringify(steps));
    const cancelled = parseTrainReport(first.stdout);
    assert.equal(cancelled?.status, 'cancelled', first.stdout);
    assert.ok(cancelled.steps >= 1 && cancelled.steps < cancelled.totalSteps, `cancelled at ${cancelled.steps}/${cancelled.totalSteps}`);
    assert.ok(fs.existsSync(path.join(out, 'checkpoint', 'trainer_state.json')), 'the last checkpoint is kept');

    const resumedSteps: StepLine[] = [];
    const second = await runCli({ ...child, args: [...trainArgs({ ...invocation, resume: true }), ...extra], onLine: (line, stream) => {
      const s = stream === 'stderr' ? parseStepLine(line) : undefined;
      if (s) resumedSteps.push(s);
    } });
    assert.equal(second.code, 0, second.stderrTail.join('\n'));
    assert.equal(resumedSteps[0]?.step, cancelled.steps + 1, 'resume continues after the checkpointed step');
    const done = parseTrainReport(second.stdout);
    assert.equal(done?.status, 'completed', second.stdout);
    assert.equal(done.steps, 60);
    for (const f of ['adapter_config.json', 'adapter_model.safetensors', 'training_report.json']) assert.ok(fs.existsSync(path.join(out, f)), f);
  });

  it('the editor\'s cancel (a line on the child\'s stdin) saves a checkpoint at the step reached; --resume continues there', async function () {
    this.timeout(240000);
    const out = path.join(root, 'cancelled-by-editor');
    // 6 pairs, one per step, 40 epochs: 240 steps, checkpoints only at epoch ends (every 6 steps)
    const args = trainArgs({ modelDir: model, trainFile: data, method: 'lora', outDir: out, resume: false, epochs: 40, stdinCancel: true });
    const ac = new AbortController();
    const stepsSeen: number[] = [];
    const run = await runCli({
      cliJs: path.join(__dirname, '../../src/cli/main.ts'),
      args: [...args, '--accum', '1', '--save-every', '1000'],
      env: { NODE_OPTIONS: '--import tsx' },
      cancelLine: TRAIN_CANCEL_LINE,
      signal: ac.signal,
      graceMs: 60_000,
      onLine: (line, stream) => {
        const st = stream === 'stderr' ? parseStepLine(line) : undefined;
        if (st) stepsSeen.push(st.step);
        if (st && st.step >= 2) ac.abort();
      },
    });
    assert.equal(run.cancelled, true);
    assert.equal(run.signal, null, 'it exited by itself, not killed');
    assert.equal(run.code, 130, run.stderrTail.join('\n'));
    const report = parseTrainReport(run.stdout);
    assert.equal(report?.status, 'cancelled');
    const reached = report!.steps;
    assert.ok(reached >= 2 && reached < 240, `cancelled at step ${reached}`);
    assert.equal(reached, stepsSeen[stepsSeen.length - 1], 'the report and the last progress line agree');
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint', 'trainer_state.json'), 'utf8')).optimizerStep;
    assert.equal(saved, reached, 'the checkpoint is at the step reached');
    const c = capture();
    const resumed = await main([...args.filter((a) => a !== '--stdin-cancel'), '--accum', '1', '--save-every', '1000', '--max-steps', String(reached + 1), '--resume']);
    const r = c.restore();
    assert.equal(resumed, 0, r.err);
    assert.match(r.err, new RegExp(`resuming at step ${reached} `));
    assert.match(r.err, new RegExp(`step ${reached + 1}/${reached + 1} `));
  });

  it('with --stdin-cancel and stdin left open, a run that completes exits by itself', async function () {
    this.timeout(120000);
    const out = path.join(root, 'stdin-open');
    const run = await runCli({
      cliJs: path.join(__dirname, '../../src/cli/main.ts'),
      args: trainArgs({ modelDir: model, trainFile: data, method: 'lora', outDir: out, resume: false, maxSteps: 2, stdinCancel: true }),
      env: { NODE_OPTIONS: '--import tsx' },
      cancelLine: TRAIN_CANCEL_LINE,
      graceMs: 60_000,
    });
    assert.equal(run.code, 0, run.stderrTail.join('\n'));
    assert.equal(parseTrainReport(run.stdout)?.status, 'completed');
  });

  it('--lora-r and --lora-targets: LoRA on every projection at another rank, written in the PEFT config', async () => {
    const out = path.join(root, 'all-linear');
    const all = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
    const c = capture();
    const code = await main(['train', '--data', data, '--method', 'lora', '--model', model, '--out', out, '--max-steps', '1', '--accum', '2', '--lora-r', '4', '--lora-targets', all.join(',')]);
    const r = c.restore();
    assert.equal(code, 0, r.err);
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8'));
    assert.deepEqual([...cfg.target_modules].sort(), [...all].sort());
    assert.deepEqual([cfg.r, cfg.lora_alpha], [4, 8]);
  });

  it('rejects bad arguments with a message', async () => {
    for (const [args, msg] of [
      [['--method', 'lora'], /--data, --method, --model and --out are required/],
      [['--data', data, '--method', 'qlora', '--model', model, '--out', root], /--method must be one of lora, ia3, prompt, full/],
      [['--data', path.join(root, 'none.jsonl'), '--method', 'lora', '--model', model, '--out', root], /no such data file/],
      [['--data', data, '--method', 'lora', '--model', root, '--out', root], /lacks config\.json/],
      [['--data', data, '--method', 'lora', '--model', model, '--out', root, '--epochs', 'two'], /--epochs must be an integer/],
      [['--data', data, '--method', 'lora', '--model', model, '--out', root, '--pack', '--no-pack'], /--pack and --no-pack exclude each other/],
      [['--data', data, '--method', 'lora', '--model', model, '--out', path.join(root, 'bad-targets'), '--lora-targets', 'q_proj,qkv'], /loraTargets: unknown modules qkv \(known: .*q_proj.*\)/],
      [['--data', data, '--method', 'ia3', '--model', model, '--out', root, '--lora-r', '4'], /--lora-r and --lora-targets go with --method lora/],
    ] as [string[], RegExp][]) {
      const c = capture();
      const code = await main(['train', ...args]);
      const r = c.restore();
      assert.notEqual(code, 0);
      assert.match(r.err, msg);
    }
  });
});
