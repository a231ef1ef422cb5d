// RESP reply writer: replies are appended to one growable buffer, which the
// connection takes and writes with one call per batch of commands.
import { writeStr } from "./bytes.ts";
import { fmtScore } from "./double.ts";

const enc = new TextEncoder();
const OK = enc.encode("+OK\r\n");
const NIL = enc.encode("$-1\r\n");
const NIL_ARRAY = enc.encode("*-1\r\n");
const EMPTY_ARRAY = enc.encode("*0\r\n");
const CRLF = enc.encode("\r\n");

/** Called for every error reply written (the owner counts them for INFO). */
export const errorReplies: { hook: ((msg: string) => void) | null } = { hook: null };

export class ReplyWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  /** The bytes written since the last take(); the writer starts again empty. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    if (this.buf.length > 64 * 1024) this.buf = new Uint8Array(256);
    return out;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Append a byte string as is (no framing). */
  rawStr(s: string): void {
    this.ensure(s.length);
    this.len = writeStr(this.buf, this.len, s);
  }

  private line(prefix: number, s: string): void {
    this.ensure(s.length + 3);
    const b = this.buf;
    b[this.len++] = prefix;
    this.len = writeStr(b, this.len, s);
    b[this.len++] = 13;
    b[this.len++] = 10;
  }

  ok(): void {
    this.raw(OK);
  }

  simple(s: string): void {
    this.line(43, s);
  }

  /** An error reply; `msg` starts with its code ("ERR ...", "WRONGTYPE ..."). */
  error(msg: string): void {
    this.line(45, msg.replace(/[\r\n]/g, " "));
    errorReplies.hook?.(msg);
  }

  int(n: number | bigint): void {
    this.line(58, String(n));
  }

  bulk(s: string | null): void {
    if (s === null) {
      this.raw(NIL);
      return;
    }
    const n = s.length;
    this.ensure(n + 16);
    const b = this.buf;
    b[this.len++] = 36;
    this.len = writeStr(b, this.len, String(n));
    b[this.len++] = 13;
    b[this.len++] = 10;
    this.len = writeStr(b, this.len, s);
    b[this.len++] = 13;
    b[this.len++] = 10;
  }

  bulkBytes(bytes: Uint8Array): void {
    this.line(36, String(bytes.length));
    this.raw(bytes);
    this.raw(CRLF);
  }

  nil(): void {
    this.raw(NIL);
  }

  nilArray(): void {
    this.raw(NIL_ARRAY);
  }

  array(n: number): void {
    if (n === 0) this.raw(EMPTY_ARRAY);
    else this.line(42, String(n));
  }

  /** A map of n pairs (RESP2: a flat array of 2n). */
  map(n: number): void {
    this.array(2 * n);
  }

  bulks(items: (string | null)[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }

  /** A double reply (RESP2: a bulk string). */
  double(d: number): void {
    this.bulk(formatDouble(d));
  }
}

/** Doubles as Redis 7.0 replies them: %.17g (C rounding, -0 kept), inf, -inf. */
export const formatDouble: (d: number) => string = fmtScore;

/** C's printf("%.17g") (DEBUG DIGEST, RDB): the same formatting. */
export const fmtG17: (d: number) => string = fmtScore;
