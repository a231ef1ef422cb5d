// The hash command family against a real redis-server 7.0: the same commands
// must get byte-identical RESP replies (errors included), OBJECT ENCODING must
// convert at the same thresholds, HINCRBYFLOAT must compute in long double as
// Redis does. Random replies (HRANDFIELD) are compared by shape; HSCAN by what
// a full iteration returns. Propagation and HSCAN under modification are
// checked on an in-process owner; the class on its own at the end.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { type ServerProc, startRealRedis, startServer } from "./helpers.ts";
import { inProcess, prng, RawConn, value } from "./rawconn.ts";
import { RedisHash } from "../server/keyspace/types/hash.ts";
import { RedisSet } from "../server/keyspace/types/set.ts";

const c = (...a: string[]) => a;
const x = (n: number, ch = "x") => ch.repeat(n);
const LLMAX = "9223372036854775807";
const LLMIN = "-9223372036854775808";

// --- command lists compared byte for byte ---------------------------------------

const BASICS: string[][] = [
  c("HSET", "h", "a", "1", "b", "2", "c", "3"),
  c("HSET", "h", "a", "10", "d", "4"),
  c("HGETALL", "h"),
  c("HGET", "h", "a"),
  c("HGET", "h", "zz"),
  c("HGET", "nokey", "a"),
  c("HMGET", "h", "a", "zz", "b"),
  c("HMGET", "nokey", "a", "b"),
  c("HMSET", "h", "e", "5", "f", "6"),
  c("HMSET", "h", "e"),
  c("HSET", "h", "e"),
  c("HSET", "h"),
  c("HMSET", "h"),
  c("hset", "h", "E", "upper"),
  c("HSETNX", "h", "a", "x"),
  c("HSETNX", "h", "g", "7"),
  c("HSETNX", "newh", "f", "v"),
  c("HSETNX", "h", "g"),
  c("HGETALL", "newh"),
  c("HLEN", "h"),
  c("HLEN", "nokey"),
  c("HEXISTS", "h", "a"),
  c("HEXISTS", "h", "zz"),
  c("HEXISTS", "nokey", "a"),
  c("HKEYS", "h"),
  c("HVALS", "h"),
  c("HKEYS", "nokey"),
  c("HVALS", "nokey"),
  c("HGETALL", "nokey"),
  c("HSTRLEN", "h", "a"),
  c("HSTRLEN", "h", "zz"),
  c("HSTRLEN", "nokey", "a"),
  c("HDEL", "h", "a", "zz", "b"),
  c("HDEL", "h", "zz"),
  c("HDEL", "nokey", "a"),
  c("HGETALL", "h"),
  c("HSET", "h", "a", "again"),
  c("HGETALL", "h"),
  c("HDEL", "h", "c"),
  c("HKEYS", "h"),
  c("HSET", "h", "", ""),
  c("HGET", "h", ""),
  c("HSTRLEN", "h", ""),
  c("HSET", "bin", "\x00\xff\r\n", "\r\n\x00", "k\x80", "\xfe"),
  c("HGETALL", "bin"),
  c("HGET", "bin", "\x00\xff\r\n"),
  c("HDEL", "newh", "f"),
  c("EXISTS", "newh"),
  c("HDEL", "bin", "\x00\xff\r\n", "k\x80", "more"),
  c("EXISTS", "bin"),
  c("HGET", "h"),
  c("HLEN"),
  c("HSTRLEN", "h"),
  c("HGETALL", "h", "x"),
  c("HDEL", "h"),
  c("HEXISTS", "h"),
  c("HKEYS"),
  c("HMGET", "h"),
  c("HINCRBY", "h", "a"),
];

