// The wire protocol against a real redis-server: the same bytes sent to both
// must get the same reply bytes, and the same close / keep-open behaviour.
import assert from "node:assert/strict";
import { rawRequest, type ServerProc, startRealRedis, startServer } from "./helpers.ts";

const CASES: [string, string][] = [
  ["inline ping", "PING\r\n"],
  ["pipeline", "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$3\r\na\nb\r\nPING\r\n"],
  ["unknown command", "*3\r\n$3\r\nFOO\r\n$1\r\na\r\n$2\r\nbc\r\n"],
  ["unknown command, long args", `FOO ${"a".repeat(200)} b\r\n`],
  ["wrong arity", "*1\r\n$4\r\nECHO\r\n"],
  ["bad multibulk length", "*x\r\n"],
  ["multibulk count over INT_MAX", "*2147483648\r\n"],
  ["expected $", "*1\r\n:1\r\n"],
  ["negative bulk length", "*1\r\n$-3\r\n"],
  ["bulk over proto-max-bulk-len", "*1\r\n$536870913\r\n"],
  ["unbalanced quotes", 'ECHO "abc\r\n'],
  ["commands before a protocol error run", "PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n!x\r\n"],
  ["empty inline lines ignored", "\r\n\r\nPING\r\n"],
  ["zero-count multibulk", "*0\r\nPING\r\n"],
  ["select out of range", "SELECT 16\r\nSELECT x\r\nSELECT 15\r\n"],
  ["hello 2 / 4 / bad", "HELLO 4\r\nHELLO x\r\n"],
  ["auth without password", "AUTH foo\r\n"],
  ["client setname with space", "CLIENT SETNAME 'a b'\r\nCLIENT GETNAME\r\n"],
  ["unknown subcommand", "CLIENT FOO\r\nCONFIG FOO bar\r\n"],
  ["config get", "CONFIG GET maxmemory-policy\r\nCONFIG GET databases\r\n"],
  [
    "config set errors",
    "CONFIG SET foo bar\r\nCONFIG SET databases 3\r\nCONFIG SET maxclients x\r\n",
  ],
  ["config set ok", "CONFIG SET timeout 0\r\nCONFIG SET hz 10\r\n"],
  ["quit", "PING\r\nQUIT\r\nPING\r\n"],
  ["big multibulk count waits for its args", `*${1024 * 1024 + 1}\r\n`],
];

const SLOW_CASES: [string, string][] = [
  ["inline too big", "x".repeat(70 * 1024)],
  ["mbulk count too big", "*" + "1".repeat(70 * 1024)],
  ["bulk count too big", "*1\r\n$" + "1".repeat(70 * 1024)],
];

Deno.test({
  name: "protocol replies and errors are byte-identical to redis-server 7.0",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      for (const [name, input] of [...CASES, ...SLOW_CASES]) {
        await t.step(name, async () => {
          const [a, b] = await Promise.all([
            rawRequest(ours!.port, input, undefined, 300),
            rawRequest(real!.port, input, undefined, 300),
          ]);
          assert.equal(a.text, b.text);
          assert.equal(a.closed, b.closed, "connection closed by the server");
        });
      }
    } finally {
      await ours?.stop();
      await real?.stop();
    }
  },
});

const AUTH_CASES: [string, string][] = [
  ["NOAUTH before AUTH", "ECHO k\r\nPING\r\nNOSUCHCMD\r\n"],
  ["wrong password", "AUTH nope\r\nAUTH default nope\r\n"],
  ["right password", "AUTH secret\r\nPING\r\n"],
  ["HELLO with AUTH", "HELLO 2 AUTH default secret\r\n"],
  ["unauthenticated multibulk length", "*11\r\n"],
  ["unauthenticated bulk length", "*1\r\n$16385\r\n"],
];

Deno.test({
  name: "requirepass behaves as redis-server 7.0",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    try {
      const args = ["--requirepass", "secret"];
      [ours, real] = await Promise.all([startServer([...args]), startRealRedis([...args])]);
      for (const [name, input] of AUTH_CASES) {
        await t.step(name, async () => {
          const [a, b] = await Promise.all([
            rawRequest(ours!.port, input, undefined, 300),
            rawRequest(real!.port, input, undefined, 300),
          ]);
          assert.equal(a.text.replace(/id\r\n:\d+/, ""), b.text.replace(/id\r\n:\d+/, ""));
          assert.equal(a.closed, b.closed, "connection closed by the server");
        });
      }
    } finally {
      await ours?.stop();
      await real?.stop();
    }
  },
});
