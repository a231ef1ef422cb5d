// Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//
// Bitmaps are ordinary string values (JS byte strings). Bit 0 is the most
// significant bit of the first byte, as in Redis. Strings are immutable, so
// a write rebuilds the value: SETBIT is O(length of the string) here where
// Redis is O(1) (fine for the usual bitmap sizes; a mutable byte buffer
// would be the fix if it ever matters). BITFIELD with writes copies the
// string into a byte array once per command and back once.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Value } from "../keyspace/db.ts";
import { bytesToStr } from "../resp/bytes.ts";
import { type CommandSpec, E, LLONG_MAX, parseBigInt, parseInteger } from "./spec.ts";

const BIT_OFFSET_ERR = "ERR bit offset is not an integer or out of range";
const BIT_VALUE_ERR = "ERR bit is not an integer or out of range";
const BITFIELD_TYPE_ERR =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/** Set bits in each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

// --- shared helpers ---------------------------------------------------------------

function readLookup(c: Client, srv: Server, key: string): Value | undefined {
  const v = c.db.get(key);
  if (v === undefined) srv.stats.keyspaceMisses++;
  else srv.stats.keyspaceHits++;
  return v;
}

/**
 * A bit offset argument: a non-negative integer below proto-max-bulk-len
 * bytes; `#n` (when `bits` is given) means n * bits. Null after replying
 * the error.
 */
function bitOffset(c: Client, srv: Server, arg: string, bits = 0): number | null {
  const hash = bits > 0 && arg.charCodeAt(0) === 35; // '#'
  const text = hash ? arg.slice(1) : arg;
  let off = parseInteger(text);
  if (off !== null && hash) {
    off *= bits;
    if (!Number.isSafeInteger(off)) {
      // as the C multiplication does: wrap to 64 bits
      off = Number(BigInt.asIntN(64, BigInt(text) * BigInt(bits)));
    }
  }
  if (
    off === null || off < 0 ||
    (c.kind !== "master" && Math.floor(off / 8) >= srv.config.int("proto-max-bulk-len"))
  ) {
    srv.replyError(c, BIT_OFFSET_ERR);
    return null;
  }
  return off;
}

function popcount(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i <= to; i++) n += POPCOUNT[s.charCodeAt(i)];
  return n;
}

/** The string grown with zero bytes to hold `len` bytes. */
function padTo(s: string, len: number): string {
  return s.length >= len ? s : s + "\0".repeat(len - s.length);
}

// --- SETBIT / GETBIT -----------------------------------------------------------------

function setbit(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const offset = bitOffset(c, srv, argv[2]);
  if (offset === null) return;
  const on = parseInteger(argv[3]);
  if (on !== 0 && on !== 1) {
    srv.replyError(c, BIT_VALUE_ERR);
    return;
  }
  const v = c.db.get(key);
  if (v !== undefined && typeof v !== "string") {
    srv.replyError(c, E.WRONGTYPE);
    return;
  }
  const byte = Math.floor(offset / 8);
  const prev = v ?? "";
  const s = padTo(prev, byte + 1);
  const old = s.charCodeAt(byte);
  const mask = 0x80 >> (offset % 8);
  const next = on ? old | mask : old & ~mask;
  // Redis 7.0 writes (signals, counts, propagates) only when something changes
  if (next !== old || s.length !== prev.length || v === undefined) {
    const updated = next === old
      ? s
      : s.slice(0, byte) + String.fromCharCode(next) + s.slice(byte + 1);
    if (v === undefined) c.db.set(key, updated);
    else c.db.replace(key, updated);
    srv.dirty++;
  }
  c.out.int(old & mask ? 1 : 0);
}

function getbit(c: Client, argv: string[], srv: Server): void {
  const offset = bitOffset(c, srv, argv[2]);
  if (offset === null) return;
  const v = readLookup(c, srv, argv[1]);
  if (v === undefined) {
    c.out.int(0);
    return;
  }
  if (typeof v !== "string") {
    srv.replyError(c, E.WRONGTYPE);
    return;
  }
  const byte = Math.floor(offset / 8);
  if (byte >= v.length) c.out.int(0);
  else c.out.int(v.charCodeAt(byte) & (0x80 >> (offset % 8)) ? 1 : 0);
}

// --- BITCOUNT / BITPOS -------------------------------------------------------------

