// The replica side: our link to a master. The handshake as Redis does it
// (PING, AUTH, REPLCONF listening-port / ip-address / capa, PSYNC), the
// snapshot read whole and loaded into fresh databases that replace the live
// ones only once it parsed without error (a master dying mid-transfer, or a
// corrupt payload, leaves the old data serving), then the stream: every
// command applied by a client of kind "master" (no replies) and appended
// byte for byte to our own backlog, so our replicas see the same bytes and
// offsets. REPLCONF ACK every second; reconnects with PSYNC after a drop.
import type { Client, ClientSink } from "../server/keyspace/client.ts";
import type { Server } from "../server/keyspace/owner.ts";
import { log } from "../server/log.ts";
import {
  loadRdbBytes,
  RdbError,
  rdbPath,
  tempPath,
  writeFileAtomic,
} from "../server/persistence/rdb_file.ts";
import { persistence } from "../server/persistence/manager.ts";
import { ProtocolError, RespParser } from "../server/resp/parser.ts";
import { bytesToStr, concatBytes, strToBytes } from "../server/resp/bytes.ts";
import { Backlog } from "./backlog.ts";
import { encodeCommand, encodedLength, NO_REPLID, type Replication } from "./replication.ts";

export type LinkState = "connect" | "connecting" | "handshake" | "transfer" | "connected";

class LinkError extends Error {}

export interface LinkOptions {
  /** FAILOVER: ask the master to hand over (PSYNC ... FAILOVER); `done` says if it did. */
  failover?: boolean;
  done?: (ok: boolean) => void;
}

/** First index of `needle` in `hay`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const n = needle.length;
  for (
    let i = hay.indexOf(needle[0]);
    i >= 0 && i + n <= hay.length;
    i = hay.indexOf(needle[0], i + 1)
  ) {
    let k = 1;
    while (k < n && hay[i + k] === needle[k]) k++;
    if (k === n) return i;
  }
  return -1;
}

/** Buffered reads of lines and exact byte counts from a connection. */
class ConnReader {
  private buf = new Uint8Array(0);
  private chunk = new Uint8Array(64 * 1024);

  constructor(private conn: Deno.Conn, private onData: (n: number) => void) {}

  private async fill(): Promise<void> {
    const n = await this.conn.read(this.chunk);
    if (n === null) throw new LinkError("connection lost");
    this.onData(n);
    const nb = new Uint8Array(this.buf.length + n);
    nb.set(this.buf);
    nb.set(this.chunk.subarray(0, n), this.buf.length);
    this.buf = nb;
  }

  /** A line without its CRLF (or LF). */
  async line(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf(10);
      if (i >= 0) {
        const end = i > 0 && this.buf[i - 1] === 13 ? i - 1 : i;
        const s = bytesToStr(this.buf, 0, end);
        this.buf = this.buf.subarray(i + 1);
        return s;
      }
      if (this.buf.length > 64 * 1024) throw new LinkError("line too long");
      await this.fill();
    }
  }

  /** Put bytes back in front of what is buffered. */
  unread(b: Uint8Array): void {
    const nb = new Uint8Array(b.length + this.buf.length);
    nb.set(b);
    nb.set(this.buf, b.length);
    this.buf = nb;
  }

  /** Whatever is buffered, or the next read. */
  async some(): Promise<Uint8Array> {
    if (!this.buf.length) await this.fill();
    const b = this.buf;
    this.buf = new Uint8Array(0);
    return b;
  }
}

export class ReplicaSide {
  state: LinkState = "connect";
  private conn: Deno.TcpConn | null = null;
  private stopped = false;
  /** The client applying the master's stream. */
  private client: Client | null = null;
  /** Its selected db, kept across reconnections (the stream does not repeat SELECT). */
  db = 0;
  lastIo = Date.now();
  /** When an up link went down (0: it never was up: INFO shows -1). */
  downSince = 0;
  transfer = { total: -1, read: 0 };
  /** Bytes received beyond what is applied (slave_read_repl_offset - slave_repl_offset). */
  private unapplied = 0;

  constructor(
    private srv: Server,
    private repl: Replication,
    readonly host: string,
    readonly port: number,
    private opts: LinkOptions = {},
  ) {}

  linkUp(): boolean {
    return this.state === "connected";
  }

  processedOffset(): number {
    return this.repl.offset;
  }

  readOffset(): number {
    return this.repl.offset + this.unapplied;
  }

  streamDb(): number {
    return this.client ? this.client.dbIndex : this.db;
  }

  roleState(): string {
    return this.state === "connect"
      ? "connect"
      : this.state === "connecting"
      ? "connecting"
      : this.state === "connected"
      ? "connected"
      : this.state === "transfer"
      ? "sync"
      : "handshake";
  }

