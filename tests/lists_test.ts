// Lists: every reply (errors and edge cases included) byte-identical to a real
// redis-server 7.0; blocking pops (wake-ups, FIFO order, timeouts, disconnects,
// MULTI/EXEC, CLIENT UNBLOCK) run as the same scenario against both servers;
// what a served blocked client propagates; and the list class itself.
import assert from "node:assert/strict";
import { type ServerProc, startRealRedis, startServer, waitFor } from "./helpers.ts";
import { RawConn } from "./rawconn.ts";
import { RedisList } from "../server/keyspace/types/list.ts";
import { parseTimeout } from "../server/commands/lists.ts";
import { Server } from "../server/keyspace/owner.ts";
import { Config } from "../server/config.ts";

async function blockedClients(c: RawConn): Promise<number> {
  const info = await c.cmd("INFO", "clients");
  return Number(/blocked_clients:(\d+)/.exec(info)![1]);
}

async function waitBlocked(c: RawConn, n: number): Promise<void> {
  await waitFor(async () => (await blockedClients(c)) === n, `${n} blocked clients`, 5000, 5);
}

// --- replies compared byte for byte --------------------------------------------------

/** Commands, one per line, arguments split on spaces; "\s" is a space, "\e" an empty string. */
const SCRIPT = `
RPUSH l a b c
LPUSH l x y
LRANGE l 0 -1
LLEN l
LPUSHX nokey a
RPUSHX nokey a
LPUSHX l h1 h2
RPUSHX l t1 t2
LRANGE l 0 -1
LRANGE l -3 -1
LRANGE l -100 100
LRANGE l 5 3
LRANGE l 100 200
LRANGE l -1 -2
LRANGE l 0 0
LRANGE l x 1
LRANGE l 1 x
LRANGE nokey 0 -1
LRANGE nokey x 1
LRANGE l 9223372036854775807 -9223372036854775808
LRANGE l 9223372036854775808 1
LINDEX l 0
LINDEX l -1
LINDEX l 8
LINDEX l -9
LINDEX l 9
LINDEX l -10
LINDEX l x
LINDEX nokey x
LINDEX nokey 0
LSET l 0 new0
LSET l -1 newlast
LSET l 9 a
LSET l -10 a
LSET l x a
LSET nokey 0 a
LSET nokey x a
LRANGE l 0 -1
LINSERT l BEFORE a ins1
LINSERT l after a ins2
LINSERT l before zzz ins3
LINSERT l middle a ins4
LINSERT nokey before a b
LINSERT nokey middle a b
LINSERT l AFTER newlast tail
LINSERT l BEFORE new0 head
LRANGE l 0 -1
LPOP l
RPOP l
LPOP l 0
LPOP l 2
RPOP l 3
LPOP l -1
LPOP l x
LPOP l 1 2
LPOP nokey
LPOP nokey 0
LPOP nokey 3
RPOP nokey 2
LRANGE l 0 -1
RPOP l 100
LLEN l
LPUSHX l a
RPUSH r a b a c a d a
LREM r 2 a
LRANGE r 0 -1
RPUSH r a a
LREM r -2 a
LRANGE r 0 -1
LREM r 0 a
LRANGE r 0 -1
LREM r 0 zzz
LREM r x a
LREM nokey 0 a
LREM nokey x a
LREM r 0 b
LREM r 0 c
LREM r 0 d
LLEN r
RPUSH t 0 1 2 3 4 5 6 7 8 9
LTRIM t 1 -2
LRANGE t 0 -1
LTRIM t -3 100
LRANGE t 0 -1
LTRIM t 0 -1
LTRIM t x 1
LTRIM t 0 x
LTRIM nokey 0 1
LTRIM nokey x 1
LTRIM t 2 1
LLEN t
RPUSH t a
LTRIM t 5 10
LLEN t
RPUSH p a b c a b c a
LPOS p a
LPOS p a RANK 2
LPOS p a RANK -1
LPOS p a RANK -2
LPOS p a RANK 0
LPOS p a RANK x
LPOS p a RANK 9223372036854775808
LPOS p a RANK -9223372036854775808
LPOS p a RANK 9223372036854775807
LPOS p a COUNT 0
LPOS p a COUNT 2
LPOS p a COUNT -1
LPOS p a COUNT x
LPOS p a MAXLEN -1
LPOS p a MAXLEN x
LPOS p a MAXLEN 3
LPOS p a MAXLEN 3 COUNT 0
LPOS p a RANK 2 MAXLEN 4
LPOS p a RANK 2 MAXLEN 4 COUNT 0
LPOS p a RANK -2 MAXLEN 3 COUNT 5
LPOS p a RANK -1 COUNT 0 MAXLEN 0
LPOS p c RANK -1 COUNT 1
LPOS p zzz
LPOS p zzz COUNT 0
LPOS p a FOO 1
LPOS p a RANK
LPOS p a count 1 rank 2 maxlen 0
LPOS nokey a
LPOS nokey a COUNT 0
LPOS nokey a RANK 0
RPUSH m1 a b c
RPUSH m2 x y z
LMOVE m1 m2 LEFT RIGHT
LMOVE m1 m2 right left
LMOVE m1 m2 up left
LMOVE m1 m2 left down
LMOVE nokey m2 left left
LRANGE m1 0 -1
LRANGE m2 0 -1
LMOVE m1 m1 left right
LRANGE m1 0 -1
LMOVE m1 m1 right left
LMOVE m1 newdst left left
LLEN m1
LRANGE newdst 0 -1
RPOPLPUSH m2 m2
RPOPLPUSH m2 m3
RPOPLPUSH nokey m3
LRANGE m2 0 -1
LRANGE m3 0 -1
RPUSH one only
LMOVE one one left right
LRANGE one 0 -1
LMOVE one two left right
LLEN one
LMPOP 0 m2 left
LMPOP -1 m2 left
LMPOP x m2 left
LMPOP 2 m2 left
LMPOP 1 m2 middle
LMPOP 1 m2 left COUNT 0
LMPOP 1 m2 left COUNT -1
LMPOP 1 m2 left COUNT x
LMPOP 1 m2 left COUNT 1 COUNT 2
LMPOP 1 m2 left FOO
LMPOP 1 m2 left COUNT
LMPOP 9223372036854775807 m2 left
LMPOP 1 nokey left
LMPOP 3 nokey nokey2 m2 RIGHT
LMPOP 2 nokey m2 LEFT COUNT 10
LMPOP 1 m2 left
RPUSH b1 a b c
BLPOP nokey b1 0
BRPOP b1 nokey 0
BLPOP b1 b1 1.5
BLPOP b1 -1
BLPOP b1 x
BLPOP b1 \s1
BLPOP b1 inf
BLPOP b1 1e400
BLPOP b1 1e5000
BLPOP b1 nan
BLPOP b1 9223372036854775807
BLPOP b1 \e
BLPOP nokey 0.01
BRPOP nokey 0.001
BLPOP nokey 1e-9
BLPOP nokey 1e-400
BLPOP nokey .5e-3
RPUSH b2 a b c d e
BLMOVE b2 b3 LEFT RIGHT 0
BLMOVE b2 b3 Right Left 0
BLMOVE b2 b3 middle left 0
BLMOVE b2 b3 left left x
BLMOVE b2 b3 left left -1
BLMOVE nokey b3 left left 0.01
BRPOPLPUSH b2 b3 0
BRPOPLPUSH b2 b3 -1
BRPOPLPUSH nokey b3 0.01
LRANGE b3 0 -1
BLMPOP 0 1 b2 left
BLMPOP 0 2 nokey b2 RIGHT COUNT 5
BLMPOP x 1 b2 left
BLMPOP -1 1 b2 left
BLMPOP 1 0 b2 left
BLMPOP 1 1 b2 left COUNT 0
BLMPOP -1 1 b2 left COUNT 0
BLMPOP x 1 b2 middle
BLMPOP 0.01 1 nokey left
BLMPOP 0.01 2 nokey nokey2 left COUNT 3
SET s str
LPUSH s a
RPUSH s a
LPUSHX s a
RPUSHX s a
LPOP s
RPOP s 2
RPOP s -1
LLEN s
LRANGE s 0 -1
LRANGE s x 0
LINDEX s 0
LINDEX s x
LSET s 0 a
LINSERT s before a b
LINSERT s middle a b
LREM s 0 a
LTRIM s 0 1
LPOS s a
LPOS s a RANK 0
LMOVE s m2 left left
LMOVE b3 s left left
RPOPLPUSH s b3
RPOPLPUSH b3 s
LMPOP 2 s b3 left
LMPOP 2 b3 s left
LMPOP 2 nokey s left
BLPOP s 0
BLPOP nokey s 0
BLMOVE s b3 left left 0
BLMOVE b3 s left left 0
BRPOPLPUSH b3 s 0
BLMPOP 0 2 nokey s left
LRANGE b3 0 -1
RPUSH bin \e a\sb \e
LRANGE bin 0 -1
LPOS bin \e COUNT 0
LREM bin 0 \e
LRANGE bin 0 -1
LPUSH
RPUSH x
LPOP
LLEN
LRANGE x 0
LINDEX x
LSET x 0
LINSERT x before a
LREM x 0
LTRIM x 0
LPOS x
LMOVE a b left
RPOPLPUSH a
LMPOP 1 a
BLPOP x
BRPOP x
BLMOVE a b left left
BRPOPLPUSH a b
BLMPOP 0 1 a
`;

