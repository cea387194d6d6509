import * as assert from 'node:assert/strict';
import { emptyReport, countSkip, mergeReports, formatReport } from '../../../src/data/report';
import { parseLabels, scoreMappings } from '../../../src/data/labels';

describe('mine report', () => {
  it('counts skips by reason, merges, and formats a summary', () => {
    const a = emptyReport('a');
    a.files = 3;
    a.testClasses = 1;
    a.testMethods = 3;
    a.pairs = 1;
    countSkip(a, { test_path: 'T.java', test_case: 'x', reason: 'ambiguous call', detail: 'calls 2 methods' });
    countSkip(a, { test_path: 'T.java', test_case: 'y', reason: 'ambiguous call', detail: 'calls 3 methods' });
    const b = emptyReport('b');
    b.testMethods = 1;
    countSkip(b, { test_path: 'U.java', reason: 'parse error', detail: 'syntax errors near line 2' });
    const total = emptyReport('all');
    mergeReports(total, a);
    mergeReports(total, b);
    assert.equal(total.testMethods, 4);
    assert.deepEqual(total.skipCounts, { 'ambiguous call': 2, 'parse error': 1 });
    assert.equal(total.skips.length, 3);
    const text = formatReport(a, 1);
    assert.match(text, /^a: 3 Java files \(0 with syntax errors\), 1 test classes, 3 test methods → 1 pairs/);
    assert.match(text, /skipped: 2 ambiguous call/);
    assert.match(text, /ambiguous call: T\.java#x: calls 2 methods/);
    assert.match(text, /… 1 more/);
  });
});

describe('label scoring', () => {
  it('computes precision over emitted pairs and recall over labelled focal methods', () => {
    const { labels, errors } = parseLabels(
      [
        '{"repo":"r","test_class":"T","test_case":"a","focal":"C#f()"}',
        '{"repo":"r","test_class":"T","test_case":"b","focal":"C#g(int)"}',
        '{"repo":"r","test_class":"T","test_case":"c","focal":null}',
        '{"repo":"r","test_class":"T","test_case":"d","focal":"C#h()"}',
        'not json',
        '{"repo":"r"}',
      ].join('\n'),
    );
    assert.equal(labels.length, 4);
    assert.equal(errors.length, 2);
    const s = scoreMappings(
      [
        { repo: 'r', test_class: 'T', test_case: 'a', focal: 'C#f()' },
        { repo: 'r', test_class: 'T', test_case: 'b', focal: 'C#g(long)' },
        { repo: 'r', test_class: 'T', test_case: 'c', focal: 'C#f()' },
        { repo: 'r', test_class: 'T', test_case: 'zz', focal: 'C#f()' },
      ],
      labels,
    );
    assert.equal(s.emitted, 3);
    assert.equal(s.correct, 1);
    assert.equal(s.precision, 1 / 3);
    assert.equal(s.recall, 1 / 3);
    assert.deepEqual(s.missed, ['r:T#b', 'r:T#d']);
    assert.deepEqual(s.unlabelled, ['r:T#zz']);
    assert.deepEqual(s.wrong.map((w) => w.expected), ['C#g(int)', null]);
  });
});
