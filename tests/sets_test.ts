// The set command family against a real redis-server 7.0: the same commands
// must get byte-identical RESP replies (errors included; intsets reply in
// ascending order, as Redis's do), OBJECT ENCODING must follow 7.0's rules
// (intset or hashtable: 7.0 has no listpack sets). Random replies (SPOP,
// SRANDMEMBER) are compared by shape; hashtable-ordered replies by content;
// SSCAN by what a full iteration returns. Propagation (SPOP -> SREM / DEL)
// and SSCAN under modification are checked on an in-process owner.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { type ServerProc, startRealRedis, startServer } from "./helpers.ts";
import { inProcess, prng, RawConn, value } from "./rawconn.ts";
import { isIntsetMember, RedisSet } from "../server/keyspace/types/set.ts";

const c = (...a: string[]) => a;
const LLMAX = "9223372036854775807";
const LLMIN = "-9223372036854775808";
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

// --- command lists compared byte for byte ---------------------------------------

const BASICS: string[][] = [
  c("SADD", "s", "a", "b", "c"),
  c("SADD", "s", "a", "d", "d"),
  c("SCARD", "s"),
  c("SCARD", "nokey"),
  c("SISMEMBER", "s", "a"),
  c("SISMEMBER", "s", "zz"),
  c("SISMEMBER", "nokey", "a"),
  c("SMISMEMBER", "s", "a", "zz", "b"),
  c("SMISMEMBER", "nokey", "a", "b"),
  c("SMEMBERS", "nokey"),
  c("SADD", "n", "3", "1", "2", "-5", "10"),
  c("SMEMBERS", "n"),
  c("SADD", "n", LLMAX, LLMIN, "0", "-1"),
  c("SMEMBERS", "n"),
  c("SREM", "n", LLMAX, "0", "77"),
  c("SMEMBERS", "n"),
  c("SISMEMBER", "n", "-5"),
  c("SISMEMBER", "n", "-05"),
  c("SADD", "n", "007"),
  c("SISMEMBER", "n", "007"),
  c("SISMEMBER", "n", "7"),
  c("SREM", "s", "a", "zz", "a"),
  c("SREM", "s", "zz"),
  c("SREM", "nokey", "a"),
  c("SREM", "s", "b", "c", "d", "e"),
  c("EXISTS", "s"),
  c("SADD", "bin", "\x00\xff\r\n"),
  c("SMEMBERS", "bin"),
  c("SISMEMBER", "bin", "\x00\xff\r\n"),
  c("SADD", "e", ""),
  c("SMEMBERS", "e"),
  c("SCARD", "e"),
  c("sadd", "lower", "1"),
  c("SMEMBERS", "lower"),
  c("SADD", "s"),
  c("SREM", "s"),
  c("SCARD"),
  c("SCARD", "a", "b"),
  c("SISMEMBER", "s"),
  c("SMISMEMBER", "s"),
  c("SMEMBERS"),
  c("SPOP"),
  c("SRANDMEMBER"),
  c("SMOVE", "a", "b"),
  c("SINTER"),
  c("SUNION"),
  c("SDIFF"),
  c("SINTERSTORE", "d"),
  c("SUNIONSTORE", "d"),
  c("SDIFFSTORE", "d"),
  c("SINTERCARD", "1"),
  c("SSCAN", "s"),
];

