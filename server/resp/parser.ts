// Incremental RESP request parser: multibulk (`*N\r\n$L\r\nbytes\r\n...`) and
// inline (`PING\r\n`) requests, any number per read, any request split over
// any number of reads. Arguments come out as byte strings (see bytes.ts).
// Limits and error texts are Redis 7.0's; after an error the caller replies
// `-ERR <message>` and closes the connection.
import { bytesToStr } from "./bytes.ts";

export const INLINE_MAX = 64 * 1024;
/** Redis 7.0 accepts up to INT_MAX arguments (1024*1024 was the limit before 7.0). */
export const MULTIBULK_MAX = 2147483647;

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** Before AUTH (when a password is required) only small requests are accepted. */
  unauthenticated?: boolean;
}

export class ProtocolError extends Error {}

/** Where parsed requests go: argument by argument, as soon as each is complete. */
export interface RequestSink {
  /** A request of `argc` arguments starts. */
  begin(argc: number): void;
  /** One argument's bytes (valid only during the call). */
  arg(buf: Uint8Array, start: number, end: number): void;
  /** One argument of an inline request, already decoded. */
  argStr(s: string): void;
}

/** The sink used by the owner: requests as arrays of byte strings. */
export class StringRequests implements RequestSink {
  out: string[][] = [];
  private cur: string[] = [];
  private need = 0;
  begin(argc: number): void {
    this.cur = [];
    this.need = argc;
  }
  arg(buf: Uint8Array, start: number, end: number): void {
    this.cur.push(bytesToStr(buf, start, end));
    if (this.cur.length === this.need) this.out.push(this.cur);
  }
  argStr(s: string): void {
    this.cur.push(s);
    if (this.cur.length === this.need) this.out.push(this.cur);
  }
}

const CR = 13, LF = 10;

export class RespParser {
  private buf = new Uint8Array(16 * 1024);
  private start = 0;
  private end = 0;
  // multibulk state
  private argc = 0; // remaining args of the current multibulk, 0 = between requests
  private bulkLen = -1; // length of the bulk being read, -1 = expecting a $ line
  private collector = new StringRequests();

  constructor(public limits: ParserLimits = { maxBulkLen: 512 * 1024 * 1024 }) {}

  /** Bytes buffered and not yet returned as requests. */
  get pending(): number {
    return this.end - this.start;
  }

  /** Append bytes read from the socket. */
  feed(chunk: Uint8Array): void {
    const n = chunk.length;
    if (this.end + n > this.buf.length) {
      const live = this.end - this.start;
      let size = this.buf.length;
      while (live + n > size) size *= 2;
      if (size !== this.buf.length) {
        const nb = new Uint8Array(size);
        nb.set(this.buf.subarray(this.start, this.end));
        this.buf = nb;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += n;
  }

  /**
   * Parse every complete request buffered, pushing each argv to `out` (or
   * handing its arguments to a RequestSink as they complete). Throws
   * ProtocolError after delivering the complete requests before it.
   */
  parse(out: string[][] | RequestSink): void {
    let sink: RequestSink;
    if (Array.isArray(out)) {
      this.collector.out = out;
      sink = this.collector;
    } else sink = out;
    const buf = this.buf;
    let p = this.start;
    const end = this.end;
    try {
      while (p < end) {
        if (this.argc === 0) {
          if (buf[p] !== 42 /* '*' */) {
            // inline request
            const nl = buf.indexOf(LF, p);
            if (nl < 0 || nl >= end) {
              if (end - p > INLINE_MAX) throw new ProtocolError("too big inline request");
              break;
            }
            const lineEnd = nl > p && buf[nl - 1] === CR ? nl - 1 : nl;
            const argv = splitInline(buf, p, lineEnd);
            p = nl + 1;
            if (argv.length) {
              sink.begin(argv.length);
              for (const a of argv) sink.argStr(a);
            }
            continue;
          }
          const nl = findCRLF(buf, p, end);
          if (nl < 0) {
            if (end - p > INLINE_MAX) throw new ProtocolError("too big mbulk count string");
            break;
          }
          const n = parseIntStrict(buf, p + 1, nl);
          if (n === null || n > MULTIBULK_MAX) {
            throw new ProtocolError("invalid multibulk length");
          }
          if (n > 10 && this.limits.unauthenticated) {
            throw new ProtocolError("unauthenticated multibulk length");
          }
          p = nl + 2;
          if (n <= 0) continue;
          this.argc = n;
          this.bulkLen = -1;
          sink.begin(n);
        }
        // inside a multibulk
        if (this.bulkLen < 0) {
          if (p >= end) break;
          if (buf[p] !== 36 /* '$' */) {
            throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[p])}'`);
          }
          const nl = findCRLF(buf, p, end);
          if (nl < 0) {
            if (end - p > INLINE_MAX) throw new ProtocolError("too big bulk count string");
            break;
          }
          const n = parseIntStrict(buf, p + 1, nl);
          if (n === null || n < 0 || n > this.limits.maxBulkLen) {
            throw new ProtocolError("invalid bulk length");
          }
          if (n > 16384 && this.limits.unauthenticated) {
            throw new ProtocolError("unauthenticated bulk length");
          }
          p = nl + 2;
          this.bulkLen = n;
        }
        if (end - p < this.bulkLen + 2) {
          // wait for the rest; make room for it in one piece
          if (this.bulkLen + 2 > this.buf.length - (end - p)) this.reserve(p, this.bulkLen + 2);
          break;
        }
        sink.arg(buf, p, p + this.bulkLen);
        p += this.bulkLen + 2;
        this.bulkLen = -1;
        this.argc--;
      }
    } finally {
      if (this.buf === buf) this.start = p;
      if (this.start === this.end) this.start = this.end = 0;
    }
  }

