// Run the keyspace owner in the main isolate so that `deno run --cpu-prof`
// profiles it (worker isolates are not profiled):
//   deno run -A --unstable-net --cpu-prof bench/profile_owner.ts --port 7000 --save ""
// then drive it with redis-benchmark and SHUTDOWN NOSAVE it.
import { argvToConfigText, readConfigText } from "../server/config.ts";

const g = globalThis as unknown as { postMessage: (m: { type: string; code?: number }) => void };
g.postMessage = (m) => {
  if (m.type === "exit") Deno.exit(m.code ?? 0);
};
const { start } = await import("../server/keyspace/worker.ts");
const lines = readConfigText(argvToConfigText(Deno.args), (p) => Deno.readTextFileSync(p));
await start({ type: "start", lines, configFile: "", executable: Deno.execPath() });