/** BYTE | BIT unit argument: true for BIT, null after a syntax error reply. */
function unitArg(c: Client, srv: Server, arg: string): boolean | null {
  const u = arg.toLowerCase();
  if (u === "bit") return true;
  if (u === "byte") return false;
  srv.replyError(c, E.SYNTAX);
  return null;
}

function bitcount(c: Client, argv: string[], srv: Server): void {
  const argc = argv.length;
  // Redis 7.0 looks the key up before it parses the range
  const v = readLookup(c, srv, argv[1]);
  if (v === undefined) {
    c.out.int(0);
    return;
  }
  if (typeof v !== "string") {
    srv.replyError(c, E.WRONGTYPE);
    return;
  }
  let start = 0, end = 0, isBit = false;
  if (argc === 4 || argc === 5) {
    const s = parseInteger(argv[2]), e = parseInteger(argv[3]);
    if (s === null || e === null) {
      srv.replyError(c, E.NOT_INT);
      return;
    }
    start = s;
    end = e;
    // (checked before the unit, as Redis 7.0 does)
    if (start < 0 && end < 0 && start > end) {
      c.out.int(0);
      return;
    }
    if (argc === 5) {
      const u = unitArg(c, srv, argv[4]);
      if (u === null) return;
      isBit = u;
    }
  } else if (argc !== 2) {
    srv.replyError(c, E.SYNTAX);
    return;
  }
  const strlen = v.length;
  if (argc === 2) {
    c.out.int(strlen ? popcount(v, 0, strlen - 1) : 0);
    return;
  }
  const total = isBit ? strlen * 8 : strlen;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) {
    c.out.int(0);
    return;
  }
  if (!isBit) {
    c.out.int(popcount(v, start, end));
    return;
  }
  // whole bytes, minus the bits of the edge bytes outside the range
  const sb = Math.floor(start / 8), eb = Math.floor(end / 8);
  let n = popcount(v, sb, eb);
  const headMask = (0xff00 >> (start % 8)) & 0xff; // bits before `start`
  const tailMask = 0xff >> ((end % 8) + 1); // bits after `end`
  n -= POPCOUNT[v.charCodeAt(sb) & headMask] + POPCOUNT[v.charCodeAt(eb) & tailMask];
  c.out.int(n);
}

function bitpos(c: Client, argv: string[], srv: Server): void {
  const argc = argv.length;
  const bit = parseInteger(argv[2]);
  if (bit === null) {
    srv.replyError(c, E.NOT_INT);
    return;
  }
  if (bit !== 0 && bit !== 1) {
    srv.replyError(c, "ERR The bit argument must be 1 or 0.");
    return;
  }
  const v = readLookup(c, srv, argv[1]);
  if (v === undefined) {
    c.out.int(bit ? -1 : 0);
    return;
  }
  if (typeof v !== "string") {
    srv.replyError(c, E.WRONGTYPE);
    return;
  }
  const strlen = v.length;
  let start = 0, end = strlen - 1, isBit = false, endGiven = false;
  if (argc >= 4 && argc <= 6) {
    const s = parseInteger(argv[3]);
    if (s === null) {
      srv.replyError(c, E.NOT_INT);
      return;
    }
    start = s;
    if (argc === 6) {
      const u = unitArg(c, srv, argv[5]);
      if (u === null) return;
      isBit = u;
    }
    if (argc >= 5) {
      const e = parseInteger(argv[4]);
      if (e === null) {
        srv.replyError(c, E.NOT_INT);
        return;
      }
      end = e;
      endGiven = true;
    } else end = isBit ? strlen * 8 + 7 : strlen - 1;
    const total = isBit ? strlen * 8 : strlen;
    if (start < 0) start += total;
    if (end < 0) end += total;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
  } else if (argc !== 3) {
    srv.replyError(c, E.SYNTAX);
    return;
  }
  if (start > end) {
    c.out.int(-1);
    return;
  }
  // the range in bits
  const first = isBit ? start : start * 8;
  const last = isBit ? end : end * 8 + 7;
  const found = findBit(v, first, last, bit);
  if (found >= 0) c.out.int(found);
  else if (bit === 1 || endGiven) c.out.int(-1);
  else c.out.int((Math.floor(last / 8) + 1) * 8); // zero padding right of the string
}

