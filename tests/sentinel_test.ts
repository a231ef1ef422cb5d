// Sentinel, with real peers: our sentinels (separate processes) and real
// redis-sentinel 7.0, watching our servers and real redis-server 7.0.
//
// Scenarios: the seed article's walk-through literally (one sentinel, quorum
// 1, every other setting at its default: down-after 30 s); three sentinels
// with quorum 2 and down-after 1000 ms over our servers (SIGKILL of the
// master -> exactly one failover, the other replica repointed, +switch-master
// to a subscriber, config files rewritten, an ioredis client in Sentinel mode
// losing no WAIT-ed write, the old master demoted when it returns,
// SENTINEL FAILOVER, a restarted sentinel keeping its id and epochs);
// our sentinels over real redis-server; real redis-sentinel over our servers;
// a mixed group (two of ours, one real) agreeing on a failover; the sentinel
// port's replies field by field against a real sentinel; start-up refusals.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import {
  cli,
  freePort,
  ROOT,
  type ServerProc,
  startRealRedis,
  startServer,
  waitFor,
} from "./helpers.ts";
import { parse, RawConn, type Reply } from "./rawconn.ts";
import { parseConfig, renderConfig } from "../sentinel/config.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
type Kind = "ours" | "real";

// --- processes -------------------------------------------------------------------------------

interface SentinelProc {
  kind: Kind;
  port: number;
  conf: string;
  dir: string;
  proc: Deno.ChildProcess;
  output(): string;
  stop(signal?: Deno.Signal): Promise<void>;
}

class Group {
  servers: ServerProc[] = [];
  sentinels: SentinelProc[] = [];
  dirs: string[] = [];

  async server(kind: Kind, args: string[] = [], port = freePort()): Promise<ServerProc> {
    const full = ["--repl-diskless-sync-delay", "0", ...args];
    const s = kind === "real" ? await startRealRedis(full, port) : await startServer(full, port);
    this.servers.push(s);
    this.dirs.push(s.dir);
    return s;
  }

  /** Start a sentinel on a config file (written from `lines` unless it exists already). */
  async sentinel(kind: Kind, lines: string[] | null, dir?: string, port = freePort()) {
    if (!dir) {
      dir = await Deno.makeTempDir({ prefix: "sentinel-" });
      this.dirs.push(dir);
    }
    const conf = `${dir}/sentinel.conf`;
    if (lines) await Deno.writeTextFile(conf, [`port ${port}`, ...lines].join("\n") + "\n");
    else {
      const m = (await Deno.readTextFile(conf)).match(/^port (\d+)/m);
      port = Number(m![1]);
    }
    const cmd = kind === "real" ? "redis-sentinel" : Deno.execPath();
    const args = kind === "real"
      ? [conf]
      : ["run", "--allow-all", "--unstable-net", `${ROOT}sentinel/main.ts`, conf];
    const proc = new Deno.Command(cmd, { args, cwd: dir, stdout: "piped", stderr: "piped" })
      .spawn();
    let out = "";
    const dec = new TextDecoder();
    const pump = async (s: ReadableStream<Uint8Array>) => {
      for await (const c of s) out += dec.decode(c);
    };
    const pumps = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
    let exited = false;
    const status = proc.status.then((s) => {
      exited = true;
      return s;
    });
    const sp: SentinelProc = {
      kind,
      port,
      conf,
      dir,
      proc,
      output: () => out,
      async stop(signal: Deno.Signal = "SIGKILL") {
        if (!exited) {
          try {
            proc.kill(signal);
          } catch { /* gone */ }
        }
        await status;
        await pumps;
      },
    };
    this.sentinels.push(sp);
    await waitFor(
      async () => {
        if (exited) throw new Error("exited");
        return (await cli(port, "ping")).trim() === "PONG";
      },
      `sentinel on ${port}\n${out}`,
      20_000,
    );
    return sp;
  }

