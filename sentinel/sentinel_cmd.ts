// SENTINEL <subcommand>: replies, field names and order as real
// redis-sentinel 7.0's.
import type { ReplyWriter } from "../server/resp/writer.ts";
import type { Client } from "./commands.ts";
import { globMatch } from "./commands.ts";
import { dropLinks, flagsOf, type Instance, type Master } from "./instances.ts";
import {
  ASK_PERIOD,
  ELECTION_TIMEOUT,
  INFO_PERIOD,
  MIN_LINK_RECONNECT_PERIOD,
  PING_PERIOD,
  PUBLISH_PERIOD,
  SCRIPT_MAX_RUNTIME,
  SCRIPT_RETRY_DELAY,
  type Sentinel,
  SLAVE_RECONF_TIMEOUT,
  TILT_PERIOD,
  TILT_TRIGGER,
} from "./state.ts";
import { DEFAULT_DOWN_AFTER, DEFAULT_FAILOVER_TIMEOUT } from "./config.ts";
import { voteLeader } from "./election.ts";
import { selectReplica, startFailover } from "./failover.ts";

const HELP = [
  "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CKQUORUM <master-name>",
  "    Check if the current Sentinel configuration is able to reach the quorum",
  "    needed to failover a master and the majority needed to authorize the",
  "    failover.",
  "CONFIG SET <param> <value>",
  "    Set a global Sentinel configuration parameter.",
  "CONFIG GET <param>",
  "    Get global Sentinel configuration parameter.",
  "DEBUG [<param> <value> ...]",
  "    Show a list of configurable time parameters and their values (milliseconds).",
  "    Or update current configurable parameters values (one or more).",
  "GET-MASTER-ADDR-BY-NAME <master-name>",
  "    Return the ip and port number of the master with that name.",
  "FAILOVER <master-name>",
  "    Manually failover a master node without asking for agreement from other",
  "    Sentinels",
  "FLUSHCONFIG",
  "    Force Sentinel to rewrite its configuration on disk, including the current",
  "    Sentinel state.",
  "INFO-CACHE <master-name>",
  "    Return last cached INFO output from masters and all its replicas.",
  "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
  "    Check if the master specified by ip:port is down from current Sentinel's",
  "    point of view.",
  "MASTER <master-name>",
  "    Show the state and info of the specified master.",
  "MASTERS",
  "    Show a list of monitored masters and their state.",
  "MONITOR <name> <ip> <port> <quorum>",
  "    Start monitoring a new master with the specified name, ip, port and quorum.",
  "MYID",
  "    Return the ID of the Sentinel instance.",
  "PENDING-SCRIPTS",
  "    Get pending scripts information.",
  "REMOVE <master-name>",
  "    Remove master from Sentinel's monitor list.",
  "REPLICAS <master-name>",
  "    Show a list of replicas for this master and their state.",
  "RESET <pattern>",
  "    Reset masters for specific master name matching this pattern.",
  "SENTINELS <master-name>",
  "    Show a list of Sentinel instances for this master and their state.",
  "SET <master-name> <option> <value> [<option> <value> ...]",
  "    Set configuration parameters for certain masters.",
  "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
  "    Simulate a Sentinel crash.",
  "HELP",
  "    Prints this help.",
];

/** One instance as SENTINEL MASTER/REPLICAS/SENTINELS show it. */
function instanceReply(w: ReplyWriter, ri: Instance, m: Master): void {
  const now = Date.now();
  const f: [string, string | number][] = [
    ["name", ri.name],
    ["ip", ri.ip],
    ["port", ri.port],
    ["runid", ri.runid],
    ["flags", flagsOf(ri)],
    ["link-pending-commands", ri.link?.pendingCount ?? 0],
    ["link-refcount", 1],
  ];
  if (ri.kind === "master" && m.failoverState !== "none") {
    f.push(["failover-state", m.failoverState]);
  }
  f.push(
    ["last-ping-sent", ri.lastPingSent ? now - ri.lastPingSent : 0],
    ["last-ok-ping-reply", now - ri.lastAvail],
    ["last-ping-reply", now - ri.lastPingReply],
  );
  if (ri.sdown) f.push(["s-down-time", now - ri.sdownSince]);
  if (ri.kind === "master" && m.odown) f.push(["o-down-time", now - m.odownSince]);
  f.push(["down-after-milliseconds", m.downAfter]);
  if (ri.kind !== "sentinel") {
    f.push(
      ["info-refresh", ri.infoRefresh ? now - ri.infoRefresh : 0],
      ["role-reported", ri.roleReported],
      ["role-reported-time", now - ri.roleReportedTime],
    );
  }
  if (ri.kind === "master") {
    f.push(
      ["config-epoch", m.configEpoch],
      ["num-slaves", m.replicas.size],
      ["num-other-sentinels", m.sentinels.size],
      ["quorum", m.quorum],
      ["failover-timeout", m.failoverTimeout],
      ["parallel-syncs", m.parallelSyncs],
    );
    if (m.notificationScript) f.push(["notification-script", m.notificationScript]);
    if (m.clientReconfigScript) f.push(["client-reconfig-script", m.clientReconfigScript]);
  }
  if (ri.kind === "slave") {
    f.push(
      ["master-link-down-time", ri.masterLinkDownTime],
      ["master-link-status", ri.masterLinkStatus],
      ["master-host", ri.masterHost || "?"],
      ["master-port", ri.masterPort],
      ["slave-priority", ri.priority],
      ["slave-repl-offset", ri.replOffset],
      ["replica-announced", ri.replicaAnnounced ? 1 : 0],
    );
  }
  if (ri.kind === "sentinel") {
    f.push(
      ["last-hello-message", now - ri.lastHello],
      ["voted-leader", ri.leader || "?"],
      ["voted-leader-epoch", ri.leaderEpoch],
    );
  }
  w.map(f.length);
  for (const [k, v] of f) {
    w.bulk(k);
    w.bulk(String(v));
  }
}