function scriptCommands(): string[][] {
  return SCRIPT.trim().split("\n").map((line) =>
    line.split(" ").map((a) => a === "\\e" ? "" : a.replaceAll("\\s", " "))
  );
}

/** Run commands one by one on a fresh connection (keys prefixed), return the raw replies. */
async function runScript(port: number, prefix: string, cmds: string[][]): Promise<string[]> {
  const c = await RawConn.open(port);
  const KEYED =
    /^(lpush|rpush|lpushx|rpushx|lpop|rpop|llen|lrange|lindex|lset|linsert|lrem|ltrim|lpos|set)$/i;
  const out: string[] = [];
  try {
    for (const argv of cmds) {
      const a = [...argv];
      const name = a[0].toLowerCase();
      // prefix key arguments so both runs start from an empty keyspace
      if (KEYED.test(name) && a.length > 1) a[1] = prefix + a[1];
      else if (/^(lmove|rpoplpush|blmove|brpoplpush)$/.test(name)) {
        if (a.length > 1) a[1] = prefix + a[1];
        if (a.length > 2) a[2] = prefix + a[2];
      } else if (name === "blpop" || name === "brpop") {
        for (let i = 1; i < a.length - 1; i++) a[i] = prefix + a[i];
      } else if (name === "lmpop" || name === "blmpop") {
        const at = name === "lmpop" ? 1 : 2;
        const n = Number(a[at]);
        for (let i = at + 1; i < a.length && i <= at + n; i++) a[i] = prefix + a[i];
      }
      const r = await c.cmd(...a);
      out.push(`${argv.join(" ")} => ${r}`);
    }
  } finally {
    await c.close();
  }
  return out;
}

