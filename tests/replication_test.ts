// Master-replica replication, judged against real redis-server 7.0. Every
// scenario is a function of the kinds of its nodes ("ours" | "real"): the
// default run plays each with our servers (and the interop ones mixed with
// real Redis); REPL_TEST_REAL=1 also plays each all-real, which is how every
// assertion here was validated (a failure with ours means our server is wrong).
//
// Scenarios: the chain story A -> B -> C (INFO replication field by field and
// in order, streaming of every type, equal offsets and digests, promotion of
// B with C resyncing partially); read-only replicas; replica restarts (SIGKILL
// and clean SHUTDOWN with the repl-id/offset kept in the RDB); a backlog too
// small for a partial resync and a dropped link that resyncs partially; WAIT;
// min-replicas-to-write; ROLE; interop disk-based and diskless both ways and a
// mixed chain; FAILOVER with writes running.
import assert from "node:assert/strict";
import { cli, freePort, type ServerProc, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { parse, RawConn, type Reply } from "./rawconn.ts";

type Kind = "ours" | "real";
const REAL = Deno.env.get("REPL_TEST_REAL") === "1";
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Deadline for a link to come up / data to arrive (real Redis needs 0.1-2 s). */
const SYNC_MS = 10_000;
/** A digest of nothing, and a replid2 of nothing. */
const ZEROS = "0".repeat(40);

// --- nodes ---------------------------------------------------------------------------

interface Node extends ServerProc {
  kind: Kind;
}

/**
 * Every scenario starts its nodes through one of these and stops them all in
 * `finally` (and removes their directories).
 */
class Nodes {
  private procs: ServerProc[] = [];
  private dirs = new Set<string>();

  /**
   * Start a node. Both kinds get `--repl-diskless-sync-delay 0`: the default
   * (5 s) makes every diskless full sync wait 5 s for more replicas to join.
   * `port` and a `--dir` in `args` restart a node in place.
   */
  async node(kind: Kind, args: string[] = [], port = freePort()): Promise<Node> {
    const full = ["--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0", ...args];
    const p = kind === "real" ? await startRealRedis(full, port) : await startServer(full, port);
    this.procs.push(p);
    this.dirs.add(p.dir); // the fresh temp dir the helper made
    // the last --dir given wins (as in redis-server)
    const d = args.lastIndexOf("--dir");
    return { ...p, dir: d >= 0 ? args[d + 1] : p.dir, kind };
  }

  async stopAll(): Promise<void> {
    for (const p of this.procs.reverse()) await p.stop();
    for (const d of this.dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}

/** Replica arguments: `--replicaof "127.0.0.1 <port>"` as on a real command line. */
const replicaOf = (m: ServerProc): string[] => ["--replicaof", `127.0.0.1 ${m.port}`];

// --- talking to nodes ----------------------------------------------------------------

/** One command on a fresh connection; its raw reply. */
async function raw(port: number, ...argv: string[]): Promise<string> {
  const c = await RawConn.open(port);
  try {
    await c.send([argv]);
    return (await c.read(1, 5000))[0];
  } finally {
    await c.close();
  }
}

async function call(port: number, ...argv: string[]): Promise<Reply> {
  return parse(await raw(port, ...argv))[0];
}

/** The lines of an INFO section as [name, value] pairs, in order. */
async function infoPairs(port: number, section: string): Promise<[string, string][]> {
  const r = await call(port, "INFO", section);
  assert.equal(typeof r, "string", `INFO ${section}: ${JSON.stringify(r)}`);
  return (r as string).split("\r\n").filter((l) => l && !l.startsWith("#")).map((l) => {
    const i = l.indexOf(":");
    return [l.slice(0, i), l.slice(i + 1)];
  });
}

async function info(port: number, section = "replication"): Promise<Map<string, string>> {
  return new Map(await infoPairs(port, section));
}

async function field(port: number, name: string, section = "replication"): Promise<string> {
  const v = (await info(port, section)).get(name);
  if (v === undefined) throw new Error(`no ${name} in INFO ${section} on ${port}`);
  return v;
}

const offset = async (port: number) => Number(await field(port, "master_repl_offset"));

async function syncStats(port: number): Promise<{ full: number; partialOk: number }> {
  const s = await info(port, "stats");
  return { full: Number(s.get("sync_full")), partialOk: Number(s.get("sync_partial_ok")) };
}

/** A value for an error message (Maps as objects). */
const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => x instanceof Map ? Object.fromEntries(x) : x);

/** Poll `get` until `ok`; on timeout the error shows the last value seen. */
async function settle<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = SYNC_MS,
): Promise<T> {
  let last: T | undefined;
  let err: unknown;
  try {
    await waitFor(
      async () => {
        try {
          last = await get();
        } catch (e) {
          err = e;
          throw e;
        }
        return ok(last);
      },
      what,
      timeoutMs,
      50,
    );
  } catch {
    throw new Error(
      `timed out waiting for ${what}; last: ${show(last)}${err ? ` (${err})` : ""}`,
    );
  }
  return last!;
}

/**
 * Poll until the master lists the replica as state=online. After a diskless
 * sync real Redis has the replica in wait_bgsave until its first REPLCONF ACK
 * (up to 1 s after the replica says master_link_status:up): until then it is
 * neither streamed to nor counted as a good replica.
 */
async function waitOnline(m: ServerProc, r: ServerProc): Promise<void> {
  await settle(
    `${r.port} online on ${m.port}`,
    () => info(m.port),
    (i) => [...i].some(([k, v]) => /^slave\d+$/.test(k) && slaveLine(r.port).test(v)),
  );
}

async function waitLinkUp(r: ServerProc): Promise<void> {
  await settle(
    `master_link_status:up on ${r.port}`,
    () => info(r.port),
    (i) => i.get("master_link_status") === "up" && i.get("master_sync_in_progress") === "0",
  );
}

/** Poll until every node has the same non-empty DEBUG DIGEST (and the same offset). */
async function sameData(nodes: ServerProc[], what: string): Promise<void> {
  const digests = await settle(
    `equal DEBUG DIGEST on ${what}`,
    () => Promise.all(nodes.map((n) => raw(n.port, "DEBUG", "DIGEST"))),
    (d) => new Set(d).size === 1,
  );
  assert.notEqual(digests[0], `+${ZEROS}\r\n`, `${what}: the data set is empty`);
}

/**
 * Poll until every node is at the same master_repl_offset (replicas: with
 * slave_repl_offset there too); that offset and the INFO replication of each,
 * all from one moment (a master's periodic PING moves offsets at any time).
 */
async function snapshot(
  nodes: ServerProc[],
  what: string,
): Promise<{ off: number; pairs: [string, string][][] }> {
  const pairs = await settle(
    `equal offsets on ${what}`,
    () => Promise.all(nodes.map((n) => infoPairs(n.port, "replication"))),
    (ps) => {
      const maps = ps.map((p) => new Map(p));
      const off = maps[0].get("master_repl_offset");
      return maps.every((m) =>
        m.get("master_repl_offset") === off &&
        (m.get("role") === "master" || m.get("slave_repl_offset") === off)
      );
    },
  );
  return { off: Number(new Map(pairs[0]).get("master_repl_offset")), pairs };
}

async function sameOffsets(nodes: ServerProc[], what: string): Promise<number> {
  return (await snapshot(nodes, what)).off;
}

/** Poll until the master has every replica's ACK for its current offset. */
async function acked(m: ServerProc): Promise<void> {
  await settle("the replicas acknowledge the master's offset", () => info(m.port), (i) => {
    const slaves = [...i.keys()].filter((k) => /^slave\d+$/.test(k));
    return slaves.length > 0 &&
      slaves.every((k) => i.get(k)!.includes(`,offset=${i.get("master_repl_offset")},`));
  });
}

/** Send commands pipelined on one connection; every reply must be a non-error. */
async function write(port: number, cmds: string[][]): Promise<void> {
  const c = await RawConn.open(port);
  try {
    for (let i = 0; i < cmds.length; i += 200) {
      const part = cmds.slice(i, i + 200);
      await c.send(part);
      const replies = await c.read(part.length, 10_000);
      replies.forEach((r, j) => assert.ok(!r.startsWith("-"), `${part[j].join(" ")}: ${r}`));
    }
  } finally {
    await c.close();
  }
}

/**
 * Steps of a scenario build on each other: after the first failure the rest
 * are skipped (instead of each waiting for its deadline).
 */
function stepper(t: Deno.TestContext) {
  let failed = false;
  /** `always`: the step sets up what it needs and runs even after a failure. */
  return async (name: string, fn: () => Promise<void>, always = false) => {
    const ok = await t.step({ name, ignore: failed && !always, fn });
    if (!ok) failed = true;
  };
}

/** Register a scenario for each combination: all-real ones only with REPL_TEST_REAL=1. */
function scenario<K extends Kind[]>(
  name: string,
  fn: (t: Deno.TestContext, ...kinds: K) => Promise<void>,
  combos: K[],
): void {
  for (const kinds of combos) {
    const allReal = kinds.every((k) => k === "real");
    Deno.test({
      name: `replication: ${name} (${kinds.join(" -> ")})`,
      ignore: allReal && !REAL,
      ...opts,
      fn: (t) => fn(t, ...kinds),
    });
  }
}

// --- INFO replication as real Redis 7.0.15 prints it (captured from the all-real run) --

const TAIL = [
  "master_failover_state",
  "master_replid",
  "master_replid2",
  "master_repl_offset",
  "second_repl_offset",
  "repl_backlog_active",
  "repl_backlog_size",
  "repl_backlog_first_byte_offset",
  "repl_backlog_histlen",
];
const MASTER_FIELDS = ["role", "connected_slaves", "slave0", ...TAIL];
const REPLICA_HEAD = [
  "role",
  "master_host",
  "master_port",
  "master_link_status",
  "master_last_io_seconds_ago",
  "master_sync_in_progress",
  "slave_read_repl_offset",
  "slave_repl_offset",
  "slave_priority",
  "slave_read_only",
  "replica_announced",
  "connected_slaves",
];
const CHAINED_FIELDS = [...REPLICA_HEAD, "slave0", ...TAIL];
const LEAF_FIELDS = [...REPLICA_HEAD, ...TAIL];

const HEX40 = /^[0-9a-f]{40}$/;

function slaveLine(port: number): RegExp {
  return new RegExp(`^ip=127\\.0\\.0\\.1,port=${port},state=online,offset=(\\d+),lag=(\\d+)$`);
}

// --- 1. the story: A -> B -> C --------------------------------------------------------

async function story(t: Deno.TestContext, ka: Kind, kb: Kind, kc: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const [a, b, c] = [await nodes.node(ka), await nodes.node(kb), await nodes.node(kc)];
    let replid = "";

    await step("SLAVEOF builds the chain; INFO replication field by field, in order", async () => {
      assert.equal(await cli(b.port, "SLAVEOF", "127.0.0.1", String(a.port)), "OK\n");
      assert.equal(await cli(c.port, "SLAVEOF", "127.0.0.1", String(b.port)), "OK\n");
      await waitLinkUp(b);
      await waitLinkUp(c);
      await waitOnline(a, b);
      await waitOnline(b, c);
      const snap = await snapshot([a, b, c], "A, B, C");
      const off = snap.off;
      const pa = snap.pairs[0];
      assert.deepEqual(pa.map((p) => p[0]), MASTER_FIELDS, "field names on the master");
      const ia = new Map(pa);
      assert.equal(ia.get("role"), "master");
      assert.equal(ia.get("connected_slaves"), "1");
      const s0 = ia.get("slave0")!.match(slaveLine(b.port));
      assert.ok(s0, `slave0 on A: ${ia.get("slave0")}`);
      assert.ok(Number(s0[1]) <= off && Number(s0[2]) < 10, `slave0 on A: ${ia.get("slave0")}`);
      assert.equal(ia.get("master_failover_state"), "no-failover");
      replid = ia.get("master_replid")!;
      assert.match(replid, HEX40);
      assert.equal(ia.get("master_replid2"), ZEROS);
      assert.equal(ia.get("master_repl_offset"), String(off));
      assert.equal(ia.get("second_repl_offset"), "-1");
      assert.equal(ia.get("repl_backlog_active"), "1");
      assert.equal(ia.get("repl_backlog_size"), "1048576");
      assert.equal(ia.get("repl_backlog_first_byte_offset"), "1");
      assert.equal(ia.get("repl_backlog_histlen"), String(off));

      const replicas = [
        { who: "B", master: a, below: c, pr: snap.pairs[1] },
        { who: "C", master: b, below: null, pr: snap.pairs[2] },
      ];
      for (const { who, master, below, pr } of replicas) {
        assert.deepEqual(
          pr.map((p) => p[0]),
          below ? CHAINED_FIELDS : LEAF_FIELDS,
          `field names on ${who}`,
        );
        const ir = new Map(pr);
        assert.equal(ir.get("role"), "slave", who);
        assert.equal(ir.get("master_host"), "127.0.0.1", who);
        assert.equal(ir.get("master_port"), String(master.port), who);
        assert.equal(ir.get("master_link_status"), "up", who);
        assert.match(ir.get("master_last_io_seconds_ago")!, /^\d+$/, who);
        assert.ok(Number(ir.get("master_last_io_seconds_ago")) <= 11, who);
        assert.equal(ir.get("master_sync_in_progress"), "0", who);
        assert.equal(ir.get("slave_read_repl_offset"), String(off), who);
        assert.equal(ir.get("slave_repl_offset"), String(off), who);
        assert.equal(ir.get("slave_priority"), "100", who);
        assert.equal(ir.get("slave_read_only"), "1", who);
        assert.equal(ir.get("replica_announced"), "1", who);
        assert.equal(ir.get("connected_slaves"), below ? "1" : "0", who);
        if (below) assert.match(ir.get("slave0")!, slaveLine(below.port), who);
        assert.equal(ir.get("master_failover_state"), "no-failover", who);
        assert.equal(ir.get("master_replid"), replid, `${who} has A's replid`);
        assert.equal(ir.get("master_replid2"), ZEROS, who);
        assert.equal(ir.get("master_repl_offset"), String(off), who);
        assert.equal(ir.get("second_repl_offset"), "-1", who);
        assert.equal(ir.get("repl_backlog_active"), "1", who);
        assert.equal(ir.get("repl_backlog_size"), "1048576", who);
        assert.equal(ir.get("repl_backlog_first_byte_offset"), "1", who);
        assert.equal(ir.get("repl_backlog_histlen"), String(off), who);
      }
    });

    await step("writes on A of every type are readable on C", async () => {
      await write(a.port, [
        ["SET", "s", "hello"],
        ["RPUSH", "l", "a", "b", "c"],
        ["HSET", "h", "f1", "v1", "f2", "v2"],
        ["SADD", "st", "x", "y", "z"],
        ["ZADD", "z", "1", "one", "2.5", "two"],
        ["INCR", "n"],
        ["INCR", "n"],
        ["SET", "e", "v"],
        ["EXPIRE", "e", "1000"],
        ["SET", "px", "v", "PX", "100000"],
        ["SET", "last", "done"],
      ]);
      await settle("the last write on C", () => call(c.port, "GET", "last"), (v) => v === "done");
      for (
        const q of [
          ["GET", "s"],
          ["LRANGE", "l", "0", "-1"],
          ["HGETALL", "h"],
          ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
          ["GET", "n"],
          ["TYPE", "st"],
        ]
      ) assert.equal(await raw(c.port, ...q), await raw(a.port, ...q), q.join(" "));
      assert.deepEqual(
        ((await call(c.port, "SMEMBERS", "st")) as string[]).sort(),
        ["x", "y", "z"],
      );
      const ttl = (await call(c.port, "TTL", "e")) as number;
      assert.ok(ttl > 990 && ttl <= 1000, `TTL e on C: ${ttl}`);
      const pttl = (await call(c.port, "PTTL", "px")) as number;
      assert.ok(pttl > 90_000 && pttl <= 100_000, `PTTL px on C: ${pttl}`);
    });

    await step("once writes stop, offsets and DEBUG DIGEST are equal on A, B, C", async () => {
      const off = await sameOffsets([a, b, c], "A, B, C");
      assert.ok(off > 0);
      // the replicas' ACKs bring their masters' view of them to the same offset
      await acked(a);
      await acked(b);
      await sameData([a, b, c], "A, B, C");
    });

    await step("SLAVEOF NO ONE on B: new replid, C resyncs partially with B", async () => {
      const before = await syncStats(b.port);
      assert.equal(before.full, 1, "B served one full sync (to C)");
      assert.equal(await cli(b.port, "SLAVEOF", "NO", "ONE"), "OK\n");
      const ib = await info(b.port);
      assert.equal(ib.get("role"), "master");
      const newId = ib.get("master_replid")!;
      assert.match(newId, HEX40);
      assert.notEqual(newId, replid);
      assert.equal(ib.get("master_replid2"), replid);
      assert.equal(ib.get("second_repl_offset"), String(Number(ib.get("master_repl_offset")) + 1));
      assert.equal(ib.get("master_failover_state"), "no-failover");
      // real Redis drops its replicas on promotion (to tell them the new replid):
      // C reconnects at once with PSYNC <old replid> <offset+1> and is accepted
      await settle(
        "C follows B's new replid",
        () => info(c.port),
        (i) => i.get("master_replid") === newId && i.get("master_link_status") === "up",
      );
      const ic = await info(c.port);
      assert.equal(ic.get("master_replid2"), replid);
      assert.equal(ic.get("second_repl_offset"), ib.get("second_repl_offset"));
      assert.equal(ic.get("master_port"), String(b.port));
      const after = await settle(
        "B's sync_partial_ok + 1",
        () => syncStats(b.port),
        (s) => s.partialOk === before.partialOk + 1,
      );
      assert.equal(after.full, before.full, "C did not need a full sync");
      await settle(
        "A has no replica left",
        () => info(a.port),
        (i) => i.get("connected_slaves") === "0",
      );
      await waitOnline(b, c);
      assert.equal(await field(b.port, "connected_slaves"), "1");
    });

    await step("writes on B reach C", async () => {
      await write(b.port, [["SET", "after-promotion", "yes"], ["RPUSH", "l", "d"]]);
      await settle(
        "C gets B's write",
        () => call(c.port, "GET", "after-promotion"),
        (v) => v === "yes",
      );
      assert.deepEqual(await call(c.port, "LRANGE", "l", "0", "-1"), ["a", "b", "c", "d"]);
      await sameOffsets([b, c], "B, C");
      await sameData([b, c], "B, C");
      assert.equal(await call(a.port, "GET", "after-promotion"), null);
    });
  } finally {
    await nodes.stopAll();
  }
}

