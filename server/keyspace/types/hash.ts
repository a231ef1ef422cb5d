// The hash type. Fields live in two parallel arrays (fields, values) indexed
// by a Map field -> slot, so that lookups are O(1) and a uniformly random
// field (HRANDFIELD) is one array read.
//
// Encoding (OBJECT ENCODING) follows Redis 7.0: a new hash is "listpack"
// until it holds more than hash-max-listpack-entries fields or a field or
// value longer than hash-max-listpack-value bytes; then it is "hashtable"
// for good. While "listpack", deletion keeps the insertion order (a listpack
// is a sequence: HGETALL replies fields in the order they were added), which
// costs O(N) per deletion, as a listpack's memmove does. Once "hashtable",
// deletion moves the last slot into the hole (O(1)).
//
// HSCAN cursors (hashtable encoding only; a listpack is returned whole) walk
// the slots downwards: cursor c means "slots below c are still to visit".
// A swap-remove only ever moves the last slot into a lower hole, so a field
// that is present throughout an iteration never leaves the unvisited range
// and is returned at least once.
//
// Deletion leaves the field in the Map with slot -1 (a tombstone) instead of
// deleting it: V8's Map keeps deleted entries in their bucket's chain until
// it rehashes, so deleting and re-adding the same field over and over on a
// big hash (HSET/HDEL churn) would make that chain, and every lookup in it,
// grow to thousands of entries. The Map is rebuilt from the live fields once
// tombstones outnumber them (amortized O(1) per deletion).
import type { HashValue } from "./index.ts";

/** The thresholds a hash checks on each insertion (from the config). */
export interface HashLimits {
  /** hash-max-listpack-entries */
  entries: number;
  /** hash-max-listpack-value (bytes) */
  value: number;
}

/** Redis 7.0's built-in defaults (its sample redis.conf says 128 entries; the binary 512). */
export const DEFAULT_HASH_LIMITS: HashLimits = { entries: 512, value: 64 };

export class RedisHash implements HashValue {
  readonly type = "hash" as const;
  private slot = new Map<string, number>();
  private fields: string[] = [];
  private vals: string[] = [];
  /** Tombstones (slot -1) in `slot`. */
  private dead = 0;
  private ht = false;

  get size(): number {
    return this.fields.length;
  }

  encoding(): string {
    return this.ht ? "hashtable" : "listpack";
  }

  /** True once converted to a hashtable (never goes back). */
  get isHashtable(): boolean {
    return this.ht;
  }

  /** Force the hashtable encoding (e.g. when loading one from RDB). */
  convertToHashtable(): void {
    this.ht = true;
  }

  get(field: string): string | undefined {
    const i = this.slot.get(field);
    return i === undefined || i < 0 ? undefined : this.vals[i];
  }

  has(field: string): boolean {
    const i = this.slot.get(field);
    return i !== undefined && i >= 0;
  }

  /**
   * Set a field; true if it was new. `lim` decides the encoding, as Redis
   * checks it on every insertion.
   */
  set(field: string, value: string, lim: HashLimits): boolean {
    if (!this.ht && (field.length > lim.value || value.length > lim.value)) this.ht = true;
    const i = this.slot.get(field);
    if (i !== undefined) {
      if (i >= 0) {
        this.vals[i] = value;
        return false;
      }
      this.dead--;
    }
    this.slot.set(field, this.fields.length);
    this.fields.push(field);
    this.vals.push(value);
    if (!this.ht && this.fields.length > lim.entries) this.ht = true;
    return true;
  }

  /** Remove a field; true if it existed. */
  delete(field: string): boolean {
    const i = this.slot.get(field);
    if (i === undefined || i < 0) return false;
    this.slot.set(field, -1);
    const fields = this.fields, vals = this.vals;
    const last = fields.length - 1;
    if (this.ht) {
      if (i !== last) {
        const f = fields[last];
        fields[i] = f;
        vals[i] = vals[last];
        this.slot.set(f, i);
      }
      fields.pop();
      vals.pop();
    } else {
      fields.splice(i, 1);
      vals.splice(i, 1);
      for (let j = i; j < last; j++) this.slot.set(fields[j], j);
    }
    if (++this.dead > 32 && this.dead > fields.length) this.compact();
    return true;
  }

  /** Rebuild the Map from the live fields (drops tombstones). */
  private compact(): void {
    const slot = new Map<string, number>();
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) slot.set(fields[i], i);
    this.slot = slot;
    this.dead = 0;
  }

  /** Field at slot i (0 <= i < size): random picks and HSCAN. */
  fieldAt(i: number): string {
    return this.fields[i];
  }

  valueAt(i: number): string {
    return this.vals[i];
  }

  /** A uniformly random slot (size must be > 0). */
  randomSlot(): number {
    return Math.floor(Math.random() * this.fields.length);
  }

  *entries(): Iterable<[string, string]> {
    const fields = this.fields, vals = this.vals;
    for (let i = 0; i < fields.length; i++) yield [fields[i], vals[i]];
  }

  keys(): readonly string[] {
    return this.fields;
  }

  values(): readonly string[] {
    return this.vals;
  }

  clone(): RedisHash {
    const h = new RedisHash();
    h.fields = this.fields.slice();
    h.vals = this.vals.slice();
    h.compact();
    h.ht = this.ht;
    return h;
  }

  /**
   * Build a hash from pairs (RDB, RESTORE): the encoding is what the pairs
   * would give when inserted one by one.
   */
  static from(pairs: Iterable<[string, string]>, lim: HashLimits = DEFAULT_HASH_LIMITS): RedisHash {
    const h = new RedisHash();
    for (const [f, v] of pairs) h.set(f, v, lim);
    return h;
  }
}
