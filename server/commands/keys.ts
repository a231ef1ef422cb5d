// Generic key commands: DEL EXISTS UNLINK TYPE RENAME RENAMENX RANDOMKEY COPY
// MOVE EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME
// PERSIST TOUCH KEYS SCAN OBJECT.
//
// SCAN cursors come from the database's key-order index (keyspace/keyorder.ts):
// an insertion log with stable sequence numbers, so a full iteration returns
// every key present throughout it, whatever changes in between.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { type Database, typeName, type Value } from "../keyspace/db.ts";
import { keyOrderOf } from "../keyspace/keyorder.ts";
import { globMatch } from "../keyspace/glob.ts";
import {
  type CommandSpec,
  E,
  LLONG_MAX,
  LLONG_MIN,
  parseBigInt,
  parseInteger,
  readKey,
  replyHelp,
} from "./spec.ts";
import { stringEncoding } from "./strings.ts";

const SAME_OBJECT = "ERR source and destination objects are the same";
const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** Redis's getIntFromObjectOrReply: a 32-bit int, or its error replied. */
function int32Arg(c: Client, s: string): number | null {
  const n = parseInteger(s);
  if (n === null) {
    c.out.error(E.NOT_INT);
    return null;
  }
  if (n > INT_MAX || n < INT_MIN) {
    c.out.error(`ERR value is out of range, value must between ${INT_MIN} and ${INT_MAX}`);
    return null;
  }
  return n;
}

/** A database by index, or null after replying the out-of-range error. */
function targetDb(c: Client, srv: Server, s: string): Database | null {
  const id = int32Arg(c, s);
  if (id === null) return null;
  if (id < 0 || id >= srv.dbs.length) {
    c.out.error(E.DB_RANGE);
    return null;
  }
  return srv.dbs[id];
}

// --- DEL UNLINK EXISTS TOUCH TYPE ---------------------------------------------

function del(c: Client, argv: string[], srv: Server): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i];
    if (db.expires.size) db.expireIfNeeded(key);
    if (db.delete(key)) {
      srv.dirty++;
      n++;
    }
  }
  c.out.int(n);
}

/** EXISTS and TOUCH: how many of the keys exist (a key named twice counts twice). */
function countExisting(c: Client, argv: string[], srv: Server): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (readKey(c, argv[i], srv) !== undefined) n++;
  c.out.int(n);
}

function type(c: Client, argv: string[], srv: Server): void {
  const v = readKey(c, argv[1], srv);
  c.out.simple(v === undefined ? "none" : typeName(v));
}

// --- RENAME RENAMENX MOVE COPY ------------------------------------------------------

function rename(c: Client, argv: string[], srv: Server, nx: boolean): void {
  const db = c.db, src = argv[1], dst = argv[2];
  const v = db.get(src);
  if (v === undefined) {
    c.out.error(E.NO_SUCH_KEY);
    return;
  }
  if (src === dst) {
    if (nx) c.out.int(0);
    else c.out.ok();
    return;
  }
  const expire = db.getExpire(src);
  if (db.get(dst) !== undefined) {
    if (nx) {
      c.out.int(0);
      return;
    }
    db.delete(dst);
  }
  db.set(dst, v);
  if (expire !== undefined) db.setExpire(dst, expire);
  db.delete(src);
  srv.dirty++;
  if (nx) c.out.int(1);
  else c.out.ok();
}

function move(c: Client, argv: string[], srv: Server): void {
  const src = c.db, key = argv[1];
  const dst = targetDb(c, srv, argv[2]);
  if (!dst) return;
  if (dst === src) {
    c.out.error(SAME_OBJECT);
    return;
  }
  const v = src.get(key);
  if (v === undefined || dst.get(key) !== undefined) {
    c.out.int(0);
    return;
  }
  const expire = src.getExpire(key);
  dst.set(key, v);
  if (expire !== undefined) dst.setExpire(key, expire);
  src.delete(key);
  srv.dirty++;
  c.out.int(1);
}

/** A copy of a value that shares nothing mutable with it. */
export function cloneValue(v: Value): Value | null {
  if (typeof v === "string") return v; // immutable
  return v.clone ? v.clone() : null;
}

