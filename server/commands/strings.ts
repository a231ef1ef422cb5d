// String commands: GET SET SETNX SETEX PSETEX MGET MSET MSETNX GETSET GETDEL
// GETEX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY
// INCRBYFLOAT LCS.
//
// A string value is a plain JS byte string in the database. Integers are kept
// as their decimal text; INCR works on numbers while they stay exact and
// falls back to BigInt near the 64-bit limits. INCRBYFLOAT does its
// arithmetic the way Redis does on this machine (C `long double`, emulated
// exactly in longdouble.ts), so that replies and stored values match byte
// for byte.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import {
  type CommandSpec,
  E,
  LLONG_MAX,
  LLONG_MIN,
  parseBigInt,
  parseInteger,
  wrongArgs,
} from "./spec.ts";
import {
  addLongDouble,
  formatLongDouble,
  LD_ZERO,
  type LongDouble,
  parseLongDouble,
} from "./longdouble.ts";

// --- shared helpers -------------------------------------------------------------

/** OBJECT ENCODING of a string value, by Redis's rules. */
export function stringEncoding(s: string): "int" | "embstr" | "raw" {
  if (s.length <= 20 && parseInteger(s) !== null) return "int";
  return s.length <= 44 ? "embstr" : "raw";
}

function fail(c: Client, srv: Server, msg: string): void {
  srv.replyError(c, msg);
}

/** Lookup for reading (counts keyspace hits / misses). */
function lookupRead(c: Client, srv: Server, key: string) {
  const v = c.db.get(key);
  if (v === undefined) srv.stats.keyspaceMisses++;
  else srv.stats.keyspaceHits++;
  return v;
}

/**
 * Redis's GET: replies the value (or nil). Returns false after a WRONGTYPE
 * reply.
 */
function getGeneric(c: Client, srv: Server, key: string): boolean {
  const v = lookupRead(c, srv, key);
  if (v === undefined) {
    c.out.nil();
    return true;
  }
  if (typeof v !== "string") {
    fail(c, srv, E.WRONGTYPE);
    return false;
  }
  c.out.bulk(v);
  return true;
}

