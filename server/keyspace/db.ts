// One database: the key -> value dictionary and the key -> expiry table.
//
// Values: a Redis string is a JS byte string (see resp/bytes.ts); the other
// types are objects with a `type` tag (lists, hashes, sets, sorted sets).
//
// Expiry: lazily on lookup, and actively from a min-heap of (when, key) kept
// beside the expiry table, so the active cycle pops exactly the keys that are
// due instead of sampling or scanning. Heap entries whose key got another
// TTL (or none) are stale and dropped when popped.

import { KeyMap } from "./keymap.ts";

export interface RedisObject {
  readonly type: "string" | "list" | "hash" | "set" | "zset" | "stream";
  /** OBJECT ENCODING's answer, by Redis's thresholds. */
  encoding(): string;
  /**
   * A deep copy (COPY). Every collection type implements it; strings are
   * immutable JS strings and need none.
   */
  clone?(): RedisObject;
}

export type Value = string | RedisObject;

/** What a database tells the key-order index (keyorder.ts) about new keys. */
export interface KeyOrderSink {
  added(key: string): void;
}

export function typeName(v: Value): string {
  return typeof v === "string" ? "string" : v.type;
}

/** What a database needs from the server around it. */
export interface KeyspaceHooks {
  /** A key was written (WATCH, dirty tracking is the caller's). */
  keyModified(db: Database, key: string): void;
  /** A key was found expired and removed; propagate its deletion. */
  keyExpired(db: Database, key: string): void;
  /** Replicas never expire keys themselves; they only hide them. */
  isReplica(): boolean;
  /** Current time in ms (cached per command, as Redis's mstime snapshot). */
  now(): number;
}

export class Database {
  dict: Map<string, Value> = new KeyMap<Value>();
  expires: Map<string, number> = new KeyMap<number>();
  private heapWhen: number[] = [];
  private heapKey: string[] = [];
  /**
   * Insertion-order index of the keys for SCAN and RANDOMKEY, built on their
   * first use (keyorder.ts). Every new key must reach it: insert through
   * set()/replace(), never dict.set() directly.
   */
  keyOrder: KeyOrderSink | null = null;
  /**
   * Called before an expired key is deleted, while a snapshot is being
   * written (persistence/snapshot.ts writes the key out first).
   */
  beforeExpire: ((db: Database, key: string) => void) | null = null;

  constructor(public id: number, public hooks: KeyspaceHooks) {}

  get size(): number {
    return this.dict.size;
  }

  /** Is the key logically expired (whatever the role)? */
  isExpired(key: string): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when <= this.hooks.now();
  }

  /**
   * Expire the key if it is due. On a master it is deleted (and the deletion
   * propagated); on a replica it is only reported as gone. True if gone.
   */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.hooks.now()) return false;
    if (this.hooks.isReplica()) return true;
    if (this.beforeExpire !== null) this.beforeExpire(this, key);
    this.dict.delete(key);
    this.expires.delete(key);
    this.hooks.keyExpired(this, key);
    this.hooks.keyModified(this, key);
    return true;
  }

  /** The value of a live key, or undefined. */
  get(key: string): Value | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Add or overwrite; clears the TTL unless keepTtl. Signals modification. */
  set(key: string, value: Value, keepTtl = false): void {
    const ko = this.keyOrder;
    if (ko !== null) {
      const n = this.dict.size;
      this.dict.set(key, value);
      if (this.dict.size !== n) ko.added(key);
    } else this.dict.set(key, value);
    if (!keepTtl && this.expires.size) this.expires.delete(key);
    this.hooks.keyModified(this, key);
  }

  /** Replace the value of an existing key in place (TTL kept). */
  replace(key: string, value: Value): void {
    const ko = this.keyOrder;
    if (ko !== null) {
      const n = this.dict.size;
      this.dict.set(key, value);
      if (this.dict.size !== n) ko.added(key);
    } else this.dict.set(key, value);
    this.hooks.keyModified(this, key);
  }

  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    if (this.expires.size) this.expires.delete(key);
    this.hooks.keyModified(this, key);
    return true;
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpire(key: string, when: number): void {
    this.expires.set(key, when);
    this.heapPush(when, key);
  }

  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  clear(): void {
    // fresh Maps, never .clear(): a snapshot being written still walks the old ones
    this.dict = new KeyMap<Value>();
    this.expires = new KeyMap<number>();
    this.heapWhen = [];
    this.heapKey = [];
    this.keyOrder = null;
  }

  /** SWAPDB: exchange contents with another database (ids stay). */
  swapWith(other: Database): void {
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.heapWhen, other.heapWhen] = [other.heapWhen, this.heapWhen];
    [this.heapKey, other.heapKey] = [other.heapKey, this.heapKey];
    [this.keyOrder, other.keyOrder] = [other.keyOrder, this.keyOrder];
  }

  /** A uniformly random live key (O(1) expected when the dict is dense). */
  randomKey(): string | null {
    for (let tries = 0; tries < 100 && this.dict.size; tries++) {
      const n = this.dict.size;
      const target = Math.floor(Math.random() * n);
      let i = 0;
      let chosen: string | null = null;
      // Map has no random access: walk from the start for small maps, or
      // sample the first entries of a fresh iterator for large ones.
      if (n <= 1024) {
        for (const k of this.dict.keys()) {
          if (i++ === target) {
            chosen = k;
            break;
          }
        }
      } else {
        const skip = target % 1024;
        for (const k of this.dict.keys()) {
          if (i++ === skip) {
            chosen = k;
            break;
          }
        }
      }
      if (chosen === null) return null;
      if (this.hooks.isReplica() || !this.isExpired(chosen)) return chosen;
      this.expireIfNeeded(chosen);
    }
    return this.dict.size ? this.dict.keys().next().value! : null;
  }

  // --- active expiry ------------------------------------------------------

  /**
   * Delete keys whose time has come, oldest first, until `deadline` (ms,
   * performance.now()) or `max` keys. Returns the number expired.
   */
  activeExpire(now: number, deadline: number, max: number): number {
    let n = 0;
    const hw = this.heapWhen, hk = this.heapKey;
    while (hw.length && hw[0] <= now && n < max) {
      const when = hw[0], key = hk[0];
      this.heapPop();
      if (this.expires.get(key) === when) {
        this.expireIfNeeded(key);
        n++;
      }
      if ((n & 15) === 0 && performance.now() > deadline) break;
    }
    // drop stale entries when the heap is much larger than the table
    if (hw.length > 1024 && hw.length > 2 * this.expires.size) this.rebuildHeap();
    return n;
  }

  private rebuildHeap(): void {
    this.heapWhen = [];
    this.heapKey = [];
    for (const [k, w] of this.expires) this.heapPush(w, k);
  }

  private heapPush(when: number, key: string): void {
    const hw = this.heapWhen, hk = this.heapKey;
    let i = hw.length;
    hw.push(when);
    hk.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (hw[parent] <= when) break;
      hw[i] = hw[parent];
      hk[i] = hk[parent];
      i = parent;
    }
    hw[i] = when;
    hk[i] = key;
  }

  private heapPop(): void {
    const hw = this.heapWhen, hk = this.heapKey;
    const lastW = hw.pop()!, lastK = hk.pop()!;
    const n = hw.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && hw[r] < hw[l] ? r : l;
      if (hw[c] >= lastW) break;
      hw[i] = hw[c];
      hk[i] = hk[c];
      i = c;
    }
    hw[i] = lastW;
    hk[i] = lastK;
  }
}
