// MEMORY USAGE and MEMORY HELP. The rest of the family (STATS, DOCTOR,
// MALLOC-STATS, PURGE) comes with the memory accounting of the operations
// issue.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { type CommandSpec, E, parseInteger, replyHelp } from "./spec.ts";
import { dumpPayload } from "../persistence/rdb_writer.ts";

/** Per-key bookkeeping of the keyspace (dictionary entry, object header), as an estimate. */
const KEY_OVERHEAD = 48;

/**
 * MEMORY USAGE key [SAMPLES n]: an estimate, as Redis's is. Ours is the key,
 * the value's serialized size (its compact encoding: close to what a
 * listpack or intset holds) and a fixed per-key overhead; it does not
 * sample (SAMPLES is validated and accepted).
 */
function memoryUsage(c: Client, argv: string[], srv: Server): void {
  for (let i = 3; i < argv.length; i++) {
    if (argv[i].toLowerCase() === "samples" && i + 1 < argv.length) {
      const n = parseInteger(argv[i + 1]);
      if (n === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      if (n < 0) {
        c.out.error(E.SYNTAX);
        return;
      }
      i++;
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  const v = c.db.get(argv[2]);
  if (v === undefined) {
    c.out.nil();
    return;
  }
  const payload = dumpPayload(v, {
    compression: false,
    listFill: srv.config.int("list-max-listpack-size"),
  });
  c.out.int(KEY_OVERHEAD + argv[2].length + payload.length);
}

const MEMORY_HELP = [
  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
  "HELP",
  "    Prints this help.",
];

export const memoryCommands: CommandSpec[] = [
  {
    name: "memory",
    arity: -2,
    flags: [],
    group: "server",
    since: "4.0.0",
    summary: "A container for memory diagnostics commands",
    subcommands: [
      {
        name: "memory|usage",
        arity: -3,
        flags: ["readonly"],
        keys: [2, 2, 1],
        acl: ["read", "slow"],
        group: "server",
        since: "4.0.0",
        summary: "Estimate the memory usage of a key",
        complexity: "O(N) where N is the number of samples.",
        handler: memoryUsage,
      },
      {
        name: "memory|help",
        arity: 2,
        flags: ["loading", "stale"],
        acl: ["slow"],
        group: "server",
        since: "4.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (c) => replyHelp(c, MEMORY_HELP),
      },
    ],
  },
];
