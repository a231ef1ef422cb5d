// Pub/sub commands: (P|S)SUBSCRIBE (P|S)UNSUBSCRIBE PUBLISH SPUBLISH PUBSUB.
// State and fan-out live in keyspace/pubsub.ts; the owner enforces the
// RESP2 subscribed-context rule before these handlers run.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { globMatch } from "../keyspace/glob.ts";
import { type CommandSpec, replyHelp } from "./spec.ts";

function subscribe(c: Client, argv: string[], srv: Server): void {
  for (let i = 1; i < argv.length; i++) srv.pubsub.subscribe(c, argv[i]);
}

function unsubscribe(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 1) srv.pubsub.unsubscribeAll(c, true, "channels");
  else for (let i = 1; i < argv.length; i++) srv.pubsub.unsubscribe(c, argv[i], true);
}

function psubscribe(c: Client, argv: string[], srv: Server): void {
  for (let i = 1; i < argv.length; i++) srv.pubsub.psubscribe(c, argv[i]);
}

function punsubscribe(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 1) srv.pubsub.unsubscribeAll(c, true, "patterns");
  else for (let i = 1; i < argv.length; i++) srv.pubsub.punsubscribe(c, argv[i], true);
}

function ssubscribe(c: Client, argv: string[], srv: Server): void {
  if (srv.inExec) {
    // Redis refuses it where a client must get exactly one reply per command
    srv.replyError(c, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    return;
  }
  for (let i = 1; i < argv.length; i++) srv.pubsub.ssubscribe(c, argv[i]);
}

function sunsubscribe(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 1) srv.pubsub.unsubscribeAll(c, true, "shard");
  else for (let i = 1; i < argv.length; i++) srv.pubsub.sunsubscribe(c, argv[i], true);
}

/** PUBLISH and SPUBLISH reach replicas even though they change no key. */
function forcePropagation(c: Client, argv: string[], srv: Server): void {
  if (c.kind !== "master") srv.propagate(c.dbIndex, argv);
}

function publish(c: Client, argv: string[], srv: Server): void {
  const n = srv.pubsub.publish(argv[1], argv[2]);
  forcePropagation(c, argv, srv);
  c.out.int(n);
}

function spublish(c: Client, argv: string[], srv: Server): void {
  const n = srv.pubsub.spublish(argv[1], argv[2]);
  forcePropagation(c, argv, srv);
  c.out.int(n);
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]. */
function listChannels(shard: boolean) {
  return (c: Client, argv: string[], srv: Server): void => {
    if (argv.length > 3) {
      srv.replyError(
        c,
        `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try PUBSUB HELP.`,
      );
      return;
    }
    const pattern = argv.length === 3 ? argv[2] : null;
    const names: string[] = [];
    for (const ch of (shard ? srv.pubsub.shardChannels : srv.pubsub.channels).keys()) {
      if (pattern === null || globMatch(pattern, ch)) names.push(ch);
    }
    c.out.bulks(names);
  };
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]. */
function numsub(shard: boolean) {
  return (c: Client, argv: string[], srv: Server): void => {
    const m = shard ? srv.pubsub.shardChannels : srv.pubsub.channels;
    c.out.array(2 * (argv.length - 2));
    for (let i = 2; i < argv.length; i++) {
      c.out.bulk(argv[i]);
      c.out.int(m.get(argv[i])?.size ?? 0);
    }
  };
}

const PUBSUB_HELP = [
  "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
  "HELP",
  "    Prints this help.",
];

const SUB_FLAGS: CommandSpec["flags"] = ["pubsub", "noscript", "loading", "stale"];
const ACL_SLOW = ["pubsub", "slow"];

function pubsubSub(
  name: string,
  arity: number,
  since: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
): CommandSpec {
  return {
    name: "pubsub|" + name,
    arity,
    flags: name === "help" ? ["loading", "stale"] : ["pubsub", "loading", "stale"],
    acl: name === "help" ? ["slow"] : ACL_SLOW,
    group: "pubsub",
    since,
    summary,
    complexity,
    handler,
  };
}