// --- blocking scenarios, run against both servers --------------------------------------

type Scenario = (port: number, k: (s: string) => string) => Promise<string[]>;

const SCENARIOS: Record<string, Scenario> = {
  "a push from another client wakes BLPOP": async (port, k) => {
    const [c1, c2] = await Promise.all([RawConn.open(port), RawConn.open(port)]);
    try {
      await c1.send([["BLPOP", k("q"), "0"]]);
      await waitBlocked(c2, 1);
      const out = [await c2.cmd("RPUSH", k("q"), "a", "b")];
      out.push((await c1.maybeRead(3000))!);
      out.push(await c2.cmd("LRANGE", k("q"), "0", "-1"));
      return out;
    } finally {
      await c1.close();
      await c2.close();
    }
  },
  "three blocked clients are served first come, first served": async (port, k) => {
    const cs = await Promise.all([0, 1, 2, 3].map(() => RawConn.open(port)));
    try {
      for (let i = 0; i < 3; i++) {
        await cs[i].send([["BLPOP", k("f1"), k("fifo"), "0"]]);
        await waitBlocked(cs[3], i + 1);
      }
      const out = [await cs[3].cmd("RPUSH", k("fifo"), "x", "y")];
      out.push((await cs[0].maybeRead(3000))!, (await cs[1].maybeRead(3000))!);
      out.push((await cs[2].maybeRead(200)) ?? "(still blocked)");
      out.push(await cs[3].cmd("LPUSH", k("f1"), "z"));
      out.push((await cs[2].maybeRead(3000))!);
      out.push(await cs[3].cmd("LLEN", k("fifo")), await cs[3].cmd("LLEN", k("f1")));
      return out;
    } finally {
      for (const c of cs) await c.close();
    }
  },
  "one push of many elements serves many clients, BRPOP takes from the tail": async (port, k) => {
    const cs = await Promise.all([0, 1, 2].map(() => RawConn.open(port)));
    try {
      await cs[0].send([["BRPOP", k("many"), "0"]]);
      await waitBlocked(cs[2], 1);
      await cs[1].send([["BLPOP", k("many"), "0"]]);
      await waitBlocked(cs[2], 2);
      const out = [await cs[2].cmd("RPUSH", k("many"), "1", "2", "3")];
      out.push((await cs[0].maybeRead(3000))!, (await cs[1].maybeRead(3000))!);
      out.push(await cs[2].cmd("LRANGE", k("many"), "0", "-1"));
      return out;
    } finally {
      for (const c of cs) await c.close();
    }
  },
  "timeouts of 0.1 s reply nil": async (port, k) => {
    const c = await RawConn.open(port);
    try {
      const out: string[] = [];
      for (
        const argv of [
          ["BLPOP", k("t1"), k("t2"), "0.1"],
          ["BRPOP", k("t1"), "0.1"],
          ["BLMOVE", k("t1"), k("t2"), "LEFT", "RIGHT", "0.1"],
          ["BRPOPLPUSH", k("t1"), k("t2"), "0.1"],
          ["BLMPOP", "0.1", "1", k("t1"), "LEFT", "COUNT", "2"],
        ]
      ) {
        const t0 = performance.now();
        await c.send([argv]);
        const r = await c.maybeRead(3000);
        const dt = performance.now() - t0;
        assert.ok(dt >= 95, `${argv[0]} replied after ${dt} ms`);
        assert.ok(dt < 1500, `${argv[0]} replied after ${dt} ms`);
        out.push(`${argv[0]} => ${r}`);
      }
      out.push(await c.cmd("INFO", "clients").then((s) => /blocked_clients:\d+/.exec(s)![0]));
      return out;
    } finally {
      await c.close();
    }
  },
  "a blocked client that disconnects is forgotten": async (port, k) => {
    const [c1, c2, c3] = await Promise.all([
      RawConn.open(port),
      RawConn.open(port),
      RawConn.open(port),
    ]);
    try {
      await c1.send([["BLPOP", k("dc"), "0"]]);
      await waitBlocked(c3, 1);
      await c1.close();
      await waitBlocked(c3, 0);
      const out = [await c3.cmd("RPUSH", k("dc"), "v1")];
      out.push(await c3.cmd("LRANGE", k("dc"), "0", "-1"));
      await c2.send([["BLPOP", k("dc2"), "0"]]);
      await waitBlocked(c3, 1);
      out.push(await c3.cmd("RPUSH", k("dc2"), "v2"));
      out.push((await c2.maybeRead(3000))!);
      return out;
    } finally {
      await c1.close();
      await c2.close();
      await c3.close();
    }
  },
  "BLMOVE and BRPOPLPUSH are served by a push, and chain into other blocked clients": async (
    port,
    k,
  ) => {
    const cs = await Promise.all([0, 1, 2, 3].map(() => RawConn.open(port)));
    try {
      await cs[0].send([["BLMOVE", k("src"), k("mid"), "RIGHT", "LEFT", "0"]]);
      await waitBlocked(cs[3], 1);
      await cs[1].send([["BRPOPLPUSH", k("mid"), k("dst"), "0"]]);
      await waitBlocked(cs[3], 2);
      await cs[2].send([["BLPOP", k("dst"), "0"]]);
      await waitBlocked(cs[3], 3);
      const out = [await cs[3].cmd("RPUSH", k("src"), "a", "b")];
      out.push(
        (await cs[0].maybeRead(3000))!,
        (await cs[1].maybeRead(3000))!,
        (await cs[2].maybeRead(3000))!,
      );
      for (const key of ["src", "mid", "dst"]) {
        out.push(await cs[3].cmd("LRANGE", k(key), "0", "-1"));
      }
      // a destination holding another type: WRONGTYPE when woken, nothing moved
      await cs[3].cmd("SET", k("str"), "v");
      await cs[0].send([["BLMOVE", k("src2"), k("str"), "LEFT", "LEFT", "0"]]);
      await waitBlocked(cs[3], 1);
      out.push(await cs[3].cmd("RPUSH", k("src2"), "x"));
      out.push((await cs[0].maybeRead(3000))!);
      out.push(await cs[3].cmd("LRANGE", k("src2"), "0", "-1"));
      return out;
    } finally {
      for (const c of cs) await c.close();
    }
  },
  "BLMPOP is served with up to COUNT elements, from the key that got data": async (port, k) => {
    const [c1, c2] = await Promise.all([RawConn.open(port), RawConn.open(port)]);
    try {
      await c1.send([["BLMPOP", "0", "2", k("m1"), k("m2"), "RIGHT", "COUNT", "2"]]);
      await waitBlocked(c2, 1);
      const out = [await c2.cmd("RPUSH", k("m2"), "a", "b", "c")];
      out.push((await c1.maybeRead(3000))!);
      await c1.send([["BLPOP", k("m1"), k("m2"), k("m3"), "0"]]);
      out.push((await c1.maybeRead(3000))!);
      await c1.send([["BLPOP", k("m1"), k("m3"), "0"]]);
      await waitBlocked(c2, 1);
      out.push(await c2.cmd("RPUSH", k("m3"), "z"));
      out.push((await c1.maybeRead(3000))!);
      return out;
    } finally {
      await c1.close();
      await c2.close();
    }
  },
  "a key of another type does not wake a blocked client": async (port, k) => {
    const [c1, c2] = await Promise.all([RawConn.open(port), RawConn.open(port)]);
    try {
      await c1.send([["BLPOP", k("ty"), "0"]]);
      await waitBlocked(c2, 1);
      const out = [await c2.cmd("SET", k("ty"), "str")];
      out.push((await c1.maybeRead(200)) ?? "(still blocked)");
      out.push(String(await blockedClients(c2)));
      out.push(await c2.cmd("LPOP", k("ty")));
      return out;
    } finally {
      await c1.close();
      await c2.close();
    }
  },
  "a pipeline after a blocking command runs once it is served": async (port, k) => {
    const [c1, c2] = await Promise.all([RawConn.open(port), RawConn.open(port)]);
    try {
      await c1.send([["BLPOP", k("pl"), "0"], ["LLEN", k("pl")], ["PING"]]);
      await waitBlocked(c2, 1);
      const out = [(await c1.maybeRead(200)) ?? "(no reply yet)"];
      out.push(await c2.cmd("RPUSH", k("pl"), "a", "b"));
      out.push(
        (await c1.maybeRead(3000))!,
        (await c1.maybeRead(3000))!,
        (await c1.maybeRead(3000))!,
      );
      return out;
    } finally {
      await c1.close();
      await c2.close();
    }
  },
  "CLIENT UNBLOCK ends the wait with the timeout reply or an error": async (port, k) => {
    const [c1, c2] = await Promise.all([RawConn.open(port), RawConn.open(port)]);
    try {
      const id = (await c1.cmd("CLIENT", "ID")).slice(1, -2);
      await c1.send([["BLPOP", k("ub"), "0"]]);
      await waitBlocked(c2, 1);
      const out = [await c2.cmd("CLIENT", "UNBLOCK", id)];
      out.push((await c1.maybeRead(3000))!);
      await c1.send([["BLMOVE", k("ub"), k("ub2"), "LEFT", "LEFT", "0"]]);
      await waitBlocked(c2, 1);
      out.push(await c2.cmd("CLIENT", "UNBLOCK", id, "ERROR"));
      out.push((await c1.maybeRead(3000))!);
      out.push(await c2.cmd("CLIENT", "UNBLOCK", id));
      out.push(await c2.cmd("RPUSH", k("ub"), "x"));
      out.push(await c2.cmd("LLEN", k("ub")));
      return out;
    } finally {
      await c1.close();
      await c2.close();
    }
  },
  "a push inside MULTI/EXEC wakes the blocked client only after EXEC": async (port, k) => {
    const [c1, c2] = await Promise.all([RawConn.open(port), RawConn.open(port)]);
    try {
      await c1.send([["BLPOP", k("tx"), "0"]]);
      await waitBlocked(c2, 1);
      const out = [await c2.cmd("MULTI")];
      out.push(await c2.cmd("RPUSH", k("tx"), "a", "b"));
      out.push(await c2.cmd("LPOP", k("tx")));
      out.push(await c2.cmd("LLEN", k("tx")));
      out.push((await c1.maybeRead(200)) ?? "(still blocked)");
      out.push(await c2.cmd("EXEC"));
      out.push((await c1.maybeRead(3000))!);
      out.push(await c2.cmd("LLEN", k("tx")));
      return out;
    } finally {
      await c1.close();
      await c2.close();
    }
  },
  "blocking commands inside MULTI do not block": async (port, k) => {
    const c = await RawConn.open(port);
    try {
      const out = [await c.cmd("MULTI")];
      for (
        const argv of [
          ["BLPOP", k("e1"), "0"],
          ["BRPOP", k("e1"), k("e2"), "0"],
          ["BLMOVE", k("e1"), k("e2"), "LEFT", "LEFT", "0"],
          ["BRPOPLPUSH", k("e1"), k("e2"), "0"],
          ["BLMPOP", "0", "1", k("e1"), "LEFT"],
          ["BLPOP", k("e1"), "-1"],
          ["RPUSH", k("e1"), "a", "b", "c"],
          ["BLPOP", k("e1"), "0"],
          ["BLMOVE", k("e1"), k("e2"), "LEFT", "LEFT", "0"],
          ["BLMPOP", "0", "1", k("e1"), "LEFT", "COUNT", "5"],
          ["BLPOP", k("e1"), "0"],
        ]
      ) out.push(await c.cmd(...argv));
      out.push(await c.cmd("EXEC"));
      return out;
    } finally {
      await c.close();
    }
  },
};

