// Transactions against a real redis-server 7.0: MULTI / EXEC / DISCARD /
// WATCH / UNWATCH replies byte for byte (errors, aborts, WATCH invalidation by
// other clients, by FLUSHALL / SWAPDB and by key expiry), and what reaches
// replicas (MULTI ... EXEC around several writes, nothing around one), read
// from a real master's replication stream and from our owner's.
import assert from "node:assert/strict";
import { startRealRedis, startServer, waitFor } from "./helpers.ts";
import { diffReplies, RawConn, replyEnd } from "./rawconn.ts";
import { Config } from "../server/config.ts";
import { Server } from "../server/keyspace/owner.ts";

const c = (...a: string[]) => a;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SINGLE: string[][] = [
  c("FLUSHALL"),
  c("EXEC"),
  c("DISCARD"),
  c("EXEC", "foo"),
  c("MULTI", "foo"),
  c("MULTI"),
  c("MULTI"), // nested: an error, the transaction goes on
  c("SET", "a", "1"),
  c("WATCH", "a"), // inside MULTI: an error, the transaction goes on
  c("INCR", "a"),
  c("GET", "a"),
  c("EXEC"),
  c("EXEC"),
  // a command refused while queuing aborts the transaction
  c("MULTI"),
  c("SET", "a"),
  c("SET", "b", "1"),
  c("EXEC"),
  c("GET", "b"),
  c("MULTI"),
  c("NOSUCHCOMMAND", "x"),
  c("EXEC"),
  c("MULTI"),
  c("EXEC", "foo"), // refused EXEC: discards, says why
  c("EXEC"),
  // runtime errors are replies inside the EXEC array
  c("MULTI"),
  c("SET", "a", "x"),
  c("INCR", "a"),
  c("LPUSH", "a", "y"),
  c("GET", "a"),
  c("EXEC"),
  // DISCARD
  c("MULTI"),
  c("SET", "d", "1"),
  c("DISCARD"),
  c("GET", "d"),
  c("DISCARD"),
  // an empty transaction
  c("MULTI"),
  c("EXEC"),
  // SELECT inside a transaction stays in effect after it
  c("MULTI"),
  c("SELECT", "2"),
  c("SET", "indb2", "v"),
  c("EXEC"),
  c("GET", "indb2"),
  c("SELECT", "0"),
  c("GET", "indb2"),
  // blocking commands don't block inside EXEC
  c("MULTI"),
  c("BLPOP", "emptylist", "0"),
  c("BRPOPLPUSH", "emptylist", "other", "0"),
  c("EXEC"),
  // UNWATCH is queued like any command
  c("WATCH", "w"),
  c("MULTI"),
  c("UNWATCH"),
  c("EXEC"),
  c("UNWATCH"),
  c("WATCH"),
  c("UNWATCH", "x"),
  // SSUBSCRIBE refuses to run in EXEC; SUBSCRIBE does run
  c("MULTI"),
  c("SSUBSCRIBE", "sc"),
  c("EXEC"),
  c("MULTI"),
  c("SUBSCRIBE", "ch"),
  c("EXEC"),
  c("MULTI"), // now in the subscribed context
  c("EXEC"),
  c("UNSUBSCRIBE"),
  c("MULTI"),
  c("PING"),
  c("EXEC"),
];

type Step = { who: "A" | "B"; argv: string[] } | { delay: number } | { waitGone: string };
const A = (...argv: string[]): Step => ({ who: "A", argv });
const B = (...argv: string[]): Step => ({ who: "B", argv });
const TRY = [A("MULTI"), A("PING"), A("EXEC")]; // nil array if the WATCH was invalidated