const INCR: string[][] = [
  c("HINCRBY", "h", "n", "5"),
  c("HINCRBY", "h", "n", "-10"),
  c("HINCRBY", "h", "n", "x"),
  c("HINCRBY", "h", "n", ""),
  c("HINCRBY", "h", "n", "+1"),
  c("HINCRBY", "h", "n", " 1"),
  c("HINCRBY", "h", "n", "00"),
  c("HINCRBY", "h", "n", "-0"),
  c("HINCRBY", "h", "n", "9223372036854775808"),
  c("HINCRBY", "h", "n", "1.5"),
  c("HSET", "h", "s", "007", "w", "abc", "fl", "1.5", "sp", " 1", "e5", "1e5"),
  c("HINCRBY", "h", "s", "1"),
  c("HINCRBY", "h", "w", "1"),
  c("HINCRBY", "h", "fl", "1"),
  c("HINCRBY", "h", "sp", "1"),
  c("HINCRBY", "h", "big", LLMAX),
  c("HINCRBY", "h", "big", "1"),
  c("HINCRBY", "h", "big", "-1"),
  c("HINCRBY", "h", "big", LLMIN),
  c("HINCRBY", "h", "small", LLMIN),
  c("HINCRBY", "h", "small", "-1"),
  c("HINCRBY", "h", "small", "1"),
  c("HINCRBY", "h", "small", LLMAX),
  c("HINCRBY", "h", "mid", "4503599627370495"),
  c("HINCRBY", "h", "mid", "4503599627370497"),
  c("HINCRBY", "h", "mid", "9007199254740993"),
  c("HINCRBY", "h", "mid", "-99999999999999999"),
  c("HGET", "h", "mid"),
  c("HINCRBY", "nokey2", "f", "x"),
  c("HINCRBY", "newkey", "f", "-3"),
  c("HGETALL", "newkey"),
  c("HINCRBYFLOAT", "h", "fl", "1"),
  c("HINCRBYFLOAT", "h", "fl", "0.1"),
  c("HINCRBYFLOAT", "h", "fl", "-4.1"),
  c("HINCRBYFLOAT", "h", "s", "1"),
  c("HINCRBYFLOAT", "h", "e5", "1"),
  c("HINCRBYFLOAT", "h", "w", "1"),
  c("HINCRBYFLOAT", "h", "sp", "1"),
  c("HINCRBYFLOAT", "h", "fl", "x"),
  c("HINCRBYFLOAT", "h", "fl", ""),
  c("HINCRBYFLOAT", "h", "fl", " 1"),
  c("HINCRBYFLOAT", "h", "fl", "1 "),
  c("HINCRBYFLOAT", "h", "fl", "inf"),
  c("HINCRBYFLOAT", "h", "fl", "-inf"),
  c("HINCRBYFLOAT", "h", "fl", "+Infinity"),
  c("HINCRBYFLOAT", "h", "fl", "nan"),
  c("HINCRBYFLOAT", "h", "fl", "1e"),
  c("HINCRBYFLOAT", "h", "fl", "0x10"),
  c("HINCRBYFLOAT", "h", "fl", "0x1.8p1"),
  c("HINCRBYFLOAT", "h", "fl", ".5"),
  c("HINCRBYFLOAT", "h", "fl", "5."),
  c("HINCRBYFLOAT", "h", "fl", "1e5000"),
  c("HINCRBYFLOAT", "h", "fl", "1e-5000"),
  c("HINCRBYFLOAT", "h", "fl", "0e-5000"),
  c("HINCRBYFLOAT", "h", "tiny", "1e-30"),
  c("HINCRBYFLOAT", "h", "tiny2", "1.9e-4951"),
  c("HINCRBYFLOAT", "h", "tiny2", "1.8e-4951"),
  c("HINCRBYFLOAT", "h", "huge", "1e4931"),
  c("HINCRBYFLOAT", "h", "huge", "1e4932"),
  c("HINCRBYFLOAT", "h", "huge", "1e4931"),
  c("HINCRBYFLOAT", "h", "huge", "1e4931"),
  c("HINCRBYFLOAT", "h", "neg", "-0.00000000000000000001"),
  c("HINCRBYFLOAT", "h", "neg", "-1.25"),
  c("HINCRBYFLOAT", "h", "i", "123456789012345678901234567890"),
  c("HINCRBYFLOAT", "h", "i", "0.000000001"),
  c("HINCRBYFLOAT", "h", "frac", "3.0000000000000000000000001"),
  c("HINCRBYFLOAT", "h", "frac", "1e-17"),
  c("HINCRBYFLOAT", "h", "frac", "5e-18"),
  c("HINCRBYFLOAT", "h", "x", "1.5", "2"),
  c("HINCRBYFLOAT", "h", "x"),
  c("OBJECT", "ENCODING", "h"),
  c("HLEN", "h"),
  c("HMGET", "h", "n", "s", "w", "fl", "sp", "e5", "big", "small", "mid", "tiny", "tiny2", "huge"),
  c("HMGET", "h", "neg", "i", "frac", "x"),
];

