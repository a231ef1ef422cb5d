// Monitoring: links to every instance, the periodic commands (PING every
// second, INFO every 10 s — every second for replicas while their master is
// ODOWN or failing over —, a hello on __sentinel__:hello every 2 s), INFO
// parsing (replica discovery, role changes, promotion and reconfiguration
// progress, demotion of a returning old master), hello processing (sentinel
// discovery, epochs, config updates), SDOWN and ODOWN through
// SENTINEL is-master-down-by-addr, TILT.
import { log } from "../server/log.ts";
import { type Instance, type Master, newInstance } from "./instances.ts";
import { Link, type Reply, ReplyError } from "./link.ts";
import {
  ASK_FORGET_TIME,
  ASK_PERIOD,
  HELLO_CHANNEL,
  INFO_PERIOD,
  PING_PERIOD,
  PUBLISH_PERIOD,
  type Sentinel,
  TILT_PERIOD,
  TILT_TRIGGER,
} from "./state.ts";
import { failoverStep, renamed, sendReplicaOf, startFailoverIfNeeded } from "./failover.ts";

// --- links ---------------------------------------------------------------------------------

function onLinkReady(st: Sentinel, ri: Instance, m: Master, link: Link, pubsub: boolean): void {
  // other sentinels: sentinel-user/sentinel-pass, else our own requirepass (as Redis)
  const auth = ri.kind === "sentinel"
    ? (st.conf.sentinelPass
      ? [st.conf.sentinelUser, st.conf.sentinelPass]
      : st.conf.requirepass
      ? ["", st.conf.requirepass]
      : null)
    : (m.authPass ? [m.authUser, m.authPass] : null);
  if (auth) link.send(auth[0] ? ["AUTH", auth[0], auth[1]] : ["AUTH", auth[1]]);
  link.send([
    ri.kind === "sentinel" ? "CLIENT" : renamed(m, "CLIENT"),
    "SETNAME",
    `sentinel-${st.myid.slice(0, 8)}-${pubsub ? "pubsub" : "cmd"}`,
  ]);
  if (pubsub) {
    link.onMessage = (msg) => {
      ri.lastPubTime = Date.now();
      if (msg[0] === "message" && msg[1] === HELLO_CHANNEL && typeof msg[2] === "string") {
        processHello(st, m, msg[2]);
      }
    };
    link.send(["SUBSCRIBE", HELLO_CHANNEL]);
    ri.lastPubTime = Date.now();
  } else {
    sendPing(st, ri, m);
    if (ri.kind !== "sentinel") sendInfo(st, ri, m);
  }
}

/** (Re)create the links of an instance whose links are down (at most once per ping period). */
function reconnect(st: Sentinel, ri: Instance, m: Master): void {
  const now = Date.now();
  const wantPubsub = ri.kind !== "sentinel";
  const ok = ri.link?.connected && (!wantPubsub || ri.pubsub?.connected);
  ri.disconnected = !ok;
  if (ok) return;
  if (now - ri.linkAttempt < PING_PERIOD) return;
  ri.linkAttempt = now;
  const mk = (pubsub: boolean) => {
    const link = new Link(ri.ip, ri.port);
    link.connect(Math.min(m.downAfter, 1000)).then((up) => {
      if (up && (pubsub ? ri.pubsub : ri.link) === link) {
        onLinkReady(st, ri, m, link, pubsub);
        reconnectedCheck(ri);
      }
    });
    return link;
  };
  if (!ri.link || ri.link.closed) ri.link = mk(false);
  if (wantPubsub && (!ri.pubsub || ri.pubsub.closed)) ri.pubsub = mk(true);
}

function reconnectedCheck(ri: Instance): void {
  ri.disconnected = !(ri.link?.connected && (ri.kind === "sentinel" || ri.pubsub?.connected));
}

// --- periodic commands ---------------------------------------------------------------------

function validPingReply(r: Reply): boolean {
  if (r === "PONG") return true;
  if (r instanceof ReplyError) {
    return r.message.startsWith("LOADING") || r.message.startsWith("MASTERDOWN");
  }
  return false;
}

