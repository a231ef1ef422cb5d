// Persistence with 1M keys, side by side with a real redis-server 7.0 in the
// same run: SAVE time, load time (DEBUG RELOAD NOSAVE: read + parse + build),
// and the longest PING round trip while a BGSAVE of the 1M keys runs (Redis
// forks; we write the snapshot incrementally in the owner, so that stall is
// the figure that shows whether commands keep being served; target < 10 ms).
//
//   deno bench --allow-all --unstable-net bench/persistence_bench.ts
//
// The figures are printed as a table (the bench's own timing is the whole run).
import { type ServerProc, startRealRedis, startServer, waitFor } from "../tests/helpers.ts";

const N = 1_000_000;

async function connect(port: number) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(1 << 16);
  const enc = new TextEncoder(), dec = new TextDecoder();
  let pending = "";
  const send = async (...argv: string[]) => {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
    await conn.write(enc.encode(s));
  };
  /** One simple / integer / error line reply, or a bulk reply (INFO). */
  const reply = async (): Promise<string> => {
    for (;;) {
      const nl = pending.indexOf("\r\n");
      if (nl >= 0) {
        if (pending[0] === "$") {
          const len = Number(pending.slice(1, nl));
          if (pending.length >= nl + 2 + len + 2) {
            const body = pending.slice(nl + 2, nl + 2 + len);
            pending = pending.slice(nl + 4 + len);
            return body;
          }
        } else {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 2);
          return line;
        }
      }
      const n = await conn.read(buf);
      if (n === null) throw new Error("closed");
      pending += dec.decode(buf.subarray(0, n));
    }
  };
  const cmd = async (...argv: string[]) => {
    await send(...argv);
    return await reply();
  };
  return { cmd, close: () => conn.close() };
}

interface Figures {
  save: number;
  load: number;
  idleStall: number;
  stall: number;
  bgsave: number;
  pings: number;
}

/** PING one at a time until `until` resolves; the longest round trip and the count. */
async function pingWhile(
  p: { cmd: (...a: string[]) => Promise<string> },
  until: Promise<unknown>,
): Promise<{ max: number; n: number }> {
  let done = false;
  until.then(() => done = true);
  let max = 0, n = 0;
  while (!done) {
    const t0 = performance.now();
    await p.cmd("PING");
    const dt = performance.now() - t0;
    if (dt > max) max = dt;
    n++;
  }
  return { max, n };
}

async function measure(srv: ServerProc): Promise<Figures> {
  const c = await connect(srv.port);
  const p = await connect(srv.port);
  await c.cmd("DEBUG", "POPULATE", String(N));
  let t = performance.now();
  const ok = await c.cmd("SAVE");
  const save = performance.now() - t;
  if (ok !== "+OK") throw new Error(`SAVE: ${ok}`);
  t = performance.now();
  const ok2 = await c.cmd("DEBUG", "RELOAD", "NOSAVE");
  const load = performance.now() - t;
  if (ok2 !== "+OK") throw new Error(`DEBUG RELOAD: ${ok2}`);
  // the same PING loop with nothing else going on, for reference (GC pauses)
  await new Promise((r) => setTimeout(r, 1000));
  const idle = await pingWhile(p, new Promise((r) => setTimeout(r, 500)));
  // PING continuously from a second connection while the BGSAVE runs
  t = performance.now();
  const started = await c.cmd("BGSAVE");
  if (!started.includes("started")) throw new Error(`BGSAVE: ${started}`);
  const ended = waitFor(
    async () => (await c.cmd("INFO", "persistence")).includes("rdb_bgsave_in_progress:0"),
    "BGSAVE end",
    120_000,
    5,
  );
  const during = await pingWhile(p, ended);
  const bgsave = performance.now() - t;
  const stall = during.max, pings = during.n, idleStall = idle.max;
  c.close();
  p.close();
  return { save, load, idleStall, stall, bgsave, pings };
}

Deno.bench({
  name: `persistence: ${N} keys, ours vs redis-server (SAVE, load, PING stall during BGSAVE)`,
  n: 1,
  warmup: 0,
  async fn() {
    const ours = await startServer(["--enable-debug-command", "yes"]);
    const real = await startRealRedis(["--enable-debug-command", "yes"]);
    try {
      const a = await measure(ours);
      const b = await measure(real);
      const row = (name: string, x: number, y: number, unit = "ms") =>
        `| ${name.padEnd(34)} | ${x.toFixed(1).padStart(9)} ${unit} | ${
          y.toFixed(1).padStart(9)
        } ${unit} | ${(x / y).toFixed(2).padStart(6)} |`;
      console.log(
        [
          "",
          `| ${N} keys (DEBUG POPULATE)            |        ours |   redis 7.0 |  ratio |`,
          "|------------------------------------|-------------|-------------|--------|",
          row("SAVE", a.save, b.save),
          row("load (DEBUG RELOAD NOSAVE)", a.load, b.load),
          row("BGSAVE duration", a.bgsave, b.bgsave),
          row("longest PING, idle (reference)", a.idleStall, b.idleStall),
          row("longest PING during BGSAVE", a.stall, b.stall),
          `| PINGs answered during BGSAVE       | ${String(a.pings).padStart(11)} | ${
            String(b.pings).padStart(11)
          } |        |`,
          "",
        ].join("\n"),
      );
    } finally {
      await ours.stop();
      await real.stop();
    }
  },
});
