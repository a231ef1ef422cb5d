// The sorted set: a member -> score Map for O(1) lookups, plus an
// order-statistic B+tree over (score, member) for everything ordered.
//
// The tree: leaves hold up to LEAF_MAX parallel (score, member) arrays and
// are linked both ways for range walks; inner nodes hold their children, the
// size of each child's subtree (so ranks are sums on the way down) and for
// each child but the first a separator: a key that is <= every key in that
// child and > every key in the child before it. Separators may go stale
// (lower than the child's real minimum) after deletions; they stay valid
// bounds, which is all the searches need. Every operation walks one path from
// the root: insert, delete, rank, select-by-rank and the range bounds are
// O(log n); a range walk is O(log n + M).
//
// Order: by score, then by member bytes. Members are byte strings (char codes
// 0..255), so JS's `<` on them is memcmp order.
//
// Encoding: Redis keeps small sorted sets as a listpack and converts them to
// a skiplist once they grow past zset-max-listpack-entries or get a member
// longer than zset-max-listpack-value, never back (except when a whole new
// value is built: the store commands, RDB loading). `listpack` mirrors that
// for OBJECT ENCODING, and for the two behaviours that differ: a listpack
// stores -0 as 0, and its lexicographic range lookups scan linearly.
import type { ZSetValue } from "./index.ts";

const LEAF_MAX = 64;
const LEAF_MIN = 16;
const INNER_MAX = 64;
const INNER_MIN = 16;
/** Fill factor when building a tree from sorted input. */
const BULK_FILL = 48;

class Leaf {
  s: number[] = [];
  m: string[] = [];
  next: Leaf | null = null;
  prev: Leaf | null = null;
}

class Inner {
  kids: (Leaf | Inner)[] = [];
  cnt: number[] = [];
  ss: number[] = [];
  sm: string[] = [];
}

type Node = Leaf | Inner;

function insAt<T>(a: T[], i: number, v: T): void {
  let j = a.length;
  a.push(v);
  for (; j > i; j--) a[j] = a[j - 1];
  a[i] = v;
}

function delAt<T>(a: T[], i: number): void {
  const n = a.length - 1;
  for (let j = i; j < n; j++) a[j] = a[j + 1];
  a.pop();
}

function sum(a: number[]): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i];
  return t;
}

/** A position in the order; walks forward and backward in O(1) amortized. */
export class ZCursor {
  constructor(public leaf: Leaf | null, public i: number) {}
  get valid(): boolean {
    return this.leaf !== null;
  }
  get member(): string {
    return this.leaf!.m[this.i];
  }
  get score(): number {
    return this.leaf!.s[this.i];
  }
  next(): void {
    const l = this.leaf!;
    if (++this.i >= l.s.length) {
      this.leaf = l.next;
      this.i = 0;
    }
  }
  prev(): void {
    if (--this.i < 0) {
      this.leaf = this.leaf!.prev;
      this.i = this.leaf ? this.leaf.s.length - 1 : 0;
    }
  }
}

export class ZSet implements ZSetValue {
  readonly type = "zset" as const;
  /**
   * member -> score. A removed member stays as a NaN tombstone until the
   * next compaction: V8's Map keeps deleted entries in their bucket's chain
   * until it rehashes, so deleting and re-adding the same member over and
   * over (ZPOPMIN then ZADD, a common queue pattern) would make its lookups
   * walk an ever longer chain. Re-adding over a tombstone updates in place.
   */
  private dict = new Map<string, number>();
  private live = 0;
  private tombs = 0;
  /** True while Redis would still hold this set as a listpack. */
  listpack = true;
  private root: Node = new Leaf();
  private height = 0;
  private head: Leaf;
  private tail: Leaf;
  // descent path, reused: pathN[h] is the inner node at height h, pathI[h]
  // the index of the child taken in it.
  private pathN: Inner[] = [];
  private pathI: number[] = [];
  /** ZSCAN continuation points: cursor -> the next key to return. */
  scanCursors: Map<number, [number, string]> | null = null;

  constructor() {
    this.head = this.tail = this.root as Leaf;
  }

  get size(): number {
    return this.live;
  }

  encoding(): string {
    return this.listpack ? "listpack" : "skiplist";
  }

