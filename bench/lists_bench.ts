// The list type on a 1M-element list: pushes and pops at both ends stay O(1),
// index access anywhere is O(1), and building / draining 1M elements is fast.
import { RedisList } from "../server/keyspace/types/list.ts";

const N = 1_000_000;

function filled(n: number): RedisList {
  const l = new RedisList();
  for (let i = 0; i < n; i++) l.pushTail("element:" + (i % 1000));
  return l;
}

const big = filled(N);

Deno.bench("LPUSH + LPOP on a 1M-element list", { group: "ends" }, () => {
  big.pushHead("x");
  big.popHead();
});
Deno.bench("RPUSH + RPOP on a 1M-element list", { group: "ends" }, () => {
  big.pushTail("x");
  big.popTail();
});
Deno.bench("LPUSH + RPOP (queue) on a 1M-element list", { group: "ends" }, () => {
  big.pushHead("x");
  big.popTail();
});

let i = 0;
Deno.bench("LINDEX head (0)", { group: "index" }, () => {
  big.at(0);
});
Deno.bench("LINDEX tail (-1)", { group: "index" }, () => {
  big.at(-1);
});
Deno.bench("LINDEX middle (500000)", { group: "index" }, () => {
  big.at(500_000);
});
Deno.bench("LINDEX walking index", { group: "index" }, () => {
  i = (i + 7919) % N;
  big.at(i);
});

Deno.bench("1M RPUSH then 1M LPOP", { group: "bulk", n: 5 }, () => {
  const l = new RedisList();
  for (let k = 0; k < N; k++) l.pushTail("e");
  while (l.popHead() !== undefined) { /* drain */ }
});
Deno.bench("1M LPUSH then 1M RPOP", { group: "bulk", n: 5 }, () => {
  const l = new RedisList();
  for (let k = 0; k < N; k++) l.pushHead("e");
  while (l.popTail() !== undefined) { /* drain */ }
});
