// Listpack, the compact sequence Redis 7.0 keeps small hashes, sorted sets
// and list nodes in, and which RDB files store as one opaque string.
//
// Layout: total bytes (u32 LE), element count (u16 LE, 65535 = unknown),
// entries, 0xFF. Each entry is <encoding+data><backlen>, backlen being the
// size of <encoding+data> in 1..5 bytes (7 bits each, the last byte first
// when read backwards, every byte but the most significant flagged 0x80).
// Encodings:
//   0xxxxxxx                 7-bit unsigned int
//   10xxxxxx + data          string, 6-bit length
//   110xxxxx yyyyyyyy        13-bit signed int
//   1110xxxx yyyyyyyy + data string, 12-bit length
//   11110000 <u32 LE> + data string, 32-bit length
//   11110001 / 0010 / 0011 / 0100   int16 / int24 / int32 / int64 (LE)
import { bytesToStr } from "../resp/bytes.ts";
import { type ByteBuf, int64Of } from "./bytebuf.ts";

export const LP_HEADER = 6;

/** Bytes of the backlen field for an entry of `l` bytes. */
function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function writeBacklen(out: ByteBuf, l: number): void {
  const n = backlenSize(l);
  out.ensure(n);
  const b = out.buf;
  let p = out.pos;
  // most significant group first, every group but that one flagged
  for (let k = n - 1; k >= 0; k--) {
    const group = Math.floor(l / 2 ** (7 * k)) & 127;
    b[p++] = k === n - 1 ? group : group | 128;
  }
  out.pos = p;
}

/** Append one element, as Redis's lpAppend would encode it. */
export function lpAppendEntry(out: ByteBuf, s: string): void {
  const v = int64Of(s);
  if (v !== null) {
    const start = out.pos;
    if (typeof v === "number" && v >= 0 && v <= 127) out.u8(v);
    else if (typeof v === "number" && v >= -4096 && v <= 4095) {
      const u = v < 0 ? v + 8192 : v;
      out.u8(0xc0 | (u >> 8));
      out.u8(u & 0xff);
    } else if (typeof v === "number" && v >= -32768 && v <= 32767) {
      out.u8(0xf1);
      out.i16le(v);
    } else if (typeof v === "number" && v >= -8388608 && v <= 8388607) {
      out.u8(0xf2);
      const u = v < 0 ? v + 16777216 : v;
      out.u8(u & 0xff);
      out.u8((u >> 8) & 0xff);
      out.u8((u >> 16) & 0xff);
    } else if (typeof v === "number" && v >= -2147483648 && v <= 2147483647) {
      out.u8(0xf3);
      out.i32le(v);
    } else {
      out.u8(0xf4);
      out.i64le(v);
    }
    writeBacklen(out, out.pos - start);
    return;
  }
  const len = s.length;
  let hdr: number;
  if (len < 64) {
    out.u8(0x80 | len);
    hdr = 1;
  } else if (len < 4096) {
    out.u8(0xe0 | (len >> 8));
    out.u8(len & 0xff);
    hdr = 2;
  } else {
    out.u8(0xf0);
    out.u32le(len);
    hdr = 5;
  }
  out.str(s);
  writeBacklen(out, hdr + len);
}

/** Bytes an element takes in a listpack (what quicklist node sizing counts). */
export function lpEntrySize(s: string): number {
  const v = int64Of(s);
  let l: number;
  if (v !== null) {
    if (typeof v === "bigint") l = 9;
    else if (v >= 0 && v <= 127) l = 1;
    else if (v >= -4096 && v <= 4095) l = 2;
    else if (v >= -32768 && v <= 32767) l = 3;
    else if (v >= -8388608 && v <= 8388607) l = 4;
    else if (v >= -2147483648 && v <= 2147483647) l = 5;
    else l = 9;
  } else {
    const n = s.length;
    l = (n < 64 ? 1 : n < 4096 ? 2 : 5) + n;
  }
  return l + backlenSize(l);
}

/** Start a listpack in `out`; returns the offset to pass to lpFinish. */
export function lpBegin(out: ByteBuf): number {
  const at = out.pos;
  out.ensure(LP_HEADER);
  out.pos += LP_HEADER;
  return at;
}

/** Close a listpack started at `at` holding `count` elements. */
export function lpFinish(out: ByteBuf, at: number, count: number): void {
  out.u8(0xff);
  out.setU32le(at, out.pos - at);
  out.setU16le(at + 4, count < 65535 ? count : 65535);
}

/** A whole listpack of these elements. */
export function encodeListpack(out: ByteBuf, items: Iterable<string>): void {
  const at = lpBegin(out);
  let n = 0;
  for (const s of items) {
    lpAppendEntry(out, s);
    n++;
  }
  lpFinish(out, at, n);
}

function int24(b: Uint8Array, p: number): number {
  const u = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
  return u & 0x800000 ? u - 0x1000000 : u;
}

/**
 * The elements of a listpack held in `b[start..end)`, or null when it is
 * malformed (sizes that disagree, entries running past the end, a bad
 * backlen, a missing terminator).
 */
export function decodeListpack(b: Uint8Array, start = 0, end = b.length): string[] | null {
  const size = end - start;
  if (size < LP_HEADER + 1) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const total = dv.getUint32(start, true);
  if (total !== size || b[end - 1] !== 0xff) return null;
  const count = dv.getUint16(start + 4, true);
  const out: string[] = [];
  let p = start + LP_HEADER;
  const last = end - 1;
  while (p < last) {
    const e = p;
    const c = b[p];
    let s: string;
    if (c < 0x80) {
      s = String(c);
      p += 1;
    } else if (c < 0xc0) {
      const n = c & 0x3f;
      if (p + 1 + n > last) return null;
      s = bytesToStr(b, p + 1, p + 1 + n);
      p += 1 + n;
    } else if (c < 0xe0) {
      if (p + 2 > last) return null;
      const u = ((c & 0x1f) << 8) | b[p + 1];
      s = String(u >= 4096 ? u - 8192 : u);
      p += 2;
    } else if (c < 0xf0) {
      if (p + 2 > last) return null;
      const n = ((c & 0x0f) << 8) | b[p + 1];
      if (p + 2 + n > last) return null;
      s = bytesToStr(b, p + 2, p + 2 + n);
      p += 2 + n;
    } else if (c === 0xf0) {
      if (p + 5 > last) return null;
      const n = dv.getUint32(p + 1, true);
      if (p + 5 + n > last) return null;
      s = bytesToStr(b, p + 5, p + 5 + n);
      p += 5 + n;
    } else if (c === 0xf1) {
      if (p + 3 > last) return null;
      s = String(dv.getInt16(p + 1, true));
      p += 3;
    } else if (c === 0xf2) {
      if (p + 4 > last) return null;
      s = String(int24(b, p + 1));
      p += 4;
    } else if (c === 0xf3) {
      if (p + 5 > last) return null;
      s = String(dv.getInt32(p + 1, true));
      p += 5;
    } else if (c === 0xf4) {
      if (p + 9 > last) return null;
      s = String(dv.getBigInt64(p + 1, true));
      p += 9;
    } else return null;
    // backlen: must encode this entry's size
    const l = p - e;
    const bl = backlenSize(l);
    if (p + bl > last) return null;
    let v = 0;
    for (let k = 0; k < bl; k++) v = v * 128 + (b[p + k] & 127);
    if (v !== l) return null;
    p += bl;
    out.push(s);
  }
  if (p !== last) return null;
  if (count !== 65535 && count !== out.length) return null;
  return out;
}