scenario("SLAVEOF chain A -> B -> C, INFO, streaming, promotion of B", story, [
  ["ours", "ours", "ours"],
  ["real", "real", "real"],
]);

// --- a master and one replica ---------------------------------------------------------

async function pair(nodes: Nodes, km: Kind, kr: Kind, margs: string[] = [], rargs: string[] = []) {
  const m = await nodes.node(km, margs);
  const r = await nodes.node(kr, [...replicaOf(m), ...rargs]);
  await waitLinkUp(r);
  await waitOnline(m, r);
  return { m, r };
}

// --- 2. read-only replica -------------------------------------------------------------

async function readOnly(t: Deno.TestContext, km: Kind, kr: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const { m, r } = await pair(nodes, km, kr);
    await step("a write on a replica answers -READONLY; reads are served", async () => {
      await write(m.port, [["SET", "k", "v"]]);
      await settle("k on the replica", () => call(r.port, "GET", "k"), (v) => v === "v");
      const c = await RawConn.open(r.port);
      try {
        assert.deepEqual(await c.pipeline([["SET", "k", "x"], ["DEL", "k"], ["GET", "k"]]), [
          "-READONLY You can't write against a read only replica.\r\n",
          "-READONLY You can't write against a read only replica.\r\n",
          "$1\r\nv\r\n",
        ]);
      } finally {
        await c.close();
      }
      assert.equal(
        (await cli(r.port, "SET", "k", "x")).trim(),
        "READONLY You can't write against a read only replica.",
      );
    });
  } finally {
    await nodes.stopAll();
  }
}

