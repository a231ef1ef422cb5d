// --io-threads 2: connections served by I/O worker isolates, commands run by
// the owner. What crosses the rings must behave exactly as with sockets in
// the owner: order, big values in pieces, back-pressure, pub/sub and blocking
// across workers, kills and quits.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { cli, rawRequest, startServer, waitFor } from "./helpers.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "io-threads 2: order, big values, pub/sub and blocking across workers",
  ...opts,
  async fn(t) {
    const srv = await startServer(["--io-threads", "2"]);
    const port = srv.port;
    const clients: Redis[] = [];
    const mk = async () => {
      const r = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await r.connect();
      clients.push(r);
      return r;
    };
    try {
      await t.step("CONFIG GET io-threads", async () => {
        assert.equal(await cli(port, "config", "get", "io-threads"), "io-threads\n2\n");
      });
      await t.step("replies keep per-connection order over a long pipeline", async () => {
        const r = await mk();
        const p = r.pipeline();
        for (let i = 0; i < 20000; i++) p.echo(String(i));
        const res = await p.exec();
        assert.equal(res!.length, 20000);
        res!.forEach(([err, v], i) => {
          assert.equal(err, null);
          assert.equal(v, String(i));
        });
      });
      await t.step("a 10 MB value goes through the rings in pieces", async () => {
        const r = await mk();
        const big = "x".repeat(10 * 1024 * 1024 - 3) + "end";
        assert.equal(await r.set("big", big), "OK");
        const got = await r.get("big");
        assert.equal(got?.length, big.length);
        assert.ok(got === big);
      });
      await t.step("pub/sub reaches subscribers on every worker", async () => {
        const subs: Redis[] = [];
        const got: string[][] = [];
        for (let i = 0; i < 6; i++) {
          const s = await mk();
          const msgs: string[] = [];
          got.push(msgs);
          s.on("message", (_ch: string, m: string) => msgs.push(m));
          await s.subscribe("news");
          subs.push(s);
        }
        const pub = await mk();
        assert.equal(await pub.publish("news", "hello"), 6);
        await waitFor(() => got.every((m) => m.length === 1), "6 subscribers to get the message");
        assert.deepEqual(got, Array(6).fill(["hello"]));
      });
      await t.step("a push from another connection wakes a blocked client", async () => {
        const waiters: Promise<[string, string] | null>[] = [];
        for (let i = 0; i < 4; i++) {
          const b = await mk();
          waiters.push(b.blpop("queue", 5));
        }
        await waitFor(
          async () => /blocked_clients:4/.test(await cli(port, "info", "clients")),
          "4 blocked clients",
        );
        const p = await mk();
        await p.rpush("queue", "a", "b", "c", "d");
        const res = await Promise.all(waiters);
        assert.deepEqual(res.map((r) => r![1]).sort(), ["a", "b", "c", "d"]);
      });
      await t.step("MULTI/WATCH from connections on different workers", async () => {
        const a = await mk(), b = await mk();
        await a.set("w", "1");
        await a.watch("w");
        await b.set("w", "2");
        const res = await a.multi().set("w", "3").exec();
        assert.equal(res, null);
        assert.equal(await a.get("w"), "2");
      });
      await t.step("CLIENT KILL and QUIT close the socket after the reply", async () => {
        const r = await rawRequest(port, "PING\r\nQUIT\r\nPING\r\n");
        assert.equal(r.text, "+PONG\r\n+OK\r\n");
        assert.ok(r.closed);
        const victim = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
        await victim.connect();
        const id = await victim.client("ID");
        const killer = await mk();
        assert.equal(await killer.client("KILL", "ID", String(id)), 1);
        await waitFor(() => victim.status === "end", "killed connection to end");
      });
      await t.step("closed connections give their sockets back (no fd leak)", async () => {
        const fds = () => [...Deno.readDirSync(`/proc/${srv.proc.pid}/fd`)].length;
        const before = fds();
        for (let round = 0; round < 3; round++) {
          const conns = await Promise.all(
            Array.from({ length: 100 }, () => Deno.connect({ hostname: "127.0.0.1", port })),
          );
          await Promise.all(conns.map(async (c) => {
            await c.write(new TextEncoder().encode("PING\r\n"));
            await c.read(new Uint8Array(16));
            c.close();
          }));
        }
        await waitFor(() => fds() <= before + 5, `fds back near ${before} (now ${fds()})`);
      });
      await t.step("protocol errors are replied and close the connection", async () => {
        const r = await rawRequest(port, "PING\r\n*1\r\n$x\r\n");
        assert.equal(r.text, "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
        assert.ok(r.closed);
      });
      await t.step(
        "a client that does not read its replies is not served unboundedly",
        async () => {
          // 50k GETs of a 10 MB value would be 500 GB of replies: the worker stops
          // reading that socket while its output is queued; the server stays responsive
          const conn = await Deno.connect({ hostname: "127.0.0.1", port });
          const req = new TextEncoder().encode("GET big\r\n".repeat(2000));
          const writer = (async () => {
            try {
              for (let i = 0; i < 25; i++) await conn.write(req);
            } catch { /* closed */ }
          })();
          const other = await mk();
          const t0 = Date.now();
          assert.equal(await other.ping(), "PONG");
          assert.ok(Date.now() - t0 < 2000, "other clients still served");
          await new Promise((r) => setTimeout(r, 1000)); // let the server do what it would
          const rss = Number(
            /VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${srv.proc.pid}/status`))![1],
          ) * 1024;
          assert.ok(rss < 1024 * 1024 * 1024, `server RSS ${rss} stays bounded`);
          conn.close(); // the writer's pending write may never settle once we stop reading
          void writer;
        },
      );
    } finally {
      for (const c of clients) c.disconnect();
      await srv.stop();
    }
  },
});
