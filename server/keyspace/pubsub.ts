// Pub/sub state: channel, pattern and shard-channel subscriptions, and
// message fan-out. Messages are appended to each subscriber's output like any
// reply (RESP3 clients get push frames).
import type { Client } from "./client.ts";
import { globMatch } from "./glob.ts";
import type { Server } from "./owner.ts";

type Which = "channels" | "patterns" | "shard" | "both";

export class PubSub {
  channels = new Map<string, Set<Client>>();
  patterns = new Map<string, Set<Client>>();
  /** Shard channels (SSUBSCRIBE / SPUBLISH); without cluster mode, one shard. */
  shardChannels = new Map<string, Set<Client>>();

  constructor(private srv: Server) {}

  subscribe(c: Client, channel: string): void {
    if (!c.channels.has(channel)) {
      c.channels.add(channel);
      addMember(this.channels, channel, c);
    }
    this.ack(c, "subscribe", channel, false);
  }

  unsubscribe(c: Client, channel: string, notify: boolean): void {
    if (c.channels.delete(channel)) removeMember(this.channels, channel, c);
    if (notify) this.ack(c, "unsubscribe", channel, false);
  }

  psubscribe(c: Client, pattern: string): void {
    if (!c.patterns.has(pattern)) {
      c.patterns.add(pattern);
      addMember(this.patterns, pattern, c);
    }
    this.ack(c, "psubscribe", pattern, false);
  }

  punsubscribe(c: Client, pattern: string, notify: boolean): void {
    if (c.patterns.delete(pattern)) removeMember(this.patterns, pattern, c);
    if (notify) this.ack(c, "punsubscribe", pattern, false);
  }

  ssubscribe(c: Client, channel: string): void {
    if (!c.shardChannels.has(channel)) {
      c.shardChannels.add(channel);
      addMember(this.shardChannels, channel, c);
    }
    this.ack(c, "ssubscribe", channel, true);
  }

  sunsubscribe(c: Client, channel: string, notify: boolean): void {
    if (c.shardChannels.delete(channel)) removeMember(this.shardChannels, channel, c);
    if (notify) this.ack(c, "sunsubscribe", channel, true);
  }

  /**
   * (P|S)UNSUBSCRIBE with no arguments, RESET or a disconnect ("both" means
   * every kind). With nothing to leave, a notified client still gets one
   * reply with a nil name.
   */
  unsubscribeAll(c: Client, notify: boolean, which: Which = "both"): void {
    const all = which === "both";
    if (all || which === "channels") {
      const had = c.channels.size;
      for (const ch of [...c.channels]) this.unsubscribe(c, ch, notify);
      if (notify && !had) this.ack(c, "unsubscribe", null, false);
    }
    if (all || which === "patterns") {
      const had = c.patterns.size;
      for (const p of [...c.patterns]) this.punsubscribe(c, p, notify);
      if (notify && !had) this.ack(c, "punsubscribe", null, false);
    }
    if (all || which === "shard") {
      const had = c.shardChannels.size;
      for (const ch of [...c.shardChannels]) this.sunsubscribe(c, ch, notify);
      if (notify && !had) this.ack(c, "sunsubscribe", null, true);
    }
  }

  /** The count a (un)subscribe reply carries: shard subscriptions are counted apart. */
  private ack(c: Client, kind: string, name: string | null, shard: boolean): void {
    const out = c.out;
    out.push(3);
    out.bulk(kind);
    out.bulk(name);
    out.int(shard ? c.shardChannels.size : c.channels.size + c.patterns.size);
  }

  /** Deliver a message; returns the number of clients that received it. */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) this.deliver(c, "message", channel, message);
      n += subs.size;
    }
    if (this.patterns.size) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const c of clients) {
          const out = c.out;
          out.push(4);
          out.bulk("pmessage");
          out.bulk(pattern);
          out.bulk(channel);
          out.bulk(message);
          this.srv.markPending(c);
          n++;
        }
      }
    }
    return n;
  }

  /** SPUBLISH: only shard-channel subscribers receive it. */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (!subs) return 0;
    for (const c of subs) this.deliver(c, "smessage", channel, message);
    return subs.size;
  }

  private deliver(c: Client, kind: string, channel: string, message: string): void {
    const out = c.out;
    out.push(3);
    out.bulk(kind);
    out.bulk(channel);
    out.bulk(message);
    this.srv.markPending(c);
  }
}

function addMember(m: Map<string, Set<Client>>, name: string, c: Client): void {
  let s = m.get(name);
  if (!s) m.set(name, s = new Set());
  s.add(c);
}

function removeMember(m: Map<string, Set<Client>>, name: string, c: Client): void {
  const s = m.get(name);
  if (!s) return;
  s.delete(c);
  if (!s.size) m.delete(name);
}