function sendPing(_st: Sentinel, ri: Instance, m: Master): void {
  const now = Date.now();
  const ok = ri.link?.send([renamed(m, "PING")], (r) => {
    const t = Date.now();
    ri.lastPingReply = t;
    if (r === "PONG") ri.rebootSince = 0;
    if (validPingReply(r)) {
      ri.lastOkPingReply = t;
      ri.lastAvail = t;
      ri.lastPingSent = 0;
    } else if (
      r instanceof ReplyError && r.message.startsWith("BUSY") && ri.sdown && ri.kind !== "sentinel"
    ) {
      ri.link?.send([renamed(m, "SCRIPT"), "KILL"]);
    }
  });
  if (ok) {
    ri.lastPingTime = now;
    if (ri.lastPingSent === 0) ri.lastPingSent = now;
  }
}

export function sendInfo(st: Sentinel, ri: Instance, m: Master): void {
  ri.link?.send([renamed(m, "INFO")], (r) => {
    if (typeof r === "string") refreshInfo(st, ri, m, r);
  });
}

function helloPayload(st: Sentinel, ri: Instance, m: Master): string {
  const c = st.conf;
  let ip = c.announceIp;
  if (!ip) {
    const la = ri.link?.conn?.localAddr as Deno.NetAddr | undefined;
    ip = la?.hostname ?? "127.0.0.1";
  }
  const port = c.announcePort || c.port;
  // during reconf-slaves the master's address is already the promoted replica's (as in Redis)
  const p = m.promotedReplica;
  const addr = p && (m.failoverState === "reconf-slaves" || m.failoverState === "update-config")
    ? p
    : m;
  return [ip, port, st.myid, st.currentEpoch, m.name, addr.ip, addr.port, m.configEpoch].join(",");
}

function periodic(st: Sentinel, ri: Instance, m: Master): void {
  const link = ri.link;
  if (!link?.connected) return;
  const now = Date.now();
  const master = ri.kind === "master" ? ri as Master : m;
  let infoPeriod = INFO_PERIOD;
  if (ri.kind === "slave" && (master.odown || master.failoverState !== "none")) {
    infoPeriod = 1000;
  }
  // beyond Redis: a replica being repointed is polled every 250 ms, so the end of the
  // failover is seen as soon as its link to the new master is up
  if (ri.kind === "slave" && (ri.reconfSent || ri.reconfInprog)) infoPeriod = 250;
  const pingPeriod = Math.min(master.downAfter, PING_PERIOD);
  const infoDue = ri.infoRefresh === 0
    ? now - ri.infoSent > 1000
    : now - ri.infoRefresh > infoPeriod && now - ri.infoSent > Math.min(infoPeriod, 1000);
  if (ri.kind !== "sentinel" && infoDue) {
    ri.infoSent = now;
    sendInfo(st, ri, m);
  }
  if (
    now - ri.lastPingTime > pingPeriod / 2 &&
    (ri.lastPingSent === 0 || now - ri.lastPingTime > pingPeriod)
  ) {
    sendPing(st, ri, m);
  }
  if (ri.kind !== "sentinel" && now - ri.helloSent > PUBLISH_PERIOD) {
    ri.helloSent = now;
    link.send([renamed(m, "PUBLISH"), HELLO_CHANNEL, helloPayload(st, ri, master)]);
  }
  // a link whose PINGs go unanswered for half of down-after is dropped and reconnected
  if (
    ri.lastPingSent && now - ri.lastPingSent > master.downAfter / 2 &&
    now - ri.lastPingReply > master.downAfter / 2 && now - link.createdAt > PING_PERIOD
  ) {
    link.close();
    ri.link = null;
  }
  if (
    ri.pubsub?.connected && now - ri.lastPubTime > PUBLISH_PERIOD * 3 &&
    now - ri.pubsub.createdAt > PUBLISH_PERIOD * 3
  ) {
    ri.pubsub.close();
    ri.pubsub = null;
  }
}

// --- INFO ----------------------------------------------------------------------------------

