// Server commands: CONFIG, COMMAND, INFO (info.ts), DBSIZE, FLUSHDB,
// FLUSHALL, SWAPDB, TIME, LASTSAVE, SHUTDOWN.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { ConfigError, DIRECTIVES, findDirective, normalizeValue, quoteArg } from "../config.ts";
import { commandKeys, type CommandSpec, E, parseInteger, replyHelp } from "./spec.ts";
import { commandTable, lookupCommand, topLevelCommands } from "./table.ts";
import { infoCommand } from "./info.ts";
import { globMatch } from "../keyspace/glob.ts";
import { log } from "../log.ts";

// --- CONFIG ------------------------------------------------------------------

function configGet(c: Client, argv: string[], srv: Server): void {
  // one entry per parameter, whatever the case it was asked in (as Redis)
  const found = new Map<string, [string, string]>();
  for (const pattern of argv.slice(2)) {
    for (const [k, v] of srv.configMatch(pattern)) {
      if (!found.has(k.toLowerCase())) found.set(k.toLowerCase(), [k, v]);
    }
  }
  c.out.map(found.size);
  for (const [k, v] of found.values()) {
    c.out.bulk(k);
    c.out.bulk(v);
  }
}

/** enable-protected-configs: "yes", or "local" for a loopback connection. */
function protectedAllowed(c: Client, srv: Server): boolean {
  const mode = srv.config.get("enable-protected-configs");
  if (mode === "yes") return true;
  if (mode !== "local") return false;
  const host = c.info.addr.slice(0, c.info.addr.lastIndexOf(":"));
  return host === "127.0.0.1" || host === "::1" || host.startsWith("127.");
}

function configSet(c: Client, argv: string[], srv: Server): void {
  if (argv.length < 4 || argv.length % 2 !== 0) {
    c.out.error("ERR wrong number of arguments for 'config|set' command");
    return;
  }
  const changes: [string, string[]][] = [];
  const seen = new Set<string>();
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i];
    const d = findDirective(name);
    if (!d || d.sensitive) {
      c.out.error(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
      return;
    }
    if (seen.has(d.name)) {
      c.out.error(
        `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`,
      );
      return;
    }
    seen.add(d.name);
    if (!d.mutable) {
      c.out.error(
        `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`,
      );
      return;
    }
    if (d.protected && !protectedAllowed(c, srv)) {
      c.out.error(
        `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set protected config`,
      );
      return;
    }
    try {
      normalizeValue(d, d.type === "special" ? [argv[i + 1]] : [argv[i + 1]]);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      c.out.error(
        `ERR CONFIG SET failed (possibly related to argument '${name}') - ${e.message}`,
      );
      return;
    }
    changes.push([name, [argv[i + 1]]]);
  }
  // a new port must be listened on before it is accepted (a new bind list
  // alone takes effect at the next port change or restart)
  const port = changes.find(([n]) => findDirective(n)!.name === "port");
  const bind = changes.find(([n]) => findDirective(n)!.name === "bind");
  if (port && srv.rebind) {
    const newPort = Number(normalizeValue(findDirective("port")!, port[1]));
    const newBinds = bind
      ? normalizeValue(findDirective("bind")!, bind[1]).split(" ")
      : srv.config.get("bind").split(" ");
    if (newPort !== srv.tcpPort) {
      const err = srv.rebind(newPort, newBinds);
      if (err) {
        c.out.error(`ERR CONFIG SET failed (possibly related to argument '${port[0]}') - ${err}`);
        return;
      }
    }
  }
  for (const [name, args] of changes) srv.config.set(name, args);
  c.out.ok();
}

