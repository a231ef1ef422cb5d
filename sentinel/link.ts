// A small RESP client for Sentinel's links: one TCP connection, commands
// written with the project's codec, replies parsed here, callbacks in order.
// A link refuses more than MAX_PENDING outstanding commands (as Redis's
// sentinel does with its 100-command limit). In pub/sub mode pushed
// messages go to `onMessage`.
import { ReplyWriter } from "../server/resp/writer.ts";
import { bytesToStr } from "../server/resp/bytes.ts";

export const MAX_PENDING = 100;

export type Reply = string | number | null | ReplyError | Reply[];

export class ReplyError {
  constructor(public message: string) {}
}

type Cb = (r: Reply) => void;

/** Parse one reply from buf[p..end); returns [reply, next position] or null if incomplete. */
function parseReply(buf: Uint8Array, p: number, end: number): [Reply, number] | null {
  if (p >= end) return null;
  let nl = -1;
  for (let i = p + 1; i + 1 < end; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10) {
      nl = i;
      break;
    }
  }
  if (nl < 0) return null;
  const t = buf[p];
  const line = bytesToStr(buf, p + 1, nl);
  const next = nl + 2;
  switch (t) {
    case 43: // +
      return [line, next];
    case 45: // -
      return [new ReplyError(line), next];
    case 58: // :
      return [Number(line), next];
    case 36: { // $
      const n = Number(line);
      if (n < 0) return [null, next];
      if (next + n + 2 > end) return null;
      return [bytesToStr(buf, next, next + n), next + n + 2];
    }
    case 42: { // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const out: Reply[] = [];
      let q = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, q, end);
        if (!r) return null;
        out.push(r[0]);
        q = r[1];
      }
      return [out, q];
    }
    default:
      throw new Error("protocol error");
  }
}

export class Link {
  conn: Deno.TcpConn | null = null;
  connected = false;
  closed = false;
  /** When the link was last (re)created. */
  createdAt = Date.now();
  private pending: Cb[] = [];
  private buf = new Uint8Array(16 * 1024);
  private len = 0;
  private writer = new ReplyWriter(256);
  private writing: Promise<void> = Promise.resolve();
  onMessage: ((msg: Reply[]) => void) | null = null;
  onClose: (() => void) | null = null;

  constructor(public host: string, public port: number) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Connect (with a timeout); false on failure. */
  async connect(timeoutMs = 1000): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const c = await Promise.race([
        Deno.connect({ hostname: this.host, port: this.port }),
        new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new Error("timeout")), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (this.closed) {
        c.close();
        return false;
      }
      c.setNoDelay(true);
      this.conn = c;
      this.connected = true;
      this.readLoop();
      return true;
    } catch {
      clearTimeout(timer);
      this.close();
      return false;
    }
  }

  private async readLoop(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    try {
      while (this.conn) {
        const n = await this.conn.read(chunk);
        if (n === null) break;
        if (this.len + n > this.buf.length) {
          let size = this.buf.length * 2;
          while (size < this.len + n) size *= 2;
          const nb = new Uint8Array(size);
          nb.set(this.buf.subarray(0, this.len));
          this.buf = nb;
        }
        this.buf.set(chunk.subarray(0, n), this.len);
        this.len += n;
        let p = 0;
        for (;;) {
          const r = parseReply(this.buf, p, this.len);
          if (!r) break;
          p = r[1];
          this.dispatch(r[0]);
        }
        if (p > 0) {
          this.buf.copyWithin(0, p, this.len);
          this.len -= p;
        }
      }
    } catch { /* closed */ }
    this.close();
  }

  private dispatch(r: Reply): void {
    if (
      this.onMessage && Array.isArray(r) && typeof r[0] === "string" &&
      (r[0] === "message" || r[0] === "pmessage") && this.pending.length === 0
    ) {
      this.onMessage(r);
      return;
    }
    if (this.onMessage && Array.isArray(r) && r[0] === "message") {
      this.onMessage(r);
      return;
    }
    const cb = this.pending.shift();
    cb?.(r);
  }

  /** Send a command; the callback gets its reply (a ReplyError on failure or disconnection). */
  send(argv: (string | number)[], cb: Cb = () => {}): boolean {
    if (!this.connected || !this.conn || this.pending.length >= MAX_PENDING) return false;
    this.writer.array(argv.length);
    for (const a of argv) this.writer.bulk(String(a));
    const bytes = this.writer.take();
    this.pending.push(cb);
    const conn = this.conn;
    this.writing = this.writing.then(async () => {
      let off = 0;
      while (off < bytes.length) off += await conn.write(bytes.subarray(off));
    }).catch(() => this.close());
    return true;
  }

  /** Send and wait for the reply (a ReplyError if the link is down). */
  call(argv: (string | number)[]): Promise<Reply> {
    return new Promise((resolve) => {
      if (!this.send(argv, resolve)) resolve(new ReplyError("link down"));
    });
  }

  close(): void {
    const wasClosed = this.closed;
    this.closed = true;
    this.connected = false;
    try {
      this.conn?.close();
    } catch { /* already */ }
    this.conn = null;
    const p = this.pending;
    this.pending = [];
    for (const cb of p) cb(new ReplyError("link closed"));
    if (!wasClosed) this.onClose?.();
  }
}
