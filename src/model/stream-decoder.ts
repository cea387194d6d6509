// Streaming decode: generated ids in, text deltas out, never splitting a multi-byte UTF-8 character.

/** What the stream needs of a tokenizer (tokenizer.ts's `Tokenizer` has it); an interface, so this file
 *  does not import the tokenizer that hands it out. */
export interface ByteDecoder {
  decodeBytes(ids: readonly number[], opts?: { skipSpecialTokens?: boolean }): Uint8Array;
}

/**
 * Turns ids into text deltas as they are generated, never splitting a multi-byte UTF-8 character:
 * bytes of an incomplete character are held back until the next ids complete it (or `flush`).
 */
export class StreamDecoder {
  private readonly td = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  private text = '';

  constructor(
    private readonly tok: ByteDecoder,
    private readonly opts: { skipSpecialTokens?: boolean } = {},
  ) {}

  /** Adds ids; returns the text they complete (possibly ''). */
  push(ids: number | readonly number[]): string {
    const list = typeof ids === 'number' ? [ids] : ids;
    const delta = this.td.decode(this.tok.decodeBytes(list, this.opts), { stream: true });
    this.text += delta;
    return delta;
  }

  /** Ends the stream; held bytes of an incomplete character come out as U+FFFD. */
  flush(): string {
    const delta = this.td.decode();
    this.text += delta;
    return delta;
  }

  /** All text emitted so far. */
  get emitted(): string {
    return this.text;
  }
}
