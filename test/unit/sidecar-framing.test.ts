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
