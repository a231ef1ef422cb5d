// Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP
// SRANDMEMBER SMOVE SINTER SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE
// SDIFFSTORE SSCAN.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Value } from "../keyspace/db.ts";
import { globMatch } from "../keyspace/glob.ts";
import { RedisSet } from "../keyspace/types/set.ts";
import { type CommandSpec, E, eqi, parseInteger, readKey, typedValue } from "./spec.ts";
import {
  distinctRandomSlots,
  MAX_RANDOM_REPLY,
  parseRandomCount,
  parseScanCursor,
  parseScanOptions,
  replyEmptyScan,
  scanWindow,
} from "./hashes.ts";

// --- configuration ---------------------------------------------------------

const limitsCache = new WeakMap<Server, { maxIntset: number }>();

/** set-max-intset-entries, kept current by a config listener. */
export function setMaxIntset(srv: Server): number {
  let lim = limitsCache.get(srv);
  if (lim === undefined) {
    const l = { maxIntset: srv.config.int("set-max-intset-entries") };
    srv.config.listeners.push((name) => {
      if (name.startsWith("set-max-")) l.maxIntset = srv.config.int("set-max-intset-entries");
    });
    limitsCache.set(srv, lim = l);
  }
  return lim.maxIntset;
}

// --- helpers -------------------------------------------------------------------

function asSet(c: Client, v: Value | undefined): RedisSet | undefined | null {
  return typedValue<RedisSet>(c, v, "set");
}

// --- commands --------------------------------------------------------------------

function sadd(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  let s = asSet(c, c.db.get(key));
  if (s === null) return;
  const created = s === undefined;
  if (s === undefined) s = RedisSet.forMember(argv[2]);
  const max = setMaxIntset(srv);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i], max)) added++;
  if (created) c.db.set(key, s);
  else if (added) srv.signalModified(c.db, key);
  srv.dirty += added;
  c.out.int(added);
}

function srem(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const s = asSet(c, c.db.get(key));
  if (s === null) return;
  if (s === undefined) {
    c.out.int(0);
    return;
  }
  let removed = 0;
  for (let i = 2; i < argv.length; i++) {
    if (s.delete(argv[i])) {
      removed++;
      if (s.size === 0) break;
    }
  }
  if (removed) {
    if (s.size === 0) c.db.delete(key);
    else srv.signalModified(c.db, key);
    srv.dirty += removed;
  }
  c.out.int(removed);
}

/** Members as a set reply (RESP2: an array). */
function replySet(c: Client, members: string[]): void {
  c.out.set(members.length);
  for (const m of members) c.out.bulk(m);
}

function smembers(c: Client, argv: string[], srv: Server): void {
  const s = asSet(c, readKey(c, argv[1], srv));
  if (s === null) return;
  replySet(c, s === undefined ? [] : s.members() as string[]);
}

function sismember(c: Client, argv: string[], srv: Server): void {
  const s = asSet(c, readKey(c, argv[1], srv));
  if (s === null) return;
  c.out.int(s !== undefined && s.has(argv[2]) ? 1 : 0);
}

function smismember(c: Client, argv: string[], srv: Server): void {
  const s = asSet(c, readKey(c, argv[1], srv));
  if (s === null) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.out.int(s !== undefined && s.has(argv[i]) ? 1 : 0);
}

function scard(c: Client, argv: string[], srv: Server): void {
  const s = asSet(c, readKey(c, argv[1], srv));
  if (s === null) return;
  c.out.int(s === undefined ? 0 : s.size);
}

function spop(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  if (argv.length === 2) {
    const s = asSet(c, c.db.get(key));
    if (s === null) return;
    if (s === undefined) {
      c.out.nil();
      return;
    }
    const m = s.popRandom();
    if (s.size === 0) c.db.delete(key);
    else srv.signalModified(c.db, key);
    srv.dirty++;
    srv.rewritePropagation(["SREM", key, m]);
    c.out.bulk(m);
    return;
  }
  if (argv.length > 3) {
    c.out.error(E.SYNTAX);
    return;
  }
  const count = parseInteger(argv[2]);
  if (count === null || count < 0) {
    c.out.error(E.NOT_POSITIVE("value"));
    return;
  }
  const s = asSet(c, c.db.get(key));
  if (s === null) return;
  if (s === undefined || count === 0) {
    c.out.set(0);
    return;
  }
  const size = s.size;
  if (count >= size) {
    // the whole set: reply it and delete the key
    replySet(c, s.members() as string[]);
    c.db.delete(key);
    srv.dirty += size;
    srv.rewritePropagation(["DEL", key]);
    return;
  }
  c.out.set(count);
  const props: string[][] = [];
  for (let k = 0; k < count; k++) {
    const m = s.popRandom();
    c.out.bulk(m);
    props.push(["SREM", key, m]);
  }
  srv.signalModified(c.db, key);
  srv.dirty += count;
  // Redis 7.0 propagates one SREM per member; Server.call wraps a command's
  // several propagated writes in MULTI/EXEC
  srv.rewritePropagation(...props);
}

