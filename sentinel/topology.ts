// `deno task topology [--sentinel host:port [name]] [--node host:port] [--watch] [--json]`:
// the live replication tree (master -> replicas -> sub-replicas, each with
// role, offset, lag and link state) and, through a sentinel, the sentinels of
// the group with their view of the master. Talks RESP over TCP only.
import { Link, type Reply } from "./link.ts";

interface Node {
  addr: string;
  role: string;
  offset: number;
  lag?: number;
  link?: string;
  error?: string;
  replicas: Node[];
}

interface SentinelView {
  addr: string;
  master: string;
  flags: string;
}

interface Topology {
  name?: string;
  root: Node | null;
  sentinels: SentinelView[];
}

async function call(addr: string, ...argv: string[]): Promise<Reply> {
  const i = addr.lastIndexOf(":");
  const link = new Link(addr.slice(0, i), Number(addr.slice(i + 1)));
  if (!(await link.connect(1000))) throw new Error(`cannot connect to ${addr}`);
  try {
    const timeout = new Promise<never>((_, rej) =>
      setTimeout(() => rej(new Error("timeout")), 2000)
    );
    return await Promise.race([link.call(argv), timeout]);
  } finally {
    link.close();
  }
}

async function infoRepl(addr: string): Promise<Map<string, string>> {
  const r = await call(addr, "INFO", "replication");
  if (typeof r !== "string") throw new Error(`INFO failed on ${addr}`);
  return new Map(
    r.split("\r\n").filter((l) => l.includes(":")).map((l) => {
      const i = l.indexOf(":");
      return [l.slice(0, i), l.slice(i + 1)] as [string, string];
    }),
  );
}

async function walk(addr: string, seen: Set<string>, depth = 0): Promise<Node> {
  seen.add(addr);
  const node: Node = { addr, role: "?", offset: 0, replicas: [] };
  try {
    const info = await infoRepl(addr);
    node.role = info.get("role") ?? "?";
    node.offset = Number(info.get("master_repl_offset") ?? 0);
    if (node.role === "slave") node.link = info.get("master_link_status");
    for (const [k, v] of info) {
      if (!/^slave\d+$/.test(k)) continue;
      const f = new Map(v.split(",").map((kv) => kv.split("=") as [string, string]));
      const child = `${f.get("ip")}:${f.get("port")}`;
      if (seen.has(child) || depth > 8) continue;
      const sub = await walk(child, seen, depth + 1);
      sub.lag = Number(f.get("lag"));
      if (sub.role === "?") sub.offset = Number(f.get("offset"));
      node.replicas.push(sub);
    }
  } catch (e) {
    node.error = (e as Error).message;
  }
  return node;
}

function pairs(r: Reply): Map<string, string> {
  const a = r as string[];
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < a.length; i += 2) m.set(String(a[i]), String(a[i + 1]));
  return m;
}

async function discover(sentinel: string | null, name: string | null, node: string | null) {
  const topo: Topology = { root: null, sentinels: [] };
  let root = node;
  if (sentinel) {
    let m: Map<string, string>;
    if (name) m = pairs(await call(sentinel, "SENTINEL", "master", name));
    else {
      const all = await call(sentinel, "SENTINEL", "masters");
      if (!Array.isArray(all) || !all.length) throw new Error("the sentinel monitors no master");
      m = pairs(all[0]);
    }
    topo.name = m.get("name");
    root = `${m.get("ip")}:${m.get("port")}`;
    const others = await call(sentinel, "SENTINEL", "sentinels", topo.name!);
    const list = [
      sentinel,
      ...(others as Reply[]).map((s) => {
        const p = pairs(s);
        return `${p.get("ip")}:${p.get("port")}`;
      }),
    ];
    for (const s of list) {
      try {
        const v = pairs(await call(s, "SENTINEL", "master", topo.name!));
        topo.sentinels.push({
          addr: s,
          master: `${v.get("ip")}:${v.get("port")}`,
          flags: v.get("flags") ?? "",
        });
      } catch (e) {
        topo.sentinels.push({ addr: s, master: "?", flags: (e as Error).message });
      }
    }
  }
  if (!root) throw new Error("give --sentinel host:port [name] or --node host:port");
  // climb from a replica to the top of its chain
  for (let i = 0; i < 8; i++) {
    const info: Map<string, string> | null = await infoRepl(root).catch(() => null);
    if (!info || info.get("role") !== "slave") break;
    root = `${info.get("master_host")}:${info.get("master_port")}`;
  }
  topo.root = await walk(root, new Set());
  return topo;
}

function render(t: Topology): string {
  const out: string[] = [];
  if (t.name) out.push(`${t.name}`);
  const line = (n: Node, prefix: string, last: boolean, top: boolean) => {
    const parts = [n.addr, n.role, `offset=${n.offset}`];
    if (n.lag !== undefined) parts.push(`lag=${n.lag}`);
    if (n.link) parts.push(`link=${n.link}`);
    if (n.error) parts.push(`(${n.error})`);
    out.push(top ? parts.join(" ") : `${prefix}${last ? "└── " : "├── "}${parts.join(" ")}`);
    const next = top ? "" : prefix + (last ? "    " : "│   ");
    n.replicas.forEach((c, i) => line(c, next, i === n.replicas.length - 1, false));
  };
  if (t.root) line(t.root, "", true, true);
  if (t.sentinels.length) {
    out.push("sentinels:");
    for (const s of t.sentinels) out.push(`  ${s.addr} sees master ${s.master} (${s.flags})`);
  }
  return out.join("\n");
}

if (import.meta.main) {
  const a = Deno.args;
  let sentinel: string | null = null, name: string | null = null, node: string | null = null;
  const watch = a.includes("--watch"), json = a.includes("--json");
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "--sentinel") {
      sentinel = a[++i];
      if (a[i + 1] && !a[i + 1].startsWith("--")) name = a[++i];
    } else if (a[i] === "--node") node = a[++i];
  }
  if (!sentinel && !node) sentinel = "127.0.0.1:26379";
  for (;;) {
    let text: string;
    try {
      const t = await discover(sentinel, name, node);
      text = json ? JSON.stringify(t, null, 2) : render(t);
    } catch (e) {
      text = `error: ${(e as Error).message}`;
      if (!watch) {
        console.error(text);
        Deno.exit(1);
      }
    }
    if (watch && !json) console.log("\x1b[2J\x1b[H" + new Date().toISOString());
    console.log(text);
    if (!watch) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
