// RDB encoding (format version 10, as Redis 7.0 writes it): lengths,
// strings (integer-encoded, LZF-compressed or raw), values in the encoding
// OBJECT ENCODING reports, and the file framing (header, AUX fields,
// SELECTDB, RESIZEDB, EXPIRETIME_MS, EOF, CRC-64). The encoder appends to a
// buffer that the caller drains in chunks (see snapshot.ts), so a snapshot
// can be written a few keys at a time.
import type { Value } from "../keyspace/db.ts";
import type { HashValue, ListValue, SetValue, ZSetValue } from "../keyspace/types/index.ts";
import { formatDouble } from "../resp/writer.ts";
import { ByteBuf } from "./bytebuf.ts";
import { Crc64 } from "./crc64.ts";
import { encodeIntset } from "./intset.ts";
import { lpAppendEntry, lpBegin, lpFinish } from "./listpack.ts";
import { lzfCompress } from "./lzf.ts";
import * as F from "./rdb_format.ts";

export interface EncodeOptions {
  /** rdbcompression: LZF-compress strings longer than 20 bytes when it saves space. */
  compression: boolean;
  /** list-max-listpack-size: quicklist node size (negative: bytes class, positive: count). */
  listFill: number;
}

export const DEFAULT_ENCODE: EncodeOptions = { compression: true, listFill: -2 };

/** Quicklist node byte limits for fill -1 .. -5. */
const NODE_BYTES = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;

/** Redis's d2string: integral values in +-2^52 as integers, else %.17g. */
export function d2string(d: number): string {
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  return formatDouble(d);
}

/** The canonical int32 value of s (how RDB stores short numeric strings), or null. */
function smallInt(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 11) return null;
  const c0 = s.charCodeAt(0);
  if (c0 !== 45 && (c0 < 48 || c0 > 57)) return null;
  if (!/^-?[1-9][0-9]*$|^0$/.test(s)) return null;
  const v = Number(s);
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

export class RdbEncoder {
  readonly out: ByteBuf;
  /** Scratch space: listpacks and intsets are built here, then stored as strings. */
  private blob = new ByteBuf(1 << 12);
  private scratch = new Uint8Array(1 << 12);

  constructor(public opts: EncodeOptions = DEFAULT_ENCODE, size = 1 << 16) {
    this.out = new ByteBuf(size);
  }

  // --- primitives -------------------------------------------------------------

  /** A length: 6 bits, 14 bits, 32 bits or 64 bits (big-endian). */
  len(n: number): void {
    const o = this.out;
    if (n < 64) o.u8(n);
    else if (n < 16384) {
      o.u8(0x40 | (n >> 8));
      o.u8(n & 0xff);
    } else if (n <= 0xffffffff) {
      o.u8(0x80);
      o.u32be(n);
    } else {
      o.u8(0x81);
      o.u64be(n);
    }
  }