function wrongTypeCmds(k: string): string[][] {
  return [
    c("HSET", k, "a", "1"),
    c("HMSET", k, "a", "1"),
    c("HSETNX", k, "a", "1"),
    c("HGET", k, "a"),
    c("HMGET", k, "a"),
    c("HGETALL", k),
    c("HDEL", k, "a"),
    c("HLEN", k),
    c("HEXISTS", k, "a"),
    c("HKEYS", k),
    c("HVALS", k),
    c("HINCRBY", k, "a", "1"),
    c("HINCRBY", k, "a", "x"),
    c("HINCRBYFLOAT", k, "a", "1"),
    c("HINCRBYFLOAT", k, "a", "x"),
    c("HSTRLEN", k, "a"),
    c("HRANDFIELD", k),
    c("HRANDFIELD", k, "1"),
    c("HRANDFIELD", k, "0"),
    c("HRANDFIELD", k, "x"),
    c("HSCAN", k, "0"),
    c("HSCAN", k, "x"),
  ];
}

const WRONGTYPE: string[][] = [
  c("SET", "str", "x"),
  ...wrongTypeCmds("str"),
  c("SADD", "set", "m"),
  ...wrongTypeCmds("set"),
  c("GET", "str"),
  c("HSET", "h", "a", "1"),
  c("GET", "h"),
  c("SADD", "h", "m"),
];

const RANDOM_DETERMINISTIC: string[][] = [
  c("HSET", "h", "a", "1", "b", "2", "c", "3"),
  c("HRANDFIELD", "nokey"),
  c("HRANDFIELD", "nokey", "5"),
  c("HRANDFIELD", "nokey", "-5", "WITHVALUES"),
  c("HRANDFIELD", "nokey", "0"),
  c("HRANDFIELD", "h", "0"),
  c("HRANDFIELD", "h", "0", "WITHVALUES"),
  c("HRANDFIELD", "h", "3"),
  c("HRANDFIELD", "h", "100"),
  c("HRANDFIELD", "h", "100", "withvalues"),
  c("HRANDFIELD", "h", LLMAX),
  c("HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"),
  c("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"),
  c("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"),
  c("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"),
  c("HRANDFIELD", "h", LLMIN),
  c("HRANDFIELD", "h", "9223372036854775808"),
  c("HRANDFIELD", "h", "x"),
  c("HRANDFIELD", "h", "x", "WITHVALUES"),
  c("HRANDFIELD", "h", "1", "WITHVALUE"),
  c("HRANDFIELD", "h", "1", "WITHVALUES", "x"),
  c("HRANDFIELD", "nokey", "1", "foo"),
  c("HRANDFIELD", "h", "-1", "x"),
  c("HRANDFIELD"),
];

const SCAN_ERRORS: string[][] = [
  c("HSET", "h", "a", "1", "b", "2", "ab", "3", "c", "4"),
  c("HSCAN", "h", "0"),
  c("HSCAN", "h", "x"),
  c("HSCAN", "h", ""),
  c("HSCAN", "h", "+0"),
  c("HSCAN", "h", "-1"),
  c("HSCAN", "h", "-0"),
  c("HSCAN", "h", "18446744073709551615"),
  c("HSCAN", "h", "18446744073709551616"),
  c("HSCAN", "h", "-18446744073709551616"),
  c("HSCAN", "h", " 0"),
  c("HSCAN", "h", "0 "),
  c("HSCAN", "h", "0x1"),
  c("HSCAN", "h", "12345"),
  c("HSCAN", "h", "0", "COUNT", "0"),
  c("HSCAN", "h", "0", "COUNT", "-1"),
  c("HSCAN", "h", "0", "COUNT", "x"),
  c("HSCAN", "h", "0", "COUNT", "9223372036854775808"),
  c("HSCAN", "h", "0", "COUNT", "1"),
  c("HSCAN", "h", "0", "COUNT"),
  c("HSCAN", "h", "0", "MATCH"),
  c("HSCAN", "h", "0", "MATCH", "a*"),
  c("HSCAN", "h", "0", "match", "*b", "count", "1"),
  c("HSCAN", "h", "0", "MATCH", "zz*"),
  c("HSCAN", "h", "0", "MATCH", "*"),
  c("HSCAN", "h", "0", "MATCH", "a*", "MATCH", "b*"),
  c("HSCAN", "h", "0", "foo", "bar"),
  c("HSCAN", "h", "0", "NOVALUES"),
  c("HSCAN", "h", "0", "TYPE", "string"),
  c("HSCAN", "nokey", "0"),
  c("HSCAN", "nokey", "0", "COUNT", "0"),
  c("HSCAN", "nokey", "x"),
  c("HSCAN", "h"),
];

