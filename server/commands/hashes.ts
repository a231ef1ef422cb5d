// Hash commands: HSET HSETNX HGET HMGET HMSET HGETALL HDEL HLEN HEXISTS HKEYS
// HVALS HINCRBY HINCRBYFLOAT HSTRLEN HRANDFIELD HSCAN.
//
// Also the SCAN-family argument parsing (cursor, MATCH, COUNT) and the
// random-sampling helpers that the set commands share.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Value } from "../keyspace/db.ts";
import { globMatch } from "../keyspace/glob.ts";
import { type HashLimits, RedisHash } from "../keyspace/types/hash.ts";
import {
  type CommandSpec,
  E,
  eqi,
  LLONG_MAX,
  LLONG_MIN,
  parseInteger,
  readKey,
  typedValue,
  wrongArgs,
} from "./spec.ts";
import { addLongDouble, formatLongDouble, LD_ZERO, parseLongDouble } from "./longdouble.ts";

// --- configuration ---------------------------------------------------------

const limitsCache = new WeakMap<Server, HashLimits>();

/** hash-max-listpack-entries / -value, kept current by a config listener. */
export function hashLimits(srv: Server): HashLimits {
  let lim = limitsCache.get(srv);
  if (lim === undefined) {
    const l: HashLimits = { entries: 0, value: 0 };
    const load = () => {
      l.entries = srv.config.int("hash-max-listpack-entries");
      l.value = srv.config.int("hash-max-listpack-value");
    };
    load();
    srv.config.listeners.push((name) => {
      if (name.startsWith("hash-max-")) load();
    });
    limitsCache.set(srv, lim = l);
  }
  return lim;
}

// --- SCAN-family arguments ---------------------------------------------------

const ULONG_MAX = 18446744073709551615n;

/**
 * A cursor as Redis reads it (strtoul, base 10: an optional sign, digits,
 * no leading space, nothing after; "-1" wraps around). Null when invalid.
 */
export function parseScanCursor(s: string): bigint | null {
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul); // strtoul stops there; Redis takes it for the end
  if (s.length === 0) return 0n;
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (!m) return null;
  const v = BigInt(m[2]);
  if (v > ULONG_MAX) return null;
  return m[1] === "-" && v !== 0n ? ULONG_MAX + 1n - v : v;
}

export interface ScanOptions {
  count: number;
  /** null = match everything */
  pattern: string | null;
}

/** COUNT / MATCH options from argv[from]; null after replying the error. */
export function parseScanOptions(c: Client, argv: string[], from: number): ScanOptions | null {
  const opts: ScanOptions = { count: 10, pattern: null };
  for (let i = from; i < argv.length; i += 2) {
    const more = argv.length - i;
    if (more >= 2 && eqi(argv[i], "count")) {
      const n = parseInteger(argv[i + 1]);
      if (n === null) {
        c.out.error(E.NOT_INT);
        return null;
      }
      if (n < 1) {
        c.out.error(E.SYNTAX);
        return null;
      }
      opts.count = n;
    } else if (more >= 2 && eqi(argv[i], "match")) {
      const p = argv[i + 1];
      opts.pattern = p === "*" ? null : p;
    } else {
      c.out.error(E.SYNTAX);
      return null;
    }
  }
  return opts;
}

/** Reply of a scan over a missing key: cursor 0, no elements. */
export function replyEmptyScan(c: Client): void {
  c.out.array(2);
  c.out.bulk("0");
  c.out.array(0);
}

/**
 * One step of a cursor walk over slots [0, size) downwards (see hash.ts):
 * the slots to visit, highest first, and the cursor to reply.
 */
export function scanWindow(
  size: number,
  cursor: bigint,
  count: number,
): { from: number; to: number; next: string } {
  const start = cursor === 0n || cursor > BigInt(size) ? size : Number(cursor);
  const end = Math.max(0, start - count);
  return { from: start - 1, to: end, next: String(end) };
}

// --- random sampling -----------------------------------------------------------

/**
 * `count` distinct slots out of [0, size), 0 < count < size, uniformly, in
 * O(count) expected time.
 */
export function distinctRandomSlots(size: number, count: number): number[] {
  const out: number[] = [];
  if (count * 2 <= size) {
    const seen = new Set<number>();
    while (out.length < count) {
      const i = Math.floor(Math.random() * size);
      if (!seen.has(i)) {
        seen.add(i);
        out.push(i);
      }
    }
    return out;
  }
  // count > size / 2: a partial Fisher-Yates shuffle is O(size) = O(count)
  const idx = new Array<number>(size);
  for (let i = 0; i < size; i++) idx[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    out.push(idx[i]);
  }
  return out;
}