  async stopAll(): Promise<void> {
    for (const s of this.sentinels) await s.stop();
    for (const s of this.servers) await s.stop();
    for (const d of this.dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}

// --- talking to instances --------------------------------------------------------------------

async function call(port: number, ...argv: string[]): Promise<Reply> {
  const c = await RawConn.open(port);
  try {
    await c.send([argv]);
    return parse((await c.read(1, 5000))[0])[0];
  } finally {
    await c.close();
  }
}

/** A flat [k, v, k, v] reply as a Map. */
function pairs(r: Reply): Map<string, string> {
  const a = r as string[];
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < a.length; i += 2) m.set(a[i], String(a[i + 1]));
  return m;
}

async function masterAddr(port: number): Promise<number> {
  const r = await call(port, "SENTINEL", "get-master-addr-by-name", "mymaster") as string[];
  return Number(r[1]);
}

async function role(port: number): Promise<string> {
  return ((await call(port, "ROLE")) as string[])[0];
}

async function replication(port: number): Promise<Map<string, string>> {
  const text = (await call(port, "INFO", "replication")) as string;
  return new Map(
    text.split("\r\n").filter((l) => l.includes(":")).map((l) => {
      const i = l.indexOf(":");
      return [l.slice(0, i), l.slice(i + 1)] as [string, string];
    }),
  );
}

/** Wait until `n` sentinels each know the other n-1 and both replicas. */
async function waitDiscovery(sentinels: SentinelProc[], replicas: number): Promise<void> {
  for (const s of sentinels) {
    await waitFor(
      async () => {
        const m = pairs(await call(s.port, "SENTINEL", "master", "mymaster"));
        return Number(m.get("num-other-sentinels")) === sentinels.length - 1 &&
          Number(m.get("num-slaves")) === replicas;
      },
      `discovery on sentinel ${s.port}`,
      15_000,
      100,
    );
  }
}

/** Subscribe to a sentinel's events; returns the messages seen so far and a closer. */
async function subscribe(port: number, pattern = "*") {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const w = `*2\r\n$10\r\nPSUBSCRIBE\r\n$${pattern.length}\r\n${pattern}\r\n`;
  await conn.write(new TextEncoder().encode(w));
  let text = "";
  const dec = new TextDecoder();
  (async () => {
    const buf = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        text += dec.decode(buf.subarray(0, n));
      }
    } catch { /* closed */ }
  })();
  return {
    text: () => text,
    close: () => {
      try {
        conn.close();
      } catch { /* closed */ }
    },
  };
}

function sentinelLines(masterPort: number, quorum: number, downAfter?: number): string[] {
  const l = [`sentinel monitor mymaster 127.0.0.1 ${masterPort} ${quorum}`];
  if (downAfter) l.push(`sentinel down-after-milliseconds mymaster ${downAfter}`);
  return l;
}

// --- the seed article's walk-through -------------------------------------------------------------

Deno.test({
  name: "seed walk-through: one sentinel, quorum 1, default down-after; the old master rejoins",
  ...opts,
  fn: async () => {
    const g = new Group();
    try {
      const m = await g.server("ours");
      const r1 = await g.server("ours", ["--replicaof", `127.0.0.1 ${m.port}`]);
      const r2 = await g.server("ours", ["--replicaof", `127.0.0.1 ${m.port}`]);
      await waitFor(
        async () => (await replication(m.port)).get("connected_slaves") === "2",
        "replicas",
      );
      const s = await g.sentinel("ours", sentinelLines(m.port, 1));
      await waitDiscovery([s], 2);
      const t0 = Date.now();
      await m.stop();
      await waitFor(async () => (await masterAddr(s.port)) !== m.port, "failover", 60_000, 200);
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 30_000, `down-after is 30 s by default (${elapsed} ms)`);
      const nm = await masterAddr(s.port);
      const other = nm === r1.port ? r2 : r1;
      assert.equal(await role(nm), "master");
      await waitFor(
        async () => (await replication(other.port)).get("master_port") === String(nm),
        "repointed",
        15_000,
        100,
      );
      assert.match(s.output(), /# \+sdown master mymaster 127\.0\.0\.1 \d+/);
      await waitFor(
        () => s.output().includes(`# +switch-master mymaster 127.0.0.1 ${m.port} 127.0.0.1 ${nm}`),
        "+switch-master logged",
      );
      // the old master comes back and is demoted to a replica of the new one
      const back = await g.server("ours", ["--dir", m.dir], m.port);
      await waitFor(
        async () => (await replication(back.port)).get("master_port") === String(nm),
        "old master demoted",
        30_000,
        200,
      );
      assert.match(s.output(), /\+convert-to-slave slave 127\.0\.0\.1:\d+ /);
    } finally {
      await g.stopAll();
    }
  },
});

