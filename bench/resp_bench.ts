// RESP parser and writer throughput: commands parsed per second, replies written per second.
import { RespParser } from "../server/resp/parser.ts";
import { ReplyWriter } from "../server/resp/writer.ts";
import { strToBytes } from "../server/resp/bytes.ts";

function pipeline(n: number, cmd: string): Uint8Array {
  return strToBytes(cmd.repeat(n));
}
const SET = "*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$32\r\n" + "v".repeat(32) + "\r\n";
const GET = "*2\r\n$3\r\nGET\r\n$16\r\nkey:000000000042\r\n";
const setBatch = pipeline(1000, SET);
const getBatch = pipeline(1000, GET);
const inlineBatch = pipeline(1000, "PING\r\n");

const parser = new RespParser();
const out: string[][] = [];

Deno.bench("parse 1000 pipelined SET (32-byte values)", { group: "parse" }, () => {
  out.length = 0;
  parser.feed(setBatch);
  parser.parse(out);
});
Deno.bench("parse 1000 pipelined GET", { group: "parse" }, () => {
  out.length = 0;
  parser.feed(getBatch);
  parser.parse(out);
});
Deno.bench("parse 1000 inline PING", { group: "parse" }, () => {
  out.length = 0;
  parser.feed(inlineBatch);
  parser.parse(out);
});
const chunks: Uint8Array[] = [];
for (let i = 0; i < setBatch.length; i += 1460) chunks.push(setBatch.subarray(i, i + 1460));
Deno.bench("parse 1000 SET split in 1460-byte reads", { group: "parse" }, () => {
  out.length = 0;
  for (const c of chunks) {
    parser.feed(c);
    parser.parse(out);
  }
});

const w = new ReplyWriter(64 * 1024);
const value = "v".repeat(32);
Deno.bench("write 1000 +OK", { group: "write" }, () => {
  for (let i = 0; i < 1000; i++) w.ok();
  w.take();
});
Deno.bench("write 1000 bulk replies (32 bytes)", { group: "write" }, () => {
  for (let i = 0; i < 1000; i++) w.bulk(value);
  w.take();
});
Deno.bench("write 1000 integer replies", { group: "write" }, () => {
  for (let i = 0; i < 1000; i++) w.int(i);
  w.take();
});
