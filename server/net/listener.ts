// Sockets served in the owner itself (--io-threads 0): accept, read, parse,
// hand requests to the owner, write the replies it produces. The same
// parser and the same owner seam (connect / feed / disconnect / sink) are
// used by the I/O workers.
import type { ClientSink } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { ProtocolError, RespParser } from "../resp/parser.ts";
import { log } from "../log.ts";

/** Stop reading a socket while this much of its output is unsent. */
const READ_PAUSE_BYTES = 4 * 1024 * 1024;

export class SocketSink implements ClientSink {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private writing = false;
  private closeRequested = false;
  closed = false;
  private drainWaiters: (() => void)[] = [];

  constructor(private conn: Deno.Conn) {}

  write(bytes: Uint8Array): void {
    if (this.closed || this.closeRequested) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (!this.writing) this.pump();
  }

  close(): void {
    this.closeRequested = true;
    if (!this.writing) this.shut();
  }

  pendingBytes(): number {
    return this.queued;
  }

  /** Resolves when the queue is below the read-pause threshold. */
  drained(): Promise<void> {
    if (this.queued < READ_PAUSE_BYTES || this.closed) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch { /* already closed */ }
    for (const w of this.drainWaiters.splice(0)) w();
  }

  private async pump(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length && !this.closed) {
        let chunk: Uint8Array;
        if (this.queue.length === 1) chunk = this.queue[0];
        else {
          chunk = new Uint8Array(this.queued);
          let p = 0;
          for (const b of this.queue) {
            chunk.set(b, p);
            p += b.length;
          }
        }
        this.queue = [];
        let off = 0;
        while (off < chunk.length) {
          off += await this.conn.write(off ? chunk.subarray(off) : chunk);
        }
        this.queued -= chunk.length;
        if (this.queued < READ_PAUSE_BYTES && this.drainWaiters.length) {
          for (const w of this.drainWaiters.splice(0)) w();
        }
      }
    } catch {
      this.queue = [];
      this.queued = 0;
      this.shut();
    } finally {
      this.writing = false;
    }
    if (this.closeRequested) this.shut();
  }
}

function addrOf(a: Deno.Addr, other?: Deno.Addr): string {
  if (a.transport === "tcp") {
    const h = a.hostname.includes(":") ? a.hostname : a.hostname;
    return `${h}:${a.port}`;
  }
  // a Unix socket: its path, as Redis shows it (the peer's side has none)
  if (a.transport === "unix") {
    const p = a.path || (other?.transport === "unix" ? other.path : "");
    return `${p}:0`;
  }
  return "unknown";
}

let nextFd = 8;

/** Serve one accepted connection until it closes. */
export async function serveConnection(srv: Server, conn: Deno.Conn): Promise<void> {
  const sink = new SocketSink(conn);
  try {
    (conn as Deno.TcpConn).setNoDelay?.(true);
    const ka = srv.config.int("tcp-keepalive");
    if (ka > 0) (conn as Deno.TcpConn).setKeepAlive?.(true);
  } catch { /* not TCP */ }
  const c = srv.connect(sink, {
    addr: addrOf(conn.remoteAddr, conn.localAddr),
    laddr: addrOf(conn.localAddr),
    fd: nextFd++,
  });
  if (!c) return;
  const parser = new RespParser({ maxBulkLen: srv.config.int("proto-max-bulk-len") });
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null || c.closing) break;
      parser.feed(buf.subarray(0, n));
      parser.limits.unauthenticated = !c.authenticated;
      const argvs: string[][] = [];
      try {
        parser.parse(argvs);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        if (argvs.length) srv.feed(c, argvs, n);
        srv.protocolError(c, e.message);
        break;
      }
      if (argvs.length) srv.feed(c, argvs, n);
      else c.netIn += n;
      if (parser.pending > srv.config.int("client-query-buffer-limit")) {
        log.warning(
          `Closing client that reached max query buffer length: ${srv.clientDescription(c)}`,
        );
        srv.closeClient(c, false);
        break;
      }
      if (sink.pendingBytes() >= READ_PAUSE_BYTES) await sink.drained();
    }
  } catch {
    // connection reset: treated as a disconnect
  }
  srv.disconnect(c);
}

/**
 * Listen on every `bind` address ("*" any IPv4, "::*" any IPv6, a leading "-"
 * marks an address that may fail). All or nothing: on a required address's
 * failure the ones opened are closed and the error names the address.
 */
export function openListeners(port: number, binds: string[], reusePort = false): Deno.Listener[] {
  const out: Deno.Listener[] = [];
  for (let b of binds) {
    const optional = b.startsWith("-");
    if (optional) b = b.slice(1);
    const hostname = b === "*" ? "0.0.0.0" : b === "::*" ? "::" : b;
    try {
      out.push(Deno.listen({ hostname, port, transport: "tcp", reusePort }));
    } catch (e) {
      if (optional) continue;
      for (const l of out) l.close();
      throw new Error(
        `Could not create server TCP listening socket ${b}:${port}: ${(e as Error).message}`,
      );
    }
  }
  return out;
}

/** Listen on every `bind` address and serve connections in this isolate. */
export function listen(srv: Server, port: number, binds: string[]): Deno.Listener[] {
  const listeners = openListeners(port, binds);
  for (const l of listeners) acceptLoop(l, (conn) => serveConnection(srv, conn));
  return listeners;
}

/**
 * Accept connections until the listener is closed. A failed accept (out of
 * file descriptors, ...) is logged and retried after a pause, as Redis does;
 * it never ends the loop.
 */
export async function acceptLoop(l: Deno.Listener, serve: (c: Deno.Conn) => void): Promise<void> {
  for (;;) {
    let conn: Deno.Conn;
    try {
      conn = await l.accept();
    } catch (e) {
      if (e instanceof Deno.errors.BadResource || e instanceof Deno.errors.Interrupted) return;
      log.warning(`Error accepting a client connection: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    serve(conn);
  }
}