// --- propagation (in-process owner, a target that records the stream) -------------------

function inProcessServer(): {
  srv: Server;
  stream: string[];
  client: () => { run: (...argv: string[]) => string };
} {
  const srv = new Server(new Config());
  const stream: string[] = [];
  srv.propagationTargets.push({ feed: (db, argv) => stream.push(`${db} ${argv.join(" ")}`) });
  let n = 0;
  const client = () => {
    let got = "";
    const c = srv.connect({
      write: (b) => got += String.fromCharCode(...b),
      close: () => {},
      pendingBytes: () => 0,
    }, { addr: `127.0.0.1:${++n}`, laddr: "127.0.0.1:6379", fd: n })!;
    return {
      run: (...argv: string[]) => {
        got = "";
        srv.feed(c, [argv]);
        return got;
      },
    };
  };
  return { srv, stream, client };
}

Deno.test({
  name: "lists: replies byte-identical to redis-server 7.0, blocking behaviour",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let ours: ServerProc | null = null, real: ServerProc | null = null;
    try {
      [ours, real] = await Promise.all([startServer(), startRealRedis()]);
      const prefix = `lt:${Date.now()}:`;

      await t.step("command replies and errors", async () => {
        const cmds = scriptCommands();
        const [a, b] = await Promise.all([
          runScript(ours!.port, prefix, cmds),
          runScript(real!.port, prefix, cmds),
        ]);
        if (Deno.env.get("LISTS_SHOW")) console.log(a.join(""));
        for (let i = 0; i < cmds.length; i++) assert.equal(a[i], b[i]);
      });

      await t.step("OBJECT ENCODING of a list is quicklist, as 7.0", async () => {
        const [c1, c2] = await Promise.all([RawConn.open(ours!.port), RawConn.open(real!.port)]);
        try {
          for (const c of [c1, c2]) {
            await c.cmd("RPUSH", prefix + "enc", "a");
            assert.equal(await c.cmd("OBJECT", "ENCODING", prefix + "enc"), "$9\r\nquicklist\r\n");
          }
        } finally {
          await c1.close();
          await c2.close();
        }
      });

      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        await t.step(name, async () => {
          let i = 0;
          const key = (s: string) => `${prefix}${name.length}:${i}:${s}`;
          i++;
          const mine = await scenario(ours!.port, key);
          const theirs = await scenario(real!.port, key);
          assert.deepEqual(mine, theirs);
        });
      }

      await t.step("scenario results are what Redis documents", async () => {
        // a few explicit expectations, so a change in both servers would show too
        const k = (s: string) => `${prefix}explicit:${s}`;
        const fifo = await SCENARIOS["three blocked clients are served first come, first served"](
          ours!.port,
          k,
        );
        assert.deepEqual(fifo, [
          ":2\r\n",
          `*2\r\n$${k("fifo").length}\r\n${k("fifo")}\r\n$1\r\nx\r\n`,
          `*2\r\n$${k("fifo").length}\r\n${k("fifo")}\r\n$1\r\ny\r\n`,
          "(still blocked)",
          ":1\r\n",
          `*2\r\n$${k("f1").length}\r\n${k("f1")}\r\n$1\r\nz\r\n`,
          ":0\r\n",
          ":0\r\n",
        ]);
        const tx = await SCENARIOS
          ["a push inside MULTI/EXEC wakes the blocked client only after EXEC"](
            ours!.port,
            k,
          );
        assert.equal(tx[4], "(still blocked)");
        assert.equal(tx[5], "*3\r\n:2\r\n$1\r\na\r\n:1\r\n");
        assert.equal(tx[6], `*2\r\n$${k("tx").length}\r\n${k("tx")}\r\n$1\r\nb\r\n`);
      });
    } finally {
      await ours?.stop();
      await real?.stop();
    }
  },
});