  start(): void {
    this.run().catch(() => {});
  }

  stop(): void {
    this.stopped = true;
    this.drop();
  }

  private drop(): void {
    const was = this.state === "connected";
    try {
      this.conn?.close();
    } catch { /* closed */ }
    this.conn = null;
    this.unapplied = 0;
    const c = this.client;
    this.client = null;
    if (c) {
      this.db = c.dbIndex;
      if (!c.closing) this.srv.closeClient(c, false);
    }
    if (was) {
      this.downSince = Date.now();
      if (!this.stopped) log.notice("Connection with master lost.");
    }
    if (this.state !== "connect") this.state = "connect";
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.session();
      } catch (e) {
        if (this.stopped) break;
        if (e instanceof LinkError || e instanceof Deno.errors.ConnectionRefused) {
          log.warning(`Error condition on socket for SYNC: ${(e as Error).message}`);
        } else if (e instanceof RdbError) {
          log.warning(
            `Failed trying to load the MASTER synchronization DB from socket: ${e.message}`,
          );
        } else log.warning(`Replication link error: ${(e as Error).message}`);
      }
      this.drop();
      if (this.stopped) break;
      await new Promise((r) => setTimeout(r, 1000));
      if (!this.stopped) log.notice(`Connecting to MASTER ${this.host}:${this.port}`);
    }
  }

  private async session(): Promise<void> {
    const srv = this.srv, cfg = srv.config;
    this.state = "connecting";
    log.notice("MASTER <-> REPLICA sync started");
    const conn = await Deno.connect({ hostname: this.host, port: this.port });
    if (this.stopped) {
      conn.close();
      return;
    }
    this.conn = conn;
    conn.setNoDelay(!cfg.bool("repl-disable-tcp-nodelay"));
    this.lastIo = Date.now();
    const rd = new ConnReader(conn, () => this.lastIo = Date.now());
    const send = async (argv: string[]) => {
      const b = encodeCommand(argv).slice();
      for (let o = 0; o < b.length;) o += await conn.write(b.subarray(o));
    };
    this.state = "handshake";
    log.notice("Non blocking connect for SYNC fired the event.");
    await send(["PING"]);
    let r = await rd.line();
    if (r.startsWith("-") && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(r)) {
      throw new LinkError(`Error reply to PING from master: '${r.slice(1)}'`);
    }
    log.notice("Master replied to PING, replication can continue...");
    const pass = cfg.get("masterauth");
    if (pass) {
      const user = cfg.get("masteruser");
      await send(user ? ["AUTH", user, pass] : ["AUTH", pass]);
      r = await rd.line();
      if (r.startsWith("-")) throw new LinkError(`Unable to AUTH to MASTER: ${r.slice(1)}`);
    }
    // (tcpPort is 0 until the listener is up: a --replicaof link can start before)
    const annPort = cfg.int("replica-announce-port") || srv.tcpPort || cfg.int("port");
    await send(["REPLCONF", "listening-port", String(annPort)]);
    r = await rd.line();
    if (r.startsWith("-")) {
      log.notice(
        `(Non critical) Master does not understand REPLCONF listening-port: ${r.slice(1)}`,
      );
    }
    const annIp = cfg.get("replica-announce-ip");
    if (annIp) {
      await send(["REPLCONF", "ip-address", annIp]);
      r = await rd.line();
      if (r.startsWith("-")) {
        log.notice(`(Non critical) Master does not understand REPLCONF ip-address: ${r.slice(1)}`);
      }
    }
    await send(["REPLCONF", "capa", "eof", "capa", "psync2"]);
    r = await rd.line();
    if (r.startsWith("-")) {
      log.notice(`(Non critical) Master does not understand REPLCONF capa: ${r.slice(1)}`);
    }
    // PSYNC: our own history names what we have (a fresh replica has none)
    const repl = this.repl;
    const fresh = repl.replid === NO_REPLID || (repl.offset === 0 && !repl.backlog);
    if (fresh) {
      log.notice("Partial resynchronization not possible (no cached master)");
      await send(["PSYNC", "?", "-1"]);
    } else {
      log.notice(
        `Trying a partial resynchronization (request ${repl.replid}:${repl.offset + 1}).`,
      );
      const argv = ["PSYNC", repl.replid, String(repl.offset + 1)];
      if (this.opts.failover) argv.push("FAILOVER");
      await send(argv);
    }
    do r = await rd.line(); while (r === ""); // newlines: the master's keepalive
    if (this.opts.failover) {
      // one attempt: the target took over, or refused
      const done = this.opts.done;
      this.opts = {};
      done?.(r.startsWith("+"));
      if (!r.startsWith("+")) throw new LinkError(`PSYNC FAILOVER refused: ${r}`);
    }
    if (r.startsWith("+CONTINUE")) {
      const newId = r.slice(10).trim();
      log.notice("Successful partial resynchronization with master.");
      if (newId && newId !== repl.replid) {
        repl.replid2 = repl.replid;
        repl.secondOffset = repl.offset + 1;
        repl.replid = newId;
        log.notice(`Master replication ID changed to ${newId}`);
        repl.master.disconnectAll(); // our replicas must learn the new id
      }
      log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    } else if (r.startsWith("+FULLRESYNC")) {
      const [, id, off] = r.split(" ");
      log.notice(`Full resync from master: ${id}:${off}`);
      await this.fullSync(rd, id, Number(off));
    } else if (r.startsWith("-NOMASTERLINK") || r.startsWith("-LOADING")) {
      throw new LinkError(`Master is currently unable to PSYNC but should be in the future: ${r}`);
    } else {
      throw new LinkError(`Unexpected reply to PSYNC from master: ${r}`);
    }
    this.attach();
    await this.stream(rd);
  }

  /** Read the snapshot whole, then load it in place of our data. */
  private async fullSync(rd: ConnReader, replid: string, offset: number): Promise<void> {
    const srv = this.srv;
    this.state = "transfer";
    let header: string;
    do header = await rd.line(); while (header === "");
    if (header.startsWith("-")) {
      throw new LinkError(`MASTER aborted replication with an error: ${header.slice(1)}`);
    }
    if (!header.startsWith("$")) {
      throw new LinkError(
        `Bad protocol from MASTER, the first byte is not '$' (we received '${
          header.slice(0, 64)
        }'), are you sure the host and port are right?`,
      );
    }
    const chunks: Uint8Array[] = [];
    let got = 0;
    // diskless load (swapdb, on-empty-db with no data): as Redis, the replica is
    // loading (-LOADING to clients) while the payload streams in
    const mode = srv.config.get("repl-diskless-load");
    const p = persistence(srv);
    p.loading = mode === "swapdb" || (mode === "on-empty-db" && srv.dbs.every((d) => !d.size));
    try {
      got = await this.readPayload(rd, header, chunks);
    } finally {
      p.loading = false;
    }
    // (the last chunk may end with the EOF mark: the payload is the first `got` bytes)
    this.load(concatBytes(chunks).subarray(0, got), replid, offset);
  }

  /** The snapshot's bytes into `chunks` (the EOF mark may trail them); the payload's length. */
  private async readPayload(rd: ConnReader, header: string, chunks: Uint8Array[]): Promise<number> {
    let got = 0;
    if (header.startsWith("$EOF:")) {
      const mark = strToBytes(header.slice(5));
      log.notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
      this.transfer = { total: -1, read: 0 };
      let tail: Uint8Array = new Uint8Array(0);
      for (;;) {
        const b = await rd.some();
        // the mark may straddle reads, and stream bytes may follow it in this read
        const t = concatBytes([tail, b]);
        const at = indexOf(t, mark);
        if (at >= 0) {
          const end = at + mark.length - tail.length; // bytes of b up to the mark's end
          if (end < b.length) rd.unread(b.subarray(end));
          chunks.push(b.subarray(0, end));
          got += end - mark.length;
          this.transfer.read = got;
          return got;
        }
        got += b.length;
        this.transfer.read = got;
        chunks.push(b);
        tail = t.length > mark.length ? t.slice(t.length - mark.length) : t;
      }
    } else {
      const total = Number(header.slice(1));
      if (!Number.isInteger(total) || total < 0) throw new LinkError("Bad payload length");
      log.notice(`MASTER <-> REPLICA sync: receiving ${total} bytes from master to disk`);
      this.transfer = { total, read: 0 };
      while (got < total) {
        let b = await rd.some();
        if (got + b.length > total) {
          // stream bytes right after the payload: keep them for the stream
          rd.unread(b.subarray(total - got));
          b = b.subarray(0, total - got);
        }
        chunks.push(b);
        got += b.length;
        this.transfer.read = got;
      }
    }
    return got;
  }

  /** Load the snapshot in place of our data; our history becomes the master's. */
  private load(data: Uint8Array, replid: string, offset: number): void {
    const srv = this.srv;
    if (srv.config.get("repl-diskless-load") === "disabled") {
      // as Redis: the payload becomes our dump file (a restart resumes from its repl-id/offset)
      try {
        writeFileAtomic(rdbPath(srv), data, tempPath(`${Date.now()}.${Deno.pid}`));
      } catch (e) {
        log.warning(
          `Failed trying to rename the temp DB into ${
            rdbPath(srv)
          } in MASTER <-> REPLICA synchronization: ${(e as Error).message}`,
        );
      }
    }
    log.notice("MASTER <-> REPLICA sync: Flushing old data");
    log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
    const p = persistence(srv);
    p.loading = true;
    let res;
    try {
      res = loadRdbBytes(srv, data, { verbose: true });
    } finally {
      p.loading = false;
    }
    p.noteLoaded(res.keysLoaded, res.keysExpired, res.aux);
    const streamDb = Number(res.aux.get("repl-stream-db") ?? 0);
    this.db = Number.isInteger(streamDb) ? streamDb : 0;
    // our history is now the master's
    const repl = this.repl;
    repl.replid = replid;
    repl.replid2 = NO_REPLID;
    repl.secondOffset = -1;
    repl.backlog = new Backlog(srv.config.int("repl-backlog-size"), offset);
    repl.master.disconnectAll();
    srv.dirty++;
    log.notice("MASTER <-> REPLICA sync: Finished with success");
  }

  /** Create the client that applies the stream. */
  private attach(): void {
    const srv = this.srv;
    const sink: ClientSink = {
      write: () => {}, // a master gets no replies
      close: () => {
        if (this.client && this.client === c) this.conn?.close();
      },
      pendingBytes: () => 0,
    };
    const addr = `${this.host}:${this.port}`;
    const c = srv.connect(sink, { addr, laddr: "", fd: -1 })!;
    c.kind = "master";
    c.authenticated = true;
    c.replyMode = "off"; // (replies are dropped as they are made; GETACK answers on the socket)
    c.dbIndex = this.db;
    c.db = srv.dbs[this.db] ?? srv.dbs[0];
    this.client = c;
    this.state = "connected";
    this.lastIo = Date.now();
    this.sendAck();
  }

  private async stream(rd: ConnReader): Promise<void> {
    const srv = this.srv, repl = this.repl;
    const parser = new RespParser({ maxBulkLen: Number.MAX_SAFE_INTEGER });
    // received bytes not yet part of a complete command (they go on with the command)
    let raw = new Uint8Array(0);
    for (;;) {
      const b = await rd.some();
      parser.feed(b);
      this.unapplied += b.length;
      const argvs: string[][] = [];
      try {
        parser.parse(argvs);
      } catch (e) {
        if (e instanceof ProtocolError) {
          throw new LinkError(`Protocol error from master: ${e.message}`);
        }
        throw e;
      }
      const c = this.client;
      // a link being closed (CLIENT KILL, timeout) applies nothing more: what is
      // not applied is not ours, and is asked for again by the next PSYNC
      if (!c || c.closing || this.stopped) return;
      const all = raw.length ? concatBytes([raw, b]) : b;
      // the bytes of the complete commands only: the parser has already consumed
      // the head of an incomplete one, which is neither applied nor ours yet (a
      // PSYNC after a drop must ask for it again from its first byte)
      let used = 0;
      for (let i = 0; i < argvs.length; i++) used += encodedLength(argvs[i]);
      raw = used === all.length ? new Uint8Array(0) : all.slice(used);
      if (!argvs.length) continue;
      // applied as one batch, then on to our backlog and replicas: the bytes as received
      srv.feed(c, argvs, used, false);
      if (c.queue.length) {
        // closed in the middle of the batch: only what ran is ours (the rest comes again)
        let ran = 0;
        for (let i = 0; i < argvs.length - c.queue.length; i++) ran += encodedLength(argvs[i]);
        repl.appendRaw(all.slice(0, ran));
        this.unapplied = 0;
        srv.flush();
        return;
      }
      repl.appendRaw(used === all.length ? all : all.subarray(0, used));
      this.unapplied -= used;
      srv.flush();
    }
  }

  /** REPLCONF GETACK from our master: answer with what we applied. */
  answerGetack(c: Client): void {
    if (c !== this.client) return;
    // after the commands received with it: the offset then includes the GETACK
    // itself, so a master waiting for its whole stream (WAIT, FAILOVER) sees it acknowledged
    queueMicrotask(() => this.sendAck());
  }

  private sendAck(): void {
    const conn = this.conn;
    if (!conn || this.state !== "connected") return;
    const b = encodeCommand(["REPLCONF", "ACK", String(this.processedOffset())]).slice();
    conn.write(b).catch(() => {});
  }

  cron(): void {
    if (this.state === "connected") {
      this.sendAck();
      const timeout = this.srv.config.int("repl-timeout") * 1000;
      if (Date.now() - this.lastIo > timeout) {
        log.warning("MASTER timeout: no data nor PING received...");
        this.drop();
      }
    } else if (this.state === "transfer" || this.state === "handshake") {
      const timeout = this.srv.config.int("repl-timeout") * 1000;
      if (Date.now() - this.lastIo > timeout) {
        log.warning("Timeout connecting to the MASTER...");
        this.drop();
      }
    }
  }
}
