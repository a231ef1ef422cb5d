// x87 80-bit `long double` arithmetic, emulated exactly with BigInt, for the
// commands Redis computes in long double (HINCRBYFLOAT, INCRBYFLOAT): a
// 64-bit significand, exponents down to 2^-16445 (subnormals) and up to
// ~1.19e4932. Redis parses operands with strtold, adds in long double and
// replies "%.17Lf" with trailing zeros removed; doing the same here makes
// `0.1 + 0.2` reply "0.3" and `1e4000` legal, byte for byte as Redis.

/** A finite long double m * 2^e (m >= 0), or an infinity. */
export interface LongDouble {
  neg: boolean;
  /** Significand, < 2^64 (0 for zero). */
  m: bigint;
  e: number;
  inf: boolean;
}

const SIG_BITS = 64;
/** Exponent of the least significant bit of the smallest subnormal. */
const MIN_E = -16445;
/** m * 2^e overflows when m's top bit would sit above 2^16383. */
const MAX_TOP = 16383;

const ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

function bitLength(n: bigint): number {
  // n > 0
  const hex = n.toString(16);
  const top = parseInt(hex[0], 16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(top));
}

/** Round a positive exact value num / 2^-shift style: round(num / den) half-even. */
function divRound(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num - q * den;
  const twice = r * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/**
 * The long double nearest to num / den * 2^exp2 (num >= 0, den > 0),
 * rounding to nearest, ties to even, with subnormals and overflow.
 */
function fromRational(neg: boolean, num: bigint, den: bigint, exp2: number): LongDouble {
  if (num === 0n) return { neg, m: 0n, e: 0, inf: false };
  // estimate the binary exponent of the value: 2^(top-1) <= value < 2^top
  let top = bitLength(num) - bitLength(den) + exp2 + 1;
  // fix the estimate (it can be one too high)
  // value >= 2^(top-1) <=> num * 2^exp2 >= den * 2^(top-1)
  if (!geScaled(num, den, exp2, top - 1)) top--;
  // at most half the smallest subnormal: rounds to zero; past the top: infinity
  if (top < MIN_E) return { neg, m: 0n, e: 0, inf: false };
  if (top > MAX_TOP + 1) return { neg, m: 0n, e: 0, inf: true };
  let e = top - SIG_BITS; // exponent of the significand's last bit
  if (e < MIN_E) e = MIN_E;
  // m = round(num * 2^(exp2 - e) / den)
  const sh = exp2 - e;
  let m = sh >= 0 ? divRound(num << BigInt(sh), den) : divRound(num, den << BigInt(-sh));
  if (m === 1n << 64n) {
    m = 1n << 63n;
    e++;
  }
  if (m !== 0n && bitLength(m) + e > MAX_TOP + 1) return { neg, m: 0n, e: 0, inf: true };
  return { neg, m, e, inf: false };
}

/** num * 2^exp2 >= den * 2^k ? */
function geScaled(num: bigint, den: bigint, exp2: number, k: number): boolean {
  const d = exp2 - k;
  if (d >= 0) return (num << BigInt(d)) >= den;
  return num >= (den << BigInt(-d));
}

const SPACE = /^[ \t\n\v\f\r]/;
const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(inf|infinity)$/i;

/**
 * A string as Redis's string2ld reads it (strtold, the whole string, no
 * leading space, no NaN, no overflow, no underflow to zero); null if invalid.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= 5 * 1024) return null;
  if (SPACE.test(s)) return null;
  // strtold stops at a NUL byte, which Redis then takes for the end
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return ZERO;
  let m = INF_RE.exec(s);
  if (m) return { neg: m[1] === "-", m: 0n, e: 0, inf: true };
  m = HEX_RE.exec(s);
  if (m) {
    const intDigits = m[2], fracDigits = m[3] ?? "";
    if (intDigits.length + fracDigits.length === 0) return null;
    const mant = BigInt("0x" + (intDigits + fracDigits || "0"));
    const p = m[4] === undefined ? 0 : clampExp(m[4]);
    const v = fromRational(m[1] === "-", mant, 1n, p - 4 * fracDigits.length);
    return checkRange(v, mant);
  }
  m = DEC_RE.exec(s);
  if (!m) return null;
  const intDigits = m[2], fracDigits = m[3] ?? "";
  if (intDigits.length + fracDigits.length === 0) return null;
  const neg = m[1] === "-";
  let digits = (intDigits + fracDigits).replace(/^0+/, "");
  if (digits.length === 0) return { neg, m: 0n, e: 0, inf: false };
  let exp10 = (m[4] === undefined ? 0 : clampExp(m[4])) - fracDigits.length;
  // drop trailing zeros into the exponent
  const t = digits.length - digits.replace(/0+$/, "").length;
  if (t) {
    digits = digits.slice(0, digits.length - t);
    exp10 += t;
  }
  // the value lies in [10^mag, 10^(mag+1))
  const mag = exp10 + digits.length - 1;
  if (mag > 4933) return null; // overflow (ERANGE, HUGE_VAL)
  if (mag < -4953) return null; // underflow to zero (ERANGE)
  const mant = BigInt(digits);
  const v = exp10 >= 0
    ? fromRational(neg, mant * 10n ** BigInt(exp10), 1n, 0)
    : fromRational(neg, mant, 10n ** BigInt(-exp10), 0);
  return checkRange(v, mant);
}

function clampExp(s: string): number {
  const n = Number(s);
  return Math.max(-1e8, Math.min(1e8, n));
}

/** strtold's ERANGE cases Redis refuses: overflow, and a nonzero input rounded to zero. */
function checkRange(v: LongDouble, mant: bigint): LongDouble | null {
  if (v.inf) return null;
  if (v.m === 0n && mant !== 0n) return null;
  return v;
}

export function isInfinite(v: LongDouble): boolean {
  return v.inf;
}

/** An int64 (as bigint or safe number) as a long double (exact). */
export function longDoubleFromInt(n: bigint | number): LongDouble {
  const b = BigInt(n);
  return fromRational(b < 0n, b < 0n ? -b : b, 1n, 0);
}

/** a + b, rounded to long double; NaN (inf + -inf) is returned as null. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return null;
    return a.inf ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { ...a, neg: a.neg && b.neg } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const am = a.m << BigInt(a.e - e), bm = b.m << BigInt(b.e - e);
  let sum = (a.neg ? -am : am) + (b.neg ? -bm : bm);
  if (sum === 0n) return { neg: false, m: 0n, e: 0, inf: false };
  const neg = sum < 0n;
  if (neg) sum = -sum;
  return fromRational(neg, sum, 1n, e);
}

const TEN17 = 10n ** 17n;

/**
 * "%.17Lf" with trailing zeros (and a trailing '.') removed, "-0" as "0":
 * Redis's human long double format. Infinities are "inf" / "-inf".
 */
export function formatLongDouble(v: LongDouble): string {
  if (v.inf) return v.neg ? "-inf" : "inf";
  let q: bigint;
  if (v.e >= 0) q = (v.m << BigInt(v.e)) * TEN17;
  else q = divRound(v.m * TEN17, 1n << BigInt(-v.e));
  const intPart = q / TEN17;
  const frac = (q % TEN17).toString().padStart(17, "0").replace(/0+$/, "");
  let out = intPart.toString();
  if (frac.length) out += "." + frac;
  if (v.neg && out !== "0") out = "-" + out;
  return out;
}
