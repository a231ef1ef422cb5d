// The older compact encodings RDB files may still hold (written by Redis
// before 7.0), decoded on load only: ziplist and zipmap.
//
// Ziplist: total bytes (u32 LE), tail offset (u32 LE), count (u16 LE,
// 65535 = unknown), entries, 0xFF. Entry: previous entry length (1 byte, or
// 0xFE + u32 LE), encoding, data. Encodings:
//   00pppppp                  string, 6-bit length
//   01pppppp qqqqqqqq         string, 14-bit length (big-endian)
//   10000000 <u32 BE>         string, 32-bit length
//   11000000 / 11010000 / 11100000   int16 / int32 / int64 (LE)
//   11110000                  int24 (LE)
//   11111110                  int8
//   1111xxxx                  xxxx - 1 (0..12), xxxx in 0001..1101
//
// Zipmap: count (1 byte, 254+ = unknown), then key/value pairs: length
// (1 byte, or 254 + u32 LE), key, length, free byte count (1 byte), value,
// the free bytes; 0xFF ends it.
import { bytesToStr } from "../resp/bytes.ts";

/** The elements of a ziplist in `b[start..end)`, or null when malformed. */
export function decodeZiplist(b: Uint8Array, start = 0, end = b.length): string[] | null {
  const size = end - start;
  if (size < 11) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(start, true) !== size || b[end - 1] !== 0xff) return null;
  const tail = dv.getUint32(start + 4, true);
  const count = dv.getUint16(start + 8, true);
  const last = end - 1;
  const out: string[] = [];
  let p = start + 10;
  let prevLen = 0;
  let lastEntry = -1;
  while (p < last) {
    const e = p;
    // previous entry length
    let pl: number;
    if (b[p] < 254) {
      pl = b[p];
      p += 1;
    } else {
      if (p + 5 > last) return null;
      pl = dv.getUint32(p + 1, true);
      p += 5;
    }
    if (pl !== prevLen) return null;
    if (p >= last) return null;
    const c = b[p];
    let s: string;
    const hi = c >> 6;
    if (hi === 0) {
      const n = c & 0x3f;
      if (p + 1 + n > last) return null;
      s = bytesToStr(b, p + 1, p + 1 + n);
      p += 1 + n;
    } else if (hi === 1) {
      if (p + 2 > last) return null;
      const n = ((c & 0x3f) << 8) | b[p + 1];
      if (p + 2 + n > last) return null;
      s = bytesToStr(b, p + 2, p + 2 + n);
      p += 2 + n;
    } else if (c === 0x80) {
      if (p + 5 > last) return null;
      const n = dv.getUint32(p + 1, false);
      if (p + 5 + n > last) return null;
      s = bytesToStr(b, p + 5, p + 5 + n);
      p += 5 + n;
    } else if (c === 0xc0) {
      if (p + 3 > last) return null;
      s = String(dv.getInt16(p + 1, true));
      p += 3;
    } else if (c === 0xd0) {
      if (p + 5 > last) return null;
      s = String(dv.getInt32(p + 1, true));
      p += 5;
    } else if (c === 0xe0) {
      if (p + 9 > last) return null;
      s = String(dv.getBigInt64(p + 1, true));
      p += 9;
    } else if (c === 0xf0) {
      if (p + 4 > last) return null;
      const u = b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16);
      s = String(u & 0x800000 ? u - 0x1000000 : u);
      p += 4;
    } else if (c === 0xfe) {
      if (p + 2 > last) return null;
      s = String(dv.getInt8(p + 1));
      p += 2;
    } else if (c >= 0xf1 && c <= 0xfd) {
      s = String((c & 0x0f) - 1);
      p += 1;
    } else return null;
    prevLen = p - e;
    lastEntry = e;
    out.push(s);
  }
  if (p !== last) return null;
  if (count !== 65535 && count !== out.length) return null;
  // the tail offset points at the last entry (or the end when empty)
  const expectTail = lastEntry < 0 ? 10 : lastEntry - start;
  if (tail !== expectTail) return null;
  return out;
}

/** The key/value pairs of a zipmap in `b[start..end)`, flattened, or null when malformed. */
export function decodeZipmap(b: Uint8Array, start = 0, end = b.length): string[] | null {
  if (end - start < 2) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = b[start];
  const out: string[] = [];
  let p = start + 1;
  const readLen = (): number => {
    if (p >= end) return -1;
    const c = b[p];
    if (c < 254) {
      p += 1;
      return c;
    }
    if (c === 254) {
      if (p + 5 > end) return -1;
      const n = dv.getUint32(p + 1, true);
      p += 5;
      return n;
    }
    return -1;
  };
  for (;;) {
    if (p >= end) return null;
    if (b[p] === 0xff) {
      p++;
      break;
    }
    const kl = readLen();
    if (kl < 0 || p + kl > end) return null;
    out.push(bytesToStr(b, p, p + kl));
    p += kl;
    const vl = readLen();
    if (vl < 0 || p + 1 > end) return null;
    const free = b[p++];
    if (p + vl + free > end) return null;
    out.push(bytesToStr(b, p, p + vl));
    p += vl + free;
  }
  if (p !== end) return null;
  if (count < 254 && count * 2 !== out.length) return null;
  return out;
}
