import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePackageList, restrictToAllowed, missingUpstreamFiles, cachedPackages, packageDirName } from '../../../src/data/corpus/fetch';
import { buildCorpus, upstreamTarballs } from '../../../src/data/corpus/build';
import { PrivateApt, systemMirror } from '../../../src/data/corpus/apt';

const FIXTURES = path.join(__dirname, '../../fixtures/mining');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-corpus-'));
}

/** A fetched-package folder as `corpus fetch` leaves it, from a fixture repository. */
function fakePackage(cache: string, name: string, version: string, repoDirs: string[], extra?: (root: string) => void): void {
  const upstream = version.replace(/-[^-]+$/, '');
  const dir = path.join(cache, 'packages', `${name}_${version}`);
  fs.mkdirSync(dir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-'));
  const root = path.join(stage, `${name}-${upstream}`);
  for (const r of repoDirs) fs.cpSync(r, path.join(root, path.basename(r)), { recursive: true });
  extra?.(root);
  fs.writeFileSync(path.join(root, 'README'), 'not java\n');
  const tarName = `${name}_${upstream}.orig.tar.xz`;
  execFileSync('tar', ['-cJf', path.join(dir, tarName), '-C', stage, `${name}-${upstream}`]);
  const size = fs.statSync(path.join(dir, tarName)).size;
  fs.writeFileSync(path.join(dir, `${name}_${version}.dsc`), `Format: 3.0 (quilt)\nSource: ${name}\nFiles:\n 0123 ${size} ${tarName}\n 4567 99 ${name}_${version}.debian.tar.xz\n`);
  fs.writeFileSync(path.join(dir, '.complete'), '{}\n');
  fs.rmSync(stage, { recursive: true, force: true });
}

describe('corpus: package lists', () => {
  it('parses name/version lines and reports bad ones', () => {
    const { packages, errors } = parsePackageList('# comment\nakuma\t1.10-3\nfoo 1:2.0~rc1-1+deb12u1\n\nbad line here\nBad_Name 1\n');
    assert.deepEqual(packages, [{ name: 'akuma', version: '1.10-3' }, { name: 'foo', version: '1:2.0~rc1-1+deb12u1' }]);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /line 5/);
  });

  it('only lets packages of the allowed list through', () => {
    const allowed = [{ name: 'a', version: '1' }, { name: 'b', version: '2' }];
    const r = restrictToAllowed([{ name: 'a' }, { name: 'b', version: '3' }, { name: 'c', version: '1' }], allowed);
    assert.deepEqual(r.kept, [{ name: 'a', version: '1' }]);
    assert.deepEqual(r.rejected, ['b=3', 'c=1']);
    assert.equal(packageDirName({ name: 'x', version: '1:2.0' }), 'x_1_2.0');
  });

  it('the shared training list parses cleanly', function () {
    const list = path.join(__dirname, '../../../../shared/corpus/train-packages.txt');
    if (!fs.existsSync(list)) throw new Error(`${list} is missing: the corpus list lives in ../shared/corpus beside the checkout`);
    const { packages, errors } = parsePackageList(fs.readFileSync(list, 'utf8'));
    assert.deepEqual(errors, []);
    assert.ok(packages.length > 100 && packages.every((p) => p.version));
  });

  it('writes a private apt configuration that ignores the system sources', () => {
    const dir = tmp();
    const apt = new PrivateApt(dir, 'http://mirror.example/debian');
    apt.prepare();
    const list = fs.readFileSync(apt.sourcesList, 'utf8');
    assert.match(list, /^deb-src \[signed-by=[^\]]+\] http:\/\/mirror\.example\/debian bookworm main$/m);
    assert.match(list, /bookworm-security main/);
    const opts = apt.options().join(' ');
    for (const k of ['Dir::Etc::SourceList', 'Dir::Etc::SourceParts', 'Dir::State::Lists', 'Dir::Cache', 'Dir::State::status']) {
      assert.ok(opts.includes(`${k}=${apt.root}`), k);
    }
    assert.ok(!apt.listsFresh());
    assert.match(systemMirror(), /^https?:\/\//);
  });
});