/** Would a string of `size + append` bytes exceed proto-max-bulk-len? Replies the error. */
function tooLong(c: Client, srv: Server, size: number, append: number): boolean {
  if (c.kind === "master") return false; // the master already checked
  if (size + append > srv.config.int("proto-max-bulk-len")) {
    fail(c, srv, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return true;
  }
  return false;
}

const LLONG_MAX_DIV_1000 = 9223372036854775;

/**
 * An expire argument as an absolute ms time, with Redis 7.0's checks: not an
 * integer -> NOT_INT; non-positive, or overflowing once converted to an
 * absolute ms time -> invalid expire time. Returns a bigint where a number
 * would not be exact, null after replying an error.
 */
function expireTime(
  c: Client,
  srv: Server,
  arg: string,
  seconds: boolean,
  relative: boolean,
  cmd: string,
): number | bigint | null {
  const n = parseInteger(arg);
  if (n === null) {
    fail(c, srv, E.NOT_INT);
    return null;
  }
  if (n <= 0 || (seconds && n > LLONG_MAX_DIV_1000)) {
    fail(c, srv, E.INVALID_EXPIRE(cmd));
    return null;
  }
  const base = relative ? srv.now() : 0;
  const ms = (seconds ? n * 1000 : n) + base;
  if (Number.isSafeInteger(ms)) return ms;
  const exact = parseBigInt(arg)! * (seconds ? 1000n : 1n) + BigInt(base);
  if (exact > LLONG_MAX) {
    fail(c, srv, E.INVALID_EXPIRE(cmd));
    return null;
  }
  return exact;
}

// --- SET and friends -------------------------------------------------------------

const F_NX = 1,
  F_XX = 2,
  F_GET = 4,
  F_KEEPTTL = 8,
  F_PERSIST = 16,
  F_EX = 32,
  F_PX = 64,
  F_EXAT = 128,
  F_PXAT = 256;
const F_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

// Results of parseOptions (module state: no allocation per call).
let optFlags = 0;
let optExpire: string | null = null;

/**
 * SET's (from argv[3]) or GETEX's (from argv[2]) options, with Redis 7.0's
 * rules on which combine. Replies a syntax error and returns false on a bad one.
 */
function parseOptions(c: Client, srv: Server, argv: string[], forSet: boolean): boolean {
  let flags = 0;
  let expire: string | null = null;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j + 1 < argv.length;
    let bit = 0;
    let excluded = 0; // flags that may not be combined with this option
    switch (opt) {
      case "nx":
        if (forSet) bit = F_NX, excluded = F_XX;
        break;
      case "xx":
        if (forSet) bit = F_XX, excluded = F_NX;
        break;
      case "get":
        if (forSet) bit = F_GET;
        break;
      case "keepttl":
        if (forSet) bit = F_KEEPTTL, excluded = F_PERSIST | F_EXPIRE;
        break;
      case "persist":
        if (!forSet) bit = F_PERSIST, excluded = F_KEEPTTL | F_EXPIRE;
        break;
      case "ex":
        if (hasNext) bit = F_EX, excluded = F_KEEPTTL | F_PERSIST | F_EXPIRE;
        break;
      case "px":
        if (hasNext) bit = F_PX, excluded = F_KEEPTTL | F_PERSIST | F_EXPIRE;
        break;
      case "exat":
        if (hasNext) bit = F_EXAT, excluded = F_KEEPTTL | F_PERSIST | F_EXPIRE;
        break;
      case "pxat":
        if (hasNext) bit = F_PXAT, excluded = F_KEEPTTL | F_PERSIST | F_EXPIRE;
        break;
    }
    // repeating the same expire option is allowed (the last one wins)
    if (bit === 0 || (flags & excluded & ~bit) !== 0) {
      fail(c, srv, E.SYNTAX);
      return false;
    }
    flags |= bit;
    if (bit & F_EXPIRE) expire = argv[++j];
  }
  optFlags = flags;
  optExpire = expire;
  return true;
}

/**
 * The common core of SET, SETNX, SETEX, PSETEX. `intReply`: reply 1 / 0
 * (SETNX) instead of OK / nil.
 */
function setGeneric(
  c: Client,
  srv: Server,
  cmd: string,
  flags: number,
  key: string,
  value: string,
  expire: string | null,
  argv: string[],
  intReply: boolean,
): void {
  let when: number | bigint = 0;
  if (expire !== null) {
    const t = expireTime(
      c,
      srv,
      expire,
      (flags & (F_EX | F_EXAT)) !== 0,
      (flags & (F_EX | F_PX)) !== 0,
      cmd,
    );
    if (t === null) return;
    when = t;
  }
  if ((flags & F_GET) && !getGeneric(c, srv, key)) return;
  const db = c.db;
  const found = db.get(key) !== undefined;
  if (((flags & F_NX) && found) || ((flags & F_XX) && !found)) {
    if (!(flags & F_GET)) {
      if (intReply) c.out.int(0);
      else c.out.nil();
    }
    return;
  }
  db.set(key, value, (flags & F_KEEPTTL) !== 0);
  srv.dirty++;
  if (expire !== null) {
    db.setExpire(key, Number(when));
    srv.rewritePropagation(["SET", key, value, "PXAT", String(when)]);
  } else if (flags & F_GET) {
    // replicas need no GET
    const out: string[] = [];
    for (let j = 0; j < argv.length; j++) {
      if (j >= 3 && argv[j].length === 3 && argv[j].toLowerCase() === "get") continue;
      out.push(argv[j]);
    }
    srv.rewritePropagation(out);
  }
  if (!(flags & F_GET)) {
    if (intReply) c.out.int(1);
    else c.out.ok();
  }
}

