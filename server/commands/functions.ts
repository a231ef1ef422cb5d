// FUNCTION: the function libraries of Redis 7.0. No engine is loaded yet (the
// scripting issue brings Lua), so the library registry is always empty: FLUSH
// empties it (Redis's test harness calls it before every file) and LIST
// shows it; the other subcommands come with the engine.
import type { CommandSpec } from "./spec.ts";

export const functionCommands: CommandSpec[] = [
  {
    name: "function",
    arity: -2,
    flags: [],
    group: "scripting",
    since: "7.0.0",
    summary: "A container for function commands",
    subcommands: [
      {
        name: "function|flush",
        arity: -2,
        flags: ["write", "noscript"],
        acl: ["write", "slow", "scripting"],
        group: "scripting",
        since: "7.0.0",
        summary: "Deleting all functions",
        complexity: "O(N) where N is the number of functions deleted",
        handler(c, argv, srv) {
          if (argv.length > 3) {
            c.out.error(
              "ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.",
            );
            return;
          }
          if (argv.length === 3) {
            const mode = argv[2].toLowerCase();
            if (mode !== "async" && mode !== "sync") {
              c.out.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
              return;
            }
          }
          srv.dirty++; // (replicas flush theirs too)
          c.out.ok();
        },
      },
      {
        name: "function|list",
        arity: -2,
        flags: ["noscript"],
        acl: ["slow", "scripting"],
        group: "scripting",
        since: "7.0.0",
        summary: "List information about all the functions",
        complexity: "O(N) where N is the number of functions",
        handler(c, argv) {
          for (let i = 2; i < argv.length; i++) {
            const opt = argv[i].toLowerCase();
            if (opt === "withcode") continue;
            if (opt === "libraryname" && i + 1 < argv.length) {
              i++;
              continue;
            }
            c.out.error(`ERR Unknown argument ${argv[i]}`);
            return;
          }
          c.out.array(0);
        },
      },
    ],
  },
];
