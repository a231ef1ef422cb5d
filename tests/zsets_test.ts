// Sorted sets: every reply (errors, edge cases and score formatting included)
// byte-identical to a real redis-server 7.0, from fixed scripts and from
// seeded random command streams under several encoding limits; blocking pops
// run as the same scenario against both servers; what is propagated (compared
// with the stream a real redis-server sends its replicas); the ZSet class
// against a model; and a 1M-member performance sanity check.
import assert from "node:assert/strict";
import { type ServerProc, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { diffReplies, prng, RawConn } from "./rawconn.ts";
import { ZSet } from "../server/keyspace/types/zset.ts";
import { fmtScore, parseScore } from "../server/resp/double.ts";
import { Server } from "../server/keyspace/owner.ts";
import { Config } from "../server/config.ts";

/** Split a script line into arguments: words, or "quoted" with JSON escapes. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2]);
  // JSON escapes give UTF-16 code units; \u00xx stay single bytes
  return out;
}

function script(text: string): string[][] {
  return text.split("\n").filter((l) => l.trim()).map(words);
}

const LONG = "x".repeat(65);

/** Fixed scripts: [what, commands]. Each starts from an empty keyspace. */
const SCRIPTS: [string, string][] = [
  [
    "ZADD and ZINCRBY: options, errors, scores, strtod rules",
    String.raw`
flushall
zadd z nx xx 1 a
zadd z gt lt 1 a
zadd z gt nx 1 a
zadd z lt nx 1 a
zadd z incr 1 a 2 b
zadd z 1 a 2
zadd z 1
zadd z nx 1
zadd z incr
zadd z x a
zadd z nan a
zadd z 1 a nan b
zadd z 1 a x b
zadd z xx 1 a
exists z
zadd z ch 1 a 2 b
zadd z ch 1 a 3 b 4 c
zadd z gt ch 0 a 5 b
zadd z lt ch 0 a 6 b
zadd z xx incr 1 nope
zadd z nx incr 1 a
zadd z incr 1 a
zadd z incr inf a
zadd z incr -inf a
zadd z incr +inf a
zadd z 1 a 1 a 2 a
zscore z a
zadd z gt incr -1 a
zadd z gt incr 1 a
zadd z lt incr 1 a
zadd z 0x10 h
zadd z " 1" h
zadd z 1e5 h
zadd z 1E5 h
zadd z .5 h
zadd z 5. h
zadd z -.5 h
zadd z +1 h
zadd z 1e400 h
zadd z -1e400 h
zscore z h
zadd z 1e-400 h
zscore z h
zadd z infinity h
zadd z -Infinity h
zadd z inF h
zadd z "" h
zadd z 1,5 h
zadd z 1_0 h
zadd z 0X1p3 h
zscore z h
zadd z nx nx 1 h
zadd z Nx 1 newm
zadd z NX XX
zadd z GT LT NX XX INCR 1 2 3
zadd z nx 1 a 2
zadd z xx incr 1 a 2 b
zincrby z x a
zincrby z nan a
zincrby z inf a
zincrby z -inf a
zincrby nokey 1.5 m
set s v
zadd s 1 a
zadd s x a
zadd s nx xx 1 a
zincrby s 1 a
zincrby s x a
`,
  ],
  [
    "ranges: BYSCORE / BYLEX bounds, LIMIT, errors",
    String.raw`
flushall
zadd z 4e-320 h
zscore z h
zadd z 2.2250738585072014e-308 h
zadd z 1e308 h
zadd z 0e-400 h
zadd z 1.8e308 h
zadd z 0x1.8p1 h
zscore z h
zadd z 0x h
zadd z "1 " h
zadd z "\t1" h
zadd z nan(123) h
zadd z -nan h
zadd z +.5e-3 h
zadd z 00012 h
zadd z 1e+05 h
zadd z 1e05 h
zadd z 0b1 h
zadd z 0x1P-2 h
zscore z h
zadd z 1.000000000000000000000000000000000000000000001 h
del z
zadd z 1 a 2 b 3 c
zcount z "" ""
zcount z " 1" 5
zcount z "(" 5
zcount z 1e400 inf
zcount z -1e400 inf
zcount z "1 " 5
zcount z ( (
zcount z (1 (3
zcount z x 1
zcount z 1 x
zcount z nan 1
zcount z (nan 1
zcount z 0x1 0x3
zcount z [1 3
zcount nokey x 1
zcount z 3 1
zcount z -inf +inf
zcount z "(-inf" "(+inf"
zlexcount z - +
zlexcount z [a (c
zlexcount z a c
zlexcount z [a c
zlexcount z - x
zlexcount z + -
zlexcount z "" +
zlexcount z [ +
zlexcount z ( +
zlexcount z -a +
zlexcount nokey a b
zlexcount nokey - +
zrangebylex z a b
zrangebylex nokey a b
zrangebyscore nokey x b
zrangebyscore z x b
zrangebyscore z 1 3 limit 1
zrangebyscore z 1 3 limit 1 1 withscores
zrangebyscore z 1 3 limit x 1
zrangebyscore z 1 3 limit 1 x
zrangebyscore z 1 3 limit -1 1
zrangebyscore z 1 3 limit 0 -1
zrangebyscore z 1 3 limit 0 -5 withscores
zrangebyscore z 1 3 limit 1 0
zrangebyscore z 1 3 foo
zrangebyscore z 1 3 withscores withscores
zrangebyscore z 1 3 withscores limit 0 1 limit 1 1
zrangebyscore nokey 1 3 foo
zrangebyscore nokey 1 3 limit x 1
zrangebylex z - + withscores
zrangebylex z - + limit 0 1 withscores
zrevrangebyscore z 3 1
zrevrangebyscore z 1 3
zrevrangebylex z + -
zrevrangebylex z - +
zrevrangebylex z (c [a
`,
  ],
  [
    "ZRANGE options and ZRANGESTORE",
    String.raw`
flushall
zadd z 1 a 2 b 3 c 4 d 5 e
zrange z 0 -1 limit 0 1
zrange z 0 -1 withscores limit 0 1
zrange z - + bylex withscores
zrange z - + bylex withscores limit 0 1
zrange z 0 -1 bylex
zrange z 0 -1 byscore
zrange z 0 -1 byscore bylex
zrange z - + bylex byscore
zrange z (1 5 byscore limit 1 2 withscores
zrange z 5 (1 byscore rev limit 1 2 withscores
zrange z + - bylex rev limit 1 2
zrange z 0 -1 rev
zrange z -2 -1 rev withscores
zrange z 0 -1 rev rev
zrange z x 1
zrange z 0 x
zrange z 0 1 foo
zrange z 0 1 limit
zrange z 0 1 limit 1
zrange z 0 1 limit 0 1 byscore
zrange nokey 0 1 limit 0 1
zrange nokey a b byscore
zrange nokey 0 x
zrange z 3 1
zrange z -100 100
zrange z 5 10
zrange z 9223372036854775807 9223372036854775807
zrange z -9223372036854775808 -9223372036854775808
zrange z -9223372036854775808 9223372036854775807
zrange z 1.5 2
zrevrange z 0 -1 withscores
zrevrange z 0 -1 limit 0 1
zrevrange z 0 -1 byscore
zrevrange z 0 1 foo
zrevrangebyscore z 5 1 withscores limit 1 2
zrevrangebyscore z 5 1 byscore
zrangebyscore z 1 5 rev
zrangebylex z - + bylex
zrangestore d z 0 -1
zrange d 0 -1 withscores
zrangestore d z 0 1 withscores
zrangestore d z 0 1 rev
zrange d 0 -1
zrangestore d z 10 20
exists d
zrangestore d z (1 (3 byscore
zrangestore d z [b + bylex limit 1 1
zrange d 0 -1
zrangestore d z 0 -1 limit 0 1
zrangestore d nokey 0 -1
set s v
zrangestore d s 0 -1
zrangestore s z 0 -1
type s
zrange s 0 -1
zrange s 0 x
zrange s 0 1 foo
zrangestore d z a b
zrangestore d z 0 -1 foo
`,
  ],
  [
    "set algebra: ZUNION ZINTER ZDIFF, STORE forms, ZINTERCARD",
    String.raw`
flushall
zadd a 1 x 2 y 3 z
zadd b 10 y 20 z 30 w
sadd s y w q
set str v
zunionstore d 0 a
zunionstore d -1 a
zunionstore d x a
zunionstore d 3 a b
zunionstore d 1 a b
zunionstore d 2 a b weights 1
zunionstore d 2 a b weights 1 x
zunionstore d 2 a b weights 1 2 3
zunionstore d 2 a b weights 1 nan
zunionstore d 2 a b weights 1 inf
zrange d 0 -1 withscores
zunionstore d 2 a b aggregate foo
zunionstore d 2 a b aggregate
zunionstore d 2 a b aggregate max
zrange d 0 -1 withscores
zunionstore d 2 a b aggregate min weights 2 -1
zrange d 0 -1 withscores
zunionstore d 2 a b withscores
zunionstore d 3 a b s
zrange d 0 -1 withscores
zunionstore d 2 a str
zunionstore d 2 a nokey
zinterstore d 2 a b
zrange d 0 -1 withscores
zinterstore d 3 a b s
zrange d 0 -1 withscores
zinterstore d 2 a nokey
exists d
zdiffstore d 2 a b
zrange d 0 -1 withscores
zdiffstore d 2 a b weights 1 2
zdiffstore d 2 a b aggregate sum
zdiffstore d 1 s
zrange d 0 -1 withscores
zunion 2 a b
zunion 2 a b withscores
zunion 0 a
zinter 0 a
zdiff 0 a
zintercard 0 a
zunion 1 a b
zunion 3 a b
zunion 2 a b withscores foo
zinter 2 a b withscores
zdiff 2 a b withscores
zdiff 2 b a withscores
zdiff 1 nokey
zdiff 2 str a
zdiff 2 a str
zdiff 2 nokey str
zinter 2 nokey str
zinter 2 str nokey
zunion 2 nokey str
zintercard 2 a b
zintercard 2 a b limit 1
zintercard 2 a b limit -1
zintercard 2 a b limit x
zintercard 2 a b limit
zintercard 2 a b foo
zintercard 3 a b s
zintercard 2 a nokey
zintercard 2 nokey str
zintercard 1 s
zintercard -1 a
zintercard x a
zintercard 5 a
zunion 2 a b weights 2 3 withscores aggregate max
zunion 2 a b weights 0 0 withscores
zunion 2 a b weights inf -inf withscores
zunion 2 a b weights inf inf withscores aggregate min
zunionstore d 2 a b weights inf -inf
zunionstore d 1 nokey
zunionstore a 2 a b
zrange a 0 -1 withscores
flushall
zadd a 0.1 m 1 p 2 q
zadd b 0.2 m
zadd c 0.3 m 1 r
zunion 3 a b c withscores
zinter 3 a b c withscores
zunion 3 c b a withscores
zadd e 0 m
zunion 2 e e weights inf 1 withscores
zinter 2 e e weights inf 1 withscores
zunion 1 e weights inf withscores
zunion 2 e e weights -inf inf aggregate max withscores
zdiff 2 a b withscores
zdiff 3 a b c withscores
zadd f 1 m 1 m2 3 m3
zadd g 1 z 1 m2
zdiff 2 f g withscores
flushall
zadd a 0.1 m 1 x
zadd b 0.2 m 1 y
zadd c 0.3 m 1 z
zunion 3 a b c withscores
zunion 3 c b a withscores
zinter 3 a b c withscores
zinter 3 c b a withscores
zunion 5 a b c a b withscores
flushall
zadd a 1 x
set str v
zunion 2 a str foo
zunion 2 a str weights x y
zintercard 2 a str limit x
zintercard 2 a str foo
zdiff 2 a str foo
zunionstore str 1 a
type str
zinterstore d 1 nokey weights x
zinterstore d 1 nokey aggregate foo
zunion 1 a withscores withscores
zunion 1 a aggregate max aggregate min withscores
zunion 1 a weights 2 weights 3 withscores
zunion 2 a a weights 1 withscores
zdiff 1 a withscores withscores
zdiff 1 a weights 1
zinter 1 a aggregate sum
zintercard 1 a limit 0
zintercard 1 a limit 1 limit 0
zintercard 1 a withscores
`,
  ],
  [
    "pops: ZPOPMIN ZPOPMAX ZMPOP, blocking forms served at once, argument errors",
    String.raw`
flushall
zadd z 1 a 2 b 3 c
set str v
zpopmin z -1
zpopmin z x
zpopmin z 1 2
zpopmin nokey 1
zpopmin nokey
zpopmin nokey x
zpopmin str
zpopmin str x
zpopmin z 0
zpopmax z
zpopmin z 1
zpopmax z 5
exists z
zadd z 1 a 2 b 3 c
zmpop 0 z min
zmpop -1 z min
zmpop x z min
zmpop 1 z
zmpop 1 z foo
zmpop 2 z min
zmpop 1 z min count
zmpop 1 z min count 0
zmpop 1 z min count -1
zmpop 1 z min count x
zmpop 1 z min count 1 count 2
zmpop 1 z min foo 1
zmpop 1 z MAX COUNT 2
zmpop 2 nokey z min
zmpop 2 nokey nokey2 min
zmpop 2 str z min
zmpop 2 nokey str min
zmpop 1 z min
zmpop 1 z min
zmpop 1 nokey min count 0
zmpop 1 nokey minx count 0
zmpop 1 nokey min count 0 foo
zmpop 9999999999999999999 z min
zmpop 2147483648 z min
zmpop 2147483647 z min
bzpopmin z x
bzpopmin z -1
bzpopmin z 1e30
bzpopmin z inf
bzpopmin z nan
bzpopmin z 0.01
bzpopmin str 0
bzpopmin nokey str 0
bzpopmin str nokey 0
bzmpop x 1 z min
bzmpop -1 1 z min
bzmpop 0 0 z min
bzmpop 0 1 z
bzmpop 0 1 z foo
bzmpop 0 1 z min count 0
bzmpop 0.01 1 z min count 1
bzmpop 0.01 2 z min
bzmpop 0 2 z str min
flushall
zadd z 1 a 2 b 3 c 4 d 5 e
set str v
bzpopmin z str 0
bzpopmin z 9000000000000000
bzpopmin z 9300000000000000
bzpopmin z 0.0001
zrem z a x a
zrem nokey a
zrem str a
zcard z
zcard nokey
zcard str
zscore z b
zscore z x
zscore nokey x
zscore str x
zmscore z b x c
zmscore nokey a b
zmscore str a
zrank z c
zrank z x
zrank nokey x
zrevrank z c
zrevrank str c
zremrangebyrank z x 1
zremrangebyrank z 0 x
zremrangebyrank nokey 0 1
zremrangebyrank nokey x 1
zremrangebyrank z 5 10
zremrangebyrank z -1 -1
zrange z 0 -1
zremrangebyscore z x 1
zremrangebyscore z (2 4
zrange z 0 -1
zremrangebylex z a b
zremrangebylex nokey a b
zremrangebylex z - +
exists z
zadd z 1 a 2 b 3 c 4 d 5 e
zremrangebyrank z 0 -1
exists z
zadd z 1 a 2 b
zremrangebyscore z -inf +inf
exists z
zadd z 1 a
zremrangebyscore str 1 2
zremrangebylex str - +
zremrangebyrank str 1 2
zremrangebyrank str x 2
`,
  ],
  [
    "ZSCAN on a listpack",
    String.raw`
flushall
zadd z 1 a 2 b 3 c 1.5 ab
set str v
zscan z 0
zscan z 0 match a*
zscan z 0 count 1
zscan z 0 count 0
zscan z 0 count -1
zscan z 0 count x
zscan z 0 match
zscan z 0 type zset
zscan z 0 foo bar
zscan z x
zscan z -1
zscan z 18446744073709551615
zscan z 18446744073709551616
zscan z 5
zscan nokey 0
zscan nokey x
zscan nokey 0 foo bar
zscan str 0
zscan str x
zscan str 0 foo bar
zscan z 0 novalues
zscan z 0 MATCH * COUNT 100
zscan z 0 match a* match b*
`,
  ],
  [
    "encodings, -0 in a listpack, score formatting, ZRANDMEMBER's deterministic cases",
    String.raw`
flushall
zadd z -0 a
zscore z a
zadd s 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
object encoding s
zadd s -0 a
zscore s a
zrange s 0 -1 withscores
zadd t incr -0 a
zscore t a
zincrby t -0 b
zadd s 0 a
zscore s a
zincrby s 0 a
zscore s a
zrem s xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
object encoding s
zrangestore d s 0 -1
object encoding d
zscore d a
zunionstore u 1 s
zscore u a
object encoding u
zadd mix 1 b 0 a 2 c 1 d 0 e
zrangebylex mix - +
zrangebylex mix [b +
zrangebylex mix [a [c
zrevrangebylex mix [c [a
zlexcount mix [b [d
zrangebylex mix [c +
zremrangebylex mix [b [c
zrange mix 0 -1 withscores
config set zset-max-listpack-entries 2
zadd c 1 a 2 b
object encoding c
zadd c 3 c
object encoding c
zrem c c b
object encoding c
zadd c -0 z
zscore c z
zrangestore e c 0 -1
object encoding e
config set zset-max-listpack-entries 128
config set zset-max-listpack-value 3
zadd f 1 abcd
object encoding f
zadd g 1 abc
object encoding g
zadd g 1 abcd
object encoding g
config set zset-max-listpack-value 64
zadd many 1 m1
zadd many 2 m2
zadd many 0 m3
zadd many 1 m4
zadd many 2 m5
zadd many 0 m6
zadd many 1 m7
zadd many 2 m8
zadd many 0 m9
zadd many 1 m10
zadd many 2 m11
zadd many 0 m12
zadd many 1 m13
zadd many 2 m14
zadd many 0 m15
zadd many 1 m16
zadd many 2 m17
zadd many 0 m18
zadd many 1 m19
zadd many 2 m20
zscan many 0
zrandmember many 50 withscores
zrandmember many 20
del z
zadd z 1 a 2 b 3 c 4 d 5 e
zrandmember z 100
zrandmember z 5 withscores
zrandmember z 0
zrandmember z 0 withscores
zrandmember nokey
zrandmember nokey 5
zrandmember nokey -5 withscores
zrandmember z 3 foo
zrandmember z 3 withscores foo
zrandmember z 1.5
zrandmember z 9223372036854775808
zrandmember z -9223372036854775808
zrandmember nokey -9223372036854775807 withscores
zrandmember z -4611686018427387904 withscores
zrandmember z 4611686018427387904 withscores
set str v
zrandmember str
zrandmember str 2
zrandmember str -2 withscores
del f
zadd f 1.1 a
zincrby f 0.2 a
zadd f 0.1 b
zincrby f 0.2 b
zadd f 1e300 c 1e-300 d 123456789012345678 e 87075919565145472 g 174856326106794.125 h -174856326106794.375 i 1e16 j 1e17 k 0.0001 l 0.00001 m 4e-320 n
zadd f -0 o inf p -inf q 1e21 r 1.5e-7 s 100 t 3.14159 u
zrange f 0 -1 withscores
zscore f h
zmscore f a b c d e g h i j k l m n o p q r s t u
zincrby f 1e308 c
zincrby f 1e308 p
zscan f 0
zrangebyscore f (0.1 +inf withscores limit 2 5
zrevrangebyscore f +inf -inf withscores
`,
  ],
];

// --- random command streams ---------------------------------------------------------------

const SCORES = [
  "0",
  "1",
  "2",
  "3",
  "-1",
  "0.1",
  "0.2",
  "0.3",
  "1.5",
  "-2.25",
  "1e300",
  "inf",
  "-inf",
  "-0",
  "10",
  "100",
  "7",
  "1.1",
];
const LEX = ["a", "b", "c", "aa", "ab", "b\x00", "z", "", "\xff", "ba", "abc"];

/**
 * A seeded stream of sorted set commands over a few keys ("lex" only ever
 * holds score 0: lexicographic ranges are only defined for equal scores).
 */
function randomCommands(seed: number, n: number, members: number, batch: number, scan: boolean) {
  const rnd = prng(seed);
  const ri = (k: number) => Math.floor(rnd() * k);
  const pick = <T>(a: T[]): T => a[ri(a.length)];
  const mems = Array.from({ length: members }, (_, i) => i % 7 === 0 ? `m${i}\x00\xff` : `m${i}`);
  const keys = ["z1", "z2", "z3"];
  const all = [...keys, "lex", "s1"];
  const bound = () => (rnd() < 0.3 ? "(" : "") + pick(SCORES);
  const lexb = () => {
    const r = rnd();
    return r < 0.1 ? "-" : r < 0.2 ? "+" : (rnd() < 0.5 ? "(" : "[") + pick(LEX);
  };
  const span = Math.max(40, Math.floor(members * 0.7));
  const idx = () => String(ri(2 * span) - span);
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    let a: string[];
    switch (ri(38)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        a = ["zadd", k];
        for (const f of ["nx", "xx", "gt", "lt", "ch"]) if (rnd() < 0.1) a.push(f);
        const m = 1 + ri(batch);
        for (let j = 0; j < m; j++) a.push(pick(SCORES), pick(mems));
        break;
      }
      case 4:
        a = ["zadd", k, ...(rnd() < 0.3 ? [pick(["nx", "xx", "gt", "lt"])] : [])];
        a.push("incr", pick(SCORES), pick(mems));
        break;
      case 5:
        a = ["zincrby", k, pick(SCORES), pick(mems)];
        break;
      case 6:
        a = ["zrem", k, pick(mems), pick(mems), pick(mems)];
        break;
      case 7:
        a = ["zrange", k, idx(), idx()];
        if (rnd() < 0.3) a.push("rev");
        if (rnd() < 0.5) a.push("withscores");
        break;
      case 8:
        a = ["zrange", k, bound(), bound(), "byscore"];
        if (rnd() < 0.4) a.push("rev");
        if (rnd() < 0.5) a.push("withscores");
        if (rnd() < 0.4) a.push("limit", String(ri(10) - 1), String(ri(10) - 2));
        break;
      case 9:
      case 10:
        a = [pick(["zrangebyscore", "zrevrangebyscore"]), k, bound(), bound()];
        if (rnd() < 0.5) a.push("withscores");
        if (rnd() < 0.3) a.push("limit", String(ri(5)), String(ri(8) - 1));
        break;
      case 11:
        a = ["zcount", k, bound(), bound()];
        break;
      case 12:
        a = [pick(["zrank", "zrevrank", "zscore"]), k, pick(mems)];
        break;
      case 13:
        a = ["zmscore", k, pick(mems), pick(mems)];
        break;
      case 14:
        a = ["zcard", k];
        break;
      case 15:
        a = ["zremrangebyrank", k, idx(), idx()];
        break;
      case 16:
        a = ["zremrangebyscore", k, bound(), bound()];
        break;
      case 17:
        a = [pick(["zpopmin", "zpopmax"]), k, ...(rnd() < 0.5 ? [String(ri(5))] : [])];
        break;
      case 18:
        a = ["zmpop", "2", k, pick(all), pick(["min", "max"])];
        if (rnd() < 0.5) a.push("count", String(1 + ri(4)));
        break;
      case 19: {
        const op = pick(["zunionstore", "zinterstore", "zdiffstore"]);
        a = [op, pick(keys), "3", pick(all), pick(all), pick(all)];
        if (op !== "zdiffstore" && rnd() < 0.5) {
          a.push("weights", pick(SCORES), pick(SCORES), pick(SCORES));
        }
        if (op !== "zdiffstore" && rnd() < 0.5) a.push("aggregate", pick(["sum", "min", "max"]));
        break;
      }
      case 20: {
        const op = pick(["zunion", "zinter", "zdiff"]);
        a = [op, "2", pick(all), pick(all)];
        if (op !== "zdiff" && rnd() < 0.5) a.push("weights", pick(SCORES), pick(SCORES));
        if (op !== "zdiff" && rnd() < 0.5) a.push("aggregate", pick(["sum", "min", "max"]));
        a.push("withscores");
        break;
      }
      case 21:
        a = [
          "zintercard",
          "2",
          pick(all),
          pick(all),
          ...(rnd() < 0.5 ? ["limit", String(ri(4))] : []),
        ];
        break;
      case 22:
        a = [
          "zrangestore",
          pick(keys),
          k,
          bound(),
          bound(),
          "byscore",
          ...(rnd() < 0.5 ? ["rev"] : []),
        ];
        break;
      case 23:
        a = ["zrangestore", pick(keys), k, idx(), idx(), ...(rnd() < 0.3 ? ["rev"] : [])];
        break;
      case 24:
        a = ["object", "encoding", pick(all)];
        break;
      case 25: {
        a = ["zadd", "lex"];
        const m = 1 + ri(batch);
        for (let j = 0; j < m; j++) a.push("0", pick(LEX) + (rnd() < 0.5 ? pick(LEX) : ""));
        break;
      }
      case 26:
      case 27:
        a = [pick(["zrangebylex", "zrevrangebylex"]), "lex", lexb(), lexb()];
        if (rnd() < 0.3) a.push("limit", String(ri(4)), String(ri(6) - 1));
        break;
      case 28:
        a = ["zlexcount", "lex", lexb(), lexb()];
        break;
      case 29:
        a = ["zremrangebylex", "lex", lexb(), lexb()];
        break;
      case 30:
        a = ["zrange", "lex", lexb(), lexb(), "bylex", ...(rnd() < 0.5 ? ["rev"] : [])];
        break;
      case 31:
        a = ["sadd", "s1", pick(mems), pick(mems)];
        break;
      case 32:
        // a listpack comes back whole and in order; a big set in hash order in Redis
        a = scan ? ["zscan", k, "0", ...(rnd() < 0.3 ? ["match", "m1*"] : [])] : ["zcard", k];
        break;
      case 33:
        a = ["zrange", pick([k, "lex"]), "0", "-1", "withscores"];
        break;
      case 34:
        // count >= size is the one deterministic case
        a = [
          "zrandmember",
          k,
          String(2 * members + ri(10)),
          ...(rnd() < 0.5 ? ["withscores"] : []),
        ];
        break;
      case 35:
        a = ["zrangestore", pick(keys), "lex", lexb(), lexb(), "bylex"];
        break;
      default:
        // blocking pops (they wait out their timeout on empty keys: keep them rare)
        if (rnd() < 0.7) a = ["zcount", k, "-inf", "+inf"];
        else if (rnd() < 0.5) a = [pick(["bzpopmin", "bzpopmax"]), pick(all), k, "0.01"];
        else {
          a = [
            "bzmpop",
            "0.01",
            "2",
            pick(all),
            k,
            pick(["min", "max"]),
            "count",
            String(1 + ri(3)),
          ];
        }
    }
    out.push(a);
  }
  return out;
}

