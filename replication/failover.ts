// FAILOVER (Redis 6.2+): a planned switch of roles with a replica. The
// master pauses writes, waits until the target replica has acknowledged the
// whole stream (waiting-for-sync), then becomes a replica of it and asks it
// to take over with `PSYNC <replid> <offset> FAILOVER` (failover-in-progress):
// the target promotes itself and the old master continues partially, so no
// acknowledged write is lost.
import type { Client } from "../server/keyspace/client.ts";
import type { Server } from "../server/keyspace/owner.ts";
import { log } from "../server/log.ts";
import { parseInteger } from "../server/commands/spec.ts";
import type { ReplicaLink } from "./master.ts";
import type { Replication } from "./replication.ts";

export type FailoverState = "no-failover" | "waiting-for-sync" | "failover-in-progress";

export class Failover {
  state: FailoverState = "no-failover";
  private target: { host: string; port: number } | null = null;
  private deadline = 0;
  private force = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private srv: Server, private repl: Replication) {}

  command(c: Client, argv: string[]): void {
    const srv = this.srv;
    let host: string | null = null, port = 0, force = false, abort = false, timeout = 0;
    for (let i = 1; i < argv.length; i++) {
      const opt = argv[i].toLowerCase();
      const left = argv.length - i - 1;
      if (opt === "to" && left >= 2 && host === null) {
        host = argv[i + 1];
        const p = parseInteger(argv[i + 2]);
        if (p === null) {
          c.out.error("ERR value is not an integer or out of range");
          return;
        }
        port = p;
        i += 2;
      } else if (opt === "timeout" && left >= 1 && !timeout) {
        const t = parseInteger(argv[i + 1]);
        if (t === null) {
          c.out.error("ERR value is not an integer or out of range");
          return;
        }
        if (t <= 0) {
          c.out.error("ERR FAILOVER timeout must be greater than 0");
          return;
        }
        timeout = t;
        i++;
      } else if (opt === "force" && !force) force = true;
      else if (opt === "abort" && !abort) abort = true;
      else {
        c.out.error("ERR syntax error");
        return;
      }
    }
    if (abort) {
      if (host !== null || force || timeout) {
        c.out.error("ERR FAILOVER abort cannot be used with other options.");
        return;
      }
      if (this.state === "no-failover") {
        c.out.error("ERR No failover in progress.");
        return;
      }
      this.abort("Failover manually aborted");
      c.out.ok();
      return;
    }
    if (force && (!timeout || host === null)) {
      c.out.error("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
      return;
    }
    if (srv.replicaOf) {
      c.out.error("ERR FAILOVER is not valid when server is a replica.");
      return;
    }
    if (!this.repl.master.links.size) {
      c.out.error("ERR FAILOVER requires connected replicas.");
      return;
    }
    if (this.state !== "no-failover") {
      c.out.error("ERR FAILOVER already in progress.");
      return;
    }
    if (host !== null) {
      const l = this.findLink(host, port);
      if (!l) {
        c.out.error("ERR FAILOVER target HOST and PORT is not a replica.");
        return;
      }
      if (l.state !== "online") {
        c.out.error("ERR FAILOVER target replica is not online.");
        return;
      }
      this.target = { host, port };
    } else this.target = null;
    this.force = force;
    this.deadline = timeout ? Date.now() + timeout : 0;
    this.state = "waiting-for-sync";
    log.notice(
      `FAILOVER requested to ${this.target ? `${host}:${port}` : "any replica"}.`,
    );
    // writes wait while the replica catches up (replicas and our master link are not paused)
    srv.pauseEnd = Number.MAX_SAFE_INTEGER;
    srv.pauseAll = false;
    this.repl.master.requestAcks();
    this.timer = setInterval(() => this.check(), 10);
    c.out.ok();
  }

  private findLink(host: string, port: number): ReplicaLink | undefined {
    for (const l of this.repl.master.links.values()) {
      if (l.port === port && l.addr().toLowerCase() === host.toLowerCase()) return l;
    }
    return undefined;
  }

  /** Called often while waiting: has the target caught up, or is the time up? */
  check(): void {
    if (this.state !== "waiting-for-sync") return;
    const repl = this.repl, offset = repl.offset;
    let chosen: ReplicaLink | undefined;
    if (this.target) {
      const l = this.findLink(this.target.host, this.target.port);
      if (l && l.ackOffset >= offset) chosen = l;
    } else {
      for (const l of repl.master.links.values()) {
        if (l.state === "online" && l.ackOffset >= offset) {
          chosen = l;
          break;
        }
      }
    }
    if (!chosen && this.deadline && Date.now() >= this.deadline) {
      if (this.force && this.target) {
        log.notice(
          `FAILOVER to ${this.target.host}:${this.target.port} time out exceeded, failing over.`,
        );
        this.begin(this.target.host, this.target.port);
      } else this.abort("Replica never caught up before timeout");
      return;
    }
    if (chosen) {
      log.notice(`Failover target ${chosen.name()} is synced, failing over.`);
      this.begin(chosen.addr(), chosen.port);
    }
  }

  private begin(host: string, port: number): void {
    this.state = "failover-in-progress";
    this.repl.setMaster(host, port, "", {
      failover: true,
      done: (ok) => this.finished(ok),
    });
  }

  private finished(ok: boolean): void {
    if (this.state !== "failover-in-progress") return;
    if (ok) {
      log.notice("Failover target accepted the takeover: FAILOVER complete.");
      this.clear();
    } else {
      // the target refused: we are a master again, as before
      this.abort("Failover target rejected the PSYNC request");
      this.repl.unsetMaster("failover abort");
    }
  }

  private abort(why: string): void {
    const to = this.target ? `${this.target.host}:${this.target.port}` : "any replica";
    log.notice(`FAILOVER to ${to} aborted: ${why}`);
    this.clear();
  }

  private clear(): void {
    clearInterval(this.timer);
    this.state = "no-failover";
    this.target = null;
    this.force = false;
    this.deadline = 0;
    this.srv.unpause();
  }
}