const ALGEBRA: string[][] = [
  c("SADD", "a", "1", "2", "3", "4", "5"),
  c("SADD", "b", "4", "5", "6", "7"),
  c("SADD", "c", "5", "7", "9"),
  c("SINTER", "a"),
  c("SINTER", "a", "b"),
  c("SINTER", "a", "b", "c"),
  c("SINTER", "c", "b", "a"),
  c("SINTER", "a", "a"),
  c("SINTER", "a", "nokey"),
  c("SINTER", "nokey", "a"),
  c("SUNION", "a", "b", "c"),
  c("SUNION", "nokey"),
  c("SUNION", "nokey", "c"),
  c("SDIFF", "a", "b"),
  c("SDIFF", "a", "b", "c"),
  c("SDIFF", "b", "a"),
  c("SDIFF", "a", "a"),
  c("SDIFF", "a", "nokey"),
  c("SDIFF", "nokey", "a"),
  c("SDIFF", "a", "nokey", "c"),
  c("SINTERCARD", "1", "a"),
  c("SINTERCARD", "2", "a", "b"),
  c("SINTERCARD", "3", "a", "b", "c"),
  c("SINTERCARD", "2", "a", "nokey"),
  c("SINTERCARD", "1", "a", "LIMIT", "3"),
  c("SINTERCARD", "1", "a", "limit", "0"),
  c("SINTERCARD", "1", "a", "LIMIT", "100"),
  c("SINTERCARD", "1", "a", "LIMIT", "1", "LIMIT", "2"),
  c("SINTERCARD", "0", "a"),
  c("SINTERCARD", "-1", "a"),
  c("SINTERCARD", "x", "a"),
  c("SINTERCARD", "9223372036854775808", "a"),
  c("SINTERCARD", "2", "a"),
  c("SINTERCARD", "1", "a", "LIMIT"),
  c("SINTERCARD", "1", "a", "LIMIT", "-1"),
  c("SINTERCARD", "1", "a", "LIMIT", "x"),
  c("SINTERCARD", "1", "a", "FOO"),
  c("SINTERCARD", "1", "a", "b"),
  c("SINTERCARD", "1", "nokey", "a"),
  c("SINTERSTORE", "d", "a", "b"),
  c("SMEMBERS", "d"),
  c("OBJECT", "ENCODING", "d"),
  c("SUNIONSTORE", "d", "a", "b", "c"),
  c("SMEMBERS", "d"),
  c("SDIFFSTORE", "d", "a", "b", "c"),
  c("SMEMBERS", "d"),
  c("SDIFFSTORE", "d", "a", "a"),
  c("EXISTS", "d"),
  c("SADD", "d", "1"),
  c("SINTERSTORE", "d", "a", "nokey"),
  c("EXISTS", "d"),
  c("SINTERSTORE", "d", "a", "nokey"),
  c("SUNIONSTORE", "d", "nokey"),
  c("SDIFFSTORE", "d", "nokey", "a"),
  c("SINTERSTORE", "a", "a", "b"),
  c("SMEMBERS", "a"),
  c("SUNIONSTORE", "b", "b", "c"),
  c("SMEMBERS", "b"),
  c("SET", "str", "x"),
  c("SUNIONSTORE", "str", "a", "c"),
  c("TYPE", "str"),
  c("SMEMBERS", "str"),
  c("SADD", "t", "1"),
  c("EXPIRE", "t", "100"),
  c("SUNIONSTORE", "t", "a"),
  c("TTL", "t"),
  c("SADD", "w", "x"),
  c("SINTER", "w", "w"),
  c("SUNION", "w", "nokey", "w"),
  c("SDIFF", "w", "a"),
];

const MOVE: string[][] = [
  c("SADD", "a", "1", "2", "3"),
  c("SADD", "b", "3", "4"),
  c("SET", "str", "x"),
  c("SMOVE", "a", "b", "1"),
  c("SMEMBERS", "a"),
  c("SMEMBERS", "b"),
  c("SMOVE", "a", "b", "3"),
  c("SMEMBERS", "a"),
  c("SMEMBERS", "b"),
  c("SMOVE", "a", "b", "99"),
  c("SMOVE", "nokey", "b", "1"),
  c("SMOVE", "nokey", "str", "1"),
  c("SMOVE", "a", "str", "2"),
  c("SMOVE", "a", "str", "99"),
  c("SMOVE", "str", "a", "2"),
  c("SMOVE", "a", "a", "2"),
  c("SMOVE", "a", "a", "99"),
  c("SMOVE", "a", "new", "2"),
  c("EXISTS", "a"),
  c("SMEMBERS", "new"),
  c("OBJECT", "ENCODING", "new"),
  c("SADD", "w", "word"),
  c("SMOVE", "w", "new2", "word"),
  c("OBJECT", "ENCODING", "new2"),
  c("SMEMBERS", "new2"),
  c("SMOVE", "new2", "new", "word"),
  c("OBJECT", "ENCODING", "new"),
  c("SCARD", "new"),
  c("EXISTS", "new2"),
  c("SMOVE", "a", "b", "1", "2"),
];

