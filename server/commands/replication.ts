// Replication commands: REPLICAOF SLAVEOF ROLE PSYNC SYNC REPLCONF WAIT.
// Thin entries: the protocol lives in replication/.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { type CommandSpec, E, parseInteger } from "./spec.ts";
import { clientInfoLine } from "./connection.ts";
import { replication, roleReply } from "../../replication/replication.ts";
import { log } from "../log.ts";

function replicaof(c: Client, argv: string[], srv: Server): void {
  const repl = replication(srv);
  if (argv[1].toLowerCase() === "no" && argv[2].toLowerCase() === "one") {
    if (srv.replicaOf) repl.unsetMaster(clientInfoLine(c));
    c.out.ok();
    return;
  }
  if (c.kind === "replica") {
    c.out.error("ERR Command is not valid when client is a replica.");
    return;
  }
  const port = parseInteger(argv[2]);
  if (port === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  const host = argv[1];
  if (
    srv.replicaOf && srv.replicaOf.host.toLowerCase() === host.toLowerCase() &&
    srv.replicaOf.port === port
  ) {
    log.notice(
      "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.",
    );
    c.out.simple("OK Already connected to specified master");
    return;
  }
  repl.setMaster(host, port, clientInfoLine(c));
  c.out.ok();
}

function wait(c: Client, argv: string[], srv: Server): void {
  if (srv.replicaOf) {
    c.out.error(
      "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
    );
    return;
  }
  const n = parseInteger(argv[1]);
  if (n === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  const t = parseInteger(argv[2]);
  if (t === null) {
    c.out.error("ERR timeout is not an integer or out of range");
    return;
  }
  if (t < 0) {
    c.out.error(E.TIMEOUT_NEGATIVE);
    return;
  }
  replication(srv).master.wait(c, n, t);
}

const ADMIN: CommandSpec["flags"] = ["admin", "noscript", "stale"];

export const replicationCommands: CommandSpec[] = [
  {
    name: "replicaof",
    arity: 3,
    flags: ADMIN,
    group: "server",
    since: "5.0.0",
    summary: "Make the server a replica of another instance, or promote it as master.",
    complexity: "O(1)",
    handler: replicaof,
  },
  {
    name: "slaveof",
    arity: 3,
    flags: ADMIN,
    group: "server",
    since: "1.0.0",
    summary: "Make the server a replica of another instance, or promote it as master.",
    complexity: "O(1)",
    handler: replicaof,
  },
  {
    name: "role",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast"],
    acl: ["admin", "fast", "dangerous"],
    group: "server",
    since: "2.8.12",
    summary: "Return the role of the instance in the context of replication",
    complexity: "O(1)",
    handler: (c, _argv, srv) => roleReply(replication(srv), c),
  },
  {
    name: "psync",
    arity: -3,
    flags: ["admin", "noscript", "no_multi"],
    group: "server",
    since: "2.8.0",
    summary: "Internal command used for replication",
    handler: (c, argv, srv) => replication(srv).master.psync(c, argv),
  },
  {
    name: "sync",
    arity: 1,
    flags: ["admin", "noscript", "no_multi"],
    group: "server",
    since: "1.0.0",
    summary: "Internal command used for replication",
    handler: (c, argv, srv) => replication(srv).master.psync(c, argv),
  },
  {
    name: "replconf",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "allow_busy"],
    group: "server",
    since: "3.0.0",
    summary: "An internal command for configuring the replication stream",
    complexity: "O(1)",
    handler: (c, argv, srv) => replication(srv).master.replconf(c, argv),
  },
  {
    name: "failover",
    arity: -1,
    flags: ["admin", "noscript", "stale"],
    group: "server",
    since: "6.2.0",
    summary: "Start a coordinated failover between this server and one of its replicas.",
    complexity: "O(1)",
    handler: (c, argv, srv) => replication(srv).failover.command(c, argv),
  },
  {
    name: "wait",
    arity: 3,
    flags: ["noscript"],
    acl: ["slow", "connection"],
    group: "generic",
    since: "3.0.0",
    summary:
      "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
    complexity: "O(1)",
    handler: wait,
  },
];
