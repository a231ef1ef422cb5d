// RESP reply writer: replies are appended to one growable buffer, which the
// connection takes and writes with one call per batch of commands.
import { writeStr } from "./bytes.ts";
import { fmtScore } from "./double.ts";

const enc = new TextEncoder();
const OK = enc.encode("+OK\r\n");
const NIL = enc.encode("$-1\r\n");
const NIL_ARRAY = enc.encode("*-1\r\n");
const NULL3 = enc.encode("_\r\n");
const TRUE3 = enc.encode("#t\r\n");
const FALSE3 = enc.encode("#f\r\n");
const EMPTY_ARRAY = enc.encode("*0\r\n");
const CRLF = enc.encode("\r\n");
const ONE = enc.encode(":1\r\n");
const ZERO = enc.encode(":0\r\n");

/** Called for every error reply written (the owner counts them for INFO). */
export const errorReplies: { hook: ((msg: string) => void) | null } = { hook: null };

/**
 * One method per reply shape; each frames itself for the client's protocol
 * (`resp`: 2 or 3), so command code never branches on the protocol. RESP2
 * output is byte for byte what it was before RESP3 existed.
 */
export class ReplyWriter {
  buf: Uint8Array;
  len = 0;
  /** The client's protocol (HELLO sets it). */
  resp: 2 | 3 = 2;

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
      this.raw(this.resp === 2 ? NIL : NULL3);
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

  /** A null (RESP2: the null bulk string). */
  nil(): void {
    this.raw(this.resp === 2 ? NIL : NULL3);
  }

  /** A null where RESP2 sends the null array (*-1). */
  nilArray(): void {
    this.raw(this.resp === 2 ? NIL_ARRAY : NULL3);
  }

  array(n: number): void {
    if (n === 0) this.raw(EMPTY_ARRAY);
    else this.line(42, String(n));
  }

  /** A map of n pairs (RESP2: a flat array of 2n). */
  map(n: number): void {
    if (this.resp === 2) this.array(2 * n);
    else this.line(37, String(n));
  }

  /** A set of n members (RESP2: an array). */
  set(n: number): void {
    if (this.resp === 2) this.array(n);
    else this.line(126, String(n));
  }

  /** An out-of-band push of n items (RESP2: an array). */
  push(n: number): void {
    if (this.resp === 2) this.array(n);
    else this.line(62, String(n));
  }

  /** An attribute of n pairs, followed by the reply it annotates (RESP3 only). */
  attribute(n: number): void {
    this.line(124, String(n));
  }

  /** A boolean (RESP2: the integer 1 or 0). */
  bool(b: boolean): void {
    if (this.resp === 2) this.raw(b ? ONE : ZERO);
    else this.raw(b ? TRUE3 : FALSE3);
  }

  /** A big number given as its decimal text (RESP2: a bulk string). */
  bigNumber(digits: string): void {
    if (this.resp === 2) this.bulk(digits);
    else this.line(40, digits);
  }

  /** A verbatim string with its 3-letter format, e.g. "txt" (RESP2: a bulk string). */
  verbatim(s: string, format = "txt"): void {
    if (this.resp === 2) {
      this.bulk(s);
      return;
    }
    this.line(61, String(s.length + 4));
    this.rawStr(format + ":" + s);
    this.raw(CRLF);
  }

  /**
   * A (member, score) pair inside a WITHSCORES-style reply: RESP2 flattens it
   * into the enclosing array, RESP3 nests it as a 2-element array.
   */
  pairHeader(): void {
    if (this.resp !== 2) this.line(42, "2");
  }

  /** The length of an array of n pairs (see pairHeader): 2n in RESP2, n in RESP3. */
  pairArray(n: number): void {
    this.array(this.resp === 2 ? 2 * n : n);
  }

  bulks(items: (string | null)[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }

  /** A double reply, %.17g as Redis 7.0 (RESP2: a bulk string). */
  double(d: number): void {
    if (this.resp === 2) this.bulk(formatDouble(d));
    else this.line(44, formatDouble(d));
  }
}

/** Doubles as Redis 7.0 replies them: %.17g (C rounding, -0 kept), inf, -inf. */
export const formatDouble: (d: number) => string = fmtScore;

/** C's printf("%.17g") (DEBUG DIGEST, RDB): the same formatting. */
export const fmtG17: (d: number) => string = fmtScore;
