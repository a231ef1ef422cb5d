// The server as a process: command line and config file, CONFIG, INFO,
// CLIENT, limits, logs and SHUTDOWN, driven by redis-cli and ioredis.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { cli, freePort, rawRequest, ROOT, run, startServer, waitFor } from "./helpers.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const DENO = Deno.execPath();
const MAIN = `${ROOT}server/main.ts`;

Deno.test("a bad directive stops start-up with Redis's fatal config error", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/bad.conf`, "port 0\nfoo-bar baz\n");
  const r = await run(DENO, ["run", "-A", "--unstable-net", MAIN, `${dir}/bad.conf`]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*\nReading the configuration file, at line 2\n>>> 'foo-bar baz'\nBad directive or wrong number of arguments/,
  );
  const r2 = await run(DENO, ["run", "-A", "--unstable-net", MAIN, "--port", "x"]);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /argument couldn't be parsed into an integer/);
  const v = await run(DENO, ["run", "-A", "--unstable-net", MAIN, "--version"]);
  assert.match(v.stdout, /^Redis server v=7\.0\.15 /);
});

Deno.test({
  name: "config file with include and quotes; CONFIG GET/SET/REWRITE",
  ...opts,
  async fn() {
    const dir = await Deno.makeTempDir();
    const port = freePort();
    await Deno.writeTextFile(`${dir}/extra.conf`, "maxclients 77\n");
    await Deno.writeTextFile(
      `${dir}/redis.conf`,
      `# a comment\nport ${port}\nbind 127.0.0.1\ninclude ${dir}/extra.conf\n` +
        `requirepass "pa ss"\nsave 900 1\nsave 300 10\nhz 10\n`,
    );
    const srv = await startServer([`${dir}/redis.conf`], port);
    try {
      const a = ["-a", "pa ss", "--no-auth-warning"];
      assert.equal(await cli(port, ...a, "config", "get", "maxclients"), "maxclients\n77\n");
      assert.equal(await cli(port, ...a, "config", "get", "requirepass"), "requirepass\npa ss\n");
      // the command line's --save "" comes after the file and wins, as in Redis
      assert.equal(await cli(port, ...a, "config", "get", "save"), "save\n\n");
      assert.equal((await cli(port, "ping")).trim(), "NOAUTH Authentication required.");
      assert.equal(await cli(port, ...a, "config", "set", "hz", "20", "maxclients", "99"), "OK\n");
      assert.equal(
        await cli(port, ...a, "config", "get", "h?"),
        "hz\n20\n",
      );
      assert.equal(await cli(port, ...a, "config", "set", "save", "60 5"), "OK\n");
      assert.equal(await cli(port, ...a, "config", "rewrite"), "OK\n");
      const text = await Deno.readTextFile(`${dir}/redis.conf`);
      assert.match(text, /^# a comment$/m);
      assert.match(text, /^hz 20$/m);
      assert.match(text, /^maxclients 99$/m);
      assert.match(text, /^save 60 5$/m);
      assert.doesNotMatch(text, /^save 900 1$/m);
      assert.match(text, /^requirepass "pa ss"$/m);
      assert.match(text, /^include /m);
    } finally {
      await srv.stop();
    }
  },
});