const POPS: string[][] = [
  c("SADD", "n", "5", "3", "1", "4"),
  c("SADD", "one", "x"),
  c("SET", "str", "x"),
  c("SPOP", "nokey"),
  c("SPOP", "nokey", "3"),
  c("SPOP", "nokey", "0"),
  c("SPOP", "n", "0"),
  c("SPOP", "n", "-1"),
  c("SPOP", "n", "x"),
  c("SPOP", "n", ""),
  c("SPOP", "n", "9223372036854775808"),
  c("SPOP", "nokey", "-1"),
  c("SPOP", "n", "1", "2"),
  c("SPOP", "str"),
  c("SPOP", "str", "0"),
  c("SPOP", "str", "-1"),
  c("SPOP", "one"),
  c("EXISTS", "one"),
  c("SADD", "one", "y"),
  c("SPOP", "one", "1"),
  c("EXISTS", "one"),
  c("SRANDMEMBER", "nokey"),
  c("SRANDMEMBER", "nokey", "5"),
  c("SRANDMEMBER", "nokey", "-5"),
  c("SRANDMEMBER", "nokey", "x"),
  c("SRANDMEMBER", "n", "0"),
  c("SRANDMEMBER", "n", "4"),
  c("SRANDMEMBER", "n", "100"),
  c("SRANDMEMBER", "n", LLMAX),
  c("SRANDMEMBER", "n", LLMIN),
  c("SRANDMEMBER", "n", "9223372036854775808"),
  c("SRANDMEMBER", "n", "-9223372036854775809"),
  c("SRANDMEMBER", "n", "x"),
  c("SRANDMEMBER", "n", "1", "2"),
  c("SRANDMEMBER", "str"),
  c("SRANDMEMBER", "str", "0"),
  c("SRANDMEMBER", "str", "x"),
  c("SADD", "one", "z"),
  c("SRANDMEMBER", "one"),
  c("SRANDMEMBER", "one", "-3"),
  c("SRANDMEMBER", "one", "1"),
  c("SPOP", "n", "4"),
  c("EXISTS", "n"),
  c("SADD", "n", "9", "8", "7"),
  c("SPOP", "n", "100"),
  c("EXISTS", "n"),
];

const SCANS: string[][] = [
  c("SADD", "n", "30", "1", "20", "100", "-4"),
  c("SADD", "w", "word"),
  c("SSCAN", "n", "0"),
  c("SSCAN", "n", "12345"),
  c("SSCAN", "n", "0", "COUNT", "1"),
  c("SSCAN", "n", "0", "MATCH", "1*"),
  c("SSCAN", "n", "0", "MATCH", "*0", "COUNT", "2"),
  c("SSCAN", "n", "0", "MATCH", "-*"),
  c("SSCAN", "w", "0"),
  c("SSCAN", "w", "0", "MATCH", "w*"),
  c("SSCAN", "n", "x"),
  c("SSCAN", "n", ""),
  c("SSCAN", "n", "-1"),
  c("SSCAN", "n", "18446744073709551616"),
  c("SSCAN", "n", " 1"),
  c("SSCAN", "n", "0", "COUNT", "0"),
  c("SSCAN", "n", "0", "COUNT", "x"),
  c("SSCAN", "n", "0", "COUNT"),
  c("SSCAN", "n", "0", "MATCH"),
  c("SSCAN", "n", "0", "FOO", "bar"),
  c("SSCAN", "nokey", "0"),
  c("SSCAN", "nokey", "0", "COUNT", "0"),
  c("SSCAN", "nokey", "y"),
];

