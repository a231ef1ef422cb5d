// HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
//
// A HyperLogLog is a string value in Redis's own layout, so that the bytes
// (GET, DUMP, RDB, replication) are the ones Redis 7.0 produces for the same
// adds:
//   header (16 bytes): "HYLL", encoding (0 dense, 1 sparse), 3 unused zero
//     bytes, cached cardinality as 8 bytes little endian; the top bit of the
//     last byte set means "cache invalid" (the other bytes keep the old value).
//   dense: 16384 registers of 6 bits, packed least significant bit first.
//   sparse: run-length opcodes: ZERO 00xxxxxx (1..64 zero registers),
//     XZERO 01xxxxxx yyyyyyyy (1..16384 zero registers), VAL 1vvvvvxx
//     (1..4 registers holding 1..32). It becomes dense once it would grow
//     past hll-sparse-max-bytes or must hold a value above 32.
// Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits
// pick the register, the run of zero bits above them (plus one) is the value.
// The sparse update splits and merges opcodes with exactly Redis's steps, so
// the encoding is byte-identical, not just equivalent.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Value } from "../keyspace/db.ts";
import { bytesToStr } from "../resp/bytes.ts";
import { type CommandSpec, E } from "./spec.ts";

const P = 14;
const REGISTERS = 1 << P; // 16384
const P_MASK = REGISTERS - 1;
const Q = 64 - P; // 50
const HDR = 16;
const DENSE_SIZE = HDR + (REGISTERS * 6) / 8; // 12304
const DENSE = 0, SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.721347520444481703680; // 1 / (2 ln 2)

const INVALID_HLL = "INVALIDOBJ Corrupted HLL object detected";
const NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

// --- MurmurHash64A on 32-bit halves ----------------------------------------------------

let hHi = 0, hLo = 0; // result of mul64 / murmur (unsigned 32-bit halves)

/** (aHi:aLo * bHi:bLo) mod 2^64 into hHi:hLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff, a1 = aLo >>> 16, b0 = bLo & 0xffff, b1 = bLo >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  hLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const hi = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  hHi = (hi + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

const M_HI = 0xc6a4a793, M_LO = 0x5bd1e995; // the multiplier
const SEED = 0xadc83b19;

/** MurmurHash64A of a byte string with Redis's seed; the hash is left in hHi:hLo. */
function murmur64a(s: string): void {
  const len = s.length;
  // h = seed ^ (len * m)
  mul64(0, len, M_HI, M_LO);
  let h1 = hHi, h0 = (hLo ^ SEED) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const k0 = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) |
      (s.charCodeAt(i + 3) << 24)) >>> 0;
    const k1 = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) |
      (s.charCodeAt(i + 7) << 24)) >>> 0;
    mul64(k1, k0, M_HI, M_LO);
    let kHi = hHi, kLo = hLo;
    kLo = (kLo ^ (kHi >>> 15)) >>> 0; // k ^= k >> 47
    mul64(kHi, kLo, M_HI, M_LO);
    kHi = hHi;
    kLo = hLo;
    h1 = (h1 ^ kHi) >>> 0;
    h0 = (h0 ^ kLo) >>> 0;
    mul64(h1, h0, M_HI, M_LO);
    h1 = hHi;
    h0 = hLo;
  }
  const rest = len & 7;
  if (rest) {
    // tail bytes, little endian, into the low bits
    let tHi = 0, tLo = 0;
    for (let j = rest - 1; j >= 0; j--) {
      const b = s.charCodeAt(blocks + j);
      if (j >= 4) tHi |= b << ((j - 4) * 8);
      else tLo |= b << (j * 8);
    }
    h1 = (h1 ^ tHi) >>> 0;
    h0 = (h0 ^ tLo) >>> 0;
    mul64(h1, h0, M_HI, M_LO);
    h1 = hHi;
    h0 = hLo;
  }
  h0 = (h0 ^ (h1 >>> 15)) >>> 0; // h ^= h >> 47
  mul64(h1, h0, M_HI, M_LO);
  h1 = hHi;
  h0 = hLo;
  hLo = (h0 ^ (h1 >>> 15)) >>> 0;
  hHi = h1;
}

