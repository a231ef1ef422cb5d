// DEBUG: SLEEP, POPULATE, SET-ACTIVE-EXPIRE, DIGEST, DIGEST-VALUE, OBJECT,
// CHANGE-REPL-ID, QUICKLIST-PACKED-THRESHOLD, PROTOCOL, ERROR, LOG,
// STRINGMATCH-TEST, HELP. Other concerns (persistence: RELOAD; replication:
// CHANGE-REPL-ID) plug their subcommands in through `debugHooks`.
//
// DIGEST computes the same 40 hex digits as Redis 7.0 for the same data, so
// tests can compare a dataset here with one in a real redis-server (or in a
// replica). The scheme, as Redis defines it:
//   xor(D, bytes): D ^= SHA1(bytes)
//   mix(D, bytes): xor(D, bytes); D = SHA1(D)
//   value digest V (starts at 20 zero bytes):
//     mix(V, type code as 4 big-endian bytes: string 0 list 1 set 2 zset 3
//         hash 4 stream 6)
//     string: mix(V, value); list: mix(V, element) head to tail;
//     set: xor(V, member) for each; hash: for each field, E = 0,
//     mix(E, field), mix(E, value), xor(V, E); zset: for each member, E = 0,
//     mix(E, member), mix(E, score as printf "%.17g"), xor(V, E);
//     then xor(V, "!!expire!!") if the key has a TTL (whatever its value).
//   key digest K = 0; mix(K, key); fold V's steps into K; dataset digest
//   F = 0; per non-empty db: mix(F, db index as 4 big-endian bytes), then
//   xor(F, K) for each key (F ^= SHA1(K), like every xor step). An empty keyspace digests to 40 zeros.
// Logically expired keys not yet removed count, as in Redis.
import { bytesToStr } from "../resp/bytes.ts";
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Database, Value } from "../keyspace/db.ts";
import type { HashValue, ListValue, SetValue, ZSetValue } from "../keyspace/types/index.ts";
import { fmtG17 } from "../resp/writer.ts";
import { log } from "../log.ts";
import { type CommandSpec, type Handler, replyHelp } from "./spec.ts";
import { objectEncoding, objectRefcount } from "./keys.ts";
import { stringEncoding } from "./strings.ts";

/** Subcommands other concerns provide (lower-case name -> handler). */
export const debugHooks = new Map<string, Handler>();

/** DEBUG QUICKLIST-PACKED-THRESHOLD: bytes above which a list element is a plain node. */
export let quicklistPackedThreshold = 1 << 30;

// --- SHA-1 (FIPS 180-4), one-shot, for the many tiny inputs of a digest ----------

const W = new Int32Array(80);

