// The failover state machine, with Redis's state names: wait-start (win the
// election of the failover's epoch), select-slave, send-slaveof-noone,
// wait-promotion (confirmed by the replica's INFO, see monitor.ts),
// reconf-slaves (repoint the others, parallel-syncs at a time), update-config
// (the timer switches the master's address: +switch-master).
import { log } from "../server/log.ts";
import { describe, type Instance, type Master } from "./instances.ts";
import { getLeader } from "./election.ts";
import { refreshInfo } from "./monitor.ts";
import {
  ELECTION_TIMEOUT,
  INFO_PERIOD,
  MAX_DESYNC,
  PING_PERIOD,
  type Sentinel,
  SLAVE_RECONF_TIMEOUT,
} from "./state.ts";

/** A command name as renamed for this master (sentinel rename-command). */
export function renamed(m: Master, cmd: string): string {
  for (const [c, r] of m.renamed) if (c.toUpperCase() === cmd.toUpperCase()) return r;
  return cmd;
}

/**
 * Send REPLICAOF (or REPLICAOF NO ONE when host is "") as Redis's sentinel
 * does: MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL TYPE normal, EXEC.
 */
export function sendReplicaOf(
  st: Sentinel,
  ri: Instance,
  m: Master,
  host: string,
  port: number,
): boolean {
  const link = ri.link;
  if (!link?.connected || link.pendingCount > 94) return false;
  link.send([renamed(m, "MULTI")]);
  link.send(host ? [renamed(m, "SLAVEOF"), host, port] : [renamed(m, "SLAVEOF"), "NO", "ONE"]);
  link.send([renamed(m, "CONFIG"), "REWRITE"]);
  link.send([renamed(m, "CLIENT"), "KILL", "TYPE", "normal"]);
  link.send([renamed(m, "EXEC")]);
  // beyond Redis: read the outcome at once (promotion / new master) instead of at the next INFO
  link.send([renamed(m, "INFO")], (r) => {
    if (typeof r === "string") refreshInfo(st, ri, m, r);
  });
  return true;
}

/** Start a failover (automatic or SENTINEL FAILOVER). */
export function startFailover(st: Sentinel, m: Master): void {
  m.failoverState = "wait-start";
  m.failoverStateChange = Date.now();
  st.currentEpoch++;
  m.failoverEpoch = st.currentEpoch;
  st.event("warning", "+new-epoch", null, null, String(st.currentEpoch));
  st.event("warning", "+try-failover", m, null, "");
  m.failoverStart = Date.now() + Math.floor(Math.random() * MAX_DESYNC);
  m.failoverStateChange = Date.now();
  st.save();
}

function fmtCtime(t: number): string {
  const d = new Date(t);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
  ];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ${
    p(d.getHours())
  }:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

/** Start a failover if the master is ODOWN and no recent one is in the way; true if started. */
export function startFailoverIfNeeded(st: Sentinel, m: Master): boolean {
  if (!m.odown || m.failoverState !== "none") return false;
  const now = Date.now();
  if (now - m.failoverStart < m.failoverTimeout * 2) {
    if (m.failoverStart > m.failoverDelayLogged) {
      m.failoverDelayLogged = m.failoverStart;
      log.warning(
        `Next failover delay: I will not start a failover before ${
          fmtCtime(m.failoverStart + m.failoverTimeout * 2)
        }`,
      );
    }
    return false;
  }
  startFailover(st, m);
  return true;
}

/** The best replica to promote, or null (Redis's rules). */
export function selectReplica(m: Master): Instance | null {
  const now = Date.now();
  let maxDown = m.sdown ? now - m.sdownSince : 0;
  maxDown += m.downAfter * 10;
  const infoValidity = m.sdown ? PING_PERIOD * 5 : INFO_PERIOD * 3;
  const ok = [...m.replicas.values()].filter((r) =>
    !r.sdown && !r.disconnected && r.link?.connected &&
    now - r.lastAvail <= PING_PERIOD * 5 && r.priority !== 0 &&
    now - r.infoRefresh <= infoValidity && r.masterLinkDownTime <= maxDown &&
    r.roleReported === "slave"
  );
  ok.sort((a, b) => {
    if (a.priority !== b.priority) return a.priority - b.priority;
    if (a.replOffset !== b.replOffset) return b.replOffset - a.replOffset;
    if (!a.runid) return 1;
    if (!b.runid) return -1;
    return a.runid < b.runid ? -1 : a.runid > b.runid ? 1 : 0;
  });
  return ok[0] ?? null;
}

function abort(_st: Sentinel, m: Master): void {
  for (const r of m.replicas.values()) {
    r.reconfSent = r.reconfInprog = r.reconfDone = false;
    r.promoted = false;
  }
  m.failoverState = "none";
  m.failoverStateChange = Date.now();
  m.forceFailover = false;
  m.promotedReplica = null;
}

function setState(st: Sentinel, m: Master, s: Master["failoverState"], ri: Instance | null): void {
  m.failoverState = s;
  m.failoverStateChange = Date.now();
  st.event(
    ri ? "notice" : "warning",
    `+failover-state-${s}`,
    ri ?? m,
    ri ? m : null,
    "",
  );
}

function waitStart(st: Sentinel, m: Master): void {
  const leader = getLeader(st, m, m.failoverEpoch);
  const isLeader = leader === st.myid;
  if (!isLeader && !m.forceFailover) {
    const timeout = Math.min(ELECTION_TIMEOUT, m.failoverTimeout);
    if (Date.now() - m.failoverStateChange > timeout) {
      st.event("warning", "-failover-abort-not-elected", m, null, "");
      abort(st, m);
    }
    return;
  }
  st.event("warning", "+elected-leader", m, null, "");
  if (st.simFailure & 1) {
    log.warning("Simulated crash after election, exiting...");
    Deno.exit(99);
  }
  m.failoverState = "select-slave";
  m.failoverStateChange = Date.now();
  st.event("warning", "+failover-state-select-slave", m, null, "");
}