function setCommand(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 3) {
    // the common case, without options
    c.db.get(argv[1]); // expires a stale key first, as Redis's lookup does
    c.db.set(argv[1], argv[2]);
    srv.dirty++;
    c.out.ok();
    return;
  }
  if (!parseOptions(c, srv, argv, true)) return;
  setGeneric(c, srv, "set", optFlags, argv[1], argv[2], optExpire, argv, false);
}

function setnxCommand(c: Client, argv: string[], srv: Server): void {
  setGeneric(c, srv, "setnx", F_NX, argv[1], argv[2], null, argv, true);
}

function setexCommand(c: Client, argv: string[], srv: Server): void {
  setGeneric(c, srv, "setex", F_EX, argv[1], argv[3], argv[2], argv, false);
}

function psetexCommand(c: Client, argv: string[], srv: Server): void {
  setGeneric(c, srv, "psetex", F_PX, argv[1], argv[3], argv[2], argv, false);
}

function getCommand(c: Client, argv: string[], srv: Server): void {
  getGeneric(c, srv, argv[1]);
}

function getsetCommand(c: Client, argv: string[], srv: Server): void {
  if (!getGeneric(c, srv, argv[1])) return;
  c.db.set(argv[1], argv[2]);
  srv.dirty++;
  srv.rewritePropagation(["SET", argv[1], argv[2]]);
}

function getdelCommand(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const v = lookupRead(c, srv, key);
  if (v === undefined) {
    c.out.nil();
    return;
  }
  if (typeof v !== "string") {
    fail(c, srv, E.WRONGTYPE);
    return;
  }
  c.out.bulk(v);
  c.db.delete(key);
  srv.dirty++;
  srv.rewritePropagation([srv.config.bool("lazyfree-lazy-user-del") ? "UNLINK" : "DEL", key]);
}

function getexCommand(c: Client, argv: string[], srv: Server): void {
  if (!parseOptions(c, srv, argv, false)) return;
  const flags = optFlags, expire = optExpire;
  const key = argv[1];
  const v = lookupRead(c, srv, key);
  if (v === undefined) {
    c.out.nil();
    return;
  }
  if (typeof v !== "string") {
    fail(c, srv, E.WRONGTYPE);
    return;
  }
  let when: number | bigint = 0;
  if (expire !== null) {
    const t = expireTime(
      c,
      srv,
      expire,
      (flags & (F_EX | F_EXAT)) !== 0,
      (flags & (F_EX | F_PX)) !== 0,
      "getex",
    );
    if (t === null) return;
    when = t;
  }
  c.out.bulk(v);
  const db = c.db;
  if ((flags & (F_EXAT | F_PXAT)) && when <= srv.now() && !srv.isReplica()) {
    // an absolute time already past: the key goes at once
    db.delete(key);
    srv.dirty++;
    srv.rewritePropagation([srv.config.bool("lazyfree-lazy-expire") ? "UNLINK" : "DEL", key]);
  } else if (expire !== null) {
    db.setExpire(key, Number(when));
    srv.signalModified(db, key);
    srv.dirty++;
    srv.rewritePropagation(["PEXPIREAT", key, String(when)]);
  } else if (flags & F_PERSIST) {
    if (db.persist(key)) {
      srv.signalModified(db, key);
      srv.dirty++;
      srv.rewritePropagation(["PERSIST", key]);
    }
  }
}

function mgetCommand(c: Client, argv: string[], srv: Server): void {
  const out = c.out;
  out.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const v = lookupRead(c, srv, argv[i]);
    out.bulk(typeof v === "string" ? v : null);
  }
}

function msetGeneric(c: Client, argv: string[], srv: Server, nx: boolean): void {
  if (argv.length % 2 === 0) {
    fail(c, srv, wrongArgs(nx ? "msetnx" : "mset"));
    return;
  }
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.get(argv[j]) !== undefined) {
        c.out.int(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) db.set(argv[j], argv[j + 1]);
  srv.dirty += (argv.length - 1) / 2;
  if (nx) c.out.int(1);
  else c.out.ok();
}

function msetCommand(c: Client, argv: string[], srv: Server): void {
  msetGeneric(c, argv, srv, false);
}