/** First bit position in [first, last] holding `bit`, or -1. */
function findBit(s: string, first: number, last: number, bit: number): number {
  const skip = bit ? 0 : 0xff; // bytes that can't contain the bit
  let pos = first;
  while (pos <= last) {
    if (pos % 8 === 0 && pos + 7 <= last) {
      let i = pos / 8;
      const lastWhole = Math.floor((last + 1) / 8) - 1;
      while (i <= lastWhole && s.charCodeAt(i) === skip) i++;
      pos = i * 8;
      if (pos > last) break;
    }
    const b = s.charCodeAt(pos >> 3);
    if (((b >> (7 - (pos % 8))) & 1) === bit) return pos;
    pos++;
  }
  return -1;
}

// --- BITOP ---------------------------------------------------------------------------

function bitop(c: Client, argv: string[], srv: Server): void {
  const op = argv[1].toLowerCase();
  if (op !== "and" && op !== "or" && op !== "xor" && op !== "not") {
    srv.replyError(c, E.SYNTAX);
    return;
  }
  if (op === "not" && argv.length !== 4) {
    srv.replyError(c, "ERR BITOP NOT must be called with a single source key.");
    return;
  }
  const srcs: string[] = [];
  let maxlen = 0;
  for (let i = 3; i < argv.length; i++) {
    const v = readLookup(c, srv, argv[i]);
    if (v === undefined) {
      srcs.push("");
      continue;
    }
    if (typeof v !== "string") {
      srv.replyError(c, E.WRONGTYPE);
      return;
    }
    srcs.push(v);
    if (v.length > maxlen) maxlen = v.length;
  }
  const dest = argv[2];
  if (maxlen === 0) {
    if (c.db.delete(dest)) srv.dirty++;
    c.out.int(0);
    return;
  }
  const res = new Uint8Array(maxlen);
  const s0 = srcs[0];
  if (op === "not") {
    for (let j = 0; j < maxlen; j++) res[j] = ~s0.charCodeAt(j) & 0xff;
  } else {
    // bytes past the end of a shorter string are zero
    for (let j = 0; j < s0.length; j++) res[j] = s0.charCodeAt(j);
    for (let k = 1; k < srcs.length; k++) {
      const s = srcs[k];
      const n = s.length;
      if (op === "and") {
        for (let j = 0; j < n; j++) res[j] &= s.charCodeAt(j);
        res.fill(0, n);
      } else if (op === "or") {
        for (let j = 0; j < n; j++) res[j] |= s.charCodeAt(j);
      } else {
        for (let j = 0; j < n; j++) res[j] ^= s.charCodeAt(j);
      }
    }
  }
  c.db.set(dest, bytesToStr(res));
  srv.dirty++;
  c.out.int(maxlen);
}

// --- BITFIELD ------------------------------------------------------------------------

type Op = 0 | 1 | 2;
const Op = { GET: 0, SET: 1, INCRBY: 2 } as const;

type Overflow = 0 | 1 | 2;
const Overflow = { WRAP: 0, SAT: 1, FAIL: 2 } as const;

interface FieldOp {
  op: Op;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: Overflow;
}

/** `i1`..`i64` / `u1`..`u63`: [signed, bits], or null after replying the error. */
function fieldType(c: Client, srv: Server, arg: string): [boolean, number] | null {
  const t = arg.charCodeAt(0);
  const signed = t === 105; // 'i' (lower case only, as Redis 7.0)
  if (signed || t === 117) { // 'u'
    const bits = parseInteger(arg.slice(1));
    if (bits !== null && bits >= 1 && bits <= (signed ? 64 : 63)) return [signed, bits];
  }
  srv.replyError(c, BITFIELD_TYPE_ERR);
  return null;
}

/** Unsigned value of `bits` bits at bit `offset`; bytes past the end read as zero. */
function getField(byteAt: (i: number) => number, offset: number, bits: number): bigint {
  if (bits <= 32) {
    let v = 0;
    for (let i = 0; i < bits; i++) {
      const p = offset + i;
      v = v * 2 + ((byteAt(Math.floor(p / 8)) >> (7 - (p % 8))) & 1);
    }
    return BigInt(v);
  }
  let v = 0n;
  for (let i = 0; i < bits; i++) {
    const p = offset + i;
    v = (v << 1n) | BigInt((byteAt(Math.floor(p / 8)) >> (7 - (p % 8))) & 1);
  }
  return v;
}

