// A raw RESP connection for tests that compare our replies with a real
// redis-server byte for byte: commands go out as multibulk requests, replies
// come back as their exact wire text (one string per reply; pushes included).

import { Config } from "../server/config.ts";
import { Server } from "../server/keyspace/owner.ts";
import type { Client } from "../server/keyspace/client.ts";

export function encode(argv: string[]): Uint8Array {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** End of the reply starting at `pos` in `s`, or -1 if it is incomplete. */
export function replyEnd(s: string, pos: number): number {
  if (pos >= s.length) return -1;
  const eol = s.indexOf("\r\n", pos);
  if (eol < 0) return -1;
  const t = s[pos];
  if ("+-:_,#(".includes(t)) return eol + 2;
  const n = Number(s.slice(pos + 1, eol));
  if (t === "$" || t === "=" || t === "!") {
    if (n < 0) return eol + 2;
    const end = eol + 2 + n + 2;
    return end <= s.length ? end : -1;
  }
  if (t === "*" || t === ">" || t === "~" || t === "%" || t === "|") {
    let p = eol + 2;
    const items = t === "%" || t === "|" ? 2 * n : n;
    for (let i = 0; i < items; i++) {
      p = replyEnd(s, p);
      if (p < 0) return -1;
    }
    return p;
  }
  throw new Error(`bad reply type ${JSON.stringify(s.slice(pos, pos + 20))}`);
}

export type Reply = string | number | null | { error: string } | Reply[];

/** A raw RESP2 reply as a value (errors as `{ error }`, nil as null). */
export function parse(s: string, pos = 0): [Reply, number] {
  const eol = s.indexOf("\r\n", pos);
  const t = s[pos], line = s.slice(pos + 1, eol);
  if (t === "+") return [line, eol + 2];
  if (t === "-") return [{ error: line }, eol + 2];
  if (t === ":") return [Number(line), eol + 2];
  const n = Number(line);
  if (t === "$") return n < 0 ? [null, eol + 2] : [s.slice(eol + 2, eol + 2 + n), eol + 4 + n];
  if (n < 0) return [null, eol + 2];
  const out: Reply[] = [];
  let p = eol + 2;
  for (let i = 0; i < n; i++) {
    const [v, q] = parse(s, p);
    out.push(v);
    p = q;
  }
  return [out, p];
}

export const value = (raw: string): Reply => parse(raw)[0];

export class RawConn {
  private buf = "";
  private closed = false;
  private wake: (() => void) | null = null;
  private pump: Promise<void>;

  private constructor(private conn: Deno.TcpConn) {
    this.pump = this.readLoop();
  }

  static async open(port: number): Promise<RawConn> {
    return new RawConn(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  private async readLoop(): Promise<void> {
    const chunk = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await this.conn.read(chunk);
        if (n === null) break;
        let s = "";
        for (let i = 0; i < n; i++) s += String.fromCharCode(chunk[i]);
        this.buf += s;
        this.wake?.();
      }
    } catch { /* closed */ }
    this.closed = true;
    this.wake?.();
  }

  async send(cmds: string[][]): Promise<void> {
    const parts = cmds.map(encode);
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    for (let w = 0; w < all.length;) w += await this.conn.write(all.subarray(w));
  }

  /** The next `n` replies (or pushes); throws after `timeoutMs`. */
  async read(n: number, timeoutMs = 10_000): Promise<string[]> {
    const out: string[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < n) {
      const end = replyEnd(this.buf, 0);
      if (end >= 0) {
        out.push(this.buf.slice(0, end));
        this.buf = this.buf.slice(end);
        continue;
      }
      if (this.closed) throw new Error(`connection closed; got ${JSON.stringify(out)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a reply; got ${JSON.stringify(out)}`);
      await this.waitData(left);
    }
    return out;
  }

  /** One reply if it arrives within `ms`, else null (to check that nothing came). */
  async maybeRead(ms: number): Promise<string | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = replyEnd(this.buf, 0);
      if (end >= 0) {
        const r = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        return r;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return null;
      await this.waitData(left);
    }
  }

  private waitData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Send commands pipelined; the raw reply of each. */
  async pipeline(cmds: string[][]): Promise<string[]> {
    await this.send(cmds);
    return await this.read(cmds.length);
  }

  async cmd(...argv: string[]): Promise<string> {
    return (await this.pipeline([argv]))[0];
  }

  /** One command; its reply parsed into a value. */
  async call(...argv: string[]): Promise<Reply> {
    return value(await this.cmd(...argv));
  }

  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch { /* already */ }
    await this.pump;
  }
}

/**
 * Run the same commands on both connections (pipelined in batches) and list
 * every command whose replies differ.
 */
export async function diffReplies(
  real: RawConn,
  ours: RawConn,
  cmds: string[][],
  batch = 200,
): Promise<string[]> {
  const diffs: string[] = [];
  for (let i = 0; i < cmds.length; i += batch) {
    const part = cmds.slice(i, i + batch);
    const [a, b] = await Promise.all([real.pipeline(part), ours.pipeline(part)]);
    for (let j = 0; j < part.length; j++) {
      if (a[j] !== b[j]) {
        diffs.push(
          `${JSON.stringify(part[j]).slice(0, 300)}\n  real: ${
            JSON.stringify(a[j]).slice(0, 300)
          }\n  ours: ${JSON.stringify(b[j]).slice(0, 300)}`,
        );
      }
    }
  }
  return diffs;
}

/** A small deterministic PRNG (tests must be reproducible). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A server in this process with one client: raw replies and what it propagates. */
export interface Owner {
  srv: Server;
  client: Client;
  /** One command; its raw reply. */
  run(...argv: string[]): string;
  /** One command; its reply parsed into a value. */
  call(...argv: string[]): Reply;
  propagated: string[][];
}

export function inProcess(): Owner {
  const srv = new Server(new Config());
  const chunks: Uint8Array[] = [];
  const client = srv.connect({
    write: (b) => chunks.push(b),
    close: () => {},
    pendingBytes: () => 0,
  }, { addr: "127.0.0.1:1", laddr: "127.0.0.1:2", fd: 9 })!;
  const propagated: string[][] = [];
  srv.propagationTargets.push({ feed: (_db, argv) => propagated.push([...argv]) });
  const run = (...argv: string[]): string => {
    chunks.length = 0;
    srv.feed(client, [argv]);
    let s = "";
    for (const ch of chunks) for (const b of ch) s += String.fromCharCode(b);
    return s;
  };
  return { srv, client, propagated, run, call: (...argv) => value(run(...argv)) };
}