// --- three sentinels, quorum 2 ---------------------------------------------------------------------

async function threeSentinelsFailover(serverKind: Kind, sentinelKinds: Kind[], extra = false) {
  const g = new Group();
  try {
    const m = await g.server(serverKind);
    const r1 = await g.server(serverKind, ["--replicaof", `127.0.0.1 ${m.port}`]);
    const r2 = await g.server(serverKind, ["--replicaof", `127.0.0.1 ${m.port}`]);
    await waitFor(
      async () => (await replication(m.port)).get("connected_slaves") === "2",
      "replicas",
    );
    const ss: SentinelProc[] = [];
    for (const k of sentinelKinds) ss.push(await g.sentinel(k, sentinelLines(m.port, 2, 1000)));
    await waitDiscovery(ss, 2);
    const sub = await subscribe(ss[0].port, "+switch-master");
    const client = extra
      ? new Redis({
        sentinels: ss.map((s) => ({ host: "127.0.0.1", port: s.port })),
        name: "mymaster",
        maxRetriesPerRequest: null,
        retryStrategy: () => 100,
        sentinelRetryStrategy: () => 100,
        enableOfflineQueue: true,
        lazyConnect: false,
      })
      : null;
    client?.on("error", () => {});
    let writing = true;
    let killed = false;
    const acked: string[] = [];
    let writer: Promise<void> = Promise.resolve();
    try {
      if (client) {
        await client.set("start", "1");
        writer = (async () => {
          for (let i = 0; writing; i++) {
            // before the kill a write counts when both replicas have it; after, the one left
            const need = killed ? 1 : 2;
            try {
              await client.set(`k${i}`, String(i));
              const n = await client.call("WAIT", String(need), "200") as number;
              if (n >= need) acked.push(`k${i}`);
            } catch { /* failing over */ }
          }
        })();
        await waitFor(() => acked.length > 20, "writes before the failover", 10_000);
      }
      const t0 = Date.now();
      killed = true;
      await m.stop(); // SIGKILL
      let firstWrite = 0;
      const writeProbe = (async () => {
        while (!firstWrite && Date.now() - t0 < 20_000) {
          for (const r of [r1, r2]) {
            try {
              if ((await call(r.port, "SET", "probe", "1")) === "OK") firstWrite = Date.now() - t0;
            } catch { /* not yet */ }
          }
          await new Promise((res) => setTimeout(res, 25));
        }
      })();
      let agree = 0;
      await waitFor(
        async () => {
          const a = await Promise.all(ss.map((s) => masterAddr(s.port)));
          if (a.every((p) => p !== m.port && p === a[0])) agree = Date.now() - t0;
          return agree > 0;
        },
        "all sentinels name the new master",
        20_000,
        25,
      );
      await writeProbe;
      console.log(
        `  [${serverKind} servers, sentinels ${
          sentinelKinds.join("+")
        }] kill -> all agree ${agree} ms, kill -> first write ${firstWrite} ms`,
      );
      const nm = await masterAddr(ss[0].port);
      const other = nm === r1.port ? r2 : r1;
      assert.equal(await role(nm), "master");
      await waitFor(
        async () => (await replication(other.port)).get("master_port") === String(nm),
        "the other replica repointed",
        15_000,
        100,
      );
      await waitFor(
        () => sub.text().includes(`mymaster 127.0.0.1 ${m.port} 127.0.0.1 ${nm}`),
        "+switch-master to a subscriber",
      );
      // exactly one failover: one epoch, one leader
      for (const s of ss) {
        await waitFor(
          async () => {
            const mm = pairs(await call(s.port, "SENTINEL", "master", "mymaster"));
            return mm.get("config-epoch") === "1";
          },
          `config-epoch 1 on ${s.port}`,
          10_000,
          100,
        );
      }
      const leaders = ss.filter((s) => s.output().includes("+elected-leader"));
      if (sentinelKinds.every((k) => k === "ours")) assert.equal(leaders.length, 1);
      // config files rewritten with the new master and epochs
      for (const s of ss) {
        await waitFor(
          async () => {
            const text = await Deno.readTextFile(s.conf);
            return text.includes(`sentinel monitor mymaster 127.0.0.1 ${nm} 2`) &&
              /sentinel config-epoch mymaster 1/.test(text) &&
              /sentinel current-epoch 1/.test(text) &&
              text.includes(`known-replica mymaster 127.0.0.1 ${m.port}`) &&
              (text.match(/known-sentinel mymaster/g) ?? []).length === 2;
          },
          `config file of ${s.port}`,
          10_000,
          100,
        );
      }
      if (client) {
        await waitFor(() => acked.length > 0 && acked.at(-1) !== undefined, "writes");
        const before = acked.length;
        await waitFor(() => acked.length > before + 20, "writes after the failover", 20_000);
        writing = false;
        await writer;
        const vals = await Promise.all(acked.map((k) => call(nm, "GET", k)));
        const lost = acked.filter((_k, i) => vals[i] === null);
        assert.equal(lost.length, 0, `lost acknowledged writes: ${lost.slice(0, 5)}`);
      }
      // the old master comes back as a replica of the new one
      const back = await g.server(serverKind, ["--dir", m.dir], m.port);
      await waitFor(
        async () => (await replication(back.port)).get("master_port") === String(nm),
        "old master demoted",
        30_000,
        200,
      );
      await waitFor(
        async () => (await replication(back.port)).get("master_link_status") === "up",
        "old master synced",
        15_000,
        100,
      );
      return { g, ss, nm, old: back.port, agree, firstWrite };
    } finally {
      writing = false;
      await writer;
      client?.disconnect();
      sub.close();
    }
  } catch (e) {
    await g.stopAll();
    throw e;
  }
}

