// Side-by-side benchmark: our server (io-threads 0, 1, 2) and redis-server
// on free ports, redis-benchmark's default tests one at a time, contenders
// interleaved, several rounds. For each test: requests per second and the
// server's CPU seconds per million requests (utime+stime of the whole server
// process from /proc/PID/stat), both as ratios to Redis; RSS after loading 1M
// 32-byte string keys. Writes the table to bench/RESULTS.md.
//
//   deno task bench:compare [--rounds 2] [--requests 50000] [--quick]
import { parseArgs } from "node:util";
import { run, type ServerProc, startRealRedis, startServer } from "../tests/helpers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "2" },
    requests: { type: "string", default: "50000" },
    quick: { type: "boolean", default: false },
    "memory-only": { type: "boolean", default: false },
    out: { type: "string", default: new URL("./RESULTS.md", import.meta.url).pathname },
  },
});

const ROUNDS = Number(values.rounds);
const N = Number(values.requests);
const TESTS = values.quick
  ? ["ping_inline", "set", "get", "incr", "lpush", "lrange_100", "mset"]
  : [
    "ping_inline",
    "ping_mbulk",
    "set",
    "get",
    "incr",
    "lpush",
    "rpush",
    "lpop",
    "rpop",
    "sadd",
    "hset",
    "spop",
    "zadd",
    "zpopmin",
    "lrange_100",
    "lrange_300",
    "lrange_500",
    "lrange_600",
    "mset",
  ];
const SCENARIOS = values.quick
  ? [{ c: 50, P: 1 }, { c: 50, P: 16 }]
  : [{ c: 50, P: 1 }, { c: 50, P: 16 }, { c: 200, P: 1 }, { c: 200, P: 16 }];

interface Contender {
  name: string;
  start: () => Promise<ServerProc>;
  proc?: ServerProc;
}

function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

function rssBytes(pid: number): number {
  const s = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(s)![1]) * 1024;
}