  score(member: string): number | undefined {
    const s = this.dict.get(member);
    return s === undefined || s !== s ? undefined : s;
  }

  has(member: string): boolean {
    return this.score(member) !== undefined;
  }

  /**
   * Add a member or change its score, applying Redis's listpack rules: a new
   * member that makes the set longer than maxEntries or that is longer than
   * maxValue turns it into a skiplist (before insertion, so that member keeps
   * a -0); while a listpack, -0 is stored as 0. Returns true if it was new.
   */
  add(member: string, score: number, maxEntries: number, maxValue: number): boolean {
    const cur = this.score(member);
    if (cur === undefined) {
      if (this.listpack && (this.live + 1 > maxEntries || member.length > maxValue)) {
        this.listpack = false;
      }
      if (this.listpack && score === 0) score = 0;
      this.setNew(member, score);
      this.insertKey(score, member);
      return true;
    }
    if (this.listpack && score === 0) score = 0;
    if (cur !== score || Object.is(cur, -0) !== Object.is(score, -0)) {
      this.dict.set(member, score);
      if (cur === score) this.setScoreInPlace(score, member, score);
      else {
        this.deleteKey(cur, member);
        this.insertKey(score, member);
      }
    }
    return false;
  }

  /** Insert or update without any encoding rule (building a value; see fixEncoding). */
  set(member: string, score: number): void {
    const cur = this.score(member);
    if (cur !== undefined) {
      if (cur === score && Object.is(cur, -0) === Object.is(score, -0)) return;
      this.deleteKey(cur, member);
      this.dict.set(member, score);
    } else this.setNew(member, score);
    this.insertKey(score, member);
  }

  private setNew(member: string, score: number): void {
    if (this.dict.get(member) !== undefined) this.tombs--; // a tombstone
    this.dict.set(member, score);
    this.live++;
  }

  delete(member: string): boolean {
    const cur = this.score(member);
    if (cur === undefined) return false;
    this.dict.set(member, NaN);
    this.live--;
    this.deleteKey(cur, member);
    if (++this.tombs > 1024 && this.tombs > this.live) this.compact();
    return true;
  }

  /** Drop the tombstones: a fresh Map of the live members (amortized O(1) per removal). */
  private compact(): void {
    const d = new Map<string, number>();
    for (let l: Leaf | null = this.head; l; l = l.next) {
      for (let i = 0; i < l.s.length; i++) d.set(l.m[i], l.s[i]);
    }
    this.dict = d;
    this.tombs = 0;
  }

  clear(): void {
    this.dict = new Map();
    this.live = this.tombs = 0;
    this.root = this.head = this.tail = new Leaf();
    this.height = 0;
    this.scanCursors = null;
  }

  /**
   * The encoding a freshly built value gets (store commands, RDB loading):
   * listpack when it has at most maxEntries members, none longer than
   * maxValue.
   */
  fixEncoding(maxEntries: number, maxValue: number): void {
    let small = this.live <= maxEntries;
    for (let l: Leaf | null = this.head; l && small; l = l.next) {
      for (let i = 0; i < l.m.length; i++) {
        if (l.m[i].length > maxValue) {
          small = false;
          break;
        }
      }
    }
    this.listpack = small;
    if (small) {
      // a listpack keeps no negative zero
      for (let l: Leaf | null = this.head; l; l = l.next) {
        for (let i = 0; i < l.s.length; i++) {
          if (Object.is(l.s[i], -0)) {
            l.s[i] = 0;
            this.dict.set(l.m[i], 0);
          }
        }
      }
    }
  }

  clone(): ZSet {
    const z = ZSet.fromSorted(this.sortedArrays());
    z.listpack = this.listpack;
    return z;
  }

  /** Members with scores, ascending. */
  *entries(): IterableIterator<[string, number]> {
    for (let l: Leaf | null = this.head; l; l = l.next) {
      for (let i = 0; i < l.s.length; i++) yield [l.m[i], l.s[i]];
    }
  }

  /** Scores and members in order, as two arrays. */
  sortedArrays(): [number[], string[]] {
    const s: number[] = [], m: string[] = [];
    for (let l: Leaf | null = this.head; l; l = l.next) {
      for (let i = 0; i < l.s.length; i++) {
        s.push(l.s[i]);
        m.push(l.m[i]);
      }
    }
    return [s, m];
  }

