// buildScope on a small project: the focal class's constructors and members as the test sees them,
// the types its members reach, the names visible to a new or an existing test file, bare names from
// static imports and the test class, and what stays unknown (an unresolved library, a partial index).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareTest } from '../../src/pipeline/prepare';
import { buildIndex } from '../../src/symbols/build-index';
import { buildScope } from '../../src/symbols/build-scope';
import { SymbolIndex } from '../../src/symbols/symbol-index';

const ACCOUNT = `package com.acme;

import java.util.List;
import org.unknown.Ledger;

public class Account {
    public static final String BANK = "acme";
    private final String owner;
    long cents;

    public Account() {
        this("nobody", 0);
    }

    public Account(String owner, long cents) {
        this.owner = owner;
        this.cents = cents;
    }

    private Account(int hidden) {
        this("h", hidden);
    }

    public Money balance() {
        return new Money(cents);
    }

    public void deposit(long amount) {
        cents += amount;
    }

    public static Account of(String owner) {
        return new Account(owner, 0);
    }

    Ledger ledger() {
        return null;
    }

    public List<Money> history() {
        return null;
    }
}
`;
const MONEY = `package com.acme;
public final class Money {
    public Money(long cents) {}
    public long cents() { return 0; }
    public Money plus(Money other) { return this; }
}
`;
const TEST = `package com.acme;

import static org.junit.jupiter.api.Assertions.*;
import org.junit.jupiter.api.Test;
import org.unknown.BaseTest;

class AccountTest extends BaseTest {
    private Account account = new Account();

    private Money zero() {
        return new Money(0);
    }

    @Test
    void existing() {
        assertNotNull(account);
    }
}
`;