scenario("read-only replica", readOnly, [["ours", "ours"], ["real", "real"]]);

// --- 3. replica restarts --------------------------------------------------------------

/** `n` SETs of 1000-byte values: ~1 MB per 1000. */
const bulk = (from: number, n: number): string[][] =>
  Array.from({ length: n }, (_, i) => ["SET", `bulk:${from + i}`, "x".repeat(1000)]);

async function restarts(t: Deno.TestContext, km: Kind, kr: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    // a small backlog: writes made while the replica is up can push the offset of
    // the RDB it kept from a sync out of the backlog, so that only an RDB saved at
    // SHUTDOWN (with the current repl-id and offset) allows a partial resync
    const pr = await pair(nodes, km, kr, ["--repl-backlog-size", "16384"]);
    const m = pr.m;
    let r = pr.r;
    /** Start the replica again on its port, in `dir` (its own by default). */
    const restart = async (args: string[] = ["--dir", r.dir]) => {
      r = await nodes.node(kr, [...args, ...replicaOf(m)], r.port);
      await waitLinkUp(r);
    };

    await step(
      "SIGKILL, writes meanwhile, restart in the same dir: partial resync (the replica kept the RDB of its full sync, with the master's replid and offset)",
      async () => {
        await write(m.port, [["SET", "k1", "v1"]]);
        await settle("k1 on the replica", () => call(r.port, "GET", "k1"), (v) => v === "v1");
        const before = await syncStats(m.port);
        assert.equal(before.full, 1);
        await r.stop();
        await write(m.port, [["SET", "k2", "v2"], ["RPUSH", "l", "a", "b"]]);
        await restart();
        const after = await settle(
          "sync_partial_ok + 1",
          () => syncStats(m.port),
          (s) => s.partialOk === before.partialOk + 1,
        );
        assert.equal(after.full, before.full);
        assert.deepEqual(await call(r.port, "MGET", "k1", "k2"), ["v1", "v2"]);
        assert.deepEqual(await call(r.port, "LRANGE", "l", "0", "-1"), ["a", "b"]);
        await sameData([m, r], "master and restarted replica");
      },
    );

    await step(
      "a new replica on the same port with an empty dir: full sync, has the data",
      async () => {
        const before = await syncStats(m.port);
        await r.stop();
        await write(m.port, [["SET", "k3", "v3"]]);
        await restart([]);
        const after = await settle(
          "sync_full + 1",
          () => syncStats(m.port),
          (s) => s.full === before.full + 1,
        );
        assert.equal(after.partialOk, before.partialOk);
        assert.deepEqual(await call(r.port, "MGET", "k1", "k2", "k3"), ["v1", "v2", "v3"]);
        await sameData([m, r], "master and new replica");
      },
      true,
    );

    const shutdownThenRestart = async (shutdown: string[], saveArgs: string[]) => {
      await r.stop();
      await restart(["--dir", r.dir, ...saveArgs]);
      if (saveArgs.length) {
        assert.deepEqual(await call(r.port, "CONFIG", "GET", "save"), ["save", "3600 1"]);
      }
      // whatever RDB the replica has on disk now is from this offset or before
      const rdbOffset = await offset(m.port);
      // while the replica is connected, push the RDB's offset out of the backlog
      await write(m.port, bulk(0, 100));
      await sameOffsets([m, r], "master and replica");
      const first = Number(await field(m.port, "repl_backlog_first_byte_offset"));
      assert.ok(first > rdbOffset + 1, `backlog starts at ${first}, the RDB is at ${rdbOffset}`);
      const before = await syncStats(m.port);
      await cli(r.port, ...shutdown);
      assert.equal((await r.proc.status).code, 0, "clean exit");
      await write(m.port, [["INCR", "after-shutdown"]]);
      await restart();
      const after = await settle(
        "sync_partial_ok + 1",
        () => syncStats(m.port),
        (s) => s.partialOk === before.partialOk + 1,
      );
      assert.equal(after.full, before.full, "no full sync");
      assert.equal(
        await raw(r.port, "GET", "after-shutdown"),
        await raw(m.port, "GET", "after-shutdown"),
      );
      await sameData([m, r], "master and restarted replica");
    };

    await step(
      "SHUTDOWN of a replica with save points, restart: partial resync",
      () => shutdownThenRestart(["SHUTDOWN"], ["--save", "3600 1"]),
      true,
    );
    await step(
      "SHUTDOWN SAVE of a replica without save points, restart: partial resync",
      () => shutdownThenRestart(["SHUTDOWN", "SAVE"], []),
      true,
    );
  } finally {
    await nodes.stopAll();
  }
}