function srandmember(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 2) {
    const s = asSet(c, readKey(c, argv[1], srv));
    if (s === null) return;
    c.out.bulk(s === undefined ? null : s.memberAt(s.randomSlot()));
    return;
  }
  if (argv.length > 3) {
    c.out.error(E.SYNTAX);
    return;
  }
  const count = parseRandomCount(c, argv[2]);
  if (count === null) return;
  const s = asSet(c, readKey(c, argv[1], srv));
  if (s === null) return;
  if (s === undefined || count === 0) {
    c.out.array(0);
    return;
  }
  if (count < 0) {
    const n = -count;
    if (n > MAX_RANDOM_REPLY) {
      c.out.error("ERR value is out of range");
      return;
    }
    c.out.array(n);
    for (let k = 0; k < n; k++) c.out.bulk(s.memberAt(s.randomSlot()));
    return;
  }
  const size = s.size;
  if (count >= size) {
    c.out.bulks(s.members() as string[]);
    return;
  }
  const slots = distinctRandomSlots(size, count);
  c.out.array(count);
  for (const i of slots) c.out.bulk(s.memberAt(i));
}

function smove(c: Client, argv: string[], srv: Server): void {
  const [, src, dst, m] = argv;
  const srcV = c.db.get(src);
  const dstV = c.db.get(dst);
  if (srcV === undefined) {
    c.out.int(0);
    return;
  }
  const from = asSet(c, srcV);
  if (from === null) return;
  let to = asSet(c, dstV);
  if (to === null) return;
  if (from === to) {
    c.out.int(from!.has(m) ? 1 : 0);
    return;
  }
  if (!from!.delete(m)) {
    c.out.int(0);
    return;
  }
  if (from!.size === 0) c.db.delete(src);
  else srv.signalModified(c.db, src);
  srv.dirty++;
  if (to === undefined) {
    to = RedisSet.forMember(m);
    to.add(m, setMaxIntset(srv));
    c.db.set(dst, to);
    srv.dirty++;
  } else {
    if (to.add(m, setMaxIntset(srv))) srv.dirty++;
    srv.signalModified(c.db, dst);
  }
  c.out.int(1);
}

/**
 * The sets at `keys`, type-checked all (a missing key is undefined). Source
 * keys of a STORE variant are looked up for writing (no hit/miss stats).
 * Null after replying WRONGTYPE.
 */
function lookupSets(
  c: Client,
  srv: Server,
  keys: string[],
  forStore: boolean,
): (RedisSet | undefined)[] | null {
  const sets: (RedisSet | undefined)[] = [];
  for (const k of keys) {
    const s = asSet(c, forStore ? c.db.get(k) : readKey(c, k, srv));
    if (s === null) return null;
    sets.push(s);
  }
  return sets;
}

/** Store a computed set at dst (or delete dst when empty) and reply its size. */
function storeResult(c: Client, srv: Server, dst: string, result: RedisSet): void {
  if (result.size > 0) {
    c.db.set(dst, result);
    srv.dirty++;
  } else if (c.db.delete(dst)) {
    srv.dirty++;
  }
  c.out.int(result.size);
}