Deno.test({
  name: "INFO sections, CLIENT commands, limits and SHUTDOWN",
  ...opts,
  async fn(t) {
    const srv = await startServer(["--maxclients", "5", "--loglevel", "verbose"]);
    const port = srv.port;
    const redis = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      await t.step("INFO has Redis's sections and fields", async () => {
        const info = await redis.info();
        for (
          const s of [
            "Server",
            "Clients",
            "Memory",
            "Persistence",
            "Stats",
            "Replication",
            "CPU",
            "Keyspace",
          ]
        ) assert.match(info, new RegExp(`^# ${s}\r$`, "m"));
        for (
          const f of [
            "redis_version:7.0.15",
            `tcp_port:${port}`,
            "run_id:[0-9a-f]{40}",
            "uptime_in_seconds:\\d+",
            "connected_clients:\\d+",
            "used_memory:\\d+",
            "total_commands_processed:\\d+",
            "instantaneous_ops_per_sec:\\d+",
            "keyspace_hits:\\d+",
            "keyspace_misses:\\d+",
            "role:master",
          ]
        ) assert.match(info, new RegExp(`^${f}\r$`, "m"));
        const one = await redis.info("clients");
        assert.match(one, /^# Clients\r\nconnected_clients:1\r\n/);
        assert.doesNotMatch(one, /# Server/);
        const all = await redis.info("all");
        assert.match(all, /^# Commandstats\r$/m);
        assert.match(
          all,
          /^cmdstat_info:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0\r$/m,
        );
      });
      await t.step("INFO keyspace counts keys and expires", async () => {
        await redis.set("a", "1");
        await redis.set("b", "2", "EX", 100);
        await redis.select(3);
        await redis.set("c", "3");
        await redis.select(0);
        const ks = await redis.info("keyspace");
        assert.match(ks, /^db0:keys=2,expires=1,avg_ttl=\d+\r$/m);
        assert.match(ks, /^db3:keys=1,expires=0,avg_ttl=0\r$/m);
      });
      await t.step("CLIENT SETNAME / GETNAME / ID / LIST / INFO / KILL", async () => {
        assert.equal(await redis.client("SETNAME", "worker-1"), "OK");
        assert.equal(await redis.client("GETNAME"), "worker-1");
        const id = await redis.client("ID") as number;
        const list = await redis.client("LIST") as string;
        const line = list.split("\n").find((l) => l.includes("name=worker-1"))!;
        assert.match(
          line,
          new RegExp(
            `^id=${id} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${port} fd=\\d+ name=worker-1 age=\\d+ idle=\\d+ flags=N db=0 `,
          ),
        );
        assert.match(line, /cmd=client\|list user=default redir=-1 resp=2$/);
        const info = await redis.client("INFO") as string;
        assert.match(info, new RegExp(`^id=${id} `));
        // kill another connection by id
        const other = new Redis({
          port,
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        await other.connect();
        const otherId = await other.client("ID") as number;
        assert.equal(await redis.client("KILL", "ID", String(otherId)), 1);
        await waitFor(
          () => other.status === "end" || other.status === "close",
          "killed client to close",
        );
        other.disconnect();
        assert.equal(await cli(port, "client", "kill", "id", "999999"), "0\n");
        assert.equal((await cli(port, "client", "kill", "1.2.3.4:5")).trim(), "ERR No such client");
      });
      await t.step("CLIENT REPLY OFF / SKIP / ON", async () => {
        const r = await rawRequest(
          port,
          "CLIENT REPLY SKIP\r\nECHO a\r\nECHO b\r\nCLIENT REPLY OFF\r\nECHO c\r\nCLIENT REPLY ON\r\nECHO d\r\n",
          (t) => t.endsWith("$1\r\nd\r\n"),
        );
        assert.equal(r.text, "$1\r\nb\r\n+OK\r\n$1\r\nd\r\n");
      });
      await t.step("CLIENT PAUSE WRITE holds writes, not reads", async () => {
        assert.equal(await redis.client("PAUSE", "300", "WRITE"), "OK");
        const t0 = Date.now();
        const [got, set] = await Promise.all([
          redis.get("a").then((v) => [v, Date.now() - t0]),
          redis.set("a", "2").then(() => Date.now() - t0),
        ]);
        assert.equal(got[0], "1");
        assert.ok((got[1] as number) < 250, `read waited ${got[1]} ms`);
        assert.ok(set >= 250, `write returned after ${set} ms`);
        assert.equal(await redis.get("a"), "2");
      });
      await t.step("maxclients", async () => {
        const conns: Deno.Conn[] = [];
        for (let i = 0; i < 4; i++) {
          conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
        }
        await waitFor(
          async () => (await cli(port, "info", "clients")).includes("connected_clients:5"),
          "5 clients",
        ).catch(() => {});
        const r = await rawRequest(port, "PING\r\n", (t) => t.includes("\r\n"));
        assert.equal(r.text, "-ERR max number of clients reached\r\n");
        for (const c of conns) c.close();
      });
      await t.step("log lines in Redis's format", () => {
        const out = srv.output();
        assert.match(
          out,
          /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} \* Ready to accept connections tcp$/m,
        );
        assert.match(out, /^\d+:M .* - /m, "verbose lines use '-'");
      });
      await t.step("SHUTDOWN NOSAVE ends the process", async () => {
        redis.disconnect();
        await cli(port, "shutdown", "nosave");
        const status = await srv.proc.status;
        assert.equal(status.code, 0);
        assert.match(srv.output(), /Redis is now ready to exit, bye bye\.\.\./);
      });
    } finally {
      redis.disconnect();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "CONFIG SET port moves the listener; a busy port is refused as Redis refuses it",
  ...opts,
  async fn() {
    const srv = await startServer();
    const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const next = freePort();
      assert.equal((await cli(srv.port, "config", "set", "port", String(next))).trim(), "OK");
      assert.equal((await cli(next, "ping")).trim(), "PONG");
      assert.match(await cli(srv.port, "ping"), /Connection refused/);
      assert.equal(
        (await cli(next, "config", "set", "port", String((busy.addr as Deno.NetAddr).port))).trim(),
        "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
      );
      assert.equal(await cli(next, "config", "get", "port"), `port\n${next}\n`);
      await cli(next, "shutdown", "nosave");
    } finally {
      busy.close();
      await srv.stop();
    }
  },
});

Deno.test({
  name: "idle clients are closed after timeout",
  ...opts,
  async fn() {
    const srv = await startServer(["--timeout", "1"]);
    try {
      const r = await rawRequest(srv.port, "PING\r\n", () => false, 4000);
      assert.equal(r.text, "+PONG\r\n");
      assert.ok(r.closed, "closed by the server");
    } finally {
      await srv.stop();
    }
  },
});