/** WATCH scenarios with two clients; active expiry is off so that expiry happens only on access. */
const WATCH_SCENARIOS: Step[][] = [
  [A("WATCH", "k"), B("SET", "k", "1"), ...TRY, A("GET", "k")],
  [A("SET", "k", "1"), A("WATCH", "k"), A("SET", "k", "2"), ...TRY],
  [A("WATCH", "k"), A("MULTI"), B("SET", "k", "3"), A("SET", "x", "1"), A("EXEC"), A("GET", "x")],
  [A("WATCH", "k"), B("GET", "k"), ...TRY],
  [A("WATCH", "k"), A("UNWATCH"), B("SET", "k", "4"), ...TRY],
  [A("WATCH", "k"), A("MULTI"), A("DISCARD"), B("SET", "k", "5"), ...TRY],
  [A("WATCH", "nokey"), B("DEL", "nokey"), ...TRY],
  [A("WATCH", "k", "k2", "k3"), B("SET", "k3", "1"), ...TRY],
  [A("WATCH", "k"), B("SET", "k", "6"), A("MULTI"), A("NOSUCH"), A("EXEC")],
  [A("SET", "k", "1"), A("WATCH", "k"), B("FLUSHALL"), ...TRY],
  [A("WATCH", "nokey"), B("FLUSHALL"), ...TRY],
  [A("SET", "k", "1"), A("WATCH", "k"), B("FLUSHDB"), ...TRY],
  [A("SET", "k", "1"), A("WATCH", "k"), B("SELECT", "1"), B("FLUSHDB"), B("SELECT", "0"), ...TRY],
  [
    B("SELECT", "1"),
    B("SET", "sw", "1"),
    A("WATCH", "sw"),
    B("SWAPDB", "0", "1"),
    ...TRY,
    B("FLUSHALL"),
    B("SELECT", "0"),
  ],
  [A("SELECT", "1"), A("WATCH", "k"), B("SET", "k", "7"), ...TRY, A("SELECT", "0")],
  // a key expiring after WATCH fails the transaction, even if nobody touched it
  [A("SET", "e", "v", "PX", "40"), A("WATCH", "e"), { delay: 120 }, ...TRY],
  // ... and when another client's access deletes it
  [A("SET", "e", "v", "PX", "40"), A("WATCH", "e"), { delay: 120 }, B("GET", "e"), ...TRY],
  // a key already expired at WATCH time: its deletion is no change ...
  [A("SET", "e", "v", "PX", "20"), { delay: 80 }, A("WATCH", "e"), ...TRY],
  [A("SET", "e", "v", "PX", "20"), { delay: 80 }, A("WATCH", "e"), B("GET", "e"), ...TRY],
  [
    A("SET", "e", "v", "PX", "20"),
    { delay: 80 },
    A("WATCH", "e"),
    B("DEBUG", "SET-ACTIVE-EXPIRE", "1"),
    { waitGone: "e" },
    B("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
    ...TRY,
  ],
  [A("SET", "e", "v", "PX", "20"), { delay: 80 }, A("WATCH", "e"), B("DEL", "e"), ...TRY],
  [A("SET", "e", "v", "PX", "20"), { delay: 80 }, A("WATCH", "e"), B("EXPIRE", "e", "100"), ...TRY],
  // ... but writing it again is
  [A("SET", "e", "v", "PX", "20"), { delay: 80 }, A("WATCH", "e"), B("SET", "e", "new"), ...TRY],
  [
    A("SET", "e", "v", "PX", "20"),
    { delay: 80 },
    A("WATCH", "e"),
    B("GET", "e"),
    B("SET", "e", "new"),
    ...TRY,
  ],
  // SWAPDB bringing in an expired key is no change; bringing in a live one is
  [
    B("SELECT", "1"),
    B("SET", "e", "v", "PX", "20"),
    { delay: 80 },
    A("WATCH", "e"),
    B("SWAPDB", "0", "1"),
    ...TRY,
    B("FLUSHALL"),
    B("SELECT", "0"),
  ],
  [
    A("SET", "e", "v", "PX", "20"),
    B("SELECT", "1"),
    B("SET", "e", "live"),
    { delay: 80 },
    A("WATCH", "e"),
    B("SWAPDB", "0", "1"),
    ...TRY,
    B("FLUSHALL"),
    B("SELECT", "0"),
  ],
];

interface Pair {
  a: RawConn;
  b: RawConn;
  port: number;
}

async function runScenario(p: Pair, steps: Step[]): Promise<string[]> {
  const out: string[] = [];
  for (const s of steps) {
    if ("delay" in s) await delay(s.delay);
    else if ("waitGone" in s) {
      // DBSIZE counts keys not yet reclaimed; reading the key would expire it
      await waitFor(async () => (await p.b.cmd("DBSIZE")) === ":0\r\n", "active expiry");
    } else out.push(await (s.who === "A" ? p.a : p.b).cmd(...s.argv));
  }
  await p.a.cmd("UNWATCH");
  await p.b.cmd("FLUSHALL");
  return out;
}

// --- the replication stream ---------------------------------------------------------

const STREAM_SCRIPT: (string[] | number)[] = [
  c("MULTI"),
  c("SET", "a", "1"),
  c("EXEC"), // one write: sent as is
  c("MULTI"),
  c("SET", "a", "1"),
  c("SET", "b", "2"),
  c("EXEC"), // several: MULTI ... EXEC
  c("MULTI"),
  c("GET", "a"),
  c("EXEC"), // none
  c("MULTI"),
  c("SELECT", "3"),
  c("SET", "a", "1"),
  c("SELECT", "0"),
  c("SET", "b", "2"),
  c("EXEC"), // MULTI in the first write's db
  c("SELECT", "5"),
  c("MULTI"),
  c("SET", "a", "1"),
  c("SELECT", "0"),
  c("GET", "b"),
  c("EXEC"),
  c("SET", "c", "1"),
  c("MULTI"),
  c("SET", "a", "1"),
  c("INCR", "a"),
  c("LPUSH", "a", "x"), // fails: not propagated
  c("EXEC"),
  c("MULTI"),
  c("PUBLISH", "ch", "msg"),
  c("SET", "p", "1"),
  c("EXEC"),
  c("MULTI"),
  c("SET", "q", "1"),
  c("NOSUCH"),
  c("EXEC"), // aborted: nothing
  c("SET", "e", "1", "PX", "1"),
  c("SET", "e2", "1", "PX", "1"),
  20, // (a pause: e and e2 expire)
  c("MULTI"),
  c("SET", "x", "1"),
  c("GET", "e"), // lazily expired inside EXEC: its DEL goes inside MULTI ... EXEC
  c("SET", "y", "1"),
  c("EXEC"),
  c("MULTI"),
  c("GET", "e2"), // only a DEL: sent as is
  c("EXEC"),
  c("SET", "__end__", "1"),
];

/** Read a real master's replication stream as "db argv..." lines. */
class ReplicaStream {
  private buf = "";
  lines: string[] = [];
  private db = -1;
  private synced = false;
  private done: Promise<void>;

  private constructor(private conn: Deno.TcpConn) {
    this.done = this.loop();
  }

  static async open(port: number): Promise<ReplicaStream> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("SYNC\r\n"));
    return new ReplicaStream(conn);
  }

  get ready(): boolean {
    return this.synced;
  }

  private async loop(): Promise<void> {
    const chunk = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await this.conn.read(chunk);
        if (n === null) return;
        for (let i = 0; i < n; i++) this.buf += String.fromCharCode(chunk[i]);
        this.parse();
      }
    } catch { /* closed */ }
  }

  private parse(): void {
    if (!this.synced) {
      this.buf = this.buf.replace(/^\n+/, ""); // keepalive newlines while the RDB is made
      const eol = this.buf.indexOf("\r\n");
      if (!this.buf.startsWith("$") || eol < 0) return;
      const len = Number(this.buf.slice(1, eol));
      if (this.buf.length < eol + 2 + len) return;
      this.buf = this.buf.slice(eol + 2 + len); // the RDB payload, skipped
      this.synced = true;
    }
    for (;;) {
      const end = replyEnd(this.buf, 0);
      if (end < 0) return;
      const argv = parseArray(this.buf.slice(0, end));
      this.buf = this.buf.slice(end);
      const name = argv[0].toUpperCase();
      if (name === "SELECT") this.db = Number(argv[1]);
      else if (name !== "PING" && name !== "REPLCONF") {
        this.lines.push(`${this.db} ${argv.join(" ")}`);
      }
    }
  }

  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch { /* already */ }
    await this.done;
  }
}

