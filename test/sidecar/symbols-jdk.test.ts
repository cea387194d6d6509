// The JDK's public API from the JDK on this machine (its own release from lib/modules, older ones from
// lib/ct.sym), read once and then from the cache,
// and a scope with the JDK indexed: java.lang resolved, the focal class complete up to Object.
// Seconds, not milliseconds: it reads the whole java.* API, so it lives in this tier.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIndex } from '../../src/symbols/build-index';
import { buildScope } from '../../src/symbols/build-scope';
import { findJdkHome, jdkRelease, readJdkApi, type JdkApi } from '../../src/symbols/jdk';
import { SymbolIndex } from '../../src/symbols/symbol-index';

describe('symbols: the JDK API', function () {
  this.timeout(120_000);
  let cacheDir: string;
  let api: JdkApi;
  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-jdkapi-'));
    const r = await readJdkApi({ cacheDir });
    if ('error' in r) throw new Error(r.error); // a JDK is installed here and in CI
    api = r;
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  const methods = (type: string, name: string) => api.types.find((t) => t.name === type)!.members.filter((m) => m.kind === 'method' && m.name === name);

  it('knows java.util.List#add (arities 1 and 2) and String#substring, and no private members', () => {
    assert.ok(findJdkHome());
    assert.deepEqual(methods('java.util.List', 'add').map((m) => m.arity).sort(), [1, 2]);
    assert.deepEqual(methods('java.lang.String', 'substring').map((m) => [m.arity, m.type]).sort(), [[1, 'java.lang.String'], [2, 'java.lang.String']]);
    assert.ok(api.types.find((t) => t.name === 'java.util.Map.Entry'));
    assert.ok(api.types.length > 3000, `${api.types.length} types`);
    assert.ok(!api.types.some((t) => t.package.startsWith('sun.') || t.package.startsWith('jdk.')));
    assert.ok(!api.types.find((t) => t.name === 'java.lang.String')!.members.some((m) => m.access === 'private'), 'ct.sym carries the API, not the implementation');
  });

  it("reads the JDK's own release from its runtime image: HexFormat (Java 17) is there exactly when the JDK is 17 or newer", () => {
    const own = jdkRelease(findJdkHome()!);
    assert.equal(api.release, own);
    assert.equal(!!api.types.find((t) => t.name === 'java.util.HexFormat'), own! >= 17);
    assert.ok(!api.types.some((t) => t.package.startsWith('jdk.internal') || t.package.startsWith('sun.')), 'only exported packages');
  });

  it('reads the cache on the second call, and the requested older release', async () => {
    const again = await readJdkApi({ cacheDir });
    assert.ok(!('error' in again) && again.fromCache && again.types.length === api.types.length);
    const eight = await readJdkApi({ release: 8 });
    assert.ok(!('error' in eight));
    assert.equal(eight.release, 8);
    const list8 = eight.types.find((t) => t.name === 'java.util.List')!;
    assert.ok(!list8.members.some((m) => m.name === 'of'), 'List.of came in Java 9');
    assert.ok(methods('java.util.List', 'of').length > 0);
    const sixteen = await readJdkApi({ release: 16 });
    assert.ok(!('error' in sixteen) && sixteen.release === 16 && !sixteen.types.some((t) => t.name === 'java.util.HexFormat'));
  });

  it('a scope with the JDK indexed resolves java.lang and is complete up to Object', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-jdkscope-'));
    try {
      const file = path.join(dir, 'src', 'main', 'java', 'p', 'Names.java');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const text = 'package p;\nimport java.util.List;\npublic class Names {\n  public String first(List<String> xs) { return xs.get(0); }\n}\n';
      fs.writeFileSync(file, text);
      const index = new SymbolIndex();
      await buildIndex(index, { classpath: [], sourceFiles: [file] }, { cacheDir });
      const scope = await buildScope(index, { focalPath: file, focalText: text, method: { enclosingType: 'Names' }, location: { packageName: 'p', testClassName: 'NamesTest', testFile: path.join(dir, 'NamesTest.java') }, framework: 'junit5', mockito: false });
      assert.equal(scope.types['p.Names'].complete, true);
      assert.deepEqual(scope.types['p.Names'].methods.first.returns, { 1: 'java.lang.String' });
      assert.deepEqual(scope.types['java.lang.String'].methods.substring.arities, [1, 2]);
      assert.equal(scope.types['java.lang.String'].complete, true);
      assert.ok(scope.knownPackages.includes('java.lang'));
      assert.equal(scope.visibleTypes.String, 'java.lang.String');
      assert.ok(Object.keys(scope.types).length <= 300);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
