// I/O worker isolate (--io-threads N): owns sockets. It accepts on the port
// with reusePort (the kernel spreads connections over the workers), parses
// RESP, and forwards each read's requests as one DATA frame to the owner over
// its ring; replies come back over the other ring and are written with one
// write per batch. No command runs here.
/// <reference lib="deno.worker" />
import { pack } from "msgpackr";
import { Doorbell, Ring } from "./ring.ts";
import { In, Out, StreamEncoder } from "./frames.ts";
import { ProtocolError, RespParser } from "../resp/parser.ts";
import { acceptLoop, openListeners, SocketSink } from "./listener.ts";
import { type RedisLogLevel, setupLog } from "../log.ts";

export interface IoWorkerStart {
  type: "start";
  index: number;
  port: number;
  binds: string[];
  toOwner: SharedArrayBuffer;
  fromOwner: SharedArrayBuffer;
  ownerBell: SharedArrayBuffer;
  myBell: SharedArrayBuffer;
  ids: SharedArrayBuffer;
  /** Int32 [0]: 1 while a password is required (set by the owner). */
  flags: SharedArrayBuffer;
  maxBulkLen: number;
  queryBufferLimit: number;
  logfile: string;
  loglevel: string;
}

export interface RebindMessage {
  type: "rebind";
  port: number;
  binds: string[];
}

/** Report a socket's unsent bytes to the owner when it crosses these marks. */
const BACKLOG_STEP = 256 * 1024;
const PRODUCER_WAITING = 2;

interface Conn {
  id: number;
  conn: Deno.Conn;
  sink: SocketSink;
  reported: number;
  unauthenticated: boolean;
}

let toOwner: Ring, fromOwner: Ring, ownerBell: Doorbell, myBell: Doorbell;
let ids: Int32Array;
let flags: Int32Array;
const conns = new Map<number, Conn>();
const spaceWaiters: (() => void)[] = [];
let cfg: IoWorkerStart;

/** Write a frame to the owner, waiting for room if the ring is full. */
async function send(type: number, id: number, payload?: Uint8Array, off = 0, len = 0) {
  const max = toOwner.maxPayload;
  if (payload) len = len || payload.length;
  do {
    const n = Math.min(len, max);
    for (;;) {
      const at = toOwner.reserve(type, id, n);
      if (at >= 0) {
        if (n) toOwner.u8.set(payload!.subarray(off, off + n), at);
        toOwner.commitFrame();
        break;
      }
      // full: register as a waiter, raise the flag, then publish and ring the
      // owner (in this order: the owner's drain, which clears the flag and
      // rings us, cannot slip in before we wait); retry if room appeared
      const room = new Promise<void>((r) => spaceWaiters.push(r));
      Atomics.store(toOwner.ctl, PRODUCER_WAITING, 1);
      toOwner.publish();
      ownerBell.ring(); // even with nothing new: the owner answers the flag
      await room;
    }
    off += n;
    len -= n;
  } while (len > 0);
}

function publish(): void {
  if (toOwner.publish()) ownerBell.ring();
}

function addr(a: Deno.Addr): string {
  return a.transport === "tcp" ? `${a.hostname}:${a.port}` : "unknown";
}

async function serve(conn: Deno.Conn): Promise<void> {
  const id = Atomics.add(ids, 0, 1);
  const sink = new SocketSink(conn);
  try {
    (conn as Deno.TcpConn).setNoDelay?.(true);
  } catch { /* not TCP */ }
  const c: Conn = {
    id,
    conn,
    sink,
    reported: 0,
    unauthenticated: Atomics.load(flags, 0) === 1,
  };
  conns.set(id, c);
  await send(
    In.CONNECT,
    id,
    pack({ addr: addr(conn.remoteAddr), laddr: addr(conn.localAddr), fd: id + 7 }),
  );
  publish();
  const parser = new RespParser({ maxBulkLen: cfg.maxBulkLen });
  const enc = new StreamEncoder();
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null || sink.closed) break;
      parser.feed(buf.subarray(0, n));
      parser.limits.unauthenticated = c.unauthenticated;
      enc.reset();
      let err: string | null = null;
      try {
        parser.parse(enc);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        err = e.message;
      }
      if (enc.len) await send(In.DATA, id, enc.buf, 0, enc.len);
      if (err !== null || parser.pending > cfg.queryBufferLimit) {
        // the owner replies (or not) and sends CLOSE; the connection stays mapped until then
        const msg = err ?? "\0query buffer limit";
        await send(In.PROTOCOL_ERROR, id, new TextEncoder().encode(msg));
        publish();
        return;
      }
      publish();
      if (sink.pendingBytes() >= 4 * 1024 * 1024) await sink.drained();
    }
  } catch { /* reset by peer */ }
  conns.delete(id);
  sink.close(); // the owner's CLOSE for this id will find nothing: close the socket here
  await send(In.DISCONNECT, id);
  publish();
}