/** The most elements a reply with repetitions (negative counts) may hold. */
export const MAX_RANDOM_REPLY = 1 << 25;

/** The count of HRANDFIELD / SRANDMEMBER: -LONG_MAX..LONG_MAX. Null after replying. */
export function parseRandomCount(c: Client, s: string): number | null {
  const n = parseInteger(s);
  if (n === null) {
    c.out.error(E.NOT_INT);
    return null;
  }
  if (s === "-9223372036854775808") {
    c.out.error(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    return null;
  }
  return n;
}

// --- helpers -------------------------------------------------------------------

function getHash(c: Client, v: Value | undefined): RedisHash | undefined | null {
  return typedValue<RedisHash>(c, v, "hash");
}

/** The hash at key for writing: existing, or undefined if missing; null after WRONGTYPE. */
function writeHash(c: Client, key: string): RedisHash | undefined | null {
  return getHash(c, c.db.get(key));
}

/** Store a hash that was just created, or signal an in-place change. */
function touched(c: Client, srv: Server, key: string, h: RedisHash, created: boolean): void {
  if (created) c.db.set(key, h);
  else srv.signalModified(c.db, key);
}

// --- commands --------------------------------------------------------------------

function hset(c: Client, argv: string[], srv: Server): void {
  hsetGeneric(c, argv, srv, false);
}

function hmset(c: Client, argv: string[], srv: Server): void {
  hsetGeneric(c, argv, srv, true);
}

function hsetGeneric(c: Client, argv: string[], srv: Server, isHmset: boolean): void {
  if (argv.length % 2 === 1) {
    c.out.error(wrongArgs(isHmset ? "hmset" : "hset"));
    return;
  }
  const key = argv[1];
  let h = writeHash(c, key);
  if (h === null) return;
  const created = h === undefined;
  if (h === undefined) h = new RedisHash();
  const lim = hashLimits(srv);
  let added = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (h.set(argv[i], argv[i + 1], lim)) added++;
  }
  touched(c, srv, key, h, created);
  srv.dirty += (argv.length - 2) / 2;
  if (isHmset) c.out.ok();
  else c.out.int(added);
}

function hsetnx(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  let h = writeHash(c, key);
  if (h === null) return;
  if (h !== undefined && h.has(argv[2])) {
    c.out.int(0);
    return;
  }
  const created = h === undefined;
  if (h === undefined) h = new RedisHash();
  h.set(argv[2], argv[3], hashLimits(srv));
  touched(c, srv, key, h, created);
  srv.dirty++;
  c.out.int(1);
}

function hget(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  c.out.bulk(h === undefined ? null : h.get(argv[2]) ?? null);
}

function hmget(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    c.out.bulk(h === undefined ? null : h.get(argv[i]) ?? null);
  }
}

function hgetall(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  if (h === undefined) {
    c.out.map(0);
    return;
  }
  const fields = h.keys(), vals = h.values();
  c.out.map(fields.length);
  for (let i = 0; i < fields.length; i++) {
    c.out.bulk(fields[i]);
    c.out.bulk(vals[i]);
  }
}

function hkeys(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  c.out.bulks(h === undefined ? [] : h.keys() as string[]);
}

function hvals(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  c.out.bulks(h === undefined ? [] : h.values() as string[]);
}

function hdel(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === null) return;
  if (h === undefined) {
    c.out.int(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i])) {
      deleted++;
      if (h.size === 0) break;
    }
  }
  if (deleted) {
    if (h.size === 0) c.db.delete(key);
    else srv.signalModified(c.db, key);
    srv.dirty += deleted;
  }
  c.out.int(deleted);
}

function hlen(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  c.out.int(h === undefined ? 0 : h.size);
}

function hexists(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  c.out.int(h !== undefined && h.has(argv[2]) ? 1 : 0);
}

function hstrlen(c: Client, argv: string[], srv: Server): void {
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  c.out.int(h === undefined ? 0 : (h.get(argv[2])?.length ?? 0));
}

const SAFE = 2 ** 52;

