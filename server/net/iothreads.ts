// Owner side of --io-threads N: spawns the I/O workers, gives each a pair of
// rings, and runs the loop that drains requests from all of them, executes
// them, and returns replies. One doorbell wakes the owner for any number of
// frames from any worker; replies to a worker are published and its doorbell
// rung once per batch.
import { unpack } from "msgpackr";
import type { ClientSink } from "../keyspace/client.ts";
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { Doorbell, Ring } from "./ring.ts";
import { In, Out, StreamDecoder } from "./frames.ts";
import type { IoWorkerStart, RebindMessage } from "./ioworker.ts";
import { log } from "../log.ts";
import { openListeners } from "./listener.ts";
import { bytesToStr } from "../resp/bytes.ts";

const RING_BYTES = 4 * 1024 * 1024;
const PRODUCER_WAITING = 2;

interface Pending {
  type: number;
  id: number;
  bytes: Uint8Array | null;
}

class WorkerLink {
  toOwner = Ring.create(RING_BYTES);
  fromOwner = Ring.create(RING_BYTES);
  bell = new Doorbell();
  /** Frames that did not fit in fromOwner yet, in order. */
  overflow: Pending[] = [];
  dirty = false;
  worker!: Worker;

  constructor(public index: number) {}

  /** Queue a frame to the worker (in order, behind any overflow); big replies go in pieces. */
  send(type: number, id: number, bytes: Uint8Array | null): void {
    const max = this.fromOwner.maxPayload;
    if (bytes && bytes.length > max) {
      for (let off = 0; off < bytes.length; off += max) {
        this.send(type, id, bytes.subarray(off, Math.min(bytes.length, off + max)));
      }
      return;
    }
    if (!this.overflow.length && this.fromOwner.writeFrame(type, id, bytes ?? undefined)) {
      this.dirty = true;
      return;
    }
    this.overflow.push({ type, id, bytes });
    Atomics.store(this.fromOwner.ctl, PRODUCER_WAITING, 1);
    // the worker may have drained between our failed write and the flag
    this.retryOverflow();
  }

  /** Retry frames that did not fit, in order. */
  retryOverflow(): void {
    if (this.overflow.length) Atomics.store(this.fromOwner.ctl, PRODUCER_WAITING, 1);
    while (this.overflow.length) {
      const f = this.overflow[0];
      if (!this.fromOwner.writeFrame(f.type, f.id, f.bytes ?? undefined)) break;
      this.overflow.shift();
      this.dirty = true;
    }
    if (this.overflow.length) Atomics.store(this.fromOwner.ctl, PRODUCER_WAITING, 1);
  }

  publish(): void {
    if (!this.dirty) return;
    this.dirty = false;
    if (this.fromOwner.publish()) this.bell.ring();
  }
}

class RemoteSink implements ClientSink {
  backlog = 0;
  constructor(private link: WorkerLink, private id: number) {}
  write(bytes: Uint8Array): void {
    this.link.send(Out.REPLY, this.id, bytes);
  }
  close(): void {
    this.link.send(Out.CLOSE, this.id, null);
  }
  pendingBytes(): number {
    return this.backlog;
  }
  authed(): void {
    this.link.send(Out.AUTHED, this.id, null);
  }
}

interface Remote {
  c: Client;
  sink: RemoteSink;
  decoder: StreamDecoder;
}

export class IoThreads {
  links: WorkerLink[] = [];
  ownerBell = new Doorbell();
  ids = new Int32Array(new SharedArrayBuffer(4));
  flags = new Int32Array(new SharedArrayBuffer(4));
  private remotes = new Map<number, Remote>();
  private yieldChannel = new MessageChannel();
  private yieldResolve: (() => void) | null = null;

  constructor(private srv: Server, private n: number) {
    Atomics.store(this.ids, 0, 1_000_000);
    this.yieldChannel.port1.onmessage = () => this.yieldResolve?.();
    srv.afterFlush.push(() => {
      for (const l of this.links) l.publish();
    });
    const passwordFlag = () =>
      Atomics.store(this.flags, 0, srv.config.get("requirepass") === "" ? 0 : 1);
    passwordFlag();
    srv.config.listeners.push((name) => name === "requirepass" && passwordFlag());
    srv.authHooks.push((c) => {
      const r = this.remotes.get(c.id);
      if (r) r.sink.authed();
    });
  }

