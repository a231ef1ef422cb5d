// stop-writes-on-bgsave-error: after a failed background save, writes (and
// PING) are refused with Redis's MISCONF error until a save succeeds.
import assert from "node:assert/strict";
import {
  cli,
  rawRequest,
  type ServerProc,
  startRealRedis,
  startServer,
  waitFor,
} from "./helpers.ts";

Deno.test({
  name: "MISCONF after a failed BGSAVE, as redis-server 7.0",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    try {
      [ours, real] = await Promise.all([
        startServer(["--save", "3600 1"]),
        startRealRedis(["--save", "3600 1"]),
      ]);
      const status = async (port: number) =>
        /rdb_last_bgsave_status:(\w+)/.exec(await cli(port, "info", "persistence"))?.[1];
      for (const s of [ours, real]) {
        // a non-empty directory where dump.rdb goes: the final rename fails
        await Deno.mkdir(`${s.dir}/dump.rdb/x`, { recursive: true });
        await cli(s.port, "set", "k", "v");
        await cli(s.port, "bgsave");
        await waitFor(async () => await status(s.port) === "err", `failed bgsave on ${s.port}`);
      }
      const req = "SET a b\r\nPING\r\nGET k\r\nINCR n\r\n";
      const until = (t: string) => t.split("\r\n").length > 4;
      const [a, b] = await Promise.all([
        rawRequest(ours.port, req, until),
        rawRequest(real.port, req, until),
      ]);
      assert.match(a.text, /^-MISCONF /);
      assert.equal(a.text, b.text);
      // once a save succeeds, writes are accepted again
      for (const s of [ours, real]) {
        await Deno.remove(`${s.dir}/dump.rdb`, { recursive: true });
        await cli(s.port, "bgsave");
        await waitFor(async () => await status(s.port) === "ok", `good bgsave on ${s.port}`);
        assert.equal((await cli(s.port, "set", "a", "b")).trim(), "OK");
      }
    } finally {
      await ours?.stop();
      await real?.stop();
    }
  },
});