function pairs(n: number, prefix = "f"): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${prefix}${i}`, `${i}`);
  return out;
}

const ENCODINGS: string[][] = [
  c("HSET", "e1", "f", x(64)),
  c("OBJECT", "ENCODING", "e1"),
  c("HSET", "e1", "g", x(65)),
  c("OBJECT", "ENCODING", "e1"),
  c("HDEL", "e1", "g"),
  c("OBJECT", "ENCODING", "e1"),
  c("HSET", "e2", x(65), "v"),
  c("OBJECT", "ENCODING", "e2"),
  c("CONFIG", "GET", "hash-max-listpack-entries"),
  c("CONFIG", "GET", "hash-max-listpack-value"),
  c("HSET", "e3", ...pairs(512)),
  c("OBJECT", "ENCODING", "e3"),
  c("HSET", "e3", "f0", "updated"),
  c("OBJECT", "ENCODING", "e3"),
  c("HGETALL", "e3"),
  c("HSET", "e3", "one", "more"),
  c("OBJECT", "ENCODING", "e3"),
  c("HDEL", "e3", "one", "f1", "f2"),
  c("OBJECT", "ENCODING", "e3"),
  c("HSET", "e4", ...pairs(513)),
  c("OBJECT", "ENCODING", "e4"),
  c("HSET", "e5", "a", "1"),
  c("HINCRBY", "e5", x(65), "1"),
  c("OBJECT", "ENCODING", "e5"),
  c("HSET", "e6", "a", "1"),
  c("HINCRBYFLOAT", "e6", x(65), "1"),
  c("OBJECT", "ENCODING", "e6"),
  c("HSETNX", "e7", x(65), "1"),
  c("OBJECT", "ENCODING", "e7"),
  c("HSETNX", "e8", "a", x(65)),
  c("OBJECT", "ENCODING", "e8"),
  c("HMSET", "e9", "a", "1", "b", x(65)),
  c("OBJECT", "ENCODING", "e9"),
  c("HSET", "e10", x(64), x(64)),
  c("OBJECT", "ENCODING", "e10"),
  c("CONFIG", "SET", "hash-max-listpack-entries", "2"),
  c("HSET", "c1", "a", "1", "b", "2"),
  c("OBJECT", "ENCODING", "c1"),
  c("HSET", "c1", "c", "3"),
  c("OBJECT", "ENCODING", "c1"),
  c("HDEL", "c1", "c", "b"),
  c("OBJECT", "ENCODING", "c1"),
  c("OBJECT", "ENCODING", "e3"),
  c("HSET", "e10", "x", "y"),
  c("OBJECT", "ENCODING", "e10"),
  c("CONFIG", "SET", "hash-max-listpack-entries", "0"),
  c("HSET", "c2", "a", "1"),
  c("OBJECT", "ENCODING", "c2"),
  c("CONFIG", "SET", "hash-max-listpack-entries", "512"),
  c("CONFIG", "SET", "hash-max-listpack-value", "3"),
  c("HSET", "c3", "abc", "def"),
  c("OBJECT", "ENCODING", "c3"),
  c("HSET", "c3", "abcd", "1"),
  c("OBJECT", "ENCODING", "c3"),
  c("CONFIG", "SET", "hash-max-listpack-value", "0"),
  c("HSET", "c4", "", ""),
  c("OBJECT", "ENCODING", "c4"),
  c("HSET", "c4", "a", ""),
  c("OBJECT", "ENCODING", "c4"),
  c("CONFIG", "SET", "hash-max-listpack-value", "64"),
  c("OBJECT", "ENCODING", "nokey"),
  // the 6.x names are aliases
  c("CONFIG", "SET", "hash-max-ziplist-entries", "1"),
  c("CONFIG", "GET", "hash-max-listpack-entries"),
  c("HSET", "z1", "a", "1", "b", "2"),
  c("OBJECT", "ENCODING", "z1"),
  c("CONFIG", "SET", "hash-max-ziplist-value", "1"),
  c("CONFIG", "GET", "hash-max-listpack-value"),
  c("HSET", "z2", "ab", "1"),
  c("OBJECT", "ENCODING", "z2"),
  c("CONFIG", "SET", "hash-max-ziplist-entries", "512"),
  c("CONFIG", "SET", "hash-max-ziplist-value", "64"),
  c("CONFIG", "GET", "hash-max-ziplist-entries"),
  c("CONFIG", "GET", "hash-max-ziplist-value"),
];

/** Random HINCRBYFLOAT operands: decimals of all sizes, integers, signs. */
function floatOperands(rnd: () => number, n: number): string[] {
  const digits = (k: number) => {
    let s = "";
    for (let i = 0; i < k; i++) s += Math.floor(rnd() * 10);
    return s;
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const sign = rnd() < 0.3 ? "-" : "";
    const r = rnd();
    if (r < 0.2) out.push(sign + digits(1 + Math.floor(rnd() * 6)).replace(/^0+(?=\d)/, ""));
    else if (r < 0.6) {
      out.push(`${sign}${digits(1 + Math.floor(rnd() * 4))}.${digits(1 + Math.floor(rnd() * 12))}`);
    } else if (r < 0.85) {
      const e = Math.floor(rnd() * 60) - 30;
      out.push(`${sign}${digits(1)}.${digits(Math.floor(rnd() * 20))}e${e}`);
    } else if (r < 0.9) out.push(`${sign}0.${digits(Math.floor(rnd() * 25))}1`);
    else if (r < 0.95) out.push(`${sign}${digits(19)}`);
    else {
      // the long double range: far beyond a double's
      const e = Math.floor(rnd() * 9860) - 4940;
      out.push(`${sign}${1 + Math.floor(rnd() * 9)}.${digits(Math.floor(rnd() * 20))}e${e}`);
    }
  }
  return out;
}

// --- the comparisons ---------------------------------------------------------------

Deno.test({
  name: "hash commands reply byte for byte as redis-server 7.0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    let a: RawConn | null = null, b: RawConn | null = null;
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      [a, b] = await Promise.all([RawConn.open(ours.port), RawConn.open(real.port)]);
      const both = async (cmds: string[][]) =>
        await Promise.all([a!.pipeline(cmds), b!.pipeline(cmds)]);
      const compare = async (cmds: string[][]) => {
        const [x, y] = await both([c("FLUSHALL"), ...cmds]);
        for (let i = 0; i < y.length; i++) {
          const label = i === 0
            ? "FLUSHALL"
            : `#${i - 1} ` + JSON.stringify(cmds[i - 1]).slice(0, 200);
          assert.equal(x[i], y[i], `reply to ${label}`);
        }
      };

      await t.step("basics, arity, binary safety", () => compare(BASICS));
      await t.step("HINCRBY / HINCRBYFLOAT and their errors", () => compare(INCR));
      await t.step("WRONGTYPE", () => compare(WRONGTYPE));
      await t.step(
        "HRANDFIELD: errors and whole-hash replies",
        () => compare(RANDOM_DETERMINISTIC),
      );
      await t.step("HSCAN: cursor and option parsing, small hashes", () => compare(SCAN_ERRORS));
      await t.step("OBJECT ENCODING conversions", () => compare(ENCODINGS));

      await t.step("HINCRBYFLOAT computes in long double (random operands)", async () => {
        const rnd = prng(20240601);
        const cmds: string[][] = [];
        for (let round = 0; round < 8; round++) {
          for (const op of floatOperands(rnd, 60)) {
            cmds.push(c("HINCRBYFLOAT", "acc", `f${round}`, op));
            cmds.push(c("HINCRBYFLOAT", "one", `g${cmds.length}`, op));
          }
        }
        cmds.push(c("HMGET", "acc", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"));
        await compare(cmds);
      });

      await t.step("HRANDFIELD: shapes of random replies", async () => {
        for (const n of [5, 300, 700]) {
          const setup = [c("FLUSHALL"), c("HSET", "h", ...pairs(n))];
          await both(setup);
          const probes: [string[], number][] = [
            [c("HRANDFIELD", "h", "3"), 3],
            [c("HRANDFIELD", "h", "-3"), 3],
            [c("HRANDFIELD", "h", "-20"), 20],
            [c("HRANDFIELD", "h", "4", "WITHVALUES"), 8],
            [c("HRANDFIELD", "h", "-7", "WITHVALUES"), 14],
            [c("HRANDFIELD", "h", String(n - 1)), n - 1],
            [c("HRANDFIELD", "h", String(n)), n],
          ];
          for (const [cmd, len] of probes) {
            const [ro, rr] = (await both([cmd])).map((r) => value(r[0]) as string[]);
            assert.equal(ro.length, len, JSON.stringify(cmd));
            assert.equal(rr.length, len, JSON.stringify(cmd));
            const withValues = cmd.length === 4;
            const fields = withValues ? ro.filter((_, i) => i % 2 === 0) : ro;
            for (let i = 0; i < fields.length; i++) {
              assert.match(fields[i], /^f\d+$/);
              if (withValues) assert.equal(ro[2 * i + 1], fields[i].slice(1));
            }
            if (!cmd[2].startsWith("-")) {
              assert.equal(new Set(fields).size, fields.length, `distinct: ${cmd.join(" ")}`);
            }
          }
          const one = await a!.call("HRANDFIELD", "h");
          assert.match(one as string, /^f\d+$/);
        }
        // all fields come up, uniformly enough
        await both([c("FLUSHALL"), c("HSET", "h", ...pairs(10))]);
        const seen = new Map<string, number>();
        const picks = (await a!.call("HRANDFIELD", "h", "-5000")) as string[];
        for (const f of picks) seen.set(f, (seen.get(f) ?? 0) + 1);
        assert.equal(seen.size, 10);
        for (const k of seen.values()) assert.ok(k > 350 && k < 650, `frequency ${k}`);
      });

      await t.step("HSCAN: full iterations return every field", async () => {
        for (const n of [20, 513, 1000]) {
          await both([c("FLUSHALL"), c("HSET", "h", ...pairs(n))]);
          for (const count of [1, 7, 10, 100, 5000]) {
            for (const conn of [a!, b!]) {
              const got = new Map<string, string>();
              let cursor = "0", calls = 0;
              do {
                const r = (await conn.call("HSCAN", "h", cursor, "COUNT", String(count))) as [
                  string,
                  string[],
                ];
                cursor = r[0];
                for (let i = 0; i < r[1].length; i += 2) got.set(r[1][i], r[1][i + 1]);
                assert.ok(++calls <= 2 * n + 10, "iteration ends");
              } while (cursor !== "0");
              assert.equal(got.size, n, `n=${n} count=${count}`);
              for (const [f, v] of got) assert.equal(f, `f${v}`);
            }
          }
          // MATCH filters the same fields on both sides
          const matched = async (conn: RawConn) => {
            const out = new Set<string>();
            let cursor = "0";
            do {
              const r = (await conn.call("HSCAN", "h", cursor, "MATCH", "f1*")) as [
                string,
                string[],
              ];
              cursor = r[0];
              for (let i = 0; i < r[1].length; i += 2) out.add(r[1][i]);
            } while (cursor !== "0");
            return [...out].sort();
          };
          assert.deepEqual(await matched(a!), await matched(b!));
        }
      });

      await t.step("hashtable replies hold the same content", async () => {
        const cmds = [c("HSET", "big", ...pairs(600)), c("HDEL", "big", "f3", "f77", "f200")];
        await both([c("FLUSHALL"), ...cmds]);
        for (const cmd of [c("HKEYS", "big"), c("HVALS", "big")]) {
          const [ro, rr] = (await both([cmd])).map((r) => (value(r[0]) as string[]).sort());
          assert.deepEqual(ro, rr);
        }
        const [go, gr] = (await both([c("HGETALL", "big")])).map((r) => {
          const flat = value(r[0]) as string[];
          const m: string[] = [];
          for (let i = 0; i < flat.length; i += 2) m.push(flat[i] + "=" + flat[i + 1]);
          return m.sort();
        });
        assert.deepEqual(go, gr);
      });

      await t.step("ioredis", async () => {
        const r = new Redis({ port: ours!.port, lazyConnect: false });
        try {
          await r.flushall();
          assert.equal(await r.hset("user:1", { name: "ada", born: "1815" }), 2);
          assert.deepEqual(await r.hgetall("user:1"), { name: "ada", born: "1815" });
          assert.equal(await r.hget("user:1", "name"), "ada");
          assert.deepEqual(await r.hmget("user:1", "name", "nope"), ["ada", null]);
          assert.equal(await r.hincrby("user:1", "born", 1), 1816);
          assert.equal(await r.hincrbyfloat("user:1", "score", "0.1"), "0.1");
          assert.equal(await r.hincrbyfloat("user:1", "score", "0.2"), "0.3");
          assert.equal(await r.hsetnx("user:1", "name", "bob"), 0);
          assert.equal(await r.hlen("user:1"), 3);
          assert.equal(await r.hexists("user:1", "score"), 1);
          assert.deepEqual(await r.hkeys("user:1"), ["name", "born", "score"]);
          assert.equal(await r.hstrlen("user:1", "name"), 3);
          assert.equal(await r.hdel("user:1", "score", "nope"), 1);
          const rf = await r.hrandfield("user:1", 2, "WITHVALUES") as string[];
          assert.equal(rf.length, 4);
          await assert.rejects(
            () => r.hincrby("user:1", "name", 1),
            /hash value is not an integer/,
          );
          await r.hset(
            "many",
            Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
          );
          const keys = new Set<string>();
          await new Promise<void>((resolve, reject) => {
            const s = r.hscanStream("many", { count: 50 });
            s.on("data", (chunk: string[]) => {
              for (let i = 0; i < chunk.length; i += 2) keys.add(chunk[i]);
            });
            s.on("end", () => resolve());
            s.on("error", reject);
          });
          assert.equal(keys.size, 500);
        } finally {
          r.disconnect();
        }
      });
    } finally {
      await a?.close();
      await b?.close();
      await ours?.stop();
      await real?.stop();
    }
  },
});

