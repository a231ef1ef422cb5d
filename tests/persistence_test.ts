// Persistence against real peers: every RDB file we write passes
// redis-check-rdb and loads in a real redis-server 7.0 with the same data
// (DEBUG DIGEST, types, TTLs); files real Redis writes (every type, small and
// large encodings) and older formats (ziplist, zipmap, quicklist 1, string
// doubles, EXPIRETIME in seconds) load here identically; corrupt or cut files
// are refused with nothing loaded; DUMP / RESTORE payloads cross both ways
// with identical error replies; BGSAVE is point-in-time while writes keep
// coming; SAVE / BGSAVE / SHUTDOWN / FLUSHALL / save points / INFO.
// Plus the format layer's units (CRC-64, LZF, listpack, intset, ziplist).
import assert from "node:assert/strict";
import { run, type ServerProc, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { Crc64, crc64 } from "../server/persistence/crc64.ts";
import { lzfCompress, lzfDecompress } from "../server/persistence/lzf.ts";
import { ByteBuf } from "../server/persistence/bytebuf.ts";
import { decodeListpack, encodeListpack } from "../server/persistence/listpack.ts";
import { decodeIntset, encodeIntset } from "../server/persistence/intset.ts";
import { decodeZiplist, decodeZipmap } from "../server/persistence/ziplist.ts";
import { parseRdb } from "../server/persistence/rdb_reader.ts";
import { valueBuilder } from "../server/persistence/objects.ts";
import { persistence } from "../server/persistence/manager.ts";
import { Server } from "../server/keyspace/owner.ts";
import { Config } from "../server/config.ts";
import type { Value } from "../server/keyspace/db.ts";
import type { ListValue } from "../server/keyspace/types/index.ts";

// --- a raw, binary-safe RESP connection -------------------------------------------

function replyEnd(s: string, i: number): number {
  const nl = s.indexOf("\r\n", i);
  if (nl < 0) return -1;
  const t = s[i];
  if (t === "+" || t === "-" || t === ":") return nl + 2;
  const n = Number(s.slice(i + 1, nl));
  if (t === "$") {
    if (n < 0) return nl + 2;
    const end = nl + 2 + n + 2;
    return s.length >= end ? end : -1;
  }
  if (t === "*") {
    let p = nl + 2;
    for (let k = 0; k < n; k++) {
      p = replyEnd(s, p);
      if (p < 0) return -1;
    }
    return p;
  }
  throw new Error(`bad reply: ${JSON.stringify(s.slice(i, i + 100))}`);
}

function bytesOf(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

function strOf(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 8192)));
  }
  return s;
}

class Conn {
  private buf = "";
  private waiter: (() => void) | null = null;
  private closed = false;
  private constructor(private conn: Deno.TcpConn) {
    this.pump();
  }

  static async open(port: number): Promise<Conn> {
    return new Conn(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  private async pump(): Promise<void> {
    const b = new Uint8Array(1 << 16);
    try {
      for (;;) {
        const n = await this.conn.read(b);
        if (n === null) break;
        this.buf += strOf(b.subarray(0, n));
        this.waiter?.();
      }
    } catch { /* closed */ }
    this.closed = true;
    this.waiter?.();
  }

  async send(argvs: string[][]): Promise<void> {
    let s = "";
    for (const a of argvs) {
      s += `*${a.length}\r\n`;
      for (const x of a) s += `$${x.length}\r\n${x}\r\n`;
    }
    const bytes = bytesOf(s);
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  async reply(timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buf.length) {
        const end = replyEnd(this.buf, 0);
        if (end > 0) {
          const r = this.buf.slice(0, end);
          this.buf = this.buf.slice(end);
          return r;
        }
      }
      if (this.closed) throw new Error("connection closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("reply timeout");
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiter = () => {
          clearTimeout(t);
          r();
        };
      });
      this.waiter = null;
    }
  }

  /** Send commands (pipelined) and return their raw replies. */
  async pipe(argvs: string[][]): Promise<string[]> {
    await this.send(argvs);
    const out: string[] = [];
    for (let i = 0; i < argvs.length; i++) out.push(await this.reply());
    return out;
  }