function parseArray(s: string): string[] {
  const out: string[] = [];
  let p = s.indexOf("\r\n") + 2;
  while (p < s.length) {
    const eol = s.indexOf("\r\n", p);
    const len = Number(s.slice(p + 1, eol));
    out.push(s.slice(eol + 2, eol + 2 + len));
    p = eol + 2 + len + 2;
  }
  return out;
}

/** Expiry timestamps differ between runs. */
const normalize = (l: string) => l.replace(/ PXAT \d+/, " PXAT <ms>");

Deno.test({
  name: "transactions: byte-exact with redis-server 7.0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const ours = await startServer(["--enable-debug-command", "yes"]);
    const real = await startRealRedis(["--enable-debug-command", "yes"]);
    const r: Pair = {
      a: await RawConn.open(real.port),
      b: await RawConn.open(real.port),
      port: real.port,
    };
    const o: Pair = {
      a: await RawConn.open(ours.port),
      b: await RawConn.open(ours.port),
      port: ours.port,
    };
    try {
      await t.step("MULTI / EXEC / DISCARD / WATCH replies", async () => {
        assert.deepEqual(await diffReplies(r.a, o.a, SINGLE, 1), []);
        // after the subscribed context
        await r.a.close();
        await o.a.close();
        r.a = await RawConn.open(real.port);
        o.a = await RawConn.open(ours.port);
      });

      await t.step("WATCH invalidation", async () => {
        for (const p of [r, o]) await p.b.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        for (const [i, steps] of WATCH_SCENARIOS.entries()) {
          const [x, y] = [await runScenario(r, steps), await runScenario(o, steps)];
          assert.deepEqual(y, x, `scenario ${i}: ${JSON.stringify(steps)}`);
        }
        for (const p of [r, o]) await p.b.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      });

      await t.step("a subscriber in EXEC gets its messages", async () => {
        const got: string[][] = [];
        for (const p of [r, o]) {
          const sub = await RawConn.open(p.port);
          const replies = await sub.pipeline([c("MULTI"), c("SUBSCRIBE", "news"), c("EXEC")]);
          await p.b.cmd("PUBLISH", "news", "hello");
          replies.push(...await sub.read(1));
          got.push(replies);
          await sub.close();
        }
        assert.deepEqual(got[1], got[0]);
      });

      await t.step("replication stream: MULTI ... EXEC around several writes", async () => {
        // the real master's stream, as a replica reads it
        await r.b.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        const rs = await ReplicaStream.open(real.port);
        await waitFor(() => rs.ready, "full sync");
        for (const cmd of STREAM_SCRIPT) {
          if (typeof cmd === "number") await delay(cmd);
          else await r.a.cmd(...cmd);
        }
        await waitFor(() => rs.lines.some((l) => l.includes("__end__")), "end of stream");
        await rs.close();
        await r.b.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "1");

        // ours: what the owner hands to replication
        const srv = new Server(new Config());
        const client = srv.connect({ write: () => {}, close: () => {}, pendingBytes: () => 0 }, {
          addr: "127.0.0.1:1",
          laddr: "127.0.0.1:2",
          fd: 9,
        })!;
        const lines: string[] = [];
        srv.propagationTargets.push({ feed: (db, argv) => lines.push(`${db} ${argv.join(" ")}`) });
        for (const cmd of STREAM_SCRIPT) {
          if (typeof cmd === "number") await delay(cmd);
          else srv.feed(client, [cmd]);
        }
        assert.deepEqual(lines.map(normalize), rs.lines.map(normalize));
        assert.ok(lines.includes("0 MULTI")); // (the stream is not trivially empty)
      });
    } finally {
      for (const conn of [r.a, r.b, o.a, o.b]) await conn.close();
      await ours.stop();
      await real.stop();
    }
  },
});
