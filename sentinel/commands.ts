// The sentinel port: a small RESP server (PING, INFO, ROLE, CLIENT, HELLO,
// AUTH, pub/sub, SHUTDOWN, COMMAND, SENTINEL ...) with replies and errors as
// real redis-sentinel 7.0 gives them, and the pub/sub that carries the events.
import process from "node:process";
import { RespParser } from "../server/resp/parser.ts";
import { ReplyWriter } from "../server/resp/writer.ts";
import { log } from "../server/log.ts";
import { type Sentinel } from "./state.ts";
import { sentinelCommand } from "./sentinel_cmd.ts";
import { processHello } from "./monitor.ts";

export const REDIS_VERSION = "7.0.15";

export interface Client {
  id: number;
  conn: Deno.TcpConn;
  addr: string;
  laddr: string;
  name: string;
  authed: boolean;
  channels: Set<string>;
  patterns: Set<string>;
  w: ReplyWriter;
  created: number;
  lastCmd: string;
  lastTime: number;
  closed: boolean;
}

const COMMANDS: [string, number][] = [
  ["ping", -1],
  ["sentinel", -2],
  ["subscribe", -2],
  ["unsubscribe", -1],
  ["psubscribe", -2],
  ["punsubscribe", -1],
  ["publish", 3],
  ["info", -1],
  ["role", 1],
  ["client", -2],
  ["shutdown", -1],
  ["auth", -2],
  ["hello", -1],
  ["acl", -2],
  ["command", -1],
];

/** Glob matching as Redis's stringmatch (*, ?, [...], \). */
export function globMatch(p: string, s: string, nocase = false): boolean {
  if (nocase) {
    p = p.toLowerCase();
    s = s.toLowerCase();
  }
  const m = (pi: number, si: number): boolean => {
    while (pi < p.length) {
      const c = p[pi];
      if (c === "*") {
        while (p[pi + 1] === "*") pi++;
        if (pi + 1 === p.length) return true;
        for (let k = si; k <= s.length; k++) if (m(pi + 1, k)) return true;
        return false;
      }
      if (si >= s.length) return false;
      if (c === "?") {
        pi++;
        si++;
        continue;
      }
      if (c === "[") {
        let j = pi + 1;
        const not = p[j] === "^";
        if (not) j++;
        let hit = false;
        while (j < p.length && p[j] !== "]") {
          if (p[j] === "\\" && j + 1 < p.length) {
            j++;
            if (p[j] === s[si]) hit = true;
          } else if (p[j + 1] === "-" && j + 2 < p.length && p[j + 2] !== "]") {
            if (s[si] >= p[j] && s[si] <= p[j + 2]) hit = true;
            j += 2;
          } else if (p[j] === s[si]) hit = true;
          j++;
        }
        if (not) hit = !hit;
        if (!hit) return false;
        pi = j + 1;
        si++;
        continue;
      }
      if (c === "\\" && pi + 1 < p.length) pi++;
      if (p[pi] !== s[si]) return false;
      pi++;
      si++;
    }
    return si === s.length;
  };
  return m(0, 0);
}

export class SentinelServer {
  clients = new Map<number, Client>();
  private nextId = 1;
  private listeners: Deno.TcpListener[] = [];
  onShutdown: () => void = () => {};

  constructor(public st: Sentinel) {
    st.publish = (ch, msg) => this.publish(ch, msg);
  }

  listen(): void {
    const c = this.st.conf;
    const hosts = c.bind.length ? c.bind : ["0.0.0.0"];
    for (const h of hosts) {
      const host = h.startsWith("-") ? h.slice(1) : h;
      try {
        this.listeners.push(Deno.listen({ hostname: host, port: c.port }));
      } catch (e) {
        if (h.startsWith("-")) continue;
        throw new Error(
          `Warning: Could not create server TCP listening socket ${host}:${c.port}: ${
            (e as Error).message
          }`,
        );
      }
    }
    for (const l of this.listeners) this.acceptLoop(l);
  }

  close(): void {
    for (const l of this.listeners) {
      try {
        l.close();
      } catch { /* closed */ }
    }
    for (const c of this.clients.values()) this.drop(c);
  }

  private async acceptLoop(l: Deno.TcpListener): Promise<void> {
    try {
      for await (const conn of l) this.serve(conn);
    } catch { /* closed */ }
  }

  private drop(c: Client): void {
    c.closed = true;
    try {
      c.conn.close();
    } catch { /* closed */ }
    this.clients.delete(c.id);
  }

