// Intset, the encoding of small sets of integers: element width (u32 LE:
// 2, 4 or 8), count (u32 LE), then the elements sorted ascending, each
// `width` bytes little-endian. RDB files store it as one opaque string.
import { type ByteBuf, int64Of } from "./bytebuf.ts";

/**
 * Encode members that are all canonical 64-bit integers. Returns false
 * (writing nothing) if one is not.
 */
export function encodeIntset(out: ByteBuf, members: Iterable<string>): boolean {
  const nums: number[] = [];
  let big: bigint[] | null = null;
  let width = 2;
  for (const m of members) {
    const v = int64Of(m);
    if (v === null) return false;
    if (typeof v === "bigint") {
      (big ??= []).push(v);
      width = 8;
    } else {
      nums.push(v);
      if (v < -2147483648 || v > 2147483647) width = 8;
      else if (width === 2 && (v < -32768 || v > 32767)) width = 4;
    }
  }
  const n = nums.length + (big?.length ?? 0);
  out.u32le(width);
  out.u32le(n);
  if (big) {
    const all = [...nums.map((x) => BigInt(x)), ...big].sort((
      a,
      b,
    ) => (a < b ? -1 : a > b ? 1 : 0));
    for (const v of all) out.i64le(v);
    return true;
  }
  nums.sort((a, b) => a - b);
  if (width === 2) { for (const v of nums) out.i16le(v); }
  else if (width === 4) { for (const v of nums) out.i32le(v); }
  else for (const v of nums) out.i64le(v);
  return true;
}

/** The members of an intset in `b[start..end)` as decimal strings, or null when malformed. */
export function decodeIntset(b: Uint8Array, start = 0, end = b.length): string[] | null {
  if (end - start < 8) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const width = dv.getUint32(start, true);
  const count = dv.getUint32(start + 4, true);
  if (width !== 2 && width !== 4 && width !== 8) return null;
  if (8 + count * width !== end - start) return null;
  const out = new Array<string>(count);
  let p = start + 8;
  let prev: number | bigint | null = null;
  for (let i = 0; i < count; i++, p += width) {
    const v: number | bigint = width === 2
      ? dv.getInt16(p, true)
      : width === 4
      ? dv.getInt32(p, true)
      : dv.getBigInt64(p, true);
    // must be strictly ascending (no duplicates)
    if (prev !== null && !(v > prev)) return null;
    prev = v;
    out[i] = String(v);
  }
  return out;
}