// --- in-process: propagation, dirty counts, HSCAN under modification -----------------

Deno.test("hash writes: propagation, dirty counts, keyspace stats", () => {
  const o = inProcess();
  const prop = (argv: string[], ...expected: string[][]) => {
    o.propagated.length = 0;
    o.call(...argv);
    assert.deepEqual(o.propagated, expected, argv.join(" "));
  };
  const dirty = (argv: string[], n: number) => {
    const before = o.srv.dirty;
    o.call(...argv);
    assert.equal(o.srv.dirty - before, n, argv.join(" "));
  };
  prop(c("HSET", "h", "a", "1"), c("HSET", "h", "a", "1"));
  prop(c("HSET", "h", "a", "1"), c("HSET", "h", "a", "1")); // Redis propagates unchanged HSETs too
  prop(c("HINCRBYFLOAT", "h", "f", "0.1"), c("HSET", "h", "f", "0.1"));
  prop(c("HINCRBYFLOAT", "h", "f", "2e1"), c("HSET", "h", "f", "20.1"));
  prop(c("HINCRBYFLOAT", "h", "f", "x"));
  prop(c("HINCRBY", "h", "n", "2"), c("HINCRBY", "h", "n", "2"));
  prop(c("HDEL", "h", "zz"));
  prop(c("HDEL", "nokey", "a"));
  prop(c("HSETNX", "h", "a", "2"));
  prop(c("HSETNX", "h", "b", "2"), c("HSETNX", "h", "b", "2"));
  prop(c("HGET", "h", "a"));
  prop(c("HDEL", "h", "a", "b", "f", "n"), c("HDEL", "h", "a", "b", "f", "n"));
  assert.equal(o.client.db.has("h"), false);
  dirty(c("HSET", "h", "a", "1", "b", "2"), 2);
  dirty(c("HMSET", "h", "a", "1", "c", "3"), 2);
  dirty(c("HDEL", "h", "a", "zz", "b"), 2);
  dirty(c("HDEL", "h", "zz"), 0);
  dirty(c("HINCRBY", "h", "c", "x"), 0);
  // a failed HINCRBYFLOAT on a new key creates nothing
  o.call("HINCRBY", "nk", "f", "x");
  assert.equal(o.client.db.has("nk"), false);
  // reads count keyspace hits and misses; writes do not
  const { keyspaceHits: h0, keyspaceMisses: m0 } = o.srv.stats;
  o.call("HGET", "h", "c");
  o.call("HGET", "nokey", "c");
  o.call("HSET", "other", "a", "1");
  assert.equal(o.srv.stats.keyspaceHits - h0, 1);
  assert.equal(o.srv.stats.keyspaceMisses - m0, 1);
  // TTL survives in-place changes
  o.call("EXPIRE", "h", "100");
  o.call("HSET", "h", "z", "1");
  o.call("HDEL", "h", "z");
  assert.ok(o.client.db.getExpire("h") !== undefined);
});

