// The master side of replication: replica connections (REPLCONF, PSYNC,
// SYNC), full resynchronisation from a point-in-time snapshot (to the socket
// with $EOF: framing, or length-prefixed), partial resynchronisation from the
// backlog, the stream sent in batches, ACKs, WAIT and min-replicas.
import { setImmediate } from "node:timers";
import type { Client } from "../server/keyspace/client.ts";
import type { Server } from "../server/keyspace/owner.ts";
import { log } from "../server/log.ts";
import { persistence } from "../server/persistence/manager.ts";
import { rdbPath, tempPath, writeFileAtomic } from "../server/persistence/rdb_file.ts";
import { concatBytes, randomHex, strToBytes } from "../server/resp/bytes.ts";
import type { Replication } from "./replication.ts";
import { clientInfoLine } from "../server/commands/connection.ts";
import { E, parseInteger } from "../server/commands/spec.ts";

export type ReplicaState = "wait_bgsave" | "send_bulk" | "online";

/** What the master knows of one replica connection. */
export class ReplicaLink {
  state: ReplicaState = "wait_bgsave";
  /** REPLCONF listening-port / ip-address. */
  port = 0;
  ip = "";
  capaEof = false;
  capaPsync2 = false;
  ackOffset = 0;
  ackTime = Date.now();
  /** Offset of the last stream byte handed to its socket (it is a cursor into the backlog). */
  sent = 0;
  /** Stream bytes produced since its snapshot was taken, held until the snapshot is sent. */
  held: Uint8Array[] | null = null;
  heldBytes = 0;
  /** Came with SYNC (the old protocol): no +FULLRESYNC line before the payload. */
  oldSync = false;
  /** The snapshot went to its socket (diskless); it goes online at its first ACK. */
  awaitingAck = false;
  /** When it began waiting for a snapshot (repl-diskless-sync-delay counts from here). */
  waitingSince = Date.now();

  constructor(readonly c: Client) {}

  /** ip as INFO and ROLE show it: the announced one, else the peer address. */
  addr(): string {
    if (this.ip) return this.ip;
    const a = this.c.info.addr;
    return a.slice(0, a.lastIndexOf(":"));
  }

  name(): string {
    return `${this.addr()}:${this.port}`;
  }
}

/** REPLCONF settings a connection gives before PSYNC (kept on Client.replica). */
interface PreSync {
  port: number;
  ip: string;
  capaEof: boolean;
  capaPsync2: boolean;
}

function preSync(c: Client): PreSync {
  if (!c.replica) c.replica = { port: 0, ip: "", capaEof: false, capaPsync2: false };
  return c.replica as PreSync;
}

const CRLF = "\r\n";

export class MasterSide {
  /** Replica connections, in attach order. */
  links = new Map<Client, ReplicaLink>();
  /** A snapshot being streamed to replicas (one at a time; later ones wait for the next). */
  private syncing = false;
  private syncTimer: ReturnType<typeof setTimeout> | undefined;
  /** Clients blocked in WAIT. */
  waiters = new Set<{ c: Client; offset: number; need: number }>();
  private lastPing = Date.now();

  constructor(private srv: Server, private repl: Replication) {}

  // --- REPLCONF -------------------------------------------------------------------------

  replconf(c: Client, argv: string[]): void {
    if ((argv.length - 1) % 2 !== 0) {
      c.out.error("ERR syntax error");
      return;
    }
    for (let i = 1; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase(), val = argv[i + 1];
      if (opt === "listening-port") {
        const n = parseInteger(val);
        if (n === null) {
          c.out.error(E.NOT_INT);
          return;
        }
        preSync(c).port = n;
        const l = this.links.get(c);
        if (l) l.port = n;
      } else if (opt === "ip-address") {
        if (val.length > 46) {
          c.out.error(
            `ERR REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`,
          );
          return;
        }
        preSync(c).ip = val;
      } else if (opt === "capa") {
        if (val.toLowerCase() === "eof") preSync(c).capaEof = true;
        else if (val.toLowerCase() === "psync2") preSync(c).capaPsync2 = true;
      } else if (opt === "ack") {
        // from a replica: no reply
        const l = this.links.get(c);
        if (!l) return;
        if (l.awaitingAck) {
          // its first ACK after a diskless transfer: the stream may flow now
          l.awaitingAck = false;
          this.goOnline(l);
        }
        const off = Number(val);
        if (Number.isFinite(off) && off > l.ackOffset) l.ackOffset = off;
        l.ackTime = Date.now();
        this.checkWaiters();
        return;
      } else if (opt === "getack") {
        // only meaningful from our master (the replica side answers it)
        this.repl.replica?.answerGetack(c);
        return;
      } else if (opt === "rdb-only" || opt === "rdb-filter-only") {
        // accepted, as Redis 7.0 does (redis-cli --rdb)
      } else {
        c.out.error(`ERR Unrecognized REPLCONF option: ${argv[i]}`);
        return;
      }
    }
    c.out.ok();
  }