scenario("replica restarts (SIGKILL, new dir, SHUTDOWN)", restarts, [
  ["ours", "ours"],
  ["real", "real"],
]);

// --- 4. backlog too small / link drop -------------------------------------------------

async function backlog(t: Deno.TestContext, km: Kind, kr: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    // 16384 is the smallest backlog CONFIG SET gives in Redis 7.0 (less is raised to it;
    // only the command line / config file can set less)
    const pr = await pair(nodes, km, kr, ["--repl-backlog-size", "16384"]);
    const m = pr.m;
    let r = pr.r;

    await step("CONFIG SET repl-backlog-size below 16 KB gives 16 KB; 0 is refused", async () => {
      assert.equal(await raw(m.port, "CONFIG", "SET", "repl-backlog-size", "1000"), "+OK\r\n");
      assert.deepEqual(await call(m.port, "CONFIG", "GET", "repl-backlog-size"), [
        "repl-backlog-size",
        "16384",
      ]);
      assert.equal(await field(m.port, "repl_backlog_size"), "16384");
      assert.equal(
        await raw(m.port, "CONFIG", "SET", "repl-backlog-size", "0"),
        "-ERR CONFIG SET failed (possibly related to argument 'repl-backlog-size') - argument must be between 1 and 9223372036854775807 inclusive\r\n",
      );
    });

    await step(
      "SIGKILL the replica, write more than the backlog, restart in the same dir: full sync",
      async () => {
        await write(m.port, [["SET", "k", "v"]]);
        const off = await sameOffsets([m, r], "master and replica");
        const before = await syncStats(m.port);
        await r.stop();
        await write(m.port, bulk(0, 100));
        const first = Number(await field(m.port, "repl_backlog_first_byte_offset"));
        assert.ok(first > off + 1, `the backlog starts at ${first}, the replica is at ${off}`);
        r = await nodes.node(kr, ["--dir", r.dir, ...replicaOf(m)], r.port);
        await waitLinkUp(r);
        const after = await settle(
          "sync_full + 1",
          () => syncStats(m.port),
          (s) => s.full === before.full + 1,
        );
        assert.equal(after.partialOk, before.partialOk);
        assert.equal(await call(r.port, "DBSIZE"), 101);
        await sameData([m, r], "master and replica");
      },
    );

    await step(
      "CLIENT KILL TYPE master on the replica: it reconnects with a partial resync",
      async () => {
        const before = await syncStats(m.port);
        assert.equal(await call(r.port, "CLIENT", "KILL", "TYPE", "master"), 1);
        await write(m.port, [["SET", "during-drop", "1"], ["RPUSH", "dl", "a", "b"]]);
        const after = await settle(
          "sync_partial_ok + 1",
          () => syncStats(m.port),
          (s) => s.partialOk === before.partialOk + 1,
        );
        assert.equal(after.full, before.full);
        await waitLinkUp(r);
        await sameOffsets([m, r], "master and replica");
        await sameData([m, r], "master and replica");
        assert.equal(await call(r.port, "GET", "during-drop"), "1");
      },
    );
  } finally {
    await nodes.stopAll();
  }
}