function hincrby(c: Client, argv: string[], srv: Server): void {
  const incr = parseInteger(argv[3]);
  if (incr === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  const key = argv[1], field = argv[2];
  let h = writeHash(c, key);
  if (h === null) return;
  const curStr = h === undefined ? undefined : h.get(field);
  let cur = 0;
  if (curStr !== undefined) {
    const n = parseInteger(curStr);
    if (n === null) {
      c.out.error("ERR hash value is not an integer");
      return;
    }
    cur = n;
  }
  let result: number | bigint;
  if (Math.abs(cur) < SAFE && Math.abs(incr) < SAFE) result = cur + incr;
  else {
    const r = BigInt(curStr ?? "0") + BigInt(argv[3]);
    if (r > LLONG_MAX || r < LLONG_MIN) {
      c.out.error(E.OVERFLOW);
      return;
    }
    result = r;
  }
  const created = h === undefined;
  if (h === undefined) h = new RedisHash();
  h.set(field, String(result), hashLimits(srv));
  touched(c, srv, key, h, created);
  srv.dirty++;
  c.out.int(result);
}

function hincrbyfloat(c: Client, argv: string[], srv: Server): void {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) {
    c.out.error(E.NOT_FLOAT);
    return;
  }
  if (incr.inf) {
    c.out.error("ERR value is NaN or Infinity");
    return;
  }
  const key = argv[1], field = argv[2];
  let h = writeHash(c, key);
  if (h === null) return;
  const curStr = h === undefined ? undefined : h.get(field);
  let cur = LD_ZERO;
  if (curStr !== undefined) {
    const v = parseLongDouble(curStr);
    if (v === null) {
      c.out.error("ERR hash value is not a float");
      return;
    }
    cur = v;
  }
  const sum = addLongDouble(cur, incr);
  if (sum === null || sum.inf) {
    c.out.error("ERR increment would produce NaN or Infinity");
    return;
  }
  const s = formatLongDouble(sum);
  const created = h === undefined;
  if (h === undefined) h = new RedisHash();
  h.set(field, s, hashLimits(srv));
  touched(c, srv, key, h, created);
  srv.dirty++;
  c.out.bulk(s);
  // replicas get the result, never the computation
  srv.rewritePropagation(["HSET", key, field, s]);
}

function hrandfield(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 2) {
    const h = getHash(c, readKey(c, argv[1], srv));
    if (h === null) return;
    c.out.bulk(h === undefined ? null : h.fieldAt(h.randomSlot()));
    return;
  }
  const count = parseRandomCount(c, argv[2]);
  if (count === null) return;
  let withValues = false;
  if (argv.length > 4 || (argv.length === 4 && !eqi(argv[3], "withvalues"))) {
    c.out.error(E.SYNTAX);
    return;
  }
  if (argv.length === 4) {
    withValues = true;
    // -LONG_MAX/2 .. LONG_MAX/2 (compared exactly: beyond 2^53 doubles round)
    const half = 4611686018427387903n;
    if (Math.abs(count) >= 2 ** 61 && (BigInt(argv[2]) < -half || BigInt(argv[2]) > half)) {
      c.out.error("ERR value is out of range");
      return;
    }
  }
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  if (h === undefined || count === 0) {
    c.out.array(0);
    return;
  }
  const size = h.size;
  const reply = (n: number) => withValues ? c.out.pairArray(n) : c.out.array(n);
  const emit = (i: number) => {
    if (withValues) c.out.pairHeader();
    c.out.bulk(h.fieldAt(i));
    if (withValues) c.out.bulk(h.valueAt(i));
  };
  if (count < 0) {
    // with repetitions
    const n = -count;
    if (n * (withValues ? 2 : 1) > MAX_RANDOM_REPLY) {
      c.out.error("ERR value is out of range");
      return;
    }
    reply(n);
    for (let k = 0; k < n; k++) emit(h.randomSlot());
    return;
  }
  if (count >= size) {
    reply(size);
    for (let i = 0; i < size; i++) emit(i);
    return;
  }
  const slots = distinctRandomSlots(size, count);
  reply(count);
  for (const i of slots) emit(i);
}