  /** A string, as rdbSaveRawString does: int-encoded when it can, LZF when it pays, else raw. */
  string(s: string): void {
    const n = s.length;
    if (n <= 11) {
      const v = smallInt(s);
      if (v !== null) {
        this.int(v);
        return;
      }
    }
    if (n > 20 && this.opts.compression) {
      if (this.scratch.length < n) {
        this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2));
      }
      const src = this.scratch;
      for (let i = 0; i < n; i++) src[i] = s.charCodeAt(i);
      if (this.lzf(src, n)) return;
    }
    this.len(n);
    this.out.str(s);
  }

  /** Bytes stored as a string (listpack, intset blobs): LZF when it pays, else raw. */
  blobString(b: Uint8Array): void {
    const n = b.length;
    if (n > 20 && this.opts.compression && this.lzf(b, n)) return;
    this.len(n);
    this.out.bytes(b);
  }

  /** An integer that fits in 32 bits, in the smallest of the int encodings. */
  private int(v: number): void {
    const o = this.out;
    if (v >= -128 && v <= 127) {
      o.u8(0xc0 | F.ENC_INT8);
      o.u8(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      o.u8(0xc0 | F.ENC_INT16);
      o.i16le(v);
    } else {
      o.u8(0xc0 | F.ENC_INT32);
      o.i32le(v);
    }
  }

  /** Try to write src[0..n) LZF-compressed; false (nothing written) if it would not be smaller. */
  private lzf(src: Uint8Array, n: number): boolean {
    const o = this.out;
    // worst case header: 1 + 9 (compressed length) + 9 (original length)
    o.ensure(19 + n);
    const mark = o.pos;
    const dataAt = mark + 19;
    const clen = lzfCompress(src, n, o.buf, dataAt, n - 4);
    if (clen === 0) return false;
    o.u8(0xc0 | F.ENC_LZF);
    this.len(clen);
    this.len(n);
    // move the compressed data right after the header
    o.buf.copyWithin(o.pos, dataAt, dataAt + clen);
    o.pos += clen;
    return true;
  }

  /** A double as ZSET_2 stores it: 8 bytes little-endian. */
  binaryDouble(d: number): void {
    this.out.f64le(d);
  }

  // --- values ------------------------------------------------------------------

  /** The RDB type byte of a value, by its encoding. */
  typeOf(v: Value): number {
    if (typeof v === "string") return F.T_STRING;
    switch (v.type) {
      case "list":
        return F.T_LIST_QUICKLIST_2;
      case "set":
        return v.encoding() === "intset" ? F.T_SET_INTSET : F.T_SET;
      case "hash":
        return v.encoding() === "listpack" ? F.T_HASH_LISTPACK : F.T_HASH;
      case "zset":
        return v.encoding() === "listpack" ? F.T_ZSET_LISTPACK : F.T_ZSET_2;
      default:
        throw new Error(`can't serialize a value of type ${v.type}`);
    }
  }

  /** A value: its type byte and its encoding. */
  value(v: Value): void {
    const t = this.typeOf(v);
    this.out.u8(t);
    this.valueBody(v, t);
  }

  private valueBody(v: Value, t: number): void {
    if (typeof v === "string") return this.string(v);
    switch (t) {
      case F.T_LIST_QUICKLIST_2:
        return this.quicklist(v as ListValue);
      case F.T_SET_INTSET: {
        const b = this.blob;
        b.pos = 0;
        if (encodeIntset(b, (v as SetValue).members())) return this.blobString(b.view());
        // not all integers after all: store it as a plain set (type byte already out)
        throw new Error("intset encoding with a non-integer member");
      }
      case F.T_SET: {
        const s = v as SetValue;
        this.len(s.size);
        for (const m of s.members()) this.string(m);
        return;
      }
      case F.T_HASH_LISTPACK: {
        const b = this.blob;
        b.pos = 0;
        const at = lpBegin(b);
        let n = 0;
        for (const [f, val] of (v as HashValue).entries()) {
          lpAppendEntry(b, f);
          lpAppendEntry(b, val);
          n += 2;
        }
        lpFinish(b, at, n);
        return this.blobString(b.view());
      }
      case F.T_HASH: {
        const h = v as HashValue;
        this.len(h.size);
        for (const [f, val] of h.entries()) {
          this.string(f);
          this.string(val);
        }
        return;
      }
      case F.T_ZSET_LISTPACK: {
        const b = this.blob;
        b.pos = 0;
        const at = lpBegin(b);
        let n = 0;
        for (const [m, score] of (v as ZSetValue).entries()) {
          lpAppendEntry(b, m);
          lpAppendEntry(b, d2string(score));
          n += 2;
        }
        lpFinish(b, at, n);
        return this.blobString(b.view());
      }
      case F.T_ZSET_2: {
        const z = v as ZSetValue;
        this.len(z.size);
        for (const [m, score] of z.entries()) {
          this.string(m);
          this.binaryDouble(score);
        }
        return;
      }
    }
  }

  /** A list as QUICKLIST_2: packed listpack nodes sized by list-max-listpack-size. */
  private quicklist(l: ListValue): void {
    const fill = this.opts.listFill;
    const byteLimit = fill < 0 ? NODE_BYTES[Math.min(5, -fill) - 1] : SIZE_SAFETY_LIMIT;
    // nodes are built one after the other in `nodes`; their bounds kept aside
    const nodes = new ByteBuf(1 << 12);
    const bounds: number[] = [];
    let at = -1, count = 0, approx = 0;
    for (const s of l.items()) {
      const sz = s.length;
      const overhead = (sz < 254 ? 1 : 5) + (sz < 64 ? 1 : sz < 16384 ? 2 : 5);
      if (at >= 0) {
        const newSz = approx + sz + overhead;
        const fits = fill < 0 ? newSz <= byteLimit : newSz <= SIZE_SAFETY_LIMIT && count < fill;
        if (!fits) {
          lpFinish(nodes, at, count);
          bounds.push(at, nodes.pos);
          at = -1;
        }
      }
      if (at < 0) {
        at = lpBegin(nodes);
        count = 0;
        approx = 7; // empty listpack: header + terminator
      }
      lpAppendEntry(nodes, s);
      count++;
      approx += sz + overhead;
    }
    if (at >= 0) {
      lpFinish(nodes, at, count);
      bounds.push(at, nodes.pos);
    }
    this.len(bounds.length / 2);
    for (let i = 0; i < bounds.length; i += 2) {
      this.len(F.QL_PACKED);
      this.blobString(nodes.buf.subarray(bounds[i], bounds[i + 1]));
    }
  }

  // --- file framing ------------------------------------------------------------

  /** "REDIS0010". */
  magic(): void {
    this.out.str("REDIS" + String(F.RDB_VERSION).padStart(4, "0"));
  }

  aux(key: string, value: string | number): void {
    this.out.u8(F.OP_AUX);
    this.string(key);
    this.string(String(value));
  }

  selectDb(id: number): void {
    this.out.u8(F.OP_SELECTDB);
    this.len(id);
  }

  resizeDb(size: number, expires: number): void {
    this.out.u8(F.OP_RESIZEDB);
    this.len(size);
    this.len(expires);
  }

  /** One key: its expire time (if any), type, key name and value. */
  keyValue(key: string, v: Value, expireMs: number | undefined): void {
    if (expireMs !== undefined) {
      this.out.u8(F.OP_EXPIRETIME_MS);
      this.out.ms64le(expireMs);
    }
    const t = this.typeOf(v);
    this.out.u8(t);
    this.string(key);
    this.valueBody(v, t);
  }

  eof(): void {
    this.out.u8(F.OP_EOF);
  }

  /** Drain what was written so far. */
  take(): Uint8Array {
    return this.out.take();
  }
}

