/// <reference lib="deno.worker" />
// The sentinel isolate: loads the parsed configuration, writes the state back
// (myid on first start), opens the sentinel port and runs the timer that
// drives monitoring, detection and failover. Also runs the notification and
// client-reconfig scripts (60 s limit, retried as Redis does).
import { log, type RedisLogLevel, setLogRole, setupLog } from "../server/log.ts";
import { parseConfig } from "./config.ts";
import { SentinelServer } from "./commands.ts";
import { tick } from "./monitor.ts";
import { randomId, SCRIPT_MAX_RUNTIME, SCRIPT_RETRY_DELAY, Sentinel } from "./state.ts";
import { REDIS_VERSION } from "./commands.ts";

export interface SentinelStart {
  type: "start";
  text: string;
  configPath: string;
}

const MAX_SCRIPT_RETRY = 10;
const MAX_RUNNING_SCRIPTS = 16;
let running = 0;

function runScript(path: string, args: string[], attempt = 1): void {
  if (running >= MAX_RUNNING_SCRIPTS) return;
  running++;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(path, { args, stdin: "null", stdout: "null", stderr: "null" })
      .spawn();
  } catch {
    running--;
    return;
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    log.warning(`-script-timeout ${path} ${child.pid}`);
  }, SCRIPT_MAX_RUNTIME);
  child.status.then((s) => {
    clearTimeout(timer);
    running--;
    if (s.signal) log.warning(`-script-error ${path} ${s.signal} ${s.code}`);
    // exit code 1: retry later (up to 10 times); 2 and above: give up
    if (s.code === 1 && attempt < MAX_SCRIPT_RETRY) {
      setTimeout(() => runScript(path, args, attempt + 1), SCRIPT_RETRY_DELAY);
    } else if (s.code !== 0) log.warning(`-script-error ${path} 0 ${s.code}`);
  });
}

async function start(msg: SentinelStart): Promise<void> {
  const conf = parseConfig(msg.text);
  setLogRole("X");
  await setupLog({ logfile: conf.logfile, level: conf.loglevel as RedisLogLevel });
  if (conf.dir) {
    try {
      Deno.chdir(conf.dir);
    } catch (e) {
      log.warning(`Can't chdir to '${conf.dir}': ${(e as Error).message}`);
      self.postMessage({ type: "exit", code: 1 });
      return;
    }
  }
  log.warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  log.warning(
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${Deno.pid}, just started`,
  );
  log.warning("Configuration loaded");
  log.notice("monotonic clock: POSIX clock_gettime");
  const st = new Sentinel(conf, msg.configPath);
  st.runScript = (p, a) => runScript(p, a);
  const server = new SentinelServer(st);
  try {
    server.listen();
  } catch (e) {
    log.warning((e as Error).message);
    self.postMessage({ type: "exit", code: 1 });
    return;
  }
  log.notice(`Running mode=sentinel, port=${conf.port}.`);
  if (!st.myid) st.myid = randomId();
  st.save();
  log.warning(`Sentinel ID is ${st.myid}`);
  for (const m of st.masters.values()) {
    st.event("warning", "+monitor", m, null, `quorum ${m.quorum}`);
  }
  const shutdown = () => {
    server.close();
    self.postMessage({ type: "exit", code: 0 });
  };
  server.onShutdown = shutdown;
  const loop = () => {
    try {
      tick(st);
    } catch (e) {
      log.warning(`sentinel timer error: ${(e as Error).stack}`);
    }
    // a little jitter, so the sentinels of a group do not act in lockstep
    setTimeout(loop, 90 + Math.floor(Math.random() * 20));
  };
  loop();
  let stopping = false;
  self.onmessage = (e: MessageEvent) => {
    if (e.data?.type === "signal" && !stopping) {
      stopping = true;
      log.warning(`Received ${e.data.signal} scheduling shutdown...`);
      st.save();
      log.warning("Sentinel is now ready to exit, bye bye...");
      shutdown();
    }
  };
}

self.onmessage = (e: MessageEvent<SentinelStart>) => {
  if (e.data.type === "start") {
    start(e.data).catch((err) => {
      console.error(err);
      self.postMessage({ type: "exit", code: 1 });
    });
  }
};
