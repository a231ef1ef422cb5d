// Real client libraries with their default protocol against our server:
// node-redis 6 (RESP3 by default: HELLO 3, maps, sets, doubles, pushes for
// pub/sub and client-side caching invalidations), redis-py 8 (RESP3 by default;
// also protocol=2/3, from_url and the asyncio client, in a venv from the local
// package index; ignored when that cannot be installed) and ioredis 5 (RESP2
// only: it sends no HELLO).
import assert from "node:assert/strict";
import { BasicClientSideCache, createClient } from "redis";
import { Redis } from "ioredis";
import { ROOT, run, type ServerProc, startServer, waitFor } from "./helpers.ts";

type NodeRedis = any;

/** A node-redis client; its error events are collected (an unhandled one would throw). */
async function nodeRedis(
  port: number,
  errors: unknown[],
  options: Record<string, unknown> = {},
): Promise<NodeRedis> {
  const client = createClient({
    url: `redis://127.0.0.1:${port}`,
    // a failed handshake must fail connect(), not retry forever
    socket: { reconnectStrategy: false, connectTimeout: 5000 },
    ...options,
  });
  client.on("error", (e: unknown) => errors.push(e));
  await client.connect();
  return client;
}

const respOf = async (client: NodeRedis): Promise<number> => {
  const info = String(await client.sendCommand(["CLIENT", "INFO"]));
  return Number(/ resp=(\d)/.exec(info)?.[1]);
};

/** Keys of every batch an async iterator yields (node-redis yields arrays). */
async function collect<T>(it: AsyncIterable<T | T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of it) out.push(...(Array.isArray(batch) ? batch : [batch]));
  return out;
}

