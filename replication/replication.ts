// One server's replication state: its identity (replid, replid2 and the
// offset up to which the old one is valid), the backlog, the master side
// (replicas attached to us) and the replica side (our link to a master).
// Every write the owner executes reaches feed() once, as the argv replicas
// must apply; it is encoded as RESP once, appended to the backlog and handed
// to the replicas, which get it at the owner's next flush (one socket write
// per replica per batch of commands).
import type { Client } from "../server/keyspace/client.ts";
import type { PropagationTarget, Server } from "../server/keyspace/owner.ts";
import { log } from "../server/log.ts";
import { persistence } from "../server/persistence/manager.ts";
import { randomHex, writeStr } from "../server/resp/bytes.ts";
import { commandKeys } from "../server/commands/spec.ts";
import { Backlog } from "./backlog.ts";
import { MasterSide } from "./master.ts";
import { type LinkOptions, ReplicaSide } from "./replica.ts";
import { Failover } from "./failover.ts";

export const NO_REPLID = "0000000000000000000000000000000000000000";

export const randomReplid = (): string => randomHex(40);

let scratch = new Uint8Array(4096);

/** Write a non-negative integer's digits at p; the new position. */
function writeUint(out: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    out[p] = 48 + n;
    return p + 1;
  }
  let digits = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
  const end = p + digits;
  for (let q = end - 1; q >= p; q--) {
    out[q] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return end;
}

/**
 * RESP multibulk of an argv of byte strings. The result is a view of a
 * scratch buffer, valid until the next call: callers copy it (the backlog,
 * a socket write) before encoding again.
 */
export function encodeCommand(argv: string[]): Uint8Array {
  let n = 16;
  for (let i = 0; i < argv.length; i++) n += argv[i].length + 24;
  if (n > scratch.length) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  const out = scratch;
  out[0] = 42; // '*'
  let p = writeUint(out, 1, argv.length);
  out[p++] = 13;
  out[p++] = 10;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    out[p++] = 36; // '$'
    p = writeUint(out, p, a.length);
    out[p++] = 13;
    out[p++] = 10;
    p = writeStr(out, p, a);
    out[p++] = 13;
    out[p++] = 10;
  }
  return out.subarray(0, p);
}

/**
 * Bytes of an argv encoded as a multibulk: the stream's canonical form, so
 * the exact length a command took in the stream.
 */
export function encodedLength(argv: string[]): number {
  let n = 3 + String(argv.length).length;
  for (let i = 0; i < argv.length; i++) {
    const l = argv[i].length;
    n += 5 + String(l).length + l;
  }
  return n;
}

export class Replication implements PropagationTarget {
  replid = randomReplid();
  replid2 = NO_REPLID;
  secondOffset = -1;
  private _backlog: Backlog | null = null;
  private installed = false;

  get backlog(): Backlog | null {
    return this._backlog;
  }

  /**
   * With no backlog nothing is recorded (as Redis), so only then is this a
   * propagation target: a server in no replication chain pays nothing per write.
   */
  set backlog(b: Backlog | null) {
    this._backlog = b;
    if (!this.installed) return;
    const targets = this.srv.propagationTargets;
    const i = targets.indexOf(this);
    if (b && i < 0) targets.push(this);
    else if (!b && i >= 0) targets.splice(i, 1);
  }
  /** master_repl_offset while there is no backlog. */
  private baseOffset = 0;
  /** Database of the last command in the stream (-1: the next one carries a SELECT). */
  lastDb = -1;
  readonly master: MasterSide;
  replica: ReplicaSide | null = null;
  readonly failover: Failover;
  /** When the last replica went away (repl-backlog-ttl counts from here). */
  private noReplicasSince = Date.now();

  constructor(readonly srv: Server) {
    this.master = new MasterSide(srv, this);
    this.failover = new Failover(srv, this);
  }

  get offset(): number {
    return this.backlog ? this.backlog.offset : this.baseOffset;
  }

  set offset(o: number) {
    if (this.backlog) this.backlog = new Backlog(this.backlog.size, o);
    else this.baseOffset = o;
  }

