// `testtune generate --verify --json` end to end: a scripted tiny model writes the test body, the
// pipeline verifies it with the real javac, JUnit console launcher and JaCoCo (Debian's packages), adds
// an assertion that observes the focal method's result, repairs it with the observed value, and places
// only a passing test.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command } from '../../src/cli/commands/generate';
import { runCli } from '../helpers/capture-cli';
import { chain, makeScriptedModel } from './helpers/tiny-model';

const Q = `package demo;

public class Q {
    public static int f(int v) {
        return v * 2;
    }

    public static int g(int v) {
        return v + 1;
    }
}
`;

const run = (argv: string[]) => runCli(command, argv);

describe('testtune generate --verify (scripted model, real javac + JUnit + JaCoCo)', function () {
  this.timeout(300_000);
  let tmp: string;
  let model: string;
  let other: string;
  let unknown: string;
  let focal: string;
  let project: string;
  let cache: string;
  const saved = process.env.XDG_CACHE_HOME;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-gen-verify-'));
    cache = path.join(tmp, 'cache');
    process.env.XDG_CACHE_HOME = cache; // the verification caches stay in the test's folder
    // every character has one successor: after the prompt's "{\n" the model writes "int y=Q.f(3);}"
    model = path.join(tmp, 'model');
    makeScriptedModel(model, chain('\nint y=Q.f(3);}'), { config: { maxPositions: 2048 } });
    other = path.join(tmp, 'other');
    makeScriptedModel(other, chain('\n x();}'), { config: { maxPositions: 2048 } }); // calls no focal method
    unknown = path.join(tmp, 'unknown');
    makeScriptedModel(unknown, chain('\nQ.f(k);}'), { config: { maxPositions: 2048 } }); // k: javac cannot find it
    project = path.join(tmp, 'proj');
    fs.mkdirSync(path.join(project, 'src/main/java/demo'), { recursive: true });
    fs.writeFileSync(path.join(project, 'pom.xml'), '<project><modelVersion>4.0.0</modelVersion><groupId>d</groupId><artifactId>q</artifactId><version>1</version></project>');
    focal = path.join(project, 'src/main/java/demo/Q.java');
    fs.writeFileSync(focal, Q);
  });
  after(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('observes the result, repairs the assertion with the observed value, and reports it as JSON', async () => {
    const r = await run([focal, '--method', 'f', '--model', model, '--provider', 'cpu', '--verify', '--candidates', '1', '--rounds', '2', '--json']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.status, 'passes', JSON.stringify(report, null, 1));
    assert.equal(report.callsFocal, true);
    assert.deepEqual(report.focalLines, { covered: 1, total: 1 });
    assert.match(report.test, /int y=Q\.f\(3\);\n\s*assertEquals\(6, y\);/);
    assert.equal(report.attempts.length, 2);
    assert.equal(report.attempts[0].status, 'fails');
    assert.match(report.attempts[0].message, /expected: <0> but was: <6>/);
    assert.ok(report.attempts[0].repairs.some((r: string) => /added assertEquals\(0, y\)/.test(r)), report.attempts[0].repairs.join('; '));
    assert.equal(report.attempts[1].status, 'passes');
    assert.ok(report.seconds > 0);
    assert.equal(typeof report.attempts[0].output, 'string');
  });

  it('--write places only a passing test, with its import, and leaves the focal file as it was', async () => {
    const r = await run([focal, '--method', 'f', '--model', model, '--provider', 'cpu', '--verify', '--candidates', '1', '--write']);
    assert.equal(r.code, 0, r.err);
    const test = fs.readFileSync(path.join(project, 'src/test/java/demo/QTest.java'), 'utf8');
    assert.match(test, /import static org\.junit\.jupiter\.api\.Assertions\.assertEquals;/);
    assert.match(test, /assertEquals\(6, y\);/);
    assert.equal(fs.readFileSync(focal, 'utf8'), Q);
  });

  it('rejects a test that never calls the focal method, places nothing, and says why', async () => {
    const before = fs.readFileSync(path.join(project, 'src/test/java/demo/QTest.java'), 'utf8');
    // 8 tokens: the decoding's focal-call rule gives way near the limit (so the method still closes), and the
    // model's ` x();}` closes inside that zone; the candidate rules then reject it
    const r = await run([focal, '--method', 'g', '--model', other, '--provider', 'cpu', '--verify', '--candidates', '1', '--write', '--json', '--max-new-tokens', '8']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out);
    assert.equal(report.status, 'not-verified');
    assert.equal(report.test, null);
    assert.match(report.attempts[0].message, /does not call the focal method g/);
    assert.match(report.errors[0], /no candidate passes/);
    assert.equal(fs.readFileSync(path.join(project, 'src/test/java/demo/QTest.java'), 'utf8'), before);
  });

  it('re-decodes from the statement javac rejects with the name it could not find forbidden, before removing it', async () => {
    // the symbol constraint would refuse the unknown `k` while decoding; re-decoding is the repair for what
    // reaches javac anyway (a name the scope did not know), so the constraint is off to let `k` through
    const r = await run([focal, '--method', 'f', '--model', unknown, '--provider', 'cpu', '--verify', '--candidates', '1', '--rounds', '2', '--json', '--symbol-constraint', 'off']);
    const report = JSON.parse(r.out);
    assert.equal(report.attempts[0].status, 'does-not-compile', JSON.stringify(report.attempts[0]));
    assert.match(report.attempts[0].test, /Q\.f\(k\)/);
    const redecoded = report.attempts[1];
    assert.ok(redecoded, JSON.stringify(report, null, 1));
    assert.match(redecoded.repairs.join('; '), /re-decoded from line \d+ with k forbidden \(javac could not find k\)/);
    assert.ok(!/\bk\b/.test(redecoded.test.replace(/"(?:[^"\\\n]|\\.)*"/g, '""')), `k is written again: ${redecoded.test}`);
  });

  it('refuses search options without --verify', async () => {
    const r = await run([focal, '--method', 'f', '--model', model, '--candidates', '3']);
    assert.equal(r.code, -1);
    assert.match(r.err, /--candidates needs --verify/);
  });
});
