// The sorted set type on its own, at 1M members: ZADD (a new member, an
// updated score), ZRANK, ZRANGE by rank and by score, ZPOPMIN + re-add, all
// O(log n) on the order-statistic tree; a 1k-member set alongside shows how
// little the cost grows with size.
//
//   deno bench bench/zset_bench.ts
import { ZSet } from "../server/keyspace/types/zset.ts";

const N = 1_000_000;
const SMALL = 1_000;
// the encoding thresholds do not matter here (1M members is a skiplist)
const LIM = 128, VAL = 64;

const members: string[] = [];
for (let i = 0; i < N; i++) members.push("member:" + i);

let seed = 42;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const big = new ZSet();
for (let i = 0; i < N; i++) big.add(members[i], rand() * 1e6, LIM, VAL);
const small = new ZSet();
for (let i = 0; i < SMALL; i++) small.add(members[i], rand() * 1e6, LIM, VAL);

let extra = 0;
let k = 0;
let sink = 0;

Deno.bench("ZADD new member (1M set, then ZREM it)", { group: "zadd" }, () => {
  const m = "extra:" + (extra++ & 1023);
  big.add(m, rand() * 1e6, LIM, VAL);
  big.delete(m);
});

Deno.bench("ZADD update score (1M set)", { group: "zadd", baseline: true }, () => {
  big.add(members[k = (k + 7919) % N], rand() * 1e6, LIM, VAL);
});

Deno.bench("ZADD update score (1k set)", { group: "zadd" }, () => {
  small.add(members[k = (k + 7919) % SMALL], rand() * 1e6, LIM, VAL);
});

Deno.bench("ZRANK (1M set)", { group: "zrank", baseline: true }, () => {
  sink += big.rank(members[k = (k + 7919) % N]);
});

Deno.bench("ZRANK (1k set)", { group: "zrank" }, () => {
  sink += small.rank(members[k = (k + 7919) % SMALL]);
});

Deno.bench("ZRANGE by rank, 10 members (1M set)", { group: "zrange", baseline: true }, () => {
  const c = big.at(k = (k + 7919) % (N - 10));
  for (let i = 0; i < 10; i++, c.next()) sink += c.score;
});

Deno.bench("ZRANGE by rank, 10 members (1k set)", { group: "zrange" }, () => {
  const c = small.at(k = (k + 7919) % (SMALL - 10));
  for (let i = 0; i < 10; i++, c.next()) sink += c.score;
});

Deno.bench("ZRANGEBYSCORE, 10 members (1M set)", { group: "zrange" }, () => {
  const c = big.at(big.countBelowScore(rand() * 1e6, false));
  for (let i = 0; i < 10 && c.valid; i++, c.next()) sink += c.score;
});

Deno.bench("ZCOUNT (1M set)", { group: "zrange" }, () => {
  const lo = rand() * 1e6;
  sink += big.countBelowScore(lo + 1000, true) - big.countBelowScore(lo, false);
});

Deno.bench("ZPOPMIN + re-add (1M set)", { group: "zpop" }, () => {
  const c = big.at(0);
  const m = c.member, s = c.score;
  big.delete(m);
  big.add(m, s, LIM, VAL);
});

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
