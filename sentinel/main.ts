// `deno task sentinel sentinel.conf`: Redis Sentinel is the subject of a later
// issue; until it lands this entry point says so instead of pretending.
console.error("redis-ts: Sentinel mode is not implemented yet (see README).");
Deno.exit(1);