/** CONFIG REWRITE: keep the file's lines and comments, update directives in place. */
export function rewriteConfig(srv: Server): string | null {
  const file = srv.config.configFile || srv.configFile;
  if (!file) return "ERR The server is running without a config file";
  let old: string[] = [];
  try {
    old = Deno.readTextFileSync(file).split("\n");
  } catch { /* a missing file is rewritten from scratch */ }
  const current = (name: string): string[] => {
    const d = findDirective(name)!;
    const v = srv.config.get(d.name);
    if (d.name === "save") {
      const w = v.split(" ").filter(Boolean);
      if (!w.length) return [`save ""`];
      const out: string[] = [];
      for (let i = 0; i < w.length; i += 2) out.push(`save ${w[i]} ${w[i + 1]}`);
      return out;
    }
    if (d.name === "replicaof") return v ? [`replicaof ${v}`] : [];
    if (d.name === "client-output-buffer-limit") {
      const w = v.split(" ");
      const out: string[] = [];
      for (let i = 0; i < w.length; i += 4) {
        out.push(`client-output-buffer-limit ${w[i]} ${w[i + 1]} ${w[i + 2]} ${w[i + 3]}`);
      }
      return out;
    }
    if (d.type === "special") return [`${d.name} ${v}`];
    return [`${d.name} ${quoteArg(v)}`];
  };
  const done = new Set<string>();
  const out: string[] = [];
  for (const line of old) {
    const word = line.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
    const d = word && !line.trim().startsWith("#") ? findDirective(word) : undefined;
    if (!d || d.sensitive) {
      out.push(line);
      continue;
    }
    if (done.has(d.name)) continue; // later lines of a multi-line directive
    done.add(d.name);
    out.push(...current(d.name));
  }
  const added: string[] = [];
  for (const d of DIRECTIVES) {
    if (d.sensitive || done.has(d.name)) continue;
    if (srv.config.get(d.name) === d.default) continue;
    added.push(...current(d.name));
  }
  if (added.length) {
    while (out.length && out[out.length - 1] === "") out.pop();
    out.push("# Generated by CONFIG REWRITE", ...added);
  }
  const text = out.join("\n").replace(/\n*$/, "\n");
  try {
    const tmp = `${file}.tmp-${Deno.pid}`;
    Deno.writeTextFileSync(tmp, text);
    Deno.renameSync(tmp, file);
  } catch (e) {
    log.warning(`CONFIG REWRITE failed: ${(e as Error).message}`);
    return `ERR Rewriting config file: ${(e as Error).message}`;
  }
  return null;
}

const CONFIG_HELP = [
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
  "HELP",
  "    Print this help.",
];

// --- COMMAND -----------------------------------------------------------------

const GROUP_CATEGORY: Record<string, string> = {
  string: "string",
  list: "list",
  hash: "hash",
  set: "set",
  sorted_set: "sortedset",
  generic: "keyspace",
  connection: "connection",
  pubsub: "pubsub",
  transactions: "transaction",
  bitmap: "bitmap",
  hyperloglog: "hyperloglog",
  scripting: "scripting",
  stream: "stream",
  geo: "geo",
};

/** Command flags in the order Redis replies them. */
const FLAG_ORDER = [
  "write",
  "readonly",
  "denyoom",
  "module",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "asking",
  "fast",
  "no_auth",
  "may_replicate",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "movablekeys",
  "allow_busy",
];

/** ACL categories in Redis's own order (the order of its category flags). */
const ACL_ORDER = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

function aclCategories(spec: CommandSpec): string[] {
  const rank = (a: string) => ACL_ORDER.indexOf(a.slice(1));
  return aclCategoriesUnordered(spec).sort((a, b) => rank(a) - rank(b));
}

function aclCategoriesUnordered(spec: CommandSpec): string[] {
  if (spec.acl) return spec.acl.map((a) => "@" + a);
  const f = spec.flags;
  const out: string[] = [];
  if (f.includes("write")) out.push("@write");
  if (f.includes("readonly")) out.push("@read");
  const g = GROUP_CATEGORY[spec.group];
  if (g) out.push("@" + g);
  if (f.includes("admin")) out.push("@admin", "@dangerous");
  if (f.includes("pubsub") && g !== "pubsub") out.push("@pubsub");
  out.push(f.includes("fast") ? "@fast" : "@slow");
  if (f.includes("blocking")) out.push("@blocking");
  return out;
}

