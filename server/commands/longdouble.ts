// C `long double` arithmetic, emulated exactly with BigInt, for the commands
// Redis computes in long double (INCRBYFLOAT, HINCRBYFLOAT). The format is
// the one Redis has on this machine: x87 80-bit extended precision on x86-64
// (64-bit significand), IEEE binary128 elsewhere (113-bit significand); both
// have a 15-bit exponent (largest finite ~1.19e4932) and gradual underflow.
// Redis parses operands with strtold (string2ld), adds in long double and
// replies "%.17Lf" with trailing zeros removed; doing the same here makes
// `0.1 + 0.2` reply "0.3" and `1e4000` legal, byte for byte as Redis.
//
// A value is sign * m * 2^e with m a non-negative bigint of at most LD_P
// bits. Rounding is to nearest, ties to even, with gradual underflow, as the
// FPU and strtold do.

/** A finite long double (-1)^neg * m * 2^e, or an infinity (inf). */
export interface LongDouble {
  neg: boolean;
  /** Significand, < 2^LD_P (0 for zero). */
  m: bigint;
  e: number;
  inf: boolean;
}

/** Significand bits of long double: 64 (x87 extended) on x86-64, 113 (quad) elsewhere. */
const LD_P = Deno.build.arch === "x86_64" ? 64 : 113;
/** Largest exponent of a long double's leading bit (both formats: 15-bit exponent). */
const LD_EMAX = 16383;
/** Exponent of the least significant bit of the smallest subnormal. */
const LD_LSB_MIN = -16382 - (LD_P - 1);
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused. */
const MAX_CHARS = 5 * 1024;

export const LD_ZERO: LongDouble = Object.freeze({ neg: false, m: 0n, e: 0, inf: false });

function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** Round (-1)^neg * m * 2^e (m >= 0) to a long double (an infinity on overflow). */
function ldRound(neg: boolean, m: bigint, e: number): LongDouble {
  if (m === 0n) return { neg, m: 0n, e: 0, inf: false };
  let top = e + bitLength(m) - 1;
  const lsb = Math.max(top - LD_P + 1, LD_LSB_MIN);
  if (e < lsb) {
    const s = BigInt(lsb - e);
    let q = m >> s;
    const r = m - (q << s);
    const half = 1n << (s - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    if (q === 0n) return { neg, m: 0n, e: 0, inf: false };
    m = q;
    e = lsb;
    top = e + bitLength(m) - 1;
  }
  if (top > LD_EMAX) return { neg, m: 0n, e: 0, inf: true };
  return { neg, m, e, inf: false };
}

/** (-1)^neg * n * 10^exp10, correctly rounded. */
function decimalToLd(neg: boolean, n: bigint, exp10: number): LongDouble {
  if (exp10 >= 0) return ldRound(neg, n * 10n ** BigInt(exp10), 0);
  const d = 10n ** BigInt(-exp10);
  // enough quotient bits for the rounding, plus a sticky bit for the rest
  let k = LD_P + 3 - (bitLength(n) - bitLength(d));
  if (k < 0) k = 0;
  const num = n << BigInt(k);
  const q = num / d;
  const sticky = num - q * d === 0n ? 0n : 1n;
  return ldRound(neg, (q << 1n) | sticky, -k - 1);
}

const HEX_RE = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?[0-9]+))?$/;
const DEC_RE = /^([0-9]*)(?:\.([0-9]*))?(?:e([+-]?[0-9]+))?$/;

/**
 * A string as Redis's string2ld reads it: strtold over ALL of its bytes (no
 * leading space, nothing after the number, a NUL byte anywhere is refused),
 * decimal or hexadecimal, "inf"/"infinity" in any case; overflow, underflow
 * to zero and NaN are refused. Returns null when it is not a valid float.
 */
export function parseLongDouble(str: string): LongDouble | null {
  if (str.length === 0 || str.length >= MAX_CHARS) return null;
  const c0 = str.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0, neg = false;
  if (c0 === 43 || c0 === 45) { // '+' '-'
    neg = c0 === 45;
    i = 1;
  }
  const rest = str.slice(i).toLowerCase();
  if (rest === "inf" || rest === "infinity") return { neg, m: 0n, e: 0, inf: true };
  let m = HEX_RE.exec(rest);
  if (m) {
    const intDigits = m[1], frac = m[2] ?? "";
    if (intDigits.length + frac.length === 0) return null;
    const mant = BigInt("0x" + (intDigits + frac || "0"));
    return checkRange(mant, ldRound(neg, mant, clampExp(m[3]) - 4 * frac.length));
  }
  m = DEC_RE.exec(rest);
  if (!m) return null;
  const intDigits = m[1], frac = m[2] ?? "";
  if (intDigits.length + frac.length === 0) return null;
  let digits = (intDigits + frac).replace(/^0+/, "");
  if (digits.length === 0) return { neg, m: 0n, e: 0, inf: false };
  let exp10 = clampExp(m[3]) - frac.length;
  // trailing zeros go into the exponent
  const kept = digits.replace(/0+$/, "");
  exp10 += digits.length - kept.length;
  digits = kept;
  const mag = exp10 + digits.length; // 10^(mag-1) <= value < 10^mag
  if (mag > 4940) return null; // overflow (ERANGE, HUGE_VALL)
  if (mag < -4990) return null; // underflow to zero (ERANGE)
  const n = BigInt(digits);
  return checkRange(n, decimalToLd(neg, n, exp10));
}

function clampExp(s: string | undefined): number {
  if (s === undefined) return 0;
  const n = Number(s);
  return Math.max(-1e6, Math.min(1e6, n));
}

/** strtold's ERANGE cases Redis refuses: overflow, and a nonzero input rounded to zero. */
function checkRange(mant: bigint, r: LongDouble): LongDouble | null {
  if (r.inf) return null;
  if (r.m === 0n && mant !== 0n) return null;
  return r;
}

/** An integer (int64 as bigint or safe number) as a long double (rounded if wider than LD_P). */
export function longDoubleFromInt(n: bigint | number): LongDouble {
  const b = BigInt(n);
  return b < 0n ? ldRound(true, -b, 0) : ldRound(false, b, 0);
}

/** a + b, rounded to long double; may be an infinity. NaN (inf + -inf) is null. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return null;
    return a.inf ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { ...b, neg: a.neg && b.neg } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const x = a.m << BigInt(a.e - e), y = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -x : x) + (b.neg ? -y : y);
  // an exact zero sum is +0 when rounding to nearest
  return sum < 0n ? ldRound(true, -sum, e) : ldRound(false, sum, e);
}

const TEN17 = 10n ** 17n;

/**
 * printf("%.17Lf") with trailing zeros (and a bare '.') removed, "-0" as "0":
 * Redis's human long double format (LD_STR_HUMAN). Infinities are
 * "inf" / "-inf".
 */
export function formatLongDouble(v: LongDouble): string {
  if (v.inf) return v.neg ? "-inf" : "inf";
  let intPart: bigint, frac: bigint;
  if (v.e >= 0) {
    intPart = v.m << BigInt(v.e);
    frac = 0n;
  } else {
    const k = BigInt(-v.e);
    const num = v.m * TEN17;
    let q = num >> k;
    const r = num - (q << k);
    const half = 1n << (k - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    intPart = q / TEN17;
    frac = q % TEN17;
  }
  let s = intPart.toString();
  if (frac !== 0n) s += "." + frac.toString().padStart(17, "0").replace(/0+$/, "");
  if (v.neg && s !== "0") s = "-" + s;
  return s;
}