scenario("backlog too small: full sync; link drop: partial", backlog, [
  ["ours", "ours"],
  ["real", "real"],
]);

// --- 5. WAIT --------------------------------------------------------------------------

async function waitCmd(t: Deno.TestContext, km: Kind, kr: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const { m, r } = await pair(nodes, km, kr);
    // right after a diskless sync real Redis streams nothing (so acks nothing)
    // until the replica's first REPLCONF ACK, up to 1 s later: wait for that
    await write(m.port, [["SET", "warm-up", "1"]]);
    await acked(m);
    const c = await RawConn.open(m.port);
    try {
      await step(
        "WAIT 1 1000 after a write returns 1 as soon as the replica acknowledges",
        async () => {
          const t0 = Date.now();
          assert.deepEqual(await c.pipeline([["SET", "k", "v"], ["WAIT", "1", "1000"]]), [
            "+OK\r\n",
            ":1\r\n",
          ]);
          assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
        },
      );
      await step("WAIT 2 200 returns 1 after about 200 ms", async () => {
        await c.cmd("SET", "k", "w");
        const t0 = Date.now();
        assert.equal(await c.cmd("WAIT", "2", "200"), ":1\r\n");
        const ms = Date.now() - t0;
        assert.ok(ms >= 190 && ms < 1500, `took ${ms} ms`);
      });
      await step("WAIT on a replica is an error", async () => {
        assert.equal(
          await raw(r.port, "WAIT", "0", "0"),
          "-ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.\r\n",
        );
      });
    } finally {
      await c.close();
    }
  } finally {
    await nodes.stopAll();
  }
}

