// Sentinel's state records: one per monitored master, with its replicas and
// the other sentinels hanging off it. Plain data; monitor.ts, election.ts and
// failover.ts move it.
import type { Link } from "./link.ts";

export type Kind = "master" | "slave" | "sentinel";

export type FailoverState =
  | "none"
  | "wait-start"
  | "select-slave"
  | "send-slaveof-noone"
  | "wait-promotion"
  | "reconf-slaves"
  | "update-config";

export interface Instance {
  kind: Kind;
  /** master: its name; replica: "ip:port"; sentinel: its run id. */
  name: string;
  ip: string;
  port: number;
  runid: string;
  link: Link | null;
  pubsub: Link | null;
  /** Time of the last link (re)connection attempt. */
  linkAttempt: number;
  disconnected: boolean;
  sdown: boolean;
  sdownSince: number;
  /** Time a PING was sent and not yet answered (0: none outstanding). */
  lastPingSent: number;
  lastPingTime: number;
  lastOkPingReply: number;
  lastPingReply: number;
  lastAvail: number;
  lastPubTime: number;
  lastHello: number;
  infoRefresh: number;
  info: string;
  roleReported: "master" | "slave";
  roleReportedTime: number;
  // replica fields
  masterLinkDownTime: number;
  masterLinkStatus: "ok" | "err";
  masterHost: string;
  masterPort: number;
  priority: number;
  replOffset: number;
  replicaAnnounced: boolean;
  slaveConfChangeTime: number;
  reconfSent: boolean;
  reconfInprog: boolean;
  reconfDone: boolean;
  reconfSentTime: number;
  promoted: boolean;
  // sentinel peer fields
  leader: string;
  leaderEpoch: number;
  masterDown: boolean;
  lastAsk: number;
  lastAskReply: number;
  infoSent: number;
  /** When we last published a hello through this instance. */
  helloSent: number;
  /** master-reboot-down-after-period: when a reboot was seen and no PONG since (0: none). */
  rebootSince: number;
}

export interface Master extends Instance {
  kind: "master";
  quorum: number;
  downAfter: number;
  failoverTimeout: number;
  parallelSyncs: number;
  authPass: string;
  authUser: string;
  notificationScript: string;
  clientReconfigScript: string;
  rebootDownAfter: number;
  renamed: [string, string][];
  configEpoch: number;
  odown: boolean;
  odownSince: number;
  replicas: Map<string, Instance>;
  sentinels: Map<string, Instance>;
  // own vote
  leader: string;
  leaderEpoch: number;
  failoverState: FailoverState;
  failoverEpoch: number;
  failoverStateChange: number;
  failoverStart: number;
  failoverDelayLogged: number;
  forceFailover: boolean;
  promotedReplica: Instance | null;
  lastAskTime: number;
  /** When a coordinated FAILOVER was asked of the old master (0: none). */
  coordinated: number;
}

export function newInstance(kind: Kind, name: string, ip: string, port: number): Instance {
  const now = Date.now();
  return {
    kind,
    name,
    ip,
    port,
    runid: "",
    link: null,
    pubsub: null,
    linkAttempt: 0,
    disconnected: true,
    sdown: false,
    sdownSince: 0,
    lastPingSent: now,
    lastPingTime: 0,
    lastOkPingReply: now,
    lastPingReply: now,
    lastAvail: now,
    lastPubTime: 0,
    lastHello: now,
    infoRefresh: 0,
    info: "",
    roleReported: kind === "slave" ? "slave" : "master",
    roleReportedTime: now,
    masterLinkDownTime: 0,
    masterLinkStatus: "err",
    masterHost: "",
    masterPort: 0,
    priority: 100,
    replOffset: 0,
    replicaAnnounced: true,
    slaveConfChangeTime: now,
    reconfSent: false,
    reconfInprog: false,
    reconfDone: false,
    reconfSentTime: 0,
    promoted: false,
    leader: "",
    leaderEpoch: 0,
    masterDown: false,
    lastAsk: 0,
    lastAskReply: 0,
    infoSent: 0,
    helloSent: 0,
    rebootSince: 0,
  };
}

export function newMaster(name: string, ip: string, port: number, quorum: number): Master {
  return {
    ...newInstance("master", name, ip, port),
    kind: "master",
    quorum,
    downAfter: 30000,
    failoverTimeout: 180000,
    parallelSyncs: 1,
    authPass: "",
    authUser: "",
    notificationScript: "",
    clientReconfigScript: "",
    rebootDownAfter: 0,
    renamed: [],
    configEpoch: 0,
    odown: false,
    odownSince: 0,
    replicas: new Map(),
    sentinels: new Map(),
    failoverState: "none",
    failoverEpoch: 0,
    failoverStateChange: 0,
    failoverStart: 0,
    failoverDelayLogged: 0,
    forceFailover: false,
    promotedReplica: null,
    lastAskTime: 0,
    coordinated: 0,
  };
}

/** Close an instance's links. */
export function dropLinks(ri: Instance): void {
  ri.link?.close();
  ri.pubsub?.close();
  ri.link = null;
  ri.pubsub = null;
  ri.disconnected = true;
}

/** The flags string of SENTINEL MASTER(S)/REPLICAS/SENTINELS, in Redis's order. */
export function flagsOf(ri: Instance, master?: Master): string {
  const f: string[] = [];
  if (ri.sdown) f.push("s_down");
  if (ri.kind === "master" && (ri as Master).odown) f.push("o_down");
  f.push(ri.kind);
  if (ri.disconnected) f.push("disconnected");
  if (ri.masterDown) f.push("master_down");
  if (ri.kind === "master" && (ri as Master).failoverState !== "none") {
    f.push("failover_in_progress");
  }
  if (ri.promoted) f.push("promoted");
  if (ri.reconfSent) f.push("reconf_sent");
  if (ri.reconfInprog) f.push("reconf_inprog");
  if (ri.reconfDone) f.push("reconf_done");
  void master;
  return f.join(",");
}

/** Redis's event-message form of an instance: "master name ip port" or "slave ip:port ip port @ ...". */
export function describe(ri: Instance, master: Master | null): string {
  if (ri.kind === "master") return `master ${ri.name} ${ri.ip} ${ri.port}`;
  return `${ri.kind} ${ri.name} ${ri.ip} ${ri.port} @ ${master!.name} ${master!.ip} ${
    master!.port
  }`;
}
