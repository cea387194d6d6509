// CLI contract of `testtune project`, run in-process on the fixture projects and their fake repository.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';

const FIX = path.resolve(__dirname, '../../fixtures/project');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void (err += a.join(' ') + '\n');
  try {
    return { code: await main(argv), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('testtune project', () => {
  it('prints layout, framework, classpath and every unresolved dependency with its reason', async () => {
    const r = await run(['project', path.join(FIX, 'maven-app'), '--m2', path.join(FIX, 'm2')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^build {6}maven, Java 11$/m);
    assert.match(r.out, /^framework {2}junit5 5\.9\.3$/m);
    assert.match(r.out, /^ {2}org\.example:lib-missing:9\.9: jar not found in .*m2.* \(from .*maven-app\/pom\.xml\)$/m);
    assert.match(r.out, /^ {2}org\.example:lib-r:1\.2 → 1\.1$/m);
  });

  it('--build-tool-time-limit needs --run-build-tool, and a plain project runs no build tool', async () => {
    const bad = await run(['project', path.join(FIX, 'plain'), '--build-tool-time-limit', '5']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err + bad.out, /--build-tool-time-limit needs --run-build-tool/);
    const plain = await run(['project', path.join(FIX, 'plain'), '--run-build-tool', '--json']);
    assert.equal(plain.code, 0, plain.err);
    assert.equal(JSON.parse(plain.out).buildTool, undefined);
  });

  it('prints one JSON object with --json', async () => {
    const r = await run(['project', path.join(FIX, 'plain'), '--json']);
    assert.equal(r.code, 0, r.err);
    const model = JSON.parse(r.out);
    assert.equal(model.build, 'plain');
    assert.deepEqual(model.testClasspath, [path.join(FIX, 'plain/lib/dep.jar')]);
    assert.deepEqual(model.unresolved, []);
  });

  it('refuses a folder that does not exist, naming it', async () => {
    const r = await run(['project', path.join(FIX, 'nope')]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /nope is not a folder/);
  });
});