Deno.test("HSCAN returns every field present throughout, under modification", () => {
  const o = inProcess();
  const rnd = prng(7);
  for (const count of [1, 5, 10, 37]) {
    o.call("FLUSHALL");
    o.call("HSET", "h", ...pairs(600));
    const stable = new Set<string>();
    for (let i = 0; i < 600; i++) if (i % 3 !== 0) stable.add(`f${i}`);
    const seen = new Set<string>();
    let cursor = "0", calls = 0, added = 0;
    do {
      const r = o.call("HSCAN", "h", cursor, "COUNT", String(count)) as [string, string[]];
      cursor = r[0];
      for (let i = 0; i < r[1].length; i += 2) seen.add(r[1][i]);
      // delete some of the unstable fields, add new ones
      for (let k = 0; k < 3; k++) {
        const i = 3 * Math.floor(rnd() * 200);
        o.call("HDEL", "h", `f${i}`);
      }
      if (rnd() < 0.5) o.call("HSET", "h", `new${added++}`, "x");
      calls++;
      assert.ok(calls < 5000, "iteration ends");
    } while (cursor !== "0");
    for (const f of stable) assert.ok(seen.has(f), `count ${count}: ${f} missing`);
    // at most O(COUNT) per call: no call returned more than count elements
    assert.ok(calls >= Math.floor(400 / count), `calls ${calls}`);
  }
});

