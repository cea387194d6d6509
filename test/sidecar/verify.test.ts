// verifyCandidate on the fixture projects under test/fixtures/verify/ with the real toolchain (javac,
// the JUnit console launcher, JaCoCo): statuses, focal-method coverage, the cache, and the sandbox
// (a loop, System.exit, file writes, sockets). Each run starts a JVM, hence the sidecar tier.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileMainClasses, loadProjectModel, type ProjectModel } from '../../src/verify/project';
import { verifyCandidate, type FocalMethod } from '../../src/verify/verify';
import { repairFromResult } from '../../src/verify/repair';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'verify');

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)}:${fs.statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('verifyCandidate (javac, JUnit console launcher, JaCoCo)', function () {
  this.timeout(180_000);
  let cacheDir: string;
  let shop5: ProjectModel;
  let main5: string;
  const before5 = snapshot(path.join(FIXTURES, 'shop5'));
  const testFile = path.join(FIXTURES, 'shop5', 'src/test/java/com/example/shop/CartTest.java');
  // Cart.total() spans lines 18-24 (0-based 17-23).
  const total: FocalMethod = { className: 'com.example.shop.Cart', methodName: 'total', parameterTypes: [], startLine: 17, endLine: 23 };
  const add: FocalMethod = { className: 'com.example.shop.Cart', methodName: 'add', parameterTypes: ['long'], startLine: 10, endLine: 15 };
  const classWith = (body: string, imports = '') => `package com.example.shop;

import static org.junit.jupiter.api.Assertions.*;
${imports}
import org.junit.jupiter.api.Test;

class CartTest {
${body}
}
`;
  const verify = (text: string, method: string, focal: FocalMethod, timeoutMs = 20_000) =>
    verifyCandidate({ project: shop5, mainClassesDir: main5, testFile, testClassText: text, testMethodName: method, focal, timeoutMs, cacheDir });

  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-verify-test-'));
    shop5 = loadProjectModel(path.join(FIXTURES, 'shop5'));
    const main = await compileMainClasses(shop5, { cacheDir, release: 11 });
    assert.deepEqual(main.errors, []);
    main5 = main.classesDir!;
  });
  after(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    // Nothing in the workspace changed: no class files, no written files, no copies.
    assert.deepEqual(snapshot(path.join(FIXTURES, 'shop5')), before5);
  });

  it('passes, measures the focal method alone, and answers again from the cache', async () => {
    const text = classWith(`  @Test
  void sums() {
    Cart cart = new Cart();
    cart.add(250);
    cart.add(750);
    assertEquals(1000L, cart.total());
  }`);
    const r = await verify(text, 'sums', total);
    assert.equal(r.status, 'passes', r.log);
    assert.equal(r.callsFocal, true);
    assert.deepEqual(r.focalLines, { covered: 5, total: 5 });
    assert.deepEqual(r.focalBranches, { covered: 2, total: 2 });
    const again = await verify(text, 'sums', total);
    assert.equal(again.cached, true);
    assert.equal(again.status, 'passes');
    // add(): the negative-price branch was not taken.
    const onAdd = await verify(text, 'sums', add);
    assert.equal(onAdd.callsFocal, true);
    assert.ok(onAdd.focalLines.covered < onAdd.focalLines.total, JSON.stringify(onAdd.focalLines));
    assert.deepEqual(onAdd.focalBranches, { covered: 1, total: 2 });
  });

  it('three verifications of the same new test at once, from a cold cache, all pass and leave no run folder (two editors, parallel finetune runs)', async () => {
    const cold = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-verify-race-'));
    try {
      const main = await compileMainClasses(shop5, { cacheDir: cold, release: 11 });
      const text = classWith(`  @Test
  void racing() {
    Cart cart = new Cart();
    cart.add(5);
    assertEquals(5L, cart.total());
  }`);
      const one = () => verifyCandidate({ project: shop5, mainClassesDir: main.classesDir!, testFile, testClassText: text, testMethodName: 'racing', focal: total, timeoutMs: 20_000, cacheDir: cold });
      const results = await Promise.all([one(), one(), one()]);
      for (const r of results) assert.equal(r.status, 'passes', r.message ?? r.log);
      assert.deepEqual(fs.existsSync(path.join(cold, 'runs')) ? fs.readdirSync(path.join(cold, 'runs')) : [], []);
      const leftovers = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.name.endsWith('.tmp') ? [path.join(d, e.name)] : e.isDirectory() ? leftovers(path.join(d, e.name)) : []));
      assert.deepEqual(leftovers(cold), []);
    } finally {
      fs.rmSync(cold, { recursive: true, force: true });
    }
  });

  it('reports a failed assertion with expected and actual, and a test that never calls the focal method', async () => {
    const r = await verify(classWith(`  @Test
  void wrong() {
    Cart cart = new Cart();
    cart.add(250);
    assertEquals(300L, cart.total());
  }`), 'wrong', total);
    assert.equal(r.status, 'fails');
    assert.equal(r.failure?.kind, 'assertion');
    assert.equal(r.failure?.expected, '300');
    assert.equal(r.failure?.actual, '250');
    assert.equal(r.failure?.line, 12);
    const idle = await verify(classWith(`  @Test
  void empty() {
    assertTrue(new Cart().isEmpty());
  }`), 'empty', total);
    assert.equal(idle.status, 'passes');
    assert.equal(idle.callsFocal, false);
    assert.equal(idle.focalLines.covered, 0);
    assert.equal(idle.focalLines.total, 5);
  });

  it('reports an exception thrown through the focal method with its class and the test line', async () => {
    const r = await verify(classWith(`  @Test
  void negative() {
    Cart cart = new Cart();
    cart.add(-5);
  }`), 'negative', add);
    assert.equal(r.status, 'fails');
    assert.equal(r.failure?.kind, 'exception');
    assert.equal(r.failure?.exceptionClass, 'java.lang.IllegalArgumentException');
    assert.equal(r.failure?.throughFocal, true);
    assert.deepEqual(r.failure?.focalFrame, { method: 'add', line: 13 });
    assert.equal(r.failure?.line, 11);
    assert.equal(r.callsFocal, true);
  });

  it('names the symbol that does not compile, and compiles helpers from the other test sources', async () => {
    const bad = await verify(classWith(`  @Test
  void typo() {
    Cart cart = new Cart();
    assertEquals(0L, cart.totl());
  }`), 'typo', total);
    assert.equal(bad.status, 'does-not-compile');
    assert.equal(bad.compileErrors[0].symbol, 'totl');
    assert.equal(bad.compileErrors[0].line, 11);
    assert.equal(bad.compileErrors[0].file, testFile);
    const helper = await verify(classWith(`  @Test
  void viaFixtures() {
    assertEquals(30L, Fixtures.cartOf(10, 20).total());
  }`), 'viaFixtures', total);
    assert.equal(helper.status, 'passes', helper.log);
  });

  it('repairs from what the run said: the observed value, the exception through the focal method', async () => {
    const wrong = classWith(`  @Test
  void wrong() {
    Cart cart = new Cart();
    cart.add(250);
    assertEquals(300L, cart.total());
  }`);
    const first = await verify(wrong, 'wrong', total);
    const fixed = await repairFromResult(wrong, 'wrong', first, 'junit5');
    assert.match(fixed.classText ?? '', /assertEquals\(250L, cart\.total\(\)\);/);
    assert.equal((await verify(fixed.classText!, 'wrong', total)).status, 'passes');
    const throwing = classWith(`  @Test
  void negative() {
    Cart cart = new Cart();
    cart.add(-5);
    assertEquals(0L, cart.total());
  }`);
    const thrown = await verify(throwing, 'negative', add);
    const expecting = await repairFromResult(throwing, 'negative', thrown, 'junit5');
    assert.match(expecting.classText ?? '', /assertThrows\(IllegalArgumentException\.class, \(\) -> cart\.add\(-5\)\);/);
    const after = await verify(expecting.classText!, 'negative', add);
    assert.equal(after.status, 'passes', after.log);
    assert.equal(after.callsFocal, true);
  });

  it('sandbox: a loop is killed at the time limit', async () => {
    const r = await verify(classWith(`  @Test
  void forever() {
    assertEquals(0L, new Cart().spin());
  }`), 'forever', total, 3000);
    assert.equal(r.status, 'timeout');
    assert.ok(r.seconds < 20, `took ${r.seconds} s`);
  });

  it('sandbox: System.exit is refused and reported as an error; the run still ends', async () => {
    const r = await verify(classWith(`  @Test
  void exits() {
    new Cart().shutdown();
  }`), 'exits', total);
    assert.equal(r.status, 'error');
    assert.match(r.message ?? '', /System\.exit\(3\)/);
  });

  it('sandbox: files are written in the scratch copy only; sockets are refused', async () => {
    const inScratch = await verify(classWith(`  @Test
  void savesRelative() throws Exception {
    assertTrue(Files.exists(new Receipt().save(Path.of("receipt.txt"), "ok")));
    assertTrue(Files.exists(new Receipt().save(Files.createTempFile("r", ".txt"), "ok")));
  }`, 'import java.nio.file.Files;\nimport java.nio.file.Path;'), 'savesRelative', total);
    assert.equal(inScratch.status, 'passes', inScratch.log);
    const target = path.join(FIXTURES, 'shop5', 'escaped.txt');
    const outside = await verify(classWith(`  @Test
  void savesIntoWorkspace() throws Exception {
    new Receipt().save(Path.of(${JSON.stringify(target)}), "no");
  }`, 'import java.nio.file.Path;'), 'savesIntoWorkspace', total);
    assert.equal(outside.status, 'error');
    assert.match(outside.message ?? '', /writing outside the scratch copy/);
    assert.equal(fs.existsSync(target), false);
    const net = await verify(classWith(`  @Test
  void sends() throws Exception {
    assertTrue(new Receipt().send("127.0.0.1", 9));
  }`), 'sends', total);
    assert.equal(net.status, 'error');
    assert.match(net.message ?? '', /network access/);
  });

  it('runs JUnit 4 tests through the vintage engine and reads ComparisonFailure', async () => {
    const shop4 = loadProjectModel(path.join(FIXTURES, 'shop4'));
    assert.equal(shop4.framework, 'junit4');
    const main = await compileMainClasses(shop4, { cacheDir, release: 11 });
    const file4 = path.join(FIXTURES, 'shop4', 'src/test/java/org/acme/CounterTest.java');
    const focal: FocalMethod = { className: 'org.acme.Counter', methodName: 'describe', parameterTypes: [], startLine: 19, endLine: 21 };
    const text = `package org.acme;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class CounterTest {
  @Test
  public void describes() {
    Counter counter = new Counter(2);
    counter.increment();
    assertEquals("1/3", counter.describe());
  }
}
`;
    const r = await verifyCandidate({ project: shop4, mainClassesDir: main.classesDir!, testFile: file4, testClassText: text, testMethodName: 'describes', focal, cacheDir });
    assert.equal(r.status, 'fails', r.log);
    assert.equal(r.failure?.expected, '1/3');
    assert.equal(r.failure?.actual, '1/2');
    assert.equal(r.callsFocal, true);
    const ok = await verifyCandidate({ project: shop4, mainClassesDir: main.classesDir!, testFile: file4, testClassText: text.replace('"1/3"', '"1/2"'), testMethodName: 'describes', focal, cacheDir });
    assert.equal(ok.status, 'passes', ok.log);
    assert.deepEqual(ok.focalLines, { covered: 1, total: 1 });
  });
});
