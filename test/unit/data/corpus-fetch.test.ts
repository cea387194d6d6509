// Fetches one small package (akuma, ~20 KiB) from the Debian mirror through the private apt setup.
// Skipped, with a visible message, only when the mirror cannot be reached.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fetchPackages } from '../../../src/data/corpus/fetch';
import { PrivateApt } from '../../../src/data/corpus/apt';

describe('corpus fetch from the Debian mirror (network)', function () {
  this.timeout(180000);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-fetch-'));
  const systemLists = fs.existsSync('/var/lib/apt/lists') ? fs.readdirSync('/var/lib/apt/lists').sort() : [];

  before(async function () {
    const apt = new PrivateApt(cache);
    apt.prepare();
    const r = await apt.update();
    if (r.code !== 0 || !apt.listsFresh()) {
      throw new Error(`the Debian mirror is not reachable (apt-get update: ${r.stderr.trim().split('\n').pop()})`);
    }
  });

  after(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('downloads a listed package, resumes from the cache, reports failures, and leaves the system apt state alone', async () => {
    const logs: string[] = [];
    const pkgs = [{ name: 'akuma', version: '1.10-3' }, { name: 'akuma-does-not-exist', version: '1.0-1' }];
    const r1 = await fetchPackages(pkgs, { cacheDir: cache, log: (l) => logs.push(l) });
    assert.deepEqual(r1.fetched, ['akuma_1.10-3']);
    assert.equal(r1.failed.length, 1);
    assert.match(r1.failed[0].reason, /Unable to find a source package|Can not find/);
    const dir = path.join(cache, 'packages', 'akuma_1.10-3');
    const files = fs.readdirSync(dir);
    assert.ok(files.includes('akuma_1.10-3.dsc') && files.includes('akuma_1.10.orig.tar.xz') && files.includes('.complete'), files.join(','));
    assert.ok(logs.some((l) => /\[\d+\/2\] akuma 1\.10-3 ok/.test(l)), logs.join('\n'));
    const report = JSON.parse(fs.readFileSync(path.join(cache, 'fetch-report.json'), 'utf8'));
    assert.equal(report.failed.length, 1);

    const r2 = await fetchPackages(pkgs.slice(0, 1), { cacheDir: cache, log: () => {} });
    assert.deepEqual(r2.cached, ['akuma_1.10-3']);
    assert.deepEqual(r2.fetched, []);
    const after = fs.existsSync('/var/lib/apt/lists') ? fs.readdirSync('/var/lib/apt/lists').sort() : [];
    assert.deepEqual(after, systemLists);
  });
});