const scratch = new DataView(new ArrayBuffer(4));
function reportBacklog(c: Conn): void {
  const pending = c.sink.pendingBytes();
  if (Math.abs(pending - c.reported) < BACKLOG_STEP) return;
  c.reported = pending;
  scratch.setUint32(0, Math.min(pending, 0xffffffff), true);
  send(In.BACKLOG, c.id, new Uint8Array(scratch.buffer.slice(0)));
}

/** Replies from the owner: one wake-up per batch of frames. */
async function replyLoop(): Promise<void> {
  const touched = new Set<Conn>();
  for (;;) {
    const seen = myBell.value();
    fromOwner.drain((type, id, off, len) => {
      const c = conns.get(id);
      if (!c) return;
      if (type === Out.REPLY) {
        c.sink.write(fromOwner.u8.slice(off, off + len));
        touched.add(c);
      } else if (type === Out.CLOSE) {
        c.sink.close();
        conns.delete(id);
      } else if (type === Out.AUTHED) {
        c.unauthenticated = false;
      }
    });
    for (const c of touched) reportBacklog(c);
    touched.clear();
    // the owner may wait for room in its ring to us
    if (Atomics.load(fromOwner.ctl, PRODUCER_WAITING)) {
      Atomics.store(fromOwner.ctl, PRODUCER_WAITING, 0);
      ownerBell.ring();
    }
    // our readers may wait for room in the ring to the owner
    if (spaceWaiters.length) { for (const w of spaceWaiters.splice(0)) w(); }
    publish();
    // (the timeout is a safety net only: every producer rings after publishing)
    await myBell.wait(seen, 1000);
    if (spaceWaiters.length && myBell.value() === seen) {
      for (const w of spaceWaiters.splice(0)) w(); // retry their reserve
    }
  }
}

let listeners: Deno.Listener[] = [];

/** Listen (reusePort, as every worker does) on the bind addresses and accept on each. */
function startListening(port: number, binds: string[]): Deno.Listener[] {
  const out = openListeners(port, binds, true);
  for (const l of out) acceptLoop(l, serve);
  return out;
}

self.onmessage = async (e: MessageEvent<IoWorkerStart | RebindMessage>) => {
  if (e.data.type === "rebind") {
    // CONFIG SET port / bind: the owner checked that the address is free
    const { port, binds } = e.data;
    try {
      const next = startListening(port, binds);
      for (const l of listeners) l.close();
      listeners = next;
    } catch (err) {
      self.postMessage({ type: "warning", message: (err as Error).message });
    }
    return;
  }
  if (e.data.type !== "start") return;
  cfg = e.data;
  await setupLog({ logfile: cfg.logfile || undefined, level: cfg.loglevel as RedisLogLevel });
  toOwner = new Ring(cfg.toOwner);
  fromOwner = new Ring(cfg.fromOwner);
  ownerBell = new Doorbell(cfg.ownerBell);
  myBell = new Doorbell(cfg.myBell);
  ids = new Int32Array(cfg.ids);
  flags = new Int32Array(cfg.flags);
  try {
    listeners = startListening(cfg.port, cfg.binds);
  } catch (err) {
    self.postMessage({ type: "fatal", message: (err as Error).message });
    return;
  }
  replyLoop();
  self.postMessage({ type: "listening", index: cfg.index });
};