  // --- PSYNC / SYNC ----------------------------------------------------------------------

  psync(c: Client, argv: string[]): void {
    const srv = this.srv, repl = this.repl;
    if (c.kind === "replica") return; // already a replica: ignored, as Redis
    if (
      argv.length > 3 && argv[0].toLowerCase() === "psync" && argv[3].toLowerCase() === "failover"
    ) {
      // our master hands over (FAILOVER): we become the master, it continues from us
      if (argv[1] !== repl.replid) {
        c.out.error("ERR PSYNC FAILOVER replid must match my replid.");
        return;
      }
      repl.unsetMaster(clientInfoLine(c), "failover request");
    }
    if (srv.replicaOf && !repl.replica?.linkUp()) {
      c.out.error("NOMASTERLINK Can't SYNC while not connected with my master");
      return;
    }
    if (c.out.len) {
      c.out.error("ERR SYNC and PSYNC are invalid with pending output");
      return;
    }
    const isPsync = argv[0].toLowerCase() === "psync";
    const pre = preSync(c);
    const link = new ReplicaLink(c);
    link.port = pre.port;
    link.ip = pre.ip;
    link.capaEof = pre.capaEof;
    link.capaPsync2 = pre.capaPsync2;
    if (isPsync) {
      const off = Number(argv[2]);
      if (this.tryPartial(c, link, argv[1], off)) return;
      if (argv[1] !== "?") srv.stats.syncPartialErr++;
    } else {
      // SYNC: an old replica, no PSYNC protocol (never sent +FULLRESYNC)
      link.capaPsync2 = false;
      link.oldSync = true;
    }
    log.notice(`Replica ${link.name()} asks for synchronization`);
    if (isPsync && argv[1] === "?") log.notice(`Full resync requested by replica ${link.name()}`);
    else if (isPsync && argv[1] !== repl.replid && argv[1] !== repl.replid2) {
      log.notice(
        `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${
          argv[1]
        }', my replication IDs are '${repl.replid}' and '${repl.replid2}')`,
      );
    }
    this.attach(c, link);
    srv.stats.syncFull++;
    this.scheduleSync();
  }

  private attach(c: Client, link: ReplicaLink): void {
    c.kind = "replica";
    this.links.set(c, link);
    if (!this.repl.backlog) this.repl.createBacklog(true);
  }

  private tryPartial(c: Client, link: ReplicaLink, replid: string, off: number): boolean {
    const repl = this.repl;
    const known = replid === repl.replid ||
      (replid === repl.replid2 && off <= repl.secondOffset);
    if (!known || !Number.isInteger(off)) return false;
    const b = repl.backlog;
    if (!b || !b.canServe(off)) {
      log.notice(
        `Unable to partial resync with replica ${link.name()} for lack of backlog (Replica request was: ${off}).`,
      );
      return false;
    }
    this.attach(c, link);
    link.state = "online";
    link.ackOffset = off - 1;
    const reply = link.capaPsync2 ? `+CONTINUE ${repl.replid}${CRLF}` : `+CONTINUE${CRLF}`;
    const data = b.readFrom(off);
    link.sent = b.offset;
    c.out.rawStr(reply);
    c.out.raw(data);
    this.srv.markPending(c);
    this.srv.stats.syncPartialOk++;
    log.notice(
      `Partial resynchronization request from ${link.name()} accepted. Sending ${data.length} bytes of backlog starting from offset ${off}.`,
    );
    return true;
  }