function writeCommandInfo(c: Client, spec: CommandSpec): void {
  const out = c.out;
  out.array(10);
  out.bulk(spec.name);
  out.int(spec.arity);
  const flags = [...spec.flags].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b));
  out.set(flags.length);
  for (const f of flags) out.simple(f);
  const k = spec.keys ?? [0, 0, 0];
  out.int(k[0]);
  out.int(k[1]);
  out.int(k[2]);
  const acl = aclCategories(spec);
  out.set(acl.length);
  for (const a of acl) out.simple(a);
  out.set(0); // tips
  // (Redis 7.0 replies key specs and subcommands as sets under RESP3)
  if (k[0] === 0) out.set(0);
  else {
    const write = spec.flags.includes("write");
    out.set(1);
    out.map(3);
    out.bulk("flags");
    out.set(1);
    out.simple(write ? "RW" : "RO");
    out.bulk("begin_search");
    out.map(2);
    out.bulk("type");
    out.bulk("index");
    out.bulk("spec");
    out.map(1);
    out.bulk("index");
    out.int(k[0]);
    out.bulk("find_keys");
    out.map(2);
    out.bulk("type");
    out.bulk("range");
    out.bulk("spec");
    out.map(3);
    out.bulk("lastkey");
    out.int(k[1] < 0 ? k[1] : k[1] - k[0]);
    out.bulk("keystep");
    out.int(k[2]);
    out.bulk("limit");
    out.int(0);
  }
  const subs = spec.subcommands ?? [];
  out.set(subs.length);
  for (const s of subs) writeCommandInfo(c, s);
}

function writeCommandDocs(c: Client, spec: CommandSpec): void {
  const out = c.out;
  const fields: [string, string][] = [
    ["summary", spec.summary],
    ["since", spec.since],
    ["group", spec.group],
  ];
  if (spec.complexity) fields.push(["complexity", spec.complexity]);
  const subs = spec.subcommands ?? [];
  out.map(fields.length + (subs.length ? 1 : 0));
  for (const [k, v] of fields) {
    out.bulk(k);
    out.bulk(v);
  }
  if (subs.length) {
    out.bulk("subcommands");
    out.map(subs.length);
    for (const s of subs) {
      out.bulk(s.name);
      writeCommandDocs(c, s);
    }
  }
}

function command(c: Client, _argv: string[]): void {
  const all = topLevelCommands();
  c.out.array(all.length);
  for (const s of all) writeCommandInfo(c, s);
}

function commandInfo(c: Client, argv: string[]): void {
  const names = argv.length > 2 ? argv.slice(2) : topLevelCommands().map((s) => s.name);
  c.out.array(names.length);
  for (const n of names) {
    const spec = commandTable().get(n.toLowerCase());
    if (spec) writeCommandInfo(c, spec);
    else c.out.nil();
  }
}

function commandDocs(c: Client, argv: string[]): void {
  const specs = argv.length > 2
    ? argv.slice(2).map((n) => commandTable().get(n.toLowerCase())).filter((s) =>
      s && !s.name.includes("|")
    ) as CommandSpec[]
    : topLevelCommands();
  c.out.map(specs.length);
  for (const s of specs) {
    c.out.bulk(s.name);
    writeCommandDocs(c, s);
  }
}

function commandList(c: Client, argv: string[]): void {
  let names = [...commandTable().keys()];
  if (argv.length === 5 && argv[2].toLowerCase() === "filterby") {
    const kind = argv[3].toLowerCase(), arg = argv[4];
    if (kind === "pattern") names = names.filter((n) => globMatch(arg, n, true));
    else if (kind === "aclcat") {
      names = names.filter((n) =>
        aclCategories(commandTable().get(n)!).includes("@" + arg.toLowerCase())
      );
    } else if (kind === "module") names = [];
    else {
      c.out.error(E.SYNTAX);
      return;
    }
  } else if (argv.length !== 2) {
    c.out.error(E.SYNTAX);
    return;
  }
  c.out.bulks(names);
}

