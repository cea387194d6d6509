// CLI contract of `testtune context` and `testtune place`, run in-process on the sample project.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { buildContext } from '../../../src/java/context';

const SAMPLE = path.join(__dirname, '../../../examples/calculator');
const PKG = 'src/main/java/com/example/calculator';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = process.stdout.write.bind(process.stdout);
  const log = console.log;
  const error = console.error;
  process.stdout.write = ((s: string | Uint8Array) => {
    out += String(s);
    return true;
  }) as typeof process.stdout.write;
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void (err += a.join(' ') + '\n');
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = write;
    console.log = log;
    console.error = error;
  }
}

function copySample(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-cli-'));
  fs.cpSync(SAMPLE, dir, { recursive: true });
  return dir;
}

function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else m.set(path.relative(dir, p), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return m;
}

describe('testtune context', function () {
  this.timeout(30000);
  it('prints the context of a method by name, exactly as buildContext renders it', async () => {
    const file = path.join(SAMPLE, PKG, 'Calculator.java');
    const r = await run(['context', file, '--method', 'factorial']);
    assert.equal(r.code, 0, r.err);
    const test = fs.readFileSync(path.join(SAMPLE, 'src/test/java/com/example/calculator/CalculatorTest.java'), 'utf8');
    const expected = await buildContext(fs.readFileSync(file, 'utf8'), { name: 'factorial' }, { testSource: test, testClassName: 'CalculatorTest', framework: 'junit5' });
    assert.equal(r.out, expected.context);
    assert.ok(r.out.endsWith('    private Calculator calculator;\n\n    @Test\n    void testFactorial() {\n'));
  });

  it('takes a 1-based --line and a --format', async () => {
    const r = await run(['context', path.join(SAMPLE, PKG, 'TextStats.java'), '--line', '21', '--format', 'fm']);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.startsWith('public static boolean isPalindrome(String text) {'), r.out);
  });

  it('fails with a clear message on bad input', async () => {
    const notJava = await run(['context', path.join(SAMPLE, 'pom.xml'), '--method', 'x']);
    assert.equal(notJava.code, 1);
    assert.match(notJava.err, /is not a \.java file/);
    const both = await run(['context', path.join(SAMPLE, PKG, 'Calculator.java')]);
    assert.match(both.err, /exactly one of --method <name> or --line <n>/);
    const outside = await run(['context', path.join(SAMPLE, PKG, 'Calculator.java'), '--line', '1']);
    assert.equal(outside.code, 1);
    assert.match(outside.err, /line 1 is not inside a method/);
    const fmt = await run(['context', path.join(SAMPLE, PKG, 'Calculator.java'), '--line', '17', '--format', 'xyz']);
    assert.match(fmt.err, /unknown --format 'xyz'/);
  });
});

describe('testtune place', function () {
  this.timeout(60000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('--dry-run --json prints {"path","created","text"} and writes nothing', async () => {
    const dir = copySample();
    dirs.push(dir);
    const code = path.join(dir, 'generated.txt');
    fs.writeFileSync(code, '@Test\nvoid testPush() {\n    BoundedStack<String> s = new BoundedStack<>(1);\n    assertTrue(s.push("a"));\n}\n}\n');
    const before = snapshot(dir);
    const r = await run(['place', path.join(dir, PKG, 'BoundedStack.java'), '--method', 'push', '--test-code', code, '--dry-run', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j).sort(), ['created', 'path', 'text']);
    assert.equal(j.path, path.join(dir, 'src/test/java/com/example/calculator/BoundedStackTest.java'));
    assert.equal(j.created, true);
    assert.match(String(j.text), /^package com\.example\.calculator;\n\nimport org\.junit\.jupiter\.api\.Test;\nimport static org\.junit\.jupiter\.api\.Assertions\.assertTrue;\n\nclass BoundedStackTest \{/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('writes the test files, which compile with javac against JUnit 5', async function () {
    const dir = copySample();
    dirs.push(dir);
    const code = path.join(dir, 'generated.txt');
    fs.writeFileSync(code, '@Test\nvoid testAdd() {\n    assertEquals(7, new Calculator().add(3, 4));\n}');
    const add = await run(['place', path.join(dir, PKG, 'Calculator.java'), '--method', 'add', '--test-code', code]);
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /updated .*CalculatorTest\.java \(test method testAdd2\)/);
    fs.writeFileSync(code, 'Sure! @Test\nvoid testPop() {\n    BoundedStack<Integer> s = new BoundedStack<>(2);\n    s.push(1);\n    assertEquals(1, s.pop());\n}\n}\n\n}');
    const pop = await run(['place', path.join(dir, PKG, 'BoundedStack.java'), '--method', 'pop', '--test-code', code]);
    assert.equal(pop.code, 0, pop.err);
    assert.match(pop.out, /created .*BoundedStackTest\.java \(test method testPop\)/);
    assert.ok(fs.readFileSync(path.join(dir, 'src/test/java/com/example/calculator/BoundedStackTest.java'), 'utf8').includes('\n    @Test\n    void testPop() {\n'));
    const jar = '/usr/share/java/junit-platform-console-standalone.jar';
    if (!fs.existsSync(jar)) throw new Error(`${jar} is missing: .ci/run installs it (Debian's junit packages)`);
    const files = [...snapshot(dir).keys()].filter((f) => f.endsWith('.java')).map((f) => path.join(dir, f));
    execFileSync('javac', ['-d', path.join(dir, 'classes'), '-cp', jar, ...files], { stdio: 'pipe' });
  });

  it('refuses an unknown method and incomplete test code', async () => {
    const dir = copySample();
    dirs.push(dir);
    const code = path.join(dir, 'generated.txt');
    fs.writeFileSync(code, '@Test\nvoid t() {\n    assertTrue(true);\n');
    const r1 = await run(['place', path.join(dir, PKG, 'Calculator.java'), '--method', 'nope', '--test-code', code]);
    assert.equal(r1.code, 1);
    assert.match(r1.err, /no method 'nope'/);
    const r2 = await run(['place', path.join(dir, PKG, 'Calculator.java'), '--method', 'add', '--test-code', code]);
    assert.equal(r2.code, 1);
    assert.match(r2.err, /ended before the method's closing brace/);
  });
});
