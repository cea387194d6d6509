// The extension's plain-TS parts (no VS Code): status text, adapter scan and description, the
// fine-tune plan, the training CLI's progress and report parsing. (The Generate-test steps are the
// pipeline's: test/unit/pipeline/.)
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeAdapter, scanAdapters } from '../../src/extension/adapter-scan';
import { describeChoice, formatCount, formatDuration, guessTokensPerSecond, planMethods, WITH_SOURCES_DEFAULT } from '../../src/extension/fine-tune-plan';
import { describeStatus } from '../../src/extension/status-text';
import { parseStepLine, parseTrainReport, trainArgs } from '../../src/extension/train-protocol';
import { parseModelConfig } from '../../src/model/config';
import { PRESETS } from '../../src/model/init';
import { METHODS } from '../../src/train/recipe';

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'testtune-ext-'));
}

describe('extension: status bar text', () => {
  it('shows model, adapter and provider, and warns on errors and provider notes', () => {
    const s = describeStatus({ modelName: 'tiny', adapter: null, provider: null, providerPreference: 'auto', phase: 'stopped' });
    assert.equal(s.text, '$(beaker) tiny · base · auto');
    assert.match(s.tooltip, /not started \(starts on first use\)/);
    assert.equal(s.warning, false);
    const r = describeStatus({ modelName: 'tiny', adapter: 'lora-1', provider: 'cpu', providerPreference: 'cuda', providerNote: 'CUDA requested but missing; running on CPU', phase: 'ready' });
    assert.equal(r.text, '$(beaker) tiny · lora-1 · CPU');
    assert.equal(r.warning, true);
    assert.match(r.tooltip, /CUDA requested but missing/);
    assert.match(describeStatus({ modelName: 'm', adapter: null, provider: 'cpu', providerPreference: 'cpu', phase: 'busy' }).text, /sync~spin/);
    assert.equal(describeStatus({ modelName: 'm', adapter: null, provider: null, providerPreference: 'cpu', phase: 'error', detail: 'x' }).warning, true);
  });
});

describe('extension: adapters on disk', () => {
  it('finds PEFT folders with method, date and eval score; ignores other folders; reports duplicates', () => {
    const root = tmp();
    const model = path.join(root, 'model-adapters');
    const ws = path.join(root, 'ws-adapters');
    mkdirSync(path.join(model, 'lora-a'), { recursive: true });
    writeFileSync(path.join(model, 'lora-a', 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 4 }));
    writeFileSync(path.join(model, 'lora-a', 'training_report.json'), JSON.stringify({ createdAt: '2026-11-28T10:00:00.000Z' }));
    writeFileSync(path.join(model, 'lora-a', 'eval_report.json'), JSON.stringify({ adapter: { codebleu: 0.4123, syntaxValid: 0.9 }, base: { codebleu: 0.3 } }));
    mkdirSync(path.join(model, 'not-an-adapter'));
    mkdirSync(path.join(ws, 'ia3-b'), { recursive: true });
    writeFileSync(path.join(ws, 'ia3-b', 'adapter_config.json'), JSON.stringify({ peft_type: 'IA3' }));
    utimesSync(path.join(ws, 'ia3-b'), new Date('2026-01-02T03:04:00Z'), new Date('2026-01-02T03:04:00Z'));
    mkdirSync(path.join(ws, 'lora-a'));
    writeFileSync(path.join(ws, 'lora-a', 'adapter_config.json'), '{}');
    // an adapter still being written (hidden .partial folder) is never listed
    mkdirSync(path.join(ws, '.lora-c.partial'));
    writeFileSync(path.join(ws, '.lora-c.partial', 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA' }));
    mkdirSync(path.join(ws, 'lora-d'));
    writeFileSync(path.join(ws, 'lora-d', 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA' }));
    writeFileSync(path.join(ws, 'lora-d', 'judgement.json'), JSON.stringify({ adapter: { n: 14, compiles: 0.5, passes: 0.25, passesCallingFocal: 0.125 }, better: true }));
    const r = scanAdapters([
      { dir: model, source: 'model' },
      { dir: ws, source: 'workspace' },
      { dir: path.join(root, 'missing'), source: 'workspace' },
    ]);
    assert.deepEqual(r.adapters.map((a) => [a.name, a.peftType, a.source]), [['lora-a', 'LORA', 'model'], ['ia3-b', 'IA3', 'workspace'], ['lora-d', 'LORA', 'workspace']]);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], /lora-a appears twice/);
    assert.equal(describeAdapter(r.adapters[0]), 'LoRA · 2026-11-28 10:00 · CodeBLEU 0.412, syntax 90%');
    assert.equal(describeAdapter(r.adapters[1]), '(IA)³ · 2026-01-02 03:04 · not evaluated');
    assert.match(describeAdapter(r.adapters[2]), /passes \+ runs focal 13%$/);
  });
});

describe('extension: fine-tune plan', () => {
  const cfg = { ...PRESETS.tiny, vocabSize: 260, maxPositions: 256, eosTokenId: 256 };

  it('offers the three adapter methods (not full fine-tuning, which writes a model) with trainable parameters, LoRA recommended, and an estimate that scales with tokens', () => {
    assert.deepEqual(planMethods(cfg, 'tiny', 10_000, {}).choices.map((c) => c.method), ['lora', 'ia3', 'prompt']);
    const a = planMethods(cfg, 'tiny', 10_000, {}, {}, undefined, METHODS);
    assert.deepEqual(a.errors, []);
    assert.deepEqual(a.choices.map((c) => c.method), ['lora', 'ia3', 'prompt', 'full']);
    assert.deepEqual(a.choices.filter((c) => c.recommended).map((c) => c.method), ['lora']);
    const full = a.choices.find((c) => c.method === 'full')!;
    for (const c of a.choices) {
      assert.ok(c.trainableParams > 0, c.method);
      if (c.method !== 'full') assert.ok(c.trainableParams < full.trainableParams, c.method);
      assert.equal(c.estimateBasis, 'guess');
    }
    const b = planMethods(cfg, 'tiny', 20_000, {});
    assert.ok(Math.abs(b.choices[0].estimateSeconds / a.choices[0].estimateSeconds - 2) < 1e-9);
    const measured = planMethods(cfg, 'tiny', 3000, { 'tiny:lora': 100 });
    assert.equal(measured.choices[0].estimateBasis, 'measured');
    assert.equal(measured.choices[0].estimateSeconds, (3000 * measured.choices[0].recipe.epochs) / 100);
    assert.match(describeChoice(measured.choices[0]), /trainable parameters \(.*%\) · 2 min$/); // 3000 tokens × 3 epochs ÷ 100 tok/s = 90 s
    assert.match(describeChoice(a.choices[1]), /~.*\(rough guess\)$/);
  });

  it('the plan carries whether to add the main sources (off by default), and its estimate counts the source tokens the share lets in', () => {
    const off = planMethods(cfg, 'tiny', 3000, { 'tiny:lora': 100 });
    assert.equal(WITH_SOURCES_DEFAULT, false);
    assert.ok(off.choices.every((c) => c.withSources === false));
    const withAll = planMethods(cfg, 'tiny', 3000, { 'tiny:lora': 100 }, {}, { withSources: true, tokens: 1000 });
    assert.ok(withAll.choices.every((c) => c.withSources));
    assert.equal(withAll.choices[0].estimateSeconds, ((3000 + 1000) * 3) / 100);
    // 10,000 source tokens: the recipe's share (0.5 × 3000 pair tokens) bounds what joins
    const capped = planMethods(cfg, 'tiny', 3000, { 'tiny:lora': 100 }, {}, { withSources: true, tokens: 10_000 });
    assert.equal(capped.choices[0].estimateSeconds, ((3000 + 1500) * 3) / 100);
  });

  it('the guess before any measured run is on the slow side of the rates measured for the shipped model', () => {
    const shipped = parseModelConfig(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'models', 'default', 'config.json'), 'utf8'))).value!;
    // tokens/s of the shipped model's training runs, docs/results.md (v6 table)
    const measured: Record<string, number> = { lora: 4400, ia3: 5105, prompt: 3107, full: 3225 };
    for (const [method, rate] of Object.entries(measured)) {
      const ratio = guessTokensPerSecond(shipped, method as 'lora' | 'ia3' | 'prompt' | 'full') / rate;
      assert.ok(ratio > 0.5 && ratio <= 1, `${method}: guess ${ratio.toFixed(2)}× the measured rate`);
    }
  });

  it('formats counts and durations', () => {
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(12_345), '12.3K');
    assert.equal(formatCount(13_800_000), '13.80M');
    assert.equal(formatDuration(0.2), '1 s');
    assert.equal(formatDuration(150), '3 min');
    assert.equal(formatDuration(3 * 3600 + 600), '3 h 10 min');
    assert.equal(formatDuration(Infinity), 'unknown');
  });
});