  private async serve(conn: Deno.TcpConn): Promise<void> {
    const ra = conn.remoteAddr as Deno.NetAddr, la = conn.localAddr as Deno.NetAddr;
    const now = Date.now();
    const c: Client = {
      id: this.nextId++,
      conn,
      addr: `${ra.hostname}:${ra.port}`,
      laddr: `${la.hostname}:${la.port}`,
      name: "",
      authed: !this.st.conf.requirepass,
      channels: new Set(),
      patterns: new Set(),
      w: new ReplyWriter(),
      created: now,
      lastCmd: "NULL",
      lastTime: now,
      closed: false,
    };
    this.st.totalConnections++;
    this.clients.set(c.id, c);
    conn.setNoDelay(true);
    const parser = new RespParser();
    const buf = new Uint8Array(16 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        parser.feed(buf.subarray(0, n));
        const reqs: string[][] = [];
        let err = "";
        try {
          parser.parse(reqs);
        } catch (e) {
          err = (e as Error).message;
        }
        for (const argv of reqs) {
          this.exec(c, argv);
          if (c.closed) break;
        }
        if (err) c.w.error(`ERR Protocol error: ${err}`);
        await this.flush(c);
        if (err || c.closed) break;
      }
    } catch { /* reset */ }
    this.drop(c);
  }

  private async flush(c: Client): Promise<void> {
    if (!c.w.len) return;
    const out = c.w.take();
    let off = 0;
    while (off < out.length) off += await c.conn.write(out.subarray(off));
  }

  /** Deliver a message to subscribers of `channel` (and matching patterns). */
  publish(channel: string, message: string): number {
    let n = 0;
    for (const c of this.clients.values()) {
      if (c.channels.has(channel)) {
        c.w.push(3);
        c.w.bulk("message");
        c.w.bulk(channel);
        c.w.bulk(message);
        n++;
      }
      for (const p of c.patterns) {
        if (globMatch(p, channel)) {
          c.w.push(4);
          c.w.bulk("pmessage");
          c.w.bulk(p);
          c.w.bulk(channel);
          c.w.bulk(message);
          n++;
        }
      }
      if (c.w.len) this.flush(c).catch(() => this.drop(c));
    }
    return n;
  }

  private subCount(c: Client): number {
    return c.channels.size + c.patterns.size;
  }

  exec(c: Client, argv: string[]): void {
    const w = c.w;
    const name = argv[0].toLowerCase();
    this.st.totalCommands++;
    c.lastCmd = name;
    c.lastTime = Date.now();
    const spec = COMMANDS.find(([n]) => n === name);
    if (!spec) {
      const args = argv.slice(1).map((a) => `'${a.slice(0, 128)}' `).join("");
      w.error(`ERR unknown command '${argv[0].slice(0, 128)}', with args beginning with: ${args}`);
      return;
    }
    const [, arity] = spec;
    if ((arity > 0 && argv.length !== arity) || (arity < 0 && argv.length < -arity)) {
      w.error(`ERR wrong number of arguments for '${name}' command`);
      return;
    }
    if (!c.authed && name !== "auth" && name !== "hello") {
      w.error("NOAUTH Authentication required.");
      return;
    }
    if (
      this.subCount(c) > 0 && w.resp === 2 &&
      !["subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ping"].includes(name)
    ) {
      w.error(
        `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
      return;
    }
    switch (name) {
      case "ping":
        if (argv.length > 2) w.error("ERR wrong number of arguments for 'ping' command");
        else if (this.subCount(c) > 0 && w.resp === 2) {
          w.array(2);
          w.bulk("pong");
          w.bulk(argv[1] ?? "");
        } else if (argv.length === 2) w.bulk(argv[1]);
        else w.simple("PONG");
        return;
      case "sentinel":
        sentinelCommand(this.st, c, argv);
        return;
      case "subscribe":
      case "psubscribe":
        for (const ch of argv.slice(1)) {
          (name === "subscribe" ? c.channels : c.patterns).add(ch);
          w.push(3);
          w.bulk(name);
          w.bulk(ch);
          w.int(this.subCount(c));
        }
        return;
      case "unsubscribe":
      case "punsubscribe": {
        const set = name === "unsubscribe" ? c.channels : c.patterns;
        const list = argv.length > 1 ? argv.slice(1) : [...set];
        if (!list.length) {
          w.push(3);
          w.bulk(name);
          w.nil();
          w.int(this.subCount(c));
        }
        for (const ch of list) {
          set.delete(ch);
          w.push(3);
          w.bulk(name);
          w.bulk(ch);
          w.int(this.subCount(c));
        }
        return;
      }
      case "publish":
        if (argv[1] !== "__sentinel__:hello") {
          w.error("ERR Only HELLO messages are accepted by Sentinel instances.");
          return;
        }
        for (const m of this.st.masters.values()) processHello(this.st, m, argv[2]);
        w.int(1);
        return;
      case "info":
        w.verbatim(this.info(argv.slice(1)));
        return;
      case "role":
        w.array(2);
        w.bulk("sentinel");
        w.bulks([...this.st.masters.keys()]);
        return;
      case "client":
        this.client(c, argv);
        return;
      case "shutdown":
        this.st.save();
        log.warning("User requested shutdown...");
        log.warning("Sentinel is now ready to exit, bye bye...");
        this.onShutdown();
        c.closed = true;
        return;
      case "auth":
        this.auth(c, argv.slice(1));
        return;
      case "hello":
        this.hello(c, argv.slice(1));
        return;
      case "acl":
        if (argv[1]?.toLowerCase() === "whoami") w.bulk("default");
        else w.error(`ERR unknown subcommand '${argv[1]}'. Try ACL HELP.`);
        return;
      case "command":
        this.command(c, argv);
        return;
    }
  }

  private auth(c: Client, a: string[]): boolean {
    const w = c.w;
    const pass = this.st.conf.requirepass;
    if (a.length > 2) {
      w.error("ERR syntax error");
      return false;
    }
    const [user, pw] = a.length === 2 ? [a[0], a[1]] : ["default", a[0]];
    if (!pass && a.length === 1) {
      w.error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
      );
      return false;
    }
    if (user !== "default" || (pass ? pw !== pass : false)) {
      w.error("WRONGPASS invalid username-password pair or user is disabled.");
      return false;
    }
    c.authed = true;
    w.ok();
    return true;
  }

  private hello(c: Client, a: string[]): void {
    const w = c.w;
    let proto = w.resp as number;
    let i = 0;
    if (a.length) {
      proto = Number(a[0]);
      if (!Number.isInteger(proto)) {
        w.error("ERR Protocol version is not an integer or out of range");
        return;
      }
      i = 1;
      if (proto < 2 || proto > 3) {
        w.error("NOPROTO unsupported protocol version");
        return;
      }
    }
    for (; i < a.length; i++) {
      const opt = a[i].toLowerCase();
      if (opt === "auth" && i + 2 < a.length + 0) {
        const sub = new ReplyWriter();
        const saved = c.w;
        c.w = sub;
        const ok = this.auth(c, [a[i + 1], a[i + 2]]);
        c.w = saved;
        if (!ok) {
          w.raw(sub.take());
          return;
        }
        i += 2;
      } else if (opt === "setname" && i + 1 < a.length) {
        c.name = a[++i];
      } else {
        w.error(`ERR Syntax error in HELLO option '${a[i]}'`);
        return;
      }
    }
    if (!c.authed) {
      w.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
      );
      return;
    }
    w.resp = proto as 2 | 3;
    w.map(6);
    w.bulk("server");
    w.bulk("redis");
    w.bulk("version");
    w.bulk(REDIS_VERSION);
    w.bulk("proto");
    w.int(proto);
    w.bulk("id");
    w.int(c.id);
    w.bulk("mode");
    w.bulk("sentinel");
    w.bulk("modules");
    w.array(0);
  }

  private client(c: Client, argv: string[]): void {
    const w = c.w;
    const sub = argv[1].toLowerCase();
    if (sub === "setname" && argv.length === 3) {
      if (/[\s]/.test(argv[2])) {
        w.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      c.name = argv[2];
      w.ok();
    } else if (sub === "getname" && argv.length === 2) w.bulk(c.name || null);
    else if (sub === "id" && argv.length === 2) w.int(c.id);
    else if (sub === "list") {
      const now = Date.now();
      const lines = [...this.clients.values()].map((x) =>
        `id=${x.id} addr=${x.addr} laddr=${x.laddr} fd=${8 + x.id} name=${x.name} age=${
          Math.floor((now - x.created) / 1000)
        } idle=${Math.floor((now - x.lastTime) / 1000)} flags=${
          x.channels.size + x.patterns.size ? "P" : "N"
        } db=0 sub=${x.channels.size} psub=${x.patterns.size} ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${x.lastCmd} user=default redir=-1 resp=${x.w.resp}\n`
      );
      w.verbatim(lines.join(""));
    } else if (sub === "kill" && argv.length === 3) {
      const t = [...this.clients.values()].find((x) => x.addr === argv[2]);
      if (!t) {
        w.error("ERR No such client");
        return;
      }
      w.ok();
      if (t === c) c.closed = true;
      else this.drop(t);
    } else if (sub === "info" && argv.length === 2) {
      w.verbatim(`id=${c.id} addr=${c.addr} laddr=${c.laddr} name=${c.name} resp=${w.resp}\n`);
    } else {
      w.error(
        `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try CLIENT HELP.`,
      );
    }
  }

  private command(c: Client, argv: string[]): void {
    const w = c.w;
    const sub = argv[1]?.toLowerCase();
    if (sub === "count") {
      w.int(COMMANDS.length);
      return;
    }
    if (sub === undefined || sub === "info") {
      const list = sub === "info"
        ? argv.slice(2).map((n) => COMMANDS.find(([x]) => x === n.toLowerCase()) ?? null)
        : COMMANDS;
      w.array(list.length);
      for (const e of list) {
        if (!e) {
          w.nilArray();
          continue;
        }
        w.array(10);
        w.bulk(e[0]);
        w.int(e[1]);
        w.set(0);
        w.int(0);
        w.int(0);
        w.int(0);
        w.set(0);
        w.set(0);
        w.array(0);
        w.array(0);
      }
      return;
    }
    if (sub === "list") {
      w.bulks(COMMANDS.map(([n]) => n));
      return;
    }
    w.error(`ERR unknown subcommand '${argv[1]}'. Try COMMAND HELP.`);
  }

  info(args: string[]): string {
    const st = this.st;
    const want = (args[0] ?? "default").toLowerCase();
    const all = want === "all" || want === "everything" || want === "default";
    const now = Date.now();
    const s: string[] = [];
    const sec = (name: string, lines: string[]) => {
      if (!all && want !== name.toLowerCase()) return;
      if (s.length) s.push("");
      s.push(`# ${name}`, ...lines);
    };
    sec("Server", [
      `redis_version:${REDIS_VERSION}`,
      "redis_git_sha1:00000000",
      "redis_git_dirty:0",
      "redis_build_id:0000000000000000",
      "redis_mode:sentinel",
      `os:${Deno.build.os === "linux" ? "Linux" : Deno.build.os} ${Deno.build.arch}`,
      "arch_bits:64",
      "monotonic_clock:POSIX clock_gettime",
      "multiplexing_api:epoll",
      "atomicvar_api:c11-builtin",
      "gcc_version:0.0.0",
      `process_id:${Deno.pid}`,
      "process_supervised:no",
      `run_id:${st.runId}`,
      `tcp_port:${st.conf.port}`,
      `server_time_usec:${now * 1000}`,
      `uptime_in_seconds:${Math.floor((now - st.startTime) / 1000)}`,
      `uptime_in_days:${Math.floor((now - st.startTime) / 86400000)}`,
      "hz:10",
      "configured_hz:10",
      `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
      `executable:${Deno.execPath()}`,
      `config_file:${st.configPath}`,
      "io_threads_active:0",
    ]);
    sec("Clients", [
      `connected_clients:${this.clients.size}`,
      "cluster_connections:0",
      "maxclients:10000",
      "client_recent_max_input_buffer:0",
      "client_recent_max_output_buffer:0",
      "blocked_clients:0",
      "tracking_clients:0",
      "clients_in_timeout_table:0",
    ]);
    sec("Stats", [
      `total_connections_received:${st.totalConnections}`,
      `total_commands_processed:${st.totalCommands}`,
      "instantaneous_ops_per_sec:0",
      "rejected_connections:0",
      `pubsub_channels:${new Set([...this.clients.values()].flatMap((c) => [...c.channels])).size}`,
      `pubsub_patterns:${[...this.clients.values()].reduce((n, c) => n + c.patterns.size, 0)}`,
      "pubsubshard_channels:0",
      "total_error_replies:0",
    ]);
    const cpu = process.cpuUsage();
    const secs = (us: number) => (us / 1e6).toFixed(6);
    sec("CPU", [
      `used_cpu_sys:${secs(cpu.system)}`,
      `used_cpu_user:${secs(cpu.user)}`,
      "used_cpu_sys_children:0.000000",
      "used_cpu_user_children:0.000000",
      `used_cpu_sys_main_thread:${secs(cpu.system)}`,
      `used_cpu_user_main_thread:${secs(cpu.user)}`,
    ]);
    const ms = [...st.masters.values()];
    sec("Sentinel", [
      `sentinel_masters:${ms.length}`,
      `sentinel_tilt:${st.tilt ? 1 : 0}`,
      `sentinel_tilt_since_seconds:${st.tilt ? Math.floor((now - st.tiltStart) / 1000) : -1}`,
      "sentinel_running_scripts:0",
      "sentinel_scripts_queue_length:0",
      `sentinel_simulate_failure_flags:${st.simFailure}`,
      ...ms.map((m, i) =>
        `master${i}:name=${m.name},status=${m.odown ? "odown" : m.sdown ? "sdown" : "ok"},` +
        `address=${m.ip}:${m.port},slaves=${m.replicas.size},sentinels=${m.sentinels.size + 1}`
      ),
    ]);
    return s.join("\r\n") + "\r\n";
  }
}
