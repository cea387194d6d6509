// @Disabled / @Ignore tests do not run, so they are not mined: each is reported as skipped with the
// reason 'disabled' (not as an error), and the pairs that are mined feed `testtune eval --project`
// (eval reads the miner's focal_path).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mineRepo } from '../../../src/data/miner';
import { parseRows } from '../../../src/eval/dataset';

const FOCAL = 'package p;\n\npublic class Box {\n    public int twice(int x) {\n        return 2 * x;\n    }\n\n    public int half(int x) {\n        return x / 2;\n    }\n}\n';
const TEST = `package p;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BoxTest {
    @Test
    void testTwice() {
        assertEquals(4, new Box().twice(2));
    }

    @Disabled("flaky")
    @Test
    void testHalf() {
        assertEquals(1, new Box().half(2));
    }
}
`;
const IGNORED = `package p;

import org.junit.Ignore;
import org.junit.Test;

@Ignore
public class BoxOldTest {
    @Test
    public void testTwice() {
        org.junit.Assert.assertEquals(6, new Box().twice(3));
    }
}
`;

describe('mine: disabled tests', () => {
  it('skips @Disabled methods and @Ignore classes with the reason, and eval reads the pairs\' focal_path', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-mine-disabled-'));
    for (const [rel, text] of [['src/main/java/p/Box.java', FOCAL], ['src/test/java/p/BoxTest.java', TEST], ['src/test/java/p/BoxOldTest.java', IGNORED]]) {
      fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
      fs.writeFileSync(path.join(repo, rel), text);
    }
    const r = await mineRepo(repo);
    assert.deepEqual(r.records.map((x) => x.test_case), ['testTwice']);
    assert.equal(r.report.skipCounts.disabled, 2);
    assert.deepEqual(r.report.skips.filter((s) => s.reason === 'disabled').map((s) => s.test_case).sort(), ['testHalf', 'testTwice']);
    const rows = parseRows(r.records.map((x) => JSON.stringify(x)).join('\n'), 'pairs.jsonl');
    assert.equal(rows.rows[0].focalFile, 'src/main/java/p/Box.java');
  });
});