Deno.test({
  name: "node-redis 6 against our server",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    let srv: ServerProc | null = null;
    const clients: NodeRedis[] = [];
    const errors: unknown[] = [];
    const open = async (options: Record<string, unknown> = {}) => {
      const cl = await nodeRedis(srv!.port, errors, options);
      clients.push(cl);
      return cl;
    };
    try {
      srv = await startServer();

      await t.step("default options: SET/GET", async () => {
        const cl = await open();
        assert.equal(await cl.set("default", "v"), "OK");
        assert.equal(await cl.get("default"), "v");
        assert.equal(await cl.get("missing"), null);
        console.log(`node-redis default protocol: RESP${await respOf(cl)}`);
      });

      const r = await open({ RESP: 3 });
      await t.step("RESP: 3 negotiates RESP3 (HELLO 3)", async () => {
        assert.equal(await respOf(r), 3);
        const hello = await r.hello();
        assert.equal(hello.proto, 3);
        assert.equal(hello.server, "redis");
      });

      await t.step("strings", async () => {
        assert.equal(await r.set("s", "hello"), "OK");
        assert.equal(await r.get("s"), "hello");
        assert.equal(await r.get("missing"), null);
        assert.deepEqual(await r.mGet(["s", "missing"]), ["hello", null]);
        assert.equal(await r.set("s", "x", { NX: true }), null);
        assert.equal(await r.set("s", "world", { GET: true }), "hello");
        assert.equal(await r.incr("n"), 1);
        assert.equal(await r.incrBy("n", 10), 11);
        assert.equal(await r.incrByFloat("f", 1.5), "1.5");
        assert.equal(await r.set("e", "v", { EX: 100 }), "OK");
        assert.equal(await r.ttl("e"), 100);
        assert.equal(await r.getEx("e", { type: "PERSIST" }), "v");
        assert.equal(await r.ttl("e"), -1);
        await assert.rejects(r.incr("s"), /value is not an integer or out of range/);
      });

      await t.step("hashes: hGetAll is an object", async () => {
        assert.equal(await r.hSet("h", { a: "1", b: "2" }), 2);
        assert.deepEqual({ ...(await r.hGetAll("h")) }, { a: "1", b: "2" });
        assert.deepEqual({ ...(await r.hGetAll("missing")) }, {});
        assert.equal(await r.hGet("h", "zz"), null);
        assert.deepEqual(await r.hmGet("h", ["a", "zz"]), ["1", null]);
        assert.equal(await r.hIncrByFloat("h", "c", 0.5), "0.5");
        assert.deepEqual((await r.hKeys("h")).sort(), ["a", "b", "c"]);
        const entries = await collect<{ field: string; value: string }>(r.hScanIterator("h"));
        assert.deepEqual(
          entries.map((e) => `${e.field}=${e.value}`).sort(),
          ["a=1", "b=2", "c=0.5"],
        );
      });

      await t.step("sets", async () => {
        assert.equal(await r.sAdd("st", ["x", "y", "z"]), 3);
        assert.deepEqual((await r.sMembers("st")).sort(), ["x", "y", "z"]);
        assert.deepEqual(await r.sMembers("missing"), []);
        assert.equal(await r.sIsMember("st", "x"), 1);
        assert.equal(await r.sIsMember("st", "q"), 0);
        assert.deepEqual(await r.smIsMember("st", ["x", "q"]), [1, 0]);
        assert.deepEqual((await r.sInter(["st", "st"])).sort(), ["x", "y", "z"]);
        assert.deepEqual((await collect<string>(r.sScanIterator("st"))).sort(), ["x", "y", "z"]);
      });

      await t.step("sorted sets: scores are numbers", async () => {
        assert.equal(
          await r.zAdd("z", [
            { score: 1, value: "a" },
            { score: 2.5, value: "b" },
            { score: Infinity, value: "c" },
          ]),
          3,
        );
        assert.deepEqual(await r.zRangeWithScores("z", 0, -1), [
          { value: "a", score: 1 },
          { value: "b", score: 2.5 },
          { value: "c", score: Infinity },
        ]);
        assert.deepEqual(await r.zRange("z", 0, 0), ["a"]);
        assert.equal(await r.zScore("z", "b"), 2.5);
        assert.equal(await r.zScore("z", "c"), Infinity);
        assert.equal(await r.zScore("z", "zz"), null);
        assert.deepEqual(await r.zmScore("z", ["a", "zz"]), [1, null]);
        assert.equal(await r.zIncrBy("z", 1, "a"), 2);
        assert.deepEqual(await r.zPopMin("z"), { value: "a", score: 2 });
        assert.deepEqual(await r.zPopMinCount("z", 1), [{ value: "b", score: 2.5 }]);
        assert.equal(await r.zRank("z", "c"), 0);
        await r.zAdd("z", [{ score: 0.1, value: "t" }]);
        assert.deepEqual(await collect(r.zScanIterator("z")), [
          { value: "t", score: 0.1 },
          { value: "c", score: Infinity },
        ]);
      });

      await t.step("lists", async () => {
        assert.equal(await r.rPush("l", ["1", "2", "3"]), 3);
        assert.deepEqual(await r.lRange("l", 0, -1), ["1", "2", "3"]);
        assert.equal(await r.lPop("l"), "1");
        assert.equal(await r.lPop("missing"), null);
        assert.deepEqual(await r.lPopCount("l", 5), ["2", "3"]);
        assert.equal(await r.blPop("missing", 0.05), null);
        await r.rPush("l", "x");
        assert.deepEqual(await r.blPop(["missing", "l"], 1), { key: "l", element: "x" });
        assert.equal(await r.lPos("l", "zz"), null);
      });

      await t.step("multi/exec and pipelines", async () => {
        const replies = await r.multi()
          .set("m", "1")
          .incr("m")
          .get("m")
          .hGetAll("h")
          .zScore("z", "c")
          .exec();
        assert.deepEqual(replies.slice(0, 3), ["OK", 2, "2"]);
        assert.deepEqual({ ...replies[3] }, { a: "1", b: "2", c: "0.5" });
        assert.equal(replies[4], Infinity);
        const piped = await r.multi().get("m").get("missing").sMembers("st").execAsPipeline();
        assert.deepEqual([piped[0], piped[1], [...piped[2]].sort()], [
          "2",
          null,
          ["x", "y", "z"],
        ]);
        // auto-pipelining: commands of one tick go out together
        assert.deepEqual(await Promise.all([r.get("m"), r.incr("m"), r.get("m")]), [
          "2",
          3,
          "3",
        ]);
        // WATCH on another connection
        const w = await open({ RESP: 3 });
        await w.watch("watched");
        await r.set("watched", "changed");
        await assert.rejects(w.multi().get("watched").exec(), /WATCH|watch/);
      });

      await t.step("scanIterator", async () => {
        await r.mSet(
          Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`key:${i}`, `${i}`])),
        );
        const keys = await collect<string>(r.scanIterator({ MATCH: "key:*", COUNT: 7 }));
        assert.equal(keys.length, 60);
        assert.equal(new Set(keys).size, 60);
        assert.deepEqual(await collect<string>(r.scanIterator({ TYPE: "zset" })), ["z"]);
      });

      await t.step("pub/sub: a subscriber gets messages (RESP3 pushes)", async () => {
        const sub = await open({ RESP: 3 });
        const got: string[] = [];
        await sub.subscribe("news", (message: string, channel: string) => {
          got.push(`${channel}:${message}`);
        });
        await sub.pSubscribe("n*", (message: string, channel: string) => {
          got.push(`pattern ${channel}:${message}`);
        });
        assert.deepEqual(await r.pubSubNumSub("news"), { news: 1 });
        assert.equal(await r.publish("news", "hello"), 2);
        await waitFor(() => got.length >= 2, "two messages");
        assert.deepEqual(got.sort(), ["news:hello", "pattern news:hello"]);
        // a RESP3 client may run ordinary commands while subscribed
        assert.equal(await sub.get("s"), "world");
        assert.equal(await sub.ping(), "PONG");
        await sub.unsubscribe("news");
        await sub.pUnsubscribe("n*");
        assert.equal(await r.publish("news", "gone"), 0);
        assert.equal(await sub.get("missing"), null);
      });

      await t.step("client-side caching: hit served locally, invalidated by a SET", async () => {
        const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
        const invalidated: string[] = [];
        cache.on("invalidate", (key: unknown) => invalidated.push(String(key)));
        const cc = await open({ RESP: 3, clientSideCache: cache });
        await r.set("cached", "1");
        assert.equal(await cc.get("cached"), "1"); // a miss: read from the server, stored
        assert.equal(cache.size(), 1);
        assert.equal(await cc.get("cached"), "1"); // a hit: served from the cache
        let stats = cache.stats();
        assert.deepEqual([stats.hitCount, stats.missCount], [1, 1]);
        await r.set("cached", "2"); // the server pushes `invalidate [cached]` to cc
        await waitFor(() => cache.size() === 0, "the invalidation push");
        assert.deepEqual(invalidated, ["cached"]);
        assert.equal(await cc.get("cached"), "2");
        stats = cache.stats();
        assert.deepEqual([stats.hitCount, stats.missCount], [1, 2]);
        assert.equal(await cc.get("cached"), "2");
        assert.equal(cache.stats().hitCount, 2);
      });

      await t.step("no client error events", () => {
        assert.deepEqual(errors.map(String), []);
      });
    } finally {
      for (const cl of clients) {
        try {
          cl.destroy();
        } catch { /* closed */ }
      }
      await srv?.stop();
    }
  },
});

