// Bad input never crashes the server: every command in COMMAND's list, with
// random arguments (numbers at the edges, odd strings, binary bytes), and
// random bytes on the wire. The server must answer every request and still
// serve a PING afterwards. Seeded, so a failure can be replayed.
import assert from "node:assert/strict";
import { rawRequest, startServer } from "./helpers.ts";
import { prng } from "./rawconn.ts";
import { strToBytes } from "../server/resp/bytes.ts";

/** Commands that would stop, block, reconfigure or slow down the server under test. */
const SKIP = new Set([
  "shutdown",
  "debug",
  "config",
  "client",
  "monitor",
  "save",
  "bgsave",
  "quit",
  "reset",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "blpop",
  "brpop",
  "blmove",
  "brpoplpush",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
  "wait",
  "sync",
  "psync",
  "replicaof",
  "slaveof",
  "failover",
  "hello",
  "auth",
  "command",
]);

const ATOMS = [
  "0",
  "1",
  "-1",
  "2",
  "10",
  "-10",
  "100",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "1e308",
  "1e400",
  "-inf",
  "+inf",
  "nan",
  "0.5",
  "",
  " ",
  "k",
  "k2",
  "key:1",
  "WITHSCORES",
  "LIMIT",
  "COUNT",
  "MATCH",
  "*",
  "BYSCORE",
  "BYLEX",
  "REV",
  "NX",
  "XX",
  "GT",
  "LT",
  "CH",
  "INCR",
  "EX",
  "PX",
  "KEEPTTL",
  "GET",
  "LEFT",
  "RIGHT",
  "BEFORE",
  "AFTER",
  "[a",
  "(1",
  "-",
  "+",
  "u8",
  "i64",
  "#1",
  "OVERFLOW",
  "SAT",
  "AND",
  "OR",
  "NOT",
  "\x00\xff\r\n",
  "x".repeat(300),
];

function encode(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

Deno.test({
  name: "random arguments to every command and random bytes never crash the server",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const srv = await startServer();
    try {
      const list = await rawRequest(
        srv.port,
        "COMMAND LIST\r\n",
        (t) => /\r\n$/.test(t) && t.split("\r\n").length > 200,
      );
      const names = [...list.text.matchAll(/\$\d+\r\n([a-z_|-]+)\r\n/g)].map((m) => m[1])
        .filter((n) => !n.includes("|") && !SKIP.has(n));
      assert.ok(names.length > 150, `only ${names.length} commands listed`);
      const rnd = prng(Number(Deno.env.get("FUZZ_SEED") ?? 20261126));
      const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
      for (let batch = 0; batch < 40; batch++) {
        let req = "";
        const n = 100;
        for (let i = 0; i < n; i++) {
          const argc = Math.floor(rnd() * 7);
          const argv = [pick(names)];
          for (let j = 0; j < argc; j++) argv.push(pick(ATOMS));
          req += encode(argv);
        }
        req += "DISCARD\r\nPING\r\n"; // (a random MULTI would queue the PING)
        // (bytes, not UTF-8: the atoms hold bytes above 127)
        const r = await rawRequest(
          srv.port,
          strToBytes(req),
          (t) => t.endsWith("+PONG\r\n"),
          10_000,
        );
        assert.ok(
          r.text.endsWith("+PONG\r\n"),
          `batch ${batch}: no PONG after the commands: ...${r.text.slice(-300)}`,
        );
        assert.doesNotMatch(r.text, /internal error/, `batch ${batch}`);
      }
      // random bytes on the wire: a protocol error or replies, never a crash
      for (let i = 0; i < 25; i++) {
        const bytes = new Uint8Array(1 + Math.floor(rnd() * 200));
        for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rnd() * 256);
        if (rnd() < 0.5) bytes[0] = "*$"[Math.floor(rnd() * 2)].charCodeAt(0);
        await rawRequest(srv.port, bytes, () => false, 80);
      }
      const ping = await rawRequest(srv.port, "PING\r\n", (t) => t.includes("\r\n"));
      assert.equal(ping.text, "+PONG\r\n");
    } finally {
      await srv.stop();
    }
  },
});
