// The sentinel's global state: its id, current epoch, monitored masters, the
// configuration it came from, TILT, and the two outputs every state change
// goes through: events (logged in Redis's format and published on the
// sentinel's own pub/sub) and the config file rewrite.
import { log } from "../server/log.ts";
import {
  type MasterConf,
  newMasterConf,
  renderConfig,
  type SentinelConf,
  writeAtomic,
} from "./config.ts";
import {
  describe,
  dropLinks,
  type Instance,
  type Master,
  newInstance,
  newMaster,
} from "./instances.ts";

export const INFO_PERIOD = 10000;
export const PING_PERIOD = 1000;
export const ASK_PERIOD = 1000;
export const PUBLISH_PERIOD = 2000;
export const TILT_TRIGGER = 2000;
export const TILT_PERIOD = 30000;
export const SLAVE_RECONF_TIMEOUT = 10000;
export const MIN_LINK_RECONNECT_PERIOD = 15000;
export const ELECTION_TIMEOUT = 10000;
export const SCRIPT_MAX_RUNTIME = 60000;
export const SCRIPT_RETRY_DELAY = 30000;
export const ASK_FORGET_TIME = 5000;
export const MAX_DESYNC = 1000;
export const HELLO_CHANNEL = "__sentinel__:hello";

export type Level = "debug" | "verbose" | "notice" | "warning";

