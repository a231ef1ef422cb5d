// redis-server compatible command line:
//   server/main.ts [/path/to/redis.conf] [--directive value ...]
// Reads the configuration (failing like Redis on a bad line), then starts the
// keyspace owner worker and waits for it to end.
import {
  applyConfigLines,
  argvToConfigText,
  Config,
  ConfigFileError,
  readConfigText,
} from "./config.ts";
import { REDIS_VERSION } from "./keyspace/owner.ts";
import type { OwnerMessage, OwnerStart } from "./keyspace/worker.ts";

function usage(): never {
  console.error(`Usage: ./redis-server [/path/to/redis.conf] [options] [-]
       ./redis-server - (read config from stdin)
       ./redis-server -v or --version
       ./redis-server -h or --help

Examples:
       ./redis-server (run the server with default conf)
       ./redis-server /etc/redis/6379.conf
       ./redis-server --port 7777
       ./redis-server --port 7777 --replicaof 127.0.0.1 8888
       ./redis-server /etc/myredis.conf --loglevel verbose -
       ./redis-server /etc/myredis.conf --loglevel verbose
`);
  Deno.exit(1);
}

export async function main(args: string[]): Promise<void> {
  if (args.includes("--sentinel")) {
    // `redis-server sentinel.conf --sentinel` runs Sentinel, as redis-server does
    const sentinel = await import("../sentinel/main.ts");
    await sentinel.main(args.filter((a) => a !== "--sentinel"));
    return;
  }
  if (args[0] === "-v" || args[0] === "--version") {
    console.log(
      `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=0000000000000000`,
    );
    Deno.exit(0);
  }
  if (args[0] === "-h" || args[0] === "--help") usage();
  let configFile = "";
  let rest = args;
  if (args.length && !args[0].startsWith("--") && args[0] !== "-") {
    configFile = args[0];
    rest = args.slice(1);
  }
  let text = "";
  try {
    if (configFile) text = Deno.readTextFileSync(configFile);
    if (rest.at(-1) === "-") {
      rest = rest.slice(0, -1);
      text += "\n" +
        new TextDecoder().decode(await new Response(Deno.stdin.readable).arrayBuffer());
    }
  } catch (e) {
    console.error(`Fatal error, can't open config file '${configFile}': ${(e as Error).message}`);
    Deno.exit(1);
  }
  text += "\n" + argvToConfigText(rest);
  let lines;
  try {
    lines = readConfigText(text, (p) => Deno.readTextFileSync(p));
    applyConfigLines(new Config(), lines);
  } catch (e) {
    if (e instanceof ConfigFileError) {
      console.error(
        `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n` +
          `Reading the configuration file, at line ${e.lineNo}\n>>> '${e.line}'\n${e.reason}`,
      );
      Deno.exit(1);
    }
    throw e;
  }
  const cfg = new Config();
  applyConfigLines(cfg, lines);
  if (cfg.get("pidfile")) {
    try {
      Deno.writeTextFileSync(cfg.get("pidfile"), `${Deno.pid}\n`);
    } catch { /* Redis only warns */ }
  }
  const worker = new Worker(new URL("./keyspace/worker.ts", import.meta.url).href, {
    type: "module",
  });
  worker.onmessage = (e: MessageEvent<OwnerMessage>) => {
    const m = e.data;
    if (m.type === "exit") Deno.exit(m.code);
    if (m.type === "fatal") {
      console.error(m.message);
      Deno.exit(1);
    }
  };
  worker.onerror = (e) => {
    console.error(`keyspace owner failed: ${e.message}`);
    Deno.exit(1);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => worker.postMessage({ type: "signal", signal: sig }));
  }
  const start: OwnerStart = {
    type: "start",
    lines,
    configFile: configFile ? await Deno.realPath(configFile) : "",
    executable: Deno.execPath(),
  };
  worker.postMessage(start);
}

if (import.meta.main) await main(Deno.args);
