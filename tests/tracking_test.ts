// Client-side caching (CLIENT TRACKING) against a real redis-server 7.0:
// every scenario runs on both servers with fresh connections, and the two
// transcripts (each reply and push, raw) must be equal byte for byte. Client
// ids differ between the servers: commands name them as $ID<n> (connection
// n's id), and ids in replies are written back that way. Each scenario ends
// with a PING on every open connection, so that a push one server sent and
// the other did not shows up as a difference.
//
// Covered (after Redis's tests/unit/tracking.tcl): option parsing and every
// error, GETREDIR / TRACKINGINFO / CLIENT LIST flags in RESP2 and RESP3,
// RESP3 pushes, RESP2 REDIRECT through __redis__:invalidate, broken
// redirects, BCAST with prefixes (batching, sorting, MULTI), OPTIN / OPTOUT
// with CLIENT CACHING, NOLOOP, FLUSHALL / FLUSHDB, active and lazy expiry,
// ordering of invalidations after the reply that caused them (MULTI,
// blocked clients), tracking-table-max-keys eviction, INFO counters, CLIENT
// REPLY OFF, RESET.
import assert from "node:assert/strict";
import { type ServerProc, startRealRedis, startServer } from "./helpers.ts";
import { RawConn } from "./rawconn.ts";

class Side {
  transcript: string[] = [];
  private conns: (RawConn | null)[] = [];
  private ids: number[] = [];
  private helper: RawConn | null = null;

  constructor(readonly name: string, private port: number) {}

  private async conn(i: number): Promise<RawConn> {
    while (this.conns.length <= i) {
      const c = await RawConn.open(this.port);
      this.conns.push(c);
      this.ids.push(Number(await c.call("CLIENT", "ID")));
    }
    const c = this.conns[i];
    if (!c) throw new Error(`connection ${i} was closed`);
    return c;
  }

  /** Client ids in a reply written back as $ID<n>. */
  private norm(s: string): string {
    const name = (id: string) => {
      const i = this.ids.indexOf(Number(id));
      return i < 0 ? id : `$ID${i}`;
    };
    return s
      .replace(/(tracking-redir-broken\r\n|redirect\r\n):(\d+)/g, (_, p, id) => `${p}:${name(id)}`)
      .replace(/redir=(\d+)/g, (_, id) => `redir=${name(id)}`)
      .replace(/(\$2\r\nid\r\n):(\d+)/, (_, p, id) => `${p}:${name(id)}`);
  }

  private argv(args: string[]): string[] {
    return args.map((a) => a.replace(/\$ID(\d+)/g, (_, i) => String(this.ids[Number(i)])));
  }

  /** Send a command on connection i and record the next n replies / pushes. */
  async cmdN(i: number, n: number, ...args: string[]): Promise<string[]> {
    const c = await this.conn(i);
    const argv = this.argv(args);
    await c.send([argv]);
    const replies = await c.read(n);
    const sub = argv.length === 2 && argv[0].toUpperCase() === "CLIENT" &&
      ["ID", "GETREDIR"].includes(argv[1].toUpperCase());
    for (const r of replies) {
      this.transcript.push(
        `${i}> ${args.join(" ")}\n  ${
          JSON.stringify(
            sub ? r.replace(/^:(\d+)/, (_, id) => `:${this.norm(`redir=${id}`)}`) : this.norm(r),
          )
        }`,
      );
    }
    return replies;
  }

  async cmd(i: number, ...args: string[]): Promise<string> {
    return (await this.cmdN(i, 1, ...args))[0];
  }

  /** Send without waiting for a reply (blocking commands, CLIENT REPLY OFF). */
  async send(i: number, ...args: string[]): Promise<void> {
    await (await this.conn(i)).send([this.argv(args)]);
    this.transcript.push(`${i}> ${args.join(" ")} (sent)`);
  }

  /** Several commands in one write (one batch for the server). */
  async sendMany(i: number, cmds: string[][]): Promise<void> {
    await (await this.conn(i)).send(cmds.map((a) => this.argv(a)));
    this.transcript.push(`${i}> ${cmds.map((a) => a.join(" ")).join("; ")} (sent)`);
  }

