// HyperLogLog against a real redis-server 7.0: after the same PFADDs the
// stored strings must be byte-identical (sparse and dense encodings, the
// sparse -> dense promotion, the cached cardinality in the header), and every
// PFCOUNT / PFMERGE / PFDEBUG reply identical.
import assert from "node:assert/strict";
import { startRealRedis, startServer } from "./helpers.ts";
import { diffReplies, prng, RawConn } from "./rawconn.ts";
import { Config } from "../server/config.ts";
import { Server } from "../server/keyspace/owner.ts";

const c = (...a: string[]) => a;

/** Elements added one by one across the sparse -> dense boundary, with GETs along the way. */
function growth(): string[][] {
  const out: string[][] = [["FLUSHALL"]];
  for (let i = 0; i < 2500; i++) {
    out.push(["PFADD", "g", "el:" + i]);
    if (i % 9 === 0) out.push(["GET", "g"]);
    if (i % 31 === 0) out.push(["PFCOUNT", "g"], ["GET", "g"]);
  }
  out.push(["PFDEBUG", "ENCODING", "g"], ["GET", "g"]);
  return out;
}

/** Large cardinalities: dense registers, the estimator far from the small range. */
function bulk(): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < 300; i++) {
    const els: string[] = [];
    for (let j = 0; j < 400; j++) els.push("big:" + (i * 400 + j));
    out.push(["PFADD", "big", ...els]);
    if (i % 15 === 0) out.push(["PFCOUNT", "big"], ["GET", "big"]);
  }
  out.push(
    ["PFCOUNT", "big", "g"],
    ["PFMERGE", "m", "g"],
    ["GET", "m"],
    ["PFMERGE", "m2", "g", "big"],
    ["GET", "m2"],
    ["PFCOUNT", "m2"],
    ["GET", "m2"],
    ["PFDEBUG", "GETREG", "g"],
    ["GET", "g"],
  );
  return out;
}

/** Random binary elements on a few keys, merges and counts mixed in. */
function randomMix(seed: number, n: number): string[][] {
  const rnd = prng(seed);
  const keys = ["h1", "h2", "h3", "h4"];
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const out: string[][] = [["FLUSHALL"]];
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    const r = rnd();
    if (r < 0.7) {
      const els: string[] = [];
      for (let j = 1 + Math.floor(rnd() * 20); j > 0; j--) {
        let e = "";
        for (let q = Math.floor(rnd() * 20); q > 0; q--) {
          e += String.fromCharCode(Math.floor(rnd() * 256));
        }
        els.push(e);
      }
      out.push(["PFADD", k, ...els], ["GET", k]);
    } else if (r < 0.85) out.push(["PFCOUNT", k], ["GET", k]);
    else if (r < 0.9) out.push(["PFCOUNT", k, pick(keys)]);
    else if (r < 0.95) out.push(["PFMERGE", pick(keys), k, pick(keys)], ["GET", k]);
    else {
      out.push(["PFDEBUG", "ENCODING", k]);
      if (rnd() < 0.1) out.push(["DEL", k]);
    }
  }
  return out;
}

const HDR = "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80";