function interGeneric(
  c: Client,
  srv: Server,
  keys: string[],
  dst: string | null,
  cardOnly: boolean,
  limit: number,
): void {
  const found = lookupSets(c, srv, keys, dst !== null);
  if (found === null) return;
  if (found.some((s) => s === undefined)) {
    // a missing key is an empty set: the intersection is empty
    if (dst !== null) {
      if (c.db.delete(dst)) srv.dirty++;
      c.out.int(0);
    } else if (cardOnly) c.out.int(0);
    else c.out.set(0);
    return;
  }
  const sets = (found as RedisSet[]).slice().sort((a, b) => a.size - b.size);
  const first = sets[0];
  const out: string[] = [];
  let card = 0;
  for (const m of first.members()) {
    let inAll = true;
    for (let j = 1; j < sets.length; j++) {
      if (sets[j] !== first && !sets[j].has(m)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    if (cardOnly) {
      card++;
      if (limit && card >= limit) break;
    } else out.push(m);
  }
  if (cardOnly) c.out.int(card);
  else if (dst !== null) storeResult(c, srv, dst, RedisSet.from(out, setMaxIntset(srv)));
  else replySet(c, out);
}

function unionDiffGeneric(
  c: Client,
  srv: Server,
  keys: string[],
  dst: string | null,
  diff: boolean,
): void {
  const sets = lookupSets(c, srv, keys, dst !== null);
  if (sets === null) return;
  const max = setMaxIntset(srv);
  const result = new RedisSet(true);
  if (!diff) {
    for (const s of sets) {
      if (s !== undefined) { for (const m of s.members()) result.add(m, max); }
    }
  } else if (sets[0] !== undefined) {
    const first = sets[0];
    const others = sets.slice(1).filter((s): s is RedisSet => s !== undefined && s.size > 0);
    if (!others.includes(first)) {
      for (const m of first.members()) {
        let keep = true;
        for (const o of others) {
          if (o.has(m)) {
            keep = false;
            break;
          }
        }
        if (keep) result.add(m, max);
      }
    }
  }
  if (dst !== null) storeResult(c, srv, dst, result);
  else replySet(c, result.members() as string[]);
}

function sinter(c: Client, argv: string[], srv: Server): void {
  interGeneric(c, srv, argv.slice(1), null, false, 0);
}

function sinterstore(c: Client, argv: string[], srv: Server): void {
  interGeneric(c, srv, argv.slice(2), argv[1], false, 0);
}

function sintercard(c: Client, argv: string[], srv: Server): void {
  const numkeys = parseInteger(argv[1]);
  if (numkeys === null || numkeys < 1) {
    c.out.error("ERR numkeys should be greater than 0");
    return;
  }
  if (numkeys > argv.length - 2) {
    c.out.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j += 2) {
    if (argv.length - j >= 2 && eqi(argv[j], "limit")) {
      const l = parseInteger(argv[j + 1]);
      if (l === null || l < 0) {
        c.out.error("ERR LIMIT can't be negative");
        return;
      }
      limit = l;
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  interGeneric(c, srv, argv.slice(2, 2 + numkeys), null, true, limit);
}

function sunion(c: Client, argv: string[], srv: Server): void {
  unionDiffGeneric(c, srv, argv.slice(1), null, false);
}

function sunionstore(c: Client, argv: string[], srv: Server): void {
  unionDiffGeneric(c, srv, argv.slice(2), argv[1], false);
}

function sdiff(c: Client, argv: string[], srv: Server): void {
  unionDiffGeneric(c, srv, argv.slice(1), null, true);
}

function sdiffstore(c: Client, argv: string[], srv: Server): void {
  unionDiffGeneric(c, srv, argv.slice(2), argv[1], true);
}

function sscan(c: Client, argv: string[], srv: Server): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) {
    c.out.error("ERR invalid cursor");
    return;
  }
  const s = asSet(c, readKey(c, argv[1], srv));
  if (s === null) return;
  if (s === undefined) {
    replyEmptyScan(c);
    return;
  }
  const opts = parseScanOptions(c, argv, 3);
  if (opts === null) return;
  const pat = opts.pattern;
  const out: string[] = [];
  let next = "0";
  if (s.isIntset) {
    // an intset is small: all of it in one reply, in ascending order
    for (const m of s.members()) if (pat === null || globMatch(pat, m)) out.push(m);
  } else {
    const w = scanWindow(s.size, cursor, opts.count);
    next = w.next;
    for (let i = w.from; i >= w.to; i--) {
      const m = s.memberAt(i);
      if (pat === null || globMatch(pat, m)) out.push(m);
    }
  }
  c.out.array(2);
  c.out.bulk(next);
  c.out.bulks(out);
}

// --- declarations ------------------------------------------------------------------

function sintercardKeys(argv: string[]): string[] {
  const n = parseInteger(argv[1] ?? "");
  if (n === null || n < 1 || n > argv.length - 2) return [];
  return argv.slice(2, 2 + n);
}

function spec(
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  keys: [number, number, number],
  acl: string[],
  since: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
): CommandSpec {
  return { name, arity, flags, keys, acl, group: "set", since, summary, complexity, handler };
}

const ONE: [number, number, number] = [1, 1, 1];
const ALL: [number, number, number] = [1, -1, 1];
const WF = ["write", "set", "fast"];
const WS = ["write", "set", "slow"];
const RF = ["read", "set", "fast"];
const RS = ["read", "set", "slow"];
const INTER_COMPLEXITY =
  "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
const UNION_COMPLEXITY = "O(N) where N is the total number of elements in all given sets.";

export const setCommands: CommandSpec[] = [
  spec(
    "sadd",
    -3,
    ["write", "denyoom", "fast"],
    ONE,
    WF,
    "1.0.0",
    "Add one or more members to a set",
    "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    sadd,
  ),
  spec(
    "srem",
    -3,
    ["write", "fast"],
    ONE,
    WF,
    "1.0.0",
    "Remove one or more members from a set",
    "O(N) where N is the number of members to be removed.",
    srem,
  ),
  spec(
    "smembers",
    2,
    ["readonly"],
    ONE,
    RS,
    "1.0.0",
    "Get all the members in a set",
    "O(N) where N is the set cardinality.",
    smembers,
  ),
  spec(
    "sismember",
    3,
    ["readonly", "fast"],
    ONE,
    RF,
    "1.0.0",
    "Determine if a given value is a member of a set",
    "O(1)",
    sismember,
  ),
  spec(
    "smismember",
    -3,
    ["readonly", "fast"],
    ONE,
    RF,
    "6.2.0",
    "Returns the membership associated with the given elements for a set",
    "O(N) where N is the number of elements being checked for membership",
    smismember,
  ),
  spec(
    "scard",
    2,
    ["readonly", "fast"],
    ONE,
    RF,
    "1.0.0",
    "Get the number of members in a set",
    "O(1)",
    scard,
  ),
  spec(
    "spop",
    -2,
    ["write", "fast"],
    ONE,
    WF,
    "1.0.0",
    "Remove and return one or multiple random members from a set",
    "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    spop,
  ),
  spec(
    "srandmember",
    -2,
    ["readonly"],
    ONE,
    RS,
    "1.0.0",
    "Get one or multiple random members from a set",
    "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    srandmember,
  ),
  spec(
    "smove",
    4,
    ["write", "fast"],
    [1, 2, 1],
    WF,
    "1.0.0",
    "Move a member from one set to another",
    "O(1)",
    smove,
  ),
  spec(
    "sinter",
    -2,
    ["readonly"],
    ALL,
    RS,
    "1.0.0",
    "Intersect multiple sets",
    INTER_COMPLEXITY,
    sinter,
  ),
  {
    ...spec(
      "sintercard",
      -3,
      ["readonly", "movablekeys"],
      [0, 0, 0],
      RS,
      "7.0.0",
      "Intersect multiple sets and return the cardinality of the result",
      INTER_COMPLEXITY,
      sintercard,
    ),
    getKeys: sintercardKeys,
  },
  spec(
    "sunion",
    -2,
    ["readonly"],
    ALL,
    RS,
    "1.0.0",
    "Add multiple sets",
    UNION_COMPLEXITY,
    sunion,
  ),
  spec(
    "sdiff",
    -2,
    ["readonly"],
    ALL,
    RS,
    "1.0.0",
    "Subtract multiple sets",
    UNION_COMPLEXITY,
    sdiff,
  ),
  spec(
    "sinterstore",
    -3,
    ["write", "denyoom"],
    ALL,
    WS,
    "1.0.0",
    "Intersect multiple sets and store the resulting set in a key",
    INTER_COMPLEXITY,
    sinterstore,
  ),
  spec(
    "sunionstore",
    -3,
    ["write", "denyoom"],
    ALL,
    WS,
    "1.0.0",
    "Add multiple sets and store the resulting set in a key",
    UNION_COMPLEXITY,
    sunionstore,
  ),
  spec(
    "sdiffstore",
    -3,
    ["write", "denyoom"],
    ALL,
    WS,
    "1.0.0",
    "Subtract multiple sets and store the resulting set in a key",
    UNION_COMPLEXITY,
    sdiffstore,
  ),
  spec(
    "sscan",
    -3,
    ["readonly"],
    ONE,
    RS,
    "2.8.0",
    "Incrementally iterate Set elements",
    "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    sscan,
  ),
];
