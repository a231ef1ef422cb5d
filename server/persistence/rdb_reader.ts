// RDB decoding: everything Redis 7.0 writes (format versions 1..10), every
// value encoding old or new (plain, ziplist, zipmap, intset, listpack,
// quicklist 1 and 2, LZF and integer strings), EXPIRETIME and
// EXPIRETIME_MS, AUX fields (read), MODULE_AUX (skipped), FUNCTION2
// (skipped with a warning: there is no scripting engine to load it into).
// Anything malformed or cut short throws an RdbError; the caller loads into
// fresh databases and only swaps them in when the whole file was good.
import type { Value } from "../keyspace/db.ts";
import { bytesToStr } from "../resp/bytes.ts";
import { Crc64 } from "./crc64.ts";
import { decodeIntset } from "./intset.ts";
import { decodeListpack } from "./listpack.ts";
import { lzfDecompress } from "./lzf.ts";
import * as F from "./rdb_format.ts";
import { decodeZiplist, decodeZipmap } from "./ziplist.ts";

export class RdbError extends Error {
  constructor(message: string, public offset = -1) {
    super(message);
  }
}

/** How decoded collections become values (objects.ts builds the server's types). */
export interface ValueBuilder {
  list(items: string[]): Value;
  set(members: string[]): Value;
  /** Fields and values alternating. */
  hash(flat: string[]): Value;
  zset(members: string[], scores: number[]): Value;
}

/** The number of elements a built collection holds (to detect duplicates). */
function sizeOf(v: Value): number {
  if (typeof v === "string") return 1;
  const o = v as unknown as { size?: number; length?: number };
  return o.size ?? o.length ?? 0;
}