  /** Spawn the workers; resolves when all listen. */
  async start(port: number, binds: string[]): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < this.n; i++) {
      const link = new WorkerLink(i);
      this.links.push(link);
      const w = new Worker(new URL("./ioworker.ts", import.meta.url).href, { type: "module" });
      link.worker = w;
      ready.push(
        new Promise((resolve, reject) => {
          w.onmessage = (e) => {
            if (e.data?.type === "warning") log.warning(e.data.message);
            if (e.data?.type === "listening") resolve();
            else if (e.data?.type === "fatal") reject(new Error(e.data.message));
          };
          w.onerror = (e) => {
            e.preventDefault();
            log.warning(`I/O worker ${i} failed: ${e.message}`);
            reject(new Error(e.message));
            this.workerDied(link);
          };
        }),
      );
      const start: IoWorkerStart = {
        type: "start",
        index: i,
        port,
        binds,
        toOwner: link.toOwner.sab,
        fromOwner: link.fromOwner.sab,
        ownerBell: this.ownerBell.sab,
        myBell: link.bell.sab,
        ids: this.ids.buffer as SharedArrayBuffer,
        flags: this.flags.buffer as SharedArrayBuffer,
        maxBulkLen: this.srv.config.int("proto-max-bulk-len"),
        queryBufferLimit: this.srv.config.int("client-query-buffer-limit"),
        logfile: this.srv.config.get("logfile"),
        loglevel: this.srv.config.get("loglevel"),
      };
      w.postMessage(start);
    }
    await Promise.all(ready);
    this.srv.rebind = (port, binds) => this.rebind(port, binds);
    this.loop();
  }

  /**
   * CONFIG SET port / bind: check here that every address can be listened on
   * (with reusePort, as the workers do), then have each worker switch.
   */
  private rebind(port: number, binds: string[]): string | null {
    try {
      for (const probe of openListeners(port, binds, true)) probe.close();
    } catch (e) {
      log.warning((e as Error).message);
      return "Unable to listen on this port. Check server logs.";
    }
    for (const l of this.links) {
      l.worker.postMessage({ type: "rebind", port, binds } satisfies RebindMessage);
    }
    this.srv.tcpPort = port;
    return null;
  }

  /** A worker died: its clients are gone; the others keep serving. */
  private workerDied(link: WorkerLink): void {
    for (const [id, r] of this.remotes) {
      if ((r.sink as unknown as { link: WorkerLink }).link === link) {
        this.remotes.delete(id);
        this.srv.disconnect(r.c);
      }
    }
    try {
      link.worker.terminate();
    } catch { /* gone */ }
    this.links = this.links.filter((l) => l !== link);
    if (!this.links.length) {
      log.warning("All I/O workers are gone, exiting");
      this.srv.onExit(1);
    }
  }

  private macrotask(): Promise<void> {
    return new Promise((r) => {
      this.yieldResolve = r;
      this.yieldChannel.port2.postMessage(0);
    });
  }

  private async loop(): Promise<void> {
    let busyRounds = 0;
    for (;;) {
      const seen = this.ownerBell.value();
      let work = 0;
      for (const link of this.links) work += this.drain(link);
      if (work) this.srv.flush();
      for (const link of this.links) {
        if (link.overflow.length) link.retryOverflow();
        link.publish();
      }
      if (work && ++busyRounds < 32 && this.ownerBell.value() !== seen) continue;
      busyRounds = 0;
      // let timers (cron) and other tasks run, then sleep until rung
      await this.macrotask();
      if (this.ownerBell.value() !== seen) continue;
      await this.ownerBell.wait(seen, 1000);
    }
  }

  private drain(link: WorkerLink): number {
    const ring = link.toOwner;
    const u8 = ring.u8;
    const srv = this.srv;
    const n = ring.drain((type, id, off, len) => {
      if (type === In.DATA) {
        const r = this.remotes.get(id);
        if (!r) return;
        const out: string[][] = [];
        r.decoder.feed(u8, off, len, out);
        if (out.length) srv.feed(r.c, out, len, false);
      } else if (type === In.CONNECT) {
        const info = unpack(u8.slice(off, off + len)) as {
          addr: string;
          laddr: string;
          fd: number;
        };
        const sink = new RemoteSink(link, id);
        const c = srv.connect(sink, info, id);
        if (c) this.remotes.set(id, { c, sink, decoder: new StreamDecoder() });
      } else if (type === In.DISCONNECT) {
        const r = this.remotes.get(id);
        if (!r) return;
        this.remotes.delete(id);
        srv.disconnect(r.c);
      } else if (type === In.PROTOCOL_ERROR) {
        const r = this.remotes.get(id);
        if (!r) return;
        const msg = bytesToStr(u8, off, off + len);
        if (msg.startsWith("\0")) {
          log.warning(
            `Closing client that reached max query buffer length: ${srv.clientDescription(r.c)}`,
          );
          srv.closeClient(r.c, false);
        } else srv.protocolError(r.c, msg);
      } else if (type === In.BACKLOG) {
        const r = this.remotes.get(id);
        if (r) r.sink.backlog = ring.dv.getUint32(off, true);
      }
    });
    if (Atomics.load(ring.ctl, PRODUCER_WAITING)) {
      Atomics.store(ring.ctl, PRODUCER_WAITING, 0);
      link.bell.ring();
    }
    return n;
  }
}
