// mod.ts: a server started in-process (its owner in a worker isolate) and the RESP codec.
import assert from "node:assert/strict";
import { bytesToStr, ReplyWriter, RespParser, startServer } from "../mod.ts";
import { freePort, rawRequest, waitFor } from "./helpers.ts";

Deno.test({
  name: "mod.ts starts a server in-process and stops it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const port = freePort();
    const srv = await startServer([
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      // (no --dir: it would chdir this whole test process; a file name that
      // does not exist keeps anything from being loaded)
      "--dbfilename",
      `mod-test-${port}.rdb`,
    ]);
    try {
      assert.equal(srv.port, port);
      const r = await rawRequest(port, "SET k v\r\nGET k\r\n", (t) => t.endsWith("$1\r\nv\r\n"));
      assert.equal(r.text, "+OK\r\n$1\r\nv\r\n");
    } finally {
      await srv.stop();
    }
    // the worker is gone: the port stops answering
    await waitFor(async () => {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return false;
      } catch {
        return true;
      }
    }, "the port to close");
  },
});

Deno.test("mod.ts RESP codec round trip", () => {
  const p = new RespParser();
  p.feed(new TextEncoder().encode("*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n"));
  const out: string[][] = [];
  p.parse(out);
  assert.deepEqual(out, [["ECHO", "hi"]]);
  const w = new ReplyWriter();
  w.bulk(out[0][1]);
  assert.equal(bytesToStr(w.take()), "$2\r\nhi\r\n");
});
