// Sorted set commands: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK
// ZCOUNT ZLEXCOUNT, the range family (ZRANGE with BYSCORE / BYLEX / REV /
// LIMIT, ZRANGESTORE and the older ZREVRANGE ZRANGEBYSCORE ... forms), pops
// (ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP), set
// algebra (ZUNION ZINTER ZDIFF, their STORE forms, ZINTERCARD; plain sets are
// inputs with score 1), ZREMRANGEBYSCORE / RANK / LEX, ZRANDMEMBER, ZSCAN.
//
// Arguments are checked in Redis 7.0's order (some commands parse all their
// options before looking the key up, the set algebra checks key types first),
// so that a bad request gets the same error. Numbers follow C's strtod as
// Redis uses it: strictly for scores and weights (no overflow, no underflow
// to zero, nothing before or after), loosely for range bounds (leading
// spaces, overflow to inf, "" is 0). Scores are replied as %.17g, -0 included.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Value } from "../keyspace/db.ts";
import type { SetValue } from "../keyspace/types/index.ts";
import { type ZCursor, ZSet } from "../keyspace/types/zset.ts";
import { globMatch } from "../keyspace/glob.ts";
import { type CommandSpec, E, eqi, parseBigInt, parseInteger, readKey } from "./spec.ts";
import { parseTimeout } from "./lists.ts";
import { fmtScore, parseScore, strtod } from "../resp/double.ts";

// --- numbers -------------------------------------------------------------------

/** A range bound as Redis's zslParseRange reads it (strtod up to a NUL). */
function parseBoundDouble(s: string): number | null {
  const nul = s.indexOf("\0");
  const r = strtod(nul >= 0 ? s.slice(0, nul) : s, true);
  return r === null ? null : r.v;
}

interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

function parseScoreBound(s: string): [number, boolean] | null {
  const ex = s.charCodeAt(0) === 40; // "("
  const v = parseBoundDouble(ex ? s.slice(1) : s);
  return v === null ? null : [v, ex];
}

function parseScoreRange(a: string, b: string): ScoreRange | null {
  const lo = parseScoreBound(a);
  if (!lo) return null;
  const hi = parseScoreBound(b);
  if (!hi) return null;
  return { min: lo[0], minex: lo[1], max: hi[0], maxex: hi[1] };
}

/** A lexicographic bound: a string, or -inf ("-", inf -1) / +inf ("+", inf 1). */
interface LexBound {
  v: string;
  inf: number;
  ex: boolean;
}

interface LexRange {
  min: LexBound;
  max: LexBound;
}

function parseLexBound(s: string): LexBound | null {
  switch (s[0]) {
    case "+":
      return s.length === 1 ? { v: "", inf: 1, ex: true } : null;
    case "-":
      return s.length === 1 ? { v: "", inf: -1, ex: true } : null;
    case "(":
      return { v: s.slice(1), inf: 0, ex: true };
    case "[":
      return { v: s.slice(1), inf: 0, ex: false };
    default:
      return null;
  }
}

function parseLexRange(a: string, b: string): LexRange | null {
  const min = parseLexBound(a), max = parseLexBound(b);
  return min && max ? { min, max } : null;
}

function lexBoundCmp(a: LexBound, b: LexBound): number {
  if (a.inf !== 0 && a.inf === b.inf) return 0;
  if (a.inf === -1 || b.inf === 1) return -1;
  if (a.inf === 1 || b.inf === -1) return 1;
  return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
}

function gteMin(m: string, r: LexRange): boolean {
  const b = r.min;
  if (b.inf !== 0) return b.inf < 0;
  return b.ex ? m > b.v : m >= b.v;
}

function lteMax(m: string, r: LexRange): boolean {
  const b = r.max;
  if (b.inf !== 0) return b.inf > 0;
  return b.ex ? m < b.v : m <= b.v;
}

/** Can anything be in the range, given the set's first and last members? */
function lexInRange(z: ZSet, r: LexRange): boolean {
  const c = lexBoundCmp(r.min, r.max);
  if (c > 0 || (c === 0 && (r.min.ex || r.max.ex))) return false;
  if (z.size === 0) return false;
  if (!gteMin(z.at(z.size - 1).member, r)) return false;
  return lteMax(z.at(0).member, r);
}

/**
 * Rank of the first member in the lex range, or -1. A listpack is scanned
 * from the start as Redis scans it; a big set is searched as Redis's skiplist
 * (both agree whenever all scores are equal, the case lex ranges are for).
 */
function lexFirst(z: ZSet, r: LexRange): number {
  if (!lexInRange(z, r)) return -1;
  let rank: number;
  if (z.listpack) {
    const c = z.at(0);
    rank = 0;
    while (c.valid && !gteMin(c.member, r)) {
      c.next();
      rank++;
    }
    if (!c.valid) return -1;
  } else {
    rank = r.min.inf < 0 ? 0 : r.min.inf > 0 ? z.size : z.countBelowMember(r.min.v, r.min.ex);
    if (rank >= z.size) return -1;
  }
  return lteMax(z.at(rank).member, r) ? rank : -1;
}

/** Rank of the last member in the lex range, or -1. */
function lexLast(z: ZSet, r: LexRange): number {
  if (!lexInRange(z, r)) return -1;
  let rank: number;
  if (z.listpack) {
    rank = z.size - 1;
    const c = z.at(rank);
    while (c.valid && !lteMax(c.member, r)) {
      c.prev();
      rank--;
    }
    if (!c.valid) return -1;
  } else {
    rank = (r.max.inf > 0 ? z.size : r.max.inf < 0 ? 0 : z.countBelowMember(r.max.v, !r.max.ex)) -
      1;
    if (rank < 0) return -1;
  }
  return gteMin(z.at(rank).member, r) ? rank : -1;
}

/** Ranks [first, last] of the members in a score range (first > last when none). */
function scoreRanks(z: ZSet, r: ScoreRange): [number, number] {
  return [z.countBelowScore(r.min, r.minex), z.countBelowScore(r.max, !r.maxex) - 1];
}

// --- lookups and replies ----------------------------------------------------------

function asZSet(c: Client, v: Value | undefined): ZSet | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v !== "string" && v.type === "zset") return v as ZSet;
  c.out.error(E.WRONGTYPE);
  return null;
}

function readZ(c: Client, key: string, srv: Server): ZSet | undefined | null {
  return asZSet(c, readKey(c, key, srv));
}