  /** QUIT: the server has dropped the connection once the reply is here. */
  async quit(i: number): Promise<void> {
    await this.cmd(i, "QUIT");
    await this.close(i);
  }

  /** The next n replies or pushes on connection i; `map` can blur what legitimately differs. */
  async read(i: number, n = 1, map: (r: string) => string = (r) => r): Promise<string[]> {
    const replies = await (await this.conn(i)).read(n);
    for (const r of replies) this.transcript.push(`${i}< ${JSON.stringify(map(this.norm(r)))}`);
    return replies;
  }

  /** CLIENT INFO of connection i, only its flags= and redir= fields. */
  async clientFlags(i: number): Promise<void> {
    const r = await (await this.conn(i)).cmd("CLIENT", "INFO");
    const m = this.norm(r).match(/flags=\S+|redir=\S+/g);
    this.transcript.push(`${i} client info: ${m?.join(" ")}`);
  }

  /** The tracking fields of INFO. */
  async info(i: number): Promise<void> {
    const r = await (await this.conn(i)).cmd("INFO", "everything");
    this.transcript.push(`${i} info: ${r.match(/tracking_\w+:\d+/g)?.join(" ")}`);
  }

  async close(i: number): Promise<void> {
    await (await this.conn(i)).close();
    this.conns[i] = null;
    this.transcript.push(`${i} closed`);
  }