let patIndex = 0;

/** Register index (in patIndex) and value for an element. */
function patLen(ele: string): number {
  murmur64a(ele);
  patIndex = hLo & P_MASK;
  // bits 14..63 of the hash; the run of zeros from the bottom, plus one (max Q + 1)
  const lo = ((hLo >>> P) | (hHi << (32 - P))) >>> 0;
  const hi = hHi >>> P;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  if (hi !== 0) return 32 + 32 - Math.clz32(hi & -hi);
  return Q + 1;
}

// --- registers ----------------------------------------------------------------------------

function denseGet(b: Uint8Array, reg: number): number {
  const bit = reg * 6, byte = HDR + (bit >> 3), fb = bit & 7;
  const b0 = b[byte], b1 = byte + 1 < b.length ? b[byte + 1] : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
}

/** denseGet on the stored string itself (no copy). */
function denseGetStr(s: string, reg: number): number {
  const bit = reg * 6, byte = HDR + (bit >> 3), fb = bit & 7;
  const b0 = s.charCodeAt(byte), b1 = byte + 1 < s.length ? s.charCodeAt(byte + 1) : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
}

/**
 * A dense HLL string with one register raised. Strings are immutable: this
 * builds a new one from slices (V8 joins them lazily; flattening it later is
 * one memcpy), far cheaper than copying to bytes and back.
 */
function denseSetStr(s: string, reg: number, val: number): string {
  const bit = reg * 6, byte = HDR + (bit >> 3), fb = bit & 7;
  const b0 = (s.charCodeAt(byte) & ~(63 << fb)) | ((val << fb) & 0xff);
  if (byte + 1 >= s.length) return s.slice(0, byte) + String.fromCharCode(b0);
  const b1 = (s.charCodeAt(byte + 1) & ~(63 >> (8 - fb))) | (val >> (8 - fb));
  return s.slice(0, byte) + String.fromCharCode(b0, b1) + s.slice(byte + 2);
}

/** A stored HLL with its cached cardinality marked invalid. */
function invalidatedStr(s: string): string {
  const b = s.charCodeAt(15);
  return b & 0x80 ? s : s.slice(0, 15) + String.fromCharCode(b | 0x80) + s.slice(16);
}

/** Register histogram of a stored HLL, or null if corrupt. */
function histogramOf(s: string): number[] | null {
  if (s.charCodeAt(4) !== DENSE) return Hll.fromString(s).histogram();
  const h = new Array<number>(64).fill(0);
  for (let i = 0; i < REGISTERS; i++) h[denseGetStr(s, i)]++;
  return h;
}

/** max[i] = max(max[i], register i) for a stored HLL. False if corrupt. */
function mergeOf(s: string, max: Uint8Array): boolean {
  if (s.charCodeAt(4) !== DENSE) return Hll.fromString(s).mergeInto(max);
  for (let i = 0; i < REGISTERS; i++) {
    const v = denseGetStr(s, i);
    if (v > max[i]) max[i] = v;
  }
  return true;
}

/** The cached cardinality in a stored HLL's header, or null if it is invalid. */
function cachedCardStr(s: string): bigint | null {
  if (s.charCodeAt(15) & 0x80) return null;
  let v = 0n;
  for (let i = 15; i >= 8; i--) v = (v << 8n) | BigInt(s.charCodeAt(i));
  return v;
}

function denseSet(b: Uint8Array, reg: number, val: number): void {
  const bit = reg * 6, byte = HDR + (bit >> 3), fb = bit & 7;
  b[byte] = (b[byte] & ~(63 << fb)) | ((val << fb) & 0xff);
  if (byte + 1 < b.length) {
    b[byte + 1] = (b[byte + 1] & ~(63 >> (8 - fb))) | (val >> (8 - fb));
  }
}

