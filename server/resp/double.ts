// Doubles as Redis 7.0 reads and writes them: C's strtod (strict for scores
// and weights, loose for range bounds) and %.17g with C's rounding (ties to
// even on the exact binary value) and -0 kept. One module for the reply
// writer, the sorted sets, DEBUG DIGEST and the RDB writer.

/** A score as Redis replies it: C's %.17g (ties to even, -0 kept), inf, -inf. */
export function fmtScore(d: number): string {
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  if (!Number.isFinite(d)) return Number.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
  const a = Math.abs(d);
  if (Number.isInteger(d) && a < 1e17) {
    // every digit of the exact value: at most 17 of them
    return a < 2 ** 53 ? String(d) : BigInt(d).toString();
  }
  let digits: string, x: number;
  const fb = fractionBits(a);
  const e = Math.floor(Math.log10(a));
  if (fb > 0 && Math.abs(fb + e + 1 - 18) <= 1) {
    // the exact value may have 18 significant digits ending in 5: a tie,
    // which C breaks to even where JS rounds up; work it out exactly
    [digits, x] = exactDigits17(a);
  } else {
    const s = a.toExponential(16);
    const ei = s.indexOf("e");
    digits = s[0] + s.slice(2, ei);
    x = Number(s.slice(ei + 1));
  }
  let out: string;
  if (x < -4 || x >= 17) {
    const frac = digits.slice(1).replace(/0+$/, "");
    const ax = Math.abs(x);
    out = digits[0] + (frac ? "." + frac : "") + "e" + (x < 0 ? "-" : "+") + (ax < 10 ? "0" : "") +
      ax;
  } else if (x >= 0) {
    const frac = digits.slice(x + 1).replace(/0+$/, "");
    out = digits.slice(0, x + 1) + (frac ? "." + frac : "");
  } else {
    out = "0." + "0".repeat(-x - 1) + digits.replace(/0+$/, "");
  }
  return d < 0 ? "-" + out : out;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** How many binary digits a finite double has after the point. */
function fractionBits(d: number): number {
  F64[0] = d;
  const lo = U32[0], hi = U32[1];
  const biased = (hi >>> 20) & 0x7ff;
  let hiM = hi & 0xfffff;
  let e: number;
  if (biased === 0) e = -1074;
  else {
    hiM |= 0x100000;
    e = biased - 1075;
  }
  const tz = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 32 + (31 - Math.clz32(hiM & -hiM));
  return Math.max(0, -(e + tz));
}

/** 17 significant digits of a positive double, rounded half-even from its exact value, and the exponent. */
function exactDigits17(d: number): [string, number] {
  F64[0] = d;
  const lo = U32[0], hi = U32[1];
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  let dig: string, q: number;
  if (e >= 0) {
    dig = (m << BigInt(e)).toString();
    q = 0;
  } else {
    dig = (m * 5n ** BigInt(-e)).toString();
    q = e;
  }
  let x = dig.length - 1 + q;
  if (dig.length <= 17) return [dig.padEnd(17, "0"), x];
  let head = dig.slice(0, 17);
  const rest = dig.slice(17);
  const half = rest[0] === "5" && /^50*$/.test(rest);
  const up = rest[0] > "5" || (rest[0] === "5" && !half) ||
    (half && (head.charCodeAt(16) & 1) === 1);
  if (up) {
    head = (BigInt(head) + 1n).toString();
    if (head.length > 17) {
      head = head.slice(0, 17);
      x++;
    }
  }
  return [head, x];
}

export function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

const DEC_RE = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/;
const HEX_RE = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/;

/**
 * C's strtod applied to the whole of s: null unless it converts every
 * character (or s is empty, which converts to 0 with nothing consumed, as C
 * does). NaN is null too: no caller accepts it. `erange` reports overflow
 * or underflow as strtod's errno would (the value is then +-inf or 0).
 */
export function strtod(s: string, skipSpace: boolean): { v: number; erange: boolean } | null {
  const n = s.length;
  let i = 0;
  if (skipSpace) { while (i < n && isSpace(s.charCodeAt(i))) i++; }
  if (n === 0) return { v: 0, erange: false };
  if (i === n) return null;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") {
    neg = s[i] === "-";
    i++;
  }
  const body = s.slice(i).toLowerCase();
  if (body === "inf" || body === "infinity") {
    return { v: neg ? -Infinity : Infinity, erange: false };
  }
  let v: number, nonzero: boolean;
  if (body.length > 2 && body[0] === "0" && body[1] === "x") {
    const m = HEX_RE.exec(body.slice(2));
    if (!m) return null;
    const digits = m[1] + (m[2] ?? "");
    if (digits.length === 0) return null;
    const mant = BigInt("0x" + digits);
    nonzero = mant !== 0n;
    v = Number(mant);
    let e = (m[3] ? Number(m[3]) : 0) - 4 * (m[2]?.length ?? 0);
    while (e > 0 && v !== Infinity && v !== 0) {
      const k = Math.min(e, 1000);
      v *= 2 ** k;
      e -= k;
    }
    while (e < 0 && v !== 0) {
      const k = Math.min(-e, 1000);
      v /= 2 ** k;
      e += k;
    }
  } else {
    const m = DEC_RE.exec(body);
    if (!m) return null;
    v = Number(body);
    nonzero = /[1-9]/.test(m[1]);
  }
  const erange = v === Infinity || (v === 0 && nonzero);
  return { v: neg ? -v : v, erange };
}

/** A double as Redis's getDoubleFromObject accepts it (scores, weights). */
export function parseScore(s: string): number | null {
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return null;
  const r = strtod(s, false);
  if (r === null || (r.erange && (r.v === 0 || !Number.isFinite(r.v)))) return null;
  return r.v;
}