// --- redis-py in a venv (from the machine's package index) --------------------

const VENV = `${Deno.env.get("HOME") ?? "/tmp"}/.cache/redis-ts-venv`;
const PY = `${VENV}/bin/python`;

/** redis-py importable in the venv (creating it and installing redis if needed), or why not. */
async function redisPy(): Promise<string | null> {
  const has = async () => (await run(PY, ["-c", "import redis"]).catch(() => null))?.code === 0;
  if (await has()) return null;
  const venv = await run("python3", ["-m", "venv", VENV]).catch((e) => ({
    code: -1,
    stdout: "",
    stderr: String(e),
  }));
  if (venv.code !== 0) return `python3 -m venv failed: ${venv.stderr.trim().slice(-300)}`;
  const pip = await run(`${VENV}/bin/pip`, ["install", "--quiet", "redis>=8,<9"]);
  if (pip.code !== 0) return `pip install redis failed: ${pip.stderr.trim().slice(-300)}`;
  return await has() ? null : "redis does not import after pip install";
}

const noRedisPy = await redisPy();
if (noRedisPy) console.log(`redis-py test ignored: ${noRedisPy}`);

Deno.test({
  name: "redis-py (defaults, protocol=2/3, from_url, asyncio) against our server",
  ignore: noRedisPy !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const srv = await startServer();
    try {
      const r = await run(PY, [`${ROOT}tests/clients/redis_py_check.py`, String(srv.port)]);
      const out = `${r.stdout}${r.stderr}`;
      assert.equal(r.code, 0, `redis_py_check.py failed:\n${out}`);
      assert.match(r.stdout, /^OK \d+ checks$/m);
      console.log(r.stdout.trim().split("\n").join("; "));
    } finally {
      await srv.stop();
    }
  },
});

// --- ioredis: RESP2 only --------------------------------------------------------

Deno.test({
  name: "ioredis 5 (RESP2, no HELLO) still works",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const srv = await startServer();
    const r = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true });
    const sub = new Redis({ port: srv.port, host: "127.0.0.1", lazyConnect: true });
    try {
      await r.connect();
      await sub.connect();
      const info = await r.client("INFO") as string;
      assert.match(info, / resp=2\n/);
      assert.equal(await r.set("k", "v"), "OK");
      assert.equal(await r.get("k"), "v");
      assert.equal(await r.get("missing"), null);
      await r.hset("h", { a: "1", b: "2" });
      assert.deepEqual(await r.hgetall("h"), { a: "1", b: "2" });
      await r.zadd("z", 1.5, "m", "inf", "top");
      assert.deepEqual(await r.zrange("z", 0, -1, "WITHSCORES"), ["m", "1.5", "top", "inf"]);
      assert.equal(await r.zscore("z", "m"), "1.5");
      assert.deepEqual(await r.multi().incr("n").incr("n").exec(), [[null, 1], [null, 2]]);
      const got: string[] = [];
      sub.on("message", (ch: string, msg: string) => got.push(`${ch}:${msg}`));
      await sub.subscribe("ch");
      assert.equal(await r.publish("ch", "hi"), 1);
      await waitFor(() => got.length === 1, "ioredis message");
      assert.deepEqual(got, ["ch:hi"]);
    } finally {
      r.disconnect();
      sub.disconnect();
      await srv.stop();
    }
  },
});
