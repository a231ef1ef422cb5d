// Connection commands: PING ECHO QUIT SELECT HELLO AUTH RESET CLIENT.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { REDIS_VERSION } from "../keyspace/owner.ts";
import { type CommandSpec, E, parseInteger, replyHelp } from "./spec.ts";
import { trackingSubcommands } from "./tracking.ts";
import { trackingFlags, trackingRedirect } from "../keyspace/tracking.ts";

function checkPassword(srv: Server, user: string, pass: string): boolean {
  const req = srv.config.get("requirepass");
  return user === "default" && (req === "" || pass === req);
}

function auth(c: Client, argv: string[], srv: Server): void {
  let user = "default", pass: string;
  if (argv.length === 2) pass = argv[1];
  else if (argv.length === 3) [user, pass] = [argv[1], argv[2]];
  else {
    c.out.error(E.SYNTAX);
    return;
  }
  if (argv.length === 2 && srv.config.get("requirepass") === "") {
    c.out.error(
      "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
    );
    return;
  }
  if (checkPassword(srv, user, pass)) {
    srv.setAuthenticated(c);
    c.out.ok();
  } else {
    srv.replyError(c, "WRONGPASS invalid username-password pair or user is disabled.");
  }
}

function hello(c: Client, argv: string[], srv: Server): void {
  let ver: 2 | 3 = c.resp;
  let i = 1;
  if (argv.length >= 2) {
    const v = parseInteger(argv[1]);
    if (v === null) {
      c.out.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (v !== 2 && v !== 3) {
      c.out.error("NOPROTO unsupported protocol version");
      return;
    }
    ver = v;
    i = 2;
  }
  let name: string | null = null;
  for (; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    const more = argv.length - i - 1;
    if (opt === "auth" && more >= 2) {
      if (!checkPassword(srv, argv[i + 1], argv[i + 2])) {
        srv.replyError(c, "WRONGPASS invalid username-password pair or user is disabled.");
        return;
      }
      srv.setAuthenticated(c);
      i += 2;
    } else if (opt === "setname" && more >= 1) {
      name = argv[++i];
      if (!validName(name)) {
        c.out.error(
          "ERR Client names cannot contain spaces, newlines or special characters.",
        );
        return;
      }
    } else {
      c.out.error(`ERR Syntax error in HELLO option '${argv[i]}'`);
      return;
    }
  }
  if (!c.authenticated) {
    c.out.error(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
    );
    return;
  }
  if (name !== null) c.name = name;
  c.resp = ver;
  c.out.map(7);
  c.out.bulk("server");
  c.out.bulk("redis");
  c.out.bulk("version");
  c.out.bulk(REDIS_VERSION);
  c.out.bulk("proto");
  c.out.int(ver);
  c.out.bulk("id");
  c.out.int(c.id);
  c.out.bulk("mode");
  c.out.bulk("standalone");
  c.out.bulk("role");
  c.out.bulk(srv.replicaOf ? "replica" : "master");
  c.out.bulk("modules");
  c.out.array(0);
}

export function validName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

function select(c: Client, argv: string[], srv: Server): void {
  const id = parseInteger(argv[1]);
  if (id === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  if (id < 0 || id >= srv.dbs.length) {
    c.out.error(E.DB_RANGE);
    return;
  }
  c.dbIndex = id;
  c.db = srv.dbs[id];
  c.out.ok();
}

function reset(c: Client, _argv: string[], srv: Server): void {
  c.multi = null;
  c.multiError = false;
  srv.unwatchAll(c);
  srv.pubsub.unsubscribeAll(c, false);
  srv.tracking.disable(c);
  c.out.len = 0;
  c.dbIndex = 0;
  c.db = srv.dbs[0];
  c.name = "";
  c.resp = 2;
  c.replyMode = "on";
  c.authenticated = srv.config.get("requirepass") === "";
  c.out.simple("RESET");
}

// --- CLIENT ------------------------------------------------------------------

function clientFlags(c: Client): string {
  let f = c.flagsExtra;
  if (c.kind === "replica") f += "S";
  if (c.kind === "master") f += "M";
  if (c.info.addr.startsWith("/")) f += "U"; // (a Unix socket connection)
  if (c.subscriptionCount) f += "P";
  if (c.multi) f += "x";
  if (c.blocked) f += "b";
  f += trackingFlags(c);
  if (c.watchDirty) f += "d";
  if (c.closing) f += "A";
  return f || "N";
}

export function clientInfoLine(c: Client): string {
  const now = Date.now();
  const omem = c.sink.pendingBytes();
  const multi = c.multi ? c.multi.length : -1;
  return `id=${c.id} addr=${c.info.addr} laddr=${c.info.laddr} fd=${c.info.fd} name=${c.name} ` +
    `age=${Math.floor((now - c.ctime) / 1000)} idle=${
      Math.floor((now - c.lastInteraction) / 1000)
    } ` +
    `flags=${clientFlags(c)} db=${c.dbIndex} sub=${c.channels.size} psub=${c.patterns.size} ` +
    `ssub=${c.shardChannels.size} multi=${multi} qbuf=0 qbuf-free=0 argv-mem=0 ` +
    `multi-mem=0 rbs=1024 rbp=0 obl=${c.out.len} oll=0 omem=${omem} tot-mem=${
      2048 + omem + c.out.buf.length
    } ` +
    `events=r cmd=${c.lastCommand} user=default redir=${trackingRedirect(c)} resp=${c.resp}`;
}

function clientType(c: Client): string {
  if (c.kind === "replica") return "replica";
  if (c.kind === "master") return "master";
  if (c.subscriptionCount) return "pubsub";
  return "normal";
}

const CLIENT_TYPES = new Set(["normal", "master", "replica", "slave", "pubsub"]);

function clientList(c: Client, argv: string[], srv: Server): void {
  let type: string | null = null;
  let ids: Set<number> | null = null;
  if (argv.length === 4 && argv[2].toLowerCase() === "type") {
    type = argv[3].toLowerCase();
    if (type === "slave") type = "replica";
    if (!CLIENT_TYPES.has(type)) {
      c.out.error(`ERR Unknown client type '${argv[3]}'`);
      return;
    }
  } else if (argv.length > 3 && argv[2].toLowerCase() === "id") {
    ids = new Set();
    for (const a of argv.slice(3)) {
      const n = parseInteger(a);
      if (n === null || n <= 0) {
        c.out.error("ERR Invalid client ID");
        return;
      }
      ids.add(n);
    }
  } else if (argv.length !== 2) {
    c.out.error(E.SYNTAX);
    return;
  }
  let s = "";
  for (const cl of srv.clients.values()) {
    if (type && clientType(cl) !== type) continue;
    if (ids && !ids.has(cl.id)) continue;
    s += clientInfoLine(cl) + "\n";
  }
  c.out.verbatim(s);
}

function clientKill(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 3) {
    // old form: CLIENT KILL addr:port
    const target = [...srv.clients.values()].find((x) => x.info.addr === argv[2]);
    if (!target) {
      c.out.error("ERR No such client");
      return;
    }
    srv.closeClient(target, target === c);
    c.out.ok();
    return;
  }
  if (argv.length % 2 !== 0) {
    c.out.error(E.SYNTAX);
    return;
  }
  let id: number | null = null, addr: string | null = null, laddr: string | null = null;
  let type: string | null = null, user: string | null = null, skipme = true;
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].toLowerCase(), v = argv[i + 1];
    if (k === "id") {
      id = parseInteger(v);
      if (id === null || id <= 0) {
        c.out.error("ERR client-id should be greater than 0");
        return;
      }
    } else if (k === "addr") addr = v;
    else if (k === "laddr") laddr = v;
    else if (k === "type") {
      type = v.toLowerCase();
      if (type === "slave") type = "replica";
      if (!CLIENT_TYPES.has(type)) {
        c.out.error(`ERR Unknown client type '${v}'`);
        return;
      }
    } else if (k === "user") user = v;
    else if (k === "skipme") {
      const l = v.toLowerCase();
      if (l !== "yes" && l !== "no") {
        c.out.error(E.SYNTAX);
        return;
      }
      skipme = l === "yes";
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  let killed = 0;
  for (const cl of [...srv.clients.values()]) {
    if (id !== null && cl.id !== id) continue;
    if (addr !== null && cl.info.addr !== addr) continue;
    if (laddr !== null && cl.info.laddr !== laddr) continue;
    if (type !== null && clientType(cl) !== type) continue;
    if (user !== null && user !== "default") continue;
    if (cl === c && skipme) continue;
    srv.closeClient(cl, cl === c);
    killed++;
  }
  c.out.int(killed);
}

function clientPause(c: Client, argv: string[], srv: Server): void {
  const ms = parseInteger(argv[2]);
  if (ms === null || ms < 0) {
    c.out.error("ERR timeout is not an integer or out of range");
    return;
  }
  let all = true;
  if (argv.length === 4) {
    const m = argv[3].toLowerCase();
    if (m === "write") all = false;
    else if (m !== "all") {
      c.out.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  } else if (argv.length > 4) {
    c.out.error(E.SYNTAX);
    return;
  }
  const end = Date.now() + ms;
  // a stricter or longer pause wins, as in Redis
  if (!srv.pauseEnd || end > srv.pauseEnd) srv.pauseEnd = end;
  srv.pauseAll = srv.pauseAll || all;
  c.out.ok();
}

function clientReply(c: Client, argv: string[]): void {
  const m = argv[2].toLowerCase();
  if (m === "on") {
    c.replyMode = "on";
    c.out.ok();
  } else if (m === "off") c.replyMode = "off";
  else if (m === "skip") {
    if (c.replyMode === "on") c.replyMode = "skip";
  } else c.out.error(E.SYNTAX);
}

function clientUnblock(c: Client, argv: string[], srv: Server): void {
  const id = parseInteger(argv[2]);
  if (id === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  let withError = false;
  if (argv.length === 4) {
    const m = argv[3].toLowerCase();
    if (m === "error") withError = true;
    else if (m !== "timeout") {
      c.out.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  const target = srv.clients.get(id);
  if (!target || !target.blocked) {
    c.out.int(0);
    return;
  }
  if (withError) {
    srv.unblock(target, false);
    target.out.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    srv.markPending(target);
  } else srv.unblock(target, true);
  queueMicrotask(() => {
    srv.processQueue(target);
    srv.flush();
  });
  c.out.int(1);
}

const CLIENT_HELP = [
  "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "    * ID <client-id>",
  "      Kill connections by client id.",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "HELP",
  "    Print this help.",
];

function sub(
  name: string,
  arity: number,
  handler: CommandSpec["handler"],
  summary: string,
  flags: CommandSpec["flags"] = ["admin", "noscript", "loading", "stale"],
): CommandSpec {
  return {
    name: "client|" + name,
    arity,
    flags,
    group: "connection",
    since: "2.4.0",
    summary,
    handler,
  };
}

export const connectionCommands: CommandSpec[] = [
  {
    name: "ping",
    arity: -1,
    flags: ["fast"],
    group: "connection",
    since: "1.0.0",
    summary: "Ping the server",
    handler(c, argv) {
      if (argv.length > 2) {
        c.out.error("ERR wrong number of arguments for 'ping' command");
        return;
      }
      if (c.subscriptionCount && c.resp === 2) {
        c.out.array(2);
        c.out.bulk("pong");
        c.out.bulk(argv.length === 2 ? argv[1] : "");
      } else if (argv.length === 2) c.out.bulk(argv[1]);
      else c.out.simple("PONG");
    },
  },
  {
    name: "echo",
    arity: 2,
    flags: ["fast", "stale", "loading"],
    group: "connection",
    since: "1.0.0",
    summary: "Echo the given string",
    handler(c, argv) {
      c.out.bulk(argv[1]);
    },
  },
  {
    name: "quit",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    group: "connection",
    since: "1.0.0",
    summary: "Close the connection",
    handler(c, _argv, srv) {
      c.out.ok();
      srv.closeClient(c, true);
    },
  },
  {
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    group: "connection",
    since: "1.0.0",
    summary: "Change the selected database for the current connection",
    handler: select,
  },
  {
    name: "auth",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    group: "connection",
    since: "1.0.0",
    summary: "Authenticate to the server",
    handler: auth,
  },
  {
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    group: "connection",
    since: "6.0.0",
    summary: "Handshake with Redis",
    handler: hello,
  },
  {
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    group: "connection",
    since: "6.2.0",
    summary: "Reset the connection",
    handler: reset,
  },
  {
    name: "client",
    arity: -2,
    flags: [],
    group: "connection",
    since: "2.4.0",
    summary: "A container for client connection commands",
    subcommands: [
      sub("id", 2, (c) => c.out.int(c.id), "Returns the client ID for the current connection", [
        "noscript",
        "loading",
        "stale",
      ]),
      sub("getname", 2, (c) => c.out.bulk(c.name || null), "Get the current connection name", [
        "noscript",
        "loading",
        "stale",
      ]),
      sub(
        "setname",
        3,
        (c, argv) => {
          if (!validName(argv[2])) {
            c.out.error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
          }
          c.name = argv[2];
          c.out.ok();
        },
        "Set the current connection name",
        ["noscript", "loading", "stale"],
      ),
      sub("list", -2, clientList, "Get the list of client connections"),
      sub(
        "info",
        2,
        (c) => c.out.verbatim(clientInfoLine(c) + "\n"),
        "Returns information about the current client connection.",
        ["noscript", "loading", "stale"],
      ),
      sub("kill", -3, clientKill, "Kill the connection of a client"),
      sub("pause", -3, clientPause, "Stop processing commands from clients for some time"),
      sub("unpause", 2, (c, _a, srv) => {
        srv.unpause();
        c.out.ok();
      }, "Resume processing of clients that were paused"),
      sub("reply", 3, clientReply, "Instruct the server whether to reply to commands", [
        "noscript",
        "loading",
        "stale",
      ]),
      sub(
        "unblock",
        -3,
        clientUnblock,
        "Unblock a client blocked in a blocking command from a different connection",
      ),
      sub("no-evict", 3, (c, argv) => {
        const m = argv[2].toLowerCase();
        if (m === "on" || m === "off") c.out.ok();
        else c.out.error(E.SYNTAX);
      }, "Set client eviction mode for the current connection"),
      ...trackingSubcommands,
      sub(
        "help",
        2,
        (c) => replyHelp(c, CLIENT_HELP),
        "Show helpful text about the different subcommands",
        [
          "loading",
          "stale",
        ],
      ),
    ],
  },
];