  /** A set built from scores and members already in (score, member) order, no duplicates. */
  static fromSorted([scores, members]: [number[], string[]]): ZSet {
    const z = new ZSet();
    z.listpack = false;
    const n = scores.length;
    if (n === 0) return z;
    for (let i = 0; i < n; i++) z.dict.set(members[i], scores[i]);
    z.live = n;
    // leaves
    const nLeaves = Math.ceil(n / BULK_FILL);
    let level: Node[] = [];
    let counts: number[] = [];
    let mins: [number, string][] = [];
    let prev: Leaf | null = null;
    for (let k = 0, off = 0; k < nLeaves; k++) {
      const end = Math.round((n * (k + 1)) / nLeaves);
      const l = new Leaf();
      l.s = scores.slice(off, end);
      l.m = members.slice(off, end);
      l.prev = prev;
      if (prev) prev.next = l;
      else z.head = l;
      prev = l;
      level.push(l);
      counts.push(end - off);
      mins.push([scores[off], members[off]]);
      off = end;
    }
    z.tail = prev!;
    let height = 0;
    while (level.length > 1) {
      const nNodes = Math.ceil(level.length / BULK_FILL);
      const up: Node[] = [], upCounts: number[] = [], upMins: [number, string][] = [];
      for (let k = 0, off = 0; k < nNodes; k++) {
        const end = Math.round((level.length * (k + 1)) / nNodes);
        const node = new Inner();
        node.kids = level.slice(off, end);
        node.cnt = counts.slice(off, end);
        for (let j = off; j < end; j++) {
          node.ss.push(mins[j][0]);
          node.sm.push(mins[j][1]);
        }
        up.push(node);
        upCounts.push(sum(node.cnt));
        upMins.push(mins[off]);
        off = end;
      }
      level = up;
      counts = upCounts;
      mins = upMins;
      height++;
    }
    z.root = level[0];
    z.height = height;
    return z;
  }

  /** A set from unordered (member, score) pairs (members unique). */
  static fromEntries(pairs: Iterable<[string, number]>): ZSet {
    const arr = [...pairs];
    arr.sort((a, b) => a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const s = new Array<number>(arr.length), m = new Array<string>(arr.length);
    for (let i = 0; i < arr.length; i++) {
      s[i] = arr[i][1];
      m[i] = arr[i][0];
    }
    return ZSet.fromSorted([s, m]);
  }

  // --- ordered access ---------------------------------------------------------

  /** 0-based rank of a member (ascending), or -1 if absent. */
  rank(member: string): number {
    const s = this.score(member);
    return s === undefined ? -1 : this.countBelowKey(s, member);
  }

  /** A cursor at rank r (0 <= r < size). */
  at(r: number): ZCursor {
    if (r < 0 || r >= this.live) return new ZCursor(null, 0);
    if (r === 0) return new ZCursor(this.head, 0);
    if (r === this.live - 1) return new ZCursor(this.tail, this.tail.s.length - 1);
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const n = node as Inner;
      const cnt = n.cnt;
      let i = 0;
      while (r >= cnt[i]) r -= cnt[i++];
      node = n.kids[i];
    }
    return new ZCursor(node as Leaf, r);
  }

  /** Number of members whose (score, member) sorts before (s, m), present or not. */
  countBelowKey(s: number, m: string): number {
    let node = this.root, r = 0;
    for (let h = this.height; h > 0; h--) {
      const n = node as Inner;
      const i = childIndex(n, s, m);
      for (let j = 0; j < i; j++) r += n.cnt[j];
      node = n.kids[i];
    }
    return r + leafLowerBound(node as Leaf, s, m);
  }

