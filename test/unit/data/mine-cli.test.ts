import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command } from '../../../src/cli/commands/mine';
import { UsageError } from '../../../src/cli/command';

const REPO = path.join(__dirname, '../../fixtures/mining/textkit');

describe('testtune mine', function () {
  this.timeout(60000);

  it('writes pairs, a JSON report and a held-out split by class', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-mine-'));
    const out = path.join(dir, 'pairs.jsonl');
    const log = console.log;
    const printed: string[] = [];
    console.log = (s: string) => printed.push(s);
    let code: number;
    try {
      code = await command.run([REPO, '--out', out, '--report', path.join(dir, 'report.json'), '--held-out', '0.3']);
    } finally {
      console.log = log;
    }
    assert.equal(code, 0);
    const recs = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    assert.equal(recs.length, report.pairs);
    assert.equal(report.testClasses, 3);
    assert.equal(report.testMethods, 17);
    assert.match(printed.join('\n'), /textkit: 6 Java files .* 3 test classes, 17 test methods → \d+ pairs/);
    const train = fs.readFileSync(path.join(dir, 'pairs.train.jsonl'), 'utf8').trim().split('\n');
    const held = fs.readFileSync(path.join(dir, 'pairs.heldout.jsonl'), 'utf8').trim().split('\n');
    assert.equal(train.length + held.length, recs.length);
  });

  it('rejects bad arguments with a clear message', async () => {
    await assert.rejects(command.run([]), UsageError);
    await assert.rejects(command.run(['/nonexistent/repo', '--out', 'x']), /not a folder/);
    await assert.rejects(command.run([REPO]), /--out/);
    await assert.rejects(command.run([REPO, '--out', '/tmp/x.jsonl', '--format', 'nope']), /unknown --format/);
  });
});