function wrongTypeCmds(k: string): string[][] {
  return [
    c("SADD", k, "a"),
    c("SREM", k, "a"),
    c("SMEMBERS", k),
    c("SISMEMBER", k, "a"),
    c("SMISMEMBER", k, "a"),
    c("SCARD", k),
    c("SPOP", k),
    c("SPOP", k, "2"),
    c("SRANDMEMBER", k),
    c("SRANDMEMBER", k, "-2"),
    c("SMOVE", k, "s", "a"),
    c("SMOVE", "s", k, "a"),
    c("SMOVE", "s", k, "nope"),
    c("SINTER", k),
    c("SINTER", "s", k),
    c("SINTER", "nokey", k),
    c("SINTERCARD", "2", "s", k),
    c("SINTERCARD", "2", "nokey", k),
    c("SUNION", "s", k),
    c("SUNION", "nokey", k),
    c("SDIFF", k, "s"),
    c("SDIFF", "s", "nokey", k),
    c("SDIFF", "nokey", k),
    c("SINTERSTORE", "d", "s", k),
    c("SUNIONSTORE", "d", "s", k),
    c("SDIFFSTORE", "d", "s", k),
    c("SSCAN", k, "0"),
  ];
}

const WRONGTYPE: string[][] = [
  c("SADD", "s", "a", "b"),
  c("SET", "str", "x"),
  ...wrongTypeCmds("str"),
  c("HSET", "hash", "f", "v"),
  ...wrongTypeCmds("hash"),
  c("SMEMBERS", "d"),
  c("GET", "str"),
  c("GET", "s"),
  c("HGET", "s", "a"),
];

const ENCODINGS: string[][] = [
  c("SADD", "e1", "a"),
  c("OBJECT", "ENCODING", "e1"),
  c("SADD", "e2", "1"),
  c("OBJECT", "ENCODING", "e2"),
  c("SADD", "e2", "a"),
  c("OBJECT", "ENCODING", "e2"),
  c("SREM", "e2", "a"),
  c("OBJECT", "ENCODING", "e2"),
  c("SADD", "e3", "1", "a"),
  c("OBJECT", "ENCODING", "e3"),
  c("SADD", "e4", "a", "1"),
  c("OBJECT", "ENCODING", "e4"),
  ...["-0", "+1", "01", " 1", "1 ", "1.0", "0x1", "9223372036854775808", "-9223372036854775809"]
    .flatMap((m, i) => [c("SADD", `x${i}`, m), c("OBJECT", "ENCODING", `x${i}`)]),
  ...[LLMAX, LLMIN, "0", "-1"]
    .flatMap((m, i) => [c("SADD", `y${i}`, m), c("OBJECT", "ENCODING", `y${i}`)]),
  c("SADD", "e5", ...range(1, 512)),
  c("OBJECT", "ENCODING", "e5"),
  c("SMEMBERS", "e5"),
  c("SADD", "e5", "1"),
  c("OBJECT", "ENCODING", "e5"),
  c("SADD", "e5", "513"),
  c("OBJECT", "ENCODING", "e5"),
  c("SREM", "e5", "513"),
  c("OBJECT", "ENCODING", "e5"),
  c("SADD", "e6", ...range(1, 513)),
  c("OBJECT", "ENCODING", "e6"),
  c("SADD", "e7", ...range(-300, 300)),
  c("OBJECT", "ENCODING", "e7"),
  c("SINTERSTORE", "d1", "e5", "e7"),
  c("OBJECT", "ENCODING", "d1"),
  c("SMEMBERS", "d1"),
  c("SUNIONSTORE", "d2", "e5", "e7"),
  c("OBJECT", "ENCODING", "d2"),
  c("SDIFFSTORE", "d3", "e7", "e5"),
  c("OBJECT", "ENCODING", "d3"),
  c("SMEMBERS", "d3"),
  c("SDIFFSTORE", "d4", "e5", "e7"),
  c("OBJECT", "ENCODING", "d4"),
  c("SMEMBERS", "d4"),
  c("SUNIONSTORE", "d5", "e1"),
  c("OBJECT", "ENCODING", "d5"),
  c("SINTERSTORE", "d6", "e3", "e3"),
  c("OBJECT", "ENCODING", "d6"),
  c("SUNION", "e5", "e2"),
  c("SREM", "e5", "1", "2", "3"),
  c("OBJECT", "ENCODING", "e5"),
  c("CONFIG", "SET", "set-max-intset-entries", "2"),
  c("SADD", "c1", "1", "2"),
  c("OBJECT", "ENCODING", "c1"),
  c("SADD", "c1", "3"),
  c("OBJECT", "ENCODING", "c1"),
  c("SREM", "c1", "3", "2"),
  c("OBJECT", "ENCODING", "c1"),
  c("OBJECT", "ENCODING", "e2"),
  c("SADD", "e2", "100"),
  c("OBJECT", "ENCODING", "e2"),
  c("SUNIONSTORE", "d7", "c1"),
  c("OBJECT", "ENCODING", "d7"),
  c("SMOVE", "c1", "d8", "1"),
  c("OBJECT", "ENCODING", "d8"),
  c("CONFIG", "SET", "set-max-intset-entries", "0"),
  c("SADD", "c2", "1"),
  c("OBJECT", "ENCODING", "c2"),
  c("CONFIG", "SET", "set-max-intset-entries", "512"),
  c("SADD", "c3", "1"),
  c("OBJECT", "ENCODING", "c3"),
];