function copy(c: Client, argv: string[], srv: Server): void {
  const src = c.db;
  let dst: Database = c.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === "replace") replace = true;
    else if (opt === "db" && j + 1 < argv.length) {
      const d = targetDb(c, srv, argv[++j]);
      if (!d) return;
      dst = d;
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  const key = argv[1], newkey = argv[2];
  if (src === dst && key === newkey) {
    c.out.error(SAME_OBJECT);
    return;
  }
  const v = readKey(c, key, srv);
  if (v === undefined) {
    c.out.int(0);
    return;
  }
  const expire = src.getExpire(key);
  const exists = dst.get(newkey) !== undefined;
  if (exists && !replace) {
    c.out.int(0);
    return;
  }
  const nv = cloneValue(v);
  if (nv === null) {
    c.out.error("ERR unknown type object");
    return;
  }
  if (exists) dst.delete(newkey);
  dst.set(newkey, nv);
  if (expire !== undefined) dst.setExpire(newkey, expire);
  srv.dirty++;
  c.out.int(1);
}

// --- EXPIRE family, TTL family, PERSIST -------------------------------------------

const LLONG_MAX_DIV_1000 = LLONG_MAX / 1000n; // C truncating division
const LLONG_MIN_DIV_1000 = LLONG_MIN / 1000n;
const NX = 1, XX = 2, GT = 4, LT = 8;

/**
 * EXPIRE / PEXPIRE (relative: basetime = now) and EXPIREAT / PEXPIREAT
 * (absolute: basetime 0); `seconds` for the second-based forms.
 */