/** Whether the master looks healthy enough to reconfigure its replicas towards it. */
function masterLooksSane(m: Master): boolean {
  return m.roleReported === "master" && !m.sdown && !m.odown &&
    Date.now() - m.infoRefresh < INFO_PERIOD * 2;
}

function noDownFor(ri: Instance, ms: number): boolean {
  const since = ri.sdown ? ri.sdownSince : 0;
  return since === 0 || Date.now() - since > ms;
}

export function refreshInfo(st: Sentinel, ri: Instance, m: Master, info: string): void {
  const now = Date.now();
  ri.info = info;
  ri.infoRefresh = now;
  let role: "master" | "slave" | "" = "";
  let linkDownSince = 0;
  const master = ri.kind === "master" ? ri as Master : m;
  for (const line of info.split("\r\n")) {
    const i = line.indexOf(":");
    if (i < 0) continue;
    const k = line.slice(0, i), v = line.slice(i + 1);
    if (k === "run_id" && v.length === 40) {
      if (ri.runid && ri.runid !== v) {
        st.event("notice", "+reboot", ri, ri.kind === "master" ? null : m, "");
        if (ri.kind === "master" && master.rebootDownAfter > 0) ri.rebootSince = now;
      }
      ri.runid = v;
    } else if (k === "role") role = v === "master" ? "master" : "slave";
    else if (ri.kind === "master" && /^slave\d+$/.test(k)) {
      const f = new Map(v.split(",").map((kv) => kv.split("=") as [string, string]));
      const ip = f.get("ip"), port = Number(f.get("port"));
      if (ip && port) {
        const name = `${ip}:${port}`;
        if (!master.replicas.has(name)) {
          const r = newInstance("slave", name, ip, port);
          master.replicas.set(name, r);
          st.event("notice", "+slave", r, master, "");
          st.save();
        }
      }
    } else if (k === "master_link_down_since_seconds") linkDownSince = Number(v) * 1000;
    else if (k === "master_host") {
      if (ri.masterHost !== v) {
        ri.masterHost = v;
        ri.slaveConfChangeTime = now;
      }
    } else if (k === "master_port") {
      if (ri.masterPort !== Number(v)) {
        ri.masterPort = Number(v);
        ri.slaveConfChangeTime = now;
      }
    } else if (k === "master_link_status") ri.masterLinkStatus = v === "up" ? "ok" : "err";
    else if (k === "slave_priority") ri.priority = Number(v);
    else if (k === "slave_repl_offset") ri.replOffset = Number(v);
    else if (k === "replica_announced") ri.replicaAnnounced = v === "1";
  }
  ri.masterLinkDownTime = linkDownSince;
  if (!role) return;
  if (role !== ri.roleReported) {
    ri.roleReported = role;
    ri.roleReportedTime = now;
    if (role === "slave") ri.slaveConfChangeTime = now;
    const agrees = (role === "master") === (ri.kind === "master");
    st.event(
      "verbose",
      agrees ? "+role-change" : "-role-change",
      ri,
      ri.kind === "master" ? null : m,
      `new reported role is ${role}`,
    );
  }
  if (st.tilt) return;
  if (ri.kind !== "slave") return;

  if (role === "master") {
    if (ri.promoted && m.failoverState === "wait-promotion" && m.promotedReplica === ri) {
      m.configEpoch = m.failoverEpoch;
      m.failoverState = "reconf-slaves";
      m.failoverStateChange = now;
      st.save();
      st.event("warning", "+promoted-slave", ri, m, "");
      if (st.simFailure & 2) {
        log.warning("Simulated crash after promotion, exiting...");
        Deno.exit(99);
      }
      st.event("warning", "+failover-state-reconf-slaves", m, null, "");
      // announce the new configuration right away instead of at the next 2 s hello
      m.helloSent = 0;
      for (const r of m.replicas.values()) r.helloSent = 0;
      if (m.clientReconfigScript) {
        st.runScript(m.clientReconfigScript, [
          m.name,
          "leader",
          "start",
          m.ip,
          String(m.port),
          ri.ip,
          String(ri.port),
        ]);
      }
      return;
    }
    const wait = PUBLISH_PERIOD * 4;
    if (
      !ri.promoted && masterLooksSane(m) && noDownFor(ri, wait) && now - ri.roleReportedTime > wait
    ) {
      if (sendReplicaOf(st, ri, m, m.ip, m.port)) {
        st.event("notice", "+convert-to-slave", ri, m, "");
      }
    }
    return;
  }

  // role: slave
  if (ri.masterHost !== m.ip || ri.masterPort !== m.port) {
    const wait = m.failoverTimeout;
    if (
      m.failoverState === "none" && masterLooksSane(m) && noDownFor(ri, wait) &&
      now - ri.slaveConfChangeTime > wait
    ) {
      if (sendReplicaOf(st, ri, m, m.ip, m.port)) {
        st.event("notice", "+fix-slave-config", ri, m, "");
      }
    }
  }
  const p = m.promotedReplica;
  if (m.failoverState === "reconf-slaves" && p && (ri.reconfSent || ri.reconfInprog)) {
    if (ri.reconfSent && ri.masterHost === p.ip && ri.masterPort === p.port) {
      ri.reconfSent = false;
      ri.reconfInprog = true;
      st.event("notice", "+slave-reconf-inprog", ri, m, "");
    }
    if (ri.reconfInprog && ri.masterLinkStatus === "ok") {
      ri.reconfInprog = false;
      ri.reconfDone = true;
      st.event("notice", "+slave-reconf-done", ri, m, "");
    }
  }
}

