// Pub/sub state: channel and pattern subscriptions, and message fan-out.
// Messages are appended to each subscriber's output like any reply.
import type { Client } from "./client.ts";
import { globMatch } from "./glob.ts";
import type { Server } from "./owner.ts";

export class PubSub {
  channels = new Map<string, Set<Client>>();
  patterns = new Map<string, Set<Client>>();

  constructor(private srv: Server) {}

  subscribe(c: Client, channel: string): void {
    if (!c.channels.has(channel)) {
      c.channels.add(channel);
      let s = this.channels.get(channel);
      if (!s) this.channels.set(channel, s = new Set());
      s.add(c);
    }
    this.ack(c, "subscribe", channel);
  }

  unsubscribe(c: Client, channel: string, notify: boolean): void {
    if (c.channels.delete(channel)) {
      const s = this.channels.get(channel)!;
      s.delete(c);
      if (!s.size) this.channels.delete(channel);
    }
    if (notify) this.ack(c, "unsubscribe", channel);
  }

  psubscribe(c: Client, pattern: string): void {
    if (!c.patterns.has(pattern)) {
      c.patterns.add(pattern);
      let s = this.patterns.get(pattern);
      if (!s) this.patterns.set(pattern, s = new Set());
      s.add(c);
    }
    this.ack(c, "psubscribe", pattern);
  }

  punsubscribe(c: Client, pattern: string, notify: boolean): void {
    if (c.patterns.delete(pattern)) {
      const s = this.patterns.get(pattern)!;
      s.delete(c);
      if (!s.size) this.patterns.delete(pattern);
    }
    if (notify) this.ack(c, "punsubscribe", pattern);
  }

  /** UNSUBSCRIBE / PUNSUBSCRIBE with no arguments (or a disconnect). */
  unsubscribeAll(c: Client, notify: boolean, which: "channels" | "patterns" | "both" = "both") {
    if (which !== "patterns") {
      const had = c.channels.size;
      for (const ch of [...c.channels]) this.unsubscribe(c, ch, notify);
      if (notify && !had) this.ack(c, "unsubscribe", null);
    }
    if (which !== "channels") {
      const had = c.patterns.size;
      for (const p of [...c.patterns]) this.punsubscribe(c, p, notify);
      if (notify && !had) this.ack(c, "punsubscribe", null);
    }
  }

  private ack(c: Client, kind: string, name: string | null): void {
    const out = c.out;
    if (c.resp === 3) out.raw(PUSH3);
    else out.array(3);
    out.bulk(kind);
    out.bulk(name);
    out.int(c.subscriptionCount);
  }

  /** Deliver a message; returns the number of clients that received it. */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) {
        const out = c.out;
        if (c.resp === 3) out.raw(PUSH3);
        else out.array(3);
        out.bulk("message");
        out.bulk(channel);
        out.bulk(message);
        this.srv.markPending(c);
        n++;
      }
    }
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const c of clients) {
        const out = c.out;
        if (c.resp === 3) out.raw(PUSH4);
        else out.array(4);
        out.bulk("pmessage");
        out.bulk(pattern);
        out.bulk(channel);
        out.bulk(message);
        this.srv.markPending(c);
        n++;
      }
    }
    return n;
  }
}

const PUSH3 = new TextEncoder().encode(">3\r\n");
const PUSH4 = new TextEncoder().encode(">4\r\n");
