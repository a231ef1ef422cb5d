// Failover time, our Sentinel against real redis-sentinel 7.0 under the same
// configuration: 1 master + 2 replicas (real redis-server 7.0, so only the
// sentinels differ), 3 sentinels, quorum 2, down-after 1000 ms. Per run:
// SIGKILL the master, then measure kill -> all sentinels name the new master,
// kill -> the new master accepts a write, old master restarted -> role:slave.
// Prints median and max per contender (runs interleaved).
//
//   deno run --allow-all --unstable-net bench/sentinel_failover.ts [--runs 10]
import { parseArgs } from "node:util";
import { freePort, ROOT, type ServerProc, startRealRedis, waitFor } from "../tests/helpers.ts";
import { parse, RawConn, type Reply } from "../tests/rawconn.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "10" } },
});
const RUNS = Number(values.runs);

async function call(port: number, ...argv: string[]): Promise<Reply> {
  const c = await RawConn.open(port);
  try {
    await c.send([argv]);
    return parse((await c.read(1, 2000))[0])[0];
  } finally {
    await c.close();
  }
}

async function startSentinel(kind: "ours" | "real", masterPort: number) {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-bench-" });
  const port = freePort();
  const conf = `${dir}/sentinel.conf`;
  await Deno.writeTextFile(
    conf,
    `port ${port}\nsentinel monitor mymaster 127.0.0.1 ${masterPort} 2\n` +
      `sentinel down-after-milliseconds mymaster 1000\n`,
  );
  const proc = new Deno.Command(kind === "real" ? "redis-sentinel" : Deno.execPath(), {
    args: kind === "real"
      ? [conf]
      : ["run", "--allow-all", "--unstable-net", `${ROOT}sentinel/main.ts`, conf],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(async () => (await call(port, "PING")) === "PONG", "sentinel", 20_000);
  return {
    port,
    async stop() {
      try {
        proc.kill("SIGKILL");
      } catch { /* gone */ }
      await proc.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function oneRun(kind: "ours" | "real"): Promise<[number, number, number]> {
  const servers: ServerProc[] = [];
  const sentinels: { port: number; stop(): Promise<void> }[] = [];
  try {
    const m = await startRealRedis(["--repl-diskless-sync-delay", "0"]);
    servers.push(m);
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startRealRedis([
          "--repl-diskless-sync-delay",
          "0",
          "--replicaof",
          `127.0.0.1 ${m.port}`,
        ]),
      );
    }
    for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(kind, m.port));
    for (const s of sentinels) {
      await waitFor(
        async () => {
          const r = (await call(s.port, "SENTINEL", "master", "mymaster")) as string[];
          const f = new Map<string, string>();
          for (let i = 0; i + 1 < r.length; i += 2) f.set(r[i], r[i + 1]);
          return f.get("num-other-sentinels") === "2" && f.get("num-slaves") === "2";
        },
        "discovery",
        20_000,
        100,
      );
    }
    const t0 = Date.now();
    await m.stop();
    let write = 0, agree = 0;
    await waitFor(
      async () => {
        if (!write) {
          for (const r of servers.slice(1)) {
            if ((await call(r.port, "SET", "k", "v").catch(() => null)) === "OK") {
              write = Date.now() - t0;
            }
          }
        }
        if (!agree) {
          const a = await Promise.all(
            sentinels.map(async (s) =>
              Number(
                ((await call(
                  s.port,
                  "SENTINEL",
                  "get-master-addr-by-name",
                  "mymaster",
                )) as string[])[1],
              )
            ),
          );
          if (a.every((p) => p !== m.port && p === a[0])) agree = Date.now() - t0;
        }
        return write > 0 && agree > 0;
      },
      "failover",
      30_000,
      20,
    );
    const back = await startRealRedis(["--dir", m.dir], m.port);
    servers.push(back);
    const t1 = Date.now();
    await waitFor(
      async () => ((await call(back.port, "ROLE")) as string[])[0] === "slave",
      "old master demoted",
      60_000,
      50,
    );
    return [agree, write, Date.now() - t1];
  } finally {
    for (const s of sentinels) await s.stop();
    for (const s of servers) await s.stop();
    for (const s of servers) await Deno.remove(s.dir, { recursive: true }).catch(() => {});
  }
}

const results: Record<string, number[][]> = { ours: [], real: [] };
for (let i = 0; i < RUNS; i++) {
  for (const kind of ["ours", "real"] as const) {
    const r = await oneRun(kind);
    results[kind].push(r);
    console.log(
      `run ${i + 1} ${kind}: agree ${r[0]} ms, first write ${r[1]} ms, rejoin ${r[2]} ms`,
    );
  }
}
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(
  "\n| sentinel | kill -> all agree (median / max) | kill -> first write | old master back -> role:slave |",
);
console.log("|---|---|---|---|");
for (const kind of ["ours", "real"] as const) {
  const col = (j: number) => {
    const v = results[kind].map((r) => r[j]);
    return `${(median(v) / 1000).toFixed(2)} s / ${(Math.max(...v) / 1000).toFixed(2)} s`;
  };
  console.log(
    `| ${kind === "ours" ? "ours" : "redis-sentinel 7.0.15"} | ${col(0)} | ${col(1)} | ${col(2)} |`,
  );
}