describe('corpus: build from fetched packages', function () {
  this.timeout(60000);

  it('tolerates a missing Debian packaging tarball but not a missing upstream one', () => {
    const cache = tmp();
    fakePackage(cache, 'calc', '1.0-1', [path.join(FIXTURES, 'calc')]);
    const dir = path.join(cache, 'packages', 'calc_1.0-1');
    assert.deepEqual(missingUpstreamFiles(dir), ['calc_1.0-1.debian.tar.xz']);
    assert.deepEqual(upstreamTarballs(dir).map((f) => path.basename(f)), ['calc_1.0.orig.tar.xz']);
    fs.rmSync(path.join(dir, 'calc_1.0.orig.tar.xz'));
    assert.deepEqual(missingUpstreamFiles(dir), ['calc_1.0.orig.tar.xz', 'calc_1.0-1.debian.tar.xz']);
  });

  it('unpacks .java, drops duplicate files, writes shards, pairs split by package and stats', async () => {
    const cache = tmp();
    const out = tmp();
    fakePackage(cache, 'calc', '1.0-1', [path.join(FIXTURES, 'calc')]);
    // a second package that vendors a copy of calc's Calculator (exact duplicate) and a reformatted one
    fakePackage(cache, 'shop', '2.1-3', [path.join(FIXTURES, 'shop'), path.join(FIXTURES, 'geo')], (root) => {
      const calc = fs.readFileSync(path.join(FIXTURES, 'calc/src/main/java/org/acme/calc/Calculator.java'), 'utf8');
      fs.mkdirSync(path.join(root, 'vendor'), { recursive: true });
      fs.writeFileSync(path.join(root, 'vendor/Calculator.java'), calc);
      fs.writeFileSync(path.join(root, 'vendor/Calculator2.java'), '// vendored\n' + calc.replace(/\n\n/g, '\n'));
    });
    fs.mkdirSync(path.join(cache, 'packages', 'broken_1-1')); // no .complete: not fetched, ignored
    assert.deepEqual(cachedPackages(cache).map((p) => p.name), ['calc_1.0-1', 'shop_2.1-3']);

    const lines: string[] = [];
    const stats = await buildCorpus({ cacheDir: cache, outDir: out, validFraction: 0.5, log: (l) => lines.push(l) });
    assert.equal(lines.length, 2);
    const t = stats.totals;
    assert.equal(t.packages, 2);
    assert.equal(t.packagesWithJava, 2);
    const javaCount = (d: string): number => execFileSync('find', [d, '-name', '*.java']).toString().trim().split('\n').length;
    assert.equal(t.javaFiles, javaCount(path.join(FIXTURES, 'calc')) + javaCount(path.join(FIXTURES, 'shop')) + javaCount(path.join(FIXTURES, 'geo')) + 2);
    assert.equal(t.duplicateFiles.exact, 1);
    assert.equal(t.duplicateFiles.normalised, 1);
    assert.equal(t.keptFiles, t.javaFiles - 2);

    const shardFiles = fs.readdirSync(path.join(out, 'pretrain'));
    assert.deepEqual(shardFiles, ['shard-00000.jsonl']);
    const docs = fs.readFileSync(path.join(out, 'pretrain', shardFiles[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(docs.length, t.keptFiles);
    assert.ok(docs.every((d) => typeof d.text === 'string' && d.path.endsWith('.java') && (d.repository === 'calc' || d.repository === 'shop')));

    const read = (f: string): { repository: string }[] =>
      fs.readFileSync(path.join(out, 'pairs', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const train = read('train.jsonl');
    const valid = read('valid.jsonl');
    assert.equal(train.length + valid.length, t.pairs);
    assert.equal(t.trainPairs, train.length);
    for (const p of stats.packages) {
      const name = p.package.split('_')[0];
      const where = p.split === 'valid' ? valid : train;
      assert.equal(where.filter((r) => r.repository === name).length, p.pairs, name);
    }
    const calcStats = stats.packages.find((p) => p.package === 'calc_1.0-1')!;
    assert.equal(calcStats.pairs, 35);
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'stats.json'), 'utf8'));
    assert.equal(saved.totals.pairs, t.pairs);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'mine-report.json'), 'utf8'));
    assert.equal(report.pairs, t.pairs);
    assert.ok(report.skips.some((s: { test_path: string }) => s.test_path.startsWith('calc/')));

    // a second build reuses the unpacked folders and gives the same numbers
    const again = await buildCorpus({ cacheDir: cache, outDir: out, validFraction: 0.5, log: () => {} });
    assert.equal(again.totals.pairs, t.pairs);
    assert.equal(again.totals.keptFiles, t.keptFiles);
  });

  it('counts tokens with a given tokenizer', async () => {
    const { byteLevelTokenizerJson } = await import('../../../src/model/init');
    const cache = tmp();
    const out = tmp();
    fakePackage(cache, 'geo', '1-1', [path.join(FIXTURES, 'geo')]);
    const tokFile = path.join(out, 'tokenizer.json');
    fs.writeFileSync(tokFile, JSON.stringify(byteLevelTokenizerJson()));
    fakePackage(cache, 'reserved-for-eval', '1-1', [path.join(FIXTURES, 'calc')]);
    const logs: string[] = [];
    const stats = await buildCorpus({ cacheDir: cache, outDir: out, tokenizerPath: tokFile, pairs: false, log: (l) => logs.push(l), allowed: new Set(['geo']) });
    assert.deepEqual(stats.notAllowed, ['reserved-for-eval_1-1']);
    assert.match(logs[0], /not on the training list, left out: reserved-for-eval_1-1/);
    assert.equal(stats.totals.packages, 1);
    // a byte-level tokenizer without merges: one token per UTF-8 byte
    assert.equal(stats.totals.tokens, stats.totals.keptBytes);
    assert.equal(stats.packages[0].tokens, stats.totals.keptBytes);
    assert.equal(stats.totals.pairs, 0);
  });

  it('says clearly when nothing was fetched', async () => {
    await assert.rejects(buildCorpus({ cacheDir: tmp(), outDir: tmp() }), /run 'testtune corpus fetch' first/);
  });
});