Deno.test("RedisHash / RedisSet: delete and re-add churn stays O(1)", () => {
  // V8 keeps deleted Map entries in their bucket chain until it rehashes; the
  // types must not let a churned field make lookups slow
  const lim = { entries: 512, value: 64 };
  const h = new RedisHash();
  const s = new RedisSet(false);
  for (let i = 0; i < 100_000; i++) {
    h.set("f" + i, "v", lim);
    s.add("m" + i, 512);
  }
  const t0 = performance.now();
  for (let i = 0; i < 50_000; i++) {
    h.set("hot", "v", lim);
    h.delete("hot");
    s.add("hot", 512);
    s.delete("hot");
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 300, `churn took ${ms.toFixed(0)} ms`);
  assert.equal(h.size, 100_000);
  assert.equal(h.has("hot"), false);
  assert.equal(s.has("hot"), false);
  // tombstones are dropped once they outnumber the live entries
  for (let i = 0; i < 100_000; i += 2) {
    h.delete("f" + i);
    s.delete("m" + i);
  }
  for (let i = 1; i < 100_000; i += 2) {
    h.delete("f" + i);
    s.delete("m" + i);
  }
  assert.equal(h.size, 0);
  assert.equal(s.size, 0);
  h.set("f7", "back", lim);
  s.add("m7", 512);
  assert.equal(h.get("f7"), "back");
  assert.equal(h.get("f8"), undefined);
  assert.ok(s.has("m7") && !s.has("m8"));
  assert.deepEqual([...h.entries()], [["f7", "back"]]);
});

Deno.test("RedisHash: encodings, order, clone", () => {
  const lim = { entries: 3, value: 4 };
  const h = new RedisHash();
  assert.equal(h.encoding(), "listpack");
  h.set("a", "1", lim);
  h.set("b", "2", lim);
  h.set("c", "3", lim);
  assert.equal(h.encoding(), "listpack");
  h.delete("a");
  assert.deepEqual([...h.entries()], [["b", "2"], ["c", "3"]]);
  h.set("a", "9", lim);
  assert.deepEqual(h.keys(), ["b", "c", "a"]);
  const copy = h.clone();
  h.set("d", "4", lim);
  assert.equal(h.encoding(), "hashtable");
  assert.equal(copy.encoding(), "listpack");
  assert.equal(copy.size, 3);
  h.delete("d");
  assert.equal(h.encoding(), "hashtable");
  h.delete("b");
  assert.equal(h.get("a"), "9");
  assert.equal(h.get("c"), "3");
  assert.equal(h.get("b"), undefined);
  assert.equal(h.size, 2);
  const long = new RedisHash();
  long.set("k", "12345", lim);
  assert.equal(long.encoding(), "hashtable");
  assert.equal(RedisHash.from([["x", "1"]], lim).encoding(), "listpack");
});