function hscan(c: Client, argv: string[], srv: Server): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) {
    c.out.error("ERR invalid cursor");
    return;
  }
  const h = getHash(c, readKey(c, argv[1], srv));
  if (h === null) return;
  if (h === undefined) {
    replyEmptyScan(c);
    return;
  }
  const opts = parseScanOptions(c, argv, 3);
  if (opts === null) return;
  const pat = opts.pattern;
  const out: string[] = [];
  let next = "0";
  if (h.isHashtable) {
    const w = scanWindow(h.size, cursor, opts.count);
    next = w.next;
    for (let i = w.from; i >= w.to; i--) {
      const f = h.fieldAt(i);
      if (pat === null || globMatch(pat, f)) out.push(f, h.valueAt(i));
    }
  } else {
    // a listpack is small: all of it in one reply, in its order
    for (let i = 0; i < h.size; i++) {
      const f = h.fieldAt(i);
      if (pat === null || globMatch(pat, f)) out.push(f, h.valueAt(i));
    }
  }
  c.out.array(2);
  c.out.bulk(next);
  c.out.bulks(out);
}

// --- declarations ------------------------------------------------------------------

function spec(
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  acl: string[],
  since: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
): CommandSpec {
  return {
    name,
    arity,
    flags,
    keys: [1, 1, 1],
    acl,
    group: "hash",
    since,
    summary,
    complexity,
    handler,
  };
}

const W = ["write", "hash", "fast"];
const RF = ["read", "hash", "fast"];
const RS = ["read", "hash", "slow"];

export const hashCommands: CommandSpec[] = [
  spec(
    "hset",
    -4,
    ["write", "denyoom", "fast"],
    W,
    "2.0.0",
    "Set the string value of a hash field",
    "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    hset,
  ),
  spec(
    "hsetnx",
    4,
    ["write", "denyoom", "fast"],
    W,
    "2.0.0",
    "Set the value of a hash field, only if the field does not exist",
    "O(1)",
    hsetnx,
  ),
  spec(
    "hget",
    3,
    ["readonly", "fast"],
    RF,
    "2.0.0",
    "Get the value of a hash field",
    "O(1)",
    hget,
  ),
  spec(
    "hmget",
    -3,
    ["readonly", "fast"],
    RF,
    "2.0.0",
    "Get the values of all the given hash fields",
    "O(N) where N is the number of fields being requested.",
    hmget,
  ),
  spec(
    "hmset",
    -4,
    ["write", "denyoom", "fast"],
    W,
    "2.0.0",
    "Set multiple hash fields to multiple values",
    "O(N) where N is the number of fields being set.",
    hmset,
  ),
  spec(
    "hgetall",
    2,
    ["readonly"],
    RS,
    "2.0.0",
    "Get all the fields and values in a hash",
    "O(N) where N is the size of the hash.",
    hgetall,
  ),
  spec(
    "hdel",
    -3,
    ["write", "fast"],
    W,
    "2.0.0",
    "Delete one or more hash fields",
    "O(N) where N is the number of fields to be removed.",
    hdel,
  ),
  spec(
    "hlen",
    2,
    ["readonly", "fast"],
    RF,
    "2.0.0",
    "Get the number of fields in a hash",
    "O(1)",
    hlen,
  ),
  spec(
    "hexists",
    3,
    ["readonly", "fast"],
    RF,
    "2.0.0",
    "Determine if a hash field exists",
    "O(1)",
    hexists,
  ),
  spec(
    "hkeys",
    2,
    ["readonly"],
    RS,
    "2.0.0",
    "Get all the fields in a hash",
    "O(N) where N is the size of the hash.",
    hkeys,
  ),
  spec(
    "hvals",
    2,
    ["readonly"],
    RS,
    "2.0.0",
    "Get all the values in a hash",
    "O(N) where N is the size of the hash.",
    hvals,
  ),
  spec(
    "hincrby",
    4,
    ["write", "denyoom", "fast"],
    W,
    "2.0.0",
    "Increment the integer value of a hash field by the given number",
    "O(1)",
    hincrby,
  ),
  spec(
    "hincrbyfloat",
    4,
    ["write", "denyoom", "fast"],
    W,
    "2.6.0",
    "Increment the float value of a hash field by the given amount",
    "O(1)",
    hincrbyfloat,
  ),
  spec(
    "hstrlen",
    3,
    ["readonly", "fast"],
    RF,
    "3.2.0",
    "Get the length of the value of a hash field",
    "O(1)",
    hstrlen,
  ),
  spec(
    "hrandfield",
    -2,
    ["readonly"],
    RS,
    "6.2.0",
    "Get one or multiple random fields from a hash",
    "O(N) where N is the number of fields returned",
    hrandfield,
  ),
  spec(
    "hscan",
    -3,
    ["readonly"],
    RS,
    "2.8.0",
    "Incrementally iterate hash fields and associated values",
    "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    hscan,
  ),
];
