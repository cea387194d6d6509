import { strict as assert } from 'node:assert';
import { isTestClassName, isUnderTestRoot, lensTargets } from '../../../src/java/lens-targets';
import { listMethods } from '../../../src/java/methods';

const MAIN = '/ws/proj/src/main/java/com/acme/Calc.java';

async function lensNames(file: string, source: string, testSourceRoot = ''): Promise<string[]> {
  const listing = await listMethods(source);
  return lensTargets(file, source, listing.methods, { testSourceRoot, workspaceRoot: '/ws/proj' }).map((m) => `${m.enclosingType}.${m.name}`);
}

describe('code lens targets', () => {
  it('a plain class: public, protected and package-private methods, not private, abstract, native or constructors', async () => {
    const src =
      'package com.acme;\n\npublic abstract class Calc {\n  public Calc() {}\n  public int add(int a, int b) { return a + b; }\n' +
      '  protected int sub(int a, int b) { return a - b; }\n  int twice(int a) { return helper(a) * 2; }\n' +
      '  private int helper(int a) { return a; }\n  public abstract int mul(int a, int b);\n  public native int div(int a, int b);\n' +
      '  static class Inner { public int neg(int a) { return -a; } private void hidden() {} }\n}\n';
    assert.deepEqual(await lensNames(MAIN, src), ['Calc.add', 'Calc.sub', 'Calc.twice', 'Calc.Inner.neg']);
  });

  it('no lens in a class with @Test methods, on its helpers, or in its nested classes, even outside a test root', async () => {
    const src =
      'package com.acme;\n\nimport org.junit.jupiter.api.Test;\n\nclass Checks {\n  @Test\n  void adds() { check(1); }\n' +
      '  void check(int x) {}\n  static class Fixture { int make() { return 1; } }\n}\n\nclass Other {\n  int keep() { return 1; }\n}\n';
    assert.deepEqual(await lensNames('/ws/proj/src/main/java/com/acme/Checks.java', src), ['Other.keep']);
    const parameterized = 'class Sums {\n  @org.junit.jupiter.params.ParameterizedTest\n  void sums(int x) {}\n  int helper() { return 1; }\n}\n';
    assert.deepEqual(await lensNames('/ws/proj/Sums.java', parameterized), []);
  });

  it('no lens in classes named like tests (FooTest, FooTests, FooIT)', async () => {
    for (const name of ['CalcTest', 'CalcTests', 'CalcIT']) {
      assert.deepEqual(await lensNames(`/ws/proj/lib/${name}.java`, `class ${name} {\n  int setUp() { return 1; }\n}\n`), [], name);
    }
    assert.equal(isTestClassName('Contest'), false);
    assert.equal(isTestClassName('Manifest'), false);
  });

  it('no lens in files under a test source root', async () => {
    const src = 'package com.acme;\n\nclass Helper {\n  public int make() { return 1; }\n}\n';
    for (const file of [
      '/ws/proj/src/test/java/com/acme/Helper.java',
      '/ws/proj/module/src/integrationTest/java/com/acme/Helper.java',
      '/ws/proj/src/it/java/com/acme/Helper.java',
      '/ws/proj/test/com/acme/Helper.java',
    ]) {
      assert.deepEqual(await lensNames(file, src), [], file);
    }
    assert.deepEqual(await lensNames('/ws/proj/checks/java/com/acme/Helper.java', src, 'checks/java'), [], 'the configured test root');
    assert.deepEqual(await lensNames('/ws/proj/src/main/java/com/acme/Helper.java', src), ['Helper.make']);
  });

  it('a package named test is not a test root', () => {
    const src = 'package com.acme.test;\nclass Tool {}\n';
    assert.equal(isUnderTestRoot('/ws/proj/src/main/java/com/acme/test/Tool.java', src), false);
    assert.equal(isUnderTestRoot('/ws/proj/src/test/java/com/acme/test/Tool.java', src), true);
  });

  it('folders above the workspace do not count', () => {
    const src = 'package com.acme;\nclass Tool {}\n';
    assert.equal(isUnderTestRoot('/home/u/tests/proj/src/main/java/com/acme/Tool.java', src, { workspaceRoot: '/home/u/tests/proj' }), false);
    assert.equal(isUnderTestRoot('/home/u/tests/proj/test/com/acme/Tool.java', src, { workspaceRoot: '/home/u/tests/proj' }), true);
  });
});
