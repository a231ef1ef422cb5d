// The generic key commands (DEL EXISTS UNLINK TYPE RENAME RENAMENX RANDOMKEY
// COPY MOVE EXPIRE* TTL* PERSIST TOUCH KEYS SCAN OBJECT) against a real
// redis-server 7.0: the same commands must get byte-identical RESP replies.
// Propagation rewrites and the SCAN / key-order guarantees are checked on an
// in-process owner; active expiry on the real process.
import assert from "node:assert/strict";
import { type ServerProc, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { inProcess, type Owner, RawConn } from "./rawconn.ts";
import { KeyOrder } from "../server/keyspace/keyorder.ts";
import type { Value } from "../server/keyspace/db.ts";
import { parseCursor } from "../server/commands/keys.ts";

/** The bulk strings of a raw array reply (flattened one level for SCAN's nested array). */
function bulks(raw: string): string[] {
  const out: string[] = [];
  let p = 0;
  while (p < raw.length) {
    const eol = raw.indexOf("\r\n", p);
    if (raw[p] === "$") {
      const n = Number(raw.slice(p + 1, eol));
      if (n >= 0) {
        out.push(raw.slice(eol + 2, eol + 2 + n));
        p = eol + 2 + n + 2;
        continue;
      }
    }
    p = eol + 2;
  }
  return out;
}

// --- the command lists compared with redis-server --------------------------------

const c = (...a: string[]) => a;
const CASES: { name: string; cmds: string[][] }[] = [];
function group(name: string, cmds: string[][]): void {
  CASES.push({ name, cmds });
}

group("DEL UNLINK EXISTS TOUCH TYPE", [
  c("MSET", "a", "1", "b", "2", "c", "3"),
  c("EXISTS", "a"),
  c("EXISTS", "a", "a", "nokey", "b"),
  c("EXISTS"),
  c("TOUCH", "a", "nokey", "c", "c"),
  c("TOUCH"),
  c("DEL", "a", "nokey", "a"),
  c("DEL", "nokey"),
  c("DEL"),
  c("UNLINK", "b", "c", "x"),
  c("UNLINK"),
  c("EXISTS", "a", "b", "c"),
  c("SET", "s", "v"),
  c("RPUSH", "l", "x", "y"),
  c("TYPE", "s"),
  c("TYPE", "l"),
  c("TYPE", "nokey"),
  c("TYPE"),
  c("TYPE", "a", "b"),
  c("del", "s", "l"),
  c("DBSIZE"),
]);

group("RENAME RENAMENX", [
  c("RENAME", "nokey", "x"),
  c("RENAME", "nokey", "nokey"),
  c("RENAMENX", "nokey", "x"),
  c("RENAMENX", "nokey", "nokey"),
  c("SET", "a", "1"),
  c("RENAME", "a", "a"),
  c("RENAMENX", "a", "a"),
  c("RENAME", "a", "b"),
  c("EXISTS", "a", "b"),
  c("GET", "b"),
  c("SET", "c", "3"),
  c("RENAMENX", "b", "c"),
  c("RENAMENX", "b", "d"),
  c("MGET", "b", "c", "d"),
  c("RENAME", "d", "c"),
  c("GET", "c"),
  c("EXPIREAT", "c", "4000000000"),
  c("RENAME", "c", "e"),
  c("EXPIRETIME", "e"),
  c("TTL", "c"),
  c("SET", "f", "x"),
  c("RENAME", "f", "e"),
  c("TTL", "e"),
  c("RPUSH", "l", "1", "2"),
  c("RENAME", "l", "l2"),
  c("LRANGE", "l2", "0", "-1"),
  c("RENAME", "a"),
  c("RENAME", "a", "b", "c"),
]);

group("MOVE", [
  c("SET", "a", "1"),
  c("MOVE", "a", "0"),
  c("MOVE", "a", "16"),
  c("MOVE", "a", "-1"),
  c("MOVE", "a", "x"),
  c("MOVE", "a", "99999999999"),
  c("MOVE", "nokey", "16"),
  c("MOVE", "nokey", "1"),
  c("PEXPIREAT", "a", "4000000000000"),
  c("MOVE", "a", "1"),
  c("EXISTS", "a"),
  c("SELECT", "1"),
  c("GET", "a"),
  c("PEXPIRETIME", "a"),
  c("SELECT", "0"),
  c("SET", "a", "other"),
  c("MOVE", "a", "1"),
  c("GET", "a"),
  c("SELECT", "1"),
  c("FLUSHDB"),
  c("SELECT", "0"),
]);

group("COPY", [
  c("SET", "a", "1"),
  c("COPY", "a", "a"),
  c("COPY", "a", "a", "DB", "0"),
  c("COPY", "a", "a", "db", "1"),
  c("COPY", "a", "x", "DB", "16"),
  c("COPY", "a", "x", "DB", "-1"),
  c("COPY", "a", "x", "DB", "abc"),
  c("COPY", "a", "x", "DB"),
  c("COPY", "a", "x", "foo"),
  c("COPY", "a", "x", "REPLACE", "foo"),
  c("COPY", "nokey", "x"),
  c("COPY", "nokey", "nokey"),
  c("SET", "b", "2"),
  c("COPY", "a", "b"),
  c("COPY", "a", "b", "REPLACE"),
  c("GET", "b"),
  c("PEXPIREAT", "a", "4000000000000"),
  c("COPY", "a", "t"),
  c("PEXPIRETIME", "t"),
  c("COPY", "a", "b", "replace", "replace"),
  c("PEXPIRETIME", "b"),
  c("SET", "b", "no ttl now"),
  c("COPY", "b", "a", "REPLACE"),
  c("PEXPIRETIME", "a"),
  c("RPUSH", "l", "1", "2", "3"),
  c("COPY", "l", "l2"),
  c("RPUSH", "l", "4"),
  c("LRANGE", "l2", "0", "-1"),
  c("LRANGE", "l", "0", "-1"),
  c("COPY", "l", "s", "DB", "1", "REPLACE"),
  c("SELECT", "1"),
  c("LRANGE", "s", "0", "-1"),
  c("FLUSHDB"),
  c("SELECT", "0"),
  c("COPY", "a"),
]);

group("EXPIRE family: options and errors", [
  c("SET", "a", "1"),
  c("EXPIRE", "a", "100", "nx", "xx"),
  c("EXPIRE", "a", "100", "gt", "lt"),
  c("EXPIRE", "a", "100", "nx", "gt"),
  c("EXPIRE", "a", "100", "NX", "LT"),
  c("EXPIRE", "a", "100", "xx", "gt", "lt"),
  c("EXPIRE", "a", "100", "foo"),
  c("EXPIRE", "a", "100", "nx", "foo"),
  c("EXPIRE", "a", "abc", "foo"),
  c("EXPIRE", "a", "abc", "nx", "xx"),
  c("EXPIRE", "a", "1.5"),
  c("EXPIRE", "a", ""),
  c("EXPIRE", "a", " 1"),
  c("EXPIRE", "a", "9223372036854775807"),
  c("EXPIRE", "a", "9223372036854776"),
  c("EXPIRE", "a", "-9223372036854776"),
  c("EXPIRE", "a", "-9999999999999999"),
  c("EXPIRE", "a", "10000000000000000"),
  c("EXPIRE", "a", "18446744073709561"),
  c("EXPIRE", "a", "9223370399119966"),
  c("PEXPIRE", "a", "9223372036854775807"),
  c("PEXPIRE", "a", "9223372036854770000"),
  c("EXPIREAT", "a", "9223372036854776"),
  c("PEXPIREAT", "a", "9223372036854775808"),
  c("TTL", "a"),
  c("EXPIRE", "nokey", "100"),
  c("EXPIRE", "nokey", "100", "xx", "nx"),
  c("EXPIRE", "nokey", "abc"),
  c("EXPIRE", "a"),
  c("PEXPIRE", "a"),
  c("EXPIREAT", "a"),
  c("PEXPIREAT", "a"),
]);

group("EXPIRE family: NX XX GT LT", [
  c("SET", "b", "1"),
  c("EXPIRE", "b", "100", "xx"),
  c("EXPIRE", "b", "100", "gt"),
  c("EXPIRE", "b", "100", "nx"),
  c("EXPIRE", "b", "100", "nx"),
  c("TTL", "b"),
  c("EXPIRE", "b", "50", "gt"),
  c("EXPIRE", "b", "200", "GT"),
  c("TTL", "b"),
  c("EXPIRE", "b", "300", "lt"),
  c("EXPIRE", "b", "10", "LT"),
  c("TTL", "b"),
  c("EXPIRE", "b", "20", "xx", "gt"),
  c("TTL", "b"),
  c("EXPIRE", "b", "30", "xx", "lt"),
  c("TTL", "b"),
  c("PERSIST", "b"),
  c("PERSIST", "b"),
  c("PERSIST", "nokey"),
  c("EXPIRE", "b", "10", "gt"),
  c("EXPIRE", "b", "10", "lt"),
  c("TTL", "b"),
  c("PEXPIRE", "b", "100000", "NX"),
  c("PEXPIRE", "b", "100000", "XX"),
  c("TTL", "b"),
  c("EXPIREAT", "b", "4000000000", "gt"),
  c("EXPIRETIME", "b"),
  c("PEXPIRETIME", "b"),
  c("PEXPIREAT", "b", "4000000000001", "lt"),
  c("PEXPIREAT", "b", "3999999999999", "lt"),
  c("PEXPIRETIME", "b"),
  c("EXPIREAT", "b", "3999999999", "nx"),
  c("EXPIRETIME", "b"),
  c("PERSIST", "b"),
  c("EXPIRE", "b", "-1", "gt"),
  c("EXISTS", "b"),
  c("EXPIRE", "b", "-1", "lt"),
  c("EXISTS", "b"),
]);

group("EXPIRE family: past times delete", [
  c("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"),
  c("EXPIRE", "a", "-1"),
  c("PEXPIRE", "b", "0"),
  c("EXPIREAT", "c", "100"),
  c("PEXPIREAT", "d", "-9223372036854770000"),
  c("EXPIRE", "e", "0", "NX"),
  c("EXISTS", "a", "b", "c", "d", "e"),
  c("DBSIZE"),
  c("SET", "big", "x"),
  c("PEXPIREAT", "big", "9223372036854770000"),
  c("EXPIRE", "big", "100", "GT"),
  c("SET", "f", "v", "EX", "100"),
  c("SET", "f", "w"),
  c("TTL", "f"),
]);

group("TTL PTTL EXPIRETIME PEXPIRETIME", [
  c("TTL", "nokey"),
  c("PTTL", "nokey"),
  c("EXPIRETIME", "nokey"),
  c("PEXPIRETIME", "nokey"),
  c("SET", "a", "1"),
  c("TTL", "a"),
  c("PTTL", "a"),
  c("EXPIRETIME", "a"),
  c("PEXPIRETIME", "a"),
  c("EXPIRE", "a", "1000"),
  c("TTL", "a"),
  c("EXPIREAT", "a", "4000000000"),
  c("EXPIRETIME", "a"),
  c("PEXPIRETIME", "a"),
  c("PEXPIREAT", "a", "4000000000999"),
  c("EXPIRETIME", "a"),
  c("PEXPIREAT", "a", "4000000000499"),
  c("EXPIRETIME", "a"),
  c("PEXPIREAT", "a", "4000000000500"),
  c("EXPIRETIME", "a"),
  c("TTL"),
  c("PTTL", "a", "b"),
  c("EXPIRETIME"),
  c("PERSIST"),
]);

// (KEYS order differs from Redis's hash order: one match per pattern here;
// several are compared sorted in a step below)
group("KEYS", [
  c("MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5"),
  c("KEYS", "hell?"),
  c("KEYS", "h*eello"),
  c("KEYS", "heee*o"),
  c("KEYS", "h[a]llo"),
  c("KEYS", "?llo"),
  c("KEYS", "h[^ae]llo"),
  c("KEYS", "h[x-z]llo"),
  c("KEYS", "nomatch*"),
  c("KEYS", "hello"),
  c("KEYS", "h\\*llo"),
  c("KEYS", "[h"),
  c("KEYS"),
  c("KEYS", "a", "b"),
]);

group("SCAN arguments", [
  c("MSET", "a", "1", "b", "2", "c", "3"),
  c("SCAN", "0", "TYPE", "foo"),
  c("SCAN", "0", "type", "string", "count", "0"),
  c("SCAN", "0", "COUNT", "-1"),
  c("SCAN", "0", "COUNT", "1.5"),
  c("SCAN", "0", "COUNT", "abc"),
  c("SCAN", "0", "MATCH"),
  c("SCAN", "0", "COUNT"),
  c("SCAN", "0", "TYPE"),
  c("SCAN", "0", "foo", "bar"),
  c("SCAN", "0", "foo"),
  c("SCAN", " 0"),
  c("SCAN", "0 "),
  c("SCAN", "0x"),
  c("SCAN", "abc"),
  c("SCAN", "-"),
  c("SCAN", "+"),
  c("SCAN", "1.5"),
  c("SCAN", "18446744073709551616"),
  c("SCAN", "99999999999999999999999"),
  c("SCAN", "0", "MATCH", "nomatch*", "COUNT", "100"),
  c("SCAN", "0", "TYPE", "list", "COUNT", "100"),
  c("SCAN"),
]);

group("OBJECT", [
  c("SET", "i", "12345"),
  c("SET", "neg", "-5"),
  c("SET", "big", "10000"),
  c("SET", "small", "9999"),
  c("SET", "zero", "0"),
  c("SET", "e", "hello"),
  c("SET", "r", "x".repeat(45)),
  c("SET", "e44", "x".repeat(44)),
  c("SET", "lead0", "0123"),
  c("SET", "huge", "99999999999999999999"),
  c("SET", "llmax", "9223372036854775807"),
  c("OBJECT", "ENCODING", "i"),
  c("OBJECT", "ENCODING", "neg"),
  c("OBJECT", "ENCODING", "e"),
  c("OBJECT", "ENCODING", "r"),
  c("OBJECT", "ENCODING", "e44"),
  c("OBJECT", "ENCODING", "lead0"),
  c("OBJECT", "ENCODING", "huge"),
  c("OBJECT", "ENCODING", "llmax"),
  c("OBJECT", "ENCODING", "nokey"),
  c("object", "encoding", "i"),
  c("OBJECT", "REFCOUNT", "i"),
  c("OBJECT", "REFCOUNT", "small"),
  c("OBJECT", "REFCOUNT", "big"),
  c("OBJECT", "REFCOUNT", "zero"),
  c("OBJECT", "REFCOUNT", "neg"),
  c("OBJECT", "REFCOUNT", "e"),
  c("OBJECT", "REFCOUNT", "nokey"),
  c("OBJECT", "FREQ", "e"),
  c("OBJECT", "FREQ", "nokey"),
  c("OBJECT", "IDLETIME", "nokey"),
  c("OBJECT", "HELP"),
  c("OBJECT", "help"),
  c("OBJECT", "HELP", "x"),
  c("OBJECT", "ENCODING"),
  c("OBJECT", "ENCODING", "a", "b"),
  c("OBJECT", "foo"),
  c("OBJECT", "foo", "bar"),
  c("OBJECT"),
  c("RPUSH", "l", "a"),
  c("OBJECT", "ENCODING", "l"),
  c("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"),
  c("OBJECT", "IDLETIME", "e"),
  c("OBJECT", "REFCOUNT", "small"),
  c("CONFIG", "SET", "maxmemory-policy", "noeviction"),
]);

group("RANDOMKEY", [
  c("RANDOMKEY"),
  c("SET", "only", "1"),
  c("RANDOMKEY"),
  c("RANDOMKEY", "x"),
  c("DEL", "only"),
  c("RANDOMKEY"),
]);

group("WRONGTYPE-free commands on other types", [
  c("RPUSH", "l", "a", "b"),
  c("EXPIRE", "l", "100"),
  c("TTL", "l"),
  c("PERSIST", "l"),
  c("TYPE", "l"),
  c("RENAME", "l", "m"),
  c("TYPE", "m"),
  c("DEL", "m"),
]);

group("hash, set and zset values", [
  c("HSET", "h", "f1", "v1", "f2", "v2"),
  c("SADD", "s", "m1", "m2", "3"),
  c("ZADD", "z", "1", "a", "2.5", "b"),
  c("TYPE", "h"),
  c("TYPE", "s"),
  c("TYPE", "z"),
  c("OBJECT", "ENCODING", "h"),
  c("OBJECT", "ENCODING", "s"),
  c("OBJECT", "ENCODING", "z"),
  c("COPY", "h", "h2"),
  c("COPY", "s", "s2"),
  c("COPY", "z", "z2"),
  c("HSET", "h", "f3", "v3"),
  c("SADD", "s", "m4"),
  c("ZADD", "z", "3", "c"),
  c("HLEN", "h2"),
  c("SCARD", "s2"),
  c("ZRANGE", "z2", "0", "-1", "WITHSCORES"),
  c("HGETALL", "h2"),
  c("COPY", "h", "z2", "REPLACE"),
  c("TYPE", "z2"),
  c("RENAME", "s", "h"),
  c("TYPE", "h"),
  c("MOVE", "h", "2"),
  c("SELECT", "2"),
  c("SCARD", "h"),
  c("FLUSHDB"),
  c("SELECT", "0"),
]);

// --- the in-process owner ------------------------------------------------------------

/** A full SCAN iteration; `between` runs after every call. */
function fullScan(o: Owner, count: number, between: (step: number) => void): {
  seen: Map<string, number>;
  calls: number;
} {
  const seen = new Map<string, number>();
  let cursor = "0", calls = 0;
  do {
    const r = bulks(o.run("SCAN", cursor, "COUNT", String(count)));
    cursor = r[0];
    const keys = r.slice(1);
    assert.ok(keys.length <= count, `a call returned ${keys.length} keys for COUNT ${count}`);
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    between(calls++);
    assert.ok(calls < 100_000, "SCAN does not terminate");
  } while (cursor !== "0");
  return { seen, calls };
}

// --- the tests ------------------------------------------------------------------------

Deno.test({
  name: "generic key commands",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    let a: RawConn | null = null, b: RawConn | null = null;
    try {
      [ours, real] = await Promise.all([
        startServer(),
        startRealRedis(["--enable-debug-command", "yes"]),
      ]);
      [a, b] = await Promise.all([RawConn.open(ours.port), RawConn.open(real.port)]);
      const both = async (cmds: string[][]) =>
        await Promise.all([a!.pipeline(cmds), b!.pipeline(cmds)]);
      const compare = async (cmds: string[][]) => {
        const [x, y] = await both([c("FLUSHALL"), ...cmds]);
        for (let i = 0; i < y.length; i++) {
          const label = i === 0 ? "FLUSHALL" : JSON.stringify(cmds[i - 1]);
          assert.equal(x[i], y[i], `reply to ${label}`);
        }
      };

      for (const g of CASES) {
        await t.step(`same replies as redis-server: ${g.name}`, async () => {
          await compare(g.cmds);
        });
      }

      await t.step("KEYS and full SCAN list the same keys as redis-server", async () => {
        const keys: string[] = [];
        for (let i = 0; i < 300; i++) keys.push(`k:${i}`, String(i * 7));
        await both([c("FLUSHALL"), c("MSET", ...keys), c("RPUSH", "list:1", "x")]);
        for (
          const pattern of ["*", "k:1*", "*7", "k:?", "k:[12]?", "list:*", "[^k]*", "k:1\\*"]
        ) {
          const [x, y] = await both([c("KEYS", pattern)]);
          assert.deepEqual(bulks(x[0]).sort(), bulks(y[0]).sort(), `KEYS ${pattern}`);
        }
        for (
          const opts of [[], ["MATCH", "k:1*"], ["TYPE", "list"], ["TYPE", "STRING", "COUNT", "7"]]
        ) {
          const lists: string[][] = [];
          for (const conn of [a!, b!]) {
            const found: string[] = [];
            let cursor = "0";
            do {
              const r = bulks(await conn.cmd("SCAN", cursor, ...opts));
              cursor = r[0];
              found.push(...r.slice(1));
            } while (cursor !== "0");
            lists.push([...new Set(found)].sort());
          }
          assert.deepEqual(lists[0], lists[1], `SCAN ${opts.join(" ")}`);
        }
      });

      await t.step("logically expired keys are invisible to KEYS, SCAN, EXISTS", async () => {
        const [x] = await both([
          c("FLUSHALL"),
          c("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
          c("SET", "gone", "1", "PX", "1"),
          c("SET", "stays", "1"),
        ]);
        assert.equal(x[1], "+OK\r\n");
        await new Promise((r) => setTimeout(r, 20));
        const [ox] = await both([c("KEYS", "*"), c("SCAN", "0"), c("EXISTS", "gone")]);
        assert.equal(ox[0], "*1\r\n$5\r\nstays\r\n");
        assert.equal(ox[1], "*2\r\n$1\r\n0\r\n*1\r\n$5\r\nstays\r\n");
        assert.equal(ox[2], ":0\r\n");
        await both([c("DEBUG", "SET-ACTIVE-EXPIRE", "1")]);
      });

      await t.step("RANDOMKEY: every key comes up, expired keys never", async () => {
        await a!.pipeline([
          c("FLUSHALL"),
          c("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
          c("MSET", "k1", "1", "k2", "2", "k3", "3"),
          c("SET", "dead", "x", "PX", "1"),
        ]);
        await new Promise((r) => setTimeout(r, 20));
        const counts = new Map<string, number>();
        const replies = await a!.pipeline(Array.from({ length: 600 }, () => c("RANDOMKEY")));
        for (const r of replies) {
          const k = bulks(r)[0];
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        assert.deepEqual([...counts.keys()].sort(), ["k1", "k2", "k3"]);
        for (const [k, n] of counts) assert.ok(n > 120, `${k} came up only ${n} times of 600`);
        await a!.pipeline([c("DEL", "k1", "k2", "k3"), c("SET", "dead2", "x", "PX", "1")]);
        await new Promise((r) => setTimeout(r, 20));
        assert.equal(await a!.cmd("RANDOMKEY"), "$-1\r\n");
        await a!.pipeline([c("DEBUG", "SET-ACTIVE-EXPIRE", "1"), c("FLUSHALL")]);
      });

      await t.step("active expiry removes 1000 keys with no reads", async () => {
        const cmds = Array.from({ length: 1000 }, (_, i) => c("SET", `e:${i}`, "v", "PX", "100"));
        await a!.pipeline([c("FLUSHALL"), ...cmds]);
        assert.equal(await a!.cmd("DBSIZE"), ":1000\r\n");
        const t0 = Date.now();
        await waitFor(
          async () => (await a!.cmd("DBSIZE")) === ":0\r\n",
          "active expiry",
          1500,
          50,
        );
        assert.ok(Date.now() - t0 < 1500);
        const info = bulks(await a!.cmd("INFO", "stats"))[0];
        assert.match(info, /expired_keys:(\d{4,})/);
      });

      await t.step("SCAN over the network while keys come and go", async () => {
        await a!.pipeline([c("FLUSHALL"), c("DEBUG", "POPULATE", "2000", "stable")]);
        const seen = new Set<string>();
        let cursor = "0", step = 0;
        do {
          const r = bulks(await a!.cmd("SCAN", cursor, "COUNT", "50"));
          cursor = r[0];
          for (const k of r.slice(1)) seen.add(k);
          // churn: add new keys, delete and re-add others
          await a!.pipeline([
            c("SET", `new:${step}`, "x"),
            c("SET", `new2:${step}`, "x"),
            c("DEL", `new:${step - 1}`),
          ]);
          step++;
        } while (cursor !== "0");
        for (let i = 0; i < 2000; i++) assert.ok(seen.has(`stable:${i}`), `stable:${i} missed`);
      });
    } finally {
      await a?.close();
      await b?.close();
      await Promise.all([ours?.stop(), real?.stop()]);
    }
  },
});

Deno.test("SCAN returns every key present for the whole iteration (in process)", () => {
  const o = inProcess();
  const stable: string[] = [];
  for (let i = 0; i < 3000; i++) {
    stable.push(`s${i}`);
    o.run("SET", `s${i}`, "v");
  }
  let n = 0;
  // heavy churn: many additions, deletions and re-additions between calls
  const { seen, calls } = fullScan(o, 10, (step) => {
    for (let j = 0; j < 20; j++) o.run("SET", `tmp${n++}`, "x");
    for (let j = 0; j < 15; j++) o.run("DEL", `tmp${n - 1 - j * 2}`);
    o.run("DEL", `tmp${n - 40}`);
    if (step % 3 === 0) o.run("SET", `tmp${n - 40}`, "back");
  });
  for (const k of stable) assert.ok(seen.has(k), `${k} was not returned`);
  assert.ok(calls >= 300, `only ${calls} calls for 3000 keys with COUNT 10`);
  // an iteration of a db that only shrinks
  const shrinking = fullScan(o, 25, () => {
    for (let j = 0; j < 30; j++) o.run("DEL", `tmp${--n}`);
  });
  for (const k of stable) assert.ok(shrinking.seen.has(k), `${k} was not returned`);
});

Deno.test("SCAN: MATCH, TYPE and expired keys are filtered after COUNT", () => {
  const o = inProcess();
  for (let i = 0; i < 100; i++) o.run("SET", `key:${i}`, String(i));
  o.run("RPUSH", "alist", "x");
  const match = fullScan(o, 7, () => {});
  assert.equal(match.seen.size, 101);
  let cursor = "0";
  const found: string[] = [];
  do {
    const r = bulks(o.run("SCAN", cursor, "MATCH", "key:1*", "TYPE", "string"));
    cursor = r[0];
    found.push(...r.slice(1));
  } while (cursor !== "0");
  assert.equal(found.length, 11);
  const r = bulks(o.run("SCAN", "0", "TYPE", "LIST", "COUNT", "1000"));
  assert.deepEqual(r, ["0", "alist"]);
});

Deno.test("KeyOrder: compaction keeps cursors valid and drops stale entries", () => {
  const dict = new Map<string, Value>();
  const ko = new KeyOrder(dict);
  const add = (k: string) => {
    const n = dict.size;
    dict.set(k, "v");
    if (dict.size !== n) ko.added(k);
  };
  for (let i = 0; i < 100; i++) add(`k${i}`);
  const first: string[] = [];
  const cursor = ko.scan(0n, 50, first);
  assert.equal(first.length, 50);
  assert.equal(first[0], "k0");
  // delete most of what was already returned and churn: compaction happens
  for (let i = 0; i < 50; i++) dict.delete(`k${i}`);
  for (let i = 0; i < 500; i++) {
    add(`t${i}`);
    dict.delete(`t${i}`);
  }
  assert.ok(ko.keys.length <= 2 * dict.size + 64, `log of ${ko.keys.length} entries`);
  const rest: string[] = [];
  let cur = cursor;
  do cur = ko.scan(cur, 10, rest); while (cur !== 0n);
  for (let i = 50; i < 100; i++) assert.ok(rest.includes(`k${i}`), `k${i} missing`);
  // a key deleted and added again moves to the end: one live entry after compaction
  dict.delete("k60");
  add("k60");
  ko.compact();
  assert.equal(ko.keys.filter((k) => k === "k60").length, 1);
  assert.equal(ko.keys[ko.keys.length - 1], "k60");
  assert.equal(new Set(ko.keys).size, ko.keys.length);
});

Deno.test("KeyOrder: an iteration ends even while the keyspace keeps growing", () => {
  const dict = new Map<string, Value>();
  const ko = new KeyOrder(dict);
  const add = (k: string) => {
    const n = dict.size;
    dict.set(k, "v");
    if (dict.size !== n) ko.added(k);
  };
  for (let i = 0; i < 1000; i++) add(`k${i}`);
  const seen = new Set<string>();
  let cur = 0n, calls = 0, n = 0;
  do {
    const out: string[] = [];
    cur = ko.scan(cur, 10, out);
    for (const k of out) seen.add(k);
    for (let j = 0; j < 100; j++) add(`new${n++}`); // 10x faster than the scan
    calls++;
  } while (cur !== 0n);
  assert.equal(calls, 100);
  for (let i = 0; i < 1000; i++) assert.ok(seen.has(`k${i}`));
  // a random RANDOMKEY sample only ever returns live keys
  for (let i = 0; i < 1000; i++) dict.delete(`new${i}`);
  for (let i = 0; i < 200; i++) assert.ok(dict.has(ko.random()!));
});

Deno.test("SCAN cursor parsing follows strtoul", () => {
  assert.equal(parseCursor(""), 0n);
  assert.equal(parseCursor("0"), 0n);
  assert.equal(parseCursor("+5"), 5n);
  assert.equal(parseCursor("-1"), 18446744073709551615n);
  assert.equal(parseCursor("18446744073709551615"), 18446744073709551615n);
  assert.equal(parseCursor("18446744073709551616"), null);
  assert.equal(parseCursor(" 1"), null);
  assert.equal(parseCursor("1 "), null);
  assert.equal(parseCursor("-"), null);
  assert.equal(parseCursor("0x10"), null);
});

Deno.test("EXPIRE family propagation and dirty counting (in process)", () => {
  const o = inProcess();
  o.run("SET", "k", "v");
  o.propagated.length = 0;
  const before = Date.now();
  assert.equal(o.run("EXPIRE", "k", "100", "NX"), ":1\r\n");
  const after = Date.now();
  assert.equal(o.propagated.length, 1);
  const [name, key, when, opt] = o.propagated[0];
  assert.deepEqual([name, key, opt], ["PEXPIREAT", "k", "NX"]);
  assert.ok(Number(when) >= before + 100_000 && Number(when) <= after + 100_000);
  o.propagated.length = 0;
  o.run("PEXPIRE", "k", "5000");
  assert.equal(o.propagated[0][0], "PEXPIREAT");
  o.run("EXPIREAT", "k", "4000000000");
  assert.deepEqual(o.propagated[1], ["PEXPIREAT", "k", "4000000000000"]);
  o.run("PEXPIREAT", "k", "4000000000001");
  assert.deepEqual(o.propagated[2], ["PEXPIREAT", "k", "4000000000001"]);
  o.propagated.length = 0;
  // conditions that fail change nothing and propagate nothing
  assert.equal(o.run("EXPIRE", "k", "1", "GT"), ":0\r\n");
  assert.equal(o.run("EXPIRE", "nokey", "1"), ":0\r\n");
  assert.equal(o.run("PERSIST", "nokey"), ":0\r\n");
  assert.equal(o.propagated.length, 0);
  assert.equal(o.run("PERSIST", "k"), ":1\r\n");
  assert.deepEqual(o.propagated.pop(), ["PERSIST", "k"]);
  // an expire in the past deletes, and replicas are told DEL
  const dirty = o.srv.dirty;
  assert.equal(o.run("EXPIRE", "k", "-5"), ":1\r\n");
  assert.deepEqual(o.propagated.pop(), ["DEL", "k"]);
  assert.equal(o.srv.dirty, dirty + 1);
  assert.equal(o.run("EXISTS", "k"), ":0\r\n");
  // read-only commands propagate nothing; DEL of nothing neither
  o.run("SET", "x", "1");
  o.propagated.length = 0;
  o.run("TTL", "x");
  o.run("TYPE", "x");
  o.run("DEL", "nokey");
  o.run("RENAMENX", "x", "x");
  assert.equal(o.propagated.length, 0);
  o.run("RENAME", "x", "y");
  o.run("COPY", "y", "z");
  o.run("MOVE", "z", "3");
  o.run("DEL", "y", "nokey");
  assert.deepEqual(o.propagated, [
    ["RENAME", "x", "y"],
    ["COPY", "y", "z"],
    ["MOVE", "z", "3"],
    ["DEL", "y", "nokey"],
  ]);
});

Deno.test("a replica does not delete keys for an EXPIRE in the past", () => {
  const o = inProcess();
  o.run("SET", "k", "v");
  o.srv.replicaOf = { host: "127.0.0.1", port: 1 };
  o.client.kind = "master";
  assert.equal(o.run("PEXPIREAT", "k", "1000"), ":1\r\n");
  assert.equal(o.srv.dbs[0].dict.has("k"), true);
  assert.equal(o.srv.dbs[0].getExpire("k"), 1000);
  assert.equal(o.run("DEL", "k"), ":1\r\n");
});

Deno.test("COPY gives an independent value; WATCH sees RENAME, MOVE, EXPIRE", () => {
  const o = inProcess();
  o.run("RPUSH", "l", "a", "b");
  o.run("COPY", "l", "l2");
  o.run("LPOP", "l");
  assert.equal(o.run("LRANGE", "l2", "0", "-1"), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  for (
    const cmd of [
      ["RENAME", "w", "w2"],
      ["EXPIRE", "w", "100"],
      ["MOVE", "w", "1"],
      ["PERSIST", "w"],
      ["DEL", "w"],
    ]
  ) {
    o.run("FLUSHALL");
    o.run("SET", "w", "1");
    if (cmd[0] === "PERSIST") o.run("EXPIRE", "w", "100");
    o.run("WATCH", "w");
    o.run("MULTI");
    o.run("PING");
    // another client changes the key
    const other = o.srv.connect({ write: () => {}, close: () => {}, pendingBytes: () => 0 }, {
      addr: "127.0.0.1:3",
      laddr: "127.0.0.1:2",
      fd: 10,
    })!;
    o.srv.feed(other, [cmd]);
    assert.equal(o.run("EXEC"), "*-1\r\n", `${cmd[0]} must touch the watched key`);
    o.srv.disconnect(other);
  }
});