Deno.test("lists: what is propagated (as redis-server 7.0 streams it to replicas)", () => {
  const { srv, stream, client } = inProcessServer();
  const a = client(), b = client(), c = client();
  a.run("RPUSH", "l", "1", "2", "3", "4", "5", "6", "7", "8", "9");
  a.run("BLPOP", "l", "0");
  a.run("BRPOP", "l", "0");
  a.run("BLMPOP", "0", "1", "l", "LEFT", "COUNT", "2");
  a.run("BLMPOP", "0", "1", "l", "RIGHT");
  a.run("LMPOP", "2", "nokey", "l", "LEFT", "COUNT", "100");
  a.run("RPUSH", "m", "x", "y", "z", "w");
  a.run("BLMOVE", "m", "n", "Left", "Right", "0");
  a.run("BRPOPLPUSH", "m", "n", "0");
  a.run("LMOVE", "m", "n", "left", "left");
  a.run("LPOP", "nokey");
  a.run("LTRIM", "n", "0", "-1");
  a.run("LREM", "n", "0", "nothing");
  assert.deepEqual(stream.splice(0), [
    "0 RPUSH l 1 2 3 4 5 6 7 8 9",
    "0 LPOP l",
    "0 RPOP l",
    "0 LPOP l 2",
    "0 RPOP l 1",
    "0 LPOP l 4",
    "0 RPUSH m x y z w",
    "0 LMOVE m n Left Right",
    "0 RPOPLPUSH m n",
    "0 LMOVE m n left left",
  ]);
  // served after blocking: the push, then the pop the served client did
  assert.equal(b.run("BLPOP", "q", "0"), "");
  assert.equal(c.run("BLMOVE", "q2", "d", "RIGHT", "LEFT", "0"), "");
  assert.equal(a.run("RPUSH", "q", "v1", "v2"), ":2\r\n");
  assert.equal(a.run("LPUSH", "q2", "z"), ":1\r\n");
  assert.equal(b.run("BLMPOP", "0", "2", "x", "q3", "RIGHT", "COUNT", "5"), "");
  assert.equal(c.run("BRPOPLPUSH", "q4", "d", "0"), "");
  a.run("RPUSH", "q3", "1", "2", "3");
  a.run("RPUSH", "q4", "1");
  assert.deepEqual(stream.splice(0), [
    "0 RPUSH q v1 v2",
    "0 LPOP q",
    "0 LPUSH q2 z",
    "0 LMOVE q2 d right left",
    "0 RPUSH q3 1 2 3",
    "0 RPOP q3 3",
    "0 RPUSH q4 1",
    "0 RPOPLPUSH q4 d",
  ]);
  assert.equal(srv.blockedCount, 0);
});