function msetnxCommand(c: Client, argv: string[], srv: Server): void {
  msetGeneric(c, argv, srv, true);
}

// --- APPEND STRLEN GETRANGE SETRANGE ----------------------------------------------

function appendCommand(c: Client, argv: string[], srv: Server): void {
  const key = argv[1], add = argv[2];
  const db = c.db;
  const v = db.get(key);
  let len: number;
  if (v === undefined) {
    db.set(key, add);
    len = add.length;
  } else {
    if (typeof v !== "string") {
      fail(c, srv, E.WRONGTYPE);
      return;
    }
    if (tooLong(c, srv, v.length, add.length)) return;
    const nv = v + add;
    db.replace(key, nv);
    len = nv.length;
  }
  srv.dirty++;
  c.out.int(len);
}

function strlenCommand(c: Client, argv: string[], srv: Server): void {
  const v = lookupRead(c, srv, argv[1]);
  if (v === undefined) c.out.int(0);
  else if (typeof v !== "string") fail(c, srv, E.WRONGTYPE);
  else c.out.int(v.length);
}

function getrangeCommand(c: Client, argv: string[], srv: Server): void {
  let start = parseInteger(argv[2]);
  if (start === null) return fail(c, srv, E.NOT_INT);
  let end = parseInteger(argv[3]);
  if (end === null) return fail(c, srv, E.NOT_INT);
  const v = lookupRead(c, srv, argv[1]);
  if (v === undefined) {
    c.out.bulk("");
    return;
  }
  if (typeof v !== "string") return fail(c, srv, E.WRONGTYPE);
  const len = v.length;
  if (start < 0 && end < 0 && start > end) {
    c.out.bulk("");
    return;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) c.out.bulk("");
  else c.out.bulk(v.slice(start, end + 1));
}

function setrangeCommand(c: Client, argv: string[], srv: Server): void {
  const key = argv[1], value = argv[3];
  const offset = parseInteger(argv[2]);
  if (offset === null) return fail(c, srv, E.NOT_INT);
  if (offset < 0) return fail(c, srv, "ERR offset is out of range");
  const db = c.db;
  const v = db.get(key);
  if (v === undefined) {
    if (value.length === 0) {
      c.out.int(0);
      return;
    }
    if (tooLong(c, srv, offset, value.length)) return;
    const nv = zeros(c, srv, offset);
    if (nv === null) return;
    db.set(key, nv + value);
    srv.dirty++;
    c.out.int(offset + value.length);
    return;
  }
  if (typeof v !== "string") return fail(c, srv, E.WRONGTYPE);
  if (value.length === 0) {
    c.out.int(v.length);
    return;
  }
  if (tooLong(c, srv, offset, value.length)) return;
  let nv: string;
  if (offset >= v.length) {
    const pad = zeros(c, srv, offset - v.length);
    if (pad === null) return;
    nv = v + pad + value;
  } else {
    nv = v.slice(0, offset) + value + v.slice(offset + value.length);
  }
  db.replace(key, nv);
  srv.dirty++;
  c.out.int(nv.length);
}