scenario("WAIT", waitCmd, [["ours", "ours"], ["real", "real"]]);

// --- 6. min-replicas-to-write ---------------------------------------------------------

async function minReplicas(t: Deno.TestContext, km: Kind, kr: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const { m, r } = await pair(nodes, km, kr);
    await step("min-replicas-to-write 2 with one replica: writes answer -NOREPLICAS", async () => {
      assert.equal(await raw(m.port, "CONFIG", "SET", "min-replicas-to-write", "2"), "+OK\r\n");
      const c = await RawConn.open(m.port);
      try {
        assert.deepEqual(await c.pipeline([["SET", "k", "v"], ["INCR", "n"], ["GET", "k"]]), [
          "-NOREPLICAS Not enough good replicas to write.\r\n",
          "-NOREPLICAS Not enough good replicas to write.\r\n",
          "$-1\r\n",
        ]);
      } finally {
        await c.close();
      }
    });
    await step("INFO shows the count of good replicas right after connected_slaves", async () => {
      const names = (await infoPairs(m.port, "replication")).map((p) => p[0]);
      assert.deepEqual(names.slice(0, 4), [
        "role",
        "connected_slaves",
        "min_slaves_good_slaves",
        "slave0",
      ]);
      assert.equal(await field(m.port, "min_slaves_good_slaves"), "1");
    }, true);
    await step("min-replicas-to-write 1: writes are accepted again", async () => {
      assert.equal(await raw(m.port, "CONFIG", "SET", "min-replicas-to-write", "1"), "+OK\r\n");
      assert.equal(await raw(m.port, "SET", "k", "v"), "+OK\r\n");
      await settle("k on the replica", () => call(r.port, "GET", "k"), (v) => v === "v");
    }, true);
  } finally {
    await nodes.stopAll();
  }
}

scenario("min-replicas-to-write", minReplicas, [["ours", "ours"], ["real", "real"]]);

// --- 7. ROLE --------------------------------------------------------------------------

async function role(t: Deno.TestContext, km: Kind, kr: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const { m, r } = await pair(nodes, km, kr);
    await write(m.port, [["SET", "k", "v"]]);
    await step(
      "ROLE on master and replica: offsets, the replica's ip and port, the link",
      async () => {
        // the replica acknowledges once a second; poll until both are at one offset
        const [rm, rr] = await settle(
          "ROLE on master and replica at one offset",
          () => Promise.all([call(m.port, "ROLE"), call(r.port, "ROLE")]),
          ([rm, rr]) => {
            const off = (rm as Reply[])[1];
            return typeof off === "number" && off > 0 &&
              JSON.stringify(rm) ===
                JSON.stringify(["master", off, [["127.0.0.1", String(r.port), String(off)]]]) &&
              JSON.stringify(rr) ===
                JSON.stringify(["slave", "127.0.0.1", m.port, "connected", off]);
          },
        );
        // integers where Redis sends integers, bulk strings in the master's replica list
        assert.equal(typeof (rm as Reply[])[1], "number");
        assert.equal(typeof (rr as Reply[])[2], "number");
        assert.equal(typeof (rr as Reply[])[4], "number");
      },
    );
  } finally {
    await nodes.stopAll();
  }
}

scenario("ROLE", role, [["ours", "ours"], ["real", "real"]]);

// --- 8. interop: full sync both ways, disk and diskless; every type; mixed chain -------