export const pubsubCommands: CommandSpec[] = [
  {
    name: "subscribe",
    arity: -2,
    flags: SUB_FLAGS,
    acl: ACL_SLOW,
    group: "pubsub",
    since: "2.0.0",
    summary: "Listen for messages published to the given channels",
    complexity: "O(N) where N is the number of channels to subscribe to.",
    handler: subscribe,
  },
  {
    name: "unsubscribe",
    arity: -1,
    flags: SUB_FLAGS,
    acl: ACL_SLOW,
    group: "pubsub",
    since: "2.0.0",
    summary: "Stop listening for messages posted to the given channels",
    complexity: "O(N) where N is the number of clients already subscribed to a channel.",
    handler: unsubscribe,
  },
  {
    name: "psubscribe",
    arity: -2,
    flags: SUB_FLAGS,
    acl: ACL_SLOW,
    group: "pubsub",
    since: "2.0.0",
    summary: "Listen for messages published to channels matching the given patterns",
    complexity: "O(N) where N is the number of patterns the client is already subscribed to.",
    handler: psubscribe,
  },
  {
    name: "punsubscribe",
    arity: -1,
    flags: SUB_FLAGS,
    acl: ACL_SLOW,
    group: "pubsub",
    since: "2.0.0",
    summary: "Stop listening for messages posted to channels matching the given patterns",
    complexity:
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
    handler: punsubscribe,
  },
  {
    name: "ssubscribe",
    arity: -2,
    flags: SUB_FLAGS,
    keys: [1, -1, 1],
    acl: ACL_SLOW,
    group: "pubsub",
    since: "7.0.0",
    summary: "Listen for messages published to the given shard channels",
    complexity: "O(N) where N is the number of shard channels to subscribe to.",
    handler: ssubscribe,
  },
  {
    name: "sunsubscribe",
    arity: -1,
    flags: SUB_FLAGS,
    keys: [1, -1, 1],
    acl: ACL_SLOW,
    group: "pubsub",
    since: "7.0.0",
    summary: "Stop listening for messages posted to the given shard channels",
    complexity: "O(N) where N is the number of clients already subscribed to a shard channel.",
    handler: sunsubscribe,
  },
  {
    name: "publish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast"],
    acl: ["pubsub", "fast"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Post a message to a channel",
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    handler: publish,
  },
  {
    name: "spublish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast"],
    keys: [1, 1, 1],
    acl: ["pubsub", "fast"],
    group: "pubsub",
    since: "7.0.0",
    summary: "Post a message to a shard channel",
    complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    handler: spublish,
  },
  {
    name: "pubsub",
    arity: -2,
    flags: [],
    acl: ["slow"],
    group: "pubsub",
    since: "2.8.0",
    summary: "A container for Pub/Sub commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      pubsubSub(
        "channels",
        -2,
        "2.8.0",
        "List active channels",
        "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        listChannels(false),
      ),
      pubsubSub(
        "numsub",
        -2,
        "2.8.0",
        "Get the count of subscribers for channels",
        "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        numsub(false),
      ),
      pubsubSub(
        "numpat",
        2,
        "2.8.0",
        "Get the count of unique patterns pattern subscriptions",
        "O(1)",
        (c, _argv, srv) => c.out.int(srv.pubsub.patterns.size),
      ),
      pubsubSub(
        "shardchannels",
        -2,
        "7.0.0",
        "List active shard channels",
        "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
        listChannels(true),
      ),
      pubsubSub(
        "shardnumsub",
        -2,
        "7.0.0",
        "Get the count of subscribers for shard channels",
        "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        numsub(true),
      ),
      pubsubSub(
        "help",
        2,
        "6.2.0",
        "Show helpful text about the different subcommands",
        "O(1)",
        (c) => replyHelp(c, PUBSUB_HELP),
      ),
    ],
  },
];
