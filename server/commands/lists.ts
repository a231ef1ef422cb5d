// List commands: pushes and pops at both ends, index and range access,
// LINSERT LREM LTRIM LPOS, moves between lists, multi-key pops, and the
// blocking forms (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP).
//
// Argument checks come in Redis 7.0's order (some commands parse their
// arguments before looking the key up, some after), so the same bad request
// gets the same error. Where Redis propagates something else than the argv
// (a served blocking pop becomes LPOP/RPOP/LMOVE/RPOPLPUSH, LMPOP becomes
// LPOP/RPOP with the count actually popped) the handler says so.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Value } from "../keyspace/db.ts";
import { RedisList } from "../keyspace/types/list.ts";
import { type CommandSpec, E, eqi, LLONG_MIN, parseBigInt, parseInteger, readKey } from "./spec.ts";

// --- lookups -----------------------------------------------------------------

/** The list at key: undefined if missing, null after replying WRONGTYPE. */
function asList(c: Client, v: Value | undefined): RedisList | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v !== "string" && v.type === "list") return v as RedisList;
  c.out.error(E.WRONGTYPE);
  return null;
}

/** Lookup for writing (no keyspace hit/miss counting, as Redis). */
function writeList(c: Client, key: string): RedisList | undefined | null {
  return asList(c, c.db.get(key));
}

function readList(c: Client, key: string, srv: Server): RedisList | undefined | null {
  return asList(c, readKey(c, key, srv));
}

/** After popping: delete the key if the list is empty, else signal the change. */
function afterPop(c: Client, key: string, l: RedisList, srv: Server): void {
  if (l.length === 0) c.db.delete(key);
  else srv.signalModified(c.db, key);
}

/** LEFT / RIGHT: true for left, false for right, null if neither. */
function side(s: string): boolean | null {
  if (eqi(s, "left")) return true;
  if (eqi(s, "right")) return false;
  return null;
}

/** Are we running inside EXEC (where blocking commands must not block)? */
function mustNotBlock(srv: Server): boolean {
  return srv.inExec;
}

// --- timeouts ---------------------------------------------------------------

const TWO_63 = 9223372036854775808;

/**
 * Position of the most significant digit of a decimal literal (mantissa
 * digits and exponent), i.e. floor(log10(|value|)) for a nonzero value.
 */
function decimalMagnitude(s: string): number {
  const m = /^[+-]?(\d*)\.?(\d*)(?:e([+-]?\d+))?$/i.exec(s);
  if (!m) return 0;
  const exp = Number(m[3] ?? 0);
  const ip = m[1].replace(/^0+/, "");
  if (ip.length) return ip.length - 1 + exp;
  const lead = m[2].match(/^0*/)![0].length;
  return -(lead + 1) + exp;
}

/**
 * A long double as Redis parses one (strtold, nothing before or after, no NaN,
 * no overflow or underflow to zero). Values beyond a double but inside a long
 * double come back as +-Infinity or +-Number.MIN_VALUE (only their sign and
 * size class matter to callers). Null if not a valid number.
 */
export function parseLongDouble(s: string): number | null {
  if (s.length === 0 || s.length >= 5120) return null;
  const l = s.toLowerCase();
  const sign = l[0] === "-" ? -1 : 1;
  const body = l[0] === "-" || l[0] === "+" ? l.slice(1) : l;
  if (body === "inf" || body === "infinity") return sign * Infinity;
  if (/^0x/.test(body)) {
    const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(body);
    if (!m || (m[1] + (m[2] ?? "")).length === 0) return null;
    const digits = m[1] + (m[2] ?? "");
    let v = 0;
    for (const ch of digits) v = v * 16 + parseInt(ch, 16);
    v = v / 16 ** (m[2]?.length ?? 0) * 2 ** Number(m[3] ?? 0);
    return sign * v;
  }
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(body)) return null;
  const v = Number(body);
  const nonzero = /[1-9]/.test(body.replace(/e.*$/, ""));
  if (v === Infinity) {
    // long double reaches ~1.19e4932; past that strtold overflows (an error)
    return decimalMagnitude(body) > 4932 ? null : sign * Infinity;
  }
  if (v === 0 && nonzero) {
    // below a double's range: long double goes down to ~3.6e-4951
    return decimalMagnitude(body) < -4951 ? null : sign * Number.MIN_VALUE;
  }
  return sign * v;
}

