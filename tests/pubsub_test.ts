// Pub/sub against a real redis-server 7.0: subscribe / unsubscribe replies,
// the subscribed-context errors, PUBSUB introspection and message delivery
// byte for byte; then real clients: an ioredis subscriber (message and
// pmessage events) and `redis-cli SUBSCRIBE`.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { cli, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { diffReplies, RawConn } from "./rawconn.ts";
import { Config } from "../server/config.ts";
import { Server } from "../server/keyspace/owner.ts";

const c = (...a: string[]) => a;

const SUBSCRIBER: string[][] = [
  c("UNSUBSCRIBE"),
  c("PUNSUBSCRIBE"),
  c("SUNSUBSCRIBE"),
  c("SUBSCRIBE", "a", "b", "a"),
  c("SSUBSCRIBE", "s1", "s2"),
  c("PSUBSCRIBE", "p*", "q?"),
  c("GET", "x"),
  c("SET", "x", "1"),
  c("PUBSUB", "NUMPAT"),
  c("MULTI"),
  c("PING"),
  c("PING", "hello"),
  c("SUNSUBSCRIBE", "s1", "nope"),
  c("UNSUBSCRIBE", "b", "zz"),
  c("PUNSUBSCRIBE", "q?"),
  c("UNSUBSCRIBE"),
  c("SUNSUBSCRIBE"),
  c("PUNSUBSCRIBE"),
  c("PUNSUBSCRIBE"),
  c("PING"),
  c("GET", "x"),
  c("SUBSCRIBE"),
  c("PSUBSCRIBE"),
  c("SSUBSCRIBE"),
];

const INTROSPECTION: string[][] = [
  c("PUBSUB"),
  c("PUBSUB", "HELP"),
  c("PUBSUB", "help", "x"),
  c("PUBSUB", "FOO"),
  c("PUBSUB", "NUMPAT", "x"),
  c("PUBSUB", "NUMSUB"),
  c("PUBSUB", "NUMSUB", "news", "nobody", "news"),
  c("PUBSUB", "SHARDNUMSUB", "shard1", "nobody"),
  c("PUBSUB", "NUMPAT"),
  c("PUBSUB", "CHANNELS", "new?"),
  c("PUBSUB", "CHANNELS", "nothing*"),
  c("PUBSUB", "CHANNELS", "a", "b"),
  c("PUBSUB", "channels", "a", "b"),
  c("PUBSUB", "SHARDCHANNELS", "shard*"),
  c("PUBSUB", "SHARDCHANNELS", "a", "b"),
  c("PUBLISH"),
  c("PUBLISH", "a"),
  c("SPUBLISH", "a"),
];

/** Messages one subscriber gets: channel and pattern deliveries, in order. */
const PUBLISHES: string[][] = [
  c("PUBLISH", "news", "hello"),
  c("PUBLISH", "news.tech", "chips"),
  c("PUBLISH", "nobody", "x"),
  c("PUBLISH", "news", "bin\x00\xff\r\n"),
  c("SPUBLISH", "shard1", "sharded"),
  c("SPUBLISH", "news", "not for channel subscribers"),
  c("PUBLISH", "shard1", "not for shard subscribers"),
];

/** Pattern deliveries go in the server's hash order of patterns: one pattern per subscriber. */
async function subscriberSetup(conn: RawConn): Promise<string[]> {
  return await conn.pipeline([
    c("SUBSCRIBE", "news", "end"),
    c("PSUBSCRIBE", "news*"),
    c("SSUBSCRIBE", "shard1"),
  ]);
}

/** Replies / pushes until one contains `marker`. */
async function readUntil(conn: RawConn, marker: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const [r] = await conn.read(1);
    out.push(r);
    if (r.includes(marker)) return out;
  }
}

Deno.test({
  name: "pubsub: byte-exact with redis-server 7.0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const ours = await startServer();
    const real = await startRealRedis();
    const conns: RawConn[] = [];
    const open = async (port: number) => {
      const conn = await RawConn.open(port);
      conns.push(conn);
      return conn;
    };
    try {
      await t.step("subscribe / unsubscribe replies and the subscribed context", async () => {
        const diffs = await diffReplies(
          await open(real.port),
          await open(ours.port),
          SUBSCRIBER,
          1,
        );
        assert.deepEqual(diffs, []);
      });

      await t.step("delivery and PUBSUB introspection", async () => {
        const got: string[][] = [];
        for (const port of [real.port, ours.port]) {
          const sub = await open(port), pub = await open(port), other = await open(port);
          const replies = await subscriberSetup(sub);
          replies.push(
            ...await other.pipeline([
              c("SUBSCRIBE", "news", "news.tech", "end"),
              c("PSUBSCRIBE", "n?ws"),
            ]),
          );
          replies.push(...await pub.pipeline(INTROSPECTION));
          // CHANNELS comes in the server's hash order: compare it as a set
          const channels = await pub.cmd("PUBSUB", "CHANNELS");
          replies.push(
            channels.split("\r\n").filter((_, i) => i > 0 && i % 2 === 0).sort().join(","),
          );
          replies.push(...await pub.pipeline(PUBLISHES));
          replies.push(await pub.cmd("PUBLISH", "end", "__end__"));
          replies.push(...await readUntil(sub, "__end__"), ...await readUntil(other, "__end__"));
          got.push(replies);
          // a disconnected subscriber is gone from the counts
          await sub.close();
          await waitFor(
            async () => (await pub.cmd("PUBSUB", "NUMSUB", "end")) === "*2\r\n$3\r\nend\r\n:1\r\n",
            "subscriber cleanup",
          );
          replies.push(
            ...await pub.pipeline([
              c("PUBSUB", "NUMSUB", "news", "shard1"),
              c("PUBSUB", "SHARDNUMSUB", "shard1"),
              c("PUBSUB", "NUMPAT"),
            ]),
          );
          await other.close();
          await pub.close();
        }
        assert.deepEqual(got[1], got[0]);
      });

      await t.step("one subscriber's own delivery order", async () => {
        const got: string[][] = [];
        for (const port of [real.port, ours.port]) {
          const sub = await open(port), pub = await open(port);
          const replies = await subscriberSetup(sub);
          for (const p of PUBLISHES) {
            const n = await pub.cmd(...p);
            replies.push(n, ...await sub.read(Number(n.slice(1))));
          }
          got.push(replies);
        }
        assert.deepEqual(got[1], got[0]);
      });

      await t.step("COMMAND INFO", async () => {
        const [a, b] = [await open(real.port), await open(ours.port)];
        for (
          const name of [
            "subscribe",
            "unsubscribe",
            "psubscribe",
            "punsubscribe",
            "ssubscribe",
            "sunsubscribe",
            "publish",
            "spublish",
          ]
        ) {
          const [x, y] = [
            await a.cmd("COMMAND", "INFO", name),
            await b.cmd("COMMAND", "INFO", name),
          ];
          // name, arity, flags, key range, ACL categories (key specs are the table's concern)
          assert.equal(
            y.split("\r\n").slice(0, 20).join("|"),
            x.split("\r\n").slice(0, 20).join("|"),
          );
        }
      });
    } finally {
      for (const conn of conns) await conn.close();
      await ours.stop();
      await real.stop();
    }
  },
});