describe('symbols: buildScope', function () {
  this.timeout(60_000);
  let root: string;
  let accountPath: string;
  let moneyPath: string;
  const others: string[] = [];
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-scope-'));
    const main = path.join(root, 'src', 'main', 'java', 'com', 'acme');
    fs.mkdirSync(main, { recursive: true });
    accountPath = path.join(main, 'Account.java');
    moneyPath = path.join(main, 'Money.java');
    fs.writeFileSync(accountPath, ACCOUNT);
    fs.writeFileSync(moneyPath, MONEY);
    for (const [pkg, name] of [['util', 'Helper'], ['util', 'Dup'], ['other', 'Dup']]) {
      const file = path.join(main, pkg, `${name}.java`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `package com.acme.${pkg};\npublic class ${name} {}\n`);
      others.push(file);
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  async function prepared(index: SymbolIndex, focalText = ACCOUNT) {
    const line = focalText.split('\n').findIndex((l) => l.includes('public void deposit'));
    const prep = await prepareTest({ focalPath: accountPath, focalText, selector: { line }, projectRoot: root, readFile: read, symbolIndex: index });
    assert.ok(prep.value, prep.errors.join('; '));
    return prep.value;
  }

  it('gives the focal class constructors and members, the types they reach, and what a new test file can name', async () => {
    const index = new SymbolIndex();
    await buildIndex(index, { jdk: false, classpath: [], sourceFiles: [accountPath, moneyPath, ...others] });
    const p = await prepared(index);
    assert.equal(p.location.exists, false);
    const scope = p.symbols!;
    const account = scope.types['com.acme.Account'];
    assert.deepEqual(account.constructors, [0, 2]); // the private one is not callable
    assert.deepEqual(account.methods.deposit, { static: false, arities: [1], varargs: false, returns: { 1: '' } });
    assert.deepEqual(account.methods.of, { static: true, arities: [1], varargs: false, returns: { 1: 'com.acme.Account' } });
    assert.deepEqual(account.methods.balance.returns, { 0: 'com.acme.Money' });
    assert.deepEqual(account.methods.ledger.returns, { 0: 'org.unknown.Ledger' }); // package-private: the test shares the package
    assert.deepEqual(account.methods.history.returns, { 0: 'java.util.List' });
    assert.deepEqual(account.fields.BANK, { static: true, type: 'String' }); // as written: no JDK indexed here to place it in java.lang
    assert.deepEqual(account.fields.cents, { static: false, type: 'long' });
    assert.equal(account.fields.owner, undefined);
    assert.deepEqual(account.supertypes, ['java.lang.Object']);
    assert.equal(account.complete, false, 'java.lang.Object is not indexed (no JDK here): unknown, not complete');
    assert.deepEqual(scope.types['com.acme.Money'].methods.plus.returns, { 1: 'com.acme.Money' });
    assert.equal(scope.types['org.unknown.Ledger'], undefined);
    assert.equal(scope.visibleTypes.Account, 'com.acme.Account');
    assert.equal(scope.visibleTypes.Money, 'com.acme.Money');
    assert.equal(scope.visibleTypes.Ledger, 'org.unknown.Ledger'); // the focal file's imports
    assert.equal(scope.visibleTypes.List, 'java.util.List');
    assert.equal(scope.visibleTypes.Test, 'org.junit.jupiter.api.Test');
    assert.equal(scope.visibleTypes.AccountTest, 'com.acme.AccountTest');
    assert.equal(scope.bareNames.assertEquals, 'method');
    // What placing the test imports on its own (src/java/type-imports.ts) is visible too: the JDK table,
    // the framework's types, a type of the main source root whose simple name is unique there.
    assert.equal(scope.visibleTypes.File, 'java.io.File');
    assert.equal(scope.visibleTypes.Assertions, 'org.junit.jupiter.api.Assertions');
    assert.equal(scope.visibleTypes.Helper, 'com.acme.util.Helper');
    assert.equal(scope.visibleTypes.Dup, undefined, 'two Dup classes: the insertion step imports neither');
    assert.equal(scope.bareNamesIncomplete, undefined);
    assert.equal(scope.bareNames.deposit, undefined, "the focal class's members are not bare names in its test");
    assert.deepEqual(scope.knownPackages, ['com.acme', 'com.acme.util']);
  });

  it('an existing test file: its imports, its fields and methods as bare names; an unknown supertype leaves them open', async () => {
    const testDir = path.join(root, 'src', 'test', 'java', 'com', 'acme');
    fs.mkdirSync(testDir, { recursive: true });
    fs.writeFileSync(path.join(testDir, 'AccountTest.java'), TEST);
    try {
      const index = new SymbolIndex();
      await buildIndex(index, { jdk: false, classpath: [], sourceFiles: [accountPath, moneyPath] });
      const p = await prepared(index);
      assert.equal(p.location.exists, true);
      const scope = p.symbols!;
      assert.equal(scope.bareNames.account, 'field');
      assert.equal(scope.bareNames.zero, 'method');
      assert.equal(scope.bareNames.assertNotNull, 'method');
      assert.equal(scope.bareNamesIncomplete, true, 'BaseTest is unknown: it may declare more names');
      assert.equal(scope.visibleTypes.BaseTest, 'org.unknown.BaseTest');
      assert.equal(scope.visibleTypes.Ledger, 'org.unknown.Ledger', "the focal file's imports: placing the test imports them when it names them");
      assert.ok(scope.types['com.acme.AccountTest']);
    } finally {
      fs.rmSync(path.join(root, 'src', 'test'), { recursive: true, force: true });
    }
  });

  it('reads the focal text as the editor has it (unsaved), and bounds the closure', async () => {
    const index = new SymbolIndex();
    await buildIndex(index, { jdk: false, classpath: [], sourceFiles: [accountPath, moneyPath] });
    const edited = ACCOUNT.replace('    public void deposit(', '    public int withdraw(long a, long b) { return 0; }\n\n    public void deposit(');
    const p = await prepared(index, edited);
    assert.deepEqual(p.symbols!.types['com.acme.Account'].methods.withdraw.arities, [2]);
    const small = await buildScope(index, p, { maxTypes: 1 });
    assert.deepEqual(Object.keys(small.types), ['com.acme.Account']);
  });

  it('a partial index (still being built) gives a smaller scope and claims no package', async () => {
    const index = new SymbolIndex();
    await buildIndex(index, { jdk: false, classpath: [], sourceFiles: [accountPath] });
    index.complete = false; // as while the workspace is still being indexed
    const scope = (await prepared(index)).symbols!;
    assert.ok(scope.types['com.acme.Account']);
    assert.equal(scope.types['com.acme.Money'], undefined);
    assert.deepEqual(scope.knownPackages, []);
  });

  it('without an index, prepareTest computes no scope', async () => {
    const line = ACCOUNT.split('\n').findIndex((l) => l.includes('public void deposit'));
    const prep = await prepareTest({ focalPath: accountPath, focalText: ACCOUNT, selector: { line }, projectRoot: root, readFile: read });
    assert.equal(prep.value!.symbols, undefined);
  });
});
