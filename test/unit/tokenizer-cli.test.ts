import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command, listInputFiles, sampleFiles } from '../../src/cli/commands/tokenizer';
import { Tokenizer } from '../../src/model/tokenizer';

function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  return fn().then(
    (code) => {
      console.log = log;
      console.error = error;
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
    (e) => {
      console.log = log;
      console.error = error;
      throw e;
    },
  );
}

describe('testtune tokenizer', function () {
  this.timeout(60_000); // trains a small tokenizer from files
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokcli-'));
  const src = path.join(dir, 'src');
  before(() => {
    for (let p = 0; p < 3; p++) {
      const pkg = path.join(src, `pkg${p}`, 'org', 'x');
      fs.mkdirSync(pkg, { recursive: true });
      for (let c = 0; c < 4; c++) {
        const body = `package org.x;\n\npublic class C${p}${c} {\n    public int value${c}(int a) {\n        return a * ${c + p} + 1; // ✓\n    }\n}\n`;
        fs.writeFileSync(path.join(pkg, `C${p}${c}.java`), body.repeat(3));
      }
      fs.writeFileSync(path.join(pkg, 'README.md'), 'not java');
    }
  });

  it('lists .java files recursively, sorted, and samples evenly under a byte budget', () => {
    const files = listInputFiles([src], '.java');
    assert.equal(files.length, 12);
    assert.deepEqual(files, [...files].sort());
    const total = files.reduce((a, f) => a + fs.statSync(f).size, 0);
    const half = sampleFiles(files, total / 2);
    assert.ok(half.length >= 5 && half.length <= 7, String(half.length));
    assert.ok(half.some((f) => f.includes('pkg0')) && half.some((f) => f.includes('pkg2')));
    assert.deepEqual(sampleFiles(files, Infinity), files);
  });

  it('trains a tokenizer.json (and smaller sizes) that round-trips, then reports bytes per token', async () => {
    const out = path.join(dir, 'tok.json');
    const r = await capture(() => command.run(['train', '--input', src, '--vocab-size', '320', '--out', out, '--also-sizes', '290']));
    assert.equal(r.code, 0, r.err);
    const tok = Tokenizer.fromFile(out);
    assert.equal(tok.vocabSize, 320);
    assert.equal(Tokenizer.fromFile(path.join(dir, 'tok.290.json')).vocabSize, 290);
    const s = await capture(() => command.run(['stats', '--tokenizer', out, '--input', src]));
    assert.equal(s.code, 0, s.err);
    const stats = JSON.parse(s.out);
    assert.equal(stats.files, 12);
    assert.equal(stats.roundTripFailures, 0);
    assert.ok(stats.bytesPerToken > 1.5, String(stats.bytesPerToken));
    assert.equal(stats.tokens, listInputFiles([src], '.java').reduce((a, f) => a + tok.encode(fs.readFileSync(f, 'utf8')).length, 0));
  });

  it('rejects missing options and inputs with usage errors', async () => {
    await assert.rejects(command.run(['train', '--input', src, '--out', 'x.json']), /--vocab-size is required/);
    await assert.rejects(command.run(['stats', '--tokenizer', 'x.json', '--input', path.join(dir, 'nope')]), /cannot read tokenizer|input not found/);
    await assert.rejects(command.run(['frobnicate']), /expected 'train' or 'stats'/);
  });
});