Deno.test({
  name: "pubsub: ioredis and redis-cli subscribers",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const ours = await startServer();
    try {
      await t.step("ioredis: message and pmessage events", async () => {
        const sub = new Redis({ port: ours.port, lazyConnect: false });
        const pub = new Redis({ port: ours.port, lazyConnect: false });
        try {
          const events: string[] = [];
          sub.on("message", (ch: string, msg: string) => events.push(`message ${ch} ${msg}`));
          sub.on(
            "pmessage",
            (pat: string, ch: string, msg: string) => events.push(`pmessage ${pat} ${ch} ${msg}`),
          );
          assert.equal(await sub.subscribe("orders", "alerts"), 2);
          assert.equal(await sub.psubscribe("order*"), 3);
          assert.equal(await pub.publish("orders", "o-1"), 2);
          assert.equal(await pub.publish("alerts", "fire"), 1);
          assert.equal(await pub.publish("order.eu", "o-2"), 1);
          assert.equal(await pub.publish("nobody", "x"), 0);
          await waitFor(() => events.length >= 4, "ioredis events");
          assert.deepEqual(events, [
            "message orders o-1",
            "pmessage order* orders o-1",
            "message alerts fire",
            "pmessage order* order.eu o-2",
          ]);
          assert.deepEqual(await pub.pubsub("NUMSUB", "orders", "alerts"), [
            "orders",
            1,
            "alerts",
            1,
          ]);
          assert.equal(await pub.pubsub("NUMPAT"), 1);
          assert.deepEqual((await pub.pubsub("CHANNELS") as string[]).sort(), ["alerts", "orders"]);
          await sub.unsubscribe("orders");
          assert.equal(await pub.publish("orders", "o-3"), 1); // the pattern still matches
          await sub.punsubscribe("order*");
          assert.equal(await pub.publish("orders", "o-4"), 0);
        } finally {
          sub.disconnect();
          pub.disconnect();
        }
      });

      await t.step("redis-cli SUBSCRIBE receives a message", async () => {
        const proc = new Deno.Command("redis-cli", {
          args: ["-p", String(ours.port), "SUBSCRIBE", "cli-channel"],
          stdout: "piped",
          stderr: "null",
        }).spawn();
        let out = "";
        const reader = (async () => {
          const dec = new TextDecoder();
          for await (const chunk of proc.stdout) out += dec.decode(chunk);
        })();
        try {
          await waitFor(
            async () =>
              (await cli(ours.port, "PUBSUB", "NUMSUB", "cli-channel")) === "cli-channel\n1\n",
            "redis-cli subscribed",
          );
          assert.equal(await cli(ours.port, "PUBLISH", "cli-channel", "hi there"), "1\n");
          await waitFor(() => out.includes("hi there"), "redis-cli output");
          assert.equal(out, "subscribe\ncli-channel\n1\nmessage\ncli-channel\nhi there\n");
        } finally {
          proc.kill("SIGKILL");
          await proc.status;
          await reader;
        }
      });
    } finally {
      await ours.stop();
    }
  },
});

Deno.test("pubsub: PUBLISH and SPUBLISH reach replicas", () => {
  const srv = new Server(new Config());
  const sink = { write: () => {}, close: () => {}, pendingBytes: () => 0 };
  const info = { addr: "127.0.0.1:1", laddr: "127.0.0.1:2", fd: 9 };
  const client = srv.connect(sink, info)!;
  const stream: string[] = [];
  srv.propagationTargets.push({ feed: (db, argv) => stream.push(`${db} ${argv.join(" ")}`) });
  const run = (...argv: string[]) => srv.feed(client, [argv]);
  run("PUBLISH", "ch", "m1"); // nobody listens: still propagated
  run("SELECT", "2");
  run("SPUBLISH", "sh", "m2");
  run("PUBSUB", "CHANNELS");
  run("MULTI");
  run("PUBLISH", "ch", "m3");
  run("SET", "k", "v");
  run("EXEC");
  // (checked against redis-cli --replica on redis-server 7.0.15)
  assert.deepEqual(stream, [
    "0 PUBLISH ch m1",
    "2 SPUBLISH sh m2",
    "2 MULTI",
    "2 PUBLISH ch m3",
    "2 SET k v",
    "2 EXEC",
  ]);
});
