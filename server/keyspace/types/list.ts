// The list type: a growable ring buffer of byte strings. Pushes and pops at
// either end are O(1) (amortized over the doublings), any index is O(1), and
// middle insertions / removals shift the shorter side.
//
// Redis 7.0 always reports a list as "quicklist" (lists became listpack-
// encoded only in 7.2), so encoding() does too; RDB and DUMP choose their own
// node layout from items().
import type { ListValue } from "./index.ts";

const MIN_CAPACITY = 8;

export class RedisList implements ListValue {
  readonly type = "list" as const;
  /** Slots; capacity is always a power of two so wrapping is a mask. */
  private buf: (string | undefined)[];
  private mask: number;
  private head = 0;
  private len = 0;

  constructor(items?: Iterable<string>) {
    this.buf = new Array(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    if (items) { for (const s of items) this.pushTail(s); }
  }

  get length(): number {
    return this.len;
  }

  encoding(): string {
    return "quicklist";
  }

  /** A deep copy (COPY): an independent list with the same elements. */
  clone(): RedisList {
    const l = new RedisList();
    l.reserve(this.len);
    for (let i = 0; i < this.len; i++) l.buf[i] = this.buf[(this.head + i) & this.mask];
    l.len = this.len;
    return l;
  }

  *items(): IterableIterator<string> {
    for (let i = 0; i < this.len; i++) yield this.buf[(this.head + i) & this.mask]!;
  }

  /** Elements from index `start` to `stop` inclusive (already clamped, start <= stop). */
  slice(start: number, stop: number): string[] {
    const out = new Array<string>(stop - start + 1);
    for (let i = start, j = 0; i <= stop; i++, j++) out[j] = this.buf[(this.head + i) & this.mask]!;
    return out;
  }

  // --- ends -----------------------------------------------------------------

  pushTail(s: string): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[(this.head + this.len) & this.mask] = s;
    this.len++;
  }

  pushHead(s: string): void {
    if (this.len === this.buf.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = s;
    this.len++;
  }

  popHead(): string | undefined {
    if (this.len === 0) return undefined;
    const s = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.maybeShrink();
    return s;
  }

  popTail(): string | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & this.mask;
    const s = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    this.maybeShrink();
    return s;
  }

  /** Push at the head (left) or the tail. */
  push(s: string, left: boolean): void {
    if (left) this.pushHead(s);
    else this.pushTail(s);
  }

  pop(left: boolean): string | undefined {
    return left ? this.popHead() : this.popTail();
  }

  // --- indexes --------------------------------------------------------------

  /** Element at index i (0-based from the head; negative counts from the tail). */
  at(i: number): string | undefined {
    if (i < 0) i += this.len;
    if (i < 0 || i >= this.len) return undefined;
    return this.buf[(this.head + i) & this.mask];
  }

  /** Replace the element at i (normalized like at()). False if out of range. */
  set(i: number, s: string): boolean {
    if (i < 0) i += this.len;
    if (i < 0 || i >= this.len) return false;
    this.buf[(this.head + i) & this.mask] = s;
    return true;
  }

  /** Index of the first element equal to s from the head, or -1. */
  indexOf(s: string): number {
    for (let i = 0; i < this.len; i++) {
      if (this.buf[(this.head + i) & this.mask] === s) return i;
    }
    return -1;
  }

  /** Insert s so that it ends up at index i (0 <= i <= length). */
  insertAt(i: number, s: string): void {
    if (i <= 0) return this.pushHead(s);
    if (i >= this.len) return this.pushTail(s);
    if (this.len === this.buf.length) this.grow();
    const b = this.buf, m = this.mask, h = this.head;
    if (i < this.len >> 1) {
      // move the first i elements one slot towards the head
      const nh = (h - 1) & m;
      for (let k = 0; k < i; k++) b[(nh + k) & m] = b[(h + k) & m];
      this.head = nh;
    } else {
      for (let k = this.len; k > i; k--) b[(h + k) & m] = b[(h + k - 1) & m];
    }
    b[(this.head + i) & m] = s;
    this.len++;
  }

  /**
   * Remove up to `count` elements equal to s (count 0 = all), from the head
   * when fromHead else from the tail. Returns how many were removed.
   */
  removeMatching(s: string, count: number, fromHead: boolean): number {
    const b = this.buf, m = this.mask, h = this.head, n = this.len;
    const limit = count <= 0 ? Infinity : count;
    let removed = 0;
    if (fromHead) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = b[(h + r) & m];
        if (removed < limit && v === s) {
          removed++;
          continue;
        }
        if (w !== r) b[(h + w) & m] = v;
        w++;
      }
      for (let k = w; k < n; k++) b[(h + k) & m] = undefined;
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = b[(h + r) & m];
        if (removed < limit && v === s) {
          removed++;
          continue;
        }
        if (w !== r) b[(h + w) & m] = v;
        w--;
      }
      for (let k = 0; k <= w; k++) b[(h + k) & m] = undefined;
      this.head = (h + removed) & m;
    }
    this.len = n - removed;
    this.maybeShrink();
    return removed;
  }

  /** Drop `left` elements from the head and `right` from the tail. */
  trim(left: number, right: number): void {
    if (left + right >= this.len) {
      this.clear();
      return;
    }
    const b = this.buf, m = this.mask;
    for (let k = 0; k < left; k++) b[(this.head + k) & m] = undefined;
    this.head = (this.head + left) & m;
    this.len -= left;
    for (let k = 0; k < right; k++) b[(this.head + this.len - 1 - k) & m] = undefined;
    this.len -= right;
    this.maybeShrink();
  }

  clear(): void {
    this.buf = new Array(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.head = 0;
    this.len = 0;
  }

  // --- capacity -------------------------------------------------------------

  /** Make room for at least n elements in total. */
  reserve(n: number): void {
    if (n <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < n) cap *= 2;
    this.resize(cap);
  }

  private grow(): void {
    this.resize(this.buf.length * 2);
  }

  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap <= 64 || this.len >= cap >> 2) return;
    // down to twice the length, so pops right after do not shrink again
    let target = cap >> 1;
    while (target > 64 && this.len < target >> 2) target >>= 1;
    this.resize(target);
  }

  private resize(cap: number): void {
    const nb = new Array<string | undefined>(cap).fill(undefined);
    const b = this.buf, m = this.mask;
    for (let i = 0; i < this.len; i++) nb[i] = b[(this.head + i) & m];
    this.buf = nb;
    this.mask = cap - 1;
    this.head = 0;
  }
}
