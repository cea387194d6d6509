// Framing of the sidecar's stdio channel: newline-delimited JSON (one JSON-RPC message per line).
// JSON.stringify never emits a raw newline, so a line is a message; a line that is not JSON (a stray
// print from a library, say) is reported and skipped instead of desynchronising the stream, which is
// why this framing was chosen over Content-Length headers.

const NEWLINE = 0x0a;

/** One message → one line, UTF-8. */
export function encodeMessage(msg: unknown): string {
  return JSON.stringify(msg) + '\n';
}

export type Frame = { kind: 'message'; value: unknown } | { kind: 'garbage'; line: string; error: string };

export interface DecoderOptions {
  /** Largest line accepted, in bytes; a longer one is dropped and reported (default 64 MiB). */
  maxLineBytes?: number;
}

/**
 * Incremental decoder: feed it chunks as they arrive (split anywhere, even inside a multi-byte
 * character); it returns the complete frames. Never throws.
 */
export class LineDecoder {
  private chunks: Buffer[] = [];
  private pending = 0; // bytes held in chunks
  private skipping = false; // inside an over-long line: drop bytes up to the next newline
  private readonly maxLineBytes: number;

  constructor(opts: DecoderOptions = {}) {
    this.maxLineBytes = opts.maxLineBytes ?? 64 * 1024 * 1024;
  }

  push(chunk: Buffer | string): Frame[] {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) {
        if (this.skipping) return frames;
        if (this.pending + buf.length > this.maxLineBytes) {
          frames.push(this.overLong(this.pending + buf.length));
          return frames;
        }
        if (buf.length > 0) {
          this.chunks.push(buf);
          this.pending += buf.length;
        }
        return frames;
      }
      const head = buf.subarray(0, nl);
      buf = buf.subarray(nl + 1);
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      if (this.pending + head.length > this.maxLineBytes) {
        frames.push(this.overLong(this.pending + head.length));
        this.skipping = false;
        continue;
      }
      const line = (this.pending > 0 ? Buffer.concat([...this.chunks, head]) : head).toString('utf8');
      this.chunks = [];
      this.pending = 0;
      const frame = parseLine(line);
      if (frame) frames.push(frame);
    }
  }

  /** Bytes of an unfinished line still held (what `end()` would report). */
  get buffered(): number {
    return this.pending;
  }

  /** The stream ended: an unterminated last line is parsed too. */
  end(): Frame[] {
    if (this.pending === 0) return [];
    const line = Buffer.concat(this.chunks).toString('utf8');
    this.chunks = [];
    this.pending = 0;
    const frame = parseLine(line);
    return frame ? [frame] : [];
  }

  private overLong(size: number): Frame {
    this.chunks = [];
    this.pending = 0;
    this.skipping = true;
    return { kind: 'garbage', line: '', error: `line longer than ${this.maxLineBytes} bytes dropped (${size}+ bytes)` };
  }
}

function parseLine(raw: string): Frame | null {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return null;
  try {
    return { kind: 'message', value: JSON.parse(line) };
  } catch (e) {
    const shown = line.length > 200 ? line.slice(0, 200) + '…' : line;
    return { kind: 'garbage', line: shown, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}