Deno.test({
  name: "3 sentinels (quorum 2, down-after 1000) over our servers: SIGKILL, ioredis, rejoin, " +
    "SENTINEL FAILOVER, restart keeps id and epochs",
  ...opts,
  fn: async () => {
    const { g, ss, nm, old } = await threeSentinelsFailover("ours", ["ours", "ours", "ours"], true);
    try {
      // SENTINEL FAILOVER: a planned switch (epoch 2) to the only good replica... wait for one
      await waitFor(
        async () => {
          const r = await call(ss[1].port, "SENTINEL", "replicas", "mymaster") as Reply[];
          return r.some((x) => {
            const p = pairs(x);
            return p.get("port") === String(old) && p.get("flags") === "slave" &&
              p.get("master-link-status") === "ok";
          });
        },
        "old master seen as a healthy replica",
        20_000,
        200,
      );
      assert.equal(await call(ss[1].port, "SENTINEL", "failover", "mymaster"), "OK");
      await waitFor(
        async () => {
          const a = await Promise.all(ss.map((s) => masterAddr(s.port)));
          return a.every((p) => p !== nm && p === a[0]);
        },
        "manual failover agreed",
        20_000,
        50,
      );
      const nm2 = await masterAddr(ss[0].port);
      assert.equal(await role(nm2), "master");
      // the switch was the coordinated FAILOVER of the reachable master, not SLAVEOF NO ONE
      const prev = g.servers.filter((x) => x.port === nm).at(-1)!;
      assert.match(prev.output(), /FAILOVER requested to 127\.0\.0\.1:\d+/);
      await waitFor(
        async () =>
          (await replication(nm).catch(() => new Map())).get("master_port") === String(nm2),
        "previous master repointed",
        20_000,
        100,
      );
      // a restarted sentinel keeps its id, epochs and known instances
      const id = await call(ss[2].port, "SENTINEL", "myid");
      await ss[2].stop();
      const again = await g.sentinel("ours", null, ss[2].dir);
      assert.equal(await call(again.port, "SENTINEL", "myid"), id);
      const mm = pairs(await call(again.port, "SENTINEL", "master", "mymaster"));
      assert.equal(mm.get("config-epoch"), "2");
      assert.equal(mm.get("port"), String(nm2));
      assert.equal(mm.get("num-other-sentinels"), "2");
      assert.equal(mm.get("num-slaves"), "2");
      const inf = await call(again.port, "INFO", "sentinel") as string;
      assert.match(
        inf,
        /master0:name=mymaster,status=ok,address=127\.0\.0\.1:\d+,slaves=2,sentinels=3/,
      );
      // CKQUORUM
      assert.match(
        String(await call(again.port, "SENTINEL", "ckquorum", "mymaster")),
        /^OK 3 usable Sentinels/,
      );
    } finally {
      await g.stopAll();
    }
  },
});