function setField(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(bits, value);
  for (let i = 0; i < bits; i++) {
    const p = offset + i;
    const on = (u >> BigInt(bits - 1 - i)) & 1n;
    const byte = Math.floor(p / 8), mask = 0x80 >> (p % 8);
    if (on) buf[byte] |= mask;
    else buf[byte] &= ~mask;
  }
}

const I64 = (x: bigint) => BigInt.asIntN(64, x);

/**
 * Overflow check of value + incr for a signed field, with the exact 64-bit
 * arithmetic of Redis 7.0 (so out-of-range SET values saturate the same
 * way). Returns [overflow (0, 1 or -1), the wrapped or saturated value].
 */
function signedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): [number, bigint] {
  const max = bits === 64 ? LLONG_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = I64(max - value);
  const minincr = I64(min - value);
  let dir = 0;
  if (
    value > max || (bits !== 64 && incr > maxincr) ||
    (value >= 0n && incr > 0n && incr > maxincr)
  ) dir = 1;
  else if (
    value < min || (bits !== 64 && incr < minincr) ||
    (value < 0n && incr < 0n && incr < minincr)
  ) dir = -1;
  if (dir === 0) return [0, value + incr];
  if (ow === Overflow.WRAP) return [dir, BigInt.asIntN(bits, value + incr)];
  return [dir, dir > 0 ? max : min];
}

/** Same for an unsigned field; `value` is the field as an unsigned 64-bit integer. */
function unsignedOverflow(
  value: bigint,
  incr: bigint,
  bits: number,
  ow: Overflow,
): [number, bigint] {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = I64(max - value);
  const minincr = I64(-value);
  let dir = 0;
  if (value > max || (incr > 0n && incr > maxincr)) dir = 1;
  else if (incr < 0n && incr < minincr) dir = -1;
  if (dir === 0) return [0, value + incr];
  if (ow === Overflow.WRAP) return [dir, BigInt.asUintN(bits, value + incr)];
  return [dir, dir > 0 ? max : 0n];
}

function bitfieldGeneric(c: Client, argv: string[], srv: Server, readonlyCmd: boolean): void {
  const ops: FieldOp[] = [];
  let overflow: Overflow = Overflow.WRAP;
  let writes = false;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j].toLowerCase();
    let op: Op;
    if (sub === "get" && rem >= 2) op = Op.GET;
    else if (sub === "set" && rem >= 3) op = Op.SET;
    else if (sub === "incrby" && rem >= 3) op = Op.INCRBY;
    else if (sub === "overflow" && rem >= 1) {
      const o = argv[++j].toLowerCase();
      if (o === "wrap") overflow = Overflow.WRAP;
      else if (o === "sat") overflow = Overflow.SAT;
      else if (o === "fail") overflow = Overflow.FAIL;
      else {
        srv.replyError(c, "ERR Invalid OVERFLOW type specified");
        return;
      }
      continue;
    } else {
      srv.replyError(c, E.SYNTAX);
      return;
    }
    const type = fieldType(c, srv, argv[j + 1]);
    if (type === null) return;
    const [signed, bits] = type;
    const offset = bitOffset(c, srv, argv[j + 2], bits);
    if (offset === null) return;
    let value = 0n;
    if (op !== Op.GET) {
      writes = true;
      if (offset + bits - 1 > highestWrite) highestWrite = offset + bits - 1;
      const v = parseBigInt(argv[j + 3]);
      if (v === null) {
        srv.replyError(c, E.NOT_INT);
        return;
      }
      value = v;
      j += 3;
    } else j += 2;
    ops.push({ op, signed, bits, offset, value, overflow });
  }

  const key = argv[1];
  if (!writes) {
    const v = readLookup(c, srv, key);
    if (v !== undefined && typeof v !== "string") {
      srv.replyError(c, E.WRONGTYPE);
      return;
    }
    const s = v ?? "";
    const at = (i: number) => (i < s.length ? s.charCodeAt(i) : 0);
    c.out.array(ops.length);
    for (const o of ops) {
      const u = getField(at, o.offset, o.bits);
      c.out.int(o.signed ? BigInt.asIntN(o.bits, u) : u);
    }
    return;
  }
  if (readonlyCmd) {
    srv.replyError(c, "ERR BITFIELD_RO only supports the GET subcommand");
    return;
  }
  const v = c.db.get(key);
  if (v !== undefined && typeof v !== "string") {
    srv.replyError(c, E.WRONGTYPE);
    return;
  }
  // the string grows to cover the farthest bit written, even if every write fails
  const old = v ?? "";
  const len = Math.max(old.length, Math.floor(highestWrite / 8) + 1);
  const buf = new Uint8Array(len);
  for (let i = 0; i < old.length; i++) buf[i] = old.charCodeAt(i);
  const at = (i: number) => (i < len ? buf[i] : 0);
  let changes = 0;
  c.out.array(ops.length);
  for (const o of ops) {
    const u = getField(at, o.offset, o.bits);
    if (o.op === Op.GET) {
      c.out.int(o.signed ? BigInt.asIntN(o.bits, u) : u);
      continue;
    }
    let dir: number, result: bigint, stored: bigint, reply: bigint;
    if (o.signed) {
      const cur = BigInt.asIntN(o.bits, u);
      if (o.op === Op.INCRBY) {
        [dir, result] = signedOverflow(cur, o.value, o.bits, o.overflow);
        stored = reply = result;
      } else {
        [dir, result] = signedOverflow(o.value, 0n, o.bits, o.overflow);
        stored = dir ? result : o.value;
        reply = cur;
      }
    } else {
      if (o.op === Op.INCRBY) {
        [dir, result] = unsignedOverflow(u, o.value, o.bits, o.overflow);
        stored = reply = result;
      } else {
        const asU64 = BigInt.asUintN(64, o.value);
        [dir, result] = unsignedOverflow(asU64, 0n, o.bits, o.overflow);
        stored = dir ? result : asU64;
        reply = u;
      }
    }
    if (dir && o.overflow === Overflow.FAIL) {
      c.out.nil();
      continue;
    }
    c.out.int(reply);
    setField(buf, o.offset, o.bits, stored);
    changes++;
  }
  const updated = bytesToStr(buf);
  if (changes) {
    if (v === undefined) c.db.set(key, updated);
    else c.db.replace(key, updated);
    srv.dirty += changes;
  } else if (updated !== old) {
    // Every write failed (OVERFLOW FAIL), but the key was already created or
    // grown: Redis keeps the padded value without signalling a change, so
    // it neither dirties WATCH nor propagates.
    const db = c.db;
    const n = db.dict.size;
    db.dict.set(key, updated);
    if (db.dict.size !== n) db.keyOrder?.added(key);
  }
}

