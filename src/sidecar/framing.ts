// Framing of the sidecar's stdio channel: newline-delimited JSON (one JSON-RPC message per line).
// JSON.stringify never emits a raw newline, so a line is a message; a line that is not JSON (a stray
// print from a library, say) is reported and skipped instead of desynchronising the stream, which is
// why this framing was chosen over Content-Length headers. A stray write without a newline glues itself
// to the next message (`stray{"jsonrpc":…}`) or the message to it (`{"jsonrpc":…}stray`): such a line is
// salvaged (the JSON-RPC message inside is recovered, the rest reported), so a stray print cannot
// swallow a response. A message torn by a stray write in its middle is lost (one damaged line); the
// request deadlines (deadlines.ts) make its request fail instead of hanging.

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
      frames.push(...parseLine(line));
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
    return parseLine(line);
  }

  private overLong(size: number): Frame {
    this.chunks = [];
    this.pending = 0;
    this.skipping = true;
    return { kind: 'garbage', line: '', error: `line longer than ${this.maxLineBytes} bytes dropped (${size}+ bytes)` };
  }
}

const shorten = (text: string) => (text.length > 200 ? text.slice(0, 200) + '…' : text);

function parseLine(raw: string): Frame[] {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return [];
  try {
    return [{ kind: 'message', value: JSON.parse(line) }];
  } catch (e) {
    const error = `not JSON: ${e instanceof Error ? e.message : String(e)}`;
    return salvage(line) ?? [{ kind: 'garbage', line: shorten(line), error }];
  }
}

const MESSAGE_START = '{"jsonrpc"';
/** Attempts per line: each is one JSON.parse of (part of) the line, so a long damaged line stays cheap. */
const MAX_SALVAGE_TRIES = 8;

/**
 * A damaged line that still holds one whole JSON-RPC message with stray text glued before and/or after
 * it: the message and a garbage frame for the stray text. Null when no message is recoverable.
 */
function salvage(line: string): Frame[] | null {
  let tries = 0;
  for (let start = line.indexOf(MESSAGE_START); start >= 0 && tries < MAX_SALVAGE_TRIES; start = line.indexOf(MESSAGE_START, start + 1)) {
    // The message ends at one of the last closing braces (stray text after it holds few, usually none).
    for (let end = line.lastIndexOf('}'); end > start && tries < MAX_SALVAGE_TRIES; end = line.lastIndexOf('}', end - 1)) {
      tries++;
      let value: unknown;
      try {
        value = JSON.parse(line.slice(start, end + 1));
      } catch {
        continue;
      }
      const stray = (line.slice(0, start) + line.slice(end + 1)).trim();
      const frames: Frame[] = [{ kind: 'message', value }];
      if (stray) frames.unshift({ kind: 'garbage', line: shorten(stray), error: 'stray output glued to a message' });
      return frames;
    }
  }
  return null;
}
