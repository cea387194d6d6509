// The project's own JUnit version through the verification harness (src/verify/junit-runtime.ts):
// a copy of the shop5 fixture whose pom asks for JUnit Jupiter 5.12.2 (from ~/.m2) runs its candidate
// under that version (the test itself checks which jar its Jupiter API was loaded from), and one
// that asks for JUnit 6 runs with Debian's 5.9.2 and says so. Real javac, launcher and JaCoCo.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileMainClasses, loadProjectModel } from '../../src/verify/project';
import { verifyCandidate, type FocalMethod } from '../../src/verify/verify';

const SHOP5 = path.join(__dirname, '..', 'fixtures', 'verify', 'shop5');
const total: FocalMethod = { className: 'com.example.shop.Cart', methodName: 'total', parameterTypes: [], startLine: 17, endLine: 23 };

/** The candidate checks which jar its Jupiter API came from. */
const testClass = (expectedJar: string) => `package com.example.shop;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CartTest {
  @Test
  void sumsUnderTheProjectsJUnit() {
    Cart cart = new Cart();
    cart.add(250);
    assertEquals(250L, cart.total());
    String jar = Test.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    assertTrue(jar.endsWith("${expectedJar}"), jar);
  }
}
`;

describe("verifyCandidate with the project's own JUnit version", function () {
  this.timeout(180_000);
  let tmp: string;
  const projectWith = (junitVersion: string) => {
    const dir = path.join(tmp, `shop-${junitVersion}`);
    fs.cpSync(SHOP5, dir, { recursive: true });
    const pom = path.join(dir, 'pom.xml');
    fs.writeFileSync(pom, fs.readFileSync(pom, 'utf8').replace('<version>5.9.2</version>', `<version>${junitVersion}</version>`));
    return dir;
  };
  const verifyIn = async (dir: string, expectedJar: string) => {
    const project = loadProjectModel(dir);
    assert.equal(project.unresolved.length, 0, JSON.stringify(project.unresolved));
    const cacheDir = path.join(tmp, 'cache');
    const main = await compileMainClasses(project, { cacheDir, release: 11 });
    assert.deepEqual(main.errors, []);
    const testFile = path.join(dir, 'src/test/java/com/example/shop/CartTest.java');
    return verifyCandidate({ project, mainClassesDir: main.classesDir!, testFile, testClassText: testClass(expectedJar), testMethodName: 'sumsUnderTheProjectsJUnit', focal: total, cacheDir });
  };

  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-verify-junit-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('runs a Jupiter 5.12.2 project under Jupiter 5.12.2, with focal coverage', async () => {
    const r = await verifyIn(projectWith('5.12.2'), '/junit-jupiter-api-5.12.2.jar');
    assert.equal(r.status, 'passes', r.log);
    assert.match(r.junit ?? '', /Jupiter 5\.12\.2 \(the project's classpath\)/);
    assert.equal(r.junitNote, undefined);
    assert.equal(r.callsFocal, true);
    assert.ok(r.focalLines.covered > 0);
  });

  it("runs a JUnit 6 project with Debian's 5.9.2 and names both versions", async () => {
    const r = await verifyIn(projectWith('6.1.3'), '/junit-platform-console-standalone.jar');
    assert.equal(r.status, 'passes', r.log);
    assert.match(r.junitNote ?? '', /JUnit 6\.1\.3 .*ran with JUnit 5\.9\.2/);
    assert.match(r.log, /JUnit 6\.1\.3/);
  });
});
