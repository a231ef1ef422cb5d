// Unit tests of the RESP parser and writer: pipelines, split reads, binary
// values, inline requests and every limit.
import assert from "node:assert/strict";
import { ProtocolError, RespParser } from "../server/resp/parser.ts";
import { fmtG17, formatDouble, ReplyWriter } from "../server/resp/writer.ts";
import { bytesToStr, strToBytes } from "../server/resp/bytes.ts";

const enc = (s: string) => strToBytes(s);

function parseAll(p: RespParser, chunks: Uint8Array[]): string[][] {
  const out: string[][] = [];
  for (const c of chunks) {
    p.feed(c);
    p.parse(out);
  }
  return out;
}

function parseError(input: string, maxBulkLen = 512 * 1024 * 1024): [string[][], string] {
  const p = new RespParser({ maxBulkLen });
  p.feed(enc(input));
  const out: string[][] = [];
  try {
    p.parse(out);
  } catch (e) {
    assert.ok(e instanceof ProtocolError);
    return [out, e.message];
  }
  throw new Error("no protocol error for " + JSON.stringify(input));
}

Deno.test("multibulk pipeline in one read", () => {
  const p = new RespParser();
  const out = parseAll(p, [
    enc(
      "*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
    ),
  ]);
  assert.deepEqual(out, [["PING"], ["SET", "k", "hello"], ["GET", "k"]]);
  assert.equal(p.pending, 0);
});

Deno.test("one command split at every byte boundary", () => {
  const req = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\n0123456789\r\n";
  for (let cut = 1; cut < req.length; cut++) {
    const p = new RespParser();
    const out = parseAll(p, [enc(req.slice(0, cut)), enc(req.slice(cut))]);
    assert.deepEqual(out, [["SET", "key", "0123456789"]], `cut at ${cut}`);
  }
  // and byte by byte
  const p = new RespParser();
  const out = parseAll(p, [...enc(req)].map((b) => new Uint8Array([b])));
  assert.deepEqual(out, [["SET", "key", "0123456789"]]);
});

Deno.test("binary-safe values: every byte value, CRLF inside a bulk", () => {
  const bytes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  const head = enc("*2\r\n$4\r\nECHO\r\n$256\r\n");
  const req = new Uint8Array(head.length + 256 + 2);
  req.set(head);
  req.set(bytes, head.length);
  req.set(enc("\r\n"), head.length + 256);
  const p = new RespParser();
  const out = parseAll(p, [req]);
  assert.equal(out.length, 1);
  assert.deepEqual(strToBytes(out[0][1]), bytes);
  const w = new ReplyWriter(4);
  w.bulk(out[0][1]);
  const reply = w.take();
  assert.equal(bytesToStr(reply.subarray(0, 6)), "$256\r\n");
  assert.deepEqual(reply.subarray(6, 262), bytes);
});

Deno.test("large bulk split over many reads", () => {
  const value = "x".repeat(1_000_000);
  const req = enc(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n${value}\r\n`);
  const p = new RespParser();
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < req.length; i += 65536) chunks.push(req.subarray(i, i + 65536));
  const out = parseAll(p, chunks);
  assert.equal(out.length, 1);
  assert.equal(out[0][2].length, value.length);
  assert.equal(out[0][2], value);
});

Deno.test("inline requests: words, quotes, escapes, empty lines", () => {
  const p = new RespParser();
  const out = parseAll(p, [
    enc('PING\r\nSET k "a b\\x41\\n"\nGET \'it\\\'s\'\r\n\r\n   \r\nECHO ""\r\n'),
  ]);
  assert.deepEqual(out, [["PING"], ["SET", "k", "a bA\n"], ["GET", "it's"], ["ECHO", ""]]);
});

Deno.test("multibulk count <= 0 is skipped, as Redis", () => {
  const p = new RespParser();
  assert.deepEqual(parseAll(p, [enc("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n")]), [["PING"]]);
});

Deno.test("protocol errors with Redis 7.0's texts", () => {
  assert.equal(parseError("*abc\r\n")[1], "invalid multibulk length");
  assert.equal(parseError(`*2147483648\r\n`)[1], "invalid multibulk length");
  assert.equal(parseError("*1\r\n+PING\r\n")[1], "expected '$', got '+'");
  assert.equal(parseError("*1\r\n$-1\r\n")[1], "invalid bulk length");
  assert.equal(parseError("*1\r\n$x\r\n")[1], "invalid bulk length");
  assert.equal(parseError("*1\r\n$11\r\n", 10)[1], "invalid bulk length");
  assert.equal(parseError('SET k "abc\r\n')[1], "unbalanced quotes in request");
  assert.equal(parseError("x".repeat(64 * 1024 + 1))[1], "too big inline request");
  assert.equal(parseError("*" + "1".repeat(64 * 1024 + 10))[1], "too big mbulk count string");
  assert.equal(
    parseError("*1\r\n$" + "1".repeat(64 * 1024 + 10))[1],
    "too big bulk count string",
  );
  // requests before the bad one are still returned
  const [ok, msg] = parseError("*1\r\n$4\r\nPING\r\n*1\r\n!");
  assert.deepEqual(ok, [["PING"]]);
  assert.equal(msg, "expected '$', got '!'");
});

Deno.test("writer: replies in one buffer", () => {
  const w = new ReplyWriter(8);
  w.ok();
  w.int(-42);
  w.bulk(null);
  w.bulks(["a", "bc"]);
  w.error("ERR bad\r\nthing");
  w.nilArray();
  w.array(0);
  w.double(1.5);
  assert.equal(
    bytesToStr(w.take()),
    "+OK\r\n:-42\r\n$-1\r\n*2\r\n$1\r\na\r\n$2\r\nbc\r\n-ERR bad  thing\r\n*-1\r\n*0\r\n$3\r\n1.5\r\n",
  );
  assert.equal(w.len, 0);
});

Deno.test("doubles as %.17g", () => {
  assert.equal(formatDouble(1.1), "1.1000000000000001");
  assert.equal(formatDouble(0.1 + 0.2), "0.30000000000000004");
  assert.equal(formatDouble(3), "3");
  assert.equal(formatDouble(-0), "-0"); // as %.17g (a listpack zset stores -0 as 0 before this)
  assert.equal(formatDouble(Infinity), "inf");
  assert.equal(formatDouble(-Infinity), "-inf");
  assert.equal(fmtG17(1e300), "1.0000000000000001e+300");
  assert.equal(fmtG17(1.5e-7), "1.4999999999999999e-07");
  assert.equal(fmtG17(123456789012345680000), "1.2345678901234568e+20");
  assert.equal(formatDouble(2.5), "2.5");
});