  createBacklog(newId: boolean): void {
    if (newId) {
      this.replid = randomReplid();
      this.replid2 = NO_REPLID;
      this.secondOffset = -1;
    }
    this.backlog = new Backlog(this.srv.config.int("repl-backlog-size"), this.offset);
    if (newId) {
      log.notice(
        `Replication backlog created, my new replication IDs are '${this.replid}' and '${this.replid2}'`,
      );
    }
  }

  /** A new history begins here (promotion): the old id stays valid up to this offset. */
  shiftReplid(): void {
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = randomReplid();
    log.notice(
      `Setting secondary replication ID to ${this.replid2}, valid up to offset: ${this.secondOffset}. New replication ID is ${this.replid}`,
    );
  }

  // --- the stream -------------------------------------------------------------------------

  /** PropagationTarget: a write executed here, in the form replicas apply. */
  feed(db: number, argv: string[]): void {
    // a replica streams on what its master sends, never its own writes
    if (this.srv.replicaOf || !this.backlog) return;
    if (db !== this.lastDb) {
      this.appendRaw(encodeCommand(["SELECT", String(db)]));
      this.lastDb = db;
    }
    this.appendRaw(encodeCommand(argv));
  }

  /** Bytes of the stream, as they are: into the backlog and to the replicas. */
  appendRaw(bytes: Uint8Array): void {
    if (!this.backlog) {
      this.baseOffset += bytes.length;
      return;
    }
    this.master.stream(bytes); // (first: it may send what the append would overwrite)
    this.backlog.append(bytes);
  }

  // --- roles ---------------------------------------------------------------------------------

  /** REPLICAOF host port. */
  setMaster(host: string, port: number, who: string, opts: LinkOptions = {}): void {
    const srv = this.srv;
    const wasMaster = !srv.replicaOf;
    if (wasMaster) this.disconnectBlocked();
    this.replica?.stop();
    srv.setRole({ host, port });
    srv.config.setRaw("replicaof", `${host} ${port}`);
    // our replicas learn of the change by reconnecting (a partial resync when possible)
    this.master.disconnectAll();
    if (wasMaster && !this.backlog) this.createBacklog(false);
    this.replica = new ReplicaSide(srv, this, host, port, opts);
    log.notice(`Connecting to MASTER ${host}:${port}`);
    if (who) log.notice(`REPLICAOF ${host}:${port} enabled (user request from '${who}')`);
    this.replica.start();
  }

  /** A master turning replica: its blocked clients would wait on data it no longer owns. */
  private disconnectBlocked(): void {
    const srv = this.srv;
    for (const c of [...srv.clients.values()]) {
      if (!c.blocked || c.kind !== "normal") continue;
      srv.unblock(c, false);
      c.out.error(
        "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)",
      );
      srv.closeClient(c, true);
    }
  }

  /** REPLICAOF NO ONE. */
  unsetMaster(who: string, why = "user request"): void {
    const srv = this.srv;
    if (!srv.replicaOf) return;
    this.replica?.stop();
    this.replica = null;
    srv.setRole(null);
    srv.config.setRaw("replicaof", "");
    this.localExpires.clear(); // (a master expires every key itself)
    this.shiftReplid();
    this.master.disconnectAll();
    this.lastDb = -1;
    if (!this.backlog) this.createBacklog(false);
    log.notice(`MASTER MODE enabled (${why} from '${who}')`);
  }

  // --- wiring ----------------------------------------------------------------------------------

