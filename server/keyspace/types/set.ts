// The set type: members in an array indexed by a Map member -> slot, so
// membership is O(1), a uniformly random member (SRANDMEMBER, SPOP) is one
// array read, and removal moves the last slot into the hole (O(1)).
//
// Encoding (OBJECT ENCODING) follows Redis 7.0 (which has no listpack sets;
// they came in 7.2): a set whose members are all 64-bit integers in
// canonical form and that holds at most set-max-intset-entries of them is an
// "intset"; any other set is a "hashtable", for good. An intset is sorted,
// so while "intset" the members are iterated in ascending numeric order
// (SMEMBERS, SSCAN, SINTER... reply as Redis does); the sorted view is
// cached until the next change.
//
// SSCAN cursors (hashtable encoding only; an intset is returned whole) walk
// the slots downwards, as for hashes (see hash.ts): a member present
// throughout an iteration is returned at least once.
//
// Removal leaves the member in the Map with slot -1 (a tombstone) instead of
// deleting it: V8's Map keeps deleted entries in their bucket's chain until
// it rehashes, so removing and re-adding the same member over and over on a
// big set (SADD/SREM churn) would make that chain, and every lookup in it,
// grow to thousands of entries. The Map is rebuilt from the live members
// once tombstones outnumber them (amortized O(1) per removal).
import type { SetValue } from "./index.ts";

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** Is `s` a 64-bit integer as Redis's string2ll accepts it (canonical form)? */
export function isIntsetMember(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1;
  if (first < 49 || first > 57) return false;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  if (n - i < 19) return true;
  const b = BigInt(s);
  return b <= LLONG_MAX && b >= LLONG_MIN;
}

/** Ascending numeric order of two canonical integer strings. */
function compareInts(a: string, b: string): number {
  const x = Number(a), y = Number(b);
  if (x !== y) return x < y ? -1 : 1;
  if (a === b) return 0;
  // equal as doubles, different as integers (beyond 2^53)
  const p = BigInt(a), q = BigInt(b);
  return p < q ? -1 : p > q ? 1 : 0;
}

/** Redis limits an intset to 2^30 entries whatever the configuration. */
const INTSET_HARD_MAX = 1 << 30;

export class RedisSet implements SetValue {
  readonly type = "set" as const;
  private slot = new Map<string, number>();
  private items: string[] = [];
  /** Tombstones (slot -1) in `slot`. */
  private dead = 0;
  private intset: boolean;
  private sorted: string[] | null = null;

  /**
   * A new empty set. Redis creates it as an intset when its first member is
   * an integer (`intsetHint`), else as a hashtable.
   */
  constructor(intsetHint = true) {
    this.intset = intsetHint;
  }

  /** An empty set created for its first member, as Redis's setTypeCreate. */
  static forMember(first: string): RedisSet {
    return new RedisSet(isIntsetMember(first));
  }

  get size(): number {
    return this.items.length;
  }

  encoding(): string {
    return this.intset ? "intset" : "hashtable";
  }

  get isIntset(): boolean {
    return this.intset;
  }

  /** Force the hashtable encoding. */
  convertToHashtable(): void {
    this.intset = false;
    this.sorted = null;
  }

  has(m: string): boolean {
    const i = this.slot.get(m);
    return i !== undefined && i >= 0;
  }

  /** Add a member; true if it was new. `maxIntset` is set-max-intset-entries. */
  add(m: string, maxIntset: number): boolean {
    const old = this.slot.get(m);
    if (old !== undefined) {
      if (old >= 0) return false;
      this.dead--;
    }
    if (this.intset) {
      if (!isIntsetMember(m)) this.convertToHashtable();
      else this.sorted = null;
    }
    this.slot.set(m, this.items.length);
    this.items.push(m);
    if (this.intset && this.items.length > Math.min(maxIntset, INTSET_HARD_MAX)) {
      this.convertToHashtable();
    }
    return true;
  }

  /** Remove a member; true if it was there. */
  delete(m: string): boolean {
    const i = this.slot.get(m);
    if (i === undefined || i < 0) return false;
    this.slot.set(m, -1);
    const items = this.items;
    const last = items.length - 1;
    if (i !== last) {
      const moved = items[last];
      items[i] = moved;
      this.slot.set(moved, i);
    }
    items.pop();
    this.sorted = null;
    if (++this.dead > 32 && this.dead > items.length) this.compact();
    return true;
  }

  /** Rebuild the Map from the live members (drops tombstones). */
  private compact(): void {
    const slot = new Map<string, number>();
    const items = this.items;
    for (let i = 0; i < items.length; i++) slot.set(items[i], i);
    this.slot = slot;
    this.dead = 0;
  }

  /** Member at slot i (0 <= i < size): random picks and SSCAN. */
  memberAt(i: number): string {
    return this.items[i];
  }

  /** A uniformly random slot (size must be > 0). */
  randomSlot(): number {
    return Math.floor(Math.random() * this.items.length);
  }

  /** Remove and return a uniformly random member (size must be > 0). */
  popRandom(): string {
    const m = this.items[this.randomSlot()];
    this.delete(m);
    return m;
  }

  /** Members in the encoding's order (ascending for an intset). */
  members(): readonly string[] {
    if (!this.intset) return this.items;
    if (this.sorted === null) this.sorted = this.items.slice().sort(compareInts);
    return this.sorted;
  }

  clone(): RedisSet {
    const s = new RedisSet(this.intset);
    s.items = this.items.slice();
    s.compact();
    s.sorted = this.sorted;
    return s;
  }

  /**
   * Build a set from members (RDB, RESTORE, SINTERSTORE...): created as an
   * intset, as Redis creates result sets, and converted as members demand.
   */
  static from(members: Iterable<string>, maxIntset = 512): RedisSet {
    const s = new RedisSet(true);
    for (const m of members) s.add(m, maxIntset);
    return s;
  }
}