/**
 * A blocking command's timeout in seconds (fractions allowed) as Redis 7.0
 * reads it: milliseconds rounded up; 0 waits forever. Returns the relative
 * milliseconds or an error message.
 */
export function parseTimeout(s: string): { ms: number } | { error: string } {
  const v = parseLongDouble(s);
  if (v === null) return { error: E.TIMEOUT_NOT_FLOAT };
  const ms = v * 1000;
  // a value that does not fit a 64-bit integer converts to its most negative value
  if (!(ms < TWO_63 && ms >= -TWO_63)) return { error: E.TIMEOUT_NEGATIVE };
  const t = Math.ceil(ms);
  if (t < 0) return { error: E.TIMEOUT_NEGATIVE };
  return { ms: t === 0 ? 0 : t };
}

/** Parse the timeout or reply its error (null). Returns the absolute deadline, 0 = forever. */
function timeoutArg(c: Client, s: string, srv: Server): number | null {
  const t = parseTimeout(s);
  if ("error" in t) {
    c.out.error(t.error);
    return null;
  }
  return t.ms === 0 ? 0 : srv.now() + t.ms;
}

// --- pushes -------------------------------------------------------------------

function pushGeneric(c: Client, argv: string[], srv: Server, left: boolean, onlyIfExists: boolean) {
  const key = argv[1];
  let l = writeList(c, key);
  if (l === null) return;
  if (l === undefined) {
    if (onlyIfExists) {
      c.out.int(0);
      return;
    }
    l = new RedisList();
    for (let i = 2; i < argv.length; i++) l.push(argv[i], left);
    c.db.set(key, l);
  } else {
    for (let i = 2; i < argv.length; i++) l.push(argv[i], left);
    srv.signalModified(c.db, key);
  }
  srv.dirty += argv.length - 2;
  c.out.int(l.length);
}

// --- pops ---------------------------------------------------------------------

function popGeneric(c: Client, argv: string[], srv: Server, left: boolean): void {
  if (argv.length > 3) {
    c.out.error(`ERR wrong number of arguments for '${left ? "lpop" : "rpop"}' command`);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    const n = parseInteger(argv[2]);
    if (n === null || n < 0) {
      c.out.error(E.NOT_POSITIVE("value"));
      return;
    }
    count = n;
  }
  const key = argv[1];
  const l = writeList(c, key);
  if (l === null) return;
  if (l === undefined) {
    if (count >= 0) c.out.nilArray();
    else c.out.nil();
    return;
  }
  if (count < 0) {
    c.out.bulk(l.pop(left)!);
    srv.dirty++;
  } else {
    const n = Math.min(count, l.length);
    c.out.array(n);
    for (let i = 0; i < n; i++) c.out.bulk(l.pop(left)!);
    if (n === 0) return;
    srv.dirty += n;
  }
  afterPop(c, key, l, srv);
}

/** Pop up to count from a non-empty list and reply [key, [elements]] (the LMPOP shape). */
function mpopReply(
  c: Client,
  key: string,
  l: RedisList,
  left: boolean,
  count: number,
  srv: Server,
) {
  const n = Math.min(count, l.length);
  c.out.array(2);
  c.out.bulk(key);
  c.out.array(n);
  for (let i = 0; i < n; i++) c.out.bulk(l.pop(left)!);
  srv.dirty += n;
  afterPop(c, key, l, srv);
  return [left ? "LPOP" : "RPOP", key, String(n)];
}

// --- reads ------------------------------------------------------------------------

function llen(c: Client, argv: string[], srv: Server): void {
  const l = readList(c, argv[1], srv);
  if (l === null) return;
  c.out.int(l ? l.length : 0);
}

function lrange(c: Client, argv: string[], srv: Server): void {
  let start = parseInteger(argv[2]);
  let end = parseInteger(argv[3]);
  if (start === null || end === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  const l = readList(c, argv[1], srv);
  if (l === null) return;
  if (l === undefined) {
    c.out.array(0);
    return;
  }
  const len = l.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    c.out.array(0);
    return;
  }
  if (end >= len) end = len - 1;
  c.out.array(end - start + 1);
  for (let i = start; i <= end; i++) c.out.bulk(l.at(i)!);
}

