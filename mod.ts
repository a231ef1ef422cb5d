// Public API: start a server in-process (its keyspace owner runs in a worker
// isolate, as with `deno task server`), and the RESP codec.
import type { OwnerMessage, OwnerStart } from "./server/keyspace/worker.ts";
import { argvToConfigText, readConfigText } from "./server/config.ts";

export { ProtocolError, RespParser } from "./server/resp/parser.ts";
export { formatDouble, ReplyWriter } from "./server/resp/writer.ts";
export { bytesToStr, strToBytes } from "./server/resp/bytes.ts";

export interface RunningServer {
  port: number;
  /** Shut the server down as SHUTDOWN NOSAVE does, and end its worker. */
  stop(): Promise<void>;
}

/**
 * Start a server in this process. `args` are redis-server style options,
 * e.g. ["--port", "6380", "--save", ""].
 */
export function startServer(args: string[] = []): Promise<RunningServer> {
  const lines = readConfigText(argvToConfigText(args), (p) => Deno.readTextFileSync(p));
  const worker = new Worker(new URL("./server/keyspace/worker.ts", import.meta.url).href, {
    type: "module",
  });
  return new Promise((resolve, reject) => {
    let exited: () => void = () => {};
    const done = new Promise<void>((r) => exited = r);
    worker.onmessage = (e: MessageEvent<OwnerMessage>) => {
      const m = e.data;
      if (m.type === "ready") {
        resolve({
          port: m.port,
          stop: () => {
            worker.postMessage({ type: "stop" });
            return done;
          },
        });
      } else if (m.type === "fatal") {
        worker.terminate();
        reject(new Error(m.message));
      } else if (m.type === "exit") {
        worker.terminate();
        exited();
      }
    };
    const start: OwnerStart = { type: "start", lines, configFile: "", executable: Deno.execPath() };
    worker.postMessage(start);
  });
}