  async cmd(...argv: string[]): Promise<string> {
    return (await this.pipe([argv]))[0];
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

/** The payload of a bulk reply. */
function bulk(r: string): string | null {
  if (r.startsWith("$-1")) return null;
  assert.ok(r.startsWith("$"), `not a bulk: ${r.slice(0, 80)}`);
  const nl = r.indexOf("\r\n");
  return r.slice(nl + 2, r.length - 2);
}

function infoField(info: string, name: string): string {
  const m = bulk(info)!.match(new RegExp(`^${name}:(.*)\r?$`, "m"));
  return m ? m[1].trim() : "";
}

// --- the dataset: every type, small and large encodings, TTLs, 16 dbs ----------------

function dataset(): string[][] {
  const cmds: string[][] = [];
  let binary = "";
  for (let i = 0; i < 600; i++) binary += String.fromCharCode((i * 37 + 11) & 255);
  cmds.push(
    ["SET", "str:small", "hello"],
    ["SET", "str:int8", "-7"],
    ["SET", "str:int16", "1234"],
    ["SET", "str:int32", "-2147483648"],
    ["SET", "str:int64", "9223372036854775807"],
    ["SET", "str:lead0", "007"],
    ["SET", "str:empty", ""],
    ["SET", "str:long", "abc".repeat(400)],
    ["SET", "str:binary", binary],
    ["SET", "str:ttl", "v", "PX", "9000000"],
    ["RPUSH", "list:small", "a", "1", "-1", "127", "128", "-4096", "4095", "40000", "-8388608"],
    ["RPUSH", "list:small", "2147483647", "9223372036854775807", "-9223372036854775808", ""],
    ["RPUSH", "list:huge-elem", "x".repeat(20000), "y"],
    ["SADD", "set:int", "1", "2", "3", "-100", "70000"],
    ["SADD", "set:int64", "1", "9223372036854775807", "-9223372036854775808"],
    ["SADD", "set:str", "a", "b", "c", "1"],
    ["HSET", "hash:small", "f1", "v1", "f2", "2", "n", "-12345"],
    ["HSET", "hash:longval", "f", "z".repeat(200)],
    ["ZADD", "zset:small", "1", "a", "2.5", "b", "-3.25", "c", "inf", "d", "-inf", "e", "0", "f"],
    ["ZADD", "zset:small", "1e300", "g", "-0.1", "h", "123456789012", "i"],
    ["ZADD", "zset:longmember", "1", "m".repeat(100)],
    ["PEXPIRE", "list:small", "8000000"],
    ["PEXPIRE", "hash:small", "7000000"],
    ["PEXPIREAT", "zset:small", "4102444800000"],
  );
  const big = (cmd: string, key: string, n: number, f: (i: number) => string[]) => {
    for (let i = 0; i < n; i += 100) {
      const a = [cmd, key];
      for (let j = i; j < Math.min(n, i + 100); j++) a.push(...f(j));
      cmds.push(a);
    }
  };
  big("RPUSH", "list:big", 5000, (i) => [i % 3 ? `item-${i}` : String(i * 7919)]);
  big("SADD", "set:intbig", 700, (i) => [String(i * 3)]);
  big("SADD", "set:strbig", 700, (i) => [`member:${i}`]);
  big("HSET", "hash:big", 1000, (i) => [`field:${i}`, i % 2 ? `value-${i}` : String(i)]);
  big("ZADD", "zset:big", 1000, (i) => [String(i * 1.5 - 300), `m:${i}`]);
  cmds.push(["PEXPIRE", "set:strbig", "6000000"], ["PEXPIRE", "zset:big", "5000000"]);
  for (let db = 1; db < 16; db++) {
    cmds.push(["SELECT", String(db)], ["SET", `db${db}:key`, `value-${db}`], [
      "RPUSH",
      `db${db}:list`,
      "a",
      String(db),
    ]);
    if (db % 3 === 0) cmds.push(["PEXPIRE", `db${db}:key`, String(1000000 * db)]);
  }
  cmds.push(["SELECT", "0"]);
  return cmds;
}

async function load(c: Conn, cmds: string[][]): Promise<void> {
  for (let i = 0; i < cmds.length; i += 200) {
    const replies = await c.pipe(cmds.slice(i, i + 200));
    for (const r of replies) assert.ok(!r.startsWith("-"), `populate failed: ${r}`);
  }
}

/** Every key of every db: type and (for keys with a TTL) the TTL rounded to 100 s. */
async function keyspaceSummary(c: Conn): Promise<string[]> {
  const out: string[] = [];
  for (let db = 0; db < 16; db++) {
    await c.cmd("SELECT", String(db));
    const keys = (await c.cmd("KEYS", "*")).split("\r\n").filter((_, i) => i > 0 && i % 2 === 0);
    for (const k of keys.sort()) {
      const [type, ttl] = await c.pipe([["TYPE", k], ["PTTL", k]]);
      const ms = Number(ttl.slice(1));
      out.push(`${db} ${k} ${type.trim()} ${ms < 0 ? ms : Math.round(ms / 100000)}`);
    }
  }
  await c.cmd("SELECT", "0");
  return out;
}

// --- crafting files in older formats (ziplist, zipmap, quicklist 1) -------------------

class Bytes {
  b: number[] = [];
  u8(...x: number[]) {
    this.b.push(...x);
    return this;
  }
  u16le(n: number) {
    return this.u8(n & 255, (n >> 8) & 255);
  }
  u32le(n: number) {
    return this.u8(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);
  }
  u32be(n: number) {
    return this.u8(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  }
  i64le(n: bigint) {
    const v = BigInt.asUintN(64, n);
    for (let i = 0n; i < 8n; i++) this.u8(Number((v >> (8n * i)) & 255n));
    return this;
  }
  str(s: string) {
    for (let i = 0; i < s.length; i++) this.b.push(s.charCodeAt(i));
    return this;
  }
  bytes(x: Uint8Array | number[]) {
    for (const v of x) this.b.push(v);
    return this;
  }
  get length() {
    return this.b.length;
  }
  out(): Uint8Array {
    return new Uint8Array(this.b);
  }
}

function rdbLen(o: Bytes, n: number): void {
  if (n < 64) o.u8(n);
  else if (n < 16384) o.u8(0x40 | (n >> 8), n & 255);
  else o.u8(0x80).u32be(n);
}

function rdbStr(o: Bytes, s: string | Uint8Array): void {
  const b = typeof s === "string" ? bytesOf(s) : s;
  rdbLen(o, b.length);
  o.bytes(b);
}

/** A ziplist of strings and integers, each integer in the encoding given by its size. */
function ziplist(items: (string | bigint)[]): Uint8Array {
  const body = new Bytes();
  let prev = 0, lastAt = 10;
  for (const it of items) {
    const e = new Bytes();
    if (prev < 254) e.u8(prev);
    else e.u8(0xfe).u32le(prev);
    if (typeof it === "string") {
      const n = it.length;
      if (n < 64) e.u8(n);
      else if (n < 16384) e.u8(0x40 | (n >> 8), n & 255);
      else e.u8(0x80).u32be(n);
      e.str(it);
    } else {
      const v = it;
      if (v >= 0n && v <= 12n) e.u8(0xf1 + Number(v));
      else if (v >= -128n && v <= 127n) e.u8(0xfe, Number(v) & 255);
      else if (v >= -32768n && v <= 32767n) e.u8(0xc0).u16le(Number(v) & 0xffff);
      else if (v >= -8388608n && v <= 8388607n) {
        const u = Number(v) & 0xffffff;
        e.u8(0xf0, u & 255, (u >> 8) & 255, u >> 16);
      } else if (v >= -2147483648n && v <= 2147483647n) e.u8(0xd0).u32le(Number(v) >>> 0);
      else e.u8(0xe0).i64le(v);
    }
    lastAt = 10 + body.length;
    body.bytes(e.b);
    prev = e.length;
  }
  const o = new Bytes();
  o.u32le(10 + body.length + 1).u32le(items.length ? lastAt : 10).u16le(items.length);
  o.bytes(body.b).u8(0xff);
  return o.out();
}

function zipmap(pairs: [string, string, number][]): Uint8Array {
  const o = new Bytes();
  o.u8(pairs.length);
  const len = (n: number) => (n < 254 ? o.u8(n) : o.u8(254).u32le(n));
  for (const [k, v, free] of pairs) {
    len(k.length);
    o.str(k);
    len(v.length);
    o.u8(free).str(v);
    for (let i = 0; i < free; i++) o.u8(0);
  }
  o.u8(0xff);
  return o.out();
}

function intset(width: number, vals: bigint[]): Uint8Array {
  const o = new Bytes();
  o.u32le(width).u32le(vals.length);
  for (const v of vals) {
    const u = BigInt.asUintN(width * 8, v);
    for (let i = 0; i < width; i++) o.u8(Number((u >> BigInt(8 * i)) & 255n));
  }
  return o.out();
}

/** An RDB version 9 file holding every pre-7.0 encoding. */
function legacyRdb(): Uint8Array {
  const o = new Bytes();
  o.str("REDIS0009");
  const aux = (k: string, v: string) => {
    o.u8(250);
    rdbStr(o, k);
    rdbStr(o, v);
  };
  aux("redis-ver", "6.2.14");
  aux("redis-bits", "64");
  aux("ctime", String(Math.floor(Date.now() / 1000) - 100));
  aux("used-mem", "2000000");
  o.u8(254);
  rdbLen(o, 0);
  o.u8(251);
  rdbLen(o, 12);
  rdbLen(o, 2);
  // plain types
  o.u8(0);
  rdbStr(o, "old:str");
  rdbStr(o, "plain");
  o.u8(0); // an int-encoded string (int16) and an LZF one
  rdbStr(o, "old:int");
  o.u8(0xc1).u16le(31000);
  o.u8(0);
  rdbStr(o, "old:lzf");
  const raw = bytesOf("hello hello hello hello hello hello hello!");
  const comp = new Uint8Array(raw.length);
  const clen = lzfCompress(raw, raw.length, comp, 0, raw.length - 4);
  assert.ok(clen > 0);
  o.u8(0xc3);
  rdbLen(o, clen);
  rdbLen(o, raw.length);
  o.bytes(comp.subarray(0, clen));
  o.u8(253).u32le(Math.floor(Date.now() / 1000) + 5000); // EXPIRETIME (seconds)
  o.u8(1);
  rdbStr(o, "old:list");
  rdbLen(o, 3);
  for (const s of ["x", "y", "12"]) rdbStr(o, s);
  o.u8(2);
  rdbStr(o, "old:set");
  rdbLen(o, 3);
  for (const s of ["p", "q", "7"]) rdbStr(o, s);
  o.u8(3); // ZSET with string doubles
  rdbStr(o, "old:zset");
  rdbLen(o, 4);
  rdbStr(o, "a");
  o.u8(3).str("1.5");
  rdbStr(o, "b");
  o.u8(254);
  rdbStr(o, "c");
  o.u8(255);
  rdbStr(o, "d");
  o.u8(4).str("-2.5");
  o.u8(4);
  rdbStr(o, "old:hash");
  rdbLen(o, 2);
  for (const s of ["f", "v", "g", "w"]) rdbStr(o, s);
  // compact encodings
  o.u8(9);
  rdbStr(o, "old:zipmap");
  rdbStr(o, zipmap([["name", "redis", 0], ["ver", "2.2", 3], ["long", "L".repeat(300), 0]]));
  o.u8(10);
  rdbStr(o, "old:ziplist");
  rdbStr(
    o,
    ziplist(["a", 5n, -100n, 1000n, 100000n, 10000000n, 5000000000n, "z".repeat(300), "e"]),
  );
  o.u8(11);
  rdbStr(o, "old:intset16");
  rdbStr(o, intset(2, [-5n, 3n, 300n]));
  o.u8(11);
  rdbStr(o, "old:intset64");
  rdbStr(o, intset(8, [-9223372036854775808n, 0n, 9007199254740993n]));
  o.u8(12);
  rdbStr(o, "old:zsetzl");
  rdbStr(o, ziplist(["m1", "1.5", "m2", 2n, "m3", "inf"]));
  o.u8(13);
  rdbStr(o, "old:hashzl");
  rdbStr(o, ziplist(["f1", "v1", "f2", 42n]));
  o.u8(14);
  rdbStr(o, "old:quicklist");
  rdbLen(o, 2);
  rdbStr(o, ziplist(["n1", 1n, "n2"]));
  rdbStr(o, ziplist([2n, "n3"]));
  o.u8(254);
  rdbLen(o, 2);
  o.u8(0);
  rdbStr(o, "db2:key");
  rdbStr(o, "two");
  o.u8(255);
  const body = o.out();
  const crc = crc64(body).bytesLE();
  const all = new Uint8Array(body.length + 8);
  all.set(body);
  all.set(crc, body.length);
  return all;
}

// --- the tests ------------------------------------------------------------------------

Deno.test("persistence: format layer", async (t) => {
  await t.step("CRC-64 Jones (Redis's check value), incremental", () => {
    assert.equal(crc64(bytesOf("123456789")).value(), 0xe9c6d914c4b8d9can);
    const data = new Uint8Array(100003).map((_, i) => (i * 131) & 255);
    const whole = crc64(data).value();
    const parts = new Crc64().update(data, 0, 7).update(data, 7, 5000).update(data, 5000);
    assert.equal(parts.value(), whole);
  });

  await t.step("LZF round trips; incompressible data is refused", () => {
    const samples = [
      bytesOf("a".repeat(1000)),
      bytesOf("abcdefgh".repeat(300) + "tail"),
      new Uint8Array(70000).map((_, i) => (i % 251) ^ (i >> 9)),
    ];
    for (const s of samples) {
      const out = new Uint8Array(s.length);
      const n = lzfCompress(s, s.length, out, 0, s.length - 4);
      assert.ok(n > 0 && n < s.length - 4);
      assert.deepEqual(lzfDecompress(out, 0, n, s.length), s);
      // a wrong expected size or a cut stream is an error, never a crash
      assert.equal(lzfDecompress(out, 0, n, s.length + 1), null);
      assert.equal(lzfDecompress(out, 0, n - 1, s.length), null);
    }
    const rnd = crypto.getRandomValues(new Uint8Array(500));
    assert.equal(lzfCompress(rnd, rnd.length, new Uint8Array(500), 0, 496), 0);
  });

  await t.step("listpack: every integer width and string length round trips", () => {
    const items = [
      "0",
      "127",
      "128",
      "-1",
      "-4096",
      "4095",
      "4096",
      "-32768",
      "32767",
      "8388607",
      "-8388608",
      "2147483647",
      "-2147483649",
      "9223372036854775807",
      "-9223372036854775808",
      "9223372036854775808",
      "01",
      "-0",
      "",
      "s".repeat(63),
      "s".repeat(64),
      "t".repeat(4095),
      "t".repeat(4096),
      "u".repeat(70000),
    ];
    const b = new ByteBuf(16);
    encodeListpack(b, items);
    const bytes = b.take();
    assert.deepEqual(decodeListpack(bytes), items);
    // any cut or a wrong size field is refused
    assert.equal(decodeListpack(bytes.subarray(0, bytes.length - 1)), null);
    const bad = bytes.slice();
    bad[0] ^= 1;
    assert.equal(decodeListpack(bad), null);
  });

  await t.step("intset: widths, order, refusal of non-integers", () => {
    const b = new ByteBuf(16);
    assert.ok(encodeIntset(b, ["5", "-3", "40000"]));
    const bytes = b.take();
    assert.equal(bytes[0], 4); // int32 width
    assert.deepEqual(decodeIntset(bytes), ["-3", "5", "40000"]);
    assert.ok(encodeIntset(b, ["9223372036854775807", "1"]));
    assert.deepEqual(decodeIntset(b.take()), ["1", "9223372036854775807"]);
    assert.equal(encodeIntset(b, ["1", "x"]), false);
    assert.equal(decodeIntset(intset(2, [3n, 1n])), null); // unsorted
  });

  await t.step("ziplist and zipmap decoding", () => {
    const zl = ziplist(["a", 0n, 12n, 13n, -129n, 70000n, -8000000n, 3000000000n, "b".repeat(300)]);
    assert.deepEqual(decodeZiplist(zl), [
      "a",
      "0",
      "12",
      "13",
      "-129",
      "70000",
      "-8000000",
      "3000000000",
      "b".repeat(300),
    ]);
    assert.equal(decodeZiplist(zl.subarray(0, zl.length - 2)), null);
    const zm = zipmap([["k", "v", 2], ["key2", "x".repeat(260), 0]]);
    assert.deepEqual(decodeZipmap(zm), ["k", "v", "key2", "x".repeat(260)]);
    assert.equal(decodeZipmap(zm.subarray(0, 6)), null);
  });
});

Deno.test({
  name: "persistence: against real redis-server 7.0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const ours = await startServer(["--enable-debug-command", "yes"]);
    const real = await startRealRedis([
      "--dir",
      ours.dir,
      "--dbfilename",
      "real.rdb",
      "--enable-debug-command",
      "yes",
      "--sanitize-dump-payload",
      "yes",
      "--hash-max-listpack-entries",
      "128",
    ]);
    const procs: ServerProc[] = [ours, real];
    const o = await Conn.open(ours.port);
    const r = await Conn.open(real.port);
    const ourFile = `${ours.dir}/dump.rdb`, realFile = `${ours.dir}/real.rdb`;
    const checkRdb = async (path: string) => {
      const res = await run("redis-check-rdb", [path]);
      assert.equal(res.code, 0, `redis-check-rdb refused ${path}:\n${res.stdout}${res.stderr}`);
      assert.match(res.stdout, /RDB looks OK/);
      return res.stdout;
    };
    /** Make the real server load `bytes` (as its real.rdb). */
    const realLoads = async (bytes: Uint8Array) => {
      Deno.writeFileSync(realFile, bytes);
      assert.equal(await r.cmd("DEBUG", "RELOAD", "NOSAVE"), "+OK\r\n");
    };
    const oursLoads = async (bytes: Uint8Array) => {
      Deno.writeFileSync(ourFile, bytes);
      return await o.cmd("DEBUG", "RELOAD", "NOSAVE");
    };
    const sameData = async (what: string) => {
      const [d1, d2] = [await o.cmd("DEBUG", "DIGEST"), await r.cmd("DEBUG", "DIGEST")];
      assert.equal(d1, d2, `${what}: digests differ`);
      assert.notEqual(d1, "+0000000000000000000000000000000000000000\r\n", `${what}: empty`);
      assert.deepEqual(await keyspaceSummary(o), await keyspaceSummary(r), what);
    };
    try {
      await load(o, dataset());

      await t.step(
        "our dump.rdb: redis-check-rdb accepts it, real Redis serves the same data",
        async () => {
          assert.equal(await o.cmd("SAVE"), "+OK\r\n");
          const report = await checkRdb(ourFile);
          assert.match(report, /Selecting DB ID 15/);
          await realLoads(Deno.readFileSync(ourFile));
          await sameData("our file in real Redis");
          // encodings chosen as Redis would (the real server re-derives them on load)
          for (
            const k of [
              "list:small",
              "list:big",
              "set:int",
              "set:intbig",
              "set:str",
              "hash:small",
              "hash:big",
              "hash:longval",
              "zset:small",
              "zset:big",
              "zset:longmember",
            ]
          ) {
            assert.equal(
              await o.cmd("OBJECT", "ENCODING", k),
              await r.cmd("OBJECT", "ENCODING", k),
              k,
            );
          }
        },
      );

      await t.step("rdbcompression no / rdbchecksum no files load too", async () => {
        // rdbchecksum is immutable in Redis 7.0: a second server starts with it off,
        // loading our checksummed file, and saves it again uncompressed, unchecksummed
        assert.equal(await o.cmd("SAVE"), "+OK\r\n");
        const dir = await Deno.makeTempDir();
        Deno.copyFileSync(ourFile, `${dir}/dump.rdb`);
        const plain = await startServer([
          "--dir",
          dir,
          "--rdbchecksum",
          "no",
          "--rdbcompression",
          "no",
        ]);
        procs.push(plain);
        const p = await Conn.open(plain.port);
        try {
          assert.equal(await p.cmd("DEBUG", "DIGEST"), await o.cmd("DEBUG", "DIGEST"));
          assert.equal(await p.cmd("SAVE"), "+OK\r\n");
        } finally {
          p.close();
        }
        const bytes = Deno.readFileSync(`${dir}/dump.rdb`);
        assert.deepEqual([...bytes.subarray(bytes.length - 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
        assert.match(await checkRdb(`${dir}/dump.rdb`), /RDB looks OK/);
        await realLoads(bytes);
        await sameData("uncompressed, no checksum");
      });

      await t.step("DEBUG RELOAD keeps everything", async () => {
        const before = await o.cmd("DEBUG", "DIGEST");
        assert.equal(await o.cmd("DEBUG", "RELOAD"), "+OK\r\n");
        assert.equal(await o.cmd("DEBUG", "DIGEST"), before);
        assert.equal(
          await o.cmd("DEBUG", "RELOAD", "BOGUS"),
          "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
        );
      });

      await t.step("a dump.rdb written by real Redis loads here with the same data", async () => {
        await r.cmd("FLUSHALL");
        await load(r, dataset());
        await r.cmd("SET", "soon-gone", "x", "PX", "150");
        const lib = "#!lua name=plib\nredis.register_function('pf', function() return 1 end)";
        assert.equal(await r.cmd("FUNCTION", "LOAD", "REPLACE", lib), "$4\r\nplib\r\n");
        assert.equal(await r.cmd("SAVE"), "+OK\r\n");
        await new Promise((res) => setTimeout(res, 200));
        await r.cmd("DEL", "soon-gone");
        assert.equal(await oursLoads(Deno.readFileSync(realFile)), "+OK\r\n");
        await sameData("real file here");
        const info = await o.cmd("INFO", "persistence");
        assert.equal(infoField(info, "rdb_last_load_keys_expired"), "1");
      });

      await t.step("start-up load logs as Redis 7.0 does", async () => {
        const dir = await Deno.makeTempDir({ prefix: "redis-ts-load-" });
        Deno.copyFileSync(realFile, `${dir}/dump.rdb`);
        const b = await startServer(["--dir", dir]);
        procs.push(b);
        const bc = await Conn.open(b.port);
        assert.equal(await bc.cmd("DEBUG", "DIGEST"), await r.cmd("DEBUG", "DIGEST"));
        bc.close();
        const out = b.output();
        assert.match(out, /\* Loading RDB produced by version 7\.0\.15\n/);
        assert.match(out, /\* RDB age \d+ seconds\n/);
        assert.match(out, /\* RDB memory usage when created \d+\.\d\d Mb\n/);
        assert.match(out, /\* Done loading RDB, keys loaded: \d+, keys expired: 1\.\n/);
        assert.match(out, /\* DB loaded from disk: \d+\.\d{3} seconds\n/);
        await b.stop();
      });

      await t.step(
        "older formats (ziplist, zipmap, intset, quicklist 1, string doubles)",
        async () => {
          const file = legacyRdb();
          await realLoads(file);
          assert.equal(await oursLoads(file), "+OK\r\n");
          await sameData("legacy file");
          assert.equal(bulk(await o.cmd("HGET", "old:zipmap", "ver")), "2.2");
          assert.equal(bulk(await o.cmd("ZSCORE", "old:zset", "d")), "-2.5");
          assert.equal(
            bulk(await o.cmd("GET", "old:lzf")),
            "hello hello hello hello hello hello hello!",
          );
          assert.equal(bulk(await o.cmd("GET", "old:int")), "31000");
          const ttl = Number((await o.cmd("TTL", "old:list")).slice(1));
          assert.ok(ttl > 4900 && ttl <= 5000, `ttl ${ttl}`);
        },
      );

      await t.step("MODULE_AUX and FUNCTION2 records are skipped", async () => {
        const f = new Bytes();
        f.str("REDIS0010");
        f.u8(247).u8(0x81).i64le(0x1234567890abcdn << 10n); // module id
        rdbLen(f, 2); // when_opcode: UINT
        rdbLen(f, 2); // when: after the keys
        f.u8(2); // a UINT, a STRING, EOF
        rdbLen(f, 77);
        f.u8(5);
        rdbStr(f, "module state");
        f.u8(0);
        f.u8(245);
        rdbStr(f, "#!lua name=mylib\nredis.register_function('f', function() return 1 end)");
        f.u8(254);
        rdbLen(f, 0);
        f.u8(0);
        rdbStr(f, "after-aux");
        rdbStr(f, "ok");
        f.u8(255);
        const body = f.out();
        const all = new Uint8Array(body.length + 8);
        all.set(body);
        all.set(crc64(body).bytesLE(), body.length);
        assert.equal(await oursLoads(all), "+OK\r\n");
        assert.equal(bulk(await o.cmd("GET", "after-aux")), "ok");
        assert.equal(await o.cmd("DBSIZE"), ":1\r\n");
      });

      await t.step("corrupt or truncated files are refused, nothing is loaded", async () => {
        await o.cmd("FLUSHALL");
        await load(o, dataset());
        assert.equal(await o.cmd("SAVE"), "+OK\r\n");
        const good = Deno.readFileSync(ourFile);
        const digest = await o.cmd("DEBUG", "DIGEST");
        const flipped = good.slice();
        flipped[Math.floor(good.length / 2)] ^= 0x20;
        const badMagic = good.slice();
        badMagic[0] = 0x58;
        const future = good.slice();
        future.set(bytesOf("0011"), 5);
        const variants: [string, Uint8Array][] = [
          ["flipped byte", flipped],
          ["bad magic", badMagic],
          ["version 11", future],
          ["no checksum", good.subarray(0, good.length - 8)],
          ["cut in the middle", good.subarray(0, Math.floor(good.length * 0.7))],
          ["cut in the header", good.subarray(0, 20)],
          ["empty", new Uint8Array(0)],
        ];
        for (const [what, bytes] of variants) {
          assert.equal(
            await oursLoads(bytes),
            "-ERR Error trying to load the RDB dump, check server logs.\r\n",
            what,
          );
          assert.equal(await o.cmd("DEBUG", "DIGEST"), digest, `${what}: data changed`);
        }
        // at start-up the server refuses to run on a bad file
        const dir = await Deno.makeTempDir({ prefix: "redis-ts-bad-" });
        Deno.writeFileSync(`${dir}/dump.rdb`, flipped);
        const p = await run(Deno.execPath(), [
          "run",
          "--allow-all",
          "--unstable-net",
          new URL("../server/main.ts", import.meta.url).pathname,
          "--port",
          "0",
          "--dir",
          dir,
        ]);
        assert.notEqual(p.code, 0);
        assert.match(p.stdout + p.stderr, /Wrong RDB checksum/);
        assert.match(p.stdout + p.stderr, /Terminating server after rdb file reading failure/);
        Deno.writeFileSync(ourFile, good);
      });

      await t.step("DUMP / RESTORE payloads cross both ways", async () => {
        await r.cmd("FLUSHALL");
        await load(r, dataset());
        const keys = (await o.cmd("KEYS", "*")).split("\r\n").filter((_, i) =>
          i > 0 && i % 2 === 0
        );
        assert.ok(keys.length > 15);
        for (const k of keys) {
          const mine = bulk(await o.cmd("DUMP", k))!;
          const theirs = bulk(await r.cmd("DUMP", k))!;
          assert.equal(await r.cmd("RESTORE", "from-ours:" + k, "0", mine), "+OK\r\n", k);
          assert.equal(await o.cmd("RESTORE", "from-real:" + k, "0", theirs), "+OK\r\n", k);
          const [a, b] = [
            await o.cmd("DEBUG", "DIGEST-VALUE", k, "from-real:" + k),
            await r.cmd("DEBUG", "DIGEST-VALUE", "from-ours:" + k, k),
          ];
          // without TTLs on the copies, compare the copies' digests with each other
          const da = a.split("\r\n"), db = b.split("\r\n");
          assert.equal(da[2], db[1], `${k}: restored values differ`);
          if ((await o.cmd("PTTL", k)) === ":-1\r\n") assert.equal(da[1], da[2], k);
          // short strings are byte-identical (LZF output may differ, both decode)
          if (k.startsWith("str:") && bulk(await o.cmd("GET", k))!.length <= 20) {
            assert.equal(mine, theirs, `${k}: DUMP payloads differ`);
          }
        }
        await o.pipe(keys.map((k) => ["DEL", "from-real:" + k]));
      });

      await t.step("RESTORE options and errors: identical replies", async () => {
        const payload = bulk(await r.cmd("DUMP", "str:small"))!;
        const badCrc = payload.slice(0, -1) +
          String.fromCharCode(payload.charCodeAt(payload.length - 1) ^ 1);
        const badVer = payload.slice(0, -10) + "\x0b\x00" + payload.slice(-8);
        const cmds: string[][] = [
          ["DEL", "rk"],
          ["RESTORE", "rk", "0", payload],
          ["GET", "rk"],
          ["RESTORE", "rk", "0", payload],
          ["RESTORE", "rk", "-1", payload, "REPLACE"],
          ["RESTORE", "rk", "x", payload, "REPLACE"],
          ["RESTORE", "rk", "0", badCrc, "REPLACE"],
          ["RESTORE", "rk", "0", badVer, "REPLACE"],
          ["RESTORE", "rk", "0", "short", "REPLACE"],
          ["RESTORE", "rk", "0", payload, "REPLACE", "IDLETIME", "-1"],
          ["RESTORE", "rk", "0", payload, "REPLACE", "IDLETIME", "x"],
          ["RESTORE", "rk", "0", payload, "REPLACE", "FREQ", "256"],
          ["RESTORE", "rk", "0", payload, "REPLACE", "IDLETIME", "1", "FREQ", "1"],
          ["RESTORE", "rk", "0", payload, "REPLACE", "BOGUS"],
          ["RESTORE", "rk", "0", payload, "REPLACE", "IDLETIME", "100"],
          ["RESTORE", "rk", "0", payload, "REPLACE", "FREQ", "5"],
          ["RESTORE", "rk", "100000", payload, "REPLACE"],
          ["TTL", "rk"],
          ["RESTORE", "rk", "4102444800000", payload, "REPLACE", "ABSTTL"],
          ["EXPIRETIME", "rk"],
          ["RESTORE", "rk", "1", payload, "REPLACE", "ABSTTL"],
          ["EXISTS", "rk"],
          ["RESTORE", "rk", "0", "\x00\x01x\x0a\x00" + "\x00".repeat(8)],
          ["DUMP", "no-such-key"],
          ["RESTORE"],
          ["DUMP"],
        ];
        assert.deepEqual(await o.pipe(cmds), await r.pipe(cmds));
      });

      await t.step("BGSAVE is point-in-time while writes go on", async () => {
        await o.cmd("FLUSHALL");
        await o.cmd("DEBUG", "POPULATE", "200000", "key", "50");
        await o.pipe([
          ["SELECT", "1"],
          ["SET", "db1-key", "old"],
          ["SELECT", "2"],
          ["SET", "db2-key", "old2"],
          ["SELECT", "0"],
          ["RPUSH", "mylist", "a", "b"],
          ["HSET", "myhash", "f", "old"],
        ]);
        const before = await o.cmd("DEBUG", "DIGEST");
        const replies = await o.pipe([
          ["BGSAVE"],
          ["SET", "key:0", "changed"],
          ["SET", "key:199999", "changed"],
          ["DEL", "key:100000"],
          ["SET", "brand-new", "x"],
          ["RPUSH", "mylist", "c"],
          ["HSET", "myhash", "f", "new"],
          ["RENAME", "key:5", "renamed"],
          ["EXPIRE", "key:7", "1000"],
          ["SELECT", "1"],
          ["FLUSHDB"],
          ["SET", "db1-new", "x"],
          ["SWAPDB", "2", "3"],
          ["SELECT", "3"],
          ["SET", "db2-key", "changed-after-swap"],
          ["SELECT", "0"],
        ]);
        assert.equal(replies[0], "+Background saving started\r\n");
        assert.ok(replies.slice(1).every((x) => !x.startsWith("-")), replies.join(""));
        // a few more writes while it runs
        for (let i = 0; i < 20; i++) {
          await o.pipe([["SET", `key:${i * 9000 + 3}`, "late"], ["DEL", `key:${i * 9000 + 4}`]]);
        }
        await waitFor(
          async () =>
            infoField(await o.cmd("INFO", "persistence"), "rdb_bgsave_in_progress") === "0",
          "BGSAVE end",
          60_000,
        );
        const info = await o.cmd("INFO", "persistence");
        assert.equal(infoField(info, "rdb_last_bgsave_status"), "ok");
        await checkRdb(ourFile);
        // the file holds the data as it was when BGSAVE started
        assert.equal(await o.cmd("DEBUG", "RELOAD", "NOSAVE"), "+OK\r\n");
        assert.equal(await o.cmd("DEBUG", "DIGEST"), before);
        assert.equal(bulk(await o.cmd("HGET", "myhash", "f")), "old");
        // and real Redis reads it the same way
        await realLoads(Deno.readFileSync(ourFile));
        assert.equal(await r.cmd("DEBUG", "DIGEST"), before);
      });

      await t.step("SAVE / BGSAVE replies, LASTSAVE, INFO persistence fields", async () => {
        const saves = Number(infoField(await o.cmd("INFO", "persistence"), "rdb_saves"));
        const cmds: string[][] = [
          ["BGSAVE", "foo"],
          ["BGSAVE", "SCHEDULE", "x"],
          ["SAVE", "x"],
          ["MULTI"],
          ["SAVE"],
          ["EXEC"],
          ["MULTI"],
          ["BGSAVE"],
          ["EXEC"],
        ];
        assert.deepEqual(await o.pipe(cmds), await r.pipe(cmds));
        await waitFor(async () => {
          const info = await o.cmd("INFO", "persistence");
          return Number(infoField(info, "rdb_saves")) > saves &&
            infoField(info, "rdb_bgsave_in_progress") === "0";
        }, "scheduled BGSAVE");
        const fields = (s: string) =>
          bulk(s)!.split("\r\n").filter((l) => l.includes(":")).map((l) => l.split(":")[0]);
        assert.deepEqual(
          fields(await o.cmd("INFO", "persistence")),
          fields(await r.cmd("INFO", "persistence")),
        );
        await o.cmd("SET", "a", "1");
        const info = await o.cmd("INFO", "persistence");
        assert.equal(infoField(info, "rdb_changes_since_last_save"), "1");
        assert.equal(await o.cmd("SAVE"), "+OK\r\n");
        const after = await o.cmd("INFO", "persistence");
        assert.equal(infoField(after, "rdb_changes_since_last_save"), "0");
        assert.equal(await o.cmd("LASTSAVE"), `:${infoField(after, "rdb_last_save_time")}\r\n`);
      });

      await t.step("save points trigger a BGSAVE from the cron", async () => {
        const saves = Number(infoField(await o.cmd("INFO", "persistence"), "rdb_saves"));
        await o.pipe([["CONFIG", "SET", "save", "1 2"], ["SET", "p1", "x"], ["SET", "p2", "y"]]);
        await waitFor(
          async () => {
            const info = await o.cmd("INFO", "persistence");
            return Number(infoField(info, "rdb_saves")) > saves &&
              infoField(info, "rdb_bgsave_in_progress") === "0";
          },
          "save point BGSAVE",
          10_000,
        );
        assert.match(ours.output(), /\* 2 changes in 1 seconds\. Saving\.\.\.\n/);
        assert.match(ours.output(), /\* Background saving terminated with success\n/);
      });

      await t.step("FLUSHALL with save points saves the empty dataset", async () => {
        assert.equal(await o.cmd("FLUSHALL"), "+OK\r\n");
        assert.equal(
          infoField(await o.cmd("INFO", "persistence"), "rdb_changes_since_last_save"),
          "0",
        );
        const report = await checkRdb(ourFile);
        assert.match(report, /\[info\] 0 keys read/);
        await o.cmd("CONFIG", "SET", "save", "");
      });

      await t.step(
        "SHUTDOWN saves by default when save points are set, not with NOSAVE",
        async () => {
          const dir = await Deno.makeTempDir({ prefix: "redis-ts-shut-" });
          const s = await startServer(["--dir", dir, "--save", "3600 1"]);
          procs.push(s);
          const c = await Conn.open(s.port);
          await c.pipe([["SET", "k", "v"], ["RPUSH", "l", "1", "2"]]);
          await c.send([["SHUTDOWN"]]);
          await s.proc.status;
          c.close();
          assert.match(s.output(), /Saving the final RDB snapshot before exiting\./);
          assert.match(await checkRdb(`${dir}/dump.rdb`), /\[info\] 2 keys read/);
          const s2 = await startServer(["--dir", dir, "--save", "3600 1"]);
          procs.push(s2);
          const c2 = await Conn.open(s2.port);
          assert.equal(bulk(await c2.cmd("GET", "k")), "v");
          await c2.cmd("SET", "k2", "v2");
          await c2.send([["SHUTDOWN", "NOSAVE"]]);
          await s2.proc.status;
          c2.close();
          assert.match(await checkRdb(`${dir}/dump.rdb`), /\[info\] 2 keys read/);
        },
      );
    } finally {
      o.close();
      r.close();
      for (const p of procs) await p.stop();
    }
  },
});

// --- snapshot streams in-process (the replication full-sync source) -------------------

function inProcessServer() {
  const srv = new Server(new Config());
  let n = 0;
  const client = () => {
    let got = "";
    const c = srv.connect({
      write: (b) => got += String.fromCharCode(...b),
      close: () => {},
      pendingBytes: () => 0,
    }, { addr: `127.0.0.1:${++n}`, laddr: "127.0.0.1:6379", fd: n })!;
    return (...argv: string[]) => {
      got = "";
      srv.feed(c, [argv]);
      return got;
    };
  };
  return { srv, client };
}

/** Parse RDB bytes into "db key" -> [value as text, expire]. */
function contents(srv: Server, bytes: Uint8Array) {
  const out = new Map<string, [string, number | undefined]>();
  const aux = new Map<string, string>();
  parseRdb(bytes, {
    builder: valueBuilder(srv.config),
    databases: 16,
    checksum: true,
    expiredBefore: -Infinity,
    add(db: number, key: string, v: Value, exp: number | undefined) {
      const k = `${db} ${key}`;
      if (out.has(k)) return false;
      const text = typeof v === "string" ? v : [...(v as ListValue).items()].join(",");
      out.set(k, [text, exp]);
      return true;
    },
    onAux: (k, v) => aux.set(k, v),
  });
  return { out, aux };
}

async function readAll(
  stream: ReadableStream<Uint8Array>,
  between?: () => void,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value);
    between?.();
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

Deno.test({
  name: "persistence: point-in-time snapshot streams (in-process)",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step("writes, deletes, expiries, FLUSHDB, SWAPDB, MOVE during the stream", async () => {
      const { srv, client } = inProcessServer();
      const a = client();
      a("DEBUG", "POPULATE", "100000", "key", "20");
      a("RPUSH", "list", "a", "b");
      a("SET", "ttl-soon", "x", "PX", "30");
      a("SELECT", "1");
      a("SET", "one", "1");
      a("SELECT", "2");
      a("SET", "two", "2");
      a("SELECT", "0");
      const key0 = a("GET", "key:0"), key99999 = a("GET", "key:99999");
      const stream = persistence(srv).rdbStream({ id: "f".repeat(40), offset: 12345, streamDb: 0 });
      let step = 0;
      const bytes = await readAll(stream, () => {
        // between chunks, while the snapshot is being written
        if (step++ === 1) {
          a("SET", "key:0", "changed");
          a("SET", "key:99999", "changed");
          a("DEL", "key:50000");
          a("SET", "new-key", "x");
          a("RPUSH", "list", "c");
          a("MOVE", "key:7", "1");
          a("SELECT", "1");
          a("FLUSHDB");
          a("SET", "one", "after");
          a("SWAPDB", "2", "3");
          a("SELECT", "3");
          a("SET", "two", "after");
          a("SELECT", "0");
        }
        if (step === 3) {
          // the TTL has passed: a read deletes the key (copied out first)
          const until = Date.now() + 40;
          while (Date.now() < until) { /* wait for the TTL */ }
          a("GET", "ttl-soon");
        }
      });
      assert.ok(step > 3, `the snapshot came in ${step} chunks`);
      const { out, aux } = contents(srv, bytes);
      assert.equal(aux.get("repl-id"), "f".repeat(40));
      assert.equal(aux.get("repl-offset"), "12345");
      assert.equal(out.size, 100000 + 4);
      assert.equal(`$20\r\n${out.get("0 key:0")![0]}\r\n`, key0);
      assert.equal(`$20\r\n${out.get("0 key:99999")![0]}\r\n`, key99999);
      assert.ok(out.has("0 key:50000"));
      assert.ok(out.has("0 key:7"));
      assert.ok(!out.has("1 key:7"));
      assert.ok(!out.has("0 new-key"));
      assert.equal(out.get("0 list")![0], "a,b");
      assert.equal(out.get("1 one")![0], "1");
      assert.equal(out.get("2 two")![0], "2");
      assert.ok(!out.has("3 two"));
      assert.ok(out.get("0 ttl-soon")![1]! > 0);
      // and the live data moved on
      assert.equal(a("GET", "key:0"), "$7\r\nchanged\r\n");
      assert.equal(srv.beforeCommand, null, "hooks removed after the snapshot");
    });

    await t.step("a blocked BLMOVE served during the stream keeps it point-in-time", async () => {
      const { srv, client } = inProcessServer();
      const a = client(), b = client();
      a("DEBUG", "POPULATE", "50000", "key", "20");
      b("BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
      const stream = persistence(srv).rdbStream({ id: "e".repeat(40), offset: 1, streamDb: 0 });
      let step = 0;
      const bytes = await readAll(stream, () => {
        if (step++ === 0) a("LPUSH", "src", "x");
      });
      const { out } = contents(srv, bytes);
      assert.equal(out.size, 50000);
      assert.ok(!out.has("0 dst") && !out.has("0 src"));
      assert.equal(a("LRANGE", "dst", "0", "-1"), "*1\r\n$1\r\nx\r\n");
    });
  },
});