  /** Grow the buffer so that `need` bytes from `from` fit, keeping the unparsed tail. */
  private reserve(from: number, need: number): void {
    const live = this.end - from;
    let size = this.buf.length;
    while (size < need) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(from, this.end));
    this.buf = nb;
    this.start = 0;
    this.end = live;
  }
}

function findCRLF(buf: Uint8Array, p: number, end: number): number {
  for (;;) {
    const i = buf.indexOf(CR, p);
    if (i < 0 || i + 1 >= end) return -1;
    if (buf[i + 1] === LF) return i;
    p = i + 1;
  }
}

/** Redis's string2ll on bytes: optional '-', digits, no leading zeros/plus/spaces. */
function parseIntStrict(buf: Uint8Array, s: number, e: number): number | null {
  if (s >= e || e - s > 20) return null;
  let neg = false;
  if (buf[s] === 45) {
    neg = true;
    s++;
    if (s >= e) return null;
  }
  if (buf[s] === 48 && e - s > 1) return null;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Split an inline request as Redis does: whitespace separated words, "double
 * quoted" with \n \r \t \b \a \\ \" \xHH escapes, 'single quoted' with \'.
 */
export function splitInline(buf: Uint8Array, p: number, end: number): string[] {
  const out: string[] = [];
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end) return out;
    let cur = "";
    let inDq = false, inSq = false;
    for (;;) {
      if (inDq) {
        if (p >= end) throw new ProtocolError("unbalanced quotes in request");
        const c = buf[p];
        if (
          c === 92 && p + 3 < end && buf[p + 1] === 120 && hexVal(buf[p + 2]) >= 0 &&
          hexVal(buf[p + 3]) >= 0
        ) {
          cur += String.fromCharCode(hexVal(buf[p + 2]) * 16 + hexVal(buf[p + 3]));
          p += 3;
        } else if (c === 92 && p + 1 < end) {
          p++;
          const e = buf[p];
          cur += e === 110
            ? "\n"
            : e === 114
            ? "\r"
            : e === 116
            ? "\t"
            : e === 98
            ? "\b"
            : e === 97
            ? "\x07"
            : String.fromCharCode(e);
        } else if (c === 34) {
          if (p + 1 < end && !isSpace(buf[p + 1])) {
            throw new ProtocolError("unbalanced quotes in request");
          }
          inDq = false;
          p++;
          break;
        } else cur += String.fromCharCode(c);
      } else if (inSq) {
        if (p >= end) throw new ProtocolError("unbalanced quotes in request");
        const c = buf[p];
        if (c === 92 && p + 1 < end && buf[p + 1] === 39) {
          p++;
          cur += "'";
        } else if (c === 39) {
          if (p + 1 < end && !isSpace(buf[p + 1])) {
            throw new ProtocolError("unbalanced quotes in request");
          }
          inSq = false;
          p++;
          break;
        } else cur += String.fromCharCode(c);
      } else {
        if (p >= end) break;
        const c = buf[p];
        if (isSpace(c)) break;
        if (c === 34) inDq = true;
        else if (c === 39) inSq = true;
        else cur += String.fromCharCode(c);
      }
      p++;
    }
    out.push(cur);
  }
}
