// File names an attacker (or an odd checkout) can choose: javac's argfile must pass each name as one
// argument whatever characters it holds, and must never let a name add an option.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { argfileQuote } from '../../src/project/javac-rounds';

describe('fault: javac argfile quoting', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-argfile-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('quotes backslash, quote and control characters the way javac reads them', () => {
    assert.equal(argfileQuote('/a/B.java'), '"/a/B.java"');
    assert.equal(argfileQuote('/a/x"y.java'), '"/a/x\\"y.java"');
    assert.equal(argfileQuote('C:\\src\\A.java'), '"C:\\\\src\\\\A.java"');
    assert.equal(argfileQuote('/a/n\nl\t.java'), '"/a/n\\nl\\t.java"');
  });

  it('javac compiles files whose names hold quotes, spaces, options and newlines, and no name becomes an option', function () {
    if (spawnSync('javac', ['-version']).status !== 0) throw new Error('javac is needed by this test (JDK on PATH)');
    const src = path.join(tmp, 'src');
    fs.mkdirSync(src);
    const names = ['Plain.java', 'a"b.java', 'q" -d "evil.java', "it's 'single'.java", 'back\\slash.java', 'new\nline.java', 'tab\there.java', '# hash.java', '-version.java'];
    names.forEach((n, i) => fs.writeFileSync(path.join(src, n), `class K${i} {}\n`));
    const argFile = path.join(tmp, 'sources.txt');
    fs.writeFileSync(argFile, names.map((n) => argfileQuote(path.join(src, n))).join('\n'));
    const out = path.join(tmp, 'out');
    const r = spawnSync('javac', ['-d', out, '-proc:none', `@${argFile}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), names.map((_, i) => `K${i}.class`).sort());
    assert.ok(!fs.existsSync(path.join(process.cwd(), 'evil')) && !fs.existsSync(path.join(tmp, 'evil')), 'a file name became a -d option');
  });
});
