// The frames that cross the rings between I/O workers and the owner, and the
// compact request stream they carry.
//
// Request stream (per client, inside DATA frames, split anywhere):
//   [u32 argc] then argc times [u32 length][bytes]
// It is what the RESP parser in the I/O worker produces and what the owner
// decodes into argv arrays: no CRLF scanning, no validation left to do.
// Control payloads (CONNECT info, config pushes) are msgpackr-encoded; the
// data path (requests, replies) is raw bytes.
import { bytesToStr, writeStr } from "../resp/bytes.ts";
import type { RequestSink } from "../resp/parser.ts";

/** I/O worker -> owner. */
export const In = {
  CONNECT: 1,
  DATA: 2,
  DISCONNECT: 3,
  PROTOCOL_ERROR: 4,
  /** u32: bytes queued for the socket and not written yet (sent on big changes). */
  BACKLOG: 5,
} as const;

/** Owner -> I/O worker. */
export const Out = {
  REPLY: 1,
  CLOSE: 2,
  /** msgpackr control message for the whole worker (client id 0). */
  CONTROL: 3,
  /** The client authenticated: lift the pre-AUTH request size limits. */
  AUTHED: 4,
} as const;

/** RequestSink that encodes requests into the compact stream (I/O worker side). */
export class StreamEncoder implements RequestSink {
  buf = new Uint8Array(64 * 1024);
  len = 0;
  private dv = new DataView(this.buf.buffer);

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }

  begin(argc: number): void {
    this.ensure(4);
    this.dv.setUint32(this.len, argc, true);
    this.len += 4;
  }

  arg(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(4 + n);
    this.dv.setUint32(this.len, n, true);
    this.buf.set(src.subarray(start, end), this.len + 4);
    this.len += 4 + n;
  }

  argStr(s: string): void {
    this.ensure(4 + s.length);
    this.dv.setUint32(this.len, s.length, true);
    writeStr(this.buf, this.len + 4, s);
    this.len += 4 + s.length;
  }

  reset(): void {
    this.len = 0;
    if (this.buf.length > 1024 * 1024) {
      this.buf = new Uint8Array(64 * 1024);
      this.dv = new DataView(this.buf.buffer);
    }
  }
}

/** Owner side: decodes one client's request stream into argv arrays. */
export class StreamDecoder {
  private pending: Uint8Array | null = null;
  private pendingLen = 0;

  /** Decode from `src[off, off+len)`, pushing complete requests to out. */
  feed(src: Uint8Array, off: number, len: number, out: string[][]): void {
    if (this.pending) {
      this.append(src, off, len);
      const used = decode(this.pending, 0, this.pendingLen, out);
      if (used === this.pendingLen) {
        this.pending = null;
        this.pendingLen = 0;
      } else if (used > 0) {
        this.pending.copyWithin(0, used, this.pendingLen);
        this.pendingLen -= used;
      }
      return;
    }
    const used = decode(src, off, off + len, out);
    if (used - off < len) this.append(src, used, off + len - used);
  }

  private append(src: Uint8Array, off: number, len: number): void {
    if (!this.pending) this.pending = new Uint8Array(Math.max(4096, len * 2));
    if (this.pendingLen + len > this.pending.length) {
      let size = this.pending.length * 2;
      while (size < this.pendingLen + len) size *= 2;
      const nb = new Uint8Array(size);
      nb.set(this.pending.subarray(0, this.pendingLen));
      this.pending = nb;
    }
    this.pending.set(src.subarray(off, off + len), this.pendingLen);
    this.pendingLen += len;
  }
}

function u32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/** Decode complete requests in [p, end); returns where the first incomplete one starts. */
function decode(b: Uint8Array, p: number, end: number, out: string[][]): number {
  for (;;) {
    if (end - p < 4) return p;
    const start = p;
    const argc = u32(b, p);
    p += 4;
    const argv = new Array<string>(argc);
    let i = 0;
    for (; i < argc; i++) {
      if (end - p < 4) break;
      const n = u32(b, p);
      if (end - p - 4 < n) break;
      argv[i] = bytesToStr(b, p + 4, p + 4 + n);
      p += 4 + n;
    }
    if (i < argc) return start;
    out.push(argv);
  }
}
