// Byte strings: every key and value is held as a JS string whose char codes
// are the bytes 0..255 ("latin1"). That keeps values compact (V8 one-byte
// strings), usable as Map keys and binary safe. These helpers convert at the
// edges (socket bytes <-> byte strings).
import { Buffer } from "node:buffer";

const SHORT = 24;

/** Decode bytes [start, end) of `buf` into a byte string. */
export function bytesToStr(buf: Uint8Array, start = 0, end = buf.length): string {
  const n = end - start;
  if (n <= SHORT) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString("latin1", start, end);
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