Deno.test("lists: timeout parsing follows Redis 7.0 (ms rounded up, long double range)", () => {
  const ms = (s: string) => {
    const r = parseTimeout(s);
    return "ms" in r ? r.ms : r.error;
  };
  assert.equal(ms("0"), 0);
  assert.equal(ms("1.5"), 1500);
  assert.equal(ms("0.0001"), 1);
  assert.equal(ms("1e-400"), 1);
  assert.equal(ms("-0.0001"), 0);
  assert.equal(ms("-1e-400"), 0);
  assert.equal(ms("0x10"), 16000);
  assert.equal(ms("-1"), "ERR timeout is negative");
  assert.equal(ms("inf"), "ERR timeout is negative");
  assert.equal(ms("1e400"), "ERR timeout is negative");
  assert.equal(ms("9223372036854775807"), "ERR timeout is negative");
  assert.equal(ms("1e5000"), "ERR timeout is not a float or out of range");
  assert.equal(ms("1e-5000"), "ERR timeout is not a float or out of range");
  assert.equal(ms("nan"), "ERR timeout is not a float or out of range");
  assert.equal(ms(" 1"), "ERR timeout is not a float or out of range");
  assert.equal(ms("1 "), "ERR timeout is not a float or out of range");
  assert.equal(ms(""), "ERR timeout is not a float or out of range");
});

