// The model's default adapter (`adapters/default.json`): read once, never throws; anything wrong gives
// the base model with a warning that says what and where.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADAPTER_CONFIG, DEFAULT_ADAPTER_FILE, defaultAdapterOf } from '../../src/model/adapters';

describe('defaultAdapterOf (adapters/default.json)', () => {
  let tmp: string;
  let adir: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-default-adapter-'));
    adir = path.join(tmp, 'adapters');
    fs.mkdirSync(path.join(adir, 'lora'), { recursive: true });
    fs.writeFileSync(path.join(adir, 'lora', ADAPTER_CONFIG), '{"peft_type":"LORA"}');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (text: string) => fs.writeFileSync(path.join(adir, DEFAULT_ADAPTER_FILE), text);

  it('names the adapter folder it points to', () => {
    write('{"adapter": "lora", "why": "best"}');
    assert.deepEqual(defaultAdapterOf(tmp), { name: 'lora', dir: path.join(adir, 'lora'), declared: true });
  });

  it('"none" and null mean the base model, without a warning', () => {
    write('{"adapter": "none"}');
    assert.deepEqual(defaultAdapterOf(tmp), { name: null, declared: true });
    write('{"adapter": null}');
    assert.deepEqual(defaultAdapterOf(tmp), { name: null, declared: true });
  });

  it('a missing file gives the base model and says the file does not exist', () => {
    const d = defaultAdapterOf(tmp);
    assert.equal(d.name, null);
    assert.equal(d.declared, false);
    assert.match(d.warning ?? '', /default\.json does not exist; using the base model/);
    assert.equal(defaultAdapterOf(path.join(tmp, 'no-such-model')).name, null);
  });

  for (const [what, text, re] of [
    ['corrupt JSON', '{"adapter": "lora"', /is not valid JSON/],
    ['a JSON array', '["lora"]', /must be an object/],
    ['no adapter key', '{"name": "lora"}', /must be an object/],
    ['a number', '{"adapter": 3}', /must be a folder name/],
    ['a path that climbs out', '{"adapter": "../lora"}', /must be a folder name/],
    ['a missing adapter folder', '{"adapter": "ia3"}', /names adapter "ia3", but .* has no adapter_config\.json/],
  ] as const)
    it(`${what} gives the base model and a clear warning`, () => {
      write(text);
      const d = defaultAdapterOf(tmp);
      assert.equal(d.name, null);
      assert.equal(d.dir, undefined);
      assert.equal(d.declared, true);
      assert.match(d.warning ?? '', re);
      assert.match(d.warning ?? '', /using the base model$/);
    });

  it('the shipped model names an adapter that exists', () => {
    const shipped = path.join(__dirname, '..', '..', 'models', 'default');
    const d = defaultAdapterOf(shipped);
    assert.equal(d.warning, undefined);
    assert.ok(d.name && fs.existsSync(path.join(d.dir!, ADAPTER_CONFIG)), `default adapter ${d.name}`);
  });
});