/** Sorted members of a flat array reply. */
function sortedReply(raw: string): string[] {
  return (value(raw) as string[]).slice().sort();
}

// --- the comparisons ---------------------------------------------------------------

Deno.test({
  name: "set commands reply byte for byte as redis-server 7.0",
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

      await t.step("basics, intset order, arity", () => compare(BASICS));
      await t.step("SINTER SUNION SDIFF SINTERCARD and STORE forms", () => compare(ALGEBRA));
      await t.step("SMOVE", () => compare(MOVE));
      await t.step("SPOP / SRANDMEMBER: errors and deterministic replies", () => compare(POPS));
      await t.step("SSCAN: parsing, intsets", () => compare(SCANS));
      await t.step("WRONGTYPE", () => compare(WRONGTYPE));
      await t.step("OBJECT ENCODING: intset / hashtable as 7.0", () => compare(ENCODINGS));

      await t.step("hashtable sets: same content (random sets)", async () => {
        const rnd = prng(99);
        const member = () => {
          const r = rnd();
          if (r < 0.4) return String(Math.floor(rnd() * 60));
          if (r < 0.8) return "m" + Math.floor(rnd() * 60);
          return "\x00" + String.fromCharCode(Math.floor(rnd() * 256));
        };
        const setup: string[][] = [c("FLUSHALL")];
        const keys = ["k0", "k1", "k2", "k3", "k4"];
        for (const k of keys) {
          setup.push(c("SADD", k, ...Array.from({ length: 5 + Math.floor(rnd() * 40) }, member)));
        }
        setup.push(
          c("SADD", "ints", ...Array.from({ length: 30 }, () => String(Math.floor(rnd() * 50)))),
        );
        const [so, sr] = await both(setup);
        assert.deepEqual(so, sr);
        const queries: string[][] = [];
        for (let i = 0; i < 60; i++) {
          const pick = () => rnd() < 0.2 ? "ints" : keys[Math.floor(rnd() * keys.length)];
          const ks = Array.from({ length: 1 + Math.floor(rnd() * 3) }, pick);
          const op = ["SINTER", "SUNION", "SDIFF"][i % 3];
          queries.push([op, ...ks]);
          queries.push([op + "STORE", "dst", ...ks], c("SMEMBERS", "dst"), c("SCARD", "dst"));
          queries.push(c("SINTERCARD", String(ks.length), ...ks));
        }
        queries.push(...keys.map((k) => c("SMEMBERS", k)));
        const [qo, qr] = await both(queries);
        for (let i = 0; i < queries.length; i++) {
          const label = JSON.stringify(queries[i]);
          if (qo[i][0] === "*") assert.deepEqual(sortedReply(qo[i]), sortedReply(qr[i]), label);
          else assert.equal(qo[i], qr[i], label);
        }
      });

      await t.step("SPOP / SRANDMEMBER: shapes of random replies", async () => {
        for (const [n, ints] of [[6, true], [6, false], [600, true], [600, false]] as const) {
          const members = Array.from({ length: n }, (_, i) => ints ? String(i) : `m${i}`);
          await both([c("FLUSHALL"), c("SADD", "s", ...members)]);
          const all = new Set(members);
          for (const count of [1, 3, n - 1, n, n + 5, -1, -4, -(2 * n)]) {
            const cmd = c("SRANDMEMBER", "s", String(count));
            const [ro, rr] = (await both([cmd])).map((r) => value(r[0]) as string[]);
            const want = count < 0 ? -count : Math.min(count, n);
            assert.equal(ro.length, want, cmd.join(" "));
            assert.equal(rr.length, want, cmd.join(" "));
            for (const m of ro) assert.ok(all.has(m), m);
            if (count > 0) assert.equal(new Set(ro).size, ro.length, `distinct ${cmd.join(" ")}`);
          }
          const one = await a!.call("SRANDMEMBER", "s");
          assert.ok(all.has(one as string));
          // SPOP removes exactly what it returns
          const popped = (await a!.call("SPOP", "s", "2")) as string[];
          const single = (await a!.call("SPOP", "s")) as string;
          for (const m of [...popped, single]) {
            assert.ok(all.has(m));
            assert.equal(await a!.call("SISMEMBER", "s", m), 0);
          }
          assert.equal(new Set([...popped, single]).size, 3);
          assert.equal(await a!.call("SCARD", "s"), n - 3);
          // popping keeps the encoding, as Redis's
          await b!.pipeline([c("SPOP", "s", "3")]);
          assert.deepEqual(
            await a!.pipeline([c("OBJECT", "ENCODING", "s")]),
            await b!.pipeline([c("OBJECT", "ENCODING", "s")]),
          );
          const big = (await a!.call("SPOP", "s", String(n - 4))) as string[];
          assert.equal(new Set(big).size, n - 4);
          assert.equal(await a!.call("SCARD", "s"), 1);
        }
        // all members come up, uniformly enough
        await both([c("FLUSHALL"), c("SADD", "s", ...range(1, 10))]);
        const seen = new Map<string, number>();
        for (const m of (await a!.call("SRANDMEMBER", "s", "-5000")) as string[]) {
          seen.set(m, (seen.get(m) ?? 0) + 1);
        }
        assert.equal(seen.size, 10);
        for (const k of seen.values()) assert.ok(k > 350 && k < 650, `frequency ${k}`);
      });

      await t.step("SSCAN: full iterations return every member", async () => {
        for (const [n, ints] of [[20, false], [600, true], [1000, false]] as const) {
          const members = Array.from({ length: n }, (_, i) => ints ? String(i) : `m${i}`);
          await both([c("FLUSHALL"), c("SADD", "s", ...members)]);
          for (const count of [1, 10, 33, 5000]) {
            for (const conn of [a!, b!]) {
              const got = new Set<string>();
              let cursor = "0", calls = 0;
              do {
                const r = (await conn.call("SSCAN", "s", cursor, "COUNT", String(count))) as [
                  string,
                  string[],
                ];
                cursor = r[0];
                for (const m of r[1]) got.add(m);
                assert.ok(++calls <= 2 * n + 10, "iteration ends");
              } while (cursor !== "0");
              assert.deepEqual([...got].sort(), members.slice().sort(), `n=${n} count=${count}`);
            }
          }
        }
      });

      await t.step("ioredis", async () => {
        const r = new Redis({ port: ours!.port, lazyConnect: false });
        try {
          await r.flushall();
          assert.equal(await r.sadd("tags", "a", "b", "c"), 3);
          assert.equal(await r.sadd("tags", ["c", "d"]), 1);
          assert.deepEqual((await r.smembers("tags")).sort(), ["a", "b", "c", "d"]);
          assert.equal(await r.sismember("tags", "a"), 1);
          assert.deepEqual(await r.smismember("tags", "a", "z"), [1, 0]);
          assert.equal(await r.scard("tags"), 4);
          assert.equal(await r.srem("tags", "d", "z"), 1);
          await r.sadd("nums", 3, 1, 2);
          assert.deepEqual(await r.smembers("nums"), ["1", "2", "3"]);
          assert.deepEqual(await r.sinter("nums", "nums"), ["1", "2", "3"]);
          assert.equal(await r.sunionstore("all", "tags", "nums"), 6);
          assert.equal(await r.sintercard(2, "all", "nums"), 3);
          assert.equal(await r.smove("all", "moved", "a"), 1);
          assert.deepEqual(await r.sdiff("tags", "moved"), await r.sdiff("tags", "moved"));
          assert.deepEqual((await r.sdiff("tags", "moved")).sort(), ["b", "c"]);
          const p = await r.spop("nums", 2);
          assert.equal(p.length, 2);
          assert.equal(await r.scard("nums"), 1);
          assert.equal((await r.srandmember("tags", -5) as string[]).length, 5);
          await assert.rejects(
            () => r.sadd("nums2", "1").then(() => r.hset("nums2", "f", "v")),
            /WRONGTYPE/,
          );
          await r.sadd("many", ...range(1, 2000).map((i) => `m${i}`));
          const seen = new Set<string>();
          await new Promise<void>((resolve, reject) => {
            const s = r.sscanStream("many", { count: 100 });
            s.on("data", (chunk: string[]) => chunk.forEach((m) => seen.add(m)));
            s.on("end", () => resolve());
            s.on("error", reject);
          });
          assert.equal(seen.size, 2000);
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

// --- in-process: propagation, dirty counts, SSCAN under modification ------------------

Deno.test("set writes: propagation as Redis 7.0 (SPOP -> SREM / DEL), dirty counts", () => {
  const o = inProcess();
  const prop = (argv: string[], ...expected: string[][]) => {
    o.propagated.length = 0;
    const r = o.call(...argv);
    assert.deepEqual(o.propagated, expected, argv.join(" "));
    return r;
  };
  prop(c("SADD", "s", "a", "b", "c", "d", "e"), c("SADD", "s", "a", "b", "c", "d", "e"));
  prop(c("SADD", "s", "a"));
  prop(c("SREM", "s", "zz"));
  prop(c("SREM", "nokey", "zz"));
  // the member popped is random: the expected propagation follows the reply
  o.propagated.length = 0;
  const popped = o.call("SPOP", "s") as string;
  assert.deepEqual(o.propagated, [["SREM", "s", popped]]);
  o.propagated.length = 0;
  const one = o.call("SPOP", "s", "1") as string[];
  assert.deepEqual(o.propagated, [["SREM", "s", one[0]]]);
  o.propagated.length = 0;
  const two = o.call("SPOP", "s", "2") as string[];
  assert.deepEqual(o.propagated, [["MULTI"], ["SREM", "s", two[0]], ["SREM", "s", two[1]], [
    "EXEC",
  ]]);
  prop(c("SPOP", "s", "0"));
  prop(c("SPOP", "nokey"));
  prop(c("SPOP", "nokey", "3"));
  prop(c("SPOP", "s", "10"), c("DEL", "s"));
  assert.equal(o.client.db.has("s"), false);
  // the last member popped without a count is an SREM (the key goes away)
  o.call("SADD", "s", "x");
  prop(c("SPOP", "s"), c("SREM", "s", "x"));
  assert.equal(o.client.db.has("s"), false);
  o.call("SADD", "s", "1", "2");
  prop(c("SMOVE", "s", "t", "1"), c("SMOVE", "s", "t", "1"));
  prop(c("SMOVE", "s", "t", "9"));
  prop(c("SMOVE", "nokey", "t", "1"));
  prop(c("SINTERSTORE", "none", "nokey"));
  prop(c("SINTERSTORE", "t", "nokey"), c("SINTERSTORE", "t", "nokey"));
  prop(c("SUNIONSTORE", "u", "s"), c("SUNIONSTORE", "u", "s"));
  prop(c("SINTER", "s", "u"));
  const dirty = (argv: string[], n: number) => {
    const before = o.srv.dirty;
    o.call(...argv);
    assert.equal(o.srv.dirty - before, n, argv.join(" "));
  };
  dirty(c("SADD", "d", "a", "b", "a"), 2);
  dirty(c("SREM", "d", "a", "z"), 1);
  dirty(c("SREM", "d", "z"), 0);
  // a TTL survives in-place changes; a STORE replaces it
  o.call("EXPIRE", "d", "100");
  o.call("SADD", "d", "q");
  o.call("SREM", "d", "q");
  o.call("SPOP", "d", "0");
  assert.ok(o.client.db.getExpire("d") !== undefined);
  o.call("SUNIONSTORE", "d", "d");
  assert.equal(o.client.db.getExpire("d"), undefined);
});

Deno.test("SPOP with a count inside MULTI/EXEC is not wrapped twice", () => {
  const o = inProcess();
  o.call("SADD", "s", "a", "b", "c", "d");
  o.propagated.length = 0;
  o.call("MULTI");
  o.call("SPOP", "s", "2");
  o.call("EXEC");
  assert.equal(
    o.propagated.filter((a) => a[0] === "MULTI").length,
    1,
    JSON.stringify(o.propagated),
  );
  assert.equal(o.propagated.filter((a) => a[0] === "SREM").length, 2);
});

Deno.test("SSCAN returns every member present throughout, under modification", () => {
  const o = inProcess();
  const rnd = prng(11);
  for (const count of [1, 4, 10, 50]) {
    o.call("FLUSHALL");
    o.call("SADD", "s", ...Array.from({ length: 700 }, (_, i) => `m${i}`));
    const stable = new Set<string>();
    for (let i = 0; i < 700; i++) if (i % 4 !== 0) stable.add(`m${i}`);
    const seen = new Set<string>();
    let cursor = "0", calls = 0, added = 0;
    do {
      const r = o.call("SSCAN", "s", cursor, "COUNT", String(count)) as [string, string[]];
      cursor = r[0];
      assert.ok(r[1].length <= count, "O(COUNT) per call");
      for (const m of r[1]) seen.add(m);
      for (let k = 0; k < 3; k++) o.call("SREM", "s", `m${4 * Math.floor(rnd() * 175)}`);
      if (rnd() < 0.5) o.call("SADD", "s", `new${added++}`);
      o.call("SPOP", "s", "0");
      assert.ok(++calls < 5000, "iteration ends");
    } while (cursor !== "0");
    for (const m of stable) assert.ok(seen.has(m), `count ${count}: ${m} missing`);
  }
});

Deno.test("RedisSet: encodings, order, clone, random pops", () => {
  for (const s of ["0", "1", "-1", LLMAX, LLMIN, "123"]) assert.ok(isIntsetMember(s), s);
  for (const s of ["", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "9223372036854775808", "a"]) {
    assert.ok(!isIntsetMember(s), s);
  }
  const s = RedisSet.forMember("5");
  for (const m of ["5", "-2", "10", "1"]) s.add(m, 4);
  assert.equal(s.encoding(), "intset");
  assert.deepEqual(s.members(), ["-2", "1", "5", "10"]);
  s.delete("1");
  assert.deepEqual(s.members(), ["-2", "5", "10"]);
  const copy = s.clone();
  s.add("7", 4);
  s.add("8", 4);
  assert.equal(s.encoding(), "hashtable");
  assert.equal(copy.encoding(), "intset");
  assert.deepEqual(copy.members(), ["-2", "5", "10"]);
  const big = RedisSet.from(["9007199254740993", "9007199254740992", LLMAX, LLMIN]);
  assert.deepEqual(big.members(), [LLMIN, "9007199254740992", "9007199254740993", LLMAX]);
  const popped = new Set<string>();
  while (s.size) popped.add(s.popRandom());
  assert.deepEqual([...popped].sort(), ["-2", "10", "5", "7", "8"]);
  assert.equal(RedisSet.forMember("x").encoding(), "hashtable");
});
