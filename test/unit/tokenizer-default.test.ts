// The shipped default tokenizer (models/default/tokenizer.json, see docs/tokenizer.md).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '../../src/model/tokenizer';

const ROOT = path.resolve(__dirname, '../..');
const FILE = path.join(ROOT, 'models/default/tokenizer.json');

const JAVA = `package com.example.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AccountTest {
    @Test
    void withdrawReducesBalance() {
        Account account = new Account("alice", 100);
        account.withdraw(30);
        assertEquals(70, account.getBalance());
    }

    @Test
    void withdrawMoreThanBalanceThrows() {
        Account account = new Account("bob", 10);
        assertThrows(IllegalArgumentException.class, () -> account.withdraw(20));
    }
}
`;

describe('default tokenizer (models/default/tokenizer.json)', function () {
  this.timeout(30_000);
  const tok = Tokenizer.fromFile(FILE);

  it('has the measured vocabulary size and <|endoftext|> as id 0', () => {
    assert.equal(tok.vocabSize, 8192);
    assert.equal(tok.eosId, 0);
    assert.equal(tok.idToToken(0), '<|endoftext|>');
    assert.equal(tok.padId, 0);
  });

  it('compresses JUnit test code well beyond bytes (more than 3 bytes per token)', () => {
    const ids = tok.encode(JAVA);
    assert.equal(tok.decode(ids), JAVA);
    const bpt = Buffer.byteLength(JAVA) / ids.length;
    assert.ok(bpt > 3, `bytes/token ${bpt.toFixed(2)}`);
    for (const word of [' assertEquals', ' @Test', ' void', ' IllegalArgumentException', ' new']) {
      const w = tok.encode(word);
      assert.ok(w.length <= 2, `${JSON.stringify(word)} → ${w.map((i) => tok.idToToken(i)).join(' ')}`);
    }
  });

  it('round-trips every Java file under test/fixtures and examples', () => {
    const walk = (d: string): string[] =>
      !fs.existsSync(d)
        ? []
        : fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.java') ? [path.join(d, e.name)] : [],
          );
    for (const f of [...walk(path.join(ROOT, 'test/fixtures')), ...walk(path.join(ROOT, 'examples'))]) {
      const text = fs.readFileSync(f, 'utf8');
      assert.equal(tok.decode(tok.encode(text)), text, f);
    }
  });
});
