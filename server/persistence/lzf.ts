// LZF, the compression RDB files use for long strings. The stream is a
// sequence of runs, each starting with a control byte c:
//   c < 32:  a literal run of c + 1 bytes follows;
//   else:    a back reference: length L = c >> 5 (7 means "add the next
//            byte"), then the low byte of the offset; copy L + 2 bytes from
//            `offset + 1` bytes back, where offset = (c & 31) << 8 | low.
// Offsets reach 8 KiB back, matches are 3..264 bytes, literal runs 1..32.

const HLOG = 14;
const HSIZE = 1 << HLOG;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const MAX_LIT = 1 << 5;

const htab = new Int32Array(HSIZE);

/**
 * Compress `input[0..len)` into `out` starting at `outPos`, using at most
 * `outMax` bytes. Returns the compressed length, or 0 when it does not fit
 * (the caller then stores the data uncompressed).
 */
export function lzfCompress(
  input: Uint8Array,
  len: number,
  out: Uint8Array,
  outPos: number,
  outMax: number,
): number {
  if (len === 0) return 0;
  htab.fill(0);
  const outEnd = outPos + outMax;
  let op = outPos;
  let litPos = op++; // control byte of the current literal run
  let lit = 0;
  let ip = 0;
  while (ip < len - 2) {
    const v = (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2];
    const h = (Math.imul(v, 0x9e3779b1) >>> (32 - HLOG)) & (HSIZE - 1);
    const ref = htab[h] - 1;
    htab[h] = ip + 1;
    const off = ip - ref - 1;
    if (
      ref >= 0 && off < MAX_OFF && input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
    ) {
      let maxLen = len - ip;
      if (maxLen > MAX_REF) maxLen = MAX_REF;
      let l = 3;
      while (l < maxLen && input[ref + l] === input[ip + l]) l++;
      // close the literal run (or drop its unused control byte)
      if (op + 3 >= outEnd) return 0;
      if (lit) out[litPos] = lit - 1;
      else op--;
      const code = l - 2;
      if (code < 7) out[op++] = (off >> 8) + (code << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = code - 7;
      }
      out[op++] = off & 0xff;
      litPos = op++;
      lit = 0;
      // index the last two positions of the match for the next search
      const end = ip + l;
      for (let p = end - 2; p < end && p < len - 2; p++) {
        const w = (input[p] << 16) | (input[p + 1] << 8) | input[p + 2];
        htab[(Math.imul(w, 0x9e3779b1) >>> (32 - HLOG)) & (HSIZE - 1)] = p + 1;
      }
      ip = end;
    } else {
      if (op + 2 >= outEnd) return 0;
      out[op++] = input[ip++];
      if (++lit === MAX_LIT) {
        out[litPos] = MAX_LIT - 1;
        lit = 0;
        litPos = op++;
      }
    }
  }
  while (ip < len) {
    if (op + 2 >= outEnd) return 0;
    out[op++] = input[ip++];
    if (++lit === MAX_LIT) {
      out[litPos] = MAX_LIT - 1;
      lit = 0;
      litPos = op++;
    }
  }
  if (lit) out[litPos] = lit - 1;
  else op--;
  if (op > outEnd) return 0;
  return op - outPos;
}

/**
 * Decompress `input[start..end)` into a new buffer of exactly `outLen`
 * bytes. Returns null when the data is not a valid LZF stream of that size.
 */
export function lzfDecompress(
  input: Uint8Array,
  start: number,
  end: number,
  outLen: number,
): Uint8Array | null {
  const out = new Uint8Array(outLen);
  let ip = start, op = 0;
  while (ip < end) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > end) return null;
      out.set(input.subarray(ip, ip + n), op);
      op += n;
      ip += n;
    } else {
      let n = ctrl >> 5;
      if (n === 7) {
        if (ip >= end) return null;
        n += input[ip++];
      }
      if (ip >= end) return null;
      const ref = op - ((ctrl & 31) << 8) - input[ip++] - 1;
      n += 2;
      if (ref < 0 || op + n > outLen) return null;
      // byte by byte: the source may overlap what is being written
      for (let k = 0; k < n; k++) out[op + k] = out[ref + k];
      op += n;
    }
  }
  return op === outLen ? out : null;
}