const isZero = (op: number) => (op & 0xc0) === 0;
const isXZero = (op: number) => (op & 0xc0) === 0x40;
const isVal = (op: number) => (op & 0x80) !== 0;
const zeroLen = (op: number) => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number) => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number) => (op & 3) + 1;
const valOp = (val: number, len: number) => 0x80 | ((val - 1) << 2) | (len - 1);

/** A HyperLogLog being worked on: its bytes (with spare room) and length. */
class Hll {
  constructor(public b: Uint8Array, public len: number) {}

  static fromString(s: string): Hll {
    // (a plain loop: much faster than a Buffer round trip for these sizes)
    const b = new Uint8Array(s.length);
    for (let i = 0; i < b.length; i++) b[i] = s.charCodeAt(i);
    return new Hll(b, s.length);
  }

  /** A new, empty HLL: sparse, one XZERO opcode per 16384 registers, cached cardinality 0. */
  static empty(): Hll {
    const n = HDR + Math.ceil(REGISTERS / SPARSE_XZERO_MAX_LEN) * 2;
    const b = new Uint8Array(n);
    b.set([72, 89, 76, 76], 0); // "HYLL"
    b[4] = SPARSE;
    for (let p = HDR, left = REGISTERS; left > 0; p += 2) {
      const run = Math.min(left, SPARSE_XZERO_MAX_LEN);
      b[p] = 0x40 | ((run - 1) >> 8);
      b[p + 1] = (run - 1) & 0xff;
      left -= run;
    }
    return new Hll(b, n);
  }

  get encoding(): number {
    return this.b[4];
  }

  toString(): string {
    return bytesToStr(this.b, 0, this.len);
  }

  invalidateCache(): void {
    this.b[15] |= 0x80;
  }

  /** Sparse to dense (the header, cached cardinality included, is kept). False if corrupt. */
  toDense(): boolean {
    if (this.encoding === DENSE) return true;
    const d = new Uint8Array(DENSE_SIZE);
    d.set(this.b.subarray(0, HDR));
    d[4] = DENSE;
    const b = this.b, end = this.len;
    let idx = 0, p = HDR;
    while (p < end) {
      const op = b[p];
      let run: number;
      if (isZero(op)) {
        run = zeroLen(op);
        p++;
      } else if (isXZero(op)) {
        run = xzeroLen(op, b[p + 1]);
        p += 2;
      } else {
        run = valLen(op);
        p++;
      }
      if (run + idx > REGISTERS) return false; // runs past the last register
      if (isVal(op)) {
        const val = valValue(op);
        for (let k = 0; k < run; k++) denseSet(d, idx + k, val);
      }
      idx += run;
    }
    if (idx !== REGISTERS) return false;
    this.b = d;
    this.len = DENSE_SIZE;
    return true;
  }

