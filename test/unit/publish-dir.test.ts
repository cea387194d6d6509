// publishDir: a cache folder built in a private sibling and renamed into place (src/util/publish-dir.ts).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { publishDir, publishDirAsync } from '../../src/util/publish-dir';

describe('publishDir', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-publish-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('places the built folder; a second builder finds it placed, keeps the first and leaves no copy', () => {
    const dest = path.join(root, 'cache', 'x');
    fs.mkdirSync(path.dirname(dest));
    assert.equal(publishDir(dest, (tmp) => (fs.mkdirSync(tmp), fs.writeFileSync(path.join(tmp, 'f'), 'first'))), true);
    assert.equal(publishDir(dest, (tmp) => (fs.mkdirSync(tmp), fs.writeFileSync(path.join(tmp, 'f'), 'second'))), false);
    assert.equal(fs.readFileSync(path.join(dest, 'f'), 'utf8'), 'first');
    assert.deepEqual(fs.readdirSync(path.dirname(dest)), ['x']);
  });

  it('a build that throws leaves nothing behind and rethrows', async () => {
    const dest = path.join(root, 'y');
    assert.throws(() => publishDir(dest, (tmp) => (fs.mkdirSync(tmp), assert.fail('javac failed'))), /javac failed/);
    await assert.rejects(publishDirAsync(dest, async (tmp) => (fs.mkdirSync(tmp), assert.fail('javac failed'))), /javac failed/);
    assert.deepEqual(fs.readdirSync(root), []);
  });
});
