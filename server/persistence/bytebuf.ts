// A growable output buffer for the binary encoders (RDB, listpack, intset),
// and the integer test the encodings share.
import { writeStr } from "../resp/bytes.ts";

export class ByteBuf {
  buf: Uint8Array;
  pos = 0;
  private dv: DataView;

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
    this.dv = new DataView(this.buf.buffer);
  }

  /** Make room for n more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  u16le(n: number): void {
    this.ensure(2);
    this.dv.setUint16(this.pos, n, true);
    this.pos += 2;
  }

  u32le(n: number): void {
    this.ensure(4);
    this.dv.setUint32(this.pos, n, true);
    this.pos += 4;
  }

  u32be(n: number): void {
    this.ensure(4);
    this.dv.setUint32(this.pos, n, false);
    this.pos += 4;
  }

  /** An unsigned 64-bit integer (a safe JS integer) big-endian. */
  u64be(n: number): void {
    this.ensure(8);
    this.dv.setUint32(this.pos, Math.floor(n / 4294967296), false);
    this.dv.setUint32(this.pos + 4, n >>> 0, false);
    this.pos += 8;
  }

  /** A signed 64-bit integer little-endian (number or bigint). */
  i64le(n: number | bigint): void {
    this.ensure(8);
    this.dv.setBigInt64(this.pos, typeof n === "bigint" ? n : BigInt(n), true);
    this.pos += 8;
  }

  /** A millisecond timestamp (may be negative) as 8 little-endian bytes. */
  ms64le(n: number): void {
    this.ensure(8);
    const hi = Math.floor(n / 4294967296);
    this.dv.setUint32(this.pos, n - hi * 4294967296, true);
    this.dv.setInt32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  f64le(d: number): void {
    this.ensure(8);
    this.dv.setFloat64(this.pos, d, true);
    this.pos += 8;
  }

  i16le(n: number): void {
    this.ensure(2);
    this.dv.setInt16(this.pos, n, true);
    this.pos += 2;
  }

  i32le(n: number): void {
    this.ensure(4);
    this.dv.setInt32(this.pos, n, true);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A byte string's bytes. */
  str(s: string): void {
    this.ensure(s.length);
    this.pos = writeStr(this.buf, this.pos, s);
  }

  setU32le(at: number, n: number): void {
    this.dv.setUint32(at, n, true);
  }

  setU16le(at: number, n: number): void {
    this.dv.setUint16(at, n, true);
  }

  /** A copy of what was written, and reset. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    return out;
  }

  /** A view of what was written (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

const INT_RE = /^-?[1-9][0-9]*$|^0$/;
const I64_MAX = 9223372036854775807n, I64_MIN = -9223372036854775808n;

/**
 * The value of s if it is a 64-bit integer in canonical form (Redis's
 * string2ll: no '+', no leading zeros, no spaces), as a number when it is
 * safe else a bigint; null otherwise.
 */
export function int64Of(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  const c = s.charCodeAt(n - 1);
  if (c < 48 || c > 57) return null;
  if (!INT_RE.test(s)) return null;
  if (n < 16) return Number(s);
  const b = BigInt(s);
  if (b > I64_MAX || b < I64_MIN) return null;
  const num = Number(b);
  return Number.isSafeInteger(num) ? num : b;
}
