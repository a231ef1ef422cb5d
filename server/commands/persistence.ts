// Persistence commands: SAVE, BGSAVE, DUMP, RESTORE (LASTSAVE is in
// server.ts), and the DEBUG RELOAD / SET-SKIP-CHECKSUM-VALIDATION
// subcommands (plugged into debug.ts through debugHooks). The machinery is
// in server/persistence/.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { bytesToStr, strToBytes } from "../resp/bytes.ts";
import { log } from "../log.ts";
import { persistence } from "../persistence/manager.ts";
import { dumpPayload } from "../persistence/rdb_writer.ts";
import { parseDumpValue, RdbError, verifyDumpPayload } from "../persistence/rdb_reader.ts";
import { valueBuilder } from "../persistence/objects.ts";
import { loadRdbFile, rdbPath } from "../persistence/rdb_file.ts";
import { type CommandFlag, type CommandSpec, E, parseInteger, readKey } from "./spec.ts";
import { debugHooks } from "./debug.ts";
import { flushAllHooks } from "./server.ts";

// --- SAVE / BGSAVE ------------------------------------------------------------

function save(c: Client, _argv: string[], srv: Server): void {
  const p = persistence(srv);
  if (p.bgJob) {
    c.out.error("ERR Background save already in progress");
    return;
  }
  if (p.saveSync()) c.out.ok();
  else c.out.error("ERR");
}

function bgsave(c: Client, argv: string[], srv: Server): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && argv[1].toLowerCase() === "schedule") schedule = true;
    else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  void schedule; // no other background work ever holds a BGSAVE back here
  const p = persistence(srv);
  if (p.bgJob) {
    c.out.error("ERR Background save already in progress");
    return;
  }
  if (srv.inExec) {
    p.bgsaveScheduled = true;
    c.out.simple("Background saving scheduled");
    return;
  }
  const err = p.startBgsave();
  if (err) c.out.error(err);
  else c.out.simple("Background saving started");
}

// --- DUMP / RESTORE --------------------------------------------------------------

function dump(c: Client, argv: string[], srv: Server): void {
  const v = readKey(c, argv[1], srv);
  if (v === undefined) {
    c.out.nil();
    return;
  }
  c.out.bulk(bytesToStr(dumpPayload(v, persistence(srv).encodeOptions())));
}

function restore(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  let replace = false, absttl = false;
  let idle = -1, freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - j - 1;
    if (opt === "replace") replace = true;
    else if (opt === "absttl") absttl = true;
    else if (opt === "idletime" && more >= 1 && freq === -1) {
      const n = parseInteger(argv[j + 1]);
      if (n === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      if (n < 0) {
        c.out.error("ERR Invalid IDLETIME value, must be >= 0");
        return;
      }
      idle = n;
      j++;
    } else if (opt === "freq" && more >= 1 && idle === -1) {
      const n = parseInteger(argv[j + 1]);
      if (n === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      if (n < 0 || n > 255) {
        c.out.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return;
      }
      freq = n;
      j++;
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  // access times and frequencies are not tracked per key: IDLETIME / FREQ are checked only
  void idle;
  void freq;
  const db = c.db;
  if (!replace && db.get(key) !== undefined) {
    c.out.error("BUSYKEY Target key name already exists.");
    return;
  }
  let ttl = parseInteger(argv[2]);
  if (ttl === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  if (ttl < 0) {
    c.out.error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  const p = persistence(srv);
  const payload = strToBytes(argv[3]);
  const end = verifyDumpPayload(payload, p.skipChecksum);
  if (end < 0) {
    c.out.error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  let value;
  try {
    value = parseDumpValue(payload, end, valueBuilder(srv.config));
  } catch (e) {
    if (!(e instanceof RdbError)) throw e;
    c.out.error("ERR Bad data format");
    return;
  }
  let deleted = false;
  if (replace) deleted = db.delete(key);
  if (ttl && !absttl) ttl += srv.now();
  if (ttl && ttl <= Date.now() && !srv.isReplica()) {
    // already expired: the key is gone (and its deletion propagated)
    if (deleted) {
      srv.rewritePropagation([srv.config.bool("lazyfree-lazy-server-del") ? "UNLINK" : "DEL", key]);
      srv.dirty++;
    }
    c.out.ok();
    return;
  }
  db.set(key, value);
  if (ttl) {
    db.setExpire(key, ttl);
    if (!absttl) {
      const prop = argv.slice();
      prop[2] = String(ttl);
      prop.push("ABSTTL");
      srv.rewritePropagation(prop);
    }
  }
  srv.dirty++;
  c.out.ok();
}

// --- DEBUG RELOAD -------------------------------------------------------------------

function debugReload(c: Client, argv: string[], srv: Server): void {
  let merge = false, flush = true, doSave = true;
  for (let j = 2; j < argv.length; j++) {
    const o = argv[j].toLowerCase();
    if (o === "merge") merge = true;
    else if (o === "noflush") flush = false;
    else if (o === "nosave") doSave = false;
    else {
      c.out.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  const p = persistence(srv);
  if (p.bgJob) p.abortBgsave();
  if (doSave && !p.saveSync()) {
    c.out.error("ERR");
    return;
  }
  try {
    p.loading = true;
    const r = loadRdbFile(srv, rdbPath(srv), { verbose: true, merge: merge || !flush });
    if (r === null) throw new Error("no such file");
    p.noteLoaded(r.keysLoaded, r.keysExpired, r.aux);
  } catch (e) {
    log.warning(`Error loading the RDB for DEBUG RELOAD: ${(e as Error).message}`);
    c.out.error("ERR Error trying to load the RDB dump, check server logs.");
    return;
  } finally {
    p.loading = false;
  }
  log.warning("DB reloaded by DEBUG RELOAD");
  c.out.ok();
}

debugHooks.set("reload", debugReload);
debugHooks.set("set-skip-checksum-validation", (c, argv, srv) => {
  if (argv.length !== 3) {
    c.out.error(
      `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`,
    );
    return;
  }
  persistence(srv).skipChecksum = (parseInteger(argv[2]) ?? 0) !== 0;
  c.out.ok();
});

flushAllHooks.push((srv) => persistence(srv).flushall());

// --- declarations ------------------------------------------------------------------

const NO_ASYNC_LOADING = "no_async_loading" as CommandFlag;

export const persistenceCommands: CommandSpec[] = [
  {
    name: "save",
    arity: 1,
    flags: ["admin", "noscript", NO_ASYNC_LOADING, "no_multi"],
    acl: ["admin", "slow", "dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "Synchronously save the dataset to disk",
    complexity: "O(N) where N is the total number of keys in all databases",
    handler: save,
  },
  {
    name: "bgsave",
    arity: -1,
    flags: ["admin", "noscript", NO_ASYNC_LOADING],
    acl: ["admin", "slow", "dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "Asynchronously save the dataset to disk",
    complexity: "O(1)",
    handler: bgsave,
  },
  {
    name: "dump",
    arity: 2,
    flags: ["readonly"],
    keys: [1, 1, 1],
    acl: ["keyspace", "read", "slow"],
    group: "generic",
    since: "2.6.0",
    summary: "Return a serialized version of the value stored at the specified key.",
    complexity:
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    handler: dump,
  },
  {
    name: "restore",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    acl: ["keyspace", "write", "slow", "dangerous"],
    group: "generic",
    since: "2.6.0",
    summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
    complexity:
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
    handler: restore,
  },
];