  install(): void {
    const srv = this.srv;
    this.installed = true;
    this.backlog = this._backlog; // (registers as a propagation target once there is a backlog)
    srv.clientFreeHooks.push((c: Client) => {
      this.master.detach(c);
      if (!this.master.links.size) this.noReplicasSince = Date.now();
    });
    srv.cronHooks.push(() => this.cron());
    srv.cronHooks.push(() => this.expireLocalKeys());
    srv.replicaLocalWrite = (c, spec, argv) => {
      for (const key of commandKeys(spec, argv)) {
        if (c.db.expires.has(key)) this.localExpires.add(c.dbIndex + "\0" + key);
      }
    };
    srv.minReplicasCheck = () => this.master.minReplicasError();
    srv.loadingCheck = () => persistence(srv).loading;
    srv.staleCheck = () =>
      !srv.config.bool("replica-serve-stale-data") && !(this.replica?.linkUp() ?? false);
    srv.infoSections.set("replication", () => replicationInfo(this));
    srv.config.listeners.push((name) => {
      if (name === "repl-backlog-size" && this.backlog) {
        this.backlog = this.backlog.resized(srv.config.int("repl-backlog-size"));
      }
    });
    persistence(srv).replAux = () => ({
      // a master without a backlog is in no replication chain: no history to save
      id: !srv.replicaOf && !this.backlog ? "" : this.replid,
      offset: this.offset,
      streamDb: this.replica?.streamDb() ?? (this.lastDb < 0 ? 0 : this.lastDb),
    });
  }

  /**
   * Keys a writable replica's own clients wrote with a TTL ("db\0key"): the
   * master will never send their DEL, so the replica expires them itself
   * (INFO's slave_expires_tracked_keys).
   */
  localExpires = new Set<string>();

  private expireLocalKeys(): void {
    if (!this.localExpires.size) return;
    const srv = this.srv, now = Date.now();
    for (const k of this.localExpires) {
      const sep = k.indexOf("\0");
      const db = srv.dbs[Number(k.slice(0, sep))], key = k.slice(sep + 1);
      const when = db?.expires.get(key);
      if (when === undefined) this.localExpires.delete(k); // gone or persisted meanwhile
      else if (when <= now) {
        db.delete(key);
        srv.stats.expiredKeys++;
        this.localExpires.delete(k);
      }
    }
  }

  private lastCron = 0;

  private cron(): void {
    const now = Date.now();
    if (now - this.lastCron < 1000) return; // replicationCron runs once a second
    this.lastCron = now;
    this.master.cron();
    this.replica?.cron();
    const ttl = this.srv.config.int("repl-backlog-ttl") * 1000;
    if (
      this.backlog && !this.srv.replicaOf && !this.master.links.size && ttl &&
      now - this.noReplicasSince > ttl
    ) {
      // no replica for repl-backlog-ttl: free the backlog; the id changes (old offsets mean nothing now)
      this.baseOffset = this.backlog.offset;
      this.backlog = null;
      this.replid = randomReplid();
      this.replid2 = NO_REPLID;
      this.secondOffset = -1;
      log.notice(
        `Replication backlog freed after ${ttl / 1000} seconds without connected replicas.`,
      );
    }
  }
}

/** INFO replication, field for field as Redis 7.0. */
export function replicationInfo(r: Replication): string {
  const srv = r.srv;
  const out: string[] = [];
  const add = (k: string, v: string | number) => out.push(`${k}:${v}`);
  const now = Date.now();
  if (!srv.replicaOf) add("role", "master");
  else {
    const rs = r.replica!;
    add("role", "slave");
    add("master_host", srv.replicaOf.host);
    add("master_port", srv.replicaOf.port);
    add("master_link_status", rs.linkUp() ? "up" : "down");
    add(
      "master_last_io_seconds_ago",
      rs.linkUp() ? Math.floor((now - rs.lastIo) / 1000) : -1,
    );
    add("master_sync_in_progress", rs.state === "transfer" ? 1 : 0);
    add("slave_read_repl_offset", rs.readOffset());
    add("slave_repl_offset", rs.processedOffset());
    if (rs.state === "transfer") {
      const t = rs.transfer;
      add("master_sync_total_bytes", t.total);
      add("master_sync_read_bytes", t.read);
      add("master_sync_left_bytes", t.total > 0 ? t.total - t.read : -1);
      add("master_sync_perc", t.total > 0 ? (t.read * 100 / t.total).toFixed(2) : "0.00");
      add("master_sync_last_io_seconds_ago", Math.floor((now - rs.lastIo) / 1000));
    }
    if (!rs.linkUp()) {
      add(
        "master_link_down_since_seconds",
        rs.downSince ? Math.floor((now - rs.downSince) / 1000) : -1,
      );
    }
    add("slave_priority", srv.config.int("replica-priority"));
    add("slave_read_only", srv.config.bool("replica-read-only") ? 1 : 0);
    add("replica_announced", srv.config.bool("replica-announced") ? 1 : 0);
  }
  add("connected_slaves", r.master.links.size);
  const cfg = srv.config;
  if (cfg.int("min-replicas-to-write") && cfg.int("min-replicas-max-lag")) {
    add("min_slaves_good_slaves", r.master.goodReplicas());
  }
  let i = 0;
  for (const l of r.master.links.values()) {
    const lag = Math.floor((now - l.ackTime) / 1000);
    out.push(
      `slave${i++}:ip=${l.addr()},port=${l.port},state=${l.state},offset=${l.ackOffset},lag=${lag}`,
    );
  }
  add("master_failover_state", r.failover.state);
  add("master_replid", r.replid);
  add("master_replid2", r.replid2);
  add("master_repl_offset", r.offset);
  add("second_repl_offset", r.secondOffset);
  const b = r.backlog;
  add("repl_backlog_active", b ? 1 : 0);
  add("repl_backlog_size", b ? b.size : srv.config.int("repl-backlog-size"));
  add("repl_backlog_first_byte_offset", b ? b.firstByte : 0);
  add("repl_backlog_histlen", b ? b.histlen : 0);
  return out.join("\r\n");
}

