// Inserting a test method keeps the test file's encoding, BOM and line endings: every byte that was
// there before is still there, in order (only insertions), for UTF-8, UTF-8 with BOM, Latin-1 and
// UTF-16, LF or CRLF, tabs or spaces. Through the CLI (`testtune place`) and the writer directly.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { decodeSource, encodeSource, writeEditedSource } from '../../src/java/encoding';
import { rng } from '../../src/util/rng';
import { encodedCase, insertOnce, isSubsequence, makeProject, METHOD } from './helpers/encoded-files';

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  const error = console.error;
  console.log = console.error = () => undefined;
  try {
    return await fn();
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('fault: insertion keeps every byte of non-UTF-8 and CRLF files', function () {
  this.timeout(60000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-enc-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('decodes by BOM, then strict UTF-8, else Latin-1, and encodes back to the same bytes', () => {
    const cases: [number[], string, string][] = [
      [[0x63, 0x61, 0x66, 0xc3, 0xa9], 'utf8', 'café'],
      [[0xef, 0xbb, 0xbf, 0x61], 'utf8bom', 'a'],
      [[0x63, 0x61, 0x66, 0xe9], 'latin1', 'café'],
      [[0xff, 0xfe, 0x61, 0x00], 'utf16le', 'a'],
      [[0xfe, 0xff, 0x00, 0x61], 'utf16be', 'a'],
    ];
    for (const [bytes, encoding, text] of cases) {
      const d = decodeSource(Buffer.from(bytes));
      assert.deepEqual([d.encoding, d.text], [encoding, text]);
      assert.deepEqual(encodeSource(d.text, d.encoding, 'X.java').value, Buffer.from(bytes));
    }
    assert.match(encodeSource('λ', 'latin1', 'X.java').error ?? '', /X\.java is not UTF-8 .* 'λ' \(U\+03BB, line 1\)/);
  });

  it('refuses an edit that would delete existing bytes, and writes nothing', () => {
    const file = path.join(root, 'R.java');
    fs.writeFileSync(file, Buffer.from('class R { int é; }', 'latin1'));
    const decoded = decodeSource(fs.readFileSync(file));
    const r = writeEditedSource(file, decoded, { offset: 10, deleteLength: 3, insertText: 'void t() {}' });
    assert.match(r.error ?? '', /would change bytes outside the inserted test method/);
    assert.deepEqual(fs.readFileSync(file), Buffer.from('class R { int é; }', 'latin1'));
  });

  for (let i = 0; i < 8; i++) {
    it(`testtune place into ${JSON.stringify(encodedCase(i, rng(i)))}: only insertions, same encoding and line ending`, async () => {
      const random = rng(i);
      const c = encodedCase(i, random);
      const dir = path.join(root, `cli-${i}`);
      const { focal, test, before } = makeProject(dir, c, random);
      const code = path.join(dir, 'generated.txt');
      fs.writeFileSync(code, METHOD);
      const r = await quietly(() => main(['place', focal, '--method', 'add', '--test-code', code, '--project', dir]));
      assert.equal(r, 0);
      const after = fs.readFileSync(test);
      assert.ok(after.length > before.length, 'nothing was inserted');
      assert.ok(isSubsequence(before, after), 'an existing byte changed or vanished');
      const d = decodeSource(after);
      assert.equal(d.encoding, c.encoding);
      assert.ok(d.text.includes(`void testAdd() {${c.eol}`), 'the inserted method does not use the file\'s line ending');
      assert.ok(!d.text.includes('\uFFFD'), 'a character was replaced by U+FFFD');
    });
  }

  it('a second insertion into the same Latin-1 CRLF file keeps it too', async () => {
    const random = rng(99);
    const dir = path.join(root, 'twice');
    const { focal, test, before } = makeProject(dir, { encoding: 'latin1', eol: '\r\n', indent: '\t' }, random);
    assert.deepEqual(await insertOnce(dir, focal, test), {});
    assert.deepEqual(await insertOnce(dir, focal, test), {});
    const after = fs.readFileSync(test);
    assert.ok(isSubsequence(before, after));
    assert.equal((decodeSource(after).text.match(/void testAdd\d*\(\)/g) ?? []).length, 2);
  });
});