Deno.test({
  name: "interop: our sentinels over real redis-server 7.0",
  ...opts,
  fn: async () => {
    const { g } = await threeSentinelsFailover("real", ["ours", "ours", "ours"]);
    await g.stopAll();
  },
});

Deno.test({
  name: "interop: real redis-sentinel 7.0 over our servers",
  ...opts,
  fn: async () => {
    const { g } = await threeSentinelsFailover("ours", ["real", "real", "real"]);
    await g.stopAll();
  },
});

Deno.test({
  name: "interop: two of ours and one real redis-sentinel agree on a failover",
  ...opts,
  fn: async () => {
    const { g } = await threeSentinelsFailover("ours", ["ours", "real", "ours"]);
    await g.stopAll();
  },
});

Deno.test({
  name: "SIGSTOP of the master (a hang, not a crash) fails over; the resumed master is demoted",
  ...opts,
  fn: async () => {
    const g = new Group();
    try {
      const m = await g.server("ours");
      const r = await g.server("ours", ["--replicaof", `127.0.0.1 ${m.port}`]);
      await waitFor(
        async () => (await replication(m.port)).get("connected_slaves") === "1",
        "replica",
      );
      const ss = [
        await g.sentinel("ours", sentinelLines(m.port, 2, 1000)),
        await g.sentinel("ours", sentinelLines(m.port, 2, 1000)),
      ];
      await waitDiscovery(ss, 1);
      m.proc.kill("SIGSTOP");
      try {
        await waitFor(
          async () => {
            const a = await Promise.all(ss.map((s) => masterAddr(s.port)));
            return a.every((p) => p === r.port);
          },
          "failover to the replica",
          20_000,
          50,
        );
        assert.equal(await role(r.port), "master");
      } finally {
        m.proc.kill("SIGCONT");
      }
      await waitFor(
        async () => (await replication(m.port)).get("master_port") === String(r.port),
        "resumed master demoted",
        30_000,
        200,
      );
      assert.ok(ss.some((s) => s.output().includes("+convert-to-slave")));
    } finally {
      await g.stopAll();
    }
  },
});

// --- the sentinel port against a real sentinel ---------------------------------------------------