/** Corrupt and foreign values: the same errors, the same (un)changed values. */
function corrupt(): string[][] {
  const out: string[][] = [["FLUSHALL"], ["PFADD", "s", "a", "b"]];
  const tails = [
    "\x7f\xff\x80",
    "\x7f\xff\x00",
    "\x7f\xfe\x80\x80",
    "\x7f\xfe\x84",
    "\x7f\xfd\x84",
    "\x7f",
    "",
  ];
  const ops = [
    c("PFCOUNT", "bad", "s"),
    c("PFMERGE", "d", "bad"),
    c("PFMERGE", "bad", "s"),
    c("PFDEBUG", "TODENSE", "bad"),
    c("PFDEBUG", "DECODE", "bad"),
    c("PFCOUNT", "bad"),
    c("PFADD", "bad", "a", "b", "c"),
  ];
  for (const tail of tails) {
    for (const op of ops) {
      out.push(["SET", "bad", HDR + tail], ["DEL", "d"], op, ["GET", "bad"], ["GET", "d"]);
    }
  }
  out.push(
    c("SET", "bad", "HYLL\x00" + "\x00".repeat(11) + "\x7f\xfe"), // dense of the wrong size
    c("PFADD", "bad", "a"),
    c("PFCOUNT", "bad"),
    c("SET", "bad", "HYLL\x02" + "\x00".repeat(11) + "\x7f\xfe"), // unknown encoding
    c("PFADD", "bad", "a"),
    c("SET", "bad", "HYLL\x01\x00\x00\x00\x05" + "\x00".repeat(7) + "\x7f\xff"), // cached 5
    c("PFCOUNT", "bad"),
    c("GET", "bad"),
    c("RPUSH", "lst", "a"),
    c("PFADD", "lst", "a"),
    c("PFCOUNT", "lst"),
    c("PFCOUNT", "lst", "s"),
    c("PFMERGE", "lst", "s"),
    c("PFMERGE", "s", "lst"),
    c("SET", "str", "hello"),
    c("PFADD", "str", "a"),
    c("PFCOUNT", "str"),
    c("PFMERGE", "x", "str"),
    c("PFADD", "empty"),
    c("GET", "empty"),
    c("PFADD", "empty"),
    c("PFCOUNT", "empty"),
    c("GET", "empty"),
    c("PFMERGE", "nothing"),
    c("GET", "nothing"),
    c("PFMERGE", "nothing2", "nokey"),
    c("GET", "nothing2"),
    c("PFCOUNT", "nokey"),
    c("PFCOUNT", "nokey", "nokey2"),
    c("PFADD"),
    c("PFCOUNT"),
    c("PFMERGE"),
    c("PFDEBUG", "DECODE", "s"),
    c("PFDEBUG", "ENCODING", "s"),
    c("PFDEBUG", "TODENSE", "s"),
    c("GET", "s"),
    c("PFDEBUG", "TODENSE", "s"),
    c("PFDEBUG", "DECODE", "s"),
    c("PFDEBUG", "foo", "s"),
    c("PFDEBUG", "getreg", "nokey"),
    c("PFDEBUG", "encoding", "str"),
    c("PFADD", "u", "\xff\xfe\x00abc", "", "x".repeat(1000)),
    c("GET", "u"),
  );
  return out;
}

/** hll-sparse-max-bytes decides when a sparse HLL becomes dense. */
function sparseLimit(): string[][] {
  const out: string[][] = [["CONFIG", "SET", "hll-sparse-max-bytes", "100"]];
  for (let i = 0; i < 60; i++) out.push(["PFADD", "t", "x" + i], ["GET", "t"]);
  out.push(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]);
  return out;
}

Deno.test({
  name: "hyperloglog: byte-identical values and replies with redis-server 7.0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const ours = await startServer();
    const real = await startRealRedis();
    const a = await RawConn.open(real.port);
    const b = await RawConn.open(ours.port);
    try {
      await t.step("growth across the sparse / dense boundary", async () => {
        assert.deepEqual(await diffReplies(a, b, growth()), []);
      });
      await t.step("large cardinalities, merges, GETREG", async () => {
        assert.deepEqual(await diffReplies(a, b, bulk(), 50), []);
      });
      await t.step("random binary elements", async () => {
        assert.deepEqual(await diffReplies(a, b, randomMix(11, 1500)), []);
      });
      await t.step("hll-sparse-max-bytes", async () => {
        assert.deepEqual(await diffReplies(a, b, sparseLimit()), []);
      });
      await t.step("corrupt values and wrong types", async () => {
        assert.deepEqual(await diffReplies(a, b, corrupt()), []);
      });
      await t.step("PFSELFTEST", async () => {
        assert.equal(await b.cmd("PFSELFTEST"), "+OK\r\n");
      });
    } finally {
      await a.close();
      await b.close();
      await ours.stop();
      await real.stop();
    }
  },
});

Deno.test("hyperloglog: what is propagated to replicas", () => {
  const srv = new Server(new Config());
  const client = srv.connect({ write: () => {}, close: () => {}, pendingBytes: () => 0 }, {
    addr: "127.0.0.1:1",
    laddr: "127.0.0.1:2",
    fd: 9,
  })!;
  const stream: string[] = [];
  srv.propagationTargets.push({ feed: (db, argv) => stream.push(`${db} ${argv.join(" ")}`) });
  const run = (...argv: string[]) => srv.feed(client, [argv]);
  run("PFADD", "h", "a", "b", "c");
  run("PFCOUNT", "h"); // refreshes the cached cardinality: a write
  run("PFCOUNT", "h"); // cached: nothing
  run("PFADD", "h", "a"); // no register changed
  run("PFCOUNT", "h", "h2"); // several keys: never cached
  run("PFMERGE", "h3", "h");
  // (checked against redis-cli --replica on redis-server 7.0.15)
  assert.deepEqual(stream, ["0 PFADD h a b c", "0 PFCOUNT h", "0 PFMERGE h3 h"]);
});
