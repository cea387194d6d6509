import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, SETTINGS, configurationContribution, readSettings, settingKey } from '../../src/config/settings';
import { ACTIVATION_EVENTS, CMD, COMMANDS, contributes } from '../../src/extension/manifest';
import { describeStatus } from '../../src/extension/status-text';
import { QUANTIZE_VALUES } from '../../src/model/engine-api';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('settings and manifest', () => {
  it('package.json contributes exactly what src/extension/manifest.ts declares (run `npx tsx src/extension/manifest.ts --write` to sync)', () => {
    assert.deepEqual(pkg.contributes, contributes());
    assert.deepEqual(pkg.activationEvents, ACTIVATION_EVENTS);
  });

  it('package.json declares every setting of src/config/settings.ts with its type, default and enum', () => {
    const props = pkg.contributes.configuration.properties as Record<string, { type: string; default: unknown; enum?: string[] }>;
    assert.deepEqual(Object.keys(props).sort(), SETTINGS.map((s) => s.key).sort());
    for (const s of SETTINGS) {
      assert.equal(props[s.key].type, s.type, s.key);
      assert.deepEqual(props[s.key].default, s.default, s.key);
      if (s.type === 'string' && s.enum) assert.deepEqual(props[s.key].enum, [...s.enum], s.key);
    }
    assert.deepEqual(configurationContribution().properties, props);
  });

  it('covers the settings the issue asks for', () => {
    for (const k of ['modelPath', 'adapter', 'executionProvider', 'maxNewTokens', 'testFramework', 'testSourceRoot', 'codeLensEnabled', 'saveAfterInsert', 'quantization', 'loopGuard'] as const) {
      assert.ok(settingKey(k).startsWith('testtune.'), k);
    }
    const ep = SETTINGS.find((s) => s.field === 'executionProvider');
    assert.deepEqual(ep && 'enum' in ep ? ep.enum : null, ['auto', 'cuda', 'webgpu', 'cpu']);
    const tf = SETTINGS.find((s) => s.field === 'testFramework');
    assert.deepEqual(tf && 'enum' in tf ? tf.enum : null, ['auto', 'junit4', 'junit5']);
  });

  it('declares the five commands with their titles, and the Java-only editor context menu entry', () => {
    const titles = Object.fromEntries((pkg.contributes.commands as { command: string; title: string }[]).map((c) => [c.command, c.title]));
    assert.equal(titles['testtune.generateTest'], 'Generate test');
    assert.equal(titles['testtune.fineTuneAdapter'], 'Fine-tune adapter on this repo');
    for (const id of Object.values(CMD)) assert.ok(titles[id], id);
    assert.equal(COMMANDS.length, 5);
    const ctx = pkg.contributes.menus['editor/context'] as { command: string; when: string }[];
    assert.deepEqual(ctx.map((m) => [m.command, m.when]), [['testtune.generateTest', 'editorLangId == java']]);
  });

  it('main points at the bundled extension', () => {
    assert.equal(pkg.main, './dist/extension.js');
  });
});

describe('readSettings', () => {
  it('returns the defaults when nothing is set', () => {
    const r = readSettings(() => undefined);
    assert.deepEqual(r.value, DEFAULT_SETTINGS);
    assert.deepEqual(r.errors, []);
  });

  it('reads valid values', () => {
    const values: Record<string, unknown> = {
      'testtune.executionProvider': 'cpu',
      'testtune.maxNewTokens': 128,
      'testtune.testFramework': 'junit4',
      'testtune.codeLens.enabled': false,
      'testtune.adapter': ' lora-1 ',
    };
    const r = readSettings((k) => values[k]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.value.executionProvider, 'cpu');
    assert.equal(r.value.maxNewTokens, 128);
    assert.equal(r.value.testFramework, 'junit4');
    assert.equal(r.value.codeLensEnabled, false);
    assert.equal(r.value.adapter, 'lora-1');
  });

  it('replaces bad values by the default with one clear message each, never throwing', () => {
    const values: Record<string, unknown> = {
      'testtune.executionProvider': 'tpu',
      'testtune.maxNewTokens': 3.5,
      'testtune.testFramework': 42,
      'testtune.codeLens.enabled': 'yes',
      'testtune.saveAfterInsert': null,
    };
    const r = readSettings((k) => values[k]);
    assert.equal(r.value.executionProvider, 'auto');
    assert.equal(r.value.maxNewTokens, 256);
    assert.equal(r.value.testFramework, 'auto');
    assert.equal(r.value.codeLensEnabled, true);
    assert.equal(r.value.saveAfterInsert, false);
    assert.equal(r.errors.length, 4);
    assert.match(r.errors[0], /testtune\.executionProvider: "tpu" is not one of auto, cuda, webgpu, cpu; using "auto"/);
    assert.ok(r.errors.some((e) => e.startsWith('testtune.maxNewTokens: expected an integer')));
  });

  it('rejects an out-of-range token budget', () => {
    const r = readSettings((k) => (k === 'testtune.maxNewTokens' ? 1_000_000 : undefined));
    assert.equal(r.value.maxNewTokens, 256);
    assert.match(r.errors[0], /outside 16\.\.4096/);
  });
});

describe('testtune.model.quantization', () => {
  it('is none, int8 or int4, and a bad value falls back with a message', () => {
    const q = SETTINGS.find((s) => s.field === 'quantization');
    assert.ok(q && q.type === 'string');
    assert.equal(q.key, 'testtune.model.quantization');
    assert.deepEqual(q.enum, ['none', 'int8', 'int4']);
    assert.deepEqual([...q.enum!], [...QUANTIZE_VALUES], 'the setting offers exactly what the engine accepts');
    assert.equal(readSettings((k) => (k === 'testtune.model.quantization' ? 'int8' : undefined)).value.quantization, 'int8');
    assert.equal(readSettings((k) => (k === 'testtune.model.quantization' ? 'int4' : undefined)).value.quantization, 'int4');
    const bad = readSettings((k) => (k === 'testtune.model.quantization' ? 'fp16' : undefined));
    assert.equal(bad.value.quantization, q.default);
    assert.match(bad.errors[0], /testtune\.model\.quantization: "fp16" is not one of none, int8, int4/);
  });

  it('the status bar says int8 or int4 when it is on, and nothing extra for f32', () => {
    const base = { modelName: 'default', adapter: 'lora', provider: 'cpu', providerPreference: 'auto', phase: 'ready' } as const;
    assert.equal(describeStatus({ ...base, quantize: 'int8' }).text, '$(beaker) default · lora · CPU int8');
    assert.match(describeStatus({ ...base, quantize: 'int8' }).tooltip, /Weights: int8/);
    assert.equal(describeStatus({ ...base, quantize: 'int4' }).text, '$(beaker) default · lora · CPU int4');
    assert.match(describeStatus({ ...base, quantize: 'int4' }).tooltip, /Weights: int4/);
    assert.equal(describeStatus({ ...base, quantize: 'none' }).text, '$(beaker) default · lora · CPU');
    assert.match(describeStatus({ ...base, quantize: 'none' }).tooltip, /Weights: f32/);
  });
});