function lindex(c: Client, argv: string[], srv: Server): void {
  const l = readList(c, argv[1], srv);
  if (l === null) return;
  if (l === undefined) {
    c.out.nil();
    return;
  }
  const i = parseInteger(argv[2]);
  if (i === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  c.out.bulk(l.at(i) ?? null);
}

function lpos(c: Client, argv: string[], srv: Server): void {
  let rank = 1, count = -1, maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const more = j + 1 < argv.length;
    if (eqi(opt, "rank") && more) {
      const r = parseBigInt(argv[++j]);
      if (r === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      if (r === 0n) {
        c.out.error(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
        return;
      }
      // negating the most negative rank overflows in Redis: it acts as -1
      rank = r === LLONG_MIN ? -1 : Number(r);
    } else if (eqi(opt, "count") && more) {
      const n = parseInteger(argv[++j]);
      if (n === null || n < 0) {
        c.out.error("ERR COUNT can't be negative");
        return;
      }
      count = n;
    } else if (eqi(opt, "maxlen") && more) {
      const n = parseInteger(argv[++j]);
      if (n === null || n < 0) {
        c.out.error("ERR MAXLEN can't be negative");
        return;
      }
      maxlen = n;
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  const l = readList(c, argv[1], srv);
  if (l === null) return;
  if (l === undefined) {
    if (count >= 0) c.out.array(0);
    else c.out.nil();
    return;
  }
  const elem = argv[2];
  const fromHead = rank > 0;
  const skip = Math.abs(rank) - 1; // matches to skip before reporting
  const len = l.length;
  const limit = maxlen > 0 ? Math.min(maxlen, len) : len;
  const found: number[] = [];
  let matches = 0;
  for (let k = 0; k < limit; k++) {
    const idx = fromHead ? k : len - 1 - k;
    if (l.at(idx) !== elem) continue;
    if (matches++ < skip) continue;
    if (count < 0) {
      c.out.int(idx);
      return;
    }
    found.push(idx);
    if (count > 0 && found.length === count) break;
  }
  if (count < 0) {
    c.out.nil();
    return;
  }
  c.out.array(found.length);
  for (const i of found) c.out.int(i);
}

// --- in-place changes ----------------------------------------------------------------

function lset(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const l = writeList(c, key);
  if (l === null) return;
  if (l === undefined) {
    c.out.error(E.NO_SUCH_KEY);
    return;
  }
  const i = parseInteger(argv[2]);
  if (i === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  if (!l.set(i, argv[3])) {
    c.out.error(E.OUT_OF_RANGE);
    return;
  }
  srv.signalModified(c.db, key);
  srv.dirty++;
  c.out.ok();
}

function linsert(c: Client, argv: string[], srv: Server): void {
  let after: boolean;
  if (eqi(argv[2], "after")) after = true;
  else if (eqi(argv[2], "before")) after = false;
  else {
    c.out.error(E.SYNTAX);
    return;
  }
  const key = argv[1];
  const l = writeList(c, key);
  if (l === null) return;
  if (l === undefined) {
    c.out.int(0);
    return;
  }
  const at = l.indexOf(argv[3]);
  if (at < 0) {
    c.out.int(-1);
    return;
  }
  l.insertAt(after ? at + 1 : at, argv[4]);
  srv.signalModified(c.db, key);
  srv.dirty++;
  c.out.int(l.length);
}

function lrem(c: Client, argv: string[], srv: Server): void {
  const count = parseInteger(argv[2]);
  if (count === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  const key = argv[1];
  const l = writeList(c, key);
  if (l === null) return;
  if (l === undefined) {
    c.out.int(0);
    return;
  }
  const removed = l.removeMatching(argv[3], Math.abs(count), count >= 0);
  if (removed) {
    afterPop(c, key, l, srv);
    srv.dirty += removed;
  }
  c.out.int(removed);
}

function ltrim(c: Client, argv: string[], srv: Server): void {
  let start = parseInteger(argv[2]);
  let end = parseInteger(argv[3]);
  if (start === null || end === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  const key = argv[1];
  const l = writeList(c, key);
  if (l === null) return;
  if (l === undefined) {
    c.out.ok();
    return;
  }
  const len = l.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let left: number, right: number;
  if (start > end || start >= len) {
    left = len;
    right = 0;
  } else {
    if (end >= len) end = len - 1;
    left = start;
    right = len - end - 1;
  }
  l.trim(left, right);
  afterPop(c, key, l, srv);
  srv.dirty += left + right;
  c.out.ok();
}

// --- moves --------------------------------------------------------------------------

/**
 * Pop from src (a non-empty list) and push into dst. The destination is
 * type-checked first (WRONGTYPE replied, returns null); otherwise replies the
 * element and returns it.
 */
function moveElement(
  c: Client,
  src: string,
  sl: RedisList,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  srv: Server,
): string | null {
  let dl = writeList(c, dst);
  if (dl === null) return null;
  const v = sl.pop(fromLeft)!;
  if (dl === undefined) {
    dl = new RedisList();
    dl.push(v, toLeft);
    c.db.set(dst, dl);
  } else {
    dl.push(v, toLeft);
    srv.signalModified(c.db, dst);
  }
  // with src === dst the element is back before the emptiness check
  afterPop(c, src, sl, srv);
  srv.dirty++;
  c.out.bulk(v);
  return v;
}

function lmoveGeneric(
  c: Client,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  srv: Server,
): void {
  const sl = writeList(c, src);
  if (sl === null) return;
  if (sl === undefined) {
    c.out.nil();
    return;
  }
  moveElement(c, src, sl, dst, fromLeft, toLeft, srv);
}

function lmove(c: Client, argv: string[], srv: Server): void {
  const from = side(argv[3]), to = side(argv[4]);
  if (from === null || to === null) {
    c.out.error(E.SYNTAX);
    return;
  }
  lmoveGeneric(c, argv[1], argv[2], from, to, srv);
}

function rpoplpush(c: Client, argv: string[], srv: Server): void {
  lmoveGeneric(c, argv[1], argv[2], false, true, srv);
}

// --- LMPOP ----------------------------------------------------------------------------

interface MpopArgs {
  keys: string[];
  left: boolean;
  count: number;
}

/** numkeys key... LEFT|RIGHT [COUNT n] starting at argv[at]; null after replying an error. */
function parseMpop(c: Client, argv: string[], at: number): MpopArgs | null {
  const numkeys = parseInteger(argv[at]);
  if (numkeys === null || numkeys < 1) {
    c.out.error("ERR numkeys should be greater than 0");
    return null;
  }
  const whereAt = at + 1 + numkeys;
  if (whereAt >= argv.length) {
    c.out.error(E.SYNTAX);
    return null;
  }
  const left = side(argv[whereAt]);
  if (left === null) {
    c.out.error(E.SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count < 0 && eqi(argv[j], "count") && j + 1 < argv.length) {
      const n = parseInteger(argv[++j]);
      if (n === null || n < 1) {
        c.out.error("ERR count should be greater than 0");
        return null;
      }
      count = n;
    } else {
      c.out.error(E.SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(at + 1, whereAt), left, count: count < 0 ? 1 : count };
}

/** Serve an MPOP from the first non-empty list: true if served or an error was replied. */
function mpopNow(c: Client, a: MpopArgs, srv: Server): boolean {
  for (const key of a.keys) {
    const l = writeList(c, key);
    if (l === null) return true;
    if (l === undefined) continue;
    srv.rewritePropagation(mpopReply(c, key, l, a.left, a.count, srv));
    return true;
  }
  return false;
}

function lmpop(c: Client, argv: string[], srv: Server): void {
  const a = parseMpop(c, argv, 1);
  if (!a) return;
  if (!mpopNow(c, a, srv)) c.out.nilArray();
}

function mpopKeys(argv: string[], at: number): string[] {
  const n = parseInteger(argv[at] ?? "");
  if (n === null || n < 1) return [];
  return argv.slice(at + 1, Math.min(argv.length, at + 1 + n));
}

// --- blocking forms -----------------------------------------------------------------------

/** The list at key if it is one and non-empty (a blocked client's view). */
function readyList(c: Client, key: string): RedisList | undefined {
  const v = c.db.get(key);
  if (v === undefined || typeof v === "string" || v.type !== "list") return undefined;
  const l = v as RedisList;
  return l.length > 0 ? l : undefined;
}

function bpopGeneric(c: Client, argv: string[], srv: Server, left: boolean): void {
  const deadline = timeoutArg(c, argv[argv.length - 1], srv);
  if (deadline === null) return;
  const keys = argv.slice(1, -1);
  const pop = left ? "LPOP" : "RPOP";
  for (const key of keys) {
    const l = writeList(c, key);
    if (l === null) return;
    if (l === undefined) continue;
    c.out.array(2);
    c.out.bulk(key);
    c.out.bulk(l.pop(left)!);
    srv.dirty++;
    afterPop(c, key, l, srv);
    srv.rewritePropagation([pop, key]);
    return;
  }
  if (mustNotBlock(srv)) {
    c.out.nilArray();
    return;
  }
  srv.block(c, unique(keys), deadline, (ready?: string) => {
    for (const key of ready !== undefined ? [ready] : keys) {
      const l = readyList(c, key);
      if (!l) continue;
      c.out.array(2);
      c.out.bulk(key);
      c.out.bulk(l.pop(left)!);
      srv.dirty++;
      afterPop(c, key, l, srv);
      srv.propagate(c.dbIndex, [pop, key]);
      return true;
    }
    return false;
  }, () => c.out.nilArray());
}

function blmoveGeneric(
  c: Client,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  deadline: number,
  srv: Server,
  /** What to propagate when served at once, and when served after blocking. */
  now: () => string[],
  later: () => string[],
): void {
  const sl = writeList(c, src);
  if (sl === null) return;
  if (sl !== undefined) {
    if (moveElement(c, src, sl, dst, fromLeft, toLeft, srv) !== null) {
      srv.rewritePropagation(now());
    }
    return;
  }
  if (mustNotBlock(srv)) {
    c.out.nil();
    return;
  }
  srv.block(c, [src], deadline, () => {
    const l = readyList(c, src);
    if (!l) return false;
    // a destination of another type ends the wait with the error, nothing moved
    if (moveElement(c, src, l, dst, fromLeft, toLeft, srv) !== null) {
      srv.propagate(c.dbIndex, later());
    }
    return true;
  }, () => c.out.nilArray());
}

function blmove(c: Client, argv: string[], srv: Server): void {
  const from = side(argv[3]), to = side(argv[4]);
  if (from === null || to === null) {
    c.out.error(E.SYNTAX);
    return;
  }
  const deadline = timeoutArg(c, argv[5], srv);
  if (deadline === null) return;
  blmoveGeneric(
    c,
    argv[1],
    argv[2],
    from,
    to,
    deadline,
    srv,
    () => ["LMOVE", argv[1], argv[2], argv[3], argv[4]],
    () => ["LMOVE", argv[1], argv[2], from ? "left" : "right", to ? "left" : "right"],
  );
}

function brpoplpush(c: Client, argv: string[], srv: Server): void {
  const deadline = timeoutArg(c, argv[3], srv);
  if (deadline === null) return;
  blmoveGeneric(
    c,
    argv[1],
    argv[2],
    false,
    true,
    deadline,
    srv,
    () => ["RPOPLPUSH", argv[1], argv[2]],
    () => ["RPOPLPUSH", argv[1], argv[2]],
  );
}

function blmpop(c: Client, argv: string[], srv: Server): void {
  const a = parseMpop(c, argv, 2);
  if (!a) return;
  const deadline = timeoutArg(c, argv[1], srv);
  if (deadline === null) return;
  if (mpopNow(c, a, srv)) return;
  if (mustNotBlock(srv)) {
    c.out.nilArray();
    return;
  }
  srv.block(c, unique(a.keys), deadline, (ready?: string) => {
    for (const key of ready !== undefined ? [ready] : a.keys) {
      const l = readyList(c, key);
      if (!l) continue;
      srv.propagate(c.dbIndex, mpopReply(c, key, l, a.left, a.count, srv));
      return true;
    }
    return false;
  }, () => c.out.nilArray());
}

function unique(keys: string[]): string[] {
  return keys.length < 2 ? keys : [...new Set(keys)];
}

// --- the table ------------------------------------------------------------------------------

const PUSH_COMPLEXITY =
  "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";

export const listCommands: CommandSpec[] = [
  {
    name: "lpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Prepend one or multiple elements to a list",
    complexity: PUSH_COMPLEXITY,
    handler: (c, argv, srv) => pushGeneric(c, argv, srv, true, false),
  },
  {
    name: "rpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Append one or multiple elements to a list",
    complexity: PUSH_COMPLEXITY,
    handler: (c, argv, srv) => pushGeneric(c, argv, srv, false, false),
  },
  {
    name: "lpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    group: "list",
    since: "2.2.0",
    summary: "Prepend an element to a list, only if the list exists",
    complexity: PUSH_COMPLEXITY,
    handler: (c, argv, srv) => pushGeneric(c, argv, srv, true, true),
  },
  {
    name: "rpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    group: "list",
    since: "2.2.0",
    summary: "Append an element to a list, only if the list exists",
    complexity: PUSH_COMPLEXITY,
    handler: (c, argv, srv) => pushGeneric(c, argv, srv, false, true),
  },
  {
    name: "lpop",
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Remove and get the first elements in a list",
    complexity: "O(N) where N is the number of elements returned",
    handler: (c, argv, srv) => popGeneric(c, argv, srv, true),
  },
  {
    name: "rpop",
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Remove and get the last elements in a list",
    complexity: "O(N) where N is the number of elements returned",
    handler: (c, argv, srv) => popGeneric(c, argv, srv, false),
  },
  {
    name: "llen",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Get the length of a list",
    complexity: "O(1)",
    handler: llen,
  },
  {
    name: "lrange",
    arity: 4,
    flags: ["readonly"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Get a range of elements from a list",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    handler: lrange,
  },
  {
    name: "lindex",
    arity: 3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Get an element from a list by its index",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    handler: lindex,
  },
  {
    name: "lset",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Set the value of an element in a list by its index",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    handler: lset,
  },
  {
    name: "linsert",
    arity: 5,
    flags: ["write", "denyoom"],
    keys: [1, 1, 1],
    group: "list",
    since: "2.2.0",
    summary: "Insert an element before or after another element in a list",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    handler: linsert,
  },
  {
    name: "lrem",
    arity: 4,
    flags: ["write"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Remove elements from a list",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    handler: lrem,
  },
  {
    name: "ltrim",
    arity: 4,
    flags: ["write"],
    keys: [1, 1, 1],
    group: "list",
    since: "1.0.0",
    summary: "Trim a list to the specified range",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    handler: ltrim,
  },
  {
    name: "lpos",
    arity: -3,
    flags: ["readonly"],
    keys: [1, 1, 1],
    group: "list",
    since: "6.0.6",
    summary: "Return the index of matching elements on a list",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    handler: lpos,
  },
  {
    name: "lmove",
    arity: 5,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
    group: "list",
    since: "6.2.0",
    summary: "Pop an element from a list, push it to another list and return it",
    complexity: "O(1)",
    handler: lmove,
  },
  {
    name: "rpoplpush",
    arity: 3,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
    group: "list",
    since: "1.2.0",
    summary: "Remove the last element in a list, prepend it to another list and return it",
    complexity: "O(1)",
    handler: rpoplpush,
  },
  {
    name: "lmpop",
    arity: -4,
    flags: ["write", "movablekeys"],
    keys: [0, 0, 0],
    getKeys: (argv) => mpopKeys(argv, 1),
    group: "list",
    since: "7.0.0",
    summary: "Pop elements from a list",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    handler: lmpop,
  },
  {
    name: "blpop",
    arity: -3,
    flags: ["write", "noscript", "blocking"],
    keys: [1, -2, 1],
    group: "list",
    since: "2.0.0",
    summary: "Remove and get the first element in a list, or block until one is available",
    complexity: "O(N) where N is the number of provided keys.",
    handler: (c, argv, srv) => bpopGeneric(c, argv, srv, true),
  },
  {
    name: "brpop",
    arity: -3,
    flags: ["write", "noscript", "blocking"],
    keys: [1, -2, 1],
    group: "list",
    since: "2.0.0",
    summary: "Remove and get the last element in a list, or block until one is available",
    complexity: "O(N) where N is the number of provided keys.",
    handler: (c, argv, srv) => bpopGeneric(c, argv, srv, false),
  },
  {
    name: "blmove",
    arity: 6,
    flags: ["write", "denyoom", "noscript", "blocking"],
    keys: [1, 2, 1],
    group: "list",
    since: "6.2.0",
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    complexity: "O(1)",
    handler: blmove,
  },
  {
    name: "brpoplpush",
    arity: 4,
    flags: ["write", "denyoom", "noscript", "blocking"],
    keys: [1, 2, 1],
    group: "list",
    since: "2.2.0",
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    complexity: "O(1)",
    handler: brpoplpush,
  },
  {
    name: "blmpop",
    arity: -5,
    flags: ["write", "blocking", "movablekeys"],
    keys: [0, 0, 0],
    getKeys: (argv) => mpopKeys(argv, 2),
    group: "list",
    since: "7.0.0",
    summary: "Pop elements from a list, or block until one is available",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    handler: blmpop,
  },
];