// --- blocking scenarios, run the same way against both servers ------------------------------

type Scenario = (a: RawConn, b: RawConn, c: RawConn) => Promise<(string | null)[]>;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SCENARIOS: [string, Scenario][] = [
  ["BZPOPMIN on two keys is woken by ZADD on the second", async (a, b) => {
    await a.send([["bzpopmin", "bz1", "bz2", "0"]]);
    const early = await a.maybeRead(150);
    return [
      early,
      await b.cmd("zadd", "bz2", "2", "b", "1", "a"),
      ...(await a.read(1)),
      await b.cmd("zrange", "bz2", "0", "-1", "withscores"),
    ];
  }],
  ["BZPOPMAX times out with a null array", async (a) => {
    const t0 = Date.now();
    const r = await a.cmd("bzpopmax", "bznone", "0.3");
    const ms = Date.now() - t0;
    return [r, ms >= 250 && ms < 3000 ? "in time" : `took ${ms} ms`];
  }],
  ["BZMPOP MAX COUNT 2 is woken, the key emptied and deleted", async (a, b) => {
    await a.send([["bzmpop", "0", "2", "bm1", "bm2", "max", "count", "2"]]);
    await pause(100);
    return [
      await b.cmd("zadd", "bm2", "1", "x", "2", "y"),
      ...(await a.read(1)),
      await b.cmd("exists", "bm2"),
    ];
  }],
  ["clients blocked on one key are served first come, first served", async (a, b, c) => {
    await a.send([["bzpopmin", "fifo", "0"]]);
    await pause(50);
    await b.send([["bzpopmin", "fifo", "0"]]);
    await pause(50);
    const r1 = await c.cmd("zadd", "fifo", "1", "one");
    const ra = await a.read(1);
    const rb = await b.maybeRead(150);
    const r2 = await c.cmd("zadd", "fifo", "2", "two");
    return [r1, ...ra, rb, r2, ...(await b.read(1))];
  }],
  ["a key of another type does not wake; a sorted set there later does", async (a, b) => {
    await a.send([["bzpopmin", "wt", "0"]]);
    await pause(50);
    const r = [await b.cmd("set", "wt", "v"), await a.maybeRead(150), await b.cmd("del", "wt")];
    return [...r, await b.cmd("zadd", "wt", "5", "m"), ...(await a.read(1))];
  }],
  ["a transaction's ZADDs wake the client once EXEC is done", async (a, b) => {
    await a.send([["bzpopmax", "tx", "0"]]);
    await pause(50);
    const r = await b.pipeline([["multi"], ["zadd", "tx", "1", "a"], ["zadd", "tx", "3", "c"], [
      "exec",
    ]]);
    return [...r, ...(await a.read(1)), await b.cmd("zrange", "tx", "0", "-1")];
  }],
  ["inside MULTI the blocking pops do not block", async (a) => {
    return await a.pipeline([
      ["multi"],
      ["bzpopmin", "mnone", "0"],
      ["bzmpop", "0", "1", "mnone", "min"],
      ["zadd", "mk", "1", "a", "2", "b"],
      ["bzpopmax", "mk", "0"],
      ["bzmpop", "0", "1", "mk", "min", "count", "5"],
      ["exec"],
    ]);
  }],
  ["a served client's pipelined commands run after it", async (a, b) => {
    await a.send([["bzpopmin", "pipe", "0"], ["zcard", "pipe"], ["ping"]]);
    await pause(50);
    return [await b.cmd("zadd", "pipe", "1", "a", "2", "b"), ...(await a.read(3))];
  }],
];