function selectSlave(st: Sentinel, m: Master): void {
  const r = selectReplica(m);
  if (!r) {
    st.event("warning", "-failover-abort-no-good-slave", m, null, "");
    abort(st, m);
    return;
  }
  st.event("warning", "+selected-slave", r, m, "");
  r.promoted = true;
  m.promotedReplica = r;
  setState(st, m, "send-slaveof-noone", r);
}

function sendSlaveofNoone(st: Sentinel, m: Master): void {
  const r = m.promotedReplica!;
  if (!r.link?.connected) {
    if (Date.now() - m.failoverStateChange > m.failoverTimeout) {
      st.event("warning", "-failover-abort-slave-timeout", m, null, "");
      abort(st, m);
    }
    return;
  }
  // Beyond Redis (redis issue 6062): with the old master still reachable, a
  // SENTINEL FAILOVER asks it for a coordinated FAILOVER TO the chosen replica:
  // writes pause until the replica has caught up, so no acknowledged write is lost.
  if (m.forceFailover && m.link?.connected && !m.sdown && m.roleReported === "master") {
    m.coordinated = Date.now();
    const link = m.link;
    link.send(
      [renamed(m, "FAILOVER"), "TO", r.ip, r.port, "TIMEOUT", COORDINATED_TIMEOUT],
      (rep) => {
        if (rep !== "OK" && m.coordinated && m.promotedReplica === r) {
          log.notice(`FAILOVER refused by ${m.ip}:${m.port} (${String(rep)}), promoting directly`);
          m.coordinated = 0;
          sendReplicaOf(st, r, m, "", 0);
        }
      },
    );
    link.send([renamed(m, "INFO")], () => {});
  } else {
    m.coordinated = 0;
    if (!sendReplicaOf(st, r, m, "", 0)) return;
  }
  setState(st, m, "wait-promotion", r);
}

/** How long the old master may pause writes for a coordinated FAILOVER (ms). */
const COORDINATED_TIMEOUT = 5000;

function waitPromotion(st: Sentinel, m: Master): void {
  const r = m.promotedReplica!;
  if (m.coordinated && Date.now() - m.coordinated > COORDINATED_TIMEOUT + 2000) {
    // the coordinated switch did not happen (timed out or aborted): promote directly
    m.coordinated = 0;
    sendReplicaOf(st, r, m, "", 0);
    m.failoverStateChange = Date.now();
  }
  if (Date.now() - m.failoverStateChange > m.failoverTimeout) {
    st.event("warning", "-failover-abort-slave-timeout", m, null, "");
    abort(st, m);
  }
}

function detectEnd(st: Sentinel, m: Master): void {
  const p = m.promotedReplica!;
  const now = Date.now();
  let notReconfigured = 0;
  for (const r of m.replicas.values()) {
    if (r === p || r.reconfDone) continue;
    if (r.sdown) continue;
    notReconfigured++;
  }
  let timeout = false;
  if (now - m.failoverStateChange > m.failoverTimeout) {
    notReconfigured = 0;
    timeout = true;
    st.event("warning", "+failover-end-for-timeout", m, null, "");
  }
  if (notReconfigured) return;
  m.failoverState = "update-config";
  m.failoverStateChange = now;
  st.event("warning", "+failover-end", m, null, "");
  if (timeout) {
    for (const r of m.replicas.values()) {
      if (r === p || r.reconfDone || r.reconfSent) continue;
      if (sendReplicaOf(st, r, m, p.ip, p.port)) {
        st.event("notice", "+slave-reconf-sent-be", r, m, "");
      }
    }
  }
}

function reconfSlaves(st: Sentinel, m: Master): void {
  const p = m.promotedReplica!;
  const now = Date.now();
  let inProgress = 0;
  for (const r of m.replicas.values()) if (r.reconfSent || r.reconfInprog) inProgress++;
  for (const r of m.replicas.values()) {
    if (inProgress >= m.parallelSyncs) break;
    if (r === p || r.reconfDone) continue;
    if (r.reconfSent && now - r.reconfSentTime > SLAVE_RECONF_TIMEOUT) {
      st.event("notice", "-slave-reconf-sent-timeout", r, m, "");
      r.reconfSent = false;
      r.reconfDone = true;
      continue;
    }
    if (r.reconfSent || r.reconfInprog) continue;
    if (r.disconnected || r.sdown) continue;
    if (!sendReplicaOf(st, r, m, p.ip, p.port)) continue;
    r.reconfSent = true;
    r.reconfSentTime = now;
    st.event("notice", "+slave-reconf-sent", r, m, "");
    inProgress++;
  }
  detectEnd(st, m);
}

/** Advance a master's failover by one step (called on every timer tick). */
export function failoverStep(st: Sentinel, m: Master): void {
  if (m.failoverState === "none" || m.failoverState === "update-config") return;
  if (m.failoverState === "wait-start") {
    waitStart(st, m);
  } else if (m.failoverState === "select-slave") selectSlave(st, m);
  else if (m.failoverState === "send-slaveof-noone") sendSlaveofNoone(st, m);
  else if (m.failoverState === "wait-promotion") waitPromotion(st, m);
  else if (m.failoverState === "reconf-slaves") reconfSlaves(st, m);
}

export { describe };
