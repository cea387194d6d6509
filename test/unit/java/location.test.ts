import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { declaredPackage, findProjectRoot, findTestLocation } from '../../../src/java/location';
import { treesRemovedAfter } from './tmpdir';

const FOO = 'package com.acme.util;\n\npublic class Foo {\n    int f() { return 1; }\n}\n';

describe('findTestLocation', () => {
  const tree = treesRemovedAfter();

  it('maps src/main/java to src/test/java in a Maven project', () => {
    const root = tree({ 'pom.xml': '<project/>', 'src/main/java/com/acme/util/Foo.java': FOO });
    const loc = findTestLocation(root, path.join(root, 'src/main/java/com/acme/util/Foo.java'));
    assert.deepEqual(loc, {
      testFile: path.join(root, 'src/test/java/com/acme/util/FooTest.java'),
      testClassName: 'FooTest',
      packageName: 'com.acme.util',
      exists: false,
      errors: [],
    });
  });

  it('finds the module of a multi-module Gradle project and accepts relative focal paths', () => {
    const root = tree({ 'settings.gradle': "include 'core'", 'core/build.gradle': '', 'core/src/main/java/com/acme/util/Foo.java': FOO });
    const loc = findTestLocation(root, 'core/src/main/java/com/acme/util/Foo.java');
    assert.equal(loc.testFile, path.join(root, 'core/src/test/java/com/acme/util/FooTest.java'));
    assert.equal(findProjectRoot(path.join(root, 'core/src/main/java/com/acme/util/Foo.java')), root);
  });

  it('prefers an existing FooTest, then FooTests, then TestFoo', () => {
    const base = { 'pom.xml': '', 'src/main/java/com/acme/util/Foo.java': FOO };
    const t = 'src/test/java/com/acme/util/';
    const r1 = tree({ ...base, [`${t}TestFoo.java`]: 'class TestFoo {}', [`${t}FooTests.java`]: 'class FooTests {}' });
    const l1 = findTestLocation(r1, path.join(r1, 'src/main/java/com/acme/util/Foo.java'));
    assert.equal(l1.testClassName, 'FooTests');
    assert.equal(l1.exists, true);
    const r2 = tree({ ...base, [`${t}TestFoo.java`]: 'class TestFoo {}' });
    assert.equal(findTestLocation(r2, path.join(r2, 'src/main/java/com/acme/util/Foo.java')).testClassName, 'TestFoo');
    const r3 = tree({ ...base, [`${t}FooTest.java`]: '', [`${t}FooTests.java`]: '' });
    assert.equal(findTestLocation(r3, path.join(r3, 'src/main/java/com/acme/util/Foo.java')).testClassName, 'FooTest');
  });

  it('honours a test root override (relative to the module, or absolute)', () => {
    const root = tree({ 'pom.xml': '', 'src/main/java/com/acme/util/Foo.java': FOO });
    const focal = path.join(root, 'src/main/java/com/acme/util/Foo.java');
    assert.equal(findTestLocation(root, focal, { testRootOverride: 'src/it/java' }).testFile, path.join(root, 'src/it/java/com/acme/util/FooTest.java'));
    assert.equal(findTestLocation(root, focal, { testRootOverride: '/abs/tests' }).testFile, '/abs/tests/com/acme/util/FooTest.java');
  });

  it('handles a plain src/ layout and files without a package', () => {
    const root = tree({ 'src/com/acme/util/Foo.java': FOO, 'src/Bare.java': 'class Bare {}' });
    assert.equal(findTestLocation(root, path.join(root, 'src/com/acme/util/Foo.java')).testFile, path.join(root, 'test/com/acme/util/FooTest.java'));
    const bare = findTestLocation(root, path.join(root, 'src/Bare.java'));
    assert.equal(bare.testFile, path.join(root, 'test/BareTest.java'));
    assert.equal(bare.packageName, '');
  });

  it('reports unreadable and non-Java files without throwing', () => {
    const loc = findTestLocation('/nonexistent', '/nonexistent/src/main/java/p/Foo.txt');
    assert.ok(loc.errors.some((e) => /not a \.java file/.test(e)));
    assert.ok(loc.errors.some((e) => /cannot read/.test(e)));
  });

  it('reads the package declaration past comments and annotations', () => {
    assert.equal(declaredPackage('/* licence */\n// x\n@Generated("x")\npackage a.b.c;\nclass A {}'), 'a.b.c');
    assert.equal(declaredPackage('class A {}'), '');
  });
});
