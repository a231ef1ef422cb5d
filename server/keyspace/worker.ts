// Entry point of the keyspace owner worker isolate. The main thread sends it
// the configuration lines; it builds the server, opens persistence and
// replication, listens (with --io-threads 0) and reports readiness.
/// <reference lib="deno.worker" />
import { applyConfigLines, Config, type ConfigLine } from "../config.ts";
import { log, type RedisLogLevel, setupLog } from "../log.ts";
import { REDIS_VERSION, Server } from "./owner.ts";
import { acceptLoop, listen, serveConnection } from "../net/listener.ts";
import { IoThreads } from "../net/iothreads.ts";
import { setRenames } from "../commands/table.ts";
import { STARTUP_HOOKS } from "../startup.ts";

export interface OwnerStart {
  type: "start";
  lines: ConfigLine[];
  configFile: string;
  executable: string;
}

export type OwnerMessage = { type: "ready"; port: number } | { type: "exit"; code: number } | {
  type: "fatal";
  message: string;
};

/**
 * io-threads when not configured: sockets in the owner (0). bench:compare on
 * a 2-core machine shows the in-owner path fastest there (see README and
 * bench/RESULTS.md); I/O workers only pay off with cores to spare.
 */
function defaultIoThreads(): number {
  const cores = navigator.hardwareConcurrency ?? 1;
  return cores >= 8 ? 2 : 0;
}

export async function start(msg: OwnerStart): Promise<void> {
  const config = new Config();
  applyConfigLines(config, msg.lines);
  config.configFile = msg.configFile;
  await setupLog({
    logfile: config.get("logfile") || undefined,
    level: config.get("loglevel") as RedisLogLevel,
  });
  log.notice("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  log.notice(
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${Deno.pid}, just started`,
  );
  log.notice(msg.configFile ? "Configuration loaded" : "Configuration loaded");
  setRenames(config.renames);
  const dir = config.get("dir");
  if (dir) Deno.chdir(dir);
  const srv = new Server(config);
  srv.configFile = msg.configFile;
  srv.executable = msg.executable;
  srv.onExit = (code) => self.postMessage({ type: "exit", code } satisfies OwnerMessage);
  const port = config.int("port");
  if (config.bool("always-show-logo")) {
    // (Redis prints its ASCII logo here; ours is one line with the same facts, PID included)
    log.notice(
      `Redis ${REDIS_VERSION} (00000000/0) 64 bit, standalone mode, Port: ${port}, PID: ${Deno.pid}`,
    );
  } else log.notice(`Running mode=standalone, port=${port}.`);
  log.notice("Server initialized");
  for (const hook of STARTUP_HOOKS) await hook(srv);
  const binds = config.get("bind").split(" ");
  let io = config.int("io-threads");
  if (io < 0) io = defaultIoThreads();
  config.setRaw("io-threads", String(io));
  if (port !== 0) {
    if (io === 0) {
      let current = listen(srv, port, binds);
      srv.rebind = (newPort, newBinds) => {
        // the new sockets first (so a refused port leaves the old ones serving),
        // then the old ones go
        let next: Deno.Listener[];
        try {
          next = listen(srv, newPort, newBinds);
        } catch (e) {
          log.warning((e as Error).message);
          return "Unable to listen on this port. Check server logs.";
        }
        for (const l of current) l.close();
        current = next;
        srv.tcpPort = newPort;
        return null;
      };
    } else await new IoThreads(srv, io).start(port, binds);
  }
  srv.tcpPort = port;
  listenUnix(srv);
  srv.startCron();
  log.notice("Ready to accept connections tcp");
  self.postMessage({ type: "ready", port } satisfies OwnerMessage);
  self.onmessage = (e: MessageEvent) => {
    if (e.data?.type === "stop") {
      srv.shutdown(false).catch(() => self.postMessage({ type: "exit", code: 1 }));
    } else if (e.data?.type === "signal") {
      log.warning(`Received ${e.data.signal} scheduling shutdown...`);
      srv.shutdown(null).catch(() => self.postMessage({ type: "exit", code: 1 }));
    }
  };
}

/** `unixsocket`: connections on a Unix socket too, served in the owner (any io-threads). */
function listenUnix(srv: Server): void {
  const path = srv.config.get("unixsocket");
  if (!path) return;
  try {
    Deno.removeSync(path); // a stale socket file from an earlier run
  } catch { /* none */ }
  let l: Deno.Listener;
  try {
    l = Deno.listen({ transport: "unix", path });
  } catch (e) {
    throw new Error(`Failed opening Unix socket: ${(e as Error).message}`);
  }
  const perm = parseInt(srv.config.get("unixsocketperm"), 8);
  if (perm) Deno.chmodSync(path, perm);
  acceptLoop(l, (conn) => serveConnection(srv, conn));
  log.notice("Ready to accept connections unix");
}

self.onmessage = (e: MessageEvent<OwnerStart>) => {
  if (e.data.type !== "start") return;
  start(e.data).catch((err) => {
    self.postMessage(
      { type: "fatal", message: String(err?.message ?? err) } satisfies OwnerMessage,
    );
  });
};
