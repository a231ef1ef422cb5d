// DEBUG against a real redis-server 7.0: DIGEST and DIGEST-VALUE must give
// the same 40 hex digits for the same data of every type; the other
// subcommands' replies and errors must be byte-identical.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import { type ServerProc, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { RawConn } from "./rawconn.ts";
import { sha1 } from "../server/commands/debug.ts";

const c = (...a: string[]) => a;

// --- data sets loaded into both servers ------------------------------------------------

function range(n: number, f: (i: number) => string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(...f(i));
  return out;
}

const STRINGS: string[][] = [
  c("SET", "s:plain", "hello"),
  c("SET", "s:empty", ""),
  c("SET", "s:int", "12345"),
  c("SET", "s:neg", "-7"),
  c("SET", "s:bin", "\x00\xff\r\n\x80 binary"),
  c("SET", "s:long", "x".repeat(5000)),
  c("SET", "\xfe\x00key", "binary key"),
  c("SET", "s:ttl", "v", "EX", "1000"),
  c("APPEND", "s:plain", " world"),
  c("INCRBY", "s:int", "5"),
];

const LISTS: string[][] = [
  c("RPUSH", "l:small", "a", "b", "c", "1", "2", "-3", ""),
  c("LPUSH", "l:small", "head"),
  c("RPUSH", "l:big", ...range(300, (i) => [`element-${i}`])),
  c("RPUSH", "l:long", "y".repeat(10000), "z"),
  c("RPUSH", "l:ttl", "x"),
  c("PEXPIRE", "l:ttl", "100000"),
];

const HASHES: string[][] = [
  c("HSET", "h:small", "f1", "v1", "f2", "v2", "n", "123", "", "empty"),
  c("HSET", "h:big", ...range(200, (i) => [`field-${i}`, `value-${i}`])),
  c("HSET", "h:longval", "f", "v".repeat(100)),
  c("HDEL", "h:small", "f2"),
];

const SETS: string[][] = [
  c("SADD", "set:int", "1", "2", "3", "-5", "100000"),
  c("SADD", "set:small", "a", "b", "c", "1"),
  c("SADD", "set:big", ...range(300, (i) => [`member-${i}`])),
  c("SADD", "set:bigint", ...range(600, (i) => [String(i * 3)])),
  c("SREM", "set:small", "b"),
];

const ZSETS: string[][] = [
  c("ZADD", "z:small", "1", "a", "2.5", "b", "-3", "c", "0", "d", "1.1", "e", "0.1", "f"),
  c("ZADD", "z:small", "1e100", "g", "-inf", "h", "+inf", "i", "3.0000000001", "j"),
  c("ZADD", "z:small", "123456789012345680000", "k", "1.5e-7", "l", "-0", "m", "7", "123"),
  c("ZADD", "z:big", ...range(200, (i) => [String(i / 7), `m-${i}`])),
  c("ZADD", "z:longmember", "1", "q".repeat(100)),
  c("ZINCRBY", "z:small", "0.2", "a"),
];

const OTHER_DBS: string[][] = [
  c("SELECT", "3"),
  c("SET", "s:plain", "hello world"),
  c("RPUSH", "l", "1"),
  c("SELECT", "15"),
  c("HSET", "h", "a", "b"),
  c("SELECT", "0"),
];

const ALL_KEYS = [
  "s:plain",
  "s:empty",
  "s:int",
  "s:neg",
  "s:bin",
  "s:long",
  "\xfe\x00key",
  "s:ttl",
  "l:small",
  "l:big",
  "l:long",
  "l:ttl",
  "h:small",
  "h:big",
  "h:longval",
  "set:int",
  "set:small",
  "set:big",
  "set:bigint",
  "z:small",
  "z:big",
  "z:longmember",
  "nokey",
];

// --- the tests ------------------------------------------------------------------------

Deno.test("SHA-1 matches node:crypto", () => {
  const out = new Uint8Array(20);
  for (let len = 0; len < 200; len++) {
    let s = "";
    for (let i = 0; i < len; i++) s += String.fromCharCode((i * 37 + len) & 255);
    sha1(s, s.length, out);
    const ref = createHash("sha1").update(Buffer.from(s, "latin1")).digest("hex");
    assert.equal(Buffer.from(out).toString("hex"), ref, `length ${len}`);
  }
});