function dataset(p: string): string[][] {
  let binary = "";
  for (let i = 0; i < 300; i++) binary += String.fromCharCode((i * 37 + 11) & 255);
  const cmds: string[][] = [
    ["SET", `${p}str`, "hello"],
    ["APPEND", `${p}str`, " world"],
    ["SETRANGE", `${p}str`, "0", "J"],
    ["SET", `${p}int`, "41"],
    ["INCR", `${p}int`],
    ["INCRBYFLOAT", `${p}float`, "1.5"],
    ["SET", `${p}bin`, binary],
    ["RPUSH", `${p}list`, "a", "b", "c", "1", "2"],
    ["LPUSH", `${p}list`, "z"],
    ["LMOVE", `${p}list`, `${p}list2`, "LEFT", "RIGHT"],
    ["LTRIM", `${p}list`, "0", "3"],
    ["HSET", `${p}hash`, "f1", "v1", "f2", "2", "f3", "x"],
    ["HINCRBY", `${p}hash`, "f2", "5"],
    ["HINCRBYFLOAT", `${p}hash`, "f4", "0.25"],
    ["HDEL", `${p}hash`, "f3"],
    ["SADD", `${p}iset`, "1", "2", "3", "-7"],
    ["SREM", `${p}iset`, "2"],
    ["SADD", `${p}sset`, "a", "b", "c", "d", "e"],
    ["SPOP", `${p}sset`],
    ["SMOVE", `${p}sset`, `${p}sset2`, "a"],
    ["ZADD", `${p}zset`, "1", "a", "2", "b", "3.5", "c", "-1", "d"],
    ["ZINCRBY", `${p}zset`, "2", "a"],
    ["ZPOPMIN", `${p}zset`],
    ["SETBIT", `${p}bits`, "7", "1"],
    ["SETBIT", `${p}bits`, "100", "1"],
    ["BITFIELD", `${p}bf`, "SET", "u8", "0", "200", "INCRBY", "i5", "100", "1"],
    ["BITOP", "OR", `${p}bitor`, `${p}bits`, `${p}bf`],
    ["PFADD", `${p}hll`, "a", "b", "c"],
    ["PFADD", `${p}hll2`, "c", "d"],
    ["PFMERGE", `${p}hllm`, `${p}hll`, `${p}hll2`],
    ["SET", `${p}ex`, "v", "EX", "1000"],
    ["SET", `${p}px`, "v", "PX", "2000000"],
    ["SET", `${p}keep`, "v"],
    ["EXPIRE", `${p}keep`, "5000"],
    ["PEXPIREAT", `${p}list`, String(Date.now() + 3_000_000)],
    ["SET", `${p}persist`, "v", "EX", "100"],
    ["PERSIST", `${p}persist`],
    ["GETEX", `${p}str`, "EX", "4000"],
    ["MULTI"],
    ["SET", `${p}tx`, "1"],
    ["INCR", `${p}tx`],
    ["EXEC"],
    ["SET", `${p}gone`, "x"],
    ["DEL", `${p}gone`],
    ["SET", `${p}old`, "x"],
    ["RENAME", `${p}old`, `${p}new`],
    ["SELECT", "3"],
    ["SET", `${p}db3`, "three"],
    ["HSET", `${p}db3h`, "a", "b"],
    ["SELECT", "0"],
  ];
  // big encodings: quicklist, hashtable, skiplist, big intset, long strings
  const big = (cmd: string, key: string, n: number, f: (i: number) => string[]) => {
    for (let i = 0; i < n; i += 100) {
      const a = [cmd, key];
      for (let j = i; j < Math.min(n, i + 100); j++) a.push(...f(j));
      cmds.push(a);
    }
  };
  big("RPUSH", `${p}biglist`, 1000, (i) => [i % 3 ? `item-${i}` : String(i * 7919)]);
  big("HSET", `${p}bighash`, 600, (i) => [`field:${i}`, `value-${i}`]);
  big("SADD", `${p}bigset`, 600, (i) => [`member:${i}`]);
  big("SADD", `${p}bigiset`, 600, (i) => [String(i * 3)]);
  big("ZADD", `${p}bigzset`, 300, (i) => [String(i * 1.5 - 100), `m:${i}`]);
  cmds.push(["SET", `${p}long`, "abc".repeat(5000)]);
  return cmds;
}

/** Reads whose replies must be identical on master and replica. */
function reads(p: string): string[][] {
  return [
    ["GET", `${p}str`],
    ["GET", `${p}int`],
    ["GET", `${p}float`],
    ["GET", `${p}bin`],
    ["LRANGE", `${p}list`, "0", "-1"],
    ["LRANGE", `${p}list2`, "0", "-1"],
    ["HGET", `${p}hash`, "f2"],
    ["HGET", `${p}hash`, "f4"],
    ["HLEN", `${p}hash`],
    ["SMEMBERS", `${p}iset`],
    ["SCARD", `${p}sset`],
    ["ZRANGE", `${p}zset`, "0", "-1", "WITHSCORES"],
    ["GET", `${p}bits`],
    ["GET", `${p}bf`],
    ["GET", `${p}bitor`],
    ["PFCOUNT", `${p}hllm`],
    ["GET", `${p}hllm`],
    ["PTTL", `${p}persist`],
    ["GET", `${p}tx`],
    ["EXISTS", `${p}gone`, `${p}old`, `${p}new`],
    ["LLEN", `${p}biglist`],
    ["LINDEX", `${p}biglist`, "500"],
    ["HGET", `${p}bighash`, "field:599"],
    ["SCARD", `${p}bigset`],
    ["SISMEMBER", `${p}bigiset`, "1797"],
    ["ZRANGE", `${p}bigzset`, "0", "4", "WITHSCORES"],
    ["STRLEN", `${p}long`],
  ];
}

async function sameReads(m: ServerProc, r: ServerProc, p: string): Promise<void> {
  for (const q of reads(p)) {
    assert.equal(await raw(r.port, ...q), await raw(m.port, ...q), q.join(" "));
  }
  for (const k of ["ex", "px", "keep", "list", "str"]) {
    const [a, b] = [await call(m.port, "PTTL", p + k), await call(r.port, "PTTL", p + k)];
    assert.ok(typeof a === "number" && typeof b === "number" && a > 0 && b > 0, `PTTL ${k}`);
    assert.ok(Math.abs((a as number) - (b as number)) < 3000, `PTTL ${p}${k}: ${a} / ${b}`);
  }
}

/**
 * A key that expires on the master while replicas are attached: replicas never
 * expire keys themselves (they only hide them from reads), the master's DEL
 * removes it. DBSIZE counts keys present, expired or not.
 */
async function expiresViaMaster(m: ServerProc, replicas: ServerProc[]): Promise<void> {
  const base = await call(m.port, "DBSIZE");
  await write(m.port, [["SET", "soon", "v", "PX", "600"]]);
  for (const r of replicas) {
    await settle(
      "the volatile key on the replica",
      () => call(r.port, "DBSIZE"),
      (n) => n === (base as number) + 1,
    );
    const pttl = await call(r.port, "PTTL", "soon");
    assert.ok(typeof pttl === "number" && pttl > 0 && pttl <= 600, `PTTL on replica: ${pttl}`);
  }
  await settle("the master expires it", () => call(m.port, "DBSIZE"), (n) => n === base, 5000);
  for (const r of replicas) {
    await settle("the replica loses it", () => call(r.port, "DBSIZE"), (n) => n === base, 5000);
  }
}