/** strtod on a score as listpacks and old ZSETs store it. */
function parseScore(s: string): number {
  const l = s.toLowerCase();
  if (l === "inf" || l === "+inf" || l === "infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  if (l === "nan") return NaN;
  const d = Number(s);
  return d;
}

export class RdbReader {
  pos = 0;
  readonly dv: DataView;

  constructor(
    readonly data: Uint8Array,
    public builder: ValueBuilder,
    start = 0,
    public end = data.length,
  ) {
    this.pos = start;
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  fail(msg: string): never {
    throw new RdbError(msg, this.pos);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new RdbError(
        "Short read or OOM loading DB. Unrecoverable error, aborting now.",
        this.pos,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++];
  }

  u32le(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i64le(): number {
    this.need(8);
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getInt32(this.pos + 4, true);
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  f64le(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length; `encoded` is set when it is a special string encoding instead. */
  private encoded = false;

  len(): number {
    const b = this.u8();
    const kind = b >> 6;
    this.encoded = false;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.u8();
    if (kind === 3) {
      this.encoded = true;
      return b & 0x3f;
    }
    if (b === 0x80) {
      this.need(4);
      const v = this.dv.getUint32(this.pos, false);
      this.pos += 4;
      return v;
    }
    if (b === 0x81) {
      this.need(8);
      const hi = this.dv.getUint32(this.pos, false), lo = this.dv.getUint32(this.pos + 4, false);
      this.pos += 8;
      const v = hi * 4294967296 + lo;
      if (!Number.isSafeInteger(v)) this.fail("Unknown length encoding in rdbLoadLen()");
      return v;
    }
    return this.fail(`Unknown length encoding ${b} in rdbLoadLen()`);
  }

  /** A length of up to 64 bits as a bigint (module ids). */
  bigLen(): bigint {
    if (this.pos < this.end && this.data[this.pos] === 0x81) {
      this.pos++;
      this.need(8);
      const v = this.dv.getBigUint64(this.pos, false);
      this.pos += 8;
      return v;
    }
    return BigInt(this.plainLen());
  }

  /** A length that must be a plain length (not a string encoding). */
  plainLen(): number {
    const n = this.len();
    if (this.encoded) this.fail("Unexpected encoded length");
    return n;
  }

  /** A string's bytes as [buffer, start, end) (LZF data is decompressed). */
  private stringSpan(): [Uint8Array, number, number] | string {
    const n = this.len();
    if (this.encoded) {
      switch (n) {
        case F.ENC_INT8:
          this.need(1);
          return String(this.dv.getInt8(this.pos++));
        case F.ENC_INT16: {
          this.need(2);
          const v = this.dv.getInt16(this.pos, true);
          this.pos += 2;
          return String(v);
        }
        case F.ENC_INT32: {
          this.need(4);
          const v = this.dv.getInt32(this.pos, true);
          this.pos += 4;
          return String(v);
        }
        case F.ENC_LZF: {
          const clen = this.plainLen();
          const ulen = this.plainLen();
          this.need(clen);
          const out = lzfDecompress(this.data, this.pos, this.pos + clen, ulen);
          if (!out) this.fail("Invalid LZF compressed string");
          this.pos += clen;
          return [out, 0, ulen];
        }
        default:
          return this.fail(`Unknown RDB string encoding type ${n}`);
      }
    }
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return [this.data, start, start + n];
  }

  /** A string as a byte string. */
  string(): string {
    const s = this.stringSpan();
    if (typeof s === "string") return s;
    return bytesToStr(s[0], s[1], s[2]);
  }

  /** A string holding a binary blob (ziplist, listpack, intset...). */
  blob(): [Uint8Array, number, number] {
    const s = this.stringSpan();
    if (typeof s === "string") {
      // an integer-encoded blob can't be a valid structure
      return this.fail("Unexpected integer-encoded blob");
    }
    return s;
  }

  /** A score as the old ZSET type stores it: length byte (253 nan, 254 inf, 255 -inf) + text. */
  doubleString(): number {
    const n = this.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    this.need(n);
    const s = bytesToStr(this.data, this.pos, this.pos + n);
    this.pos += n;
    const d = parseScore(s);
    if (Number.isNaN(d) && s.toLowerCase() !== "nan") this.fail("Invalid double value");
    return d;
  }

  // --- values --------------------------------------------------------------------

  /** A value of RDB type `t`; null when it is an empty collection (skipped, as Redis does). */
  value(t: number): Value | null {
    const b = this.builder;
    switch (t) {
      case F.T_STRING:
        return this.string();
      case F.T_LIST: {
        const n = this.plainLen();
        const items = new Array<string>(n);
        for (let i = 0; i < n; i++) items[i] = this.string();
        return n ? b.list(items) : null;
      }
      case F.T_SET: {
        const n = this.plainLen();
        const m = new Array<string>(n);
        for (let i = 0; i < n; i++) m[i] = this.string();
        if (!n) return null;
        const v = b.set(m);
        if (sizeOf(v) !== n) this.fail("Duplicate set members detected");
        return v;
      }
      case F.T_ZSET:
      case F.T_ZSET_2: {
        const n = this.plainLen();
        const members = new Array<string>(n), scores = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          members[i] = this.string();
          const d = t === F.T_ZSET_2 ? this.f64le() : this.doubleString();
          if (Number.isNaN(d)) this.fail("Zset with NAN score detected");
          scores[i] = d;
        }
        if (!n) return null;
        const v = b.zset(members, scores);
        if (sizeOf(v) !== n) this.fail("Duplicate zset fields detected");
        return v;
      }
      case F.T_HASH: {
        const n = this.plainLen();
        const flat = new Array<string>(2 * n);
        for (let i = 0; i < 2 * n; i++) flat[i] = this.string();
        if (!n) return null;
        const v = b.hash(flat);
        if (sizeOf(v) !== n) this.fail("Duplicate hash fields detected");
        return v;
      }
      case F.T_HASH_ZIPMAP: {
        const [buf, s, e] = this.blob();
        const flat = decodeZipmap(buf, s, e);
        if (!flat) this.fail("Zipmap integrity check failed.");
        return this.hashFromFlat(flat);
      }
      case F.T_LIST_ZIPLIST: {
        const [buf, s, e] = this.blob();
        const items = decodeZiplist(buf, s, e);
        if (!items) this.fail("List ziplist integrity check failed.");
        return items.length ? b.list(items) : null;
      }
      case F.T_SET_INTSET: {
        const [buf, s, e] = this.blob();
        const m = decodeIntset(buf, s, e);
        if (!m) this.fail("Intset integrity check failed.");
        return m.length ? b.set(m) : null;
      }
      case F.T_ZSET_ZIPLIST:
      case F.T_ZSET_LISTPACK: {
        const [buf, s, e] = this.blob();
        const flat = t === F.T_ZSET_LISTPACK ? decodeListpack(buf, s, e) : decodeZiplist(buf, s, e);
        if (!flat || flat.length % 2) this.fail("Zset ziplist integrity check failed.");
        if (!flat.length) return null;
        const n = flat.length / 2;
        const members = new Array<string>(n), scores = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          members[i] = flat[2 * i];
          const d = parseScore(flat[2 * i + 1]);
          if (Number.isNaN(d)) this.fail("Zset with NAN score detected");
          scores[i] = d;
        }
        const v = b.zset(members, scores);
        if (sizeOf(v) !== n) this.fail("Duplicate zset fields detected");
        return v;
      }
      case F.T_HASH_ZIPLIST:
      case F.T_HASH_LISTPACK: {
        const [buf, s, e] = this.blob();
        const flat = t === F.T_HASH_LISTPACK ? decodeListpack(buf, s, e) : decodeZiplist(buf, s, e);
        if (!flat || flat.length % 2) this.fail("Hash ziplist integrity check failed.");
        return this.hashFromFlat(flat);
      }
      case F.T_LIST_QUICKLIST:
      case F.T_LIST_QUICKLIST_2: {
        const nodes = this.plainLen();
        const items: string[] = [];
        for (let i = 0; i < nodes; i++) {
          let container = F.QL_PACKED;
          if (t === F.T_LIST_QUICKLIST_2) {
            container = this.plainLen();
            if (container !== F.QL_PACKED && container !== F.QL_PLAIN) {
              this.fail(`Quicklist integrity check failed: bad container ${container}`);
            }
          }
          if (container === F.QL_PLAIN) {
            items.push(this.string());
            continue;
          }
          const [buf, s, e] = this.blob();
          const part = t === F.T_LIST_QUICKLIST_2
            ? decodeListpack(buf, s, e)
            : decodeZiplist(buf, s, e);
          if (!part) {
            this.fail(
              t === F.T_LIST_QUICKLIST_2
                ? "Listpack integrity check failed."
                : "Ziplist integrity check failed.",
            );
          }
          for (const x of part) items.push(x);
        }
        return items.length ? b.list(items) : null;
      }
      case F.T_STREAM_LISTPACKS:
      case F.T_STREAM_LISTPACKS_2:
        return this.fail("The RDB file contains a stream, a type this server does not support");
      case F.T_MODULE_PRE_GA:
      case F.T_MODULE_2:
        return this.fail("The RDB file contains module data I can't load: no matching module");
      default:
        return this.fail(`Unknown RDB encoding type ${t}`);
    }
  }

  private hashFromFlat(flat: string[]): Value | null {
    if (!flat.length) return null;
    const v = this.builder.hash(flat);
    if (sizeOf(v) !== flat.length / 2) this.fail("Hash with dup elements");
    return v;
  }

  /** Skip a module value (MODULE_AUX): opcode/value pairs until the EOF opcode. */
  skipModuleValue(): void {
    for (;;) {
      const op = this.plainLen();
      if (op === F.MODULE_OPCODE_EOF) return;
      if (op === F.MODULE_OPCODE_SINT || op === F.MODULE_OPCODE_UINT) this.bigLen();
      else if (op === F.MODULE_OPCODE_STRING) this.stringSpan();
      else if (op === F.MODULE_OPCODE_FLOAT) {
        this.need(4);
        this.pos += 4;
      } else if (op === F.MODULE_OPCODE_DOUBLE) {
        this.need(8);
        this.pos += 8;
      } else this.fail(`Unknown module opcode ${op}`);
    }
  }
}

/** Module type names are encoded in the top 54 bits of their 64-bit id (9 chars of 64). */
export function moduleNameById(id: bigint): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let name = "";
  let big = id >> 10n;
  for (let i = 0; i < 9; i++) {
    name = chars[Number(big & 63n)] + name;
    big >>= 6n;
  }
  return name;
}

// --- whole files ---------------------------------------------------------------

/** What loading a file reports. */
export interface LoadInfo {
  version: number;
  keysLoaded: number;
  keysExpired: number;
  emptyKeysSkipped: number;
  aux: Map<string, string>;
  /** Bytes consumed (up to and including the checksum). */
  bytes: number;
}

export interface LoadHandlers {
  builder: ValueBuilder;
  /** Number of databases: a SELECTDB beyond it is an error. */
  databases: number;
  /** Store a key; return false if it already exists (a duplicate: the file is refused). */
  add(db: number, key: string, value: Value, expireMs: number | undefined): boolean;
  /** Keys whose expire time is before this are dropped (pass -Infinity to keep all). */
  expiredBefore: number;
  /** Told of each key dropped as expired. */
  onExpired?(db: number, key: string): void;
  /** Verify the CRC-64 trailer (rdbchecksum). */
  checksum: boolean;
  onAux?(key: string, value: string): void;
  onWarning?(msg: string): void;
  /** Called now and then with the bytes consumed so far. */
  onProgress?(pos: number, keys: number): void;
  /** Called when a RESIZEDB hint is read. */
  onResize?(db: number, size: number, expires: number): void;
}

/** Parse a whole RDB file held in `data`. Throws RdbError on anything wrong. */
export function parseRdb(data: Uint8Array, h: LoadHandlers): LoadInfo {
  const r = new RdbReader(data, h.builder);
  if (data.length < 9) r.fail("Short read or OOM loading DB. Unrecoverable error, aborting now.");
  const magic = bytesToStr(data, 0, 5);
  if (magic !== "REDIS") r.fail("Wrong signature trying to load DB from file");
  const verText = bytesToStr(data, 5, 9);
  if (!/^\d{4}$/.test(verText)) r.fail("Wrong signature trying to load DB from file");
  const version = Number(verText);
  if (version < 1 || version > F.RDB_VERSION) r.fail(`Can't handle RDB format version ${version}`);
  r.pos = 9;
  const info: LoadInfo = {
    version,
    keysLoaded: 0,
    keysExpired: 0,
    emptyKeysSkipped: 0,
    aux: new Map(),
    bytes: 0,
  };
  let db = 0;
  let expire: number | undefined = undefined;
  let sinceProgress = 0;
  for (;;) {
    const t = r.u8();
    if (t === F.OP_EXPIRETIME) {
      expire = r.u32le() * 1000;
      continue;
    }
    if (t === F.OP_EXPIRETIME_MS) {
      expire = r.i64le();
      continue;
    }
    if (t === F.OP_FREQ) {
      r.u8();
      continue;
    }
    if (t === F.OP_IDLE) {
      r.plainLen();
      continue;
    }
    if (t === F.OP_EOF) break;
    if (t === F.OP_SELECTDB) {
      db = r.plainLen();
      if (db >= h.databases) {
        r.fail(
          `FATAL: Data file was created with a Redis server configured to handle more than ${h.databases} databases. Exiting\n`,
        );
      }
      continue;
    }
    if (t === F.OP_RESIZEDB) {
      const size = r.plainLen(), expires = r.plainLen();
      h.onResize?.(db, size, expires);
      continue;
    }
    if (t === F.OP_AUX) {
      const k = r.string(), v = r.string();
      info.aux.set(k, v);
      h.onAux?.(k, v);
      continue;
    }
    if (t === F.OP_MODULE_AUX) {
      const id = r.bigLen();
      const whenOp = r.plainLen();
      r.plainLen(); // when
      if (whenOp !== F.MODULE_OPCODE_UINT) r.fail("bad when_opcode");
      h.onWarning?.(
        `Skipping AUX module data of module '${moduleNameById(id)}' (no such module here)`,
      );
      r.skipModuleValue();
      continue;
    }
    if (t === F.OP_FUNCTION) r.fail("Pre-release function format not supported.");
    if (t === F.OP_FUNCTION2) {
      r.string();
      h.onWarning?.("Skipping a function library in the RDB file (functions are not supported)");
      continue;
    }
    // a key / value pair
    const key = r.string();
    const value = r.value(t);
    const exp = expire;
    expire = undefined;
    if (value === null) {
      if (info.emptyKeysSkipped++ < 10) {
        h.onWarning?.(`rdbLoadObject skipping empty key: ${key}`);
      }
      continue;
    }
    if (exp !== undefined && exp < h.expiredBefore) {
      info.keysExpired++;
      h.onExpired?.(db, key);
      continue;
    }
    if (!h.add(db, key, value, exp)) {
      r.fail(`RDB has duplicated key '${key}' in DB ${db}`);
    }
    info.keysLoaded++;
    if (h.onProgress && ++sinceProgress >= 65536) {
      sinceProgress = 0;
      h.onProgress(r.pos, info.keysLoaded);
    }
  }
  const eofEnd = r.pos;
  if (version >= 5) {
    if (eofEnd + 8 > data.length) {
      r.fail("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    }
    if (h.checksum) {
      let zero = true;
      for (let i = 0; i < 8; i++) if (data[eofEnd + i] !== 0) zero = false;
      if (zero) h.onWarning?.("RDB file was saved with checksum disabled: no check performed.");
      else {
        const crc = new Crc64().update(data, 0, eofEnd);
        if (!crc.matchesLE(data, eofEnd)) {
          const got = new DataView(data.buffer, data.byteOffset + eofEnd, 8).getBigUint64(0, true);
          r.fail(
            `Wrong RDB checksum expected: (${got.toString(16)}) got (${
              crc.value().toString(16)
            }). Aborting now.`,
          );
        }
      }
    }
    info.bytes = eofEnd + 8;
  } else info.bytes = eofEnd;
  return info;
}

/**
 * Check a DUMP payload's footer: version (<= 10) and CRC-64 (unless
 * skipChecksum). Returns the value's end offset, or -1 when wrong.
 */
export function verifyDumpPayload(p: Uint8Array, skipChecksum: boolean): number {
  if (p.length < 10) return -1;
  const foot = p.length - 10;
  const ver = p[foot] | (p[foot + 1] << 8);
  if (ver > F.RDB_VERSION) return -1;
  if (skipChecksum) return foot;
  const crc = new Crc64().update(p, 0, p.length - 8);
  return crc.matchesLE(p, p.length - 8) ? foot : -1;
}

/** The value in a DUMP payload (already verified), or throws RdbError. */
export function parseDumpValue(p: Uint8Array, end: number, builder: ValueBuilder): Value {
  const r = new RdbReader(p, builder, 0, end);
  const t = r.u8();
  if (t > F.T_STREAM_LISTPACKS_2 || (t > F.T_MODULE_2 && t < F.T_HASH_ZIPMAP) || t === 8) {
    r.fail("Bad data format");
  }
  const v = r.value(t);
  if (v === null) return r.fail("Bad data format");
  return v;
}
