import assert from 'node:assert/strict';
import { LineDecoder, encodeMessage } from '../../src/sidecar/framing';

describe('sidecar framing (newline-delimited JSON)', () => {
  it('encodes one message per line, with no raw newline inside', () => {
    const line = encodeMessage({ jsonrpc: '2.0', method: 'x', params: { text: 'a\nb\r\nc' } });
    assert.equal(line.indexOf('\n'), line.length - 1);
    assert.deepEqual(new LineDecoder().push(line), [{ kind: 'message', value: { jsonrpc: '2.0', method: 'x', params: { text: 'a\nb\r\nc' } } }]);
  });

  it('reassembles messages split at every byte, including inside multi-byte characters', () => {
    const msgs = [{ a: 'héllo 😀 世界' }, { b: [1, 2, 3] }, { c: 'tail' }];
    const bytes = Buffer.from(msgs.map(encodeMessage).join(''), 'utf8');
    const d = new LineDecoder();
    const got: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) {
      for (const f of d.push(bytes.subarray(i, i + 1))) {
        assert.equal(f.kind, 'message');
        if (f.kind === 'message') got.push(f.value);
      }
    }
    assert.deepEqual(got, msgs);
    assert.equal(d.buffered, 0);
  });

  it('reports a non-JSON line and keeps decoding the next ones', () => {
    const d = new LineDecoder();
    const frames = d.push('{"x":1}\nhello from a stray print\n{"y":2}\n');
    assert.equal(frames.length, 3);
    assert.deepEqual(frames[0], { kind: 'message', value: { x: 1 } });
    assert.equal(frames[1].kind, 'garbage');
    if (frames[1].kind === 'garbage') assert.equal(frames[1].line, 'hello from a stray print');
    assert.deepEqual(frames[2], { kind: 'message', value: { y: 2 } });
  });

  it('accepts CRLF line ends and skips blank lines', () => {
    assert.deepEqual(new LineDecoder().push('{"x":1}\r\n\r\n\n{"y":2}\n'), [
      { kind: 'message', value: { x: 1 } },
      { kind: 'message', value: { y: 2 } },
    ]);
  });

  it('drops an over-long line, reports it once, and resynchronises at the next newline', () => {
    const d = new LineDecoder({ maxLineBytes: 16 });
    const first = d.push('{"long":"' + 'x'.repeat(3));
    assert.deepEqual(first, []);
    const second = d.push('x'.repeat(40));
    assert.equal(second.length, 1);
    assert.equal(second[0].kind, 'garbage');
    if (second[0].kind === 'garbage') assert.match(second[0].error, /longer than 16 bytes .*52\+ bytes/);
    assert.deepEqual(d.push('xxx"}\n{"ok":true}\n'), [{ kind: 'message', value: { ok: true } }]);
  });

  it('parses an unterminated last line at end()', () => {
    const d = new LineDecoder();
    assert.deepEqual(d.push('{"a":1}\n{"b":'), [{ kind: 'message', value: { a: 1 } }]);
    assert.deepEqual(d.push('2}'), []);
    assert.deepEqual(d.end(), [{ kind: 'message', value: { b: 2 } }]);
    assert.deepEqual(d.end(), []);
  });
});

describe('sidecar framing: stray output glued to a message', () => {
  const msg = { jsonrpc: '2.0', id: 7, result: { text: 'a } b {"jsonrpc"' } };

  it('recovers a message preceded by stray text without a newline, and reports the stray text', () => {
    const frames = new LineDecoder().push('stray print' + encodeMessage(msg));
    assert.deepEqual(frames, [
      { kind: 'garbage', line: 'stray print', error: 'stray output glued to a message' },
      { kind: 'message', value: msg },
    ]);
  });

  it('recovers a message followed by stray text on its line, and the next message', () => {
    const text = JSON.stringify(msg) + 'tail}noise\n' + encodeMessage({ jsonrpc: '2.0', id: 8, result: null });
    const frames = new LineDecoder().push(text);
    assert.deepEqual(frames.map((f) => f.kind), ['garbage', 'message', 'message']);
    assert.deepEqual(frames[1], { kind: 'message', value: msg });
  });

  it('drops only the damaged line when a stray write tears a message apart', () => {
    const line = encodeMessage(msg);
    const torn = line.slice(0, 20) + 'stray\n' + line.slice(20) + encodeMessage({ jsonrpc: '2.0', id: 9, result: 1 });
    const frames = new LineDecoder().push(torn);
    assert.deepEqual(frames.map((f) => f.kind), ['garbage', 'garbage', 'message']);
    assert.deepEqual(frames[2], { kind: 'message', value: { jsonrpc: '2.0', id: 9, result: 1 } });
  });

  it('a long damaged line with many braces is reported as garbage (a bounded number of parse tries)', () => {
    const frames = new LineDecoder().push('{"jsonrpc"' + '}'.repeat(200_000) + '\n');
    assert.deepEqual(frames.map((f) => f.kind), ['garbage']);
  });
});