/** n zero bytes, or null after replying an error when JS cannot hold them. */
function zeros(c: Client, srv: Server, n: number): string | null {
  try {
    return "\0".repeat(n);
  } catch {
    fail(c, srv, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return null;
  }
}

// --- INCR DECR INCRBY DECRBY --------------------------------------------------------

/** Small canonical integers (up to 15 digits) without regex or BigInt; NaN otherwise. */
function fastInt(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return NaN;
  let i = 0, neg = false;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return NaN;
    neg = true;
    i = 1;
  }
  let d = s.charCodeAt(i) - 48;
  if (d < 0 || d > 9 || (d === 0 && (n > 1))) return NaN; // no leading zero, no "-0"
  let v = d;
  for (i++; i < n; i++) {
    d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** Add `incr` (given as a number, or a bigint when outside the safe range) to key. */
function incrDecr(c: Client, srv: Server, key: string, incr: number | bigint): void {
  const db = c.db;
  const v = db.get(key);
  let cur = 0;
  if (v !== undefined) {
    if (typeof v !== "string") return fail(c, srv, E.WRONGTYPE);
    cur = fastInt(v);
  }
  if (typeof incr === "number" && cur === cur) {
    const r = cur + incr;
    if (Number.isSafeInteger(r)) {
      const s = String(r);
      if (v === undefined) db.set(key, s);
      else db.replace(key, s);
      srv.dirty++;
      c.out.int(r);
      return;
    }
  }
  // slow path: exact 64-bit arithmetic
  const old = v === undefined ? 0n : parseBigInt(v as string);
  if (old === null) return fail(c, srv, E.NOT_INT);
  const r = old + BigInt(incr);
  if (r > LLONG_MAX || r < LLONG_MIN) return fail(c, srv, E.OVERFLOW);
  const s = String(r);
  if (v === undefined) db.set(key, s);
  else db.replace(key, s);
  srv.dirty++;
  c.out.int(r);
}

/** An increment argument: a number when exact, else a bigint; null after an error reply. */
function incrArg(c: Client, srv: Server, s: string): number | bigint | null {
  const n = fastInt(s);
  if (n === n) return n;
  const b = parseBigInt(s);
  if (b === null) {
    fail(c, srv, E.NOT_INT);
    return null;
  }
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

function incrCommand(c: Client, argv: string[], srv: Server): void {
  incrDecr(c, srv, argv[1], 1);
}

function decrCommand(c: Client, argv: string[], srv: Server): void {
  incrDecr(c, srv, argv[1], -1);
}

function incrbyCommand(c: Client, argv: string[], srv: Server): void {
  const n = incrArg(c, srv, argv[2]);
  if (n !== null) incrDecr(c, srv, argv[1], n);
}

function decrbyCommand(c: Client, argv: string[], srv: Server): void {
  const n = incrArg(c, srv, argv[2]);
  if (n === null) return;
  if (typeof n === "number") incrDecr(c, srv, argv[1], -n);
  else if (n === LLONG_MIN) fail(c, srv, "ERR decrement would overflow");
  else incrDecr(c, srv, argv[1], -n);
}

// --- INCRBYFLOAT: C long double (see longdouble.ts) --------------------------------

function incrbyfloatCommand(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const db = c.db;
  const v = db.get(key);
  let cur: LongDouble | null = LD_ZERO;
  if (v !== undefined) {
    if (typeof v !== "string") return fail(c, srv, E.WRONGTYPE);
    cur = parseLongDouble(v);
  }
  const incr = cur === null ? null : parseLongDouble(argv[2]);
  if (cur === null || incr === null) return fail(c, srv, E.NOT_FLOAT);
  if (cur.inf || incr.inf) {
    return fail(c, srv, "ERR increment would produce NaN or Infinity");
  }
  const r = addLongDouble(cur, incr);
  if (r === null || r.inf) return fail(c, srv, "ERR increment would produce NaN or Infinity");
  const s = formatLongDouble(r);
  if (v === undefined) db.set(key, s);
  else db.replace(key, s);
  srv.dirty++;
  c.out.bulk(s);
  srv.rewritePropagation(["SET", key, s, "KEEPTTL"]);
}

// --- LCS ---------------------------------------------------------------------------

function lcsCommand(c: Client, argv: string[], srv: Server): void {
  const va = lookupRead(c, srv, argv[1]);
  const vb = lookupRead(c, srv, argv[2]);
  if (
    (va !== undefined && typeof va !== "string") || (vb !== undefined && typeof vb !== "string")
  ) {
    return fail(c, srv, "ERR The specified keys must contain string values");
  }
  const a = (va ?? "") as string, b = (vb ?? "") as string;
  let wantIdx = false, wantLen = false, withLen = false, minLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === "idx") wantIdx = true;
    else if (opt === "len") wantLen = true;
    else if (opt === "withmatchlen") withLen = true;
    else if (opt === "minmatchlen" && j + 1 < argv.length) {
      const n = parseInteger(argv[++j]);
      if (n === null) return fail(c, srv, E.NOT_INT);
      minLen = n < 0 ? 0 : n;
    } else return fail(c, srv, E.SYNTAX);
  }
  if (wantIdx && wantLen) {
    return fail(c, srv, "ERR If you want both the length and indexes, please just use IDX.");
  }
  const n = a.length, m = b.length;
  const w = m + 1;
  // table[i*w + j] = length of the LCS of a[0..i) and b[0..j)
  let table: Uint32Array;
  try {
    table = new Uint32Array((n + 1) * w);
  } catch {
    return fail(c, srv, "ERR Insufficient memory, failed allocating transient memory for LCS");
  }
  for (let i = 1; i <= n; i++) {
    const ch = a.charCodeAt(i - 1);
    const row = i * w, prev = row - w;
    for (let j = 1; j <= m; j++) {
      if (ch === b.charCodeAt(j - 1)) table[row + j] = table[prev + j - 1] + 1;
      else {
        const up = table[prev + j], left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[n * w + m];
  if (wantLen) {
    c.out.int(total);
    return;
  }
  // Walk back from the end, collecting the LCS and its matching ranges
  // (latest first), exactly in the order Redis reports them.
  const chars: number[] = new Array(total);
  let k = total;
  const ranges: number[] = []; // aStart, aEnd, bStart, bEnd per range
  let aStart = -1, aEnd = 0, bStart = 0, bEnd = 0;
  let i = n, j = m;
  const emit = () => {
    const len = aEnd - aStart + 1;
    if (minLen === 0 || len >= minLen) ranges.push(aStart, aEnd, bStart, bEnd);
    aStart = -1;
  };
  while (i > 0 && j > 0) {
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[--k] = a.charCodeAt(i - 1);
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else {
        // contiguous with the current range (a mismatch step always closes it)
        aStart--;
        bStart--;
      }
      i--;
      j--;
      if (aStart === 0 || bStart === 0) emit();
    } else {
      if (table[(i - 1) * w + j] > table[i * w + j - 1]) i--;
      else j--;
      if (aStart !== -1) emit();
    }
  }
  if (!wantIdx) {
    let s = "";
    for (let x = 0; x < total; x += 8192) {
      s += String.fromCharCode(...chars.slice(x, x + 8192));
    }
    c.out.bulk(s);
    return;
  }
  const out = c.out;
  out.map(2);
  out.bulk("matches");
  out.array(ranges.length / 4);
  for (let r = 0; r < ranges.length; r += 4) {
    out.array(withLen ? 3 : 2);
    out.array(2);
    out.int(ranges[r]);
    out.int(ranges[r + 1]);
    out.array(2);
    out.int(ranges[r + 2]);
    out.int(ranges[r + 3]);
    if (withLen) out.int(ranges[r + 1] - ranges[r] + 1);
  }
  out.bulk("len");
  out.int(total);
}

// --- the table ----------------------------------------------------------------------

function cmd(
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  keys: [number, number, number],
  since: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
): CommandSpec {
  return { name, arity, flags, keys, group: "string", since, summary, complexity, handler };
}

const K1: [number, number, number] = [1, 1, 1];
const GETRANGE_COMPLEXITY =
  "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

export const stringCommands: CommandSpec[] = [
  cmd("get", 2, ["readonly", "fast"], K1, "1.0.0", "Get the value of a key", "O(1)", getCommand),
  cmd(
    "set",
    -3,
    ["write", "denyoom"],
    K1,
    "1.0.0",
    "Set the string value of a key",
    "O(1)",
    setCommand,
  ),
  cmd(
    "setnx",
    3,
    ["write", "denyoom", "fast"],
    K1,
    "1.0.0",
    "Set the value of a key, only if the key does not exist",
    "O(1)",
    setnxCommand,
  ),
  cmd(
    "setex",
    4,
    ["write", "denyoom"],
    K1,
    "2.0.0",
    "Set the value and expiration of a key",
    "O(1)",
    setexCommand,
  ),
  cmd(
    "psetex",
    4,
    ["write", "denyoom"],
    K1,
    "2.6.0",
    "Set the value and expiration in milliseconds of a key",
    "O(1)",
    psetexCommand,
  ),
  cmd(
    "mget",
    -2,
    ["readonly", "fast"],
    [1, -1, 1],
    "1.0.0",
    "Get the values of all the given keys",
    "O(N) where N is the number of keys to retrieve.",
    mgetCommand,
  ),
  cmd(
    "mset",
    -3,
    ["write", "denyoom"],
    [1, -1, 2],
    "1.0.1",
    "Set multiple keys to multiple values",
    "O(N) where N is the number of keys to set.",
    msetCommand,
  ),
  cmd(
    "msetnx",
    -3,
    ["write", "denyoom"],
    [1, -1, 2],
    "1.0.1",
    "Set multiple keys to multiple values, only if none of the keys exist",
    "O(N) where N is the number of keys to set.",
    msetnxCommand,
  ),
  cmd(
    "getset",
    3,
    ["write", "denyoom", "fast"],
    K1,
    "1.0.0",
    "Set the string value of a key and return its old value",
    "O(1)",
    getsetCommand,
  ),
  cmd(
    "getdel",
    2,
    ["write", "fast"],
    K1,
    "6.2.0",
    "Get the value of a key and delete the key",
    "O(1)",
    getdelCommand,
  ),
  cmd(
    "getex",
    -2,
    ["write", "fast"],
    K1,
    "6.2.0",
    "Get the value of a key and optionally set its expiration",
    "O(1)",
    getexCommand,
  ),
  cmd(
    "append",
    3,
    ["write", "denyoom", "fast"],
    K1,
    "2.0.0",
    "Append a value to a key",
    "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
    appendCommand,
  ),
  cmd(
    "strlen",
    2,
    ["readonly", "fast"],
    K1,
    "2.2.0",
    "Get the length of the value stored in a key",
    "O(1)",
    strlenCommand,
  ),
  cmd(
    "getrange",
    4,
    ["readonly"],
    K1,
    "2.4.0",
    "Get a substring of the string stored at a key",
    GETRANGE_COMPLEXITY,
    getrangeCommand,
  ),
  cmd(
    "substr",
    4,
    ["readonly"],
    K1,
    "1.0.0",
    "Get a substring of the string stored at a key",
    GETRANGE_COMPLEXITY,
    getrangeCommand,
  ),
  cmd(
    "setrange",
    4,
    ["write", "denyoom"],
    K1,
    "2.2.0",
    "Overwrite part of a string at key starting at the specified offset",
    "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    setrangeCommand,
  ),
  cmd(
    "incr",
    2,
    ["write", "denyoom", "fast"],
    K1,
    "1.0.0",
    "Increment the integer value of a key by one",
    "O(1)",
    incrCommand,
  ),
  cmd(
    "decr",
    2,
    ["write", "denyoom", "fast"],
    K1,
    "1.0.0",
    "Decrement the integer value of a key by one",
    "O(1)",
    decrCommand,
  ),
  cmd(
    "incrby",
    3,
    ["write", "denyoom", "fast"],
    K1,
    "1.0.0",
    "Increment the integer value of a key by the given amount",
    "O(1)",
    incrbyCommand,
  ),
  cmd(
    "decrby",
    3,
    ["write", "denyoom", "fast"],
    K1,
    "1.0.0",
    "Decrement the integer value of a key by the given number",
    "O(1)",
    decrbyCommand,
  ),
  cmd(
    "incrbyfloat",
    3,
    ["write", "denyoom", "fast"],
    K1,
    "2.6.0",
    "Increment the float value of a key by the given amount",
    "O(1)",
    incrbyfloatCommand,
  ),
  cmd(
    "lcs",
    -3,
    ["readonly"],
    [1, 2, 1],
    "7.0.0",
    "Find longest common substring",
    "O(N*M) where N and M are the lengths of s1 and s2, respectively",
    lcsCommand,
  ),
];