function debugParams(): [string, number][] {
  return [
    ["INFO-PERIOD", INFO_PERIOD],
    ["PING-PERIOD", PING_PERIOD],
    ["ASK-PERIOD", ASK_PERIOD],
    ["PUBLISH-PERIOD", PUBLISH_PERIOD],
    ["DEFAULT-DOWN-AFTER", DEFAULT_DOWN_AFTER],
    ["DEFAULT-FAILOVER-TIMEOUT", DEFAULT_FAILOVER_TIMEOUT],
    ["TILT-TRIGGER", TILT_TRIGGER],
    ["TILT-PERIOD", TILT_PERIOD],
    ["SLAVE-RECONF-TIMEOUT", SLAVE_RECONF_TIMEOUT],
    ["MIN-LINK-RECONNECT-PERIOD", MIN_LINK_RECONNECT_PERIOD],
    ["ELECTION-TIMEOUT", ELECTION_TIMEOUT],
    ["SCRIPT-MAX-RUNTIME", SCRIPT_MAX_RUNTIME],
    ["SCRIPT-RETRY-DELAY", SCRIPT_RETRY_DELAY],
  ];
}

const NO_MASTER = "ERR No such master with that name";
const isInt = (s: string) => /^-?\d+$/.test(s);

function setOption(st: Sentinel, m: Master, opt: string, val: string): string | null {
  const n = Number(val);
  switch (opt) {
    case "down-after-milliseconds":
      if (!isInt(val) || n <= 0) return "bad";
      m.downAfter = n;
      return null;
    case "failover-timeout":
      if (!isInt(val) || n <= 0) return "bad";
      m.failoverTimeout = n;
      return null;
    case "parallel-syncs":
      if (!isInt(val) || n <= 0) return "bad";
      m.parallelSyncs = n;
      return null;
    case "quorum":
      if (!isInt(val) || n <= 0) return "bad";
      m.quorum = n;
      return null;
    case "master-reboot-down-after-period":
      if (!isInt(val) || n < 0) return "bad";
      m.rebootDownAfter = n;
      return null;
    case "auth-pass":
    case "auth-user":
      if (opt === "auth-pass") m.authPass = val;
      else m.authUser = val;
      // reconnect with the new credentials
      for (const ri of [m, ...m.replicas.values()]) dropLinks(ri);
      return null;
    case "notification-script":
    case "client-reconfig-script":
      if (st.conf.denyScriptsReconfig) {
        return "ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration";
      }
      if (val) {
        try {
          const s = Deno.statSync(val);
          if (!s.isFile || !((s.mode ?? 0o755) & 0o111)) throw new Error();
        } catch {
          return "ERR Notification script seems non existing or non executable.";
        }
      }
      if (opt === "notification-script") m.notificationScript = val;
      else m.clientReconfigScript = val;
      return null;
    default:
      return "unknown";
  }
}

