// Replication under faults, each scenario played with our servers and (with
// REPL_TEST_REAL=1) all-real, the way its assertions were validated:
//   - the master dies in the middle of a full sync: the replica keeps serving
//     its old data set, whole (never a half-loaded one), and catches up once a
//     master is back;
//   - a "replica" that asks for a full sync, sends a malformed command and
//     vanishes mid-transfer is dropped while the master and its other replica
//     carry on;
//   - malformed PSYNC / REPLCONF get Redis's errors.
import assert from "node:assert/strict";
import { cli, freePort, type ServerProc, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { RawConn } from "./rawconn.ts";

type Kind = "ours" | "real";
const REAL = Deno.env.get("REPL_TEST_REAL") === "1";
const opts = { sanitizeOps: false, sanitizeResources: false };

function start(kind: Kind, args: string[] = [], port = freePort()): Promise<ServerProc> {
  const full = ["--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0", ...args];
  return kind === "real" ? startRealRedis(full, port) : startServer(full, port);
}

async function info(port: number): Promise<string> {
  return await cli(port, "INFO", "replication");
}

const digest = async (port: number) => (await cli(port, "DEBUG", "DIGEST")).trim();

async function masterDiesMidSync(kind: Kind): Promise<void> {
  const procs: ServerProc[] = [];
  try {
    const m = await start(kind);
    procs.push(m);
    const r = await start(kind);
    procs.push(r);
    // the replica's own data set, and a big slow snapshot on the master
    await cli(r.port, "DEBUG", "POPULATE", "1000", "old");
    const before = await digest(r.port);
    await cli(m.port, "DEBUG", "POPULATE", "20000", "new");
    await cli(m.port, "CONFIG", "SET", "rdb-key-save-delay", "200"); // ~4 s for the snapshot
    await cli(r.port, "REPLICAOF", "127.0.0.1", String(m.port));
    await waitFor(
      async () => (await info(r.port)).includes("master_sync_in_progress:1"),
      "the transfer to start",
      10_000,
    );
    await m.stop(); // SIGKILL in the middle of the transfer
    await waitFor(
      async () => (await info(r.port)).includes("master_link_status:down"),
      "the link to go down",
      10_000,
    );
    // still the old data, whole, and still serving reads
    assert.equal(await digest(r.port), before);
    assert.equal((await cli(r.port, "DBSIZE")).trim(), "1000");
    assert.equal((await cli(r.port, "GET", "old:7")).trim(), "value:7");
    // a master on the same port again: the replica syncs and has its data
    const m2 = await start(kind, [], m.port);
    procs.push(m2);
    await cli(m2.port, "SET", "fresh", "1");
    await waitFor(
      async () => (await cli(r.port, "GET", "fresh")).trim() === "1",
      "the replica to sync with the new master",
      20_000,
    );
    assert.equal(await digest(r.port), await digest(m2.port));
  } finally {
    for (const p of procs) await p.stop();
  }
}

async function badReplicas(kind: Kind): Promise<void> {
  const procs: ServerProc[] = [];
  const conns: RawConn[] = [];
  try {
    const m = await start(kind);
    procs.push(m);
    const good = await start(kind, ["--replicaof", `127.0.0.1 ${m.port}`]);
    procs.push(good);
    await waitFor(
      async () => (await info(good.port)).includes("master_link_status:up"),
      "the good replica",
      10_000,
    );
    // a client that becomes a replica (and will vanish)
    const bad = await RawConn.open(m.port);
    conns.push(bad);
    await bad.send([["REPLCONF", "listening-port", "1"], ["PSYNC", "?", "-1"]]);
    await bad.read(2, 10_000); // +OK, +FULLRESYNC
    // malformed requests from ordinary clients get Redis's errors
    const c = await RawConn.open(m.port);
    conns.push(c);
    assert.equal(
      await c.cmd("REPLCONF", "listening-port"),
      "-ERR syntax error\r\n",
    );
    assert.equal(
      await c.cmd("REPLCONF", "nosuch", "1"),
      "-ERR Unrecognized REPLCONF option: nosuch\r\n",
    );
    assert.equal(
      await c.cmd("PSYNC", "x"),
      "-ERR wrong number of arguments for 'psync' command\r\n",
    );
    // writes keep flowing to the good replica, the master keeps answering
    for (let i = 0; i < 100; i++) await c.cmd("SET", `k${i}`, String(i));
    await waitFor(
      async () => (await cli(good.port, "GET", "k99")).trim() === "99",
      "the good replica to get the writes",
      10_000,
    );
    assert.equal(await c.cmd("PING"), "+PONG\r\n");
    // the bad replica sends a malformed command, then vanishes: nobody else is harmed
    await bad.send([["SET", "x"]]);
    await bad.close();
    const g = await RawConn.open(m.port);
    conns.push(g);
    await waitFor(
      async () => (await info(m.port)).includes("connected_slaves:1"),
      "the bad replica to be gone",
      10_000,
    );
    assert.equal(await g.cmd("GET", "k5"), "$1\r\n5\r\n");
    assert.equal(await digest(good.port), await digest(m.port));
  } finally {
    for (const c of conns) await c.close();
    for (const p of procs) await p.stop();
  }
}

for (const kind of ["ours", "real"] as Kind[]) {
  Deno.test({
    name: `replication faults: the master dies mid-transfer (${kind})`,
    ignore: kind === "real" && !REAL,
    ...opts,
    fn: () => masterDiesMidSync(kind),
  });
  Deno.test({
    name: `replication faults: bad replicas and malformed requests (${kind})`,
    ignore: kind === "real" && !REAL,
    ...opts,
    fn: () => badReplicas(kind),
  });
}