/** The AUX fields Redis 7.0 writes at the start of an RDB file. */
export interface AuxInfo {
  ctime: number;
  usedMem: number;
  replStreamDb: number;
  /** "" leaves the repl-* fields out. */
  replId: string;
  replOffset: number;
}

export function writeHeader(e: RdbEncoder, aux: AuxInfo, version = "7.0.15"): void {
  e.magic();
  e.aux("redis-ver", version);
  e.aux("redis-bits", 64);
  e.aux("ctime", aux.ctime);
  e.aux("used-mem", aux.usedMem);
  if (aux.replId !== "") {
    // (as Redis: only an instance in a replication chain has a history worth saving)
    e.aux("repl-stream-db", aux.replStreamDb);
    e.aux("repl-id", aux.replId);
    e.aux("repl-offset", aux.replOffset);
  }
  e.aux("aof-base", 0);
}

/** A DUMP payload: value, RDB version (2 bytes LE), CRC-64 of both (8 bytes LE). */
export function dumpPayload(v: Value, opts: EncodeOptions): Uint8Array {
  const e = new RdbEncoder(opts, 256);
  e.value(v);
  e.out.u16le(F.RDB_VERSION);
  const crc = new Crc64().update(e.out.buf, 0, e.out.pos);
  e.out.bytes(crc.bytesLE());
  return e.take();
}
