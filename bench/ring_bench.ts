// The I/O-worker data path: ring frames per second, wake-ups per batch across
// isolates, and the request encoding (compact stream vs msgpackr).
import { pack, unpack } from "msgpackr";
import { Doorbell, Ring } from "../server/net/ring.ts";
import { StreamDecoder, StreamEncoder } from "../server/net/frames.ts";
import { RespParser } from "../server/resp/parser.ts";
import { strToBytes } from "../server/resp/bytes.ts";

const payload = new Uint8Array(64).fill(7);

Deno.bench("ring: 1000 frames of 64 bytes written, published, drained (one isolate)", {
  group: "ring",
}, () => {
  const ring = bench1Ring;
  for (let i = 0; i < 1000; i++) ring.writeFrame(2, i, payload);
  ring.publish();
  let n = 0;
  ring.drain(() => n++);
  if (n !== 1000) throw new Error("lost frames");
});
const bench1Ring = Ring.create(1 << 20);

// --- request encoding: what crosses the ring for a batch of SET commands ---
const SET = "*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$32\r\n" + "v".repeat(32) + "\r\n";
const batch = strToBytes(SET.repeat(100));
const argvs: string[][] = [];
new RespParser().parse(argvs);
{
  const p = new RespParser();
  p.feed(batch);
  p.parse(argvs);
}
const enc = new StreamEncoder();
{
  const p = new RespParser();
  p.feed(batch);
  p.parse(enc);
}
const encoded = enc.buf.slice(0, enc.len);
const packed = pack(argvs);

Deno.bench("encode 100 SET: RESP -> compact stream (I/O worker)", { group: "encode" }, () => {
  const p = new RespParser();
  p.feed(batch);
  enc.reset();
  p.parse(enc);
});
Deno.bench("encode 100 SET: argv arrays -> msgpackr", { group: "encode" }, () => {
  pack(argvs);
});
Deno.bench("decode 100 SET: compact stream -> argv (owner)", { group: "decode" }, () => {
  const out: string[][] = [];
  new StreamDecoder().feed(encoded, 0, encoded.length, out);
});
Deno.bench("decode 100 SET: msgpackr -> argv", { group: "decode" }, () => {
  unpack(packed);
});

// --- across isolates: a producer worker sends batches, we drain them ---
const PRODUCER = `
import { Doorbell, Ring } from "${new URL("../server/net/ring.ts", import.meta.url).href}";
self.onmessage = (e) => {
  const { sab, bell, batches, perBatch } = e.data;
  const ring = new Ring(sab), owner = new Doorbell(bell);
  const p = new Uint8Array(64);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < perBatch; i++) {
      // full: publish, ring, and nap 20 us (a worker may block; no timer clamps)
      while (!ring.writeFrame(2, i, p)) { ring.publish(); owner.ring(); Atomics.wait(nap, 0, 0, 0.02); }
    }
    ring.publish();
    owner.ring();
  }
  self.postMessage("done");
};`;

for (const perBatch of [1, 16, 256]) {
  Deno.bench(`cross-isolate: 20000 frames in batches of ${perBatch}`, {
    group: "cross",
    n: 5,
    warmup: 1,
  }, async () => {
    const ring = Ring.create(1 << 22);
    const bell = new Doorbell();
    const w = new Worker(
      URL.createObjectURL(new Blob([PRODUCER], { type: "application/javascript" })),
      { type: "module" },
    );
    const batches = Math.ceil(20000 / perBatch);
    const total = batches * perBatch;
    let got = 0, wakeups = 0;
    const keep = setInterval(() => {}, 1000);
    w.postMessage({ sab: ring.sab, bell: bell.sab, batches, perBatch });
    while (got < total) {
      const seen = bell.value();
      got += ring.drain(() => {});
      if (got >= total) break;
      await bell.wait(seen, 100);
      wakeups++;
    }
    clearInterval(keep);
    w.terminate();
    if (perBatch === 256) {
      // printed once per run so RESULTS.md can quote frames per wake-up
      console.log(
        `  batches of ${perBatch}: ${(total / Math.max(1, wakeups)).toFixed(1)} frames per wake-up`,
      );
    }
  });
}