// --- the propagation stream of a real redis-server ------------------------------------------

/** Everything `redis-cli --replica` prints as replicated commands, as argv arrays. */
async function realStream(port: number, drive: () => Promise<void>): Promise<string[][]> {
  const p = new Deno.Command("redis-cli", {
    args: ["-p", String(port), "--replica"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const dec = new TextDecoder();
  const pump = (async () => {
    for await (const chunk of p.stdout) text += dec.decode(chunk);
  })();
  const errPump = (async () => {
    for await (const chunk of p.stderr) text += dec.decode(chunk);
  })();
  try {
    await waitFor(() => text.includes("Logging commands from master"), "replica stream", 20_000);
    await drive();
    const end = await RawConn.open(port);
    await end.cmd("set", "__end__", "1");
    await end.close();
    await waitFor(() => text.includes('"__end__"'), "end marker", 10_000);
  } finally {
    p.kill("SIGKILL");
    await p.status;
    await pump;
    await errPump;
  }
  const out: string[][] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith('"')) continue;
    const argv = JSON.parse(`[${line}]`) as string[];
    const name = argv[0].toLowerCase();
    if (name === "ping" || name === "select" || argv[1] === "__end__") continue;
    out.push(argv);
  }
  return out;
}

/** Our owner in process: clients fed directly, every propagated argv recorded. */
function inProcess() {
  const srv = new Server(new Config());
  const stream: string[][] = [];
  srv.propagationTargets.push({ feed: (_db, argv) => stream.push(argv) });
  const replies = new Map<number, string>();
  const client = () => {
    let id = 0;
    const c = srv.connect({
      write: (b) => replies.set(id, (replies.get(id) ?? "") + String.fromCharCode(...b)),
      close() {},
      pendingBytes: () => 0,
    }, { addr: "127.0.0.1:1", laddr: "127.0.0.1:2", fd: -1 })!;
    id = c.id;
    return c;
  };
  return { srv, stream, client, replies };
}

/** What the propagation test runs: [client, argv] in order; client 1 blocks. */
const PROPAGATION: [number, string[]][] = [
  [0, ["zadd", "p", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"]],
  [0, ["zadd", "p", "nx", "9", "a"]],
  [0, ["zadd", "p", "xx", "ch", "9", "a", "1", "b"]],
  [0, ["zincrby", "p", "0", "c"]],
  [0, ["zincrby", "p", "1.5", "c"]],
  [0, ["zrem", "p", "nosuch"]],
  [0, ["zpopmin", "p"]],
  [0, ["zpopmax", "p", "2"]],
  [0, ["zpopmin", "p", "0"]],
  [0, ["zmpop", "1", "p", "min", "count", "10"]],
  [0, ["zadd", "q", "1", "a", "2", "b", "3", "c"]],
  [0, ["bzpopmin", "nokey", "q", "0"]],
  [0, ["bzmpop", "0", "1", "q", "max", "count", "5"]],
  [0, ["zunionstore", "u", "1", "nokey"]],
  [0, ["zadd", "u", "1", "x"]],
  [0, ["zunionstore", "u", "1", "nokey"]],
  [0, ["zrangestore", "u", "nokey", "0", "-1"]],
  [0, ["zadd", "r", "1", "a", "2", "b", "3", "c", "4", "d"]],
  [0, ["zremrangebyscore", "r", "2", "3"]],
  [0, ["zremrangebyrank", "r", "5", "6"]],
  [1, ["bzpopmax", "w1", "w2", "0"]],
  [0, ["zadd", "w2", "1", "x", "2", "y"]],
  [1, ["bzmpop", "0", "1", "w3", "min", "count", "3"]],
  [0, ["zadd", "w3", "1", "x", "2", "y"]],
  [0, ["multi"]],
  [0, ["bzpopmin", "w3", "0"]],
  [0, ["bzpopmin", "w3", "0"]],
  [0, ["exec"]],
];

// --- the tests --------------------------------------------------------------------------------

Deno.test({
  name: "zsets: replies and blocking behaviour match redis-server 7.0 byte for byte",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    let ours: ServerProc | undefined, real: ServerProc | undefined;
    const conns: RawConn[] = [];
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      const open = async (port: number) => {
        const c = await RawConn.open(port);
        conns.push(c);
        return c;
      };
      const r = await open(real.port), o = await open(ours.port);
      const limits = async (entries: number, value: number) => {
        for (const c of [r, o]) {
          assert.deepEqual(
            await c.pipeline([
              ["config", "set", "zset-max-listpack-entries", String(entries)],
              ["config", "set", "zset-max-listpack-value", String(value)],
            ]),
            ["+OK\r\n", "+OK\r\n"],
          );
        }
      };

      for (const [what, text] of SCRIPTS) {
        await t.step(what, async () => {
          const cmds = script(text.replaceAll("$LONG", LONG));
          const diffs = await diffReplies(r, o, [["flushall"], ...cmds]);
          assert.deepEqual(diffs, []);
        });
      }

      await t.step("random command streams under several encoding limits", async () => {
        const runs: [number, number, number, number, number, boolean][] = [
          // [entries, value, seed, members, batch, zscan comparable]
          [128, 64, 1, 60, 8, true],
          [128, 64, 2, 60, 8, true],
          [4, 64, 3, 60, 8, false],
          [16, 3, 4, 60, 8, false],
          [0, 64, 5, 60, 8, false],
          [128, 64, 6, 3000, 300, false],
        ];
        for (const [entries, value, seed, members, batch, scan] of runs) {
          await limits(entries, value);
          const cmds = [["flushall"], ...randomCommands(seed, 2500, members, batch, scan)];
          const diffs = await diffReplies(r, o, cmds);
          assert.deepEqual(diffs.slice(0, 3), [], `limits ${entries}/${value} seed ${seed}`);
        }
        await limits(128, 64);
      });

      for (const [what, scenario] of SCENARIOS) {
        await t.step(`blocking: ${what}`, async () => {
          const results: (string | null)[][] = [];
          for (const port of [real!.port, ours!.port]) {
            const [a, b, c] = [await open(port), await open(port), await open(port)];
            await a.cmd("flushall");
            results.push(await scenario(a, b, c));
          }
          assert.deepEqual(results[1], results[0]);
        });
      }

      await t.step(
        "ZSCAN of a big set: every member once; removals meanwhile skip nothing",
        async () => {
          await o.cmd("flushall");
          const add = ["zadd", "big"];
          for (let i = 0; i < 3000; i++) add.push(String(i % 17), `m${i}`);
          assert.equal(await o.cmd(...add), ":3000\r\n");
          let cursor = "0", calls = 0;
          const seen = new Map<string, number>();
          do {
            const reply = await o.cmd("zscan", "big", cursor, "count", "50");
            const parts = reply.split("\r\n");
            cursor = parts[2];
            const n = Number(parts[3].slice(1));
            for (let i = 0; i < n; i += 2) {
              const m = parts[5 + 2 * i];
              seen.set(m, (seen.get(m) ?? 0) + 1);
            }
            if (++calls === 10) {
              const rem = ["zrem", "big"];
              for (let i = 0; i < 3000; i += 3) rem.push(`m${i}`);
              assert.equal(await o.cmd(...rem), ":1000\r\n");
            }
          } while (cursor !== "0");
          for (let i = 0; i < 3000; i++) {
            if (i % 3) assert.equal(seen.get(`m${i}`), 1, `m${i}`);
          }
          assert.ok(calls >= 40 && calls < 80, `calls ${calls}`);
        },
      );

      await t.step(
        "performance: 1M ZADD with random scores, then 10k ZRANK and ZRANGE by rank",
        async () => {
          await o.cmd("flushall");
          const rnd = prng(7);
          const N = 1_000_000, PER = 1000;
          const scores = new Float64Array(N);
          const t0 = performance.now();
          for (let i = 0; i < N; i += PER * 20) {
            const batch: string[][] = [];
            for (let j = i; j < Math.min(N, i + PER * 20); j += PER) {
              const cmd = ["zadd", "perf"];
              for (let k = j; k < j + PER; k++) {
                scores[k] = rnd() * 1e9;
                cmd.push(String(scores[k]), `member:${k}`);
              }
              batch.push(cmd);
            }
            for (const rep of await o.pipeline(batch)) assert.equal(rep, `:${PER}\r\n`);
          }
          const loadMs = performance.now() - t0;
          assert.equal(await o.cmd("zcard", "perf"), `:${N}\r\n`);
          const sorted = scores.slice().sort();
          const rankOf = (s: number) => {
            let lo = 0, hi = N;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (sorted[mid] < s) lo = mid + 1;
              else hi = mid;
            }
            return lo;
          };
          const t1 = performance.now();
          const ranks: string[][] = [],
            ranges: string[][] = [],
            want: number[] = [],
            at: number[] = [];
          for (let i = 0; i < 10_000; i++) {
            const k = Math.floor(rnd() * N);
            ranks.push(["zrank", "perf", `member:${k}`]);
            want.push(rankOf(scores[k]));
            const r = Math.floor(rnd() * (N - 10));
            ranges.push(["zrange", "perf", String(r), String(r + 9), "withscores"]);
            at.push(r);
          }
          const rr = await o.pipeline(ranks);
          const gr = await o.pipeline(ranges);
          const queryMs = performance.now() - t1;
          for (let i = 0; i < 10_000; i += 97) {
            assert.equal(rr[i], `:${want[i]}\r\n`);
            const parts = gr[i].split("\r\n");
            assert.equal(parts[0], "*20");
            assert.equal(parts[4], fmtScore(sorted[at[i]]));
            assert.equal(parts[parts.length - 2], fmtScore(sorted[at[i] + 9]));
          }
          // a sorted array spliced per insert needs minutes for the load
          assert.ok(loadMs < 60_000, `1M ZADD took ${loadMs.toFixed(0)} ms`);
          assert.ok(queryMs < 15_000, `20k queries took ${queryMs.toFixed(0)} ms`);
          assert.equal(await o.cmd("del", "perf"), ":1\r\n");
        },
      );
    } finally {
      for (const c of conns) await c.close();
      await ours?.stop();
      await real?.stop();
    }
  },
});

