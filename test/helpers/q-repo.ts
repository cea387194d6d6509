// A small Maven repository for the fine-tuning tests (mining, export, finetune): `packages` packages,
// each with a class Q and a JUnit 5 test class of it, so pairs split cleanly by test class.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Package p<i>: class Q with f(v) = v * (i + 2), and QTest with two JUnit 5 tests of f. */
export function writeRepo(root: string, packages: number): void {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'pom.xml'), '<project><modelVersion>4.0.0</modelVersion><groupId>d</groupId><artifactId>q</artifactId><version>1</version></project>');
  for (let i = 0; i < packages; i++) {
    const main = path.join(root, `src/main/java/p${i}`);
    const test = path.join(root, `src/test/java/p${i}`);
    fs.mkdirSync(main, { recursive: true });
    fs.mkdirSync(test, { recursive: true });
    fs.writeFileSync(path.join(main, 'Q.java'), `package p${i};\n\npublic class Q {\n    public static int f(int v) {\n        return v * ${i + 2};\n    }\n}\n`);
    fs.writeFileSync(
      path.join(test, 'QTest.java'),
      `package p${i};\n\nimport org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\npublic class QTest {\n` +
        `    @Test\n    public void testF() {\n        assertEquals(${2 * (i + 2)}, Q.f(2));\n    }\n\n` +
        `    @Test\n    public void testFZero() {\n        int r = Q.f(0);\n        assertEquals(0, r);\n    }\n}\n`,
    );
  }
}
