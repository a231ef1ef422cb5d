// Bitmap commands against a real redis-server 7.0: the same commands (edge
// cases, then a seeded random mix) must get byte-identical replies, and the
// resulting values must be identical (every write is followed by a GET).
import assert from "node:assert/strict";
import { startRealRedis, startServer } from "./helpers.ts";
import { diffReplies, prng, RawConn, replyEnd } from "./rawconn.ts";
import { Config } from "../server/config.ts";
import { Server } from "../server/keyspace/owner.ts";

const c = (...a: string[]) => a;

const FIXED: string[][] = [
  c("SETBIT", "k", "7", "1"),
  c("GET", "k"),
  c("SETBIT", "k", "7", "0"),
  c("SETBIT", "k", "100", "1"),
  c("GET", "k"),
  c("GETBIT", "k", "100"),
  c("GETBIT", "k", "101"),
  c("GETBIT", "k", "100000"),
  c("GETBIT", "nokey", "0"),
  c("SETBIT", "k", "-1", "1"),
  c("SETBIT", "k", "x", "1"),
  c("SETBIT", "k", "4294967296", "1"),
  c("GETBIT", "k", "4294967295"),
  c("GETBIT", "k", "4294967296"),
  c("SETBIT", "k", "1", "2"),
  c("SETBIT", "k", "1", "-1"),
  c("SETBIT", "k", "1", "01"),
  c("SETBIT", "k", "1", ""),
  c("SETBIT", "k"),
  c("GETBIT", "k", "1", "2"),
  c("RPUSH", "list", "a"),
  c("SETBIT", "list", "1", "1"),
  c("GETBIT", "list", "1"),
  c("BITCOUNT", "list"),
  c("BITPOS", "list", "1"),
  c("BITFIELD", "list", "GET", "u8", "0"),
  c("BITFIELD_RO", "list", "GET", "u8", "0"),
  c("BITOP", "AND", "d", "k", "list"),
  // SETBIT keeps the TTL
  c("SET", "t", "abc", "EX", "1000"),
  c("SETBIT", "t", "100", "1"),
  c("TTL", "t"),
  c("GET", "t"),
  // BITCOUNT
  c("SET", "s", "foobar"),
  c("BITCOUNT", "s"),
  c("BITCOUNT", "s", "0", "0"),
  c("BITCOUNT", "s", "1", "1"),
  c("BITCOUNT", "s", "1", "1", "BYTE"),
  c("BITCOUNT", "s", "5", "30", "BIT"),
  c("BITCOUNT", "s", "5", "30", "bit"),
  c("BITCOUNT", "s", "-1", "-1"),
  c("BITCOUNT", "s", "-1", "-2"),
  c("BITCOUNT", "s", "-100", "100"),
  c("BITCOUNT", "s", "-3", "-1", "BIT"),
  c("BITCOUNT", "s", "0"),
  c("BITCOUNT", "s", "0", "1", "foo"),
  c("BITCOUNT", "s", "0", "1", "bit", "x"),
  c("BITCOUNT", "s", "x", "1"),
  c("BITCOUNT", "nokey", "0"),
  c("BITCOUNT", "nokey", "x", "y"),
  c("SET", "empty", ""),
  c("BITCOUNT", "empty"),
  c("BITCOUNT", "empty", "0", "-1"),
  // BITPOS
  c("SET", "p", "\xff\xf0\x00"),
  c("BITPOS", "p", "0"),
  c("BITPOS", "p", "1"),
  c("BITPOS", "p", "1", "2"),
  c("BITPOS", "p", "0", "0", "0"),
  c("BITPOS", "p", "1", "7", "15", "BIT"),
  c("BITPOS", "p", "0", "7", "15", "BIT"),
  c("BITPOS", "p", "0", "2", "3", "BIT"),
  c("BITPOS", "p", "1", "20", "-1", "BIT"),
  c("BITPOS", "p", "0", "-1"),
  c("BITPOS", "p", "0", "5", "2"),
  c("BITPOS", "p", "2"),
  c("BITPOS", "p", "x"),
  c("BITPOS", "p", "1", "x"),
  c("BITPOS", "p", "1", "0", "x"),
  c("BITPOS", "p", "1", "0", "1", "x"),
  c("BITPOS", "p", "1", "0", "x", "foo"),
  c("BITPOS", "p", "1", "0", "1", "BIT", "x"),
  c("SET", "ones", "\xff\xff"),
  c("BITPOS", "ones", "0"),
  c("BITPOS", "ones", "0", "0"),
  c("BITPOS", "ones", "0", "0", "-1"),
  c("BITPOS", "ones", "0", "3", "BIT"),
  c("BITPOS", "nokey", "0"),
  c("BITPOS", "nokey", "1"),
  c("BITPOS", "nokey", "1", "x"),
  c("BITPOS", "empty", "0"),
  c("BITPOS", "empty", "1"),
  // BITOP
  c("SET", "a", "\x0f\xf0\xaa"),
  c("SET", "b", "\xff"),
  c("BITOP", "AND", "dest", "a", "b"),
  c("GET", "dest"),
  c("BITOP", "OR", "dest", "a", "b", "nokey"),
  c("GET", "dest"),
  c("BITOP", "XOR", "dest", "a", "b", "a"),
  c("GET", "dest"),
  c("BITOP", "NOT", "dest", "a"),
  c("GET", "dest"),
  c("BITOP", "not", "dest", "a", "b"),
  c("BITOP", "NAND", "dest", "a"),
  c("BITOP", "AND", "dest", "nokey", "nokey2"),
  c("EXISTS", "dest"),
  c("SET", "dest", "x", "EX", "100"),
  c("BITOP", "OR", "dest", "a"),
  c("TTL", "dest"),
  c("BITOP", "AND", "dest"),
  // BITFIELD
  c("DEL", "bf"),
  c("BITFIELD", "bf", "SET", "i8", "0", "-100", "GET", "i8", "0", "GET", "u8", "0"),
  c("BITFIELD", "bf", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "5"),
  c("GET", "bf"),
  c("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i4", "#3", "100", "GET", "i4", "#3"),
  c("BITFIELD", "bf", "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "9223372036854775807"),
  c("BITFIELD", "bf", "INCRBY", "i64", "0", "9223372036854775807"),
  c("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "9223372036854775807"),
  c("BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-9223372036854775808"),
  c("BITFIELD", "bf", "SET", "u63", "1", "9223372036854775807", "GET", "u63", "1"),
  c("BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808"),
  c("BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "u8", "0", "-1"),
  c("BITFIELD", "bf", "OVERFLOW", "WRAP", "SET", "u8", "0", "-1", "GET", "u8", "0"),
  c("GET", "bf"),
  c("BITFIELD", "bf", "GET", "u64", "0"),
  c("BITFIELD", "bf", "GET", "i65", "0"),
  c("BITFIELD", "bf", "GET", "i0", "0"),
  c("BITFIELD", "bf", "GET", "I8", "0"),
  c("BITFIELD", "bf", "GET", "x8", "0"),
  c("BITFIELD", "bf", "GET", "i8", "-1"),
  c("BITFIELD", "bf", "GET", "i8", "#x"),
  c("BITFIELD", "bf", "GET", "i8"),
  c("BITFIELD", "bf", "SET", "i8", "0"),
  c("BITFIELD", "bf", "SET", "i8", "0", "1.5"),
  c("BITFIELD", "bf", "OVERFLOW", "bad"),
  c("BITFIELD", "bf", "FOO"),
  c("BITFIELD", "bf"),
  c("BITFIELD", "nokey", "GET", "u8", "0"),
  c("EXISTS", "nokey"),
  c("BITFIELD", "nokey2", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "5"),
  c("GET", "nokey2"),
  c("BITFIELD_RO", "bf", "GET", "i8", "0", "GET", "u4", "#1"),
  c("BITFIELD_RO", "bf", "SET", "i8", "0", "1"),
  c("BITFIELD_RO", "bf", "INCRBY", "i8", "0", "1", "GET", "x", "0"),
  c("BITFIELD_RO", "bf", "GET", "u8", "0", "SET", "i8", "0", "x"),
  c("BITFIELD", "bf", "GET", "u8", "#536870912"),
  c("BITFIELD", "bf", "GET", "u8", "#536870911"),
];

function randomCommands(seed: number, n: number): string[][] {
  const rnd = prng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
  const keys = ["b1", "b2", "b3", "nokey", "lst"];
  const num = () =>
    pick([
      "0",
      "1",
      "-1",
      "7",
      "8",
      "9",
      "-8",
      "-9",
      "100",
      "-100",
      String(int(-40, 40)),
      String(int(-400, 400)),
      "9223372036854775807",
      "-9223372036854775808",
      "x",
      "",
      "01",
      "+1",
      "1.5",
    ]);
  const out: string[][] = [["FLUSHALL"], ["RPUSH", "lst", "a"]];
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    const r = rnd();
    if (r < 0.2) {
      out.push([
        "SETBIT",
        k,
        rnd() < 0.9 ? String(int(0, 300)) : num(),
        rnd() < 0.9 ? pick(["0", "1"]) : num(),
      ]);
    } else if (r < 0.3) out.push(["GETBIT", k, rnd() < 0.9 ? String(int(0, 300)) : num()]);
    else if (r < 0.45) {
      const a = ["BITCOUNT", k];
      const m = pick([0, 2, 2, 3, 1, 4]);
      for (let j = 0; j < m; j++) a.push(j === 2 ? pick(["BIT", "BYTE", "bit", "foo"]) : num());
      out.push(a);
    } else if (r < 0.65) {
      const a = ["BITPOS", k, rnd() < 0.9 ? pick(["0", "1"]) : num()];
      const m = pick([0, 1, 2, 3, 3, 4]);
      for (let j = 0; j < m; j++) a.push(j === 2 ? pick(["BIT", "BYTE", "bit", "foo"]) : num());
      out.push(a);
    } else if (r < 0.72) {
      const srcs = Array.from({ length: int(1, 3) }, () => pick(keys));
      const dest = pick(["d1", "d2", "b1", "b3"]);
      out.push(["BITOP", pick(["AND", "OR", "XOR", "NOT", "and", "foo"]), dest, ...srcs], [
        "GET",
        dest,
      ]);
    } else if (r < 0.95) {
      const a = [rnd() < 0.8 ? "BITFIELD" : "BITFIELD_RO", k];
      for (let j = int(0, 4); j > 0; j--) {
        const sub = pick(["GET", "SET", "INCRBY", "OVERFLOW", "get", "set", "foo"]);
        const type = rnd() < 0.9
          ? pick(["i", "u"]) + int(1, 64)
          : pick(["u64", "i0", "x8", "i65", "I8", "i", "u"]);
        const off = rnd() < 0.85
          ? (rnd() < 0.3 ? "#" + int(0, 20) : String(int(0, 200)))
          : pick(["-1", "#-1", "x", "#x", "#9223372036854775807", "#2305843009213693952"]);
        const val = rnd() < 0.8 ? String(int(-300, 300)) : num();
        if (sub === "OVERFLOW") {
          a.push(sub, rnd() < 0.9 ? pick(["WRAP", "SAT", "FAIL", "sat"]) : "bad");
        } else if (sub.toLowerCase() === "get") a.push(sub, type, off);
        else a.push(sub, type, off, val);
      }
      if (rnd() < 0.05) a.pop();
      out.push(a, ["GET", k]);
    } else if (r < 0.97) {
      out.push([
        "SET",
        k,
        pick(["", "a", "\xff\xff\xff", "\x00\x00\x01", "foobar", "\xf0\x00\x00\x00\x0f"]),
      ]);
    } else out.push(["DEL", k]);
  }
  return out;
}

/** The first 7 fields of COMMAND INFO (name, arity, flags, key range, ACL categories). */
function infoHead(reply: string): string {
  let p = reply.indexOf("\r\n", reply.indexOf("\r\n") + 2) + 2; // skip "*1" and the entry's "*10"
  const start = p;
  for (let i = 0; i < 7; i++) p = replyEnd(reply, p);
  return reply.slice(start, p);
}

Deno.test({
  name: "bitmaps: byte-exact with redis-server 7.0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const ours = await startServer();
    const real = await startRealRedis();
    const a = await RawConn.open(real.port);
    const b = await RawConn.open(ours.port);
    try {
      await t.step("edge cases and errors", async () => {
        const diffs = await diffReplies(a, b, FIXED);
        assert.deepEqual(diffs, []);
      });

      await t.step("seeded random mix of every command", async () => {
        for (const seed of [1, 2, 3]) {
          const diffs = await diffReplies(a, b, randomCommands(seed, 1500));
          assert.deepEqual(diffs, [], `seed ${seed}`);
        }
      });

      await t.step("COMMAND INFO", async () => {
        for (
          const name of [
            "setbit",
            "getbit",
            "bitcount",
            "bitpos",
            "bitop",
            "bitfield",
            "bitfield_ro",
          ]
        ) {
          const [x, y] = await Promise.all([
            a.cmd("COMMAND", "INFO", name),
            b.cmd("COMMAND", "INFO", name),
          ]);
          assert.equal(infoHead(y), infoHead(x), name);
        }
      });
    } finally {
      await a.close();
      await b.close();
      await ours.stop();
      await real.stop();
    }
  },
});

Deno.test("bitmaps: what is propagated to replicas", () => {
  const srv = new Server(new Config());
  const client = srv.connect({ write: () => {}, close: () => {}, pendingBytes: () => 0 }, {
    addr: "127.0.0.1:1",
    laddr: "127.0.0.1:2",
    fd: 9,
  })!;
  const stream: string[] = [];
  srv.propagationTargets.push({ feed: (db, argv) => stream.push(`${db} ${argv.join(" ")}`) });
  const run = (...argv: string[]) => srv.feed(client, [argv]);
  run("SETBIT", "k", "3", "1");
  run("SETBIT", "k", "3", "1"); // unchanged bit: no write
  run("GETBIT", "k", "3");
  run("BITOP", "NOT", "d", "k");
  run("BITOP", "AND", "d", "nokey"); // deletes d
  run("BITOP", "AND", "d", "nokey"); // nothing to delete: no write
  run("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "5"); // every write failed
  run("BITFIELD", "f", "INCRBY", "u2", "100", "1");
  run("BITFIELD", "f", "GET", "u2", "100");
  run("BITFIELD_RO", "f", "GET", "u2", "100");
  run("SETBIT", "k", "3", "0");
  run("SETBIT", "k", "40", "0"); // grows the string: a change even if the bit was 0
  // (checked against redis-cli --replica on redis-server 7.0.15)
  assert.deepEqual(stream, [
    "0 SETBIT k 3 1",
    "0 BITOP NOT d k",
    "0 BITOP AND d nokey",
    "0 BITFIELD f INCRBY u2 100 1",
    "0 SETBIT k 3 0",
    "0 SETBIT k 40 0",
  ]);
});