/** Random 40-hex-digit id (a run id / sentinel id). */
export function randomId(): string {
  const b = new Uint8Array(20);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export class Sentinel {
  myid: string;
  runId = randomId();
  currentEpoch: number;
  masters = new Map<string, Master>();
  tilt = false;
  tiltStart = 0;
  previousTime = Date.now();
  startTime = Date.now();
  simFailure = 0;
  /** Set by commands.ts: deliver an event to the sentinel's pub/sub subscribers. */
  publish: (channel: string, message: string) => void = () => {};
  /** Set by the worker: run a script (notification/client-reconfig). */
  runScript: (path: string, args: string[]) => void = () => {};
  totalConnections = 0;
  totalCommands = 0;

  constructor(public conf: SentinelConf, public configPath: string) {
    this.myid = conf.myid;
    this.currentEpoch = conf.currentEpoch;
    for (const mc of conf.masters) this.addMaster(mc);
  }

  addMaster(mc: MasterConf): Master {
    const m = newMaster(mc.name, mc.ip, mc.port, mc.quorum);
    m.downAfter = mc.downAfter;
    m.failoverTimeout = mc.failoverTimeout;
    m.parallelSyncs = mc.parallelSyncs;
    m.authPass = mc.authPass;
    m.authUser = mc.authUser;
    m.notificationScript = mc.notificationScript;
    m.clientReconfigScript = mc.clientReconfigScript;
    m.rebootDownAfter = mc.rebootDownAfter;
    m.renamed = mc.renamed;
    m.configEpoch = mc.configEpoch;
    m.leaderEpoch = mc.leaderEpoch;
    this.masters.set(m.name, m);
    for (const [ip, port] of mc.knownReplicas) {
      const r = newInstance("slave", `${ip}:${port}`, ip, port);
      m.replicas.set(r.name, r);
    }
    for (const [ip, port, id] of mc.knownSentinels) {
      const s = newInstance("sentinel", id, ip, port);
      s.runid = id;
      m.sentinels.set(id, s);
    }
    return m;
  }

  /** Start monitoring a master given on the command line of SENTINEL MONITOR. */
  monitor(name: string, ip: string, port: number, quorum: number): Master {
    const m = this.addMaster(newMasterConf(name, ip, port, quorum));
    this.event("warning", "+monitor", m, null, `quorum ${quorum}`);
    return m;
  }

  remove(name: string): void {
    const m = this.masters.get(name);
    if (!m) return;
    for (const r of m.replicas.values()) dropLinks(r);
    for (const s of m.sentinels.values()) dropLinks(s);
    dropLinks(m);
    this.masters.delete(name);
    this.event("warning", "-monitor", m, null, "");
  }

  /**
   * Log and publish an event. With an instance the message starts with its
   * description ("master mymaster 127.0.0.1 6379"), then `extra`.
   */
  event(
    level: Level,
    type: string,
    ri: Instance | null,
    master: Master | null,
    extra: string,
  ): void {
    let msg = ri ? describe(ri, master) : "";
    if (extra) msg = msg ? `${msg} ${extra}` : extra;
    log[level](`${type} ${msg}`);
    if (level !== "debug") this.publish(type, msg);
    const m = ri?.kind === "master" ? ri as Master : master;
    if (level === "warning" && m?.notificationScript) {
      this.runScript(m.notificationScript, [type, msg]);
    }
  }

  /** Rewrite the config file from the live state (atomically). */
  save(): void {
    const c = this.conf;
    c.myid = this.myid;
    c.currentEpoch = this.currentEpoch;
    c.masters = [...this.masters.values()].map((m) => {
      const mc = newMasterConf(m.name, m.ip, m.port, m.quorum);
      mc.downAfter = m.downAfter;
      mc.failoverTimeout = m.failoverTimeout;
      mc.parallelSyncs = m.parallelSyncs;
      mc.authPass = m.authPass;
      mc.authUser = m.authUser;
      mc.notificationScript = m.notificationScript;
      mc.clientReconfigScript = m.clientReconfigScript;
      mc.rebootDownAfter = m.rebootDownAfter;
      mc.renamed = m.renamed;
      mc.configEpoch = m.configEpoch;
      mc.leaderEpoch = m.leaderEpoch;
      // the promoted replica during a failover is still listed (Redis does too)
      mc.knownReplicas = [...m.replicas.values()].map((r) => [r.ip, r.port]);
      mc.knownSentinels = [...m.sentinels.values()].filter((s) => s.runid).map((
        s,
      ) => [s.ip, s.port, s.runid]);
      return mc;
    });
    try {
      writeAtomic(this.configPath, renderConfig(c));
      log.notice("Sentinel new configuration saved on disk");
    } catch (e) {
      log.warning(
        `WARNING: Sentinel was not able to save the new configuration on disk!!!: ${
          (e as Error).message
        }`,
      );
    }
  }

  /** Bump the current epoch to `epoch` if it is newer (+new-epoch). */
  observeEpoch(epoch: number): void {
    if (epoch > this.currentEpoch) {
      this.currentEpoch = epoch;
      this.save();
      this.event("warning", "+new-epoch", null, null, String(epoch));
    }
  }

  /** Look up a master by its address (for is-master-down-by-addr). */
  masterByAddr(ip: string, port: number): Master | undefined {
    for (const m of this.masters.values()) if (m.ip === ip && m.port === port) return m;
    return undefined;
  }

  /**
   * Change a master's address (a failover ended, or another sentinel's hello
   * told us of one): the old replicas plus the old master become the
   * replicas of the new one.
   */
  switchMaster(m: Master, ip: string, port: number): void {
    const oldIp = m.ip, oldPort = m.port;
    const keep: [string, number][] = [];
    for (const r of m.replicas.values()) {
      if (r.ip === ip && r.port === port) continue;
      keep.push([r.ip, r.port]);
    }
    if (!(oldIp === ip && oldPort === port)) keep.push([oldIp, oldPort]);
    const leader = m.failoverState === "update-config";
    this.resetMaster(m, false);
    m.ip = ip;
    m.port = port;
    this.event(
      "warning",
      "+switch-master",
      null,
      null,
      `${m.name} ${oldIp} ${oldPort} ${ip} ${port}`,
    );
    if (m.clientReconfigScript) {
      this.runScript(m.clientReconfigScript, [
        m.name,
        leader ? "leader" : "observer",
        "end",
        oldIp,
        String(oldPort),
        ip,
        String(port),
      ]);
    }
    for (const [rip, rport] of keep) {
      const r = newInstance("slave", `${rip}:${rport}`, rip, rport);
      m.replicas.set(r.name, r);
      this.event("notice", "+slave", r, m, "");
    }
    this.save();
  }

  /** SENTINEL RESET / address change: drop links, replicas, (sentinels), failover state. */
  resetMaster(m: Master, withSentinels: boolean): void {
    for (const r of m.replicas.values()) dropLinks(r);
    m.replicas.clear();
    if (withSentinels) {
      for (const s of m.sentinels.values()) dropLinks(s);
      m.sentinels.clear();
    }
    dropLinks(m);
    m.linkAttempt = 0;
    m.sdown = false;
    m.odown = false;
    m.sdownSince = 0;
    m.odownSince = 0;
    m.failoverState = "none";
    m.failoverStart = 0;
    m.failoverStateChange = 0;
    m.promotedReplica = null;
    m.forceFailover = false;
    m.coordinated = 0;
    m.runid = "";
    m.info = "";
    m.infoRefresh = 0;
    m.roleReported = "master";
    m.roleReportedTime = Date.now();
    m.lastAvail = Date.now();
    m.lastPingSent = Date.now();
    m.lastPingTime = 0;
    m.helloSent = 0;
    m.lastOkPingReply = Date.now();
    m.lastPingReply = Date.now();
  }
}