Deno.test({
  name: "sentinel port: replies and field order as real redis-sentinel",
  ...opts,
  fn: async () => {
    const g = new Group();
    try {
      const m = await g.server("real");
      await g.server("real", ["--replicaof", `127.0.0.1 ${m.port}`]);
      await waitFor(
        async () => (await replication(m.port)).get("connected_slaves") === "1",
        "replica",
      );
      const ours = await g.sentinel("ours", sentinelLines(m.port, 2, 5000));
      const real = await g.sentinel("real", sentinelLines(m.port, 2, 5000));
      await waitDiscovery([ours, real], 1);
      for (const s of [ours, real]) {
        await waitFor(
          async () =>
            String(await call(s.port, "SENTINEL", "ckquorum", "mymaster")).startsWith("OK 2"),
          "links up",
          10_000,
          100,
        );
      }
      const keys = async (port: number, ...a: string[]) => {
        const r = await call(port, ...a) as Reply[];
        return [...pairs(Array.isArray(r[0]) ? r[0] : r).keys()];
      };
      for (
        const c of [["master", "mymaster"], ["replicas", "mymaster"], ["sentinels", "mymaster"]]
      ) {
        assert.deepEqual(
          await keys(ours.port, "SENTINEL", ...c),
          await keys(real.port, "SENTINEL", ...c),
          c[0],
        );
      }
      const same = async (...a: string[]) =>
        assert.deepEqual(await call(ours.port, ...a), await call(real.port, ...a), a.join(" "));
      await same("SENTINEL", "get-master-addr-by-name", "mymaster");
      await same("SENTINEL", "get-master-addr-by-name", "nope");
      await same("SENTINEL", "master", "nope");
      await same("SENTINEL", "foo");
      await same("SENTINEL", "help");
      await same("SENTINEL", "debug");
      await same("SENTINEL", "pending-scripts");
      await same("SENTINEL", "ckquorum", "mymaster");
      await same("SENTINEL", "is-master-down-by-addr", "127.0.0.1", String(m.port), "0", "*");
      await same("SENTINEL", "config", "get", "resolve-hostnames");
      await same("SENTINEL", "failover", "nope");
      await same("SENTINEL", "is-master-down-by-addr", "1");
      await same("GET", "x");
      await same("PING");
      await same("ROLE");
      await same("COMMAND", "COUNT");
      await same("SENTINEL", "set", "mymaster", "notification-script", "/bin/true");
      const infoKeys = async (port: number) =>
        ((await call(port, "INFO", "sentinel")) as string).split("\r\n").map((l) =>
          l.split(":")[0]
        );
      assert.deepEqual(await infoKeys(ours.port), await infoKeys(real.port));
      // CKQUORUM with too few sentinels: quorum 3 of 2
      await same("SENTINEL", "set", "mymaster", "quorum", "3");
      await same("SENTINEL", "ckquorum", "mymaster");
      // deno task topology: the tree and the sentinels' view, as JSON
      const topo = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "--unstable-net",
          `${ROOT}sentinel/topology.ts`,
          "--sentinel",
          `127.0.0.1:${ours.port}`,
          "mymaster",
          "--json",
        ],
        stdout: "piped",
      }).output();
      const t = JSON.parse(new TextDecoder().decode(topo.stdout));
      assert.equal(t.root.addr, `127.0.0.1:${m.port}`);
      assert.equal(t.root.role, "master");
      assert.equal(t.root.replicas.length, 1);
      assert.equal(t.root.replicas[0].link, "up");
      assert.equal(t.sentinels.length, 2);
      // TILT: a process stalled for more than 2 s enters TILT mode (for 30 s)
      ours.proc.kill("SIGSTOP");
      await new Promise((r) => setTimeout(r, 2500)); // the stall itself is the subject
      ours.proc.kill("SIGCONT");
      await waitFor(() => ours.output().includes("# +tilt #tilt mode entered"), "+tilt");
      assert.match(String(await call(ours.port, "INFO", "sentinel")), /sentinel_tilt:1\r\n/);
    } finally {
      await g.stopAll();
    }
  },
});

Deno.test({
  name: "start-up: no config file, a missing one",
  ...opts,
  fn: async () => {
    const run = async (args: string[]) => {
      const r = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--unstable-net", `${ROOT}sentinel/main.ts`, ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: r.code,
        out: new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr),
      };
    };
    let r = await run([]);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /\d+:X .* # Sentinel needs config file on disk to save state\. Exiting\.\.\./,
    );
    r = await run(["/nonexistent/sentinel.conf"]);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /Fatal error, can't open config file '\/nonexistent\/sentinel\.conf': No such file or directory/,
    );
  },
});

Deno.test("config: the state Sentinel writes back parses to the same state", () => {
  const text = [
    "port 26380",
    "dir /tmp",
    'sentinel monitor "my master" 10.0.0.1 6379 2',
    'sentinel down-after-milliseconds "my master" 1000',
    'sentinel auth-pass "my master" "p a\\"ss"',
    'sentinel rename-command "my master" CONFIG GUESSME',
    'sentinel config-epoch "my master" 3',
    'sentinel leader-epoch "my master" 4',
    'sentinel known-slave "my master" 10.0.0.2 6380',
    'sentinel known-sentinel "my master" 10.0.0.9 26379 ' + "a".repeat(40),
    "sentinel myid " + "b".repeat(40),
    "sentinel current-epoch 4",
    "pidfile /tmp/x.pid",
  ].join("\n");
  const c = parseConfig(text);
  assert.equal(c.masters[0].authPass, 'p a"ss');
  assert.deepEqual(c.masters[0].knownReplicas, [["10.0.0.2", 6380]]);
  assert.deepEqual(parseConfig(renderConfig(c)), c);
  assert.throws(() => parseConfig("sentinel monitor m 1.2.3.4 1 0"), /Quorum must be 1 or greater/);
  assert.throws(() => parseConfig("sentinel bogus m"), /Unrecognized sentinel configuration/);
});
