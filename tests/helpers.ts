// Test helpers: start our server (or a real redis-server) as a process on a
// free port, wait for it by polling with a deadline, drive it with redis-cli
// or raw bytes, and stop exactly what was started.

export const ROOT = new URL("../", import.meta.url).pathname;

/** A TCP port nobody listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Poll `cond` until it is true or the deadline passes (then throw). */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await cond()) return;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Send raw bytes, collect the reply until `until` says it is complete or the peer closes. */
export async function rawRequest(
  port: number,
  data: string | Uint8Array,
  until: (text: string) => boolean = () => false,
  timeoutMs = 3000,
): Promise<{ text: string; closed: boolean }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
  const chunks: number[] = [];
  const buf = new Uint8Array(65536);
  let closed = false;
  const deadline = Date.now() + timeoutMs;
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    while (Date.now() < deadline) {
      const n = await conn.read(buf);
      if (n === null) {
        closed = true;
        break;
      }
      for (let i = 0; i < n; i++) chunks.push(buf[i]);
      if (until(String.fromCharCode(...chunks))) break;
    }
  } catch { /* closed by timer */ }
  clearTimeout(timer);
  try {
    conn.close();
  } catch { /* already */ }
  return { text: String.fromCharCode(...chunks), closed };
}

async function pingOk(port: number): Promise<boolean> {
  const r = await rawRequest(port, "PING\r\n", (t) => t.includes("\r\n"), 1000);
  return r.text.startsWith("+PONG") || r.text.startsWith("-NOAUTH") ||
    r.text.startsWith("-LOADING");
}

export interface ServerProc {
  port: number;
  dir: string;
  proc: Deno.ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

async function spawn(cmd: string, args: string[], port: number, dir: string): Promise<ServerProc> {
  const proc = new Deno.Command(cmd, {
    args,
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let out = "";
  const dec = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) out += dec.decode(chunk);
  };
  const pumps = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  let exited = false;
  const status = proc.status.then((s) => {
    exited = true;
    return s;
  });
  const sp: ServerProc = {
    port,
    dir,
    proc,
    output: () => out,
    async stop() {
      if (!exited) {
        try {
          proc.kill("SIGKILL");
        } catch { /* gone */ }
      }
      await status;
      await pumps;
    },
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error("exited");
        return await pingOk(port);
      },
      `server on port ${port}`,
      20_000,
    );
  } catch (e) {
    await sp.stop();
    throw new Error(`server did not start: ${(e as Error).message}\n${out}`);
  }
  return sp;
}

/**
 * Start our server with extra command-line args (defaults: no save points, a
 * temp dir). TEST_IO_THREADS=N in the environment runs every test server with
 * --io-threads N (the test task runs the suite with 0 and with 2).
 */
export async function startServer(args: string[] = [], port = freePort()): Promise<ServerProc> {
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-" });
  const io = Deno.env.get("TEST_IO_THREADS");
  if (io !== undefined && !args.includes("--io-threads")) args = [...args, "--io-threads", io];
  const full = [
    "run",
    "--allow-all",
    "--unstable-net",
    // as `deno task server`: a 4 MB young generation keeps RSS near the live heap
    "--v8-flags=--max-semi-space-size=4",
    `${ROOT}server/main.ts`,
    ...(args[0] && !args[0].startsWith("--") ? [args.shift()!] : []),
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--dir",
    dir,
    ...args,
  ];
  return await spawn(Deno.execPath(), full, port, dir);
}

/** Start a real redis-server 7.0 (from the Debian package). */
export async function startRealRedis(args: string[] = [], port = freePort()): Promise<ServerProc> {
  const dir = await Deno.makeTempDir({ prefix: "redis-real-" });
  const full = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--dir",
    dir,
    ...args,
  ];
  return await spawn("redis-server", full, port, dir);
}

/** Run redis-cli against a port; returns its stdout (raw mode, as when piped). */
export async function cli(port: number, ...args: string[]): Promise<string> {
  const r = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
}

/** Run a program to completion; returns exit code and output. */
export async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    stdin: opts.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const r = await p.output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}
