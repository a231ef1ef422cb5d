// `deno task sentinel sentinel.conf [--directive value ...]`, as
// redis-sentinel (and `redis-server sentinel.conf --sentinel`): checks the
// config file (Sentinel needs one it can write), then runs the sentinel in a
// worker isolate and waits for it.
import { log, setLogRole, setupLog } from "../server/log.ts";
import { ConfigError, parseConfig } from "./config.ts";
import type { SentinelStart } from "./worker.ts";
import { REDIS_VERSION } from "./commands.ts";

/** Command-line options as config lines: `--port 1 --sentinel monitor m ...` */
function argvToText(args: string[]): string {
  const lines: string[] = [];
  let cur: string[] | null = null;
  for (const a of args) {
    if (a.startsWith("--")) {
      if (cur) lines.push(cur.join(" "));
      cur = a === "--sentinel" ? null : [a.slice(2)];
      if (a === "--sentinel") continue;
    } else if (cur) cur.push(/[\s"']/.test(a) || a === "" ? JSON.stringify(a) : a);
  }
  if (cur) lines.push(cur.join(" "));
  return lines.join("\n");
}

export async function main(args: string[]): Promise<void> {
  setLogRole("X");
  await setupLog({});
  if (args[0] === "-v" || args[0] === "--version") {
    console.log(
      `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=0000000000000000`,
    );
    Deno.exit(0);
  }
  let file = "";
  let rest = args;
  if (args.length && !args[0].startsWith("--")) {
    file = args[0];
    rest = args.slice(1);
  }
  if (!file) {
    log.warning("Sentinel needs config file on disk to save state. Exiting...");
    Deno.exit(1);
  }
  let path = file;
  let text: string;
  try {
    path = Deno.realPathSync(file);
    text = Deno.readTextFileSync(path);
  } catch (e) {
    const abs = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
    const reason = e instanceof Deno.errors.NotFound
      ? "No such file or directory"
      : (e as Error).message;
    log.warning(`Fatal error, can't open config file '${abs}': ${reason}`);
    Deno.exit(1);
  }
  try {
    Deno.openSync(path, { write: true, append: true }).close();
  } catch (e) {
    const reason = e instanceof Deno.errors.PermissionDenied
      ? "Permission denied"
      : (e as Error).message;
    log.warning(`Sentinel config file ${path} is not writable: ${reason}. Exiting...`);
    Deno.exit(1);
  }
  text += "\n" + argvToText(rest);
  try {
    parseConfig(text);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(
        `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n` +
          `Reading the configuration file, at line ${e.lineNo}\n>>> '${e.line}'\n${e.reason}`,
      );
      Deno.exit(1);
    }
    throw e;
  }
  const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
  worker.onmessage = (e: MessageEvent) => {
    if (e.data?.type === "exit") Deno.exit(e.data.code);
  };
  worker.onerror = (e) => {
    console.error(`sentinel failed: ${e.message}`);
    Deno.exit(1);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => worker.postMessage({ type: "signal", signal: sig }));
  }
  const start: SentinelStart = { type: "start", text, configPath: path };
  worker.postMessage(start);
}

if (import.meta.main) await main(Deno.args);
