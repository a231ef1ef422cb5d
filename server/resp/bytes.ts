// Byte strings: every key and value is held as a JS string whose char codes
// are the bytes 0..255 ("latin1"). That keeps values compact (V8 one-byte
// strings), usable as Map keys and binary safe. These helpers convert at the
// edges (socket bytes <-> byte strings).
import { Buffer } from "node:buffer";

// Decoding: short strings with one String.fromCharCode call of fixed arity
// (flat one-byte strings, no cons chains, fastest measured); longer ones with
// Buffer's native latin1 slice over a cached view of the same ArrayBuffer.
const f = String.fromCharCode;

function shortStr(b: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return f(b[s]);
    case 2:
      return f(b[s], b[s + 1]);
    case 3:
      return f(b[s], b[s + 1], b[s + 2]);
    case 4:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
      );
    case 10:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
      );
    case 11:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
      );
    case 12:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
      );
    case 13:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
      );
    case 14:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
      );
    case 15:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
        b[s + 14],
      );
    case 16:
      return f(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
        b[s + 14],
        b[s + 15],
      );
  }
  return "";
}

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };
let cachedAb: ArrayBufferLike | null = null;
let cachedBuf: Latin1Buffer | null = null;

/** Decode bytes [start, end) of `buf` into a byte string. */
export function bytesToStr(buf: Uint8Array, start = 0, end = buf.length): string {
  const n = end - start;
  if (n <= 16) return shortStr(buf, start, n);
  if (buf.buffer !== cachedAb) {
    cachedAb = buf.buffer;
    cachedBuf = Buffer.from(buf.buffer as ArrayBuffer) as Latin1Buffer;
  }
  const o = buf.byteOffset;
  return cachedBuf!.latin1Slice(o + start, o + end);
}

/** Encode a byte string into `out` at `pos`; `out` must have room. Returns the new position. */
export function writeStr(out: Uint8Array, pos: number, s: string): number {
  const n = s.length;
  if (n <= 64) {
    for (let i = 0; i < n; i++) out[pos + i] = s.charCodeAt(i);
    return pos + n;
  }
  return pos +
    Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(s, pos, n, "latin1");
}

/** A byte string from text that may hold any Unicode (encoded as UTF-8). */
export function utf8ToStr(text: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return bytesToStr(new TextEncoder().encode(text));
}

/** Bytes of a byte string. */
export function strToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  writeStr(out, 0, s);
  return out;
}

/** Human-readable text of a byte string holding UTF-8. */
export function strToUtf8(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return new TextDecoder().decode(strToBytes(s));
}

/** The parts one after the other, in one new array. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** n random hex digits (replication ids, run ids, EOF marks). */
export function randomHex(n: number): string {
  const b = new Uint8Array(Math.ceil(n / 2));
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("").slice(0, n);
}