  /** Wait until `ms` of server time passed (polls TIME on a side connection: no bare sleeps). */
  async serverTimePasses(ms: number): Promise<void> {
    this.helper ??= await RawConn.open(this.port);
    const now = async () => {
      const t = await this.helper!.call("TIME") as string[];
      return Number(t[0]) * 1000 + Number(t[1]) / 1000;
    };
    const start = await now(), deadline = Date.now() + 10_000;
    while ((await now()) - start < ms) {
      if (Date.now() > deadline) throw new Error("server clock did not move");
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** End of a scenario: a PING on every open connection (catches stray pushes), then close. */
  async finish(): Promise<void> {
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[i];
      if (!c) continue;
      const r = await c.pipeline([["PING"]]);
      this.transcript.push(`${i} final ping: ${JSON.stringify(this.norm(r[0]))}`);
      await c.close();
    }
    await this.helper?.close();
  }
}

type Scenario = (s: Side) => Promise<void>;

let ours: ServerProc, real: ServerProc;

async function compare(scenario: Scenario): Promise<void> {
  const run = async (name: string, port: number) => {
    const reset = await RawConn.open(port);
    await reset.pipeline([
      ["FLUSHALL"],
      ["CONFIG", "SET", "tracking-table-max-keys", "1000000"],
      ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
    ]);
    await reset.close();
    const s = new Side(name, port);
    try {
      await scenario(s);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}\n${s.transcript.join("\n")}`);
    }
    await s.finish();
    return s.transcript;
  };
  const [a, b] = await Promise.all([run("real", real.port), run("ours", ours.port)]);
  if (Deno.env.get("TRACKING_TEST_DUMP")) console.log(a.join("\n"));
  assert.deepEqual(b, a);
}

Deno.test({
  name: "CLIENT TRACKING matches redis-server 7.0 byte for byte",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    [ours, real] = await Promise.all([
      startServer(),
      startRealRedis(["--enable-debug-command", "yes"]),
    ]);
    try {
      await t.step("option parsing and errors", () =>
        compare(async (s) => {
          await s.cmd(1, "PING");
          for (
            const argv of [
              ["CLIENT", "TRACKING"],
              ["CLIENT", "TRACKING", "maybe"],
              ["CLIENT", "TRACKING", "maybe", "bogus"],
              ["CLIENT", "TRACKING", "on", "bogus"],
              ["CLIENT", "TRACKING", "on", "REDIRECT"],
              ["CLIENT", "TRACKING", "on", "PREFIX"],
              ["CLIENT", "TRACKING", "on", "REDIRECT", "abc"],
              ["CLIENT", "TRACKING", "on", "REDIRECT", "0"],
              ["CLIENT", "TRACKING", "on", "REDIRECT", "-3"],
              ["CLIENT", "TRACKING", "on", "REDIRECT", "999999"],
              ["CLIENT", "TRACKING", "on", "REDIRECT", "$ID1", "REDIRECT", "$ID1"],
              ["CLIENT", "TRACKING", "on", "PREFIX", "a"],
              ["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
              ["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
              ["CLIENT", "TRACKING", "on", "BCAST", "optout"],
              ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"],
              ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO"],
              ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "x"],
              ["CLIENT", "TRACKING", "off", "bogus"],
              ["CLIENT", "TRACKING", "OFF", "PREFIX", "a"],
              ["CLIENT", "CACHING"],
              ["CLIENT", "CACHING", "yes"],
              ["CLIENT", "CACHING", "maybe"],
              ["CLIENT", "CACHING", "yes", "no"],
              ["CLIENT", "GETREDIR", "x"],
              ["CLIENT", "TRACKINGINFO", "x"],
              ["CLIENT", "GETREDIR"],
              ["CLIENT", "TRACKINGINFO"],
            ]
          ) await s.cmd(0, ...argv);
          await s.clientFlags(0);
          // in tracking mode
          await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID1");
          await s.cmd(0, "CLIENT", "GETREDIR");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST");
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "CLIENT", "CACHING", "no");
          await s.cmd(0, "CLIENT", "CACHING", "maybe");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTIN");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTOUT");
          await s.cmd(0, "CLIENT", "CACHING", "no");
          await s.cmd(0, "CLIENT", "TRACKING", "on");
          await s.cmd(0, "CLIENT", "GETREDIR"); // (re-enabling without REDIRECT: 0)
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTOUT");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTIN");
          await s.cmd(0, "CLIENT", "CACHING", "no");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.clientFlags(0);
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "CACHING", "no");
          // BCAST prefixes
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FO");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BARB");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "baz", "NOLOOP");
          await s.cmd(0, "CLIENT", "TRACKING", "on");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.clientFlags(0);
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST"); // adds the empty prefix
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "q");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          // Redis 7.0 reports a clash between new prefixes after the first
          // one, and then enables tracking anyway: two replies
          await s.cmdN(
            0,
            2,
            "CLIENT",
            "TRACKING",
            "on",
            "BCAST",
            "PREFIX",
            "a",
            "PREFIX",
            "b",
            "PREFIX",
            "bc",
          );
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "HELP_NOT_A_COMMAND");
          await s.cmd(0, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP", "REDIRECT", "$ID0");
          await s.cmd(0, "CLIENT", "CACHING", "YES");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "TRACKINGINFO"); // (CLIENT commands keep CACHING)
          await s.cmd(0, "PING");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:", "PREFIX", "a:");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "GETREDIR");
        }));

      await t.step("RESP3 pushes in the default mode", () =>
        compare(async (s) => {
          await s.cmd(0, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKING", "on");
          await s.cmd(1, "MSET", "a", "1", "b", "2");
          await s.cmd(0, "GET", "a");
          await s.cmd(1, "INCR", "b"); // not read: no invalidation
          await s.cmd(1, "INCR", "a");
          await s.read(0);
          await s.cmd(1, "INCR", "a"); // forgotten after the first invalidation
          await s.cmd(0, "MGET", "a", "b", "c", "a");
          await s.cmd(1, "MSET", "c", "1", "a", "1", "b", "1");
          await s.read(0, 3);
          // the client's own write: the push follows its reply
          await s.cmd(0, "GET", "a");
          await s.cmdN(0, 2, "SET", "a", "2");
          await s.cmd(0, "HSET", "h", "f", "1");
          await s.cmd(0, "HGET", "h", "f");
          await s.cmdN(0, 2, "HDEL", "h", "f");
          // keys are tracked whatever the db; SWAPDB invalidates nothing
          await s.cmd(0, "GET", "a");
          await s.cmd(1, "SELECT", "5");
          await s.cmd(1, "SET", "a", "x");
          await s.read(0);
          await s.cmd(0, "GET", "a");
          await s.cmd(1, "SWAPDB", "0", "5");
          await s.cmd(1, "SELECT", "0");
          await s.cmd(1, "SET", "a", "y");
          await s.read(0);
          // reads that fail or only look at the key are tracked too
          await s.cmd(1, "RPUSH", "l", "x");
          await s.cmd(0, "GET", "l");
          await s.cmd(0, "TYPE", "x");
          await s.cmd(0, "EXISTS", "y", "z");
          await s.cmd(0, "DBSIZE");
          await s.cmd(1, "RPUSH", "l", "y");
          await s.read(0);
          await s.cmd(1, "MSET", "x", "1", "y", "1", "z", "1");
          await s.read(0, 3);
          // a write command does not track what it reads
          await s.cmd(0, "INCR", "n");
          await s.cmd(1, "INCR", "n");
          // pipelined: each invalidation right after the reply of the write
          const c0 = [["GET", "p"], ["SET", "p", "1"], ["GET", "p"], ["SET", "p", "2"], [
            "GET",
            "p",
          ]];
          await s.sendMany(0, c0);
          await s.read(0, 7);
          // MULTI: after the EXEC reply, one push per invalidation
          await s.cmd(0, "MULTI");
          await s.cmd(0, "INCR", "p");
          await s.cmd(0, "GET", "p");
          await s.cmd(0, "SET", "p", "9");
          await s.cmdN(0, 3, "EXEC");
          // switching to RESP2: tracked keys invalidate silently
          await s.cmd(0, "GET", "q");
          await s.cmd(0, "HELLO", "2");
          await s.cmd(1, "SET", "q", "1");
          await s.cmd(0, "GET", "q");
          await s.cmd(0, "HELLO", "3");
          await s.cmd(1, "SET", "q", "2");
          await s.read(0);
          await s.info(0);
          await s.clientFlags(0);
        }));

      await t.step(
        "RESP2 REDIRECT through __redis__:invalidate, and to RESP3",
        () =>
          compare(async (s) => {
            await s.cmd(2, "SUBSCRIBE", "__redis__:invalidate");
            await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID2");
            await s.cmd(1, "MSET", "a", "1", "b", "1");
            await s.cmd(0, "GET", "a");
            await s.cmd(0, "GET", "b");
            await s.cmd(1, "INCR", "b");
            await s.cmd(1, "INCR", "a");
            await s.read(2, 2);
            await s.cmd(0, "GET", "a");
            await s.cmd(0, "SET", "a", "5"); // the redirecting client's own write
            await s.read(2);
            // two clients redirecting to the same connection
            await s.cmd(3, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID2");
            await s.cmd(0, "GET", "k1");
            await s.cmd(3, "GET", "k2");
            await s.cmd(1, "MSET", "k1", "1", "k2", "2");
            await s.read(2, 2);
            // FLUSHALL: a null in the tracking client's protocol, per tracking client
            await s.cmd(1, "FLUSHALL");
            await s.read(2, 2);
            await s.cmd(3, "HELLO", "3");
            await s.cmd(3, "FLUSHDB");
            await s.read(2, 2);
            // a RESP2 client not in pub/sub mode gets nothing; any subscription will do
            await s.cmd(4, "PING");
            await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID4");
            await s.cmd(0, "GET", "m");
            await s.cmd(1, "SET", "m", "1");
            await s.cmd(4, "SUBSCRIBE", "some-other-channel");
            await s.cmd(0, "GET", "m");
            await s.cmd(1, "SET", "m", "2");
            await s.read(4);
            // a RESP3 target gets a push, subscribed or not
            await s.cmd(5, "HELLO", "3");
            await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID5");
            await s.cmd(0, "GET", "m");
            await s.cmd(1, "SET", "m", "3");
            await s.read(5);
            await s.cmd(0, "FLUSHALL");
            await s.read(5);
            await s.read(2);
            await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID0"); // itself
            await s.cmd(0, "GET", "m");
            await s.cmd(1, "SET", "m", "4");
            await s.cmd(0, "CLIENT", "TRACKINGINFO");
            await s.clientFlags(0);
          }),
      );

      await t.step("broken redirect: tracking-redir-broken, flag R", () =>
        compare(async (s) => {
          await s.cmd(2, "SUBSCRIBE", "__redis__:invalidate");
          await s.cmd(0, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID2");
          await s.cmd(0, "MGET", "a", "b");
          await s.quit(2);
          await s.cmd(1, "SET", "a", "1");
          await s.read(0);
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "GETREDIR");
          await s.clientFlags(0);
          await s.cmd(1, "MSET", "a", "2", "b", "2");
          await s.read(0);
          await s.cmd(0, "GET", "a");
          await s.cmdN(0, 2, "SET", "a", "3");
          await s.cmd(1, "FLUSHALL");
          await s.read(0);
          // re-enabling clears the flag; RESP2 gets nothing but the flag
          await s.cmd(0, "CLIENT", "TRACKING", "on");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(3, "PING");
          await s.cmd(0, "HELLO", "2");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID3");
          await s.cmd(0, "GET", "a");
          await s.quit(3);
          await s.cmd(1, "SET", "a", "4");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.clientFlags(0);
          // with CLIENT REPLY OFF the push still comes
          await s.cmd(4, "HELLO", "3");
          await s.cmd(5, "PING");
          await s.cmd(4, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID5");
          await s.cmd(4, "GET", "foo");
          await s.quit(5);
          await s.send(4, "CLIENT", "REPLY", "OFF");
          await s.cmd(1, "SET", "foo", "bar");
          await s.read(4);
          await s.cmd(4, "CLIENT", "REPLY", "ON");
        }));

      await t.step("BCAST with prefixes", () =>
        compare(async (s) => {
          await s.cmd(0, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST");
          await s.cmd(1, "MSET", "c", "1", "a", "2", "b", "3");
          await s.read(0);
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b:", "PREFIX", "a:");
          // one message per prefix (prefixes in order), keys sorted, each once
          await s.cmd(1, "MULTI");
          for (const k of ["a:2", "a:1", "b:1", "a:2", "c:1", "b:10", "a:"]) {
            await s.cmd(1, "INCR", k);
          }
          await s.cmd(1, "DEL", "a:1");
          await s.cmd(1, "EXEC");
          await s.read(0, 2);
          // one message per batch: pipelined writes come together
          await s.sendMany(1, [["SET", "b:x", "1"], ["SET", "a:x", "1"], ["SET", "b:x", "2"]]);
          await s.read(1, 3);
          await s.read(0, 2);
          // the client's own writes (no NOLOOP): after its reply
          await s.cmdN(0, 2, "SET", "a:self", "1");
          // adding prefixes; the empty prefix on top of others
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "c:");
          await s.cmd(1, "INCR", "c:1234");
          await s.read(0);
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST");
          await s.cmd(1, "SET", "c:5", "x");
          await s.read(0, 2);
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.clientFlags(0);
          // a second client on the same prefix, a RESP2 redirect
          await s.cmd(3, "SUBSCRIBE", "__redis__:invalidate");
          await s.cmd(2, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a:", "REDIRECT", "$ID3");
          await s.cmd(1, "MSET", "a:7", "1", "zz", "1");
          await s.read(0, 2);
          await s.read(3);
          await s.info(1);
          // expiry and FLUSHALL reach BCAST clients too
          await s.cmd(1, "SET", "a:e", "1", "PX", "30");
          await s.read(0, 2);
          await s.read(3);
          await s.read(0, 2); // (the expiry)
          await s.read(3);
          await s.cmd(1, "FLUSHALL");
          await s.read(0);
          await s.read(3);
          await s.quit(2);
          await s.info(1);
          // after switching modes, keys read before BCAST give nothing
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "TRACKING", "on");
          await s.cmd(0, "GET", "key1");
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "nothing");
          await s.cmd(1, "INCR", "key1");
          await s.info(1);
        }));

      await t.step("NOLOOP, default and BCAST mode", () =>
        compare(async (s) => {
          await s.cmd(2, "SUBSCRIBE", "__redis__:invalidate");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID2", "NOLOOP");
          await s.cmd(0, "MGET", "otherkey1", "loopkey", "otherkey2");
          await s.cmd(1, "SET", "otherkey1", "1");
          await s.cmd(0, "SET", "loopkey", "1");
          await s.cmd(1, "SET", "otherkey2", "1");
          await s.read(2, 2);
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", "$ID2", "NOLOOP");
          await s.cmd(1, "SET", "otherkey1", "1");
          await s.read(2);
          await s.cmd(0, "SET", "loopkey", "1");
          await s.cmd(1, "SET", "otherkey2", "1");
          await s.read(2);
          // its own write, then the key expires lazily in the same batch: sent
          await s.cmd(0, "MULTI");
          await s.cmd(0, "SET", "mykey", "myval", "PX", "1");
          await s.cmd(0, "SET", "mykeyotherkey", "myval");
          await s.cmd(0, "DEBUG", "SLEEP", "0.01");
          await s.cmd(0, "GET", "mykey");
          await s.cmd(0, "EXEC");
          await s.read(2);
          // and actively
          await s.cmd(0, "SET", "mykey2", "myval", "PX", "20");
          await s.cmd(0, "SET", "mykey2other", "myval");
          await s.read(2);
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          // default mode: the client's own lazy expiry is its own change
          await s.cmd(0, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "NOLOOP");
          await s.cmd(0, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
          const setAndGet = async (key: string) => {
            // (in one transaction: the read sees the key however slow the machine is)
            await s.cmd(0, "MULTI");
            await s.cmd(0, "SET", key, "v", "PX", "40");
            await s.cmd(0, "GET", key);
            await s.cmd(0, "EXEC");
          };
          await setAndGet("e");
          await s.serverTimePasses(60);
          await s.cmd(0, "GET", "e");
          await setAndGet("e");
          await s.serverTimePasses(60);
          await s.cmd(1, "GET", "e");
          await s.read(0);
          await s.cmd(0, "DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }));

      await t.step("OPTIN / OPTOUT with CLIENT CACHING", () =>
        compare(async (s) => {
          await s.cmd(2, "SUBSCRIBE", "__redis__:invalidate");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTIN", "REDIRECT", "$ID2");
          await s.cmd(0, "GET", "key1"); // not cached: no CACHING YES
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "GET", "key2");
          await s.cmd(0, "GET", "key3"); // only the next command
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "MULTI"); // a transaction as a whole
          await s.cmd(0, "GET", "o1");
          await s.cmd(0, "GET", "o2");
          await s.cmd(0, "EXEC");
          await s.cmd(0, "GET", "o3");
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "CLIENT", "ID"); // CLIENT subcommands keep it
          await s.cmd(0, "GET", "o4");
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "PING");
          await s.cmd(0, "GET", "o5");
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "NOT-A-COMMAND");
          await s.cmd(0, "GET", "o6");
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "CLIENT", "NOT-A-SUBCOMMAND");
          await s.cmd(0, "GET", "o7");
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "GET");
          await s.cmd(0, "GET", "o8");
          await s.cmd(0, "CLIENT", "CACHING", "yes");
          await s.cmd(0, "MULTI");
          await s.cmd(0, "GET", "o9");
          await s.cmd(0, "DISCARD");
          await s.cmd(0, "GET", "o10");
          await s.cmd(1, "MSET", "key1", "1", "key2", "2", "key3", "3");
          await s.read(2);
          await s.cmd(
            1,
            "MSET",
            ..."o1 1 o2 2 o3 3 o4 4 o5 5 o6 6 o7 7 o8 8 o9 9 o10 10".split(" "),
          );
          await s.read(2, 3);
          // OPTOUT: everything but the command after CACHING NO
          await s.cmd(0, "CLIENT", "TRACKING", "off");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTOUT", "REDIRECT", "$ID2");
          await s.cmd(0, "GET", "key1");
          await s.cmd(0, "CLIENT", "CACHING", "no");
          await s.cmd(0, "GET", "key2");
          await s.cmd(0, "GET", "key3");
          await s.cmd(1, "MSET", "key1", "1", "key2", "2", "key3", "3");
          await s.read(2, 2);
          await s.cmd(0, "CLIENT", "CACHING", "no");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "OPTOUT"); // (keeps CACHING)
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
          await s.cmd(0, "GET", "x");
          await s.cmd(0, "CLIENT", "TRACKINGINFO");
        }));

      await t.step("FLUSHALL / FLUSHDB", () =>
        compare(async (s) => {
          await s.cmd(0, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKING", "on");
          await s.cmd(2, "HELLO", "3");
          await s.cmd(2, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "nothing:");
          await s.cmd(3, "CLIENT", "TRACKING", "on"); // RESP2, no redirect: nothing
          await s.cmd(0, "GET", "key1");
          await s.cmd(3, "GET", "key1");
          await s.info(1);
          await s.cmd(1, "FLUSHALL");
          await s.read(0);
          await s.read(2);
          await s.info(1);
          await s.cmd(1, "SELECT", "3");
          await s.cmd(1, "FLUSHDB", "ASYNC"); // any db, even empty
          await s.read(0);
          await s.read(2);
          // the client's own flush: after the reply, and after EXEC
          await s.cmdN(0, 2, "FLUSHDB");
          await s.read(2);
          await s.cmd(0, "SET", "a", "1");
          await s.cmd(0, "GET", "a");
          await s.cmd(0, "MULTI");
          await s.cmd(0, "FLUSHDB");
          await s.cmd(0, "SET", "a", "2");
          await s.cmdN(0, 2, "EXEC");
          await s.read(2);
          await s.info(1);
        }));

      await t.step("expiry: active and lazy", () =>
        compare(async (s) => {
          await s.cmd(0, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKING", "on");
          await s.cmd(1, "SET", "k", "v");
          await s.cmd(0, "MULTI"); // (the read always sees the key, however slow the machine)
          await s.cmd(0, "PEXPIRE", "k", "50");
          await s.cmd(0, "GET", "k");
          await s.cmd(0, "EXEC");
          await s.read(0); // the active expiry's invalidation (read waits with a deadline)
          await s.cmd(0, "EXISTS", "k");
          // lazily, by the tracking client itself: after the reply
          await s.cmd(0, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
          await s.cmd(0, "MULTI");
          await s.cmd(0, "MSET", "x", "1", "y", "2");
          await s.cmd(0, "PEXPIRE", "y", "50");
          await s.cmd(0, "GET", "y");
          await s.cmd(0, "EXEC");
          await s.serverTimePasses(70);
          await s.cmdN(0, 2, "MGET", "x", "y");
          // lazily, by another client
          await s.cmd(0, "MULTI");
          await s.cmd(0, "SET", "z", "1", "PX", "40");
          await s.cmd(0, "GET", "z");
          await s.cmd(0, "EXEC");
          await s.serverTimePasses(60);
          await s.cmd(1, "TTL", "z");
          await s.read(0);
          await s.cmd(0, "DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }));

      await t.step(
        "invalidations of an unblocked client follow its reply",
        () =>
          compare(async (s) => {
            await s.cmd(1, "RPUSH", "list2", "a");
            await s.cmd(0, "HELLO", "3");
            await s.cmd(0, "CLIENT", "TRACKING", "on");
            await s.cmd(0, "LRANGE", "list2", "0", "-1");
            await s.send(0, "BLMOVE", "list1", "list2", "LEFT", "LEFT", "0");
            // (wait until it is blocked: polled, no sleep)
            for (let i = 0; i < 500; i++) {
              const info = await s.cmd(1, "INFO", "clients");
              s.transcript.pop();
              if (info.includes("blocked_clients:1")) break;
              await new Promise((r) => setTimeout(r, 5));
            }
            await s.cmd(1, "RPUSH", "list1", "foo");
            await s.read(0, 2);
          }),
      );

      await t.step(
        "tracking-table-max-keys evicts keys from the table",
        () =>
          compare(async (s) => {
            const someKey = (r: string) => r.replace(/\$4\r\nkey[12]\r\n/, "$4\r\nkey?\r\n");
            await s.cmd(2, "SUBSCRIBE", "__redis__:invalidate");
            await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID2", "NOLOOP");
            await s.cmd(1, "MSET", "key1", "1", "key2", "2");
            await s.cmd(0, "MGET", "key1", "key2");
            await s.info(1);
            await s.cmd(1, "CONFIG", "SET", "tracking-table-max-keys", "1");
            await s.cmd(1, "PING");
            await s.read(2, 1, someKey); // (Redis evicts a random key)
            await s.info(1);
            // more keys over the limit than one run's effort (100)
            await s.cmd(1, "CONFIG", "SET", "tracking-table-max-keys", "0");
            await s.sendMany(0, Array.from({ length: 250 }, (_, i) => ["GET", `k${i}`]));
            await s.read(0, 250);
            s.transcript.splice(-251);
            await s.info(1);
            await s.cmd(1, "CONFIG", "SET", "tracking-table-max-keys", "1");
            await s.cmd(1, "PING");
            const got = await (async () => {
              let n = 0;
              for (; n < 250; n++) {
                const r = await s.read(2, 1, (x) => x.replace(/k\d+|key[12]/, "k#"));
                s.transcript.pop();
                if (!r[0].includes("invalidate")) throw new Error(`unexpected ${r[0]}`);
                if (n === 249) break;
              }
              return n + 1;
            })();
            s.transcript.push(`evicted ${got}`);
            await s.info(1);
            await s.cmd(2, "PING");
            // regression #11715: the limit applies before a command is queued in MULTI
            await s.cmd(1, "CONFIG", "SET", "tracking-table-max-keys", "2");
            await s.cmd(3, "HELLO", "3");
            await s.cmd(3, "CLIENT", "TRACKING", "on");
            await s.cmd(3, "FLUSHDB"); // (empties the table)
            await s.read(2);
            await s.read(3); // (its own flush)
            await s.cmd(3, "MGET", "1{tag}", "2{tag}");
            await s.cmd(3, "MULTI");
            await s.cmd(1, "CONFIG", "SET", "tracking-table-max-keys", "1");
            await s.send(3, "PING");
            await s.send(3, "EXEC");
            await s.read(3, 3, (x) => x.replace(/[12]\{tag\}/, "?{tag}"));
          }),
      );

      await t.step("INFO counters, RESET and disconnects", () =>
        compare(async (s) => {
          await s.cmd(2, "SUBSCRIBE", "__redis__:invalidate");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID2");
          await s.cmd(1, "SET", "key1", "1");
          await s.cmd(1, "SET", "key2", "2");
          await s.cmd(0, "GET", "key1");
          await s.cmd(0, "GET", "key2");
          await s.cmd(3, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "prefix:");
          await s.cmd(4, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "prefix:", "PREFIX", "x");
          await s.cmd(1, "SET", "prefix:key1", "1");
          await s.info(1);
          await s.cmd(5, "CLIENT", "TRACKING", "on");
          await s.cmd(5, "MGET", "key1", "key3");
          await s.info(1);
          // tracking off / RESET / a disconnect leave the ids in the table (as Redis)
          await s.cmd(5, "CLIENT", "TRACKING", "off");
          await s.info(1);
          await s.cmd(4, "RESET");
          await s.cmd(4, "CLIENT", "TRACKINGINFO");
          await s.info(1);
          await s.quit(3);
          await s.quit(0);
          await s.info(1);
          await s.cmd(1, "SET", "key1", "x");
          await s.info(1);
          await s.cmd(1, "FLUSHALL");
          await s.info(1);
        }));

      await t.step("CLIENT REPLY OFF: pushes still come", () =>
        compare(async (s) => {
          for (const resp of ["3", "2"]) {
            await s.cmd(0, "HELLO", resp);
            await s.cmd(0, "CLIENT", "TRACKING", "on");
            await s.cmd(1, "SET", "foo", "bar");
            await s.cmd(0, "GET", "foo");
            await s.send(0, "CLIENT", "REPLY", "OFF");
            await s.cmd(1, "SET", "foo", "bar2");
            if (resp === "3") await s.read(0);
            await s.send(0, "GET", "foo");
            await s.send(0, "SET", "foo", "self");
            if (resp === "3") await s.read(0);
            await s.cmd(0, "CLIENT", "REPLY", "ON");
            await s.cmd(0, "CLIENT", "TRACKING", "off");
          }
          await s.cmd(2, "HELLO", "3");
          await s.cmd(0, "CLIENT", "TRACKING", "on", "REDIRECT", "$ID2");
          await s.cmd(0, "GET", "foo");
          await s.send(2, "CLIENT", "REPLY", "OFF");
          await s.cmd(1, "SET", "foo", "bar3");
          await s.read(2);
          await s.cmd(2, "CLIENT", "REPLY", "ON");
        }));
    } finally {
      await Promise.all([ours.stop(), real.stop()]);
    }
  },
});
