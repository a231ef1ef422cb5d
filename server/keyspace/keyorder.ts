// The keys of one database in insertion order, for SCAN cursors and
// RANDOMKEY.
//
// Redis's SCAN guarantee: a full iteration returns every key that was present
// from its start to its end at least once, whatever is added or removed in
// between. A JS Map has no stable position to resume from, so beside the dict
// we keep an append-only log of key insertions: entry i holds a key and its
// sequence number seq[i] (strictly increasing, never reused). A cursor holds
// two sequence numbers: where to resume, and where the log ended when the
// iteration began (cursor = end * 2^32 + resume; 0 starts). A call finds the
// resume point with a binary search and walks forward; it stops at `end`, so
// an iteration terminates after the entries that existed at its start, even
// while keys keep coming and going (keys added meanwhile need not be
// returned).
//
// Deletions are not recorded (they happen on many paths); an entry whose key
// is no longer in the dict is stale and skipped. A key deleted and added again
// has two entries: the older one is a duplicate. Compaction drops stale
// entries and all but the latest entry of each key; it keeps the sequence
// numbers of what it keeps, so cursors stay valid. A key present for the
// whole iteration keeps its one entry at a fixed sequence number below `end`,
// which the resume point (only ever moving forward) must pass: it is returned.
// (After 2^32 insertions into one db the numbers are reassigned from 1 at a
// compaction; an iteration in flight at that moment may miss keys.)
//
// Cost: one array push per new key (Database.set/replace notice the dict
// growing). Compaction is O(entries) and runs when at least half the
// entries are stale or duplicate, so it is paid for by the additions and
// deletions that made them: O(1) amortized. A SCAN call visits at most
// 10 * COUNT entries (plus an O(log n) search), as Redis bounds empty buckets.
import type { Database, KeyOrderSink, Value } from "./db.ts";

/** Sequence numbers stay below 2^32 so that two fit in a 64-bit cursor. */
const MAX_SEQ = 0xffffffff;

export class KeyOrder implements KeyOrderSink {
  keys: string[] = [];
  seqs: number[] = [];
  private nextSeq = 1;

  constructor(readonly dict: Map<string, Value>) {
    for (const k of dict.keys()) this.added(k);
  }

  added(key: string): void {
    this.keys.push(key);
    this.seqs.push(this.nextSeq++);
    if (this.keys.length > 2 * this.dict.size + 64) this.compact();
    else if (this.nextSeq >= MAX_SEQ) this.compact();
  }

  /** Drop entries of deleted keys and older duplicates, keeping sequence numbers. */
  compact(): void {
    const keys = this.keys, seqs = this.seqs, dict = this.dict;
    const seen = new Set<string>();
    const nk: string[] = [], ns: number[] = [];
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i];
      if (!dict.has(k) || seen.has(k)) continue;
      seen.add(k);
      nk.push(k);
      ns.push(seqs[i]);
    }
    nk.reverse();
    ns.reverse();
    if (this.nextSeq >= MAX_SEQ) {
      for (let i = 0; i < ns.length; i++) ns[i] = i + 1;
      this.nextSeq = ns.length + 1;
    }
    this.keys = nk;
    this.seqs = ns;
  }

  /** Compact when the log has grown well past the dict (deletions). */
  maybeCompact(): void {
    if (this.keys.length > 2 * this.dict.size + 64) this.compact();
  }

  /** Index of the first entry whose sequence number is >= seq. */
  indexOf(seq: number): number {
    const s = this.seqs;
    let lo = 0, hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Walk from `cursor`: append up to `count` keys present in the dict to
   * `out`, visiting at most 10 * count entries. Returns the next cursor (0
   * when the iteration is over).
   */
  scan(cursor: bigint, count: number, out: string[]): bigint {
    this.maybeCompact();
    let from = 1, end = this.nextSeq;
    if (cursor !== 0n) {
      from = Number(cursor & 0xffffffffn);
      end = Number(cursor >> 32n);
    }
    const keys = this.keys, seqs = this.seqs, dict = this.dict;
    let i = from <= 1 ? 0 : this.indexOf(from);
    const n = keys.length;
    let visits = count * 10, found = 0;
    while (i < n && seqs[i] < end && found < count && visits-- > 0) {
      const k = keys[i++];
      if (dict.has(k)) {
        out.push(k);
        found++;
      }
    }
    if (i >= n || seqs[i] >= end) return 0n;
    return (BigInt(end) << 32n) | BigInt(seqs[i]);
  }

  /** A random key present in the dict (null if none), near uniformly. */
  random(): string | null {
    this.maybeCompact();
    const keys = this.keys, dict = this.dict;
    if (dict.size === 0) return null;
    for (let tries = 0; tries < 1000; tries++) {
      const k = keys[Math.floor(Math.random() * keys.length)];
      if (dict.has(k)) return k;
    }
    this.compact();
    return this.keys.length ? this.keys[Math.floor(Math.random() * this.keys.length)] : null;
  }
}

/** The database's key-order index, built on first use. */
export function keyOrderOf(db: Database): KeyOrder {
  let ko = db.keyOrder as KeyOrder | null;
  if (ko === null || ko.dict !== db.dict) {
    // first use, or the dict was replaced wholesale (FLUSHDB, SWAPDB, load)
    ko = new KeyOrder(db.dict);
    db.keyOrder = ko;
  }
  return ko;
}