/** ROLE. */
export function roleReply(r: Replication, c: Client): void {
  const srv = r.srv, out = c.out;
  if (!srv.replicaOf) {
    out.array(3);
    out.bulk("master");
    out.int(r.offset);
    const online = [...r.master.links.values()].filter((l) => l.state === "online");
    out.array(online.length);
    for (const l of online) {
      out.array(3);
      out.bulk(l.addr());
      out.bulk(String(l.port));
      out.bulk(String(l.ackOffset));
    }
    return;
  }
  const rs = r.replica!;
  out.array(5);
  out.bulk("slave");
  out.bulk(srv.replicaOf.host);
  out.int(srv.replicaOf.port);
  out.bulk(rs.roleState());
  out.int(rs.linkUp() ? rs.processedOffset() : -1);
}

const STATES = new WeakMap<Server, Replication>();

/** The replication state of a server (created on first use). */
export function replication(srv: Server): Replication {
  let r = STATES.get(srv);
  if (!r) STATES.set(srv, r = new Replication(srv));
  return r;
}

/**
 * The start-up step: wire replication in; with `replicaof` configured, begin
 * as a replica, resuming the history saved in the RDB file (a restarted
 * replica resynchronises partially).
 */
export function replicationStartup(srv: Server): void {
  const r = replication(srv);
  r.install();
  const conf = srv.config.get("replicaof");
  const saved = persistence(srv).loadedRepl;
  if (conf) persistence(srv).expiredAtLoad = []; // (a replica keeps expired keys anyway)
  if (!conf) {
    // a master restarted from its RDB: its old history stays valid as replid2,
    // so its replicas resynchronise partially (Redis 7.0)
    if (saved && /^[0-9a-f]{40}$/.test(saved.id) && Number.isInteger(saved.offset)) {
      r.replid2 = saved.id;
      r.secondOffset = saved.offset + 1;
      r.backlog = new Backlog(srv.config.int("repl-backlog-size"), saved.offset);
      log.notice(
        `Master restored its replication ID ${saved.id} and offset ${saved.offset} from the RDB file (new replication ID ${r.replid})`,
      );
      // keys that expired while we were down: their deletion is part of the stream
      for (const [db, key] of persistence(srv).expiredAtLoad) r.feed(db, ["DEL", key]);
    }
    persistence(srv).expiredAtLoad = [];
    return;
  }
  const [host, port] = conf.split(" ");
  if (saved) {
    r.replid = saved.id;
    r.backlog = new Backlog(srv.config.int("repl-backlog-size"), saved.offset);
    log.notice(
      "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.",
    );
  }
  r.setMaster(host, Number(port), "");
  if (saved) r.replica!.db = saved.streamDb;
}