  /** Raise register `index` to `count`: 1 if changed, 0 if not, -1 if corrupt. */
  set(index: number, count: number, maxSparse: number): number {
    if (this.encoding === DENSE) {
      if (denseGet(this.b, index) >= count) return 0;
      denseSet(this.b, index, count);
      return 1;
    }
    if (count > SPARSE_VAL_MAX_VALUE) return this.promote(index, count);
    const b = this.b;
    let end = this.len;
    // find the opcode covering the register
    let p = HDR, first = 0, prev = -1, span = 0;
    while (p < end) {
      const op = b[p];
      let oplen = 1;
      if (isZero(op)) span = zeroLen(op);
      else if (isVal(op)) span = valLen(op);
      else {
        span = xzeroLen(op, b[p + 1]);
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = b[p];
    const zero = isZero(op), xzero = isXZero(op), val = isVal(op);
    let inPlace = false;
    if (val) {
      if (valValue(op) >= count) return 0;
      if (span === 1) {
        b[p] = valOp(count, 1);
        inPlace = true;
      }
    } else if (zero && span === 1) {
      b[p] = valOp(count, 1);
      inPlace = true;
    }
    if (!inPlace) {
      // split the opcode into up to three (five bytes at most)
      const seq: number[] = [];
      const last = first + span - 1;
      const zeros = (n: number) => {
        if (n > SPARSE_ZERO_MAX_LEN) seq.push(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
        else seq.push(n - 1);
      };
      if (zero || xzero) {
        if (index !== first) zeros(index - first);
        seq.push(valOp(count, 1));
        if (index !== last) zeros(last - index);
      } else {
        const cur = valValue(op);
        if (index !== first) seq.push(valOp(cur, index - first));
        seq.push(valOp(count, 1));
        if (index !== last) seq.push(valOp(cur, last - index));
      }
      const oldlen = xzero ? 2 : 1;
      const delta = seq.length - oldlen;
      if (delta > 0 && this.len + delta > maxSparse) return this.promote(index, count);
      this.resize(this.len + delta);
      const nb = this.b;
      nb.copyWithin(p + seq.length, p + oldlen, end);
      for (let k = 0; k < seq.length; k++) nb[p + k] = seq[k];
      end += delta;
      this.len = end;
    }
    // merge adjacent VAL opcodes of the same value, scanning 5 opcodes from the previous one
    const nb = this.b;
    p = prev >= 0 ? prev : HDR;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const o = nb[p];
      if (isXZero(o)) {
        p += 2;
        continue;
      }
      if (isZero(o)) {
        p++;
        continue;
      }
      if (p + 1 < end && isVal(nb[p + 1])) {
        const v1 = valValue(o), v2 = valValue(nb[p + 1]);
        if (v1 === v2) {
          const l = valLen(o) + valLen(nb[p + 1]);
          if (l <= SPARSE_VAL_MAX_LEN) {
            nb[p + 1] = valOp(v1, l);
            nb.copyWithin(p, p + 1, end);
            end--;
            this.len = end;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  private promote(index: number, count: number): number {
    if (!this.toDense()) return -1;
    const changed = denseGet(this.b, index) < count;
    if (changed) denseSet(this.b, index, count);
    return 1;
  }

  private resize(n: number): void {
    if (n <= this.b.length) return;
    const nb = new Uint8Array(Math.max(n, this.b.length * 2));
    nb.set(this.b.subarray(0, this.len));
    this.b = nb;
  }

  add(ele: string, maxSparse: number): number {
    const count = patLen(ele);
    return this.set(patIndex, count, maxSparse);
  }

  /** max[i] = max(max[i], register i). False if corrupt. */
  mergeInto(max: Uint8Array): boolean {
    const b = this.b;
    if (this.encoding === DENSE) {
      for (let i = 0; i < REGISTERS; i++) {
        const v = denseGet(b, i);
        if (v > max[i]) max[i] = v;
      }
      return true;
    }
    let i = 0, p = HDR;
    const end = this.len;
    while (p < end) {
      const op = b[p];
      let run: number;
      if (isZero(op)) {
        run = zeroLen(op);
        p++;
      } else if (isXZero(op)) {
        run = xzeroLen(op, b[p + 1]);
        p += 2;
      } else {
        run = valLen(op);
        p++;
      }
      if (run + i > REGISTERS) return false; // runs past the last register
      if (isVal(op)) {
        const v = valValue(op);
        for (let k = 0; k < run; k++) if (v > max[i + k]) max[i + k] = v;
      }
      i += run;
    }
    return i === REGISTERS;
  }

  /** Register-value histogram, or null if corrupt. */
  histogram(): number[] | null {
    const h = new Array<number>(64).fill(0);
    const b = this.b;
    if (this.encoding === DENSE) {
      for (let i = 0; i < REGISTERS; i++) h[denseGet(b, i)]++;
      return h;
    }
    let idx = 0, p = HDR;
    const end = this.len;
    while (p < end) {
      const op = b[p];
      if (isZero(op)) {
        const run = zeroLen(op);
        idx += run;
        h[0] += run;
        p++;
      } else if (isXZero(op)) {
        const run = xzeroLen(op, b[p + 1]);
        idx += run;
        h[0] += run;
        p += 2;
      } else {
        const run = valLen(op);
        idx += run;
        h[valValue(op)] += run;
        p++;
      }
    }
    return idx === REGISTERS ? h : null;
  }
}

function rawHistogram(regs: Uint8Array): number[] {
  const h = new Array<number>(64).fill(0);
  for (let i = 0; i < REGISTERS; i++) h[regs[i]]++;
  return h;
}

// --- estimator (Ertl, "New cardinality estimation algorithms for HyperLogLog sketches") ----

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1, z = x, prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1, z = 1 - x, prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (prev !== z);
  return z / 3;
}

function estimate(h: number[]): number {
  const m = REGISTERS;
  let z = m * tau((m - h[Q + 1]) / m);
  for (let j = Q; j >= 1; j--) {
    z += h[j];
    z *= 0.5;
  }
  z += m * sigma(h[0] / m);
  return Math.round(ALPHA_INF * m * m / z);
}

// --- commands -------------------------------------------------------------------------------

/** Is this string a HyperLogLog Redis would accept? */
function validHll(s: string): boolean {
  if (s.length < HDR) return false;
  if (
    s.charCodeAt(0) !== 72 || s.charCodeAt(1) !== 89 || s.charCodeAt(2) !== 76 ||
    s.charCodeAt(3) !== 76
  ) return false;
  const enc = s.charCodeAt(4);
  if (enc > SPARSE) return false;
  if (enc === DENSE && s.length !== DENSE_SIZE) return false;
  return true;
}

/** The value as an HLL, null after an error reply (wrong type or not an HLL). */
function hllOrReply(c: Client, srv: Server, v: Value): string | null {
  if (typeof v !== "string") {
    srv.replyError(c, E.WRONGTYPE);
    return null;
  }
  if (!validHll(v)) {
    srv.replyError(c, NOT_HLL);
    return null;
  }
  return v;
}

function readLookup(c: Client, srv: Server, key: string): Value | undefined {
  const v = c.db.get(key);
  if (v === undefined) srv.stats.keyspaceMisses++;
  else srv.stats.keyspaceHits++;
  return v;
}

function maxSparse(srv: Server): number {
  return srv.config.int("hll-sparse-max-bytes");
}

function pfadd(c: Client, argv: string[], srv: Server): void {
  const key = argv[1];
  const v = c.db.get(key);
  let h: Hll;
  let updated = 0;
  if (v === undefined) {
    h = Hll.empty();
    updated++;
  } else {
    const s = hllOrReply(c, srv, v);
    if (s === null) return;
    if (s.charCodeAt(4) === DENSE) {
      // dense: registers are raised on the string itself
      let cur = s;
      for (let i = 2; i < argv.length; i++) {
        const count = patLen(argv[i]); // (sets patIndex)
        if (denseGetStr(cur, patIndex) < count) {
          cur = denseSetStr(cur, patIndex, count);
          updated++;
        }
      }
      if (updated) {
        c.db.replace(key, invalidatedStr(cur));
        srv.dirty += updated;
      }
      c.out.int(updated ? 1 : 0);
      return;
    }
    h = Hll.fromString(s);
  }
  const limit = maxSparse(srv);
  for (let i = 2; i < argv.length; i++) {
    const r = h.add(argv[i], limit);
    if (r === 1) updated++;
    else if (r === -1) {
      srv.replyError(c, INVALID_HLL);
      return;
    }
  }
  if (updated) {
    h.invalidateCache();
    if (v === undefined) c.db.set(key, h.toString());
    else c.db.replace(key, h.toString());
    srv.dirty += updated;
  }
  c.out.int(updated ? 1 : 0);
}

function pfcount(c: Client, argv: string[], srv: Server): void {
  if (argv.length > 2) {
    const max = new Uint8Array(REGISTERS);
    for (let i = 1; i < argv.length; i++) {
      const v = readLookup(c, srv, argv[i]);
      if (v === undefined) continue;
      const s = hllOrReply(c, srv, v);
      if (s === null) return;
      if (!mergeOf(s, max)) {
        srv.replyError(c, INVALID_HLL);
        return;
      }
    }
    c.out.int(estimate(rawHistogram(max)));
    return;
  }
  const key = argv[1];
  const v = readLookup(c, srv, key);
  if (v === undefined) {
    c.out.int(0);
    return;
  }
  const s = hllOrReply(c, srv, v);
  if (s === null) return;
  const cached = cachedCardStr(s);
  if (cached !== null) {
    c.out.int(cached);
    return;
  }
  const hist = histogramOf(s);
  if (hist === null) {
    srv.replyError(c, INVALID_HLL);
    return;
  }
  const card = estimate(hist);
  // caching the result is a write: signalled, counted and propagated
  let cardBytes = "";
  for (let i = 0, x = card; i < 8; i++, x = Math.floor(x / 256)) {
    cardBytes += String.fromCharCode(x % 256);
  }
  c.db.replace(key, s.slice(0, 8) + cardBytes + s.slice(16));
  srv.dirty++;
  srv.rewritePropagation(argv.slice());
  c.out.int(card);
}

function pfmerge(c: Client, argv: string[], srv: Server): void {
  const max = new Uint8Array(REGISTERS);
  let useDense = false;
  for (let i = 1; i < argv.length; i++) {
    const v = readLookup(c, srv, argv[i]);
    if (v === undefined) continue;
    const s = hllOrReply(c, srv, v);
    if (s === null) return;
    if (s.charCodeAt(4) === DENSE) useDense = true;
    if (!mergeOf(s, max)) {
      srv.replyError(c, INVALID_HLL);
      return;
    }
  }
  const key = argv[1];
  const v = c.db.get(key);
  // (an existing destination was checked above as the first source)
  const h = v === undefined ? Hll.empty() : Hll.fromString(v as string);
  if (useDense && !h.toDense()) {
    srv.replyError(c, INVALID_HLL);
    return;
  }
  const limit = maxSparse(srv);
  for (let j = 0; j < REGISTERS; j++) {
    if (max[j] !== 0) h.set(j, max[j], limit);
  }
  h.invalidateCache();
  if (v === undefined) c.db.set(key, h.toString());
  else c.db.replace(key, h.toString());
  srv.dirty++;
  c.out.ok();
}

function pfdebug(c: Client, argv: string[], srv: Server): void {
  const sub = argv[1].toLowerCase();
  const key = argv[2];
  const v = c.db.get(key);
  if (v === undefined) {
    srv.replyError(c, "ERR The specified key does not exist");
    return;
  }
  const s = hllOrReply(c, srv, v);
  if (s === null) return;
  const h = Hll.fromString(s);
  if (sub === "getreg") {
    if (h.encoding === SPARSE) {
      if (!h.toDense()) {
        srv.replyError(c, INVALID_HLL);
        return;
      }
      c.db.replace(key, h.toString());
      srv.dirty++; // the encoding changed: propagate
    }
    c.out.array(REGISTERS);
    for (let i = 0; i < REGISTERS; i++) c.out.int(denseGet(h.b, i));
  } else if (sub === "decode") {
    if (h.encoding !== SPARSE) {
      srv.replyError(c, "ERR HLL encoding is not sparse");
      return;
    }
    const parts: string[] = [];
    const b = h.b;
    for (let p = HDR; p < h.len;) {
      const op = b[p];
      if (isZero(op)) {
        parts.push(`z:${zeroLen(op)}`);
        p++;
      } else if (isXZero(op)) {
        parts.push(`Z:${xzeroLen(op, b[p + 1])}`);
        p += 2;
      } else {
        parts.push(`v:${valValue(op)},${valLen(op)}`);
        p++;
      }
    }
    c.out.bulk(parts.join(" "));
  } else if (sub === "encoding") {
    c.out.simple(h.encoding === DENSE ? "dense" : "sparse");
  } else if (sub === "todense") {
    let converted = 0;
    if (h.encoding === SPARSE) {
      if (!h.toDense()) {
        srv.replyError(c, INVALID_HLL);
        return;
      }
      converted = 1;
      c.db.replace(key, h.toString());
      srv.dirty++;
    }
    c.out.int(converted);
  } else {
    srv.replyError(c, `ERR Unknown PFDEBUG subcommand '${argv[1]}'`);
  }
}

/** Checks the register packing, the sparse encoding and the estimator's error. */
function pfselftest(c: Client, _argv: string[], srv: Server): void {
  // dense registers: set / get round trip over every register
  const d = new Uint8Array(DENSE_SIZE);
  const vals = new Uint8Array(REGISTERS);
  for (let i = 0; i < REGISTERS; i++) {
    vals[i] = Math.floor(Math.random() * 64);
    denseSet(d, i, vals[i]);
  }
  for (let i = 0; i < REGISTERS; i++) {
    if (denseGet(d, i) !== vals[i]) {
      srv.replyError(c, `ERR TESTFAILED Register error at ${i}`);
      return;
    }
  }
  // sparse and dense agree, and the estimate stays within a few standard errors
  const sparse = Hll.empty(), dense = Hll.empty();
  dense.toDense();
  const relerr = 1.04 / Math.sqrt(REGISTERS);
  for (let n = 1; n <= 100000; n++) {
    const ele = "selftest-" + n;
    sparse.add(ele, 1 << 30);
    dense.add(ele, 1 << 30);
    if (n % 1000 !== 0 && n > 100) continue;
    const a = estimate(sparse.histogram()!), b = estimate(dense.histogram()!);
    if (a !== b) {
      srv.replyError(c, `ERR TESTFAILED sparse/dense mismatch at ${n}: ${a} ${b}`);
      return;
    }
    if (Math.abs(n - a) > n * relerr * 5 + 1) {
      srv.replyError(c, `ERR TESTFAILED too big error. card:${n} abserr:${Math.abs(n - a)}`);
      return;
    }
  }
  c.out.ok();
}

export const hyperloglogCommands: CommandSpec[] = [
  {
    name: "pfadd",
    arity: -2,
    flags: ["write", "denyoom", "fast"],
    keys: [1, 1, 1],
    acl: ["write", "hyperloglog", "fast"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Adds the specified elements to the specified HyperLogLog.",
    complexity: "O(1) to add every element.",
    handler: pfadd,
  },
  {
    name: "pfcount",
    arity: -2,
    flags: ["readonly"],
    keys: [1, -1, 1],
    acl: ["read", "hyperloglog", "slow"],
    group: "hyperloglog",
    since: "2.8.9",
    summary:
      "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
    complexity:
      "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
    handler: pfcount,
  },
  {
    name: "pfmerge",
    arity: -2,
    flags: ["write", "denyoom"],
    keys: [1, -1, 1],
    acl: ["write", "hyperloglog", "slow"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Merge N different HyperLogLogs into a single one.",
    complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
    handler: pfmerge,
  },
  {
    name: "pfdebug",
    arity: 3,
    flags: ["write", "denyoom", "admin"],
    keys: [2, 2, 1],
    acl: ["write", "hyperloglog", "admin", "slow", "dangerous"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Internal commands for debugging HyperLogLog values",
    complexity: "N/A",
    handler: pfdebug,
  },
  {
    name: "pfselftest",
    arity: 1,
    flags: ["admin"],
    acl: ["hyperloglog", "admin", "slow", "dangerous"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "An internal command for testing HyperLogLog values",
    complexity: "N/A",
    handler: pfselftest,
  },
];
