// Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
//
// The owner queues commands while a client is in MULTI (replying +QUEUED)
// and flags the transaction when it refuses one; it also keeps the WATCH
// bookkeeping (a write to a watched key from any client sets watchDirty).
// EXEC runs the queue through srv.call, inside a propagation batch so that
// replicas get the writes wrapped in MULTI ... EXEC as Redis 7.0 sends them.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { log } from "../log.ts";
import type { CommandSpec } from "./spec.ts";
import { lookupCommand } from "./table.ts";

function discardTransaction(c: Client, srv: Server): void {
  c.multi = null;
  c.multiError = false;
  srv.unwatchAll(c);
}

function multi(c: Client, _argv: string[], srv: Server): void {
  if (c.multi) {
    srv.replyError(c, "ERR MULTI calls can not be nested");
    return;
  }
  c.multi = [];
  c.multiError = false;
  c.out.ok();
}

function discard(c: Client, _argv: string[], srv: Server): void {
  if (!c.multi) {
    srv.replyError(c, "ERR DISCARD without MULTI");
    return;
  }
  discardTransaction(c, srv);
  c.out.ok();
}

function watch(c: Client, argv: string[], srv: Server): void {
  if (c.multi) {
    srv.replyError(c, "ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (let i = 1; i < argv.length; i++) srv.watch(c, argv[i]);
  c.out.ok();
}

function unwatch(c: Client, _argv: string[], srv: Server): void {
  srv.unwatchAll(c);
  c.out.ok();
}

/** Why a transaction with writes can't run now (the server's role changed since queuing), or null. */
function writeRefusal(c: Client, srv: Server): string | null {
  if (c.kind === "master") return null;
  if (srv.replicaOf && srv.config.bool("replica-read-only")) {
    return "READONLY You can't write against a read only replica.";
  }
  if (!srv.replicaOf && srv.minReplicasCheck) return srv.minReplicasCheck();
  return null;
}

function exec(c: Client, _argv: string[], srv: Server): void {
  const queue = c.multi;
  if (!queue) {
    srv.replyError(c, "ERR EXEC without MULTI");
    return;
  }
  // Redis 7.0: a watched key that expired since WATCH fails the transaction
  if (!c.watchDirty && c.watched.length && srv.watchedKeyExpired(c)) c.watchDirty = true;
  if (c.multiError) {
    discardTransaction(c, srv);
    srv.replyError(c, "EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  if (c.watchDirty) {
    discardTransaction(c, srv);
    c.out.nilArray();
    return;
  }
  const specs: (CommandSpec | undefined)[] = new Array(queue.length);
  let writes = false;
  for (let i = 0; i < queue.length; i++) {
    const spec = lookupCommand(queue[i]);
    specs[i] = spec;
    if (spec && spec.flags.includes("write")) writes = true;
  }
  if (writes) {
    const why = writeRefusal(c, srv);
    if (why) {
      discardTransaction(c, srv);
      srv.replyError(
        c,
        "EXECABORT Transaction discarded because of: " +
          (why.startsWith("ERR ") ? why.slice(4) : why),
      );
      return;
    }
  }
  // the transaction's own writes must not mark it dirty: unwatch first
  discardTransaction(c, srv);
  c.out.array(queue.length);
  srv.inExec = true;
  srv.beginPropagationBatch();
  try {
    for (let i = 0; i < queue.length; i++) {
      const argv = queue[i];
      const spec = specs[i];
      if (!spec || !spec.handler) {
        srv.replyError(c, `ERR unknown command '${argv[0].slice(0, 128)}'`);
        continue;
      }
      try {
        srv.call(c, spec, argv);
      } catch (e) {
        log.warning(`Error while executing '${argv[0]}' in EXEC: ${(e as Error).stack ?? e}`);
        srv.replyError(c, `ERR internal error: ${(e as Error).message}`);
      }
    }
  } finally {
    srv.inExec = false;
    srv.endPropagationBatch();
  }
  c.lastCommand = "exec";
}

const TX: CommandSpec["flags"] = ["noscript", "loading", "stale", "fast", "allow_busy"];

export const transactionCommands: CommandSpec[] = [
  {
    name: "multi",
    arity: 1,
    flags: TX,
    acl: ["fast", "transaction"],
    group: "transactions",
    since: "1.2.0",
    summary: "Mark the start of a transaction block",
    complexity: "O(1)",
    handler: multi,
  },
  {
    name: "exec",
    arity: 1,
    flags: ["noscript", "loading", "stale", "skip_slowlog"],
    acl: ["slow", "transaction"],
    group: "transactions",
    since: "1.2.0",
    summary: "Execute all commands issued after MULTI",
    complexity: "Depends on commands in the transaction",
    handler: exec,
  },
  {
    name: "discard",
    arity: 1,
    flags: TX,
    acl: ["fast", "transaction"],
    group: "transactions",
    since: "2.0.0",
    summary: "Discard all commands issued after MULTI",
    complexity: "O(N), when N is the number of queued commands",
    handler: discard,
  },
  {
    name: "watch",
    arity: -2,
    flags: TX,
    keys: [1, -1, 1],
    acl: ["fast", "transaction"],
    group: "transactions",
    since: "2.2.0",
    summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
    complexity: "O(1) for every key.",
    handler: watch,
  },
  {
    name: "unwatch",
    arity: 1,
    flags: TX,
    acl: ["fast", "transaction"],
    group: "transactions",
    since: "2.2.0",
    summary: "Forget about all watched keys",
    complexity: "O(1)",
    handler: unwatch,
  },
];