/** Lookup for writing (no keyspace hit/miss counting, as Redis). */
function writeZ(c: Client, key: string): ZSet | undefined | null {
  return asZSet(c, c.db.get(key));
}

/** zset-max-listpack-entries and zset-max-listpack-value. */
function limits(srv: Server): [number, number] {
  return [srv.config.int("zset-max-listpack-entries"), srv.config.int("zset-max-listpack-value")];
}

/** After removing members in place: delete an emptied key, else signal the change. */
function afterRemove(c: Client, key: string, z: ZSet, srv: Server): void {
  if (z.size === 0) c.db.delete(key);
  else srv.signalModified(c.db, key);
}

/** Members, with their scores as (member, score) pairs: flat in RESP2, nested in RESP3. */
function replyMembers(c: Client, ms: string[], ss: number[], withScores: boolean): void {
  const n = ms.length, out = c.out;
  if (!withScores) {
    out.array(n);
    for (let i = 0; i < n; i++) out.bulk(ms[i]);
    return;
  }
  out.pairArray(n);
  for (let i = 0; i < n; i++) {
    out.pairHeader();
    out.bulk(ms[i]);
    out.double(ss[i]);
  }
}

/** Members and scores in one flat array whatever the protocol (ZPOPMIN without count). */
function replyFlat(c: Client, ms: string[], ss: number[]): void {
  c.out.array(2 * ms.length);
  for (let i = 0; i < ms.length; i++) {
    c.out.bulk(ms[i]);
    c.out.double(ss[i]);
  }
}

/** Store a computed result at dst (sorted arrays), or delete dst when empty. Replies the size. */
function storeResult(c: Client, dst: string, z: ZSet, srv: Server): void {
  if (z.size === 0) {
    if (c.db.delete(dst)) srv.dirty++;
    c.out.int(0);
    return;
  }
  const [entries, value] = limits(srv);
  z.fixEncoding(entries, value);
  c.db.set(dst, z);
  srv.dirty++;
  c.out.int(z.size);
}

// --- ZADD ZINCRBY ------------------------------------------------------------------

function zaddGeneric(c: Client, argv: string[], srv: Server, incrCmd: boolean): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCmd;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const o = argv[idx];
    if (eqi(o, "nx")) nx = true;
    else if (eqi(o, "xx")) xx = true;
    else if (eqi(o, "gt")) gt = true;
    else if (eqi(o, "lt")) lt = true;
    else if (eqi(o, "ch")) ch = true;
    else if (eqi(o, "incr")) incr = true;
    else break;
  }
  const rest = argv.length - idx;
  if (rest === 0 || rest % 2) {
    c.out.error(E.SYNTAX);
    return;
  }
  const elements = rest / 2;
  if (nx && xx) {
    c.out.error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.out.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && elements > 1) {
    c.out.error("ERR INCR option supports a single increment-element pair");
    return;
  }
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) {
    const s = parseScore(argv[idx + 2 * j]);
    if (s === null) {
      c.out.error(E.NOT_FLOAT);
      return;
    }
    scores[j] = s;
  }
  const key = argv[1];
  let z = writeZ(c, key);
  if (z === null) return;
  if (z === undefined) {
    if (xx) {
      if (incr) c.out.nil();
      else c.out.int(0);
      return;
    }
    z = new ZSet();
    c.db.set(key, z);
  }
  const [maxEntries, maxValue] = limits(srv);
  let added = 0, updated = 0, processed = 0, newScore = 0, nan = false;
  for (let j = 0; j < elements; j++) {
    let score = scores[j];
    const m = argv[idx + 2 * j + 1];
    const cur = z.score(m);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) {
          nan = true;
          break;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      newScore = score;
      processed++;
      // -0 and 0 are the same score: no update, as Redis compares with ==
      if (score !== cur) {
        z.add(m, score, maxEntries, maxValue);
        updated++;
      }
    } else {
      if (xx) continue;
      z.add(m, score, maxEntries, maxValue);
      newScore = score;
      added++;
      processed++;
    }
  }
  if (nan) c.out.error("ERR resulting score is not a number (NaN)");
  else if (incr) {
    if (processed) c.out.double(newScore);
    else c.out.nil();
  } else c.out.int(ch ? added + updated : added);
  if (z.size === 0) c.db.delete(key); // nothing went into a key just made
  else if (added || updated) {
    srv.dirty += added + updated;
    srv.signalModified(c.db, key);
  }
}

// --- single-key reads and ZREM ----------------------------------------------------

function zrem(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const z = writeZ(c, key);
  if (z === null) return;
  if (z === undefined) {
    c.out.int(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (z.delete(argv[i])) {
      deleted++;
      if (z.size === 0) break;
    }
  }
  if (deleted) {
    afterRemove(c, key, z, srv);
    srv.dirty += deleted;
  }
  c.out.int(deleted);
}

function zcard(c: Client, argv: string[], srv: Server): void {
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  c.out.int(z ? z.size : 0);
}

function zscore(c: Client, argv: string[], srv: Server): void {
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  const s = z?.score(argv[2]);
  if (s === undefined) c.out.nil();
  else c.out.double(s);
}

function zmscore(c: Client, argv: string[], srv: Server): void {
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    if (s === undefined) c.out.nil();
    else c.out.double(s);
  }
}

function zrankGeneric(c: Client, argv: string[], srv: Server, rev: boolean): void {
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  const r = z ? z.rank(argv[2]) : -1;
  if (r < 0) c.out.nil();
  else c.out.int(rev ? z!.size - 1 - r : r);
}

function zcount(c: Client, argv: string[], srv: Server): void {
  const r = parseScoreRange(argv[2], argv[3]);
  if (!r) {
    c.out.error("ERR min or max is not a float");
    return;
  }
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  if (!z) {
    c.out.int(0);
    return;
  }
  const [first, last] = scoreRanks(z, r);
  c.out.int(Math.max(0, last - first + 1));
}

function zlexcount(c: Client, argv: string[], srv: Server): void {
  const r = parseLexRange(argv[2], argv[3]);
  if (!r) {
    c.out.error("ERR min or max not valid string range item");
    return;
  }
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  if (!z) {
    c.out.int(0);
    return;
  }
  const first = lexFirst(z, r);
  let n = 0;
  if (first >= 0) {
    if (z.listpack) {
      for (const cur = z.at(first); cur.valid && lteMax(cur.member, r); cur.next()) n++;
    } else {
      const last = lexLast(z, r);
      n = last >= 0 ? last - first + 1 : z.size - first;
    }
  }
  c.out.int(n);
}