async function interop(t: Deno.TestContext, km: Kind, kr: Kind, diskless: boolean): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const m = await nodes.node(km, ["--repl-diskless-sync", diskless ? "yes" : "no"]);
    let r: Node | null = null;
    await step(
      `full sync (${diskless ? "diskless" : "disk-based"}) carries every type`,
      async () => {
        await write(m.port, [["DEBUG", "POPULATE", "3000", "pop", "12"], ...dataset("pre:")]);
        r = await nodes.node(kr, replicaOf(m));
        await waitLinkUp(r);
        assert.equal((await syncStats(m.port)).full, 1);
        await sameData([m, r], "master and replica");
        await sameReads(m, r, "pre:");
        // a real replica says how it was sent the RDB
        if (kr === "real") {
          assert.match(
            r.output(),
            diskless
              ? /MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk/
              : /MASTER <-> REPLICA sync: receiving \d+ bytes from master to disk/,
          );
        }
      },
    );
    await step("streaming of every type", async () => {
      await write(m.port, dataset("live:"));
      await sameOffsets([m, r!], "master and replica");
      await sameData([m, r!], "master and replica");
      await sameReads(m, r!, "live:");
    });
    await step("a key expiring on the master is deleted on the replica", async () => {
      await expiresViaMaster(m, [r!]);
      await sameData([m, r!], "master and replica");
    });
    await step(
      diskless
        ? "diskless: the master wrote no dump.rdb"
        : "disk-based: the master saved dump.rdb in its dir (and sent that)",
      async () => {
        const file = await Deno.stat(`${m.dir}/dump.rdb`).then(() => true, () => false);
        assert.equal(file, !diskless, "dump.rdb in the master's dir");
      },
      true,
    );
  } finally {
    await nodes.stopAll();
  }
}

scenario(
  "full sync disk-based, streaming, expiry",
  (t, km: Kind, kr: Kind) => interop(t, km, kr, false),
  [["real", "ours"], ["ours", "real"], ["ours", "ours"], ["real", "real"]],
);
scenario(
  "full sync diskless, streaming, expiry",
  (t, km: Kind, kr: Kind) => interop(t, km, kr, true),
  [["real", "ours"], ["ours", "real"], ["ours", "ours"], ["real", "real"]],
);

async function chain(t: Deno.TestContext, ka: Kind, kb: Kind, kc: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const a = await nodes.node(ka);
    await write(a.port, dataset("pre:"));
    const b = await nodes.node(kb, replicaOf(a));
    await waitLinkUp(b);
    const c = await nodes.node(kc, replicaOf(b));
    await waitLinkUp(c);
    await step("the data set reaches the end of the chain", async () => {
      await sameData([a, b, c], "A, B, C");
      await sameReads(a, c, "pre:");
    });
    await step("streaming down the chain; equal offsets and digests", async () => {
      await write(a.port, dataset("live:"));
      await sameOffsets([a, b, c], "A, B, C");
      await sameData([a, b, c], "A, B, C");
      await sameReads(a, c, "live:");
    });
    await step("a key expiring on A is deleted on B and C", async () => {
      await expiresViaMaster(a, [b, c]);
      await sameOffsets([a, b, c], "A, B, C");
      await sameData([a, b, c], "A, B, C");
    });
  } finally {
    await nodes.stopAll();
  }
}

scenario("mixed chain", chain, [
  ["ours", "real", "ours"],
  ["real", "ours", "real"],
  ["real", "real", "real"],
]);

// --- 9. FAILOVER ----------------------------------------------------------------------

async function failover(t: Deno.TestContext, km: Kind, kr: Kind): Promise<void> {
  const nodes = new Nodes();
  const step = stepper(t);
  try {
    const { m, r } = await pair(nodes, km, kr);
    await step(
      "FAILOVER with writes running: roles swap, no acknowledged write is lost",
      async () => {
        const w = await RawConn.open(m.port);
        const acked: number[] = [];
        let readonly = 0, stop = false;
        const writer = (async () => {
          for (let i = 0; !stop; i++) {
            await w.send([["SET", `f:${i}`, String(i)]]);
            const [rep] = await w.read(1, 15_000);
            if (rep === "+OK\r\n") acked.push(i);
            else if (
              rep === "-READONLY You can't write against a read only replica.\r\n"
            ) readonly++;
            else throw new Error(`SET f:${i}: ${rep}`);
          }
        })();
        try {
          await settle("writes acknowledged", () => Promise.resolve(acked.length), (n) => n >= 50);
          assert.equal(await raw(m.port, "FAILOVER"), "+OK\r\n");
          await settle(
            "the old master follows the new one",
            () => info(m.port),
            (i) =>
              i.get("role") === "slave" && i.get("master_port") === String(r.port) &&
              i.get("master_link_status") === "up",
          );
          await settle(
            "the writer is refused by the old master",
            () => Promise.resolve(readonly),
            (n) => n > 0,
          );
        } finally {
          stop = true;
          await writer.finally(() => w.close());
        }
        const ir = await info(r.port);
        assert.equal(ir.get("role"), "master");
        assert.equal(ir.get("master_failover_state"), "no-failover");
        assert.equal(await field(m.port, "master_failover_state"), "no-failover");
        await settle(
          "the new master lists the old one",
          () => info(r.port),
          (i) => i.get("connected_slaves") === "1" && slaveLine(m.port).test(i.get("slave0") ?? ""),
        );
        const got = await call(
          r.port,
          "MGET",
          ...acked.map((i) => `f:${i}`),
        );
        assert.deepEqual(got, acked.map(String), "acknowledged writes on the new master");
        assert.equal(await raw(r.port, "SET", "after", "1"), "+OK\r\n");
        await sameData([r, m], "new master and old master");
      },
    );
  } finally {
    await nodes.stopAll();
  }
}

scenario("FAILOVER", failover, [["ours", "ours"], ["real", "real"]]);