/** SHA-1 of a byte string or of the first `len` bytes of an array, into out[0..20). */
export function sha1(data: string | Uint8Array, len: number, out: Uint8Array): void {
  let h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const str = typeof data === "string" ? data : null;
  const arr = typeof data === "string" ? null : data;
  const blocks = ((len + 8) >>> 6) + 1;
  for (let blk = 0; blk < blocks; blk++) {
    const base = blk << 6;
    if (base + 64 <= len) {
      // a full block of message bytes
      for (let i = 0, p = base; i < 16; i++, p += 4) {
        W[i] = str !== null
          ? (str.charCodeAt(p) << 24) | (str.charCodeAt(p + 1) << 16) |
            (str.charCodeAt(p + 2) << 8) | str.charCodeAt(p + 3)
          : (arr![p] << 24) | (arr![p + 1] << 16) | (arr![p + 2] << 8) | arr![p + 3];
      }
    } else {
      for (let i = 0; i < 16; i++) {
        let w = 0;
        for (let k = 0, p = base + i * 4; k < 4; k++, p++) {
          const b = p < len ? (str !== null ? str.charCodeAt(p) : arr![p]) : p === len ? 0x80 : 0;
          w = (w << 8) | b;
        }
        W[i] = w;
      }
      if (blk === blocks - 1) {
        const bits = len * 8;
        W[14] = Math.floor(bits / 0x100000000) | 0;
        W[15] = bits | 0;
      }
    }
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3] ^ W[t - 8] ^ W[t - 14] ^ W[t - 16];
      W[t] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number, k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const tmp = (((a << 5) | (a >>> 27)) + f + e + k + W[t]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = tmp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  put32(out, 0, h0);
  put32(out, 4, h1);
  put32(out, 8, h2);
  put32(out, 12, h3);
  put32(out, 16, h4);
}

function put32(out: Uint8Array, i: number, h: number): void {
  out[i] = h >>> 24;
  out[i + 1] = (h >>> 16) & 255;
  out[i + 2] = (h >>> 8) & 255;
  out[i + 3] = h & 255;
}

// --- the digest -------------------------------------------------------------------

const hashBuf = new Uint8Array(20);

function xorDigest(digest: Uint8Array, data: string | Uint8Array, len = data.length): void {
  sha1(data, len, hashBuf);
  for (let i = 0; i < 20; i++) digest[i] ^= hashBuf[i];
}

function mixDigest(digest: Uint8Array, data: string | Uint8Array, len = data.length): void {
  xorDigest(digest, data, len);
  sha1(digest, 20, digest);
}

function be32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

/** Redis's type codes (OBJ_STRING ...), as the 4 big-endian bytes digested. */
const TYPE_BYTES = new Map<string, Uint8Array>([
  ["string", be32(0)],
  ["list", be32(1)],
  ["set", be32(2)],
  ["zset", be32(3)],
  ["hash", be32(4)],
  ["stream", be32(6)],
]);

/** Fold a value (and whether its key has a TTL) into `digest`. */
function xorObjectDigest(db: Database, key: string, digest: Uint8Array, v: Value): void {
  const type = typeof v === "string" ? "string" : v.type;
  mixDigest(digest, TYPE_BYTES.get(type)!);
  if (typeof v === "string") {
    mixDigest(digest, v);
  } else if (v.type === "list") {
    for (const e of (v as ListValue).items()) mixDigest(digest, e);
  } else if (v.type === "set") {
    for (const m of (v as SetValue).members()) xorDigest(digest, m);
  } else if (v.type === "hash") {
    const ele = new Uint8Array(20);
    for (const [f, val] of (v as HashValue).entries()) {
      ele.fill(0);
      mixDigest(ele, f);
      mixDigest(ele, val);
      xorDigest(digest, ele);
    }
  } else if (v.type === "zset") {
    const ele = new Uint8Array(20);
    for (const [m, score] of (v as ZSetValue).entries()) {
      ele.fill(0);
      mixDigest(ele, m);
      mixDigest(ele, g17(score));
      xorDigest(digest, ele);
    }
  }
  // (streams: only their type is digested until the type exists)
  if (db.expires.size && db.expires.has(key)) xorDigest(digest, "!!expire!!");
}

/** printf("%.17g") as glibc prints it, inf and nan included. */
function g17(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  return fmtG17(d);
}

function hex(d: Uint8Array): string {
  let s = "";
  for (let i = 0; i < 20; i++) s += (d[i] < 16 ? "0" : "") + d[i].toString(16);
  return s;
}

/** DEBUG DIGEST of the whole dataset, as 40 hex digits. */
export function datasetDigest(srv: Server): string {
  const final = new Uint8Array(20);
  const digest = new Uint8Array(20);
  for (let j = 0; j < srv.dbs.length; j++) {
    const db = srv.dbs[j];
    if (db.dict.size === 0) continue;
    mixDigest(final, be32(j));
    for (const [key, v] of db.dict) {
      digest.fill(0);
      mixDigest(digest, key);
      xorObjectDigest(db, key, digest, v);
      xorDigest(final, digest);
    }
  }
  return hex(final);
}

/** DEBUG DIGEST-VALUE of one key (40 zeros when missing; expiry is not checked). */
export function valueDigest(db: Database, key: string): string {
  const digest = new Uint8Array(20);
  const v = db.dict.get(key);
  if (v !== undefined) xorObjectDigest(db, key, digest, v);
  return hex(digest);
}

// --- DEBUG OBJECT -------------------------------------------------------------------

/** Bytes of an RDB length prefix. */
function lenSize(n: number): number {
  return n < 64 ? 1 : n < 16384 ? 2 : n <= 0xffffffff ? 5 : 9;
}

/** An RDB string's size: small integers are stored as 1, 2 or 4 bytes. */
function rdbStringSize(s: string): number {
  if (s.length <= 11 && stringEncoding(s) === "int") {
    const n = Number(s);
    if (n >= -128 && n <= 127) return 2;
    if (n >= -32768 && n <= 32767) return 3;
    if (n >= -2147483648 && n <= 2147483647) return 5;
  }
  return lenSize(s.length) + s.length;
}

/** An approximation of Redis's rdbSavedObjectLen (no compression). */
function serializedLength(v: Value): number {
  if (typeof v === "string") return rdbStringSize(v);
  let n = 0, count = 0;
  if (v.type === "list") {
    for (const e of (v as ListValue).items()) {
      n += rdbStringSize(e);
      count++;
    }
  } else if (v.type === "set") {
    for (const m of (v as SetValue).members()) {
      n += rdbStringSize(m);
      count++;
    }
  } else if (v.type === "hash") {
    for (const [f, val] of (v as HashValue).entries()) {
      n += rdbStringSize(f) + rdbStringSize(val);
      count++;
    }
  } else if (v.type === "zset") {
    for (const [m] of (v as ZSetValue).entries()) {
      n += rdbStringSize(m) + 8;
      count++;
    }
  }
  return lenSize(count) + n;
}

/** A stable pseudo address per value object, for "Value at:0x...". */
const addresses = new WeakMap<object, number>();
let nextAddress = 0x7f0000100000;

function valueAddress(v: Value): string {
  if (typeof v === "string") {
    let h = 0x811c9dc5;
    for (let i = 0; i < Math.min(v.length, 64); i++) {
      h = Math.imul(h ^ v.charCodeAt(i), 0x1000193);
    }
    return "0x7f" + ((h >>> 0) * 16).toString(16).padStart(10, "0");
  }
  let a = addresses.get(v);
  if (a === undefined) {
    a = nextAddress;
    nextAddress += 0x40;
    addresses.set(v, a);
  }
  return "0x" + a.toString(16);
}

function debugObject(c: Client, key: string, srv: Server): void {
  const v = c.db.dict.get(key);
  if (v === undefined) {
    c.out.error("ERR no such key");
    return;
  }
  const enc = objectEncoding(v);
  let extra = "";
  if (enc === "quicklist") {
    const list = v as ListValue;
    let size = 0;
    for (const e of list.items()) size += e.length + 2;
    const nodes = Math.max(1, Math.ceil(size / 8192));
    extra = ` ql_nodes:${nodes} ql_avg_node:${(list.length / nodes).toFixed(2)}` +
      ` ql_listpack_max:${srv.config.get("list-max-listpack-size") || "-2"}` +
      ` ql_compressed:0 ql_uncompressed_size:${size + 6}`;
  }
  const lru = Math.floor(Date.now() / 1000) & 0xffffff;
  c.out.simple(
    `Value at:${valueAddress(v)} refcount:${objectRefcount(v, srv)} encoding:${enc} ` +
      `serializedlength:${serializedLength(v)} lru:${lru} lru_seconds_idle:0${extra}`,
  );
}

// --- the other subcommands ---------------------------------------------------------

/** C's atoi: leading spaces, sign, digits; 0 if none. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** C's strtod prefix parse (enough for DEBUG SLEEP): 0 when nothing parses. */
function strtod(s: string): number {
  const n = parseFloat(s.trimStart());
  return Number.isNaN(n) ? 0 : n;
}

/** Block the whole server, as Redis's nanosleep does. */
function sleepMs(ms: number): void {
  if (!(ms > 0)) return;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const end = performance.now() + ms;
  for (;;) {
    const left = end - performance.now();
    if (left <= 0) break;
    Atomics.wait(cell, 0, 0, left);
  }
}

const POSITIVE_ERR = "ERR value is out of range, must be positive";

/** getPositiveLongFromObjectOrReply: a non-negative 64-bit integer. */
function positiveArg(c: Client, s: string): number | null {
  if (s.length > 20 || !/^(0|-?[1-9][0-9]*)$/.test(s)) {
    c.out.error(POSITIVE_ERR);
    return null;
  }
  const n = BigInt(s);
  if (n < 0n || n > 9223372036854775807n) {
    c.out.error(POSITIVE_ERR);
    return null;
  }
  return Number(n);
}

function populate(c: Client, argv: string[]): void {
  const count = positiveArg(c, argv[2]);
  if (count === null) return;
  let size = 0;
  if (argv.length === 5) {
    const s = positiveArg(c, argv[4]);
    if (s === null) return;
    size = s;
  }
  const prefix = argv.length >= 4 ? argv[3] : "key";
  const db = c.db;
  for (let j = 0; j < count; j++) {
    let key = prefix + ":" + j;
    if (key.length > 127) key = key.slice(0, 127); // Redis formats into a 128-byte buffer
    if (db.get(key) !== undefined) continue;
    let val = "value:" + j;
    if (size) {
      // one flat string, as a client's SET would store (no cons/sliced strings)
      const bytes = new Uint8Array(size);
      for (let i = 0; i < val.length && i < size; i++) bytes[i] = val.charCodeAt(i);
      val = bytesToStr(bytes);
    }
    db.set(key, val);
  }
  c.out.ok();
}

const MEM_UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Redis's memtoull: digits with an optional b/k/kb/m/mb/g/gb unit. */
function memToBytes(s: string): number | null {
  const m = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  return Number(m[1]) * (m[2] ? MEM_UNITS[m[2].toLowerCase()] : 1);
}

function protocol(c: Client, name: string): void {
  const out = c.out;
  switch (name.toLowerCase()) {
    case "string":
      return out.bulk("Hello World");
    case "integer":
      return out.int(12345);
    case "double":
      return out.double(3.141);
    case "bignum":
      return out.bigNumber("1234567999999999999999999999999999999");
    case "null":
      return out.nil();
    case "array":
      out.array(3);
      for (let i = 0; i < 3; i++) out.int(i);
      return;
    case "set":
      out.set(3);
      for (let i = 0; i < 3; i++) out.int(i);
      return;
    case "map":
      out.map(3);
      for (let i = 0; i < 3; i++) {
        out.int(i);
        out.bool(i === 1);
      }
      return;
    case "attrib":
      if (out.resp === 3) {
        out.attribute(1);
        out.bulk("key-popularity");
        out.array(2);
        out.bulk("key:123");
        out.int(90);
      }
      return out.bulk("Some real reply following the attribute");
    case "push":
      if (out.resp === 2) return out.error("ERR RESP2 is not supported by this command");
      out.push(2);
      out.bulk("server-cpu-usage");
      out.int(42);
      return out.bulk("Some real reply following the push reply");
    case "verbatim":
      return out.verbatim("This is a verbatim\nstring");
    case "true":
      return out.bool(true);
    case "false":
      return out.bool(false);
    default:
      out.error(
        "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
      );
  }
}

const DEBUG_HELP = [
  "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "AOF-FLUSH-SLEEP <microsec>",
  "    Server will sleep before flushing the AOF, this is used for testing.",
  "ASSERT",
  "    Crash by assertion failed.",
  "CHANGE-REPL-ID",
  "    Change the replication IDs of the instance.",
  "    Dangerous: should be used only for testing the replication subsystem.",
  "CONFIG-REWRITE-FORCE-ALL",
  "    Like CONFIG REWRITE but writes all configuration options, including",
  "    keywords not listed in original configuration file or default values.",
  "CRASH-AND-RECOVER [<milliseconds>]",
  "    Hard crash and restart after a <milliseconds> delay (default 0).",
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
  "ERROR <string>",
  "    Return a Redis protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate Redis errors.",
  "LEAK <string>",
  "    Create a memory leak of the input string.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "HTSTATS <dbid>",
  "    Return hash table statistics of the specified Redis database.",
  "HTSTATS-KEY <key>",
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  "LOADAOF",
  "    Flush the AOF buffers on disk and reload the AOF in memory.",
  "REPLICATE <string>",
  "    Replicates the provided string to replicas, allowing data divergence.",
  "MALLCTL <key> [<val>]",
  "    Get or set a malloc tuning integer.",
  "MALLCTL-STR <key> [<val>]",
  "    Get or set a malloc tuning string.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "DROP-CLUSTER-PACKET-FILTER <packet-type>",
  "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
  "OOM",
  "    Crash the server simulating an out-of-memory error.",
  "PANIC",
  "    Crash the server simulating a panic.",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas. Cluster slots are not respected so keys not belonging to the",
  "    current node can be created in cluster mode.",
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
  "    * MERGE: conflicting keys will be loaded from RDB.",
  "    * NOFLUSH: the existing database will not be removed before load, but",
  "      conflicting keys will generate an exception and kill the server.",
  "    * NOSAVE: the database will be loaded from an existing RDB file.",
  "    Examples:",
  "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
  "      the database.",
  "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
  "      existing RDB file.",
  "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
  "      file to the database.",
  "RESTART [<milliseconds>]",
  "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
  "SDSLEN <key>",
  "    Show low level SDS string info representing `key` and value.",
  "SEGFAULT",
  "    Crash the server with sigsegv.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
  "QUICKLIST-PACKED-THRESHOLD <size>",
  "    Sets the threshold for elements to be inserted as plain vs packed nodes",
  "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
  "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
  "STRINGMATCH-TEST",
  "    Run a fuzz tester against the stringmatchlen() function.",
  "STRUCTSIZE",
  "    Return the size of different Redis core C structures.",
  "LISTPACK <key>",
  "    Show low level info about the listpack encoding of <key>.",
  "QUICKLIST <key> [<0|1>]",
  "    Show low level info about the quicklist encoding of <key>.",
  "    The optional argument (0 by default) sets the level of detail",
  "CLIENT-EVICTION",
  "    Show low level client eviction pools info (maxmemory-clients).",
  "PAUSE-CRON <0|1>",
  "    Stop periodic cron job processing.",
  "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
  "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
  "    In case NEVER is provided the last observed peak will never be reset",
  "    In case RESET is provided the peak reset time will be restored to the default value",
  "REPLYBUFFER RESIZING <0|1>",
  "    Enable or disable the reply buffer resize cron job",
  "CLUSTERLINK KILL <to|from|all> <node-id>",
  "    Kills the link based on the direction to/from (both) with the provided node.",
  "HELP",
  "    Prints this help.",
];

function debug(c: Client, argv: string[], srv: Server): void {
  const sub = argv[1].toLowerCase();
  const argc = argv.length;
  const hook = debugHooks.get(sub);
  if (hook) {
    hook(c, argv, srv);
    return;
  }
  if (sub === "help" && argc === 2) replyHelp(c, DEBUG_HELP);
  else if (sub === "sleep" && argc === 3) {
    sleepMs(strtod(argv[2]) * 1000);
    c.out.ok();
  } else if (sub === "populate" && argc >= 3 && argc <= 5) populate(c, argv);
  else if (sub === "set-active-expire" && argc === 3) {
    srv.activeExpireEnabled = atoi(argv[2]) !== 0;
    c.out.ok();
  } else if (sub === "digest" && argc === 2) c.out.simple(datasetDigest(srv));
  else if (sub === "digest-value") {
    c.out.array(argc - 2);
    for (let j = 2; j < argc; j++) c.out.simple(valueDigest(c.db, argv[j]));
  } else if (sub === "object" && argc === 3) debugObject(c, argv[2], srv);
  else if (sub === "change-repl-id" && argc === 2) {
    log.warning("Changing replication IDs after receiving DEBUG change-repl-id");
    c.out.ok();
  } else if (sub === "quicklist-packed-threshold" && argc === 3) {
    const n = memToBytes(argv[2]);
    if (n === null || n > 2 ** 32 - 2 ** 20) {
      c.out.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    } else {
      quicklistPackedThreshold = n === 0 ? 1 << 30 : n;
      c.out.ok();
    }
  } else if (sub === "protocol" && argc === 3) protocol(c, argv[2]);
  else if (sub === "error" && argc === 3) c.out.error(argv[2]);
  else if (sub === "log" && argc === 3) {
    log.warning(`DEBUG LOG: ${argv[2]}`);
    c.out.ok();
  } else if (sub === "stringmatch-test" && argc === 2) {
    c.out.simple("Apparently Redis did not crash: test passed");
  } else {
    c.out.error(
      `ERR unknown subcommand or wrong number of arguments for '${
        argv[1].slice(0, 128)
      }'. Try DEBUG HELP.`,
    );
  }
}

export const debugCommands: CommandSpec[] = [
  {
    name: "debug",
    arity: -2,
    flags: ["admin", "noscript", "loading", "stale"],
    acl: ["admin", "slow", "dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "A container for debugging commands",
    complexity: "Depends on subcommand.",
    handler: debug,
  },
];