export function sentinelCommand(st: Sentinel, c: Client, argv: string[]): void {
  const w = c.w;
  const sub = argv[1].toLowerCase();
  const arity = (n: number, exact = true) => {
    if (exact ? argv.length !== n : argv.length < n) {
      w.error(`ERR wrong number of arguments for 'sentinel|${sub}' command`);
      return false;
    }
    return true;
  };
  const master = (name: string): Master | null => {
    const m = st.masters.get(name);
    if (!m) w.error(NO_MASTER);
    return m ?? null;
  };
  switch (sub) {
    case "masters": {
      if (!arity(2)) return;
      w.array(st.masters.size);
      for (const m of st.masters.values()) instanceReply(w, m, m);
      return;
    }
    case "master": {
      if (!arity(3)) return;
      const m = master(argv[2]);
      if (m) instanceReply(w, m, m);
      return;
    }
    case "replicas":
    case "slaves": {
      if (!arity(3)) return;
      const m = master(argv[2]);
      if (!m) return;
      w.array(m.replicas.size);
      for (const r of m.replicas.values()) instanceReply(w, r, m);
      return;
    }
    case "sentinels": {
      if (!arity(3)) return;
      const m = master(argv[2]);
      if (!m) return;
      w.array(m.sentinels.size);
      for (const s of m.sentinels.values()) instanceReply(w, s, m);
      return;
    }
    case "get-master-addr-by-name": {
      if (!arity(3)) return;
      const m = st.masters.get(argv[2]);
      if (!m) {
        w.nilArray();
        return;
      }
      const p = m.promotedReplica;
      const addr = p && (m.failoverState === "reconf-slaves" || m.failoverState === "update-config")
        ? p
        : m;
      w.array(2);
      w.bulk(addr.ip);
      w.bulk(String(addr.port));
      return;
    }
    case "is-master-down-by-addr": {
      if (!arity(6)) return;
      const [ip, portS, epochS, runid] = argv.slice(2);
      if (!isInt(portS) || !isInt(epochS)) {
        w.error("ERR value is not an integer or out of range");
        return;
      }
      const m = st.masterByAddr(ip, Number(portS));
      const down = m && m.sdown && !st.tilt ? 1 : 0;
      let vote = { leader: "", epoch: 0 };
      if (m && runid !== "*") vote = voteLeader(st, m, Number(epochS), runid);
      w.array(3);
      w.int(down);
      w.bulk(vote.leader || "*");
      w.int(vote.epoch);
      return;
    }
    case "reset": {
      if (!arity(3)) return;
      let n = 0;
      for (const m of st.masters.values()) {
        if (!globMatch(argv[2], m.name)) continue;
        st.resetMaster(m, true);
        st.event("warning", "+reset-master", m, null, "");
        n++;
      }
      if (n) st.save();
      w.int(n);
      return;
    }
    case "failover": {
      if (!arity(3)) return;
      const m = master(argv[2]);
      if (!m) return;
      if (m.failoverState !== "none") {
        w.error("INPROG Failover already in progress");
        return;
      }
      if (!selectReplica(m)) {
        w.error("NOGOODSLAVE No suitable replica to promote");
        return;
      }
      startFailover(st, m);
      m.forceFailover = true;
      w.ok();
      return;
    }
    case "ckquorum": {
      if (!arity(3)) return;
      const m = master(argv[2]);
      if (!m) return;
      const voters = m.sentinels.size + 1;
      let usable = 1;
      for (const s of m.sentinels.values()) if (!s.sdown && !s.disconnected) usable++;
      const majority = Math.floor(voters / 2) + 1;
      if (usable < m.quorum || usable < majority) {
        let e = `NOQUORUM ${usable} usable Sentinels. `;
        if (usable < m.quorum) {
          e += "Not enough available Sentinels to reach the specified quorum for this master";
        }
        if (usable < majority) {
          e += "Not enough available Sentinels to reach the majority and authorize a failover";
        }
        w.error(e);
        return;
      }
      w.simple(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
      return;
    }
    case "flushconfig":
      if (!arity(2)) return;
      st.save();
      w.ok();
      return;
    case "monitor": {
      if (!arity(6)) return;
      const [name, ip, portS, qS] = argv.slice(2);
      if (!isInt(qS) || !isInt(portS)) {
        w.error("ERR value is not an integer or out of range");
        return;
      }
      if (Number(qS) <= 0) {
        w.error("ERR Quorum must be 1 or greater.");
        return;
      }
      if (Number(portS) <= 0 || Number(portS) > 65535) {
        w.error("ERR Invalid port number");
        return;
      }
      if (st.masters.has(name)) {
        w.error("ERR Duplicated master name");
        return;
      }
      st.monitor(name, ip, Number(portS), Number(qS));
      st.save();
      w.ok();
      return;
    }
    case "remove": {
      if (!arity(3)) return;
      if (!master(argv[2])) return;
      st.remove(argv[2]);
      st.save();
      w.ok();
      return;
    }
    case "set": {
      if (!arity(5, false)) return;
      const m = master(argv[2]);
      if (!m) return;
      for (let i = 3; i < argv.length; i += 2) {
        const opt = argv[i].toLowerCase();
        if (opt === "rename-command") {
          if (i + 2 >= argv.length) {
            w.error(`ERR Unknown option or number of arguments for SENTINEL SET '${argv[i]}'`);
            return;
          }
          const [from, to] = [argv[i + 1], argv[i + 2]];
          m.renamed = m.renamed.filter(([c]) => c.toLowerCase() !== from.toLowerCase());
          if (from.toLowerCase() !== to.toLowerCase()) m.renamed.push([from, to]);
          st.event("warning", "+set", m, null, `${argv[i]} ${from} ${to}`);
          i++;
          continue;
        }
        if (i + 1 >= argv.length) {
          w.error(`ERR Unknown option or number of arguments for SENTINEL SET '${argv[i]}'`);
          return;
        }
        const err = setOption(st, m, opt, argv[i + 1]);
        if (err === "bad") {
          w.error(`ERR Invalid argument '${argv[i + 1]}' for SENTINEL SET '${argv[i]}'`);
          return;
        }
        if (err === "unknown") {
          w.error(`ERR Unknown option or number of arguments for SENTINEL SET '${argv[i]}'`);
          return;
        }
        if (err) {
          w.error(err);
          return;
        }
        st.event("warning", "+set", m, null, `${argv[i]} ${argv[i + 1]}`);
      }
      st.save();
      w.ok();
      return;
    }
    case "myid":
      if (!arity(2)) return;
      w.bulk(st.myid);
      return;
    case "info-cache": {
      if (!arity(3, false)) return;
      const names = argv.slice(2);
      const ms = [...st.masters.values()].filter((m) => names.includes(m.name));
      const now = Date.now();
      w.array(ms.length * 2);
      for (const m of ms) {
        w.bulk(m.name);
        const all: Instance[] = [m, ...m.replicas.values()];
        w.array(all.length);
        for (const ri of all) {
          w.array(2);
          w.int(ri.infoRefresh ? now - ri.infoRefresh : 0);
          if (ri.info) w.verbatim(ri.info);
          else w.nil();
        }
      }
      return;
    }
    case "config": {
      const op = argv[2]?.toLowerCase();
      if (op === "get" && argv.length === 4) {
        const c = st.conf;
        const opts: [string, string][] = [
          ["resolve-hostnames", c.resolveHostnames ? "yes" : "no"],
          ["announce-hostnames", c.announceHostnames ? "yes" : "no"],
          ["announce-ip", c.announceIp],
          ["announce-port", String(c.announcePort)],
          ["sentinel-user", c.sentinelUser],
          ["sentinel-pass", c.sentinelPass],
          ["loglevel", c.loglevel],
        ];
        const hit = opts.filter(([k]) => globMatch(argv[3], k, true));
        w.map(hit.length);
        for (const [k, v] of hit) {
          w.bulk(k);
          w.bulk(v);
        }
        return;
      }
      if (op === "set" && argv.length === 5) {
        const c = st.conf;
        const k = argv[3].toLowerCase(), v = argv[4];
        const yn = v.toLowerCase() === "yes" ? true : v.toLowerCase() === "no" ? false : null;
        if (k === "resolve-hostnames" && yn !== null) c.resolveHostnames = yn;
        else if (k === "announce-hostnames" && yn !== null) c.announceHostnames = yn;
        else if (k === "announce-ip") c.announceIp = v;
        else if (k === "announce-port" && isInt(v) && Number(v) >= 0) c.announcePort = Number(v);
        else if (k === "sentinel-user") c.sentinelUser = v;
        else if (k === "sentinel-pass") c.sentinelPass = v;
        else if (k === "loglevel" && ["debug", "verbose", "notice", "warning"].includes(v)) {
          c.loglevel = v;
        } else {
          w.error(`ERR Invalid argument '${v}' to SENTINEL CONFIG SET '${argv[3]}'`);
          return;
        }
        st.save();
        w.ok();
        return;
      }
      w.error("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
      return;
    }
    case "simulate-failure": {
      if (!arity(3, false)) return;
      let flags = 0;
      for (const a of argv.slice(2)) {
        const x = a.toLowerCase();
        if (x === "crash-after-election") flags |= 1;
        else if (x === "crash-after-promotion") flags |= 2;
        else if (x === "help") {
          w.array(2);
          w.bulk("crash-after-election");
          w.bulk("crash-after-promotion");
          return;
        } else {
          w.error("ERR Unknown failure simulation specified");
          return;
        }
      }
      st.simFailure = flags;
      w.ok();
      return;
    }
    case "debug": {
      const p = debugParams();
      if (argv.length === 2) {
        w.map(p.length);
        for (const [k, v] of p) {
          w.bulk(k);
          w.bulk(String(v));
        }
        return;
      }
      w.ok();
      return;
    }
    case "pending-scripts":
      if (!arity(2)) return;
      w.array(0);
      return;
    case "help":
      w.array(HELP.length);
      for (const l of HELP) w.simple(l);
      return;
    default:
      w.error(`ERR unknown subcommand '${argv[1]}'. Try SENTINEL HELP.`);
  }
}
