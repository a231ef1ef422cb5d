// The hash type on its own: HSET / HGET (set / get) on a small listpack-sized
// hash and on a 1M-field hashtable stay O(1); random fields (HRANDFIELD) are
// O(1); deleting from a hashtable is O(1). Sets are measured alongside
// (SADD / SISMEMBER / SPOP's random pop).
import { DEFAULT_HASH_LIMITS, RedisHash } from "../server/keyspace/types/hash.ts";
import { RedisSet } from "../server/keyspace/types/set.ts";

const N = 1_000_000;
const lim = DEFAULT_HASH_LIMITS;

const fields: string[] = [];
for (let i = 0; i < N; i++) fields.push("field:" + i);

const big = new RedisHash();
for (let i = 0; i < N; i++) big.set(fields[i], "value:" + (i % 1000), lim);

const small = new RedisHash();
for (let i = 0; i < 100; i++) small.set(fields[i], "value:" + i, lim);

let k = 0;

Deno.bench("HSET (update) on a 100-field listpack hash", { group: "hset" }, () => {
  small.set(fields[k++ % 100], "v", lim);
});

Deno.bench("HSET (update) on a 1M-field hashtable", { group: "hset", baseline: true }, () => {
  big.set(fields[(k += 7919) % N], "v", lim);
});

Deno.bench("HSET new field + HDEL on a 1M-field hashtable", { group: "hset" }, () => {
  big.set("new-field", "v", lim);
  big.delete("new-field");
});

Deno.bench("HGET on a 100-field listpack hash", { group: "hget" }, () => {
  small.get(fields[k++ % 100]);
});

Deno.bench("HGET on a 1M-field hashtable", { group: "hget", baseline: true }, () => {
  big.get(fields[(k += 7919) % N]);
});

Deno.bench("HGET missing field on a 1M-field hashtable", { group: "hget" }, () => {
  big.get("missing");
});

Deno.bench("random field (HRANDFIELD) on a 1M-field hashtable", { group: "random" }, () => {
  big.fieldAt(big.randomSlot());
});

Deno.bench("build a 10k-field hash with HSET", { group: "build" }, () => {
  const h = new RedisHash();
  for (let i = 0; i < 10_000; i++) h.set(fields[i], "v", lim);
});

const set = new RedisSet(false);
for (let i = 0; i < N; i++) set.add(fields[i], 512);

Deno.bench("SISMEMBER on a 1M-member set", { group: "set" }, () => {
  set.has(fields[(k += 7919) % N]);
});

Deno.bench("SADD + SPOP (random pop) on a 1M-member set", { group: "set" }, () => {
  set.add("extra" + (k++ & 1023), 512);
  set.popRandom();
});