// --- declarations -----------------------------------------------------------------

export const bitmapCommands: CommandSpec[] = [
  {
    name: "setbit",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    acl: ["write", "bitmap", "slow"],
    group: "bitmap",
    since: "2.2.0",
    summary: "Sets or clears the bit at offset in the string value stored at key",
    complexity: "O(1)",
    handler: setbit,
  },
  {
    name: "getbit",
    arity: 3,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    acl: ["read", "bitmap", "fast"],
    group: "bitmap",
    since: "2.2.0",
    summary: "Returns the bit value at offset in the string value stored at key",
    complexity: "O(1)",
    handler: getbit,
  },
  {
    name: "bitcount",
    arity: -2,
    flags: ["readonly"],
    keys: [1, 1, 1],
    acl: ["read", "bitmap", "slow"],
    group: "bitmap",
    since: "2.6.0",
    summary: "Count set bits in a string",
    complexity: "O(N)",
    handler: bitcount,
  },
  {
    name: "bitpos",
    arity: -3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    acl: ["read", "bitmap", "slow"],
    group: "bitmap",
    since: "2.8.7",
    summary: "Find first bit set or clear in a string",
    complexity: "O(N)",
    handler: bitpos,
  },
  {
    name: "bitop",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: [2, -1, 1],
    acl: ["write", "bitmap", "slow"],
    group: "bitmap",
    since: "2.6.0",
    summary: "Perform bitwise operations between strings",
    complexity: "O(N)",
    handler: bitop,
  },
  {
    name: "bitfield",
    arity: -2,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    acl: ["write", "bitmap", "slow"],
    group: "bitmap",
    since: "3.2.0",
    summary: "Perform arbitrary bitfield integer operations on strings",
    complexity: "O(1) for each subcommand specified",
    handler: (c, argv, srv) => bitfieldGeneric(c, argv, srv, false),
  },
  {
    name: "bitfield_ro",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    acl: ["read", "bitmap", "fast"],
    group: "bitmap",
    since: "6.0.0",
    summary:
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    complexity: "O(1) for each subcommand specified",
    handler: (c, argv, srv) => bitfieldGeneric(c, argv, srv, true),
  },
];
