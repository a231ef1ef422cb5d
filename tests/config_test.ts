// The configuration table against a real redis-server 7.0: CONFIG GET of
// every directive we have (aliases included) must give Redis's default, under
// the same names; CONFIG SET must accept, refuse and normalise values as Redis
// does (ranges, memory units, immutable directives, enum and bool values);
// aliases must be one directive. The shard pub/sub counters of INFO and
// CLIENT LIST are compared here too (they are plain counters of the server's
// state, like CONFIG GET).
import assert from "node:assert/strict";
import { type ServerProc, startRealRedis, startServer } from "./helpers.ts";
import { RawConn } from "./rawconn.ts";
import { Config, DIRECTIVES } from "../server/config.ts";

/**
 * Directives whose value differs from Redis's by design, with the reason.
 * Everything else in our table must equal what redis-server 7.0 reports.
 */
const DIFFERENT_BY_DESIGN: Record<string, string> = {
  port: "each server listens on its own free port",
  dir: "the working directory: each server runs in its own temp dir (checked separately)",
  "io-threads": "ours: 0 = sockets in the owner, N = I/O worker isolates (the effective " +
    "mode is shown); Redis: 1 = main thread only",
};

/** CONFIG SET checks skipped, with the reason. */
const SET_SKIPPED: Record<string, string> = {
  port: "CONFIG SET port would move the server",
  dir: "protected config in Redis (enable-protected-configs); not enforced by ours yet",
  dbfilename: "protected config in Redis (enable-protected-configs); not enforced by ours yet",
  "tls-port": "we serve no TLS: ours refuses to change it (Redis would try to listen)",
  activedefrag: "Debian's redis-server is built without jemalloc and refuses 'yes'",
};

/** Every name CONFIG GET shows for our table: each directive and its aliases. */
const NAMES: string[] = DIRECTIVES.filter((d) => !d.sensitive && !d.hidden).flatMap((d) => [
  d.name,
  ...(d.aliases ?? []),
]);

/** A flat RESP2 array of bulk strings as pairs. */
function pairs(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  const items: string[] = [];
  let p = raw.indexOf("\r\n") + 2;
  while (p < raw.length) {
    const eol = raw.indexOf("\r\n", p);
    const n = Number(raw.slice(p + 1, eol));
    items.push(raw.slice(eol + 2, eol + 2 + n));
    p = eol + 4 + n;
  }
  for (let i = 0; i + 1 < items.length; i += 2) out.set(items[i], items[i + 1]);
  return out;
}

const INT_VALUES = [
  "-9223372036854775809",
  "-9223372036854775808",
  "-2147483649",
  "-1",
  "-0",
  "0",
  "05",
  "+5",
  " 5",
  "7",
  "1000",
  "65536",
  "2147483648",
  "4294967296",
  "9223372036854775807",
  "9223372036854775808",
  "99999999999999999999",
  "abc",
  "1k",
  "",
];
const MEMORY_VALUES = [
  "-1",
  "0",
  "05",
  "+5",
  "5b",
  "1k",
  "1KB",
  "3mb",
  "2G",
  "1gb",
  "1tb",
  "1.5mb",
  "9223372036854775807",
  "9223372036854775808",
  "18446744073709551615",
  "99999999999999999999",
  "20000000000gb",
  "abc",
  "",
  "kb",
  "1 ",
  "0x10",
  "1e3",
];
const WORD_VALUES = ["yes", "no", "YES", "No", "bogus", "", "1"];