Deno.test({
  name: "zsets: what is propagated matches the stream a real redis-server sends its replicas",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let real: ServerProc | undefined;
    const conns: RawConn[] = [];
    let want: string[][];
    try {
      real = await startRealRedis(["--repl-diskless-sync-delay", "0"]);
      want = await realStream(real.port, async () => {
        for (let i = 0; i < 2; i++) conns.push(await RawConn.open(real!.port));
        for (const [who, argv] of PROPAGATION) {
          await conns[who].send([argv]);
          // client 1 blocks (read its replies at the end); client 0 never does
          if (who === 1) await pause(100);
          else await conns[who].read(1);
        }
        await conns[1].read(2);
      });
    } finally {
      for (const c of conns) await c.close();
      await real?.stop();
    }
    const { stream, client, srv } = inProcess();
    const cs = [client(), client()];
    for (const [who, argv] of PROPAGATION) srv.feed(cs[who], [argv]);
    await pause(20);
    const noTx = (a: string[]) => !["multi", "exec"].includes(a[0].toLowerCase());
    assert.ok(want.length > 15);
    assert.deepEqual(stream.filter(noTx), want.filter(noTx));
  },
});

Deno.test("zsets: scores format as C's %.17g and parse as Redis's strtod", () => {
  const cases: [number, string][] = [
    [1.1, "1.1000000000000001"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e300, "1.0000000000000001e+300"],
    [-0, "-0"],
    [0, "0"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [100, "100"],
    [1e17, "1e+17"],
    [87075919565145472, "87075919565145472"],
    [123456789012345678, "1.2345678901234568e+17"],
    [174856326106794.125, "174856326106794.12"], // a tie: to even, as C
    [-174856326106794.375, "-174856326106794.38"],
    [0.0001, "0.0001"],
    [0.00001, "1.0000000000000001e-05"],
    [4e-320, "3.999955468730732e-320"],
  ];
  for (const [d, s] of cases) assert.equal(fmtScore(d), s, String(d));
  const parsed: [string, number | null][] = [
    ["1", 1],
    ["-.5", -0.5],
    ["5.", 5],
    ["1E5", 100000],
    ["0x10", 16],
    ["0X1p3", 8],
    ["0x1.8p1", 3],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
    ["4e-320", 4e-320],
    ["0e-400", 0],
    ["1e400", null],
    ["1e-400", null],
    ["nan", null],
    [" 1", null],
    ["1 ", null],
    ["", null],
    ["0x", null],
    ["1e", null],
    ["1,5", null],
  ];
  for (const [s, v] of parsed) assert.equal(parseScore(s), v, JSON.stringify(s));
});

/** Sorted (score, member) pairs of a model map. */
function modelOrder(m: Map<string, number>): [string, number][] {
  return [...m.entries()].sort((a, b) =>
    a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
  );
}

Deno.test("zsets: the ZSet class matches a model under random operations", () => {
  const rnd = prng(99);
  for (const N of [10, 200, 5000]) {
    const z = new ZSet();
    const model = new Map<string, number>();
    for (let k = 0; k < N * 8; k++) {
      const m = "m" + Math.floor(rnd() * N);
      const r = rnd();
      if (r < 0.5) {
        const s = Math.floor(rnd() * 40);
        z.add(m, s, 128, 64);
        model.set(m, s);
      } else if (r < 0.85) {
        assert.equal(z.delete(m), model.delete(m));
      } else if (r < 0.9 && z.size > 3) {
        const a = Math.floor(rnd() * z.size);
        const b = Math.min(z.size - 1, a + Math.floor(rnd() * 150));
        const order = modelOrder(model);
        for (let i = a; i <= b; i++) model.delete(order[i][0]);
        assert.equal(z.deleteRankRange(a, b), b - a + 1);
      } else {
        // pop the minimum and put it back: the queue pattern
        if (z.size) {
          const c = z.at(0);
          const [mm, ss] = [c.member, c.score];
          z.delete(mm);
          z.add(mm, ss, 128, 64);
        }
      }
      if (k % 499 === 0) {
        z.verify();
        const order = modelOrder(model);
        assert.deepEqual([...z.entries()], order);
        for (let t = 0; t < 20 && order.length; t++) {
          const i = Math.floor(rnd() * order.length);
          assert.equal(z.rank(order[i][0]), i);
          assert.equal(z.at(i).member, order[i][0]);
          const x = Math.floor(rnd() * 42) - 1;
          assert.equal(z.countBelowScore(x, false), order.filter((e) => e[1] < x).length);
          assert.equal(z.countBelowScore(x, true), order.filter((e) => e[1] <= x).length);
        }
      }
    }
    const copy = z.clone();
    copy.verify();
    assert.deepEqual([...copy.entries()], [...z.entries()]);
    while (z.size) z.delete(z.at(z.size - 1).member);
    z.verify();
  }
});

Deno.test("zsets: the ZSet class stays O(log n) at 1M members", () => {
  const z = new ZSet();
  const rnd = prng(5);
  const N = 1_000_000;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) z.add("member:" + i, rnd(), 128, 64);
  const load = performance.now() - t0;
  const t1 = performance.now();
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    sum += z.rank("member:" + ((i * 7919) % N));
    sum += z.at((i * 104729) % N).score;
  }
  const query = performance.now() - t1;
  assert.ok(sum > 0);
  assert.equal(z.encoding(), "skiplist");
  assert.ok(load < 30_000, `1M inserts took ${load.toFixed(0)} ms`);
  assert.ok(query < 10_000, `100k rank + select took ${query.toFixed(0)} ms`);
});