// --- hello ---------------------------------------------------------------------------------

export function processHello(st: Sentinel, m: Master, payload: string): void {
  const t = payload.split(",");
  if (t.length !== 8) return;
  const [ip, portS, runid, epochS, name, mip, mportS, mepochS] = t;
  if (runid === st.myid) return;
  const master = st.masters.get(name);
  if (!master || master !== m) return;
  const port = Number(portS), epoch = Number(epochS), mport = Number(mportS);
  const mepoch = Number(mepochS);
  let s = master.sentinels.get(runid);
  if (!s) {
    // a sentinel with the same address and another id restarted with a new id
    for (const [id, o] of master.sentinels) {
      if (o.ip === ip && o.port === port) {
        o.link?.close();
        master.sentinels.delete(id);
        st.event(
          "notice",
          "-dup-sentinel",
          master,
          null,
          `#duplicate of ${ip}:${port} or ${runid}`,
        );
      }
    }
    s = newInstance("sentinel", runid, ip, port);
    s.runid = runid;
    master.sentinels.set(runid, s);
    st.event("notice", "+sentinel", s, master, "");
    st.save();
  } else if (s.ip !== ip || s.port !== port) {
    s.link?.close();
    s.link = null;
    s.ip = ip;
    s.port = port;
    st.event(
      "notice",
      "+sentinel-address-switch",
      master,
      null,
      `ip ${ip} port ${port} for ${runid}`,
    );
    st.save();
  }
  s.lastHello = Date.now();
  st.observeEpoch(epoch);
  if (master.configEpoch < mepoch) {
    master.configEpoch = mepoch;
    if (mip !== master.ip || mport !== master.port) {
      st.event("warning", "+config-update-from", s, master, "");
      st.switchMaster(master, mip, mport);
    } else st.save();
  }
}

// --- SDOWN / ODOWN -------------------------------------------------------------------------

function checkSdown(st: Sentinel, ri: Instance, m: Master): void {
  const now = Date.now();
  const master = ri.kind === "master" ? ri as Master : m;
  let elapsed = 0;
  if (ri.lastPingSent) elapsed = now - ri.lastPingSent;
  else if (ri.disconnected) elapsed = now - ri.lastAvail;
  const reportsSlave = ri.kind === "master" && ri.roleReported === "slave" &&
    now - ri.roleReportedTime > master.downAfter + INFO_PERIOD * 2;
  // a rebooted master still not answering PONG (LOADING...) after master-reboot-down-after-period
  const rebooting = ri.rebootSince > 0 && now - ri.rebootSince > master.rebootDownAfter;
  if (elapsed > master.downAfter || reportsSlave || rebooting) {
    if (!ri.sdown) {
      ri.sdown = true;
      ri.sdownSince = now;
      st.event("warning", "+sdown", ri, ri.kind === "master" ? null : m, "");
    }
  } else if (ri.sdown) {
    ri.sdown = false;
    ri.sdownSince = 0;
    st.event("warning", "-sdown", ri, ri.kind === "master" ? null : m, "");
  }
}