// --- the class ----------------------------------------------------------------------------

/** A model list (plain array) to check the ring buffer against. */
function check(l: RedisList, model: string[]): void {
  assert.equal(l.length, model.length);
  assert.deepEqual([...l.items()], model);
  for (let i = 0; i < model.length; i++) {
    assert.equal(l.at(i), model[i]);
    assert.equal(l.at(i - model.length), model[i]);
  }
  assert.equal(l.at(model.length), undefined);
  assert.equal(l.at(-model.length - 1), undefined);
}

Deno.test("lists: RedisList matches a model under random operations", () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const l = new RedisList();
  const model: string[] = [];
  for (let step = 0; step < 20000; step++) {
    const op = rnd(10);
    const v = String(rnd(5));
    if (op < 3) {
      l.pushHead(v);
      model.unshift(v);
    } else if (op < 6) {
      l.pushTail(v);
      model.push(v);
    } else if (op === 6) {
      assert.equal(l.popHead(), model.shift());
    } else if (op === 7) {
      assert.equal(l.popTail(), model.pop());
    } else if (op === 8) {
      const i = rnd(model.length + 1);
      l.insertAt(i, "ins");
      model.splice(i, 0, "ins");
    } else {
      const count = rnd(3);
      const fromHead = rnd(2) === 0;
      let removed = 0;
      if (fromHead) {
        for (let i = 0; i < model.length; i++) {
          if (model[i] === v && (count === 0 || removed < count)) {
            model.splice(i--, 1);
            removed++;
          }
        }
      } else {
        for (let i = model.length - 1; i >= 0; i--) {
          if (model[i] === v && (count === 0 || removed < count)) {
            model.splice(i, 1);
            removed++;
          }
        }
      }
      assert.equal(l.removeMatching(v, count, fromHead), removed);
    }
    if (step % 97 === 0) check(l, model);
  }
  check(l, model);
  // trim, set, clone independence
  const before = [...model];
  const copy = l.clone();
  l.trim(2, 3);
  model.splice(0, 2);
  model.splice(model.length - 3, 3);
  check(l, model);
  check(copy, before);
  assert.ok(copy.set(0, "changed"));
  assert.equal(l.at(0), model[0]);
  assert.equal(copy.set(copy.length, "x"), false);
  l.trim(l.length, 0);
  check(l, []);
  assert.equal(l.popHead(), undefined);
  assert.equal(l.popTail(), undefined);
  assert.equal(l.encoding(), "quicklist");
  assert.equal(l.type, "list");
});

Deno.test("lists: 1M RPUSH then 1M LPOP through the class is fast", () => {
  const l = new RedisList();
  const t0 = performance.now();
  for (let i = 0; i < 1_000_000; i++) l.pushTail("element");
  assert.equal(l.length, 1_000_000);
  assert.equal(l.at(500_000), "element");
  let n = 0;
  while (l.popHead() !== undefined) n++;
  const dt = performance.now() - t0;
  assert.equal(n, 1_000_000);
  assert.ok(dt < 500, `1M push + 1M pop took ${dt.toFixed(0)} ms`);
  // the other ends too
  const t1 = performance.now();
  for (let i = 0; i < 1_000_000; i++) l.pushHead("e");
  while (l.popTail() !== undefined) n--;
  assert.equal(n, 0);
  assert.ok(performance.now() - t1 < 500);
});
