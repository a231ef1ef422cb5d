// redis-benchmark against our server and a real redis-server: it must finish
// every test without an error, and leave the same keyspace behind.
import assert from "node:assert/strict";
import { cli, run, type ServerProc, startRealRedis, startServer } from "./helpers.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** Every key with its type and size/value, in sorted order. */
async function describeKeyspace(port: number): Promise<string[]> {
  const keys = (await cli(port, "--scan")).split("\n").filter(Boolean).sort();
  const out: string[] = [];
  for (const k of keys) {
    const type = (await cli(port, "type", k)).trim();
    const probe: Record<string, string[]> = {
      string: ["get", k],
      list: ["llen", k],
      set: ["scard", k],
      hash: ["hlen", k],
      zset: ["zcard", k],
    };
    const detail = (await cli(port, ...probe[type])).trim();
    out.push(`${k} ${type} ${type === "string" ? detail.length : detail}`);
  }
  return out;
}

async function bench(port: number, args: string[]): Promise<string> {
  const r = await run("redis-benchmark", ["-p", String(port), "-q", ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout + r.stderr;
}

function assertClean(output: string): void {
  const bad = /error|ERR|WRONGTYPE|Connection|refused/i.exec(output);
  assert.equal(
    bad,
    null,
    `${bad?.[0]} at ${bad?.index}: ${
      output.slice(Math.max(0, (bad?.index ?? 0) - 200), (bad?.index ?? 0) + 200)
    }`,
  );
}

Deno.test({
  name: "redis-benchmark -t ping,set,get,incr,mset runs clean; keyspace as with Redis",
  ...opts,
  async fn() {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      const args = ["-t", "ping,set,get,incr,mset", "-n", "100000"];
      const out = await bench(ours.port, args);
      assertClean(out);
      for (const t of ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET \\(10 keys\\)"]) {
        assert.match(out, new RegExp(`${t}: [\\d.]+ requests per second`), out);
      }
      await bench(real.port, args);
      assert.equal((await cli(ours.port, "get", "counter:__rand_int__")).trim(), "100000");
      assert.deepEqual(await describeKeyspace(ours.port), await describeKeyspace(real.port));
    } finally {
      await ours?.stop();
      await real?.stop();
    }
  },
});

Deno.test({
  name: "the full default redis-benchmark suite runs clean; keyspace as with Redis",
  ...opts,
  async fn() {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      const args = ["-n", "20000"];
      const out = await bench(ours.port, args);
      assertClean(out);
      for (
        const t of [
          "PING_INLINE",
          "SET",
          "GET",
          "INCR",
          "LPUSH",
          "RPUSH",
          "LPOP",
          "RPOP",
          "SADD",
          "HSET",
          "SPOP",
          "ZADD",
          "ZPOPMIN",
          "LRANGE_100 \\(first 100 elements\\)",
          "LRANGE_600 \\(first 600 elements\\)",
          "MSET \\(10 keys\\)",
        ]
      ) assert.match(out, new RegExp(`${t}: [\\d.]+ requests per second`), out);
      await bench(real.port, args);
      assert.deepEqual(await describeKeyspace(ours.port), await describeKeyspace(real.port));
      // the list the LRANGE tests read holds what Redis's does, element for element
      assert.equal(
        await cli(ours.port, "lrange", "mylist", "0", "-1"),
        await cli(real.port, "lrange", "mylist", "0", "-1"),
      );
    } finally {
      await ours?.stop();
      await real?.stop();
    }
  },
});