Deno.test({
  name: "DEBUG",
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
      const same = async (cmds: string[][], what: string) => {
        const [x, y] = await both(cmds);
        for (let i = 0; i < y.length; i++) {
          assert.equal(x[i], y[i], `${what}: reply to ${JSON.stringify(cmds[i])}`);
        }
        return x;
      };
      const digestsAgree = async (what: string) => {
        const x = await same([c("DEBUG", "DIGEST"), c("DEBUG", "DIGEST-VALUE", ...ALL_KEYS)], what);
        assert.match(x[0], /^\+[0-9a-f]{40}\r\n$/);
        return x[0];
      };

      await t.step("empty keyspace digests to zeros", async () => {
        const x = await same([c("FLUSHALL"), c("DEBUG", "DIGEST")], "empty");
        assert.equal(x[1], "+0000000000000000000000000000000000000000\r\n");
      });

      for (
        const [name, cmds] of [
          ["strings", STRINGS],
          ["lists", LISTS],
          ["hashes", HASHES],
          ["sets", SETS],
          ["sorted sets", ZSETS],
          ["several databases", OTHER_DBS],
        ] as [string, string[][]][]
      ) {
        await t.step(`DIGEST and DIGEST-VALUE agree with redis-server: ${name}`, async () => {
          await same([c("FLUSHALL"), ...cmds], `loading ${name}`);
          const d = await digestsAgree(name);
          assert.notEqual(d, "+0000000000000000000000000000000000000000\r\n");
        });
      }

      await t.step("DIGEST of everything at once, then after changes", async () => {
        await same(
          [c("FLUSHALL"), ...STRINGS, ...LISTS, ...HASHES, ...SETS, ...ZSETS, ...OTHER_DBS],
          "loading everything",
        );
        const d1 = await digestsAgree("everything");
        // a TTL changes the digest; its value does not
        await same([c("EXPIRE", "s:plain", "100")], "expire");
        const d2 = await digestsAgree("with a TTL");
        assert.notEqual(d1, d2);
        await same([c("EXPIRE", "s:plain", "200")], "expire again");
        assert.equal(await digestsAgree("another TTL"), d2);
        await same([c("PERSIST", "s:plain")], "persist");
        assert.equal(await digestsAgree("no TTL"), d1);
        // the same data in another db digests differently
        await same([c("MOVE", "s:plain", "5")], "move");
        assert.notEqual(await digestsAgree("moved"), d1);
        await same([c("SELECT", "5"), c("MOVE", "s:plain", "0"), c("SELECT", "0")], "back");
        assert.equal(await digestsAgree("moved back"), d1);
        // list order matters, hash/set/zset order does not
        await same([c("LPUSH", "l:small", "x"), c("RPOP", "l:small")], "rotate");
        await digestsAgree("rotated list");
      });

      await t.step("DEBUG POPULATE creates the same keys and values", async () => {
        await same([
          c("FLUSHALL"),
          c("SET", "key:3", "existing"),
          c("DEBUG", "POPULATE", "50"),
          c("DEBUG", "POPULATE", "20", "pfx"),
          c("DEBUG", "POPULATE", "5", "sized", "3"),
          c("DEBUG", "POPULATE", "5", "padded", "12"),
          c("DEBUG", "POPULATE", "3", "p".repeat(130)),
          c("DEBUG", "POPULATE", "0"),
          c("DBSIZE"),
          c("GET", "key:3"),
          c("GET", "key:49"),
          c("GET", "sized:4"),
          c("GET", "padded:4"),
          c("DEBUG", "DIGEST"),
          c("DEBUG", "POPULATE", "-1"),
          c("DEBUG", "POPULATE", "x"),
          c("DEBUG", "POPULATE", "1.5"),
          c("DEBUG", "POPULATE", "2", "pfx", "-3"),
          c("DEBUG", "POPULATE", "2", "pfx", "abc"),
          c("DEBUG", "POPULATE", "1", "a", "1", "extra"),
          c("DEBUG", "POPULATE"),
        ], "populate");
      });

      await t.step("same replies as redis-server: other subcommands and errors", async () => {
        await same([
          c("FLUSHALL"),
          c("DEBUG", "HELP"),
          c("debug", "help"),
          c("DEBUG", "HELP", "x"),
          c("DEBUG", "foo"),
          c("DEBUG", "foo", "bar"),
          c("DEBUG"),
          c("DEBUG", "DIGEST", "x"),
          c("DEBUG", "DIGEST-VALUE"),
          c("DEBUG", "DIGEST-VALUE", "nokey", "nokey2"),
          c("DEBUG", "OBJECT"),
          c("DEBUG", "OBJECT", "nokey"),
          c("DEBUG", "OBJECT", "a", "b"),
          c("DEBUG", "SLEEP", "0"),
          c("DEBUG", "SLEEP", "abc"),
          c("DEBUG", "SLEEP", "0.01x"),
          c("DEBUG", "SLEEP"),
          c("DEBUG", "SET-ACTIVE-EXPIRE", "1"),
          c("DEBUG", "SET-ACTIVE-EXPIRE", "junk"),
          c("DEBUG", "SET-ACTIVE-EXPIRE", "1"),
          c("DEBUG", "SET-ACTIVE-EXPIRE", "1", "2"),
          c("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100kb"),
          c("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"),
          c("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "foo"),
          c("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"),
          c("DEBUG", "CHANGE-REPL-ID"),
          c("DEBUG", "CHANGE-REPL-ID", "x"),
          c("DEBUG", "ERROR", "FOO bar"),
          c("DEBUG", "ERROR", "-FOO bar"),
          c("DEBUG", "ERROR", "two\r\nlines"),
          c("DEBUG", "LOG", "hello from the test"),
          ...[
            "string",
            "integer",
            "double",
            "bignum",
            "null",
            "array",
            "set",
            "map",
            "attrib",
            "push",
            "verbatim",
            "true",
            "false",
            "foo",
            "STRING",
          ].map((p) => c("DEBUG", "PROTOCOL", p)),
        ], "subcommands");
      });

      await t.step(
        "DEBUG STRINGMATCH-TEST (Redis fuzzes for seconds; the reply is fixed)",
        async () => {
          assert.equal(
            await a!.cmd("DEBUG", "STRINGMATCH-TEST"),
            "+Apparently Redis did not crash: test passed\r\n",
          );
        },
      );

      await t.step("DEBUG OBJECT: Redis's fields", async () => {
        const [x] = await both([c("SET", "o", "1"), c("SET", "p", "hello"), c("RPUSH", "q", "a")]);
        assert.equal(x[0], "+OK\r\n");
        const o = await a!.cmd("DEBUG", "OBJECT", "o");
        assert.match(
          o,
          /^\+Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\d+ lru_seconds_idle:0\r\n$/,
        );
        const p = await a!.cmd("DEBUG", "OBJECT", "p");
        assert.match(p, /^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 /);
        const q = await a!.cmd("DEBUG", "OBJECT", "q");
        assert.match(
          q,
          / encoding:quicklist serializedlength:\d+ lru:\d+ lru_seconds_idle:0 ql_nodes:1 /,
        );
      });

      await t.step("DEBUG SLEEP blocks the whole server", async () => {
        const other = await RawConn.open(ours!.port);
        try {
          const t0 = performance.now();
          const sleeping = a!.cmd("DEBUG", "SLEEP", "0.3");
          await new Promise((r) => setTimeout(r, 50));
          assert.equal(await other.cmd("PING"), "+PONG\r\n");
          const waited = performance.now() - t0;
          assert.equal(await sleeping, "+OK\r\n");
          assert.ok(waited >= 280, `PING answered after ${waited} ms during a 300 ms sleep`);
        } finally {
          await other.close();
        }
      });

      await t.step("DEBUG SET-ACTIVE-EXPIRE 0 keeps expired keys until read", async () => {
        const cmds = Array.from({ length: 100 }, (_, i) => c("SET", `e:${i}`, "v", "PX", "30"));
        await a!.pipeline([c("FLUSHALL"), c("DEBUG", "SET-ACTIVE-EXPIRE", "0"), ...cmds]);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await a!.cmd("DBSIZE"), ":100\r\n");
        // reading one removes it
        assert.equal(await a!.cmd("GET", "e:0"), "$-1\r\n");
        assert.equal(await a!.cmd("DBSIZE"), ":99\r\n");
        await a!.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        await waitFor(async () => (await a!.cmd("DBSIZE")) === ":0\r\n", "active expiry", 1500);
      });
    } finally {
      await a?.close();
      await b?.close();
      await Promise.all([ours?.stop(), real?.stop()]);
    }
  },
});