function checkOdown(st: Sentinel, m: Master): void {
  let votes = 0;
  if (m.sdown) {
    votes = 1;
    for (const s of m.sentinels.values()) if (s.masterDown) votes++;
  }
  if (m.sdown && votes >= m.quorum) {
    if (!m.odown) {
      m.odown = true;
      m.odownSince = Date.now();
      st.event("warning", "+odown", m, null, `#quorum ${votes}/${m.quorum}`);
    }
  } else if (m.odown) {
    m.odown = false;
    st.event("warning", "-odown", m, null, "");
  }
}

/** Ask the other sentinels whether they see the master down (and, when failing over, for a vote). */
export function askOthers(st: Sentinel, m: Master, force: boolean): void {
  const now = Date.now();
  for (const s of m.sentinels.values()) {
    const tag = s;
    if (now - tag.lastAskReply > ASK_FORGET_TIME) {
      s.masterDown = false;
      s.leader = "";
    }
    if (!m.sdown) continue;
    if (!s.link?.connected) continue;
    if (!force && now - tag.lastAsk < ASK_PERIOD) continue;
    tag.lastAsk = now;
    const runid = m.failoverState !== "none" ? st.myid : "*";
    s.link.send(
      ["SENTINEL", "is-master-down-by-addr", m.ip, m.port, st.currentEpoch, runid],
      (r) => {
        if (!Array.isArray(r) || r.length !== 3) return;
        const [down, leader, epoch] = r;
        if (typeof down !== "number" || typeof leader !== "string" || typeof epoch !== "number") {
          return;
        }
        tag.lastAskReply = Date.now();
        s.masterDown = down === 1;
        if (leader !== "*") {
          if (s.leader !== leader || s.leaderEpoch !== epoch) {
            log.warning(`${s.runid} voted for ${leader} ${epoch}`);
          }
          s.leader = leader;
          s.leaderEpoch = epoch;
        }
      },
    );
  }
}

// --- the timer -----------------------------------------------------------------------------

function checkTilt(st: Sentinel): void {
  const now = Date.now();
  const delta = now - st.previousTime;
  st.previousTime = now;
  if (delta < 0 || delta > TILT_TRIGGER) {
    st.tilt = true;
    st.tiltStart = now;
    st.event("warning", "+tilt", null, null, "#tilt mode entered");
  }
}

function handleInstance(st: Sentinel, ri: Instance, m: Master): void {
  reconnect(st, ri, m);
  periodic(st, ri, m);
  if (st.tilt) {
    if (Date.now() - st.tiltStart < TILT_PERIOD) return;
    st.tilt = false;
    st.event("warning", "-tilt", null, null, "#tilt mode exited");
  }
  checkSdown(st, ri, m);
  if (ri.kind === "master") {
    checkOdown(st, m);
    if (startFailoverIfNeeded(st, m)) askOthers(st, m, true);
    failoverStep(st, m);
    askOthers(st, m, false);
  }
}

/** One pass over every instance (run ~10 times a second). */
export function tick(st: Sentinel): void {
  checkTilt(st);
  for (const m of [...st.masters.values()]) {
    handleInstance(st, m, m);
    for (const r of [...m.replicas.values()]) handleInstance(st, r, m);
    for (const s of [...m.sentinels.values()]) handleInstance(st, s, m);
    if (m.failoverState === "update-config" && m.promotedReplica) {
      const p = m.promotedReplica;
      st.switchMaster(m, p.ip, p.port);
    }
  }
}