function commandGetKeys(c: Client, argv: string[]): void {
  const target = argv.slice(2);
  const spec = lookupCommand(target);
  if (!spec) {
    c.out.error("ERR Invalid command specified");
    return;
  }
  if ((spec.arity > 0 && target.length !== spec.arity) || target.length < -spec.arity) {
    c.out.error("ERR Invalid number of arguments specified for command");
    return;
  }
  const keys = commandKeys(spec, target);
  if (!keys.length) {
    c.out.error("ERR The command has no key arguments");
    return;
  }
  c.out.bulks(keys);
}

const COMMAND_HELP = [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
  "HELP",
  "    Print this help.",
];

// --- keyspace-wide commands ----------------------------------------------------

function parseFlushMode(c: Client, argv: string[]): boolean {
  if (argv.length > 2) {
    c.out.error(E.SYNTAX);
    return false;
  }
  if (argv.length === 2) {
    const m = argv[1].toLowerCase();
    if (m !== "async" && m !== "sync") {
      c.out.error(E.SYNTAX);
      return false;
    }
  }
  return true;
}

/** Empty one database (or all): watchers are touched, dirty counts the keys removed. */
export function flushDb(srv: Server, db: number | "all"): number {
  const targets = db === "all" ? srv.dbs : [srv.dbs[db]];
  let removed = 0;
  srv.tracking.flushed(); // (every tracking client: invalidate all, whatever the db)
  for (const d of targets) {
    srv.touchAllWatched(d.id);
    removed += d.size;
    d.clear();
  }
  return removed;
}

/** Hooks run after FLUSHALL (persistence saves when save points are set). */
export const flushAllHooks: ((srv: Server) => void)[] = [];

function sub(
  parent: string,
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  summary: string,
  handler: CommandSpec["handler"],
  since = "2.0.0",
): CommandSpec {
  return { name: `${parent}|${name}`, arity, flags, group: "server", since, summary, handler };
}

const CMD_FLAGS: CommandSpec["flags"] = ["loading", "stale"];

