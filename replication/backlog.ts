// The replication backlog: a circular buffer in SharedArrayBuffer memory
// holding the last `repl-backlog-size` bytes of the replication stream, and
// the stream's offset (every byte ever appended, as Redis's
// master_repl_offset). A replica that reconnects with an offset inside it is
// served the missing bytes from here (PSYNC +CONTINUE).
//
// Offsets follow Redis: `offset` is the offset of the last byte appended;
// the byte at offset o lives at index (o - 1) % size once the stream has
// been running from offset 0. `firstByte` is the offset of the oldest byte
// held (Redis's repl_backlog_first_byte_offset).

export class Backlog {
  private buf: Uint8Array;
  /** Offset of the last byte appended (master_repl_offset). */
  offset: number;
  /** Bytes of history held (repl_backlog_histlen). */
  histlen = 0;

  /** A backlog whose next byte will have offset `offset + 1`. */
  constructor(size: number, offset: number) {
    this.buf = new Uint8Array(new SharedArrayBuffer(size));
    this.offset = offset;
  }

  get size(): number {
    return this.buf.length;
  }

  /** Offset of the oldest byte held (offset + 1 while empty). */
  get firstByte(): number {
    return this.offset - this.histlen + 1;
  }

  private index(offset: number): number {
    // the byte at offset o sits at (o - 1) mod size
    return (offset - 1) % this.buf.length;
  }

  append(bytes: Uint8Array): void {
    const size = this.buf.length;
    let src = bytes;
    if (src.length > size) src = src.subarray(src.length - size); // only the tail survives
    let at = this.index(this.offset + 1 + (bytes.length - src.length));
    let off = 0;
    while (off < src.length) {
      const n = Math.min(src.length - off, size - at);
      this.buf.set(src.subarray(off, off + n), at);
      off += n;
      at = 0;
    }
    this.offset += bytes.length;
    this.histlen = Math.min(size, this.histlen + bytes.length);
  }

  /** Is `from` (the offset of the next byte a replica needs) servable from here? */
  canServe(from: number): boolean {
    return from >= this.firstByte && from <= this.offset + 1;
  }

  /** A copy of the bytes from offset `from` (inclusive) to the end. */
  readFrom(from: number): Uint8Array {
    const n = this.offset + 1 - from;
    const out = new Uint8Array(n);
    const size = this.buf.length;
    let at = this.index(from);
    let off = 0;
    while (off < n) {
      const k = Math.min(n - off, size - at);
      out.set(this.buf.subarray(at, at + k), off);
      off += k;
      at = 0;
    }
    return out;
  }

  /** A backlog of a new size keeping as much recent history as fits. */
  resized(size: number): Backlog {
    const b = new Backlog(size, this.offset - Math.min(size, this.histlen));
    if (b.offset < this.offset) b.append(this.readFrom(b.offset + 1));
    return b;
  }
}
