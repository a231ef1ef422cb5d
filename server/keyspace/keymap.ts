// The key -> value dictionary of a database: a Map whose deletions leave a
// tombstone instead of removing the entry.
//
// Why: V8's Map (an ordered hash table) rehashes the whole table when a
// deletion is followed by an insertion at some sizes (it grows, then shrinks,
// then grows again): deleting and re-adding the same key in a 1M-key Map was
// measured at ~120 us per pair, where Redis takes ~1 us. That is the
// `SET lock` / `DEL lock` pattern on a big keyspace. Re-adding a tombstoned
// key updates its entry in place; tombstones are swept in one rebuild once
// they outnumber live keys (O(1) amortized). The hash, set and sorted set
// types do the same with their own member maps.
//
// Everything else sees a plain Map: size counts live keys, iteration skips
// tombstones. One difference: a key deleted and re-added keeps its first
// place in the iteration order (nothing relies on the dict order: SCAN and
// RANDOMKEY use their own key log, Redis itself has hash order).

const TOMB: unique symbol = Symbol("deleted");

export class KeyMap<V> extends Map<string, V> {
  private live = 0;
  private dead = 0;
  /** Iterations in progress: a sweep would make them see keys twice. */
  private iterating = 0;

  override get size(): number {
    return this.live;
  }

  override get(key: string): V | undefined {
    const v = super.get(key);
    return v === (TOMB as unknown) ? undefined : v;
  }

  override has(key: string): boolean {
    const v = super.get(key);
    return v !== undefined && v !== (TOMB as unknown);
  }

  override set(key: string, value: V): this {
    const old = super.get(key);
    if (old === undefined) this.live++;
    else if (old === (TOMB as unknown)) {
      this.live++;
      this.dead--;
    }
    super.set(key, value);
    return this;
  }

  override delete(key: string): boolean {
    const old = super.get(key);
    if (old === undefined || old === (TOMB as unknown)) return false;
    super.set(key, TOMB as unknown as V);
    this.live--;
    this.dead++;
    if (this.dead > 1024 && this.dead > this.live && this.iterating === 0) this.sweep();
    return true;
  }

  override clear(): void {
    super.clear();
    this.live = this.dead = 0;
  }

  /** Drop every tombstone (one rebuild, order kept). */
  private sweep(): void {
    const keep: [string, V][] = [];
    for (const [k, v] of super.entries()) if (v !== (TOMB as unknown)) keep.push([k, v]);
    super.clear();
    for (const [k, v] of keep) super.set(k, v);
    this.dead = 0;
  }

  override *entries(): MapIterator<[string, V]> {
    this.iterating++;
    try {
      for (const e of super.entries()) if (e[1] !== (TOMB as unknown)) yield e;
    } finally {
      this.iterating--;
    }
  }

  override *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  override *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  override forEach(fn: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown) {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