export const serverCommands: CommandSpec[] = [
  infoCommand,
  {
    name: "config",
    arity: -2,
    flags: [],
    group: "server",
    since: "2.0.0",
    summary: "A container for server configuration commands",
    subcommands: [
      sub(
        "config",
        "get",
        -3,
        ["admin", "noscript", "loading", "stale"],
        "Get the values of configuration parameters",
        configGet,
      ),
      sub(
        "config",
        "set",
        -4,
        ["admin", "noscript", "loading", "stale"],
        "Set configuration parameters",
        configSet,
      ),
      sub(
        "config",
        "resetstat",
        2,
        ["admin", "noscript", "loading", "stale"],
        "Reset the stats returned by INFO",
        (c, _a, srv) => {
          srv.resetStats();
          c.out.ok();
        },
      ),
      sub(
        "config",
        "rewrite",
        2,
        ["admin", "noscript", "loading", "stale"],
        "Overwrite the configuration file",
        (c, _a, srv) => {
          const err = rewriteConfig(srv);
          if (err) c.out.error(err);
          else {
            log.notice("CONFIG REWRITE executed with success.");
            c.out.ok();
          }
        },
      ),
      sub(
        "config",
        "help",
        2,
        ["loading", "stale"],
        "Show helpful text about the different subcommands",
        (c) => replyHelp(c, CONFIG_HELP),
      ),
    ],
  },
  {
    name: "command",
    arity: -1,
    flags: CMD_FLAGS,
    group: "server",
    since: "2.8.13",
    summary: "Get array of Redis command details",
    handler: command,
    subcommands: [
      sub(
        "command",
        "count",
        2,
        CMD_FLAGS,
        "Get total number of Redis commands",
        (c) => c.out.int(topLevelCommands().length),
      ),
      sub(
        "command",
        "info",
        -2,
        CMD_FLAGS,
        "Get array of specific Redis command details",
        commandInfo,
      ),
      sub(
        "command",
        "docs",
        -2,
        CMD_FLAGS,
        "Get array of specific Redis command documentation",
        commandDocs,
      ),
      sub("command", "list", -2, CMD_FLAGS, "Get an array of Redis command names", commandList),
      sub(
        "command",
        "getkeys",
        -4,
        CMD_FLAGS,
        "Extract keys given a full Redis command",
        commandGetKeys,
      ),
      sub(
        "command",
        "help",
        2,
        CMD_FLAGS,
        "Show helpful text about the different subcommands",
        (c) => replyHelp(c, COMMAND_HELP),
      ),
    ],
  },
  {
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    group: "server",
    since: "1.0.0",
    summary: "Return the number of keys in the selected database",
    handler(c) {
      c.out.int(c.db.size);
    },
  },
  {
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    group: "server",
    since: "1.0.0",
    summary: "Remove all keys from the current database",
    handler(c, argv, srv) {
      if (!parseFlushMode(c, argv)) return;
      srv.dirty += flushDb(srv, c.dbIndex) + 1;
      c.out.ok();
    },
  },
  {
    name: "flushall",
    arity: -1,
    flags: ["write"],
    group: "server",
    since: "1.0.0",
    summary: "Remove all keys from all databases",
    handler(c, argv, srv) {
      if (!parseFlushMode(c, argv)) return;
      srv.dirty += flushDb(srv, "all") + 1;
      for (const h of flushAllHooks) h(srv);
      c.out.ok();
    },
  },
  {
    name: "swapdb",
    arity: 3,
    flags: ["write", "fast"],
    group: "server",
    since: "4.0.0",
    summary: "Swaps two Redis databases",
    handler(c, argv, srv) {
      const a = parseInteger(argv[1]), b = parseInteger(argv[2]);
      if (a === null) {
        c.out.error("ERR invalid first DB index");
        return;
      }
      if (b === null) {
        c.out.error("ERR invalid second DB index");
        return;
      }
      if (a < 0 || a >= srv.dbs.length || b < 0 || b >= srv.dbs.length) {
        c.out.error(E.DB_RANGE);
        return;
      }
      if (a !== b) {
        const da = srv.dbs[a], db = srv.dbs[b];
        srv.touchAllWatched(a, db);
        srv.touchAllWatched(b, da);
        da.swapWith(db);
        srv.keysSwapped(a);
        srv.keysSwapped(b);
        srv.dirty++;
      }
      c.out.ok();
    },
  },
  {
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    since: "2.6.0",
    summary: "Return the current server time",
    handler(c) {
      const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
      c.out.array(2);
      c.out.bulk(String(Math.floor(us / 1e6)));
      c.out.bulk(String(us % 1e6));
    },
  },
  {
    name: "lastsave",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    since: "1.0.0",
    summary: "Get the UNIX time stamp of the last successful save to disk",
    handler(c, _a, srv) {
      c.out.int(srv.lastSave);
    },
  },
  {
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
    group: "server",
    since: "1.0.0",
    summary: "Synchronously save the dataset to disk and then shut down the server",
    handler(c, argv, srv) {
      let save: boolean | null = null;
      for (const a of argv.slice(1)) {
        const m = a.toLowerCase();
        if (m === "nosave") save = false;
        else if (m === "save") save = true;
        else if (m === "now" || m === "force" || m === "abort") continue;
        else {
          c.out.error(E.SYNTAX);
          return;
        }
      }
      srv.shutdown(save).then((ok) => {
        if (!ok) {
          c.out.error("ERR Errors trying to SHUTDOWN. Check logs.");
          srv.markPending(c);
          srv.flush();
        }
      });
    },
  },
];