async function benchOne(port: number, test: string, c: number, P: number): Promise<number> {
  const n = P > 1 ? N * 4 : N;
  const r = await run("timeout", [
    "120",
    "redis-benchmark",
    "-p",
    String(port),
    "-t",
    test,
    "-n",
    String(n),
    "-c",
    String(c),
    "-P",
    String(P),
    "--csv",
  ]);
  // "test","rps",... ; the LRANGE tests print the preparing LPUSH too: take the last line
  const rows = r.stdout.trim().split("\n").filter((l) => /^"[A-Z]/.test(l));
  const last = rows.at(-1);
  if (!last) throw new Error(`no result for ${test} (exit ${r.code}): ${r.stdout}${r.stderr}`);
  return Number(last.split(",")[1].replaceAll('"', ""));
}

const contenders: Contender[] = [
  { name: "redis", start: () => startRealRedis(["--enable-debug-command", "yes"]) },
  { name: "io0", start: () => startServer(["--io-threads", "0"]) },
  { name: "io1", start: () => startServer(["--io-threads", "1"]) },
  { name: "io2", start: () => startServer(["--io-threads", "2"]) },
];

type Key = string;
const rps = new Map<Key, number[]>();
const cpu = new Map<Key, number[]>();
const add = (m: Map<Key, number[]>, k: Key, v: number) => m.set(k, [...(m.get(k) ?? []), v]);

/**
 * RSS after DEBUG POPULATE 1000000 key 32, each contender freshly started
 * (a server that ran the throughput tests keeps heap it no longer needs).
 */
async function measureMemory(): Promise<Map<string, number>> {
  const rss = new Map<string, number>();
  for (const ct of contenders) {
    const proc = await ct.start();
    try {
      await run("redis-cli", [
        "-p",
        String(proc.port),
        "debug",
        "populate",
        "1000000",
        "key",
        "32",
      ]);
      const dbsize = (await run("redis-cli", ["-p", String(proc.port), "dbsize"])).stdout.trim();
      await new Promise((r) => setTimeout(r, 1000));
      rss.set(ct.name, rssBytes(proc.proc.pid));
      console.log(
        `${ct.name}: dbsize ${dbsize}, rss ${(rss.get(ct.name)! / 1048576).toFixed(1)} MiB`,
      );
    } finally {
      await proc.stop();
    }
  }
  return rss;
}

function memoryTable(rss: Map<string, number>): string {
  const lines = [
    "## Memory: RSS after DEBUG POPULATE 1000000 key 32 (fresh servers)",
    "",
    "| server | RSS MiB | x Redis |",
    "|---|---|---|",
  ];
  const r0 = rss.get("redis")!;
  for (const [n, v] of rss) {
    lines.push(`| ${n} | ${(v / 1048576).toFixed(1)} | ${(v / r0).toFixed(2)} |`);
  }
  return lines.join("\n") + "\n";
}

if (values["memory-only"]) {
  const table = memoryTable(await measureMemory());
  const prev = await Deno.readTextFile(values.out!);
  const start = prev.indexOf("## Memory");
  const end = prev.indexOf("\n## ", start + 1);
  await Deno.writeTextFile(
    values.out!,
    prev.slice(0, start) + table + (end >= 0 ? prev.slice(end) : ""),
  );
  console.log(table);
  Deno.exit(0);
}

for (const ct of contenders) ct.proc = await ct.start();
/** The server's own pid: the child process we spawned. */
const pidOf = (ct: Contender) => ct.proc!.proc.pid;

try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const sc of SCENARIOS) {
      for (const test of TESTS) {
        for (const ct of contenders) {
          const pid = pidOf(ct);
          const before = cpuSeconds(pid);
          let r: number;
          try {
            r = await benchOne(ct.proc!.port, test, sc.c, sc.P);
          } catch (e) {
            console.error(
              `${ct.name} failed on ${test} c=${sc.c} P=${sc.P}: ${(e as Error).message}`,
            );
            console.error(`--- ${ct.name} output ---\n${ct.proc!.output().slice(-5000)}`);
            throw e;
          }
          const used = cpuSeconds(pid) - before;
          const n = sc.P > 1 ? N * 4 : N;
          const key = `${ct.name}|${sc.c}|${sc.P}|${test}`;
          add(rps, key, r);
          add(cpu, key, used * 1e6 / n);
          console.log(
            `round ${round} c=${sc.c} P=${sc.P} ${test} ${ct.name}: ${r} rps, ${
              (used * 1e6 / n).toFixed(2)
            } cpu-s/M`,
          );
        }
      }
    }
  }
} finally {
  for (const ct of contenders) await ct.proc?.stop();
}
await writeResults(await measureMemory());

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function writeResults(rss: Map<string, number>): Promise<void> {
  const deno = Deno.version.deno;
  const redisVer = (await run("redis-server", ["--version"])).stdout.trim();
  const cores = navigator.hardwareConcurrency;
  const lines: string[] = [];
  lines.push(`# Benchmark results`);
  lines.push("");
  lines.push(
    `${
      new Date().toISOString().slice(0, 10)
    } — ${cores} cores, ${Deno.build.os} ${Deno.build.arch}, ` +
      `Deno ${deno}, ${redisVer}. \`deno task bench:compare --rounds ${ROUNDS} --requests ${N}\`` +
      (values.quick ? " --quick" : "") + ".",
  );
  lines.push("");
  lines.push(
    "Each cell: ours / Redis, median of the rounds. rps = requests per second (higher is better); " +
      "cpu = server CPU seconds per million requests (lower is better). -P 16 runs use 4x the requests.",
  );
  for (const sc of SCENARIOS) {
    lines.push("");
    lines.push(`## -c ${sc.c} -P ${sc.P}`);
    lines.push("");
    lines.push(
      "| test | redis rps | io0 rps x | io1 rps x | io2 rps x | redis cpu | io0 cpu x | io1 cpu x | io2 cpu x |",
    );
    lines.push("|---|---|---|---|---|---|---|---|---|");
    for (const test of TESTS) {
      const k = (n: string) => `${n}|${sc.c}|${sc.P}|${test}`;
      const rr = median(rps.get(k("redis"))!);
      const rc = median(cpu.get(k("redis"))!);
      const cells = ["io0", "io1", "io2"].map((n) => (median(rps.get(k(n))!) / rr).toFixed(2));
      const ccells = ["io0", "io1", "io2"].map((n) =>
        (median(cpu.get(k(n))!) / Math.max(rc, 1e-9)).toFixed(2)
      );
      lines.push(
        `| ${test} | ${Math.round(rr)} | ${cells.join(" | ")} | ${rc.toFixed(2)} | ${
          ccells.join(" | ")
        } |`,
      );
    }
  }
  lines.push("");
  lines.push(memoryTable(rss));
  const text = lines.join("\n");
  let prev = "";
  try {
    prev = await Deno.readTextFile(values.out!);
  } catch { /* first run */ }
  const notes = prev.includes("\n## Notes") ? prev.slice(prev.indexOf("\n## Notes")) : "";
  await Deno.writeTextFile(values.out!, text + notes);
  console.log(text);
}