Deno.test({
  name: "CONFIG GET / SET match redis-server 7.0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    let a: RawConn | null = null, b: RawConn | null = null;
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      a = await RawConn.open(ours.port);
      b = await RawConn.open(real.port);
      const oursC = a, realC = b, oursP = ours, realP = real;
      const both = async (...argv: string[]): Promise<[string, string]> => {
        const [x, y] = await Promise.all([oursC.cmd(...argv), realC.cmd(...argv)]);
        return [x, y];
      };

      await t.step("CONFIG GET * has Redis's default for every name we have", async () => {
        const [x, y] = await both("CONFIG", "GET", "*");
        const mine = pairs(x), theirs = pairs(y);
        assert.deepEqual([...mine.keys()].sort(), [...NAMES].sort());
        for (const name of NAMES) {
          assert.ok(theirs.has(name), `redis-server has no directive '${name}'`);
          if (name in DIFFERENT_BY_DESIGN) continue;
          assert.equal(mine.get(name), theirs.get(name), `default of '${name}'`);
        }
        // the differences by design are what they say
        assert.equal(mine.get("port"), String(oursP.port));
        assert.equal(theirs.get("port"), String(realP.port));
        assert.equal(mine.get("dir"), await Deno.realPath(oursP.dir));
        assert.equal(theirs.get("dir"), await Deno.realPath(realP.dir));
        assert.match(mine.get("io-threads")!, /^\d+$/);
      });

      await t.step("CONFIG GET by each name, alias and glob: identical replies", async () => {
        for (const name of NAMES) {
          if (name in DIFFERENT_BY_DESIGN) continue;
          const [x, y] = await both("CONFIG", "GET", name);
          assert.equal(x, y, name);
          const [u, v] = await both("CONFIG", "GET", name.toUpperCase());
          assert.equal(u, v, name.toUpperCase());
        }
        for (const glob of ["*-max-ziplist-*", "*listpack*", "slave-*", "repl-ping-*", "nope*"]) {
          const [x, y] = await both("CONFIG", "GET", glob);
          // (Redis has directives we do not: compare the names we have)
          const theirs = [...pairs(y)].filter(([k]) => NAMES.includes(k));
          assert.deepEqual([...pairs(x)].sort(), theirs.sort(), glob);
        }
      });

      await t.step("CONFIG SET: ranges, units, immutables and canonical values", async () => {
        for (const d of DIRECTIVES) {
          if (d.sensitive || d.name in SET_SKIPPED) continue;
          const values = d.type === "int"
            ? INT_VALUES
            : d.type === "memory"
            ? MEMORY_VALUES
            : d.type === "bool" || d.type === "enum"
            ? [...WORD_VALUES, ...(d.values ?? []).map((v) => v.toUpperCase())]
            : [];
          for (const v of values) {
            // above the process's open-file limit Redis refuses with a message naming it
            if (d.name === "maxclients" && Number(v) > 10000 && Number(v) < 2 ** 32) continue;
            for (const name of [d.name, ...(d.aliases ?? [])]) {
              const [x, y] = await both("CONFIG", "SET", name, v);
              assert.equal(x, y, `CONFIG SET ${name} ${JSON.stringify(v)}`);
              if (y === "+OK\r\n") {
                const [g, h] = await both("CONFIG", "GET", d.name);
                assert.equal(g, h, `CONFIG GET ${d.name} after setting ${JSON.stringify(v)}`);
              }
            }
          }
          if (d.mutable) {
            const [x, y] = await both("CONFIG", "SET", d.name, d.default);
            assert.equal(x, y, `restoring ${d.name}`);
          }
        }
      });

      await t.step("an alias and its directive are one setting", async () => {
        const aliased = DIRECTIVES.filter((d) => d.aliases && d.mutable && d.type === "int");
        assert.ok(aliased.length >= 6);
        for (const d of aliased) {
          for (const alias of d.aliases!) {
            const [x, y] = await both("CONFIG", "SET", alias, "7");
            assert.equal(x, "+OK\r\n", alias);
            assert.equal(y, "+OK\r\n", alias);
            const [g, h] = await both("CONFIG", "GET", d.name);
            assert.equal(g, h);
            assert.equal(pairs(g).get(d.name), "7", `${alias} sets ${d.name}`);
            await both("CONFIG", "SET", d.name, d.default);
            const [u, v] = await both("CONFIG", "GET", alias);
            assert.equal(u, v);
            assert.equal(pairs(u).get(alias), d.default, `${d.name} shows through ${alias}`);
          }
        }
      });

      await t.step("shard channels in INFO and CLIENT LIST", async () => {
        const subs = await Promise.all([
          RawConn.open(oursP.port),
          RawConn.open(realP.port),
          RawConn.open(oursP.port),
          RawConn.open(realP.port),
        ]);
        try {
          // ssub counts of one client, and distinct shard channels server-wide
          // (all three acks are read: a later command's reply must be its own)
          await Promise.all([
            subs[0].send([["SSUBSCRIBE", "a", "b", "c"]]),
            subs[1].send([["SSUBSCRIBE", "a", "b", "c"]]),
          ]);
          await Promise.all([subs[0].read(3), subs[1].read(3)]);
          await Promise.all([
            subs[2].send([["SSUBSCRIBE", "a", "d"]]),
            subs[3].send([["SSUBSCRIBE", "a", "d"]]),
          ]);
          await Promise.all([subs[2].read(2), subs[3].read(2)]);
          const field = (info: string) => /pubsubshard_channels:(\d+)/.exec(info)?.[1];
          const [x, y] = await both("INFO", "stats");
          assert.equal(field(x), "4");
          assert.equal(field(y), "4");
          const ssubs = (list: string) =>
            [...list.matchAll(/ sub=(\d+) psub=(\d+) ssub=(\d+) /g)].map((m) =>
              m.slice(1).join("/")
            )
              .sort();
          const [l1, l2] = await both("CLIENT", "LIST");
          assert.deepEqual(ssubs(l1), ["0/0/0", "0/0/2", "0/0/3"]);
          assert.deepEqual(ssubs(l1), ssubs(l2));
          await Promise.all([subs[0].cmd("SUNSUBSCRIBE", "b"), subs[1].cmd("SUNSUBSCRIBE", "b")]);
          const [p, q] = await both("INFO", "stats");
          assert.equal(field(p), "3");
          assert.equal(field(q), "3");
        } finally {
          for (const s of subs) await s.close();
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

Deno.test("aliases resolve to one directive in the table", () => {
  const cfg = new Config();
  const seen = new Set<string>();
  for (const n of NAMES) {
    assert.ok(!seen.has(n), `'${n}' is declared twice`);
    seen.add(n);
  }
  for (
    const [alias, name] of [
      ["list-max-ziplist-size", "list-max-listpack-size"],
      ["zset-max-ziplist-entries", "zset-max-listpack-entries"],
      ["zset-max-ziplist-value", "zset-max-listpack-value"],
      ["hash-max-ziplist-entries", "hash-max-listpack-entries"],
      ["hash-max-ziplist-value", "hash-max-listpack-value"],
      ["slave-announce-ip", "replica-announce-ip"],
      ["repl-ping-slave-period", "repl-ping-replica-period"],
    ]
  ) {
    cfg.set(alias, [alias.endsWith("-ip") ? "10.0.0.1" : "9"]);
    assert.equal(cfg.get(name), alias.endsWith("-ip") ? "10.0.0.1" : "9", alias);
  }
  cfg.set("zset-max-ziplist-value", ["1kb"]);
  assert.equal(cfg.int("zset-max-listpack-value"), 1024);
  cfg.set("hz", ["0"]);
  assert.equal(cfg.get("hz"), "1");
  cfg.set("hz", ["100000"]);
  assert.equal(cfg.get("hz"), "500");
});