  // --- full sync ----------------------------------------------------------------------------

  /** Start a snapshot for the waiting replicas now, or when the diskless delay has passed. */
  scheduleSync(): void {
    if (this.syncing) return;
    const waiting = [...this.links.values()].filter((l) => l.state === "wait_bgsave" && !l.held);
    if (!waiting.length) return;
    const cfg = this.srv.config;
    const diskless = cfg.bool("repl-diskless-sync") && waiting.every((l) => l.capaEof);
    const delay = diskless ? cfg.int("repl-diskless-sync-delay") * 1000 : 0;
    const max = cfg.int("repl-diskless-sync-max-replicas");
    const first = Math.min(...waiting.map((l) => l.waitingSince));
    const left = first + delay - Date.now();
    if (left > 0 && !(max > 0 && waiting.length >= max)) {
      clearTimeout(this.syncTimer);
      this.syncTimer = setTimeout(() => this.scheduleSync(), left);
      return;
    }
    clearTimeout(this.syncTimer);
    this.startSync(waiting, diskless);
  }

  private startSync(targets: ReplicaLink[], diskless: boolean): void {
    const srv = this.srv, repl = this.repl;
    this.syncing = true;
    const offset = repl.offset;
    // the next propagated command carries a SELECT: the replica starts from the snapshot's db
    repl.lastDb = -1;
    log.notice(
      `Starting BGSAVE for SYNC with target: ${diskless ? "replicas sockets" : "disk"}`,
    );
    for (const l of targets) {
      l.held = [];
      l.heldBytes = 0;
      if (!l.oldSync) {
        l.c.out.rawStr(`+FULLRESYNC ${repl.replid} ${offset}${CRLF}`);
        srv.markPending(l.c);
      }
    }
    srv.flush();
    const stream = persistence(srv).rdbStream({ id: repl.replid, offset, streamDb: 0 });
    const mark = diskless ? randomHex(40) : "";
    const live = () => targets.filter((l) => this.links.get(l.c) === l);
    const run = async () => {
      const reader = stream.getReader();
      const chunks: Uint8Array[] = [];
      let total = 0;
      if (diskless) { for (const l of live()) l.c.sink.write(strToBytes(`$EOF:${mark}${CRLF}`)); }
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        total += value.length;
        if (!diskless) {
          chunks.push(value);
          continue;
        }
        const ls = live();
        if (!ls.length) {
          await reader.cancel();
          break;
        }
        for (const l of ls) l.c.sink.write(value);
        // back-pressure: let the slowest socket drain before producing more
        while (ls.some((l) => l.c.sink.pendingBytes() > 8 * 1024 * 1024 && !l.c.closing)) {
          await new Promise((r) => setTimeout(r, 1));
        }
      }
      if (diskless) {
        log.notice(`Background RDB transfer terminated with success`);
        for (const l of live()) {
          l.c.sink.write(strToBytes(mark));
          // as Redis: nothing more until the replica's first ACK, since a replica
          // that looks for the mark at the end of what it read must not read past it
          l.awaitingAck = true;
          l.ackTime = Date.now();
          log.notice(
            `Streamed RDB transfer with replica ${l.name()} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`,
          );
        }
      } else {
        const all = concatBytes(chunks);
        // disk-based, as Redis: the snapshot is our dump file, then sent from it
        try {
          writeFileAtomic(rdbPath(srv), all, tempPath(`repl-${Deno.pid}`));
          srv.lastSave = Math.floor(Date.now() / 1000);
        } catch (e) {
          log.warning(`Write error saving DB on disk: ${(e as Error).message}`);
        }
        log.notice("Background saving terminated with success");
        for (const l of live()) {
          l.state = "send_bulk";
          l.c.sink.write(strToBytes(`$${all.length}${CRLF}`));
          l.c.sink.write(all);
        }
      }
      if (!diskless) { for (const l of live()) this.goOnline(l); }
    };
    run().catch((e) => {
      log.warning(`Failed to stream the snapshot to replicas: ${(e as Error).message}`);
      for (const l of live()) srv.closeClient(l.c, false);
    }).finally(() => {
      this.syncing = false;
      this.scheduleSync();
    });
  }

  private goOnline(l: ReplicaLink): void {
    const held = l.held ?? [];
    l.held = null;
    l.state = "online";
    l.sent = this.repl.offset; // (the held bytes reach up to here)
    l.ackTime = Date.now();
    for (const b of held) l.c.out.raw(b);
    this.srv.markPending(l.c);
    this.srv.flush();
    log.notice(`Synchronization with replica ${l.name()} succeeded`);
  }

  // --- the stream ------------------------------------------------------------------------------

  /** Bytes about to be appended to the backlog: to every replica, soon or after its snapshot. */
  stream(bytes: Uint8Array): void {
    if (!this.links.size) return;
    const b = this.repl.backlog!;
    for (const l of this.links.values()) {
      if (l.state === "online" && bytes.length > b.size) {
        // bigger than the whole backlog: straight to the socket, after what is unsent
        this.send(l);
        l.c.sink.write(bytes.slice());
        l.sent = b.offset + bytes.length;
      } else if (l.state === "online") {
        // (called before `bytes` go into the backlog) its unsent bytes must not be
        // overwritten there: send them now if they would be
        if (b.offset > l.sent && b.offset - l.sent + bytes.length > b.size) this.send(l);
        this.sendSoon();
      } else if (l.held) {
        l.held.push(bytes.slice());
        l.heldBytes += bytes.length;
        const hard = this.replicaHardLimit();
        if (hard && l.heldBytes > hard) {
          log.warning(
            `Client ${
              this.srv.clientDescription(l.c)
            } scheduled to be closed ASAP for overcoming of output buffer limits.`,
          );
          this.srv.closeClient(l.c, false);
        }
      }
    }
  }

  private sendScheduled = false;

  /**
   * Hand the replicas their new bytes once the event loop has run the other
   * clients' batches too: one socket write per replica for all of them (as
   * Redis writes to replicas once per event-loop turn), not one per batch.
   */
  private sendSoon(): void {
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    setImmediate(() => {
      this.sendScheduled = false;
      for (const l of this.links.values()) if (l.state === "online") this.send(l);
    });
  }

  /** The replica's unsent part of the backlog, in one socket write; output limits enforced. */
  private send(l: ReplicaLink): void {
    const b = this.repl.backlog;
    if (!b || l.sent >= b.offset || l.c.closing) return;
    if (!b.canServe(l.sent + 1)) {
      this.dropOverLimit(l); // (cannot happen: stream() sends before overwriting)
      return;
    }
    const data = b.readFrom(l.sent + 1);
    l.sent = b.offset;
    l.c.netOut += data.length;
    this.srv.stats.netOutput += data.length;
    l.c.sink.write(data);
    if (this.overLimit(l)) this.dropOverLimit(l);
  }

  /** client-output-buffer-limit for the replica class, against what its socket has not taken. */
  private overLimit(l: ReplicaLink): boolean {
    const [hard, soft, secs] = this.replicaLimits();
    const used = l.c.sink.pendingBytes();
    if (hard && used >= hard) return true;
    if (soft && used >= soft) {
      if (!l.c.obufSoftSince) l.c.obufSoftSince = Date.now();
      else if (Date.now() - l.c.obufSoftSince >= secs * 1000) return true;
    } else l.c.obufSoftSince = 0;
    return false;
  }

  private dropOverLimit(l: ReplicaLink): void {
    log.warning(
      `Client ${
        this.srv.clientDescription(l.c)
      } scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
    this.srv.closeClient(l.c, false);
  }

  private limitsText = "";
  private limits: number[] = [0, 0, 0];

  private replicaLimits(): number[] {
    const t = this.srv.config.get("client-output-buffer-limit");
    if (t !== this.limitsText) {
      this.limitsText = t;
      const w = t.split(" ");
      const i = w.indexOf("slave");
      this.limits = i >= 0 ? [Number(w[i + 1]), Number(w[i + 2]), Number(w[i + 3])] : [0, 0, 0];
    }
    return this.limits;
  }

  private replicaHardLimit(): number {
    return this.replicaLimits()[0];
  }

  /** A replica connection went away. */
  detach(c: Client): void {
    const l = this.links.get(c);
    if (!l) return;
    this.links.delete(c);
    log.notice(`Connection with replica ${l.name()} lost.`);
    this.checkWaiters();
  }

  /** Drop every replica (replid changed: they reconnect and resync, partially when they can). */
  disconnectAll(): void {
    for (const c of [...this.links.keys()]) this.srv.closeClient(c, false);
  }

  // --- cron: pings, keepalives, timeouts -------------------------------------------------------

  cron(): void {
    const srv = this.srv, cfg = srv.config;
    const now = Date.now();
    const period = cfg.int("repl-ping-replica-period") * 1000;
    if (this.links.size && !srv.replicaOf && now - this.lastPing >= period) {
      this.lastPing = now;
      this.repl.appendRaw(strToBytes("*1\r\n$4\r\nPING\r\n"));
    }
    const timeout = cfg.int("repl-timeout") * 1000;
    for (const l of this.links.values()) {
      if (l.state === "wait_bgsave" && !l.held) l.c.sink.write(NEWLINE); // keepalive before the snapshot
      if (l.awaitingAck && now - l.ackTime > timeout) {
        log.warning(`Disconnecting timedout replica (full sync): ${l.name()}`);
        srv.closeClient(l.c, false);
      }
      if (l.state === "online" && now - l.ackTime > timeout) {
        log.warning(`Disconnecting timedout replica (streaming sync): ${l.name()}`);
        srv.closeClient(l.c, false);
      }
    }
  }

  // --- WAIT and min-replicas ---------------------------------------------------------------------

  /** Replicas whose ACK is at or past `offset`. */
  acked(offset: number): number {
    let n = 0;
    for (const l of this.links.values()) if (l.state === "online" && l.ackOffset >= offset) n++;
    return n;
  }

  wait(c: Client, need: number, timeoutMs: number): void {
    const offset = this.repl.offset;
    const have = this.acked(offset);
    if (have >= need || this.srv.inExec) {
      c.out.int(have);
      return;
    }
    const w = { c, offset, need };
    this.waiters.add(w);
    this.srv.block(c, [], timeoutMs ? Date.now() + timeoutMs : 0, () => false, () => {
      this.waiters.delete(w);
      c.out.int(this.acked(offset));
    });
    this.requestAcks();
  }

  private ackRequested = false;

  /** Ask every replica for its offset (REPLCONF GETACK * into the stream, once per turn). */
  requestAcks(): void {
    if (this.ackRequested) return;
    this.ackRequested = true;
    queueMicrotask(() => {
      this.ackRequested = false;
      if (!this.links.size || this.srv.replicaOf) return;
      this.repl.appendRaw(strToBytes("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"));
      this.srv.flush();
    });
  }

  private checkWaiters(): void {
    for (const w of [...this.waiters]) {
      if (!w.c.blocked) {
        this.waiters.delete(w); // gone (disconnected, unblocked)
        continue;
      }
      if (this.acked(w.offset) < w.need) continue;
      this.waiters.delete(w);
      this.srv.unblock(w.c, false);
      w.c.out.int(this.acked(w.offset));
      this.srv.markPending(w.c);
      queueMicrotask(() => {
        this.srv.processQueue(w.c);
        this.srv.flush();
      });
    }
  }

  /** min-replicas-to-write: an error while too few replicas are online with a small lag. */
  minReplicasError(): string | null {
    const cfg = this.srv.config;
    const need = cfg.int("min-replicas-to-write");
    if (!need || !cfg.int("min-replicas-max-lag")) return null;
    return this.goodReplicas() < need ? "NOREPLICAS Not enough good replicas to write." : null;
  }

  /** Online replicas whose last ACK is at most min-replicas-max-lag seconds old. */
  goodReplicas(): number {
    const maxLag = this.srv.config.int("min-replicas-max-lag");
    const now = Date.now();
    let good = 0;
    for (const l of this.links.values()) {
      if (l.state === "online" && Math.floor((now - l.ackTime) / 1000) <= maxLag) good++;
    }
    return good;
  }
}

const NEWLINE = strToBytes("\n");