// --- the range family -----------------------------------------------------------------

type RangeType = "auto" | "rank" | "score" | "lex";

/**
 * ZRANGE and every older form, and ZRANGESTORE (store: argv[1] is the
 * destination). `type` and `rev` are fixed by the older forms, "auto" /
 * null when the arguments choose.
 */
function zrangeGeneric(
  c: Client,
  argv: string[],
  srv: Server,
  store: boolean,
  preset: RangeType,
  presetRev: boolean | null,
): void {
  const base = store ? 2 : 1;
  const key = argv[base];
  let type = preset;
  let rev = presetRev;
  let withScores = false, offset = 0, limit = -1;
  for (let j = base + 3; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (!store && eqi(a, "withscores")) withScores = true;
    else if (eqi(a, "limit") && left >= 2) {
      const o = parseInteger(argv[j + 1]);
      const l = o === null ? null : parseInteger(argv[j + 2]);
      if (o === null || l === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      offset = o;
      limit = l;
      j += 2;
    } else if (rev === null && eqi(a, "rev")) rev = true;
    else if (type === "auto" && eqi(a, "bylex")) type = "lex";
    else if (type === "auto" && eqi(a, "byscore")) type = "score";
    else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  if (rev === null) rev = false;
  if (type === "auto") type = "rank";
  if (limit !== -1 && type === "rank") {
    c.out.error(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
    return;
  }
  if (withScores && type === "lex") {
    c.out.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  let minArg = argv[base + 1], maxArg = argv[base + 2];
  if (rev && type !== "rank") [minArg, maxArg] = [maxArg, minArg];
  let start = 0, end = 0;
  let sr: ScoreRange | null = null, lr: LexRange | null = null;
  if (type === "rank") {
    const s = parseInteger(minArg);
    const e = s === null ? null : parseInteger(maxArg);
    if (s === null || e === null) {
      c.out.error(E.NOT_INT);
      return;
    }
    start = s;
    end = e;
  } else if (type === "score") {
    sr = parseScoreRange(minArg, maxArg);
    if (!sr) {
      c.out.error("ERR min or max is not a float");
      return;
    }
  } else {
    lr = parseLexRange(minArg, maxArg);
    if (!lr) {
      c.out.error("ERR min or max not valid string range item");
      return;
    }
  }
  const z = readZ(c, key, srv);
  if (z === null) return;
  const ms: string[] = [], ss: number[] = [];
  if (z) {
    if (type === "rank") rankRange(z, start, end, rev, ms, ss);
    else if (type === "score") scoreRange(z, sr!, rev, offset, limit, ms, ss);
    else lexRange(z, lr!, rev, offset, limit, ms, ss);
  }
  if (!store) {
    replyMembers(c, ms, ss, withScores);
    return;
  }
  storeRange(c, argv[1], ms, ss, rev, type === "rank" ? ms.length : -1, srv);
}

/**
 * ZRANGESTORE's result, encoded as Redis builds it: a listpack unless the
 * known length (rank ranges) is over the limit, filled in reply order and
 * converted to a skiplist by the first member that does not fit; the
 * members that went into the listpack lost a -0.
 */
function storeRange(
  c: Client,
  dst: string,
  ms: string[],
  ss: number[],
  rev: boolean,
  lengthHint: number,
  srv: Server,
): void {
  const n = ms.length;
  if (n === 0) {
    if (c.db.delete(dst)) srv.dirty++;
    c.out.int(0);
    return;
  }
  const [entries, value] = limits(srv);
  let listpack = !(lengthHint > entries);
  for (let i = 0; i < n && listpack; i++) {
    if (i + 1 > entries || ms[i].length > value) listpack = false;
    else if (ss[i] === 0) ss[i] = 0;
  }
  if (rev) {
    ms.reverse();
    ss.reverse();
  }
  const z = ZSet.fromSorted([ss, ms]);
  z.listpack = listpack;
  c.db.set(dst, z);
  srv.dirty++;
  c.out.int(n);
}

function rankRange(
  z: ZSet,
  start: number,
  end: number,
  rev: boolean,
  ms: string[],
  ss: number[],
): void {
  const n = z.size;
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return;
  if (end >= n) end = n - 1;
  const count = end - start + 1;
  const cur = z.at(rev ? n - 1 - start : start);
  for (let k = 0; k < count; k++) {
    ms.push(cur.member);
    ss.push(cur.score);
    if (rev) cur.prev();
    else cur.next();
  }
}

function scoreRange(
  z: ZSet,
  r: ScoreRange,
  rev: boolean,
  offset: number,
  limit: number,
  ms: string[],
  ss: number[],
): void {
  if (offset < 0 || (offset > 0 && offset >= z.size)) return;
  const [first, last] = scoreRanks(z, r);
  let n = last - first + 1 - offset;
  if (n <= 0) return;
  if (limit >= 0 && limit < n) n = limit;
  const cur = z.at(rev ? last - offset : first + offset);
  for (let k = 0; k < n; k++) {
    ms.push(cur.member);
    ss.push(cur.score);
    if (rev) cur.prev();
    else cur.next();
  }
}

function lexRange(
  z: ZSet,
  r: LexRange,
  rev: boolean,
  offset: number,
  limit: number,
  ms: string[],
  ss: number[],
): void {
  if (offset < 0 || (offset > 0 && offset >= z.size)) return;
  const at = rev ? lexLast(z, r) : lexFirst(z, r);
  if (at < 0) return;
  const cur = z.at(at);
  for (let k = 0; k < offset && cur.valid; k++) {
    if (rev) cur.prev();
    else cur.next();
  }
  for (; cur.valid && limit !== 0; limit--) {
    const m = cur.member;
    if (rev ? !gteMin(m, r) : !lteMax(m, r)) break;
    ms.push(m);
    ss.push(cur.score);
    if (rev) cur.prev();
    else cur.next();
  }
}

// --- ZREMRANGEBY* ---------------------------------------------------------------------

function zremrangeGeneric(c: Client, argv: string[], srv: Server, type: RangeType): void {
  let start = 0, end = 0;
  let sr: ScoreRange | null = null, lr: LexRange | null = null;
  if (type === "rank") {
    const s = parseInteger(argv[2]);
    const e = s === null ? null : parseInteger(argv[3]);
    if (s === null || e === null) {
      c.out.error(E.NOT_INT);
      return;
    }
    start = s;
    end = e;
  } else if (type === "score") {
    sr = parseScoreRange(argv[2], argv[3]);
    if (!sr) {
      c.out.error("ERR min or max is not a float");
      return;
    }
  } else {
    lr = parseLexRange(argv[2], argv[3]);
    if (!lr) {
      c.out.error("ERR min or max not valid string range item");
      return;
    }
  }
  const key = argv[1];
  const z = writeZ(c, key);
  if (z === null) return;
  if (!z) {
    c.out.int(0);
    return;
  }
  let removed = 0;
  if (type === "rank") {
    const n = z.size;
    if (start < 0) start += n;
    if (end < 0) end += n;
    if (start < 0) start = 0;
    if (start <= end && start < n) {
      if (end >= n) end = n - 1;
      removed = z.deleteRankRange(start, end);
    }
  } else if (type === "score") {
    const [first, last] = scoreRanks(z, sr!);
    if (first <= last) removed = z.deleteRankRange(first, last);
  } else {
    const first = lexFirst(z, lr!);
    if (first >= 0) {
      let last = first;
      for (const cur = z.at(first); cur.valid && lteMax(cur.member, lr!); cur.next()) last++;
      removed = z.deleteRankRange(first, last - 1);
    }
  }
  if (removed) {
    afterRemove(c, key, z, srv);
    srv.dirty += removed;
  }
  c.out.int(removed);
}

// --- pops -------------------------------------------------------------------------------

/** Remove up to `count` members from one end. */
function popElements(z: ZSet, max: boolean, count: number): [string[], number[]] {
  const n = Math.min(count, z.size);
  const ms: string[] = new Array(n), ss: number[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const cur: ZCursor = z.at(max ? z.size - 1 : 0);
    ms[k] = cur.member;
    ss[k] = cur.score;
    z.delete(ms[k]);
  }
  return [ms, ss];
}

function zpopGeneric(c: Client, argv: string[], srv: Server, max: boolean): void {
  if (argv.length > 3) {
    c.out.error(E.SYNTAX);
    return;
  }
  let count = 1, single = true;
  if (argv.length === 3) {
    const n = parseInteger(argv[2]);
    if (n === null || n < 0) {
      c.out.error("ERR value is out of range, must be positive");
      return;
    }
    count = n;
    single = false;
  }
  const key = argv[1];
  const z = writeZ(c, key);
  if (z === null) return;
  if (!z || (!single && count === 0)) {
    c.out.array(0);
    return;
  }
  const [ms, ss] = popElements(z, max, count);
  afterRemove(c, key, z, srv);
  srv.dirty += ms.length;
  if (single) replyFlat(c, ms, ss);
  else replyMembers(c, ms, ss, true);
}

/** Pop from z at key and write ZMPOP's reply: [key, [[member, score], ...]]. */
function mpopReply(c: Client, key: string, z: ZSet, max: boolean, count: number, srv: Server) {
  const [ms, ss] = popElements(z, max, count);
  afterRemove(c, key, z, srv);
  srv.dirty += ms.length;
  c.out.array(2);
  c.out.bulk(key);
  c.out.array(ms.length);
  for (let i = 0; i < ms.length; i++) {
    c.out.array(2);
    c.out.bulk(ms[i]);
    c.out.double(ss[i]);
  }
  return [max ? "ZPOPMAX" : "ZPOPMIN", key, String(ms.length)];
}

interface MpopArgs {
  keys: string[];
  max: boolean;
  count: number;
}

/** ZMPOP / BZMPOP arguments from numkeys at argv[at]; null after replying an error. */
function parseMpop(c: Client, argv: string[], at: number): MpopArgs | null {
  const nk = parseInteger(argv[at]);
  if (nk === null || nk < 1) {
    c.out.error("ERR numkeys should be greater than 0");
    return null;
  }
  const whereIdx = at + nk + 1;
  if (whereIdx >= argv.length) {
    c.out.error(E.SYNTAX);
    return null;
  }
  let max: boolean;
  if (eqi(argv[whereIdx], "min")) max = false;
  else if (eqi(argv[whereIdx], "max")) max = true;
  else {
    c.out.error(E.SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && eqi(argv[j], "count") && j + 1 < argv.length) {
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
  return { keys: argv.slice(at + 1, at + 1 + nk), max, count: count === -1 ? 1 : count };
}

/** Serve ZMPOP from the first non-empty key. False if none (nothing replied); null on WRONGTYPE. */
function mpopNow(c: Client, a: MpopArgs, srv: Server): boolean | null {
  for (const key of a.keys) {
    const z = writeZ(c, key);
    if (z === null) return null;
    if (z === undefined) continue;
    srv.rewritePropagation(mpopReply(c, key, z, a.max, a.count, srv));
    return true;
  }
  return false;
}

function zmpop(c: Client, argv: string[], srv: Server): void {
  const a = parseMpop(c, argv, 1);
  if (!a) return;
  if (mpopNow(c, a, srv) === false) c.out.nilArray();
}

/** The sorted set at key if it is one and non-empty (a blocked client's view). */
function readyZ(c: Client, key: string): ZSet | undefined {
  const v = c.db.get(key);
  if (v === undefined || typeof v === "string" || v.type !== "zset") return undefined;
  const z = v as ZSet;
  return z.size > 0 ? z : undefined;
}

function unique(keys: string[]): string[] {
  return keys.length < 2 ? keys : [...new Set(keys)];
}

/** The deadline of a blocking command (ms epoch, 0 = forever), or null after replying the error. */
function deadlineArg(c: Client, s: string, srv: Server): number | null {
  const t = parseTimeout(s);
  if ("error" in t) {
    c.out.error(t.error);
    return null;
  }
  return t.ms === 0 ? 0 : srv.now() + t.ms;
}

/** BZPOPMIN / BZPOPMAX's reply: key, member, score. */
function bzpopReply(c: Client, key: string, z: ZSet, max: boolean, srv: Server): void {
  const [ms, ss] = popElements(z, max, 1);
  afterRemove(c, key, z, srv);
  srv.dirty++;
  c.out.array(3);
  c.out.bulk(key);
  c.out.bulk(ms[0]);
  c.out.double(ss[0]);
}

function bzpopGeneric(c: Client, argv: string[], srv: Server, max: boolean): void {
  const deadline = deadlineArg(c, argv[argv.length - 1], srv);
  if (deadline === null) return;
  const keys = argv.slice(1, -1);
  const pop = max ? "ZPOPMAX" : "ZPOPMIN";
  for (const key of keys) {
    const z = writeZ(c, key);
    if (z === null) return;
    if (z === undefined) continue;
    bzpopReply(c, key, z, max, srv);
    srv.rewritePropagation([pop, key]);
    return;
  }
  if (srv.inExec) {
    c.out.nilArray();
    return;
  }
  srv.block(c, unique(keys), deadline, (ready?: string) => {
    for (const key of ready !== undefined ? [ready] : keys) {
      const z = readyZ(c, key);
      if (!z) continue;
      bzpopReply(c, key, z, max, srv);
      srv.propagate(c.dbIndex, [pop, key]);
      return true;
    }
    return false;
  }, () => c.out.nilArray());
}

function bzmpop(c: Client, argv: string[], srv: Server): void {
  const a = parseMpop(c, argv, 2);
  if (!a) return;
  const deadline = deadlineArg(c, argv[1], srv);
  if (deadline === null) return;
  const now = mpopNow(c, a, srv);
  if (now !== false) return;
  if (srv.inExec) {
    c.out.nilArray();
    return;
  }
  srv.block(c, unique(a.keys), deadline, (ready?: string) => {
    for (const key of ready !== undefined ? [ready] : a.keys) {
      const z = readyZ(c, key);
      if (!z) continue;
      srv.propagate(c.dbIndex, mpopReply(c, key, z, a.max, a.count, srv));
      return true;
    }
    return false;
  }, () => c.out.nilArray());
}

// --- set algebra ------------------------------------------------------------------------

/** One input of ZUNION / ZINTER / ZDIFF: a sorted set, a set (scores 1) or nothing. */
interface Src {
  size: number;
  weight: number;
  z: ZSet | null;
  set: SetValue | null;
  /** Membership test for plain sets, built lazily when the set has none. */
  lookup: ((m: string) => boolean) | null;
}

function srcScore(src: Src, m: string): number | undefined {
  if (src.z) return src.z.score(m);
  if (!src.set) return undefined;
  if (!src.lookup) {
    const has = (src.set as unknown as { has?: (m: string) => boolean }).has;
    if (typeof has === "function") src.lookup = (x) => has.call(src.set, x);
    else {
      const all = new Set(src.set.members());
      src.lookup = (x) => all.has(x);
    }
  }
  return src.lookup(m) ? 1 : undefined;
}

function srcEach(src: Src, fn: (m: string, s: number) => void): void {
  if (src.z) { for (const [m, s] of src.z.entries()) fn(m, s); }
  else if (src.set) { for (const m of src.set.members()) fn(m, 1); }
}

type Aggregate = "sum" | "min" | "max";

function aggregate(a: number, b: number, how: Aggregate): number {
  if (how === "sum") {
    const r = a + b;
    return Number.isNaN(r) ? 0 : r; // inf + -inf: Redis's convention is 0
  }
  if (how === "min") return b < a ? b : a;
  return b > a ? b : a;
}

type SetOp = "union" | "inter" | "diff";

/**
 * ZUNION ZINTER ZDIFF ZINTERCARD and the STORE forms. `numkeysAt` is where
 * numkeys is; `dst` the destination for the STORE forms.
 */
function zsetOpGeneric(
  c: Client,
  argv: string[],
  srv: Server,
  op: SetOp,
  numkeysAt: number,
  dst: string | null,
  cardOnly = false,
): void {
  const nk = parseInteger(argv[numkeysAt]);
  if (nk === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  if (nk < 1) {
    c.out.error(`ERR at least 1 input key is needed for '${argv[0].toLowerCase()}' command`);
    return;
  }
  if (nk > argv.length - numkeysAt - 1) {
    c.out.error(E.SYNTAX);
    return;
  }
  const srcs: Src[] = [];
  for (let i = 0; i < nk; i++) {
    const key = argv[numkeysAt + 1 + i];
    const v = dst !== null ? c.db.get(key) : readKey(c, key, srv);
    const src: Src = { size: 0, weight: 1, z: null, set: null, lookup: null };
    if (v !== undefined) {
      if (typeof v === "string" || (v.type !== "zset" && v.type !== "set")) {
        c.out.error(E.WRONGTYPE);
        return;
      }
      if (v.type === "zset") src.z = v as ZSet;
      else src.set = v as SetValue;
      src.size = (v as ZSet | SetValue).size;
    }
    srcs.push(src);
  }
  let agg: Aggregate = "sum", withScores = false, limit = 0;
  for (let j = numkeysAt + 1 + nk; j < argv.length; j++) {
    const a = argv[j];
    const remaining = argv.length - j;
    if (cardOnly) {
      if (remaining >= 2 && eqi(a, "limit")) {
        const l = parseInteger(argv[++j]);
        if (l === null || l < 0) {
          c.out.error("ERR LIMIT can't be negative");
          return;
        }
        limit = l;
      } else {
        c.out.error(E.SYNTAX);
        return;
      }
    } else if (op !== "diff" && remaining >= nk + 1 && eqi(a, "weights")) {
      for (let i = 0; i < nk; i++) {
        const w = parseScore(argv[++j]);
        if (w === null) {
          c.out.error("ERR weight value is not a float");
          return;
        }
        srcs[i].weight = w;
      }
    } else if (op !== "diff" && remaining >= 2 && eqi(a, "aggregate")) {
      const how = argv[++j].toLowerCase();
      if (how !== "sum" && how !== "min" && how !== "max") {
        c.out.error(E.SYNTAX);
        return;
      }
      agg = how;
    } else if (dst === null && eqi(a, "withscores")) withScores = true;
    else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  // smallest inputs first, as Redis (stable): the order of additions decides sums' rounding
  if (op !== "diff") srcs.sort((a, b) => a.size - b.size);

  if (cardOnly) {
    let n = 0;
    if (srcs[0].size > 0) {
      const first = srcs[0];
      const each = (m: string) => {
        for (let i = 1; i < srcs.length; i++) if (srcScore(srcs[i], m) === undefined) return;
        n++;
      };
      try {
        srcEach(first, (m) => {
          each(m);
          if (limit && n >= limit) throw STOP;
        });
      } catch (e) {
        if (e !== STOP) throw e;
      }
    }
    c.out.int(n);
    return;
  }

  const acc = new Map<string, number>();
  if (op === "union") {
    for (const src of srcs) {
      const w = src.weight;
      srcEach(src, (m, s) => {
        let v = w * s;
        if (Number.isNaN(v)) v = 0;
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? v : aggregate(cur, v, agg));
      });
    }
  } else if (op === "inter") {
    if (srcs[0].size > 0) {
      const first = srcs[0];
      srcEach(first, (m, s) => {
        let score = first.weight * s;
        if (Number.isNaN(score)) score = 0;
        for (let i = 1; i < srcs.length; i++) {
          const o = srcScore(srcs[i], m);
          if (o === undefined) return;
          // (only the first input's inf * 0 counts as 0; a NaN here is lost by
          // MIN / MAX and zeroed by SUM, as Redis)
          score = aggregate(score, srcs[i].weight * o, agg);
        }
        acc.set(m, score);
      });
    }
  } else if (srcs[0].size > 0) {
    srcEach(srcs[0], (m, s) => {
      for (let i = 1; i < srcs.length; i++) if (srcScore(srcs[i], m) !== undefined) return;
      acc.set(m, s);
    });
  }
  const result = ZSet.fromEntries(acc);
  if (dst !== null) {
    storeResult(c, dst, result, srv);
    return;
  }
  const [ss, ms] = result.sortedArrays();
  replyMembers(c, ms, ss, withScores);
}

const STOP = new Error("stop");

// --- ZRANDMEMBER ---------------------------------------------------------------------------

const LONG_MAX = 9223372036854775807n;

function randInt(n: number): number {
  return Math.floor(Math.random() * n);
}

function zrandmember(c: Client, argv: string[], srv: Server): void {
  if (argv.length === 2) {
    const z = readZ(c, argv[1], srv);
    if (z === null) return;
    if (!z) c.out.nil();
    else c.out.bulk(z.at(randInt(z.size)).member);
    return;
  }
  const big = parseBigInt(argv[2]);
  if (big === null) {
    c.out.error(E.NOT_INT);
    return;
  }
  if (big < -LONG_MAX) {
    c.out.error(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    return;
  }
  let withScores = false;
  if (argv.length > 4 || (argv.length === 4 && !eqi(argv[3], "withscores"))) {
    c.out.error(E.SYNTAX);
    return;
  } else if (argv.length === 4) {
    withScores = true;
    if (big < -(LONG_MAX / 2n) || big > LONG_MAX / 2n) {
      c.out.error("ERR value is out of range");
      return;
    }
  }
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  if (!z || big === 0n) {
    c.out.array(0);
    return;
  }
  const size = z.size;
  const reply = (n: number) => withScores ? c.out.pairArray(n) : c.out.array(n);
  const emit = (cur: ZCursor) => {
    if (withScores) c.out.pairHeader();
    c.out.bulk(cur.member);
    if (withScores) c.out.double(cur.score);
  };
  if (big < 0n) {
    // repetitions allowed
    const n = Number(-big);
    reply(n);
    for (let k = 0; k < n; k++) emit(z.at(randInt(size)));
    return;
  }
  const count = Number(big);
  if (count >= size) {
    // the whole set, as Redis: highest rank first
    reply(size);
    for (const cur = z.at(size - 1); cur.valid; cur.prev()) emit(cur);
    return;
  }
  reply(count);
  if (count * 3 > size) {
    // pick ranks by a partial shuffle of all of them
    const ranks = new Array<number>(size);
    for (let i = 0; i < size; i++) ranks[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + randInt(size - i);
      const t = ranks[i];
      ranks[i] = ranks[j];
      ranks[j] = t;
      emit(z.at(ranks[i]));
    }
  } else {
    const seen = new Set<number>();
    while (seen.size < count) {
      const r = randInt(size);
      if (seen.has(r)) continue;
      seen.add(r);
      emit(z.at(r));
    }
  }
}

// --- ZSCAN ------------------------------------------------------------------------------------

const TWO_64 = 1n << 64n;

/** A SCAN cursor as Redis's strtoul reads it; null if invalid. */
function parseCursor(s: string): bigint | null {
  if (s.length === 0) return 0n;
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (!m) return null;
  const v = BigInt(m[2]);
  if (v >= TWO_64) return null;
  return m[1] === "-" ? (TWO_64 - v) % TWO_64 : v;
}

/** ZSCAN continuation points kept per set (oldest dropped first). */
const MAX_SCAN_CURSORS = 64;

function zscan(c: Client, argv: string[], srv: Server): void {
  const cursor = parseCursor(argv[2]);
  if (cursor === null) {
    c.out.error("ERR invalid cursor");
    return;
  }
  const z = readZ(c, argv[1], srv);
  if (z === null) return;
  if (!z) {
    c.out.array(2);
    c.out.bulk("0");
    c.out.array(0);
    return;
  }
  let count = 10;
  let pattern: string | null = null;
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - j - 1;
    if (eqi(argv[j], "count") && more >= 1) {
      const n = parseInteger(argv[++j]);
      if (n === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      if (n < 1) {
        c.out.error(E.SYNTAX);
        return;
      }
      count = n;
    } else if (eqi(argv[j], "match") && more >= 1) {
      pattern = argv[++j];
      if (pattern === "*") pattern = null;
    } else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  const ms: string[] = [], ss: number[] = [];
  const take = (cur: ZCursor) => {
    const m = cur.member;
    if (pattern === null || globMatch(pattern, m)) {
      ms.push(m);
      ss.push(cur.score);
    }
  };
  let next = 0;
  if (z.listpack) {
    // a listpack is returned whole, in order, in one call
    for (const cur = z.at(0); cur.valid; cur.next()) take(cur);
  } else {
    // a cursor names the key to resume from (so members removed meanwhile
    // make nothing get skipped); an unknown cursor is taken as a rank
    let rank = 0;
    if (cursor !== 0n) {
      const resume = z.scanCursors?.get(Number(cursor));
      if (resume) rank = z.countBelowKey(resume[0], resume[1]);
      else rank = cursor < BigInt(z.size) ? Number(cursor) : z.size;
    }
    const cur = z.at(rank);
    for (let k = 0; k < count && cur.valid; k++) {
      take(cur);
      cur.next();
    }
    if (cur.valid) {
      const map = z.scanCursors ??= new Map();
      do next = 2 ** 32 + Math.floor(Math.random() * (2 ** 53 - 2 ** 32)); while (map.has(next));
      map.set(next, [cur.score, cur.member]);
      if (map.size > MAX_SCAN_CURSORS) map.delete(map.keys().next().value!);
    }
  }
  c.out.array(2);
  c.out.bulk(String(next));
  // flat, scores as bulk strings in both protocols; a listpack's own text of
  // each score: integers up to 2^62 in full
  const lp = z.listpack;
  c.out.array(2 * ms.length);
  for (let i = 0; i < ms.length; i++) {
    const d = ss[i];
    c.out.bulk(ms[i]);
    c.out.bulk(
      lp && Number.isInteger(d) && Math.abs(d) <= 2 ** 62 ? BigInt(d).toString() : fmtScore(d),
    );
  }
}

// --- key positions of the commands with numkeys ----------------------------------------------

/** Keys named by a numkeys argument at argv[at] (the keys follow it). */
function numkeysKeys(argv: string[], at: number): string[] {
  const n = parseInteger(argv[at] ?? "");
  if (n === null || n < 1) return [];
  return argv.slice(at + 1, Math.min(argv.length, at + 1 + n));
}

// --- the table ---------------------------------------------------------------------------------

const RANGE_COMPLEXITY =
  "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";
const RANGEBY_COMPLEXITY =
  "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
const REMRANGE_COMPLEXITY =
  "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
const MPOP_COMPLEXITY =
  "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.";
const UNION_COMPLEXITY =
  "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER_COMPLEXITY =
  "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF_COMPLEXITY =
  "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";

function cmd(
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  keys: [number, number, number],
  acl: string[],
  since: string,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
  getKeys?: CommandSpec["getKeys"],
): CommandSpec {
  const spec: CommandSpec = {
    name,
    arity,
    flags,
    keys,
    acl,
    group: "sorted-set",
    since,
    summary,
    complexity,
    handler,
  };
  if (getKeys) spec.getKeys = getKeys;
  return spec;
}

const W_FAST = ["write", "sortedset", "fast"];
const R_FAST = ["read", "sortedset", "fast"];
const W_SLOW = ["write", "sortedset", "slow"];
const R_SLOW = ["read", "sortedset", "slow"];

export const zsetCommands: CommandSpec[] = [
  cmd(
    "zadd",
    -4,
    ["write", "denyoom", "fast"],
    [1, 1, 1],
    W_FAST,
    "1.2.0",
    "Add one or more members to a sorted set, or update its score if it already exists",
    "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    (c, argv, srv) => zaddGeneric(c, argv, srv, false),
  ),
  cmd(
    "zincrby",
    4,
    ["write", "denyoom", "fast"],
    [1, 1, 1],
    W_FAST,
    "1.2.0",
    "Increment the score of a member in a sorted set",
    "O(log(N)) where N is the number of elements in the sorted set.",
    (c, argv, srv) => zaddGeneric(c, argv, srv, true),
  ),
  cmd(
    "zrem",
    -3,
    ["write", "fast"],
    [1, 1, 1],
    W_FAST,
    "1.2.0",
    "Remove one or more members from a sorted set",
    "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    zrem,
  ),
  cmd(
    "zcard",
    2,
    ["readonly", "fast"],
    [1, 1, 1],
    R_FAST,
    "1.2.0",
    "Get the number of members in a sorted set",
    "O(1)",
    zcard,
  ),
  cmd(
    "zscore",
    3,
    ["readonly", "fast"],
    [1, 1, 1],
    R_FAST,
    "1.2.0",
    "Get the score associated with the given member in a sorted set",
    "O(1)",
    zscore,
  ),
  cmd(
    "zmscore",
    -3,
    ["readonly", "fast"],
    [1, 1, 1],
    R_FAST,
    "6.2.0",
    "Get the score associated with the given members in a sorted set",
    "O(N) where N is the number of members being requested.",
    zmscore,
  ),
  cmd(
    "zrank",
    3,
    ["readonly", "fast"],
    [1, 1, 1],
    R_FAST,
    "2.0.0",
    "Determine the index of a member in a sorted set",
    "O(log(N))",
    (c, argv, srv) => zrankGeneric(c, argv, srv, false),
  ),
  cmd(
    "zrevrank",
    3,
    ["readonly", "fast"],
    [1, 1, 1],
    R_FAST,
    "2.0.0",
    "Determine the index of a member in a sorted set, with scores ordered from high to low",
    "O(log(N))",
    (c, argv, srv) => zrankGeneric(c, argv, srv, true),
  ),
  cmd(
    "zcount",
    4,
    ["readonly", "fast"],
    [1, 1, 1],
    R_FAST,
    "2.0.0",
    "Count the members in a sorted set with scores within the given values",
    "O(log(N)) with N being the number of elements in the sorted set.",
    zcount,
  ),
  cmd(
    "zlexcount",
    4,
    ["readonly", "fast"],
    [1, 1, 1],
    R_FAST,
    "2.8.9",
    "Count the number of members in a sorted set between a given lexicographical range",
    "O(log(N)) with N being the number of elements in the sorted set.",
    zlexcount,
  ),
  cmd(
    "zrange",
    -4,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "1.2.0",
    "Return a range of members in a sorted set",
    RANGE_COMPLEXITY,
    (c, argv, srv) => zrangeGeneric(c, argv, srv, false, "auto", null),
  ),
  cmd(
    "zrangestore",
    -5,
    ["write", "denyoom"],
    [1, 2, 1],
    W_SLOW,
    "6.2.0",
    "Store a range of members from sorted set into another key",
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    (c, argv, srv) => zrangeGeneric(c, argv, srv, true, "auto", null),
  ),
  cmd(
    "zrevrange",
    -4,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "1.2.0",
    "Return a range of members in a sorted set, by index, with scores ordered from high to low",
    RANGE_COMPLEXITY,
    (c, argv, srv) => zrangeGeneric(c, argv, srv, false, "rank", true),
  ),
  cmd(
    "zrangebyscore",
    -4,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "1.0.5",
    "Return a range of members in a sorted set, by score",
    RANGEBY_COMPLEXITY,
    (c, argv, srv) => zrangeGeneric(c, argv, srv, false, "score", false),
  ),
  cmd(
    "zrevrangebyscore",
    -4,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "2.2.0",
    "Return a range of members in a sorted set, by score, with scores ordered from high to low",
    RANGEBY_COMPLEXITY,
    (c, argv, srv) => zrangeGeneric(c, argv, srv, false, "score", true),
  ),
  cmd(
    "zrangebylex",
    -4,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "2.8.9",
    "Return a range of members in a sorted set, by lexicographical range",
    RANGEBY_COMPLEXITY,
    (c, argv, srv) => zrangeGeneric(c, argv, srv, false, "lex", false),
  ),
  cmd(
    "zrevrangebylex",
    -4,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "2.8.9",
    "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
    RANGEBY_COMPLEXITY,
    (c, argv, srv) => zrangeGeneric(c, argv, srv, false, "lex", true),
  ),
  cmd(
    "zpopmin",
    -2,
    ["write", "fast"],
    [1, 1, 1],
    W_FAST,
    "5.0.0",
    "Remove and return members with the lowest scores in a sorted set",
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    (c, argv, srv) => zpopGeneric(c, argv, srv, false),
  ),
  cmd(
    "zpopmax",
    -2,
    ["write", "fast"],
    [1, 1, 1],
    W_FAST,
    "5.0.0",
    "Remove and return members with the highest scores in a sorted set",
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    (c, argv, srv) => zpopGeneric(c, argv, srv, true),
  ),
  cmd(
    "zmpop",
    -4,
    ["write", "movablekeys"],
    [0, 0, 0],
    W_SLOW,
    "7.0.0",
    "Remove and return members with scores in a sorted set",
    MPOP_COMPLEXITY,
    zmpop,
    (argv) => numkeysKeys(argv, 1),
  ),
  cmd(
    "bzpopmin",
    -3,
    ["write", "noscript", "blocking", "fast"],
    [1, -2, 1],
    ["write", "sortedset", "fast", "blocking"],
    "5.0.0",
    "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    "O(log(N)) with N being the number of elements in the sorted set.",
    (c, argv, srv) => bzpopGeneric(c, argv, srv, false),
  ),
  cmd(
    "bzpopmax",
    -3,
    ["write", "noscript", "blocking", "fast"],
    [1, -2, 1],
    ["write", "sortedset", "fast", "blocking"],
    "5.0.0",
    "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    "O(log(N)) with N being the number of elements in the sorted set.",
    (c, argv, srv) => bzpopGeneric(c, argv, srv, true),
  ),
  cmd(
    "bzmpop",
    -5,
    ["write", "blocking", "movablekeys"],
    [0, 0, 0],
    ["write", "sortedset", "slow", "blocking"],
    "7.0.0",
    "Remove and return members with scores in a sorted set or block until one is available",
    MPOP_COMPLEXITY,
    bzmpop,
    (argv) => numkeysKeys(argv, 2),
  ),
  cmd(
    "zunion",
    -3,
    ["readonly", "movablekeys"],
    [0, 0, 0],
    R_SLOW,
    "6.2.0",
    "Add multiple sorted sets",
    UNION_COMPLEXITY,
    (c, argv, srv) => zsetOpGeneric(c, argv, srv, "union", 1, null),
    (argv) => numkeysKeys(argv, 1),
  ),
  cmd(
    "zinter",
    -3,
    ["readonly", "movablekeys"],
    [0, 0, 0],
    R_SLOW,
    "6.2.0",
    "Intersect multiple sorted sets",
    INTER_COMPLEXITY,
    (c, argv, srv) => zsetOpGeneric(c, argv, srv, "inter", 1, null),
    (argv) => numkeysKeys(argv, 1),
  ),
  cmd(
    "zdiff",
    -3,
    ["readonly", "movablekeys"],
    [0, 0, 0],
    R_SLOW,
    "6.2.0",
    "Subtract multiple sorted sets",
    DIFF_COMPLEXITY,
    (c, argv, srv) => zsetOpGeneric(c, argv, srv, "diff", 1, null),
    (argv) => numkeysKeys(argv, 1),
  ),
  cmd(
    "zunionstore",
    -4,
    ["write", "denyoom", "movablekeys"],
    [1, 1, 1],
    W_SLOW,
    "2.0.0",
    "Add multiple sorted sets and store the resulting sorted set in a new key",
    "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    (c, argv, srv) => zsetOpGeneric(c, argv, srv, "union", 2, argv[1]),
    (argv) => [argv[1], ...numkeysKeys(argv, 2)],
  ),
  cmd(
    "zinterstore",
    -4,
    ["write", "denyoom", "movablekeys"],
    [1, 1, 1],
    W_SLOW,
    "2.0.0",
    "Intersect multiple sorted sets and store the resulting sorted set in a new key",
    INTER_COMPLEXITY,
    (c, argv, srv) => zsetOpGeneric(c, argv, srv, "inter", 2, argv[1]),
    (argv) => [argv[1], ...numkeysKeys(argv, 2)],
  ),
  cmd(
    "zdiffstore",
    -4,
    ["write", "denyoom", "movablekeys"],
    [1, 1, 1],
    W_SLOW,
    "6.2.0",
    "Subtract multiple sorted sets and store the resulting sorted set in a new key",
    DIFF_COMPLEXITY,
    (c, argv, srv) => zsetOpGeneric(c, argv, srv, "diff", 2, argv[1]),
    (argv) => [argv[1], ...numkeysKeys(argv, 2)],
  ),
  cmd(
    "zintercard",
    -3,
    ["readonly", "movablekeys"],
    [0, 0, 0],
    R_SLOW,
    "7.0.0",
    "Intersect multiple sorted sets and return the cardinality of the result",
    "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    (c, argv, srv) => zsetOpGeneric(c, argv, srv, "inter", 1, null, true),
    (argv) => numkeysKeys(argv, 1),
  ),
  cmd(
    "zremrangebyscore",
    4,
    ["write"],
    [1, 1, 1],
    W_SLOW,
    "1.2.0",
    "Remove all members in a sorted set within the given scores",
    REMRANGE_COMPLEXITY,
    (c, argv, srv) => zremrangeGeneric(c, argv, srv, "score"),
  ),
  cmd(
    "zremrangebyrank",
    4,
    ["write"],
    [1, 1, 1],
    W_SLOW,
    "2.0.0",
    "Remove all members in a sorted set within the given indexes",
    REMRANGE_COMPLEXITY,
    (c, argv, srv) => zremrangeGeneric(c, argv, srv, "rank"),
  ),
  cmd(
    "zremrangebylex",
    4,
    ["write"],
    [1, 1, 1],
    W_SLOW,
    "2.8.9",
    "Remove all members in a sorted set between the given lexicographical range",
    REMRANGE_COMPLEXITY,
    (c, argv, srv) => zremrangeGeneric(c, argv, srv, "lex"),
  ),
  cmd(
    "zrandmember",
    -2,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "6.2.0",
    "Get one or multiple random elements from a sorted set",
    "O(N) where N is the number of elements returned",
    zrandmember,
  ),
  cmd(
    "zscan",
    -3,
    ["readonly"],
    [1, 1, 1],
    R_SLOW,
    "2.8.0",
    "Incrementally iterate sorted sets elements and associated scores",
    "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    zscan,
  ),
];