function expireGeneric(
  c: Client,
  argv: string[],
  srv: Server,
  relative: boolean,
  seconds: boolean,
): void {
  const name = argv[0].toLowerCase();
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    if (o === "nx") flags |= NX;
    else if (o === "xx") flags |= XX;
    else if (o === "gt") flags |= GT;
    else if (o === "lt") flags |= LT;
    else {
      c.out.error(`ERR Unsupported option ${argv[j]}`);
      return;
    }
  }
  if ((flags & NX) && (flags & (XX | GT | LT))) {
    c.out.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if ((flags & GT) && (flags & LT)) {
    c.out.error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  let when = parseBigInt(argv[2]);
  if (when === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  if (seconds) {
    if (when > LLONG_MAX_DIV_1000 || when < LLONG_MIN_DIV_1000) {
      c.out.error(E.INVALID_EXPIRE(name));
      return;
    }
    when *= 1000n;
  }
  const now = srv.now();
  const base = relative ? BigInt(now) : 0n;
  if (when > LLONG_MAX - base) {
    c.out.error(E.INVALID_EXPIRE(name));
    return;
  }
  when += base;
  const db = c.db, key = argv[1];
  if (db.get(key) === undefined) {
    c.out.int(0);
    return;
  }
  const whenMs = Number(when);
  if (flags) {
    const cur = db.getExpire(key);
    if (
      ((flags & NX) && cur !== undefined) ||
      ((flags & XX) && cur === undefined) ||
      ((flags & GT) && (cur === undefined || whenMs <= cur)) ||
      ((flags & LT) && cur !== undefined && whenMs >= cur)
    ) {
      c.out.int(0);
      return;
    }
  }
  if (whenMs <= now && !srv.isReplica()) {
    // already in the past: the key goes, and replicas are told so
    db.delete(key);
    srv.dirty++;
    srv.rewritePropagation([
      srv.config.bool("lazyfree-lazy-expire") ? "UNLINK" : "DEL",
      key,
    ]);
    c.out.int(1);
    return;
  }
  db.setExpire(key, whenMs);
  srv.signalModified(db, key);
  srv.dirty++;
  if (name !== "pexpireat") {
    const p = argv.slice();
    p[0] = "PEXPIREAT";
    p[2] = String(when);
    srv.rewritePropagation(p);
  }
  c.out.int(1);
}

/** TTL PTTL EXPIRETIME PEXPIRETIME. */
function ttlGeneric(c: Client, argv: string[], srv: Server, ms: boolean, abs: boolean): void {
  const key = argv[1];
  if (readKey(c, key, srv) === undefined) {
    c.out.int(-2);
    return;
  }
  const expire = c.db.getExpire(key);
  if (expire === undefined) {
    c.out.int(-1);
    return;
  }
  let ttl = abs ? expire : expire - Date.now();
  if (ttl < 0) ttl = 0;
  c.out.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persist(c: Client, argv: string[], srv: Server): void {
  const db = c.db, key = argv[1];
  if (db.get(key) === undefined || !db.persist(key)) {
    c.out.int(0);
    return;
  }
  srv.signalModified(db, key);
  srv.dirty++;
  c.out.int(1);
}

// --- RANDOMKEY KEYS SCAN ----------------------------------------------------------

function randomKey(c: Client, _argv: string[], srv: Server): void {
  const db = c.db;
  const ko = keyOrderOf(db);
  for (let tries = 0; tries < 100; tries++) {
    const k = ko.random();
    if (k === null) break;
    if (!db.isExpired(k)) {
      c.out.bulk(k);
      return;
    }
    // a replica does not delete; when everything is volatile it answers anyway
    if (srv.isReplica()) {
      if (tries === 99) {
        c.out.bulk(k);
        return;
      }
    } else db.expireIfNeeded(k);
  }
  c.out.nil();
}

function keys(c: Client, argv: string[]): void {
  const db = c.db, pattern = argv[1];
  const all = pattern === "*";
  const out: string[] = [];
  const checkTtl = db.expires.size > 0;
  for (const k of db.dict.keys()) {
    if (!all && !globMatch(pattern, k)) continue;
    if (checkTtl && db.isExpired(k)) continue;
    out.push(k);
  }
  c.out.array(out.length);
  for (const k of out) c.out.bulk(k);
}

const ULONG_MAX = 18446744073709551615n;

/** SCAN's cursor as C's strtoul takes it (Redis also refuses leading spaces). */
export function parseCursor(s: string): bigint | null {
  if (s === "") return 0n;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) return null;
  let v = BigInt(m[2]);
  if (v > ULONG_MAX) return null;
  if (m[1] === "-" && v !== 0n) v = ULONG_MAX + 1n - v;
  return v;
}

function scan(c: Client, argv: string[]): void {
  const cur = parseCursor(argv[1]);
  if (cur === null) {
    c.out.error("ERR invalid cursor");
    return;
  }
  let count = 10;
  let pattern: string | null = null;
  let typeFilter: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const hasArg = i + 1 < argv.length;
    if (opt === "count" && hasArg) {
      const n = parseInteger(argv[i + 1]);
      if (n === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      if (n < 1) {
        c.out.error(E.SYNTAX);
        return;
      }
      count = n;
    } else if (opt === "match" && hasArg) {
      pattern = argv[i + 1] === "*" ? null : argv[i + 1];
    } else if (opt === "type" && hasArg) {
      typeFilter = argv[i + 1].toLowerCase();
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  const db = c.db;
  const ko = keyOrderOf(db);
  const found: string[] = [];
  const next = ko.scan(cur, Math.min(count, 1 << 24), found);
  const out: string[] = [];
  for (const k of found) {
    if (pattern !== null && !globMatch(pattern, k)) continue;
    if (typeFilter !== null) {
      const v = db.dict.get(k);
      if (v === undefined || typeName(v) !== typeFilter) continue;
    }
    if (db.expires.size && db.isExpired(k)) {
      db.expireIfNeeded(k);
      continue;
    }
    out.push(k);
  }
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.array(out.length);
  for (const k of out) c.out.bulk(k);
}

// --- OBJECT ---------------------------------------------------------------------

/** Redis shares the integer objects 0..9999 unless an LRU/LFU policy with maxmemory forbids it. */
function sharedIntegersAllowed(srv: Server): boolean {
  const policy = srv.config.get("maxmemory-policy");
  return srv.config.get("maxmemory") === "0" ||
    !(policy.includes("lru") || policy.includes("lfu"));
}

function lfuPolicy(srv: Server): boolean {
  return srv.config.get("maxmemory-policy").includes("lfu");
}

/** OBJECT ENCODING's answer for any value. */
export function objectEncoding(v: Value): string {
  return typeof v === "string" ? stringEncoding(v) : v.encoding();
}

/** OBJECT REFCOUNT's answer: shared small integers report INT_MAX, as in Redis. */
export function objectRefcount(v: Value, srv: Server): number {
  if (typeof v === "string" && stringEncoding(v) === "int" && sharedIntegersAllowed(srv)) {
    const n = Number(v);
    if (n >= 0 && n < 10000) return INT_MAX;
  }
  return 1;
}

function objectSub(
  name: string,
  reply: (c: Client, v: Value, srv: Server) => void,
  summary: string,
  since: string,
): CommandSpec {
  return {
    name: "object|" + name,
    arity: 3,
    flags: ["readonly"],
    keys: [2, 2, 1],
    acl: ["keyspace", "read", "slow"],
    group: "generic",
    since,
    summary,
    complexity: "O(1)",
    handler(c, argv, srv) {
      const v = readKey(c, argv[2], srv);
      if (v === undefined) c.out.nil();
      else reply(c, v, srv);
    },
  };
}

const OBJECT_HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

const objectCommand: CommandSpec = {
  name: "object",
  arity: -2,
  flags: [],
  acl: ["slow"],
  group: "generic",
  since: "2.2.3",
  summary: "A container for object introspection commands",
  complexity: "Depends on subcommand.",
  subcommands: [
    objectSub(
      "encoding",
      (c, v) => c.out.bulk(objectEncoding(v)),
      "Inspect the internal encoding of a Redis object",
      "2.2.3",
    ),
    objectSub(
      "refcount",
      (c, v, srv) => c.out.int(objectRefcount(v, srv)),
      "Get the number of references to the value of the key",
      "2.2.3",
    ),
    objectSub(
      "idletime",
      (c, _v, srv) => {
        if (lfuPolicy(srv)) {
          c.out.error(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
          );
        } else c.out.int(0); // access times are not tracked per key
      },
      "Get the time since a Redis object was last accessed",
      "2.2.3",
    ),
    objectSub(
      "freq",
      (c, _v, srv) => {
        if (!lfuPolicy(srv)) {
          c.out.error(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
          );
        } else c.out.int(0);
      },
      "Get the logarithmic access frequency counter of a Redis object",
      "4.0.0",
    ),
    {
      name: "object|help",
      arity: 2,
      flags: ["loading", "stale"],
      acl: ["keyspace", "slow"],
      group: "generic",
      since: "6.2.0",
      summary: "Show helpful text about the different subcommands",
      complexity: "O(1)",
      handler: (c) => replyHelp(c, OBJECT_HELP),
    },
  ],
};

// --- the table -------------------------------------------------------------------

function spec(
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  keys: [number, number, number],
  acl: string[],
  since: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
): CommandSpec {
  return { name, arity, flags, keys, acl, group: "generic", since, summary, complexity, handler };
}

const RW_FAST = ["keyspace", "write", "fast"];
const RO_FAST = ["keyspace", "read", "fast"];

export const keyCommands: CommandSpec[] = [
  spec(
    "del",
    -2,
    ["write"],
    [1, -1, 1],
    ["keyspace", "write", "slow"],
    "1.0.0",
    "Delete a key",
    "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    del,
  ),
  spec(
    "unlink",
    -2,
    ["write", "fast"],
    [1, -1, 1],
    RW_FAST,
    "4.0.0",
    "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
    del,
  ),
  spec(
    "exists",
    -2,
    ["readonly", "fast"],
    [1, -1, 1],
    RO_FAST,
    "1.0.0",
    "Determine if a key exists",
    "O(N) where N is the number of keys to check.",
    countExisting,
  ),
  spec(
    "touch",
    -2,
    ["readonly", "fast"],
    [1, -1, 1],
    RO_FAST,
    "3.2.1",
    "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    "O(N) where N is the number of keys that will be touched.",
    countExisting,
  ),
  spec(
    "type",
    2,
    ["readonly", "fast"],
    [1, 1, 1],
    RO_FAST,
    "1.0.0",
    "Determine the type stored at key",
    "O(1)",
    type,
  ),
  spec(
    "rename",
    3,
    ["write"],
    [1, 2, 1],
    ["keyspace", "write", "slow"],
    "1.0.0",
    "Rename a key",
    "O(1)",
    (c, argv, srv) => rename(c, argv, srv, false),
  ),
  spec(
    "renamenx",
    3,
    ["write", "fast"],
    [1, 2, 1],
    RW_FAST,
    "1.0.0",
    "Rename a key, only if the new key does not exist",
    "O(1)",
    (c, argv, srv) => rename(c, argv, srv, true),
  ),
  spec(
    "randomkey",
    1,
    ["readonly"],
    [0, 0, 0],
    ["keyspace", "read", "slow"],
    "1.0.0",
    "Return a random key from the keyspace",
    "O(1)",
    randomKey,
  ),
  spec(
    "copy",
    -3,
    ["write", "denyoom"],
    [1, 2, 1],
    ["keyspace", "write", "slow"],
    "6.2.0",
    "Copy a key",
    "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    copy,
  ),
  spec(
    "move",
    3,
    ["write", "fast"],
    [1, 1, 1],
    RW_FAST,
    "1.0.0",
    "Move a key to another database",
    "O(1)",
    move,
  ),
  spec(
    "expire",
    -3,
    ["write", "fast"],
    [1, 1, 1],
    RW_FAST,
    "1.0.0",
    "Set a key's time to live in seconds",
    "O(1)",
    (c, argv, srv) => expireGeneric(c, argv, srv, true, true),
  ),
  spec(
    "pexpire",
    -3,
    ["write", "fast"],
    [1, 1, 1],
    RW_FAST,
    "2.6.0",
    "Set a key's time to live in milliseconds",
    "O(1)",
    (c, argv, srv) => expireGeneric(c, argv, srv, true, false),
  ),
  spec(
    "expireat",
    -3,
    ["write", "fast"],
    [1, 1, 1],
    RW_FAST,
    "1.2.0",
    "Set the expiration for a key as a UNIX timestamp",
    "O(1)",
    (c, argv, srv) => expireGeneric(c, argv, srv, false, true),
  ),
  spec(
    "pexpireat",
    -3,
    ["write", "fast"],
    [1, 1, 1],
    RW_FAST,
    "2.6.0",
    "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
    "O(1)",
    (c, argv, srv) => expireGeneric(c, argv, srv, false, false),
  ),
  spec(
    "ttl",
    2,
    ["readonly", "fast"],
    [1, 1, 1],
    RO_FAST,
    "1.0.0",
    "Get the time to live for a key in seconds",
    "O(1)",
    (c, argv, srv) => ttlGeneric(c, argv, srv, false, false),
  ),
  spec(
    "pttl",
    2,
    ["readonly", "fast"],
    [1, 1, 1],
    RO_FAST,
    "2.6.0",
    "Get the time to live for a key in milliseconds",
    "O(1)",
    (c, argv, srv) => ttlGeneric(c, argv, srv, true, false),
  ),
  spec(
    "expiretime",
    2,
    ["readonly", "fast"],
    [1, 1, 1],
    RO_FAST,
    "7.0.0",
    "Get the expiration Unix timestamp for a key",
    "O(1)",
    (c, argv, srv) => ttlGeneric(c, argv, srv, false, true),
  ),
  spec(
    "pexpiretime",
    2,
    ["readonly", "fast"],
    [1, 1, 1],
    RO_FAST,
    "7.0.0",
    "Get the expiration Unix timestamp for a key in milliseconds",
    "O(1)",
    (c, argv, srv) => ttlGeneric(c, argv, srv, true, true),
  ),
  spec(
    "persist",
    2,
    ["write", "fast"],
    [1, 1, 1],
    RW_FAST,
    "2.2.0",
    "Remove the expiration from a key",
    "O(1)",
    persist,
  ),
  spec(
    "keys",
    2,
    ["readonly"],
    [0, 0, 0],
    ["keyspace", "read", "slow", "dangerous"],
    "1.0.0",
    "Find all keys matching the given pattern",
    "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    keys,
  ),
  spec(
    "scan",
    -2,
    ["readonly"],
    [0, 0, 0],
    ["keyspace", "read", "slow"],
    "2.8.0",
    "Incrementally iterate the keys space",
    "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    scan,
  ),
  objectCommand,
];