describe('extension: the training CLI protocol', () => {
  it('builds the train command line, with resume and a step limit', () => {
    assert.deepEqual(trainArgs({ modelDir: '/m', trainFile: '/t.jsonl', method: 'lora', outDir: '/o', resume: true, maxSteps: 2 }), [
      'train', '--data', '/t.jsonl', '--method', 'lora', '--model', '/m', '--out', '/o', '--json', '--resume', '--max-steps', '2',
    ]);
  });

  it('passes the main sources and the validation pairs when the plan has them', () => {
    assert.deepEqual(trainArgs({ modelDir: '/m', trainFile: '/t.jsonl', sourcesFile: '/s.jsonl', validationFile: '/v.jsonl', method: 'lora', outDir: '/o', resume: false, stdinCancel: true }), [
      'train', '--data', '/t.jsonl', '--method', 'lora', '--model', '/m', '--out', '/o', '--json', '--sources', '/s.jsonl', '--validation', '/v.jsonl', '--stdin-cancel',
    ]);
  });

  it('reads progress lines and ignores others', () => {
    assert.deepEqual(parseStepLine('step 3/12  epoch 1  loss 2.3456  lr 3.00e-4  |g| 0.812  1234 tok/s  eta 2.5 min'), {
      step: 3, totalSteps: 12, epoch: 1, loss: 2.3456, tokensPerSec: 1234, etaSeconds: 150,
    });
    assert.equal(parseStepLine('step 1/2  epoch 1  loss 0.5000  lr 1.00e-3  |g| 1.000  99 tok/s  eta 3 s')?.etaSeconds, 3);
    assert.equal(parseStepLine('loading model…'), undefined);
    assert.equal(parseStepLine('step 1/2  epoch 1  loss NaN'), undefined);
  });

  it('reads the final --json report', () => {
    const report = { status: 'completed', steps: 2, totalSteps: 2, epochsDone: 1, lossCurve: [{ step: 1, loss: 3 }, { step: 2, loss: 2.5 }], throughput: { tokensPerSec: 512, tokens: 1000, trainSeconds: 2 } };
    assert.deepEqual(parseTrainReport(`${JSON.stringify(report, null, 2)}\n`), { status: 'completed', steps: 2, totalSteps: 2, epochs: 1, tokensPerSec: 512, trainSeconds: 2, finalLoss: 2.5 });
    assert.equal(parseTrainReport('no json here'), undefined);
    assert.equal(parseTrainReport('{"status": "weird"}'), undefined);
    assert.equal(parseTrainReport('{ broken'), undefined);
  });
});