  /** Number of members whose score is < x (orEqual: <= x). */
  countBelowScore(x: number, orEqual: boolean): number {
    let node = this.root, r = 0;
    for (let h = this.height; h > 0; h--) {
      const n = node as Inner;
      const ss = n.ss;
      let lo = 1, hi = n.kids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ss[mid] < x || (orEqual && ss[mid] === x)) lo = mid + 1;
        else hi = mid;
      }
      const i = lo - 1;
      for (let j = 0; j < i; j++) r += n.cnt[j];
      node = n.kids[i];
    }
    const l = node as Leaf, s = l.s;
    let lo = 0, hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < x || (orEqual && s[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return r + lo;
  }

  /**
   * Number of members that sort before member v (orEqual: <= v), comparing
   * members only: meaningful when all scores are equal, as Redis's lex
   * commands assume.
   */
  countBelowMember(v: string, orEqual: boolean): number {
    let node = this.root, r = 0;
    for (let h = this.height; h > 0; h--) {
      const n = node as Inner;
      const sm = n.sm;
      let lo = 1, hi = n.kids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sm[mid] < v || (orEqual && sm[mid] === v)) lo = mid + 1;
        else hi = mid;
      }
      const i = lo - 1;
      for (let j = 0; j < i; j++) r += n.cnt[j];
      node = n.kids[i];
    }
    const m = (node as Leaf).m;
    let lo = 0, hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid] < v || (orEqual && m[mid] === v)) lo = mid + 1;
      else hi = mid;
    }
    return r + lo;
  }

  /** Remove the members of ranks [start, end] (inclusive, valid). Returns how many. */
  deleteRankRange(start: number, end: number): number {
    const n = end - start + 1;
    if (n <= 0) return 0;
    if (n === this.live) {
      this.clear();
      return n;
    }
    const c = this.at(start);
    const members: string[] = new Array(n);
    for (let k = 0; k < n; k++) {
      members[k] = c.member;
      c.next();
    }
    for (const m of members) this.delete(m);
    return n;
  }

  // --- the tree ---------------------------------------------------------------

  /** Change the stored score of a key to an equal value (0 <-> -0) without moving it. */
  private setScoreInPlace(s: number, m: string, v: number): void {
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      node = (node as Inner).kids[childIndex(node as Inner, s, m)];
    }
    const l = node as Leaf;
    l.s[leafLowerBound(l, s, m)] = v;
  }

  private insertKey(s: number, m: string): void {
    const pathN = this.pathN, pathI = this.pathI;
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const n = node as Inner;
      const i = childIndex(n, s, m);
      n.cnt[i]++;
      pathN[h] = n;
      pathI[h] = i;
      node = n.kids[i];
    }
    const l = node as Leaf;
    const pos = leafLowerBound(l, s, m);
    insAt(l.s, pos, s);
    insAt(l.m, pos, m);
    if (l.s.length > LEAF_MAX) this.splitLeaf(l);
  }

  private splitLeaf(l: Leaf): void {
    const half = l.s.length >> 1;
    const r = new Leaf();
    r.s = l.s.splice(half);
    r.m = l.m.splice(half);
    r.next = l.next;
    if (r.next) r.next.prev = r;
    else this.tail = r;
    r.prev = l;
    l.next = r;
    this.insertChild(1, l, r, r.s[0], r.m[0], l.s.length, r.s.length);
  }

  /** `left` at height h-1 was split; `right` goes after it in the node at height h. */
  private insertChild(
    h: number,
    left: Node,
    right: Node,
    sepS: number,
    sepM: string,
    lc: number,
    rc: number,
  ): void {
    if (h > this.height) {
      const root = new Inner();
      root.kids = [left, right];
      root.cnt = [lc, rc];
      root.ss = [sepS, sepS];
      root.sm = [sepM, sepM];
      this.root = root;
      this.height = h;
      return;
    }
    const p = this.pathN[h], i = this.pathI[h];
    p.cnt[i] = lc;
    insAt(p.kids, i + 1, right);
    insAt(p.cnt, i + 1, rc);
    insAt(p.ss, i + 1, sepS);
    insAt(p.sm, i + 1, sepM);
    if (p.kids.length <= INNER_MAX) return;
    const half = p.kids.length >> 1;
    const q = new Inner();
    q.kids = p.kids.splice(half);
    q.cnt = p.cnt.splice(half);
    q.ss = p.ss.splice(half);
    q.sm = p.sm.splice(half);
    this.insertChild(h + 1, p, q, q.ss[0], q.sm[0], sum(p.cnt), sum(q.cnt));
  }

  private deleteKey(s: number, m: string): void {
    const pathN = this.pathN, pathI = this.pathI;
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const n = node as Inner;
      const i = childIndex(n, s, m);
      n.cnt[i]--;
      pathN[h] = n;
      pathI[h] = i;
      node = n.kids[i];
    }
    const l = node as Leaf;
    const pos = leafLowerBound(l, s, m);
    delAt(l.s, pos);
    delAt(l.m, pos);
    if (l.s.length < LEAF_MIN && this.height > 0) this.fixLeaf(l);
  }

  private fixLeaf(l: Leaf): void {
    const p = this.pathN[1], i = this.pathI[1];
    if (i > 0) {
      const left = p.kids[i - 1] as Leaf;
      if (left.s.length + l.s.length <= LEAF_MAX) {
        for (let k = 0; k < l.s.length; k++) {
          left.s.push(l.s[k]);
          left.m.push(l.m[k]);
        }
        left.next = l.next;
        if (l.next) l.next.prev = left;
        else this.tail = left;
        p.cnt[i - 1] += p.cnt[i];
        this.removeChild(p, i);
      } else {
        const k = (left.s.length - l.s.length + 1) >> 1;
        const ms = left.s.splice(left.s.length - k), mm = left.m.splice(left.m.length - k);
        l.s = ms.concat(l.s);
        l.m = mm.concat(l.m);
        p.cnt[i - 1] -= k;
        p.cnt[i] += k;
        p.ss[i] = l.s[0];
        p.sm[i] = l.m[0];
      }
    } else {
      const right = p.kids[1] as Leaf;
      if (right.s.length + l.s.length <= LEAF_MAX) {
        for (let k = 0; k < right.s.length; k++) {
          l.s.push(right.s[k]);
          l.m.push(right.m[k]);
        }
        l.next = right.next;
        if (right.next) right.next.prev = l;
        else this.tail = l;
        p.cnt[0] += p.cnt[1];
        this.removeChild(p, 1);
      } else {
        const k = (right.s.length - l.s.length + 1) >> 1;
        const ms = right.s.splice(0, k), mm = right.m.splice(0, k);
        for (let j = 0; j < k; j++) {
          l.s.push(ms[j]);
          l.m.push(mm[j]);
        }
        p.cnt[0] += k;
        p.cnt[1] -= k;
        p.ss[1] = right.s[0];
        p.sm[1] = right.m[0];
      }
    }
    this.fixInner(1);
  }

  private removeChild(p: Inner, i: number): void {
    delAt(p.kids, i);
    delAt(p.cnt, i);
    delAt(p.ss, i);
    delAt(p.sm, i);
  }

  /** The inner node at height h may have too few children now. */
  private fixInner(h: number): void {
    const n = this.pathN[h];
    if (h === this.height) {
      if (n.kids.length === 1) {
        this.root = n.kids[0];
        this.height--;
      }
      return;
    }
    if (n.kids.length >= INNER_MIN) return;
    const p = this.pathN[h + 1], i = this.pathI[h + 1];
    if (i > 0) {
      const left = p.kids[i - 1] as Inner;
      n.ss[0] = p.ss[i];
      n.sm[0] = p.sm[i];
      if (left.kids.length + n.kids.length <= INNER_MAX) {
        for (let k = 0; k < n.kids.length; k++) {
          left.kids.push(n.kids[k]);
          left.cnt.push(n.cnt[k]);
          left.ss.push(n.ss[k]);
          left.sm.push(n.sm[k]);
        }
        p.cnt[i - 1] += p.cnt[i];
        this.removeChild(p, i);
      } else {
        const k = (left.kids.length - n.kids.length + 1) >> 1;
        const from = left.kids.length - k;
        const mc = left.cnt.splice(from);
        n.kids = left.kids.splice(from).concat(n.kids);
        n.cnt = mc.concat(n.cnt);
        n.ss = left.ss.splice(from).concat(n.ss);
        n.sm = left.sm.splice(from).concat(n.sm);
        const moved = sum(mc);
        p.cnt[i - 1] -= moved;
        p.cnt[i] += moved;
        p.ss[i] = n.ss[0];
        p.sm[i] = n.sm[0];
      }
    } else {
      const right = p.kids[1] as Inner;
      right.ss[0] = p.ss[1];
      right.sm[0] = p.sm[1];
      if (right.kids.length + n.kids.length <= INNER_MAX) {
        for (let k = 0; k < right.kids.length; k++) {
          n.kids.push(right.kids[k]);
          n.cnt.push(right.cnt[k]);
          n.ss.push(right.ss[k]);
          n.sm.push(right.sm[k]);
        }
        p.cnt[0] += p.cnt[1];
        this.removeChild(p, 1);
      } else {
        const k = (right.kids.length - n.kids.length + 1) >> 1;
        const mk = right.kids.splice(0, k), mc = right.cnt.splice(0, k);
        const ms = right.ss.splice(0, k), mm = right.sm.splice(0, k);
        for (let j = 0; j < k; j++) {
          n.kids.push(mk[j]);
          n.cnt.push(mc[j]);
          n.ss.push(ms[j]);
          n.sm.push(mm[j]);
        }
        const moved = sum(mc);
        p.cnt[0] += moved;
        p.cnt[1] -= moved;
        p.ss[1] = right.ss[0];
        p.sm[1] = right.sm[0];
      }
    }
    this.fixInner(h + 1);
  }

  /** Check every invariant (tests). Throws on the first violation. */
  verify(): void {
    const keys: [number, string][] = [];
    for (let l: Leaf | null = this.head; l; l = l.next) {
      if (l.next && l.next.prev !== l) throw new Error("broken prev link");
      for (let i = 0; i < l.s.length; i++) keys.push([l.s[i], l.m[i]]);
    }
    if (keys.length !== this.live) throw new Error(`size ${keys.length} != ${this.live}`);
    let live = 0;
    for (const v of this.dict.values()) if (v === v) live++;
    if (live !== this.live || this.dict.size - live !== this.tombs) throw new Error("tombstones");
    for (let i = 0; i < keys.length; i++) {
      const [s, m] = keys[i];
      if (this.dict.get(m) !== s || Object.is(this.dict.get(m), -0) !== Object.is(s, -0)) {
        throw new Error(`dict mismatch for ${m}`);
      }
      if (i && !lt(keys[i - 1][0], keys[i - 1][1], s, m)) throw new Error(`order at ${i}`);
    }
    const walk = (
      node: Node,
      h: number,
      lo: [number, string] | null,
      hi: [number, string] | null,
      isRoot: boolean,
    ): number => {
      if (h === 0) {
        const l = node as Leaf;
        if (!isRoot && l.s.length === 0) throw new Error("empty leaf");
        if (l.s.length > LEAF_MAX) throw new Error("leaf too big");
        for (let i = 0; i < l.s.length; i++) {
          if (lo && lt(l.s[i], l.m[i], lo[0], lo[1])) throw new Error("key below separator");
          if (hi && !lt(l.s[i], l.m[i], hi[0], hi[1])) throw new Error("key above separator");
        }
        return l.s.length;
      }
      const n = node as Inner;
      if (n.kids.length < 2 && isRoot) throw new Error("root with one child");
      if (n.kids.length > INNER_MAX) throw new Error("inner too big");
      if (!isRoot && n.kids.length < 1) throw new Error("empty inner");
      let total = 0;
      for (let i = 0; i < n.kids.length; i++) {
        const klo: [number, string] | null = i === 0 ? lo : [n.ss[i], n.sm[i]];
        const khi: [number, string] | null = i + 1 < n.kids.length
          ? [n.ss[i + 1], n.sm[i + 1]]
          : hi;
        const c = walk(n.kids[i], h - 1, klo, khi, false);
        if (c !== n.cnt[i]) throw new Error(`count ${n.cnt[i]} != ${c}`);
        total += c;
      }
      return total;
    };
    walk(this.root, this.height, null, null, true);
  }
}

function lt(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/** The child of n whose key range holds (s, m). */
function childIndex(n: Inner, s: number, m: string): number {
  const ss = n.ss, sm = n.sm;
  let lo = 1, hi = n.kids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = ss[mid];
    if (s < x || (s === x && m < sm[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** First index in the leaf whose key is >= (s, m). */
function leafLowerBound(l: Leaf, s: number, m: string): number {
  const ls = l.s, lm = l.m;
  let lo = 0, hi = ls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = ls[mid];
    if (x < s || (x === s && lm[mid] < m)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
