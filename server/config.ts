// The one table of configuration directives. It serves the config file, the
// command line (`--port 6380`), CONFIG GET / SET / REWRITE. Values are kept
// in their canonical text form (what CONFIG GET returns) and typed getters
// read them.

export type DirectiveType = "int" | "bool" | "string" | "enum" | "memory" | "special";

export interface Directive {
  name: string;
  aliases?: string[];
  type: DirectiveType;
  default: string;
  /** Can CONFIG SET change it at run time? */
  mutable: boolean;
  /** Inclusive bounds of int and memory directives (bigint past 2^53). */
  min?: number | bigint;
  max?: number | bigint;
  /** Accepted values are then clamped into this range (hz: 0..INT_MAX, kept in 1..500). */
  clamp?: [number | bigint, number | bigint];
  /** Memory directive read as an unsigned 64-bit value (maxmemory). */
  unsigned?: boolean;
  /** Refused by CONFIG SET unless enable-protected-configs allows it. */
  protected?: boolean;
  values?: string[];
  /** Enum values that are another value's synonym, shown by CONFIG GET as that value. */
  synonyms?: Record<string, string>;
  /** Number of arguments for special directives (-n = at least n). */
  argc?: number;
  /** Validate/normalise a special value; return [canonical] or an error text. */
  normalize?: (args: string[]) => string | { error: string };
  /** Not shown by CONFIG GET * (aliases are shown by their own name) */
  hidden?: boolean;
  /** Never written by CONFIG REWRITE nor shown (e.g. include). */
  sensitive?: boolean;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
const LLONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;
const TWO_64 = 1n << 64n;

function int(
  name: string,
  def: number,
  min: number | bigint,
  max: number | bigint,
  mutable = true,
): Directive {
  return { name, type: "int", default: String(def), mutable, min, max };
}
function bool(name: string, def: boolean, mutable = true, aliases?: string[]): Directive {
  return { name, type: "bool", default: def ? "yes" : "no", mutable, aliases };
}
function str(name: string, def: string, mutable = true): Directive {
  return { name, type: "string", default: def, mutable };
}
function enm(name: string, def: string, values: string[], mutable = true): Directive {
  return { name, type: "enum", default: def, values, mutable };
}
function mem(name: string, def: number, min: number = 0, max: bigint = LLONG_MAX): Directive {
  return { name, type: "memory", default: String(def), mutable: true, min, max };
}

function normalizeSave(args: string[]): string | { error: string } {
  const words = args.join(" ").trim().split(/\s+/).filter((w) => w.length);
  if (words.length === 0) return "";
  if (words.length % 2) return { error: "Invalid save parameters" };
  for (const w of words) {
    if (!/^\d+$/.test(w)) return { error: "Invalid save parameters" };
  }
  return words.map((w) => String(Number(w))).join(" ");
}

/** An octal permission (unixsocketperm): shown in octal, as Redis does. */
function normalizeOctal(args: string[]): string | { error: string } {
  const v = args.join(" ").trim();
  if (!/^[0-7]+$/.test(v) || parseInt(v, 8) > 0o777) {
    return { error: "argument must be between 0 and 511 inclusive" };
  }
  return parseInt(v, 8).toString(8);
}

function normalizeReplicaof(args: string[]): string | { error: string } {
  const words = args.join(" ").trim().split(/\s+/).filter((w) => w.length);
  if (words.length === 0) return "";
  if (words.length !== 2) return { error: "wrong number of arguments" };
  if (words[0].toLowerCase() === "no" && words[1].toLowerCase() === "one") return "";
  if (!/^\d+$/.test(words[1]) || Number(words[1]) > 65535) return { error: "Invalid master port" };
  return `${words[0]} ${words[1]}`;
}

function normalizeObuf(args: string[]): string | { error: string } {
  const words = args.join(" ").trim().split(/\s+/).filter((w) => w.length);
  if (words.length % 4 || words.length === 0) {
    return { error: "Wrong number of arguments in buffer limit configuration." };
  }
  const byClass = new Map<string, string>([
    ["normal", "normal 0 0 0"],
    ["slave", "slave 268435456 67108864 60"],
    ["pubsub", "pubsub 33554432 8388608 60"],
  ]);
  for (let i = 0; i < words.length; i += 4) {
    let cls = words[i].toLowerCase();
    if (cls === "replica") cls = "slave";
    if (!byClass.has(cls)) {
      return { error: "Invalid client class specified in buffer limit configuration." };
    }
    const hard = parseMemory(words[i + 1]), soft = parseMemory(words[i + 2]);
    const secs = /^\d+$/.test(words[i + 3]) ? Number(words[i + 3]) : null;
    if (hard === null || soft === null || secs === null) {
      return {
        error: "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
      };
    }
    byClass.set(cls, `${cls} ${hard} ${soft} ${secs}`);
  }
  return [...byClass.values()].join(" ");
}

function normalizeBind(args: string[]): string | { error: string } {
  const words = args.join(" ").trim().split(/\s+/).filter((w) => w.length);
  if (words.length === 0) return { error: "Too many bind addresses specified." };
  if (words.length > 16) return { error: "Too many bind addresses specified." };
  return words.join(" ");
}

/** The directive table. */
export const DIRECTIVES: Directive[] = [
  int("port", 6379, 0, 65535),
  {
    name: "bind",
    type: "special",
    default: "* -::*",
    mutable: true,
    argc: -1,
    normalize: normalizeBind,
  },
  bool("protected-mode", true),
  str("requirepass", ""),
  str("masterauth", ""),
  str("masteruser", ""),
  int("databases", 16, 1, INT_MAX, false),
  { ...str("dir", ""), protected: true },
  { ...str("dbfilename", "dump.rdb"), protected: true },
  {
    name: "save",
    type: "special",
    default: "3600 1 300 100 60 10000",
    mutable: true,
    argc: -1,
    normalize: normalizeSave,
  },
  bool("appendonly", false),
  str("appendfilename", "appendonly.aof", false),
  str("appenddirname", "appendonlydir", false),
  enm("appendfsync", "everysec", ["everysec", "always", "no"]),
  bool("daemonize", false, false),
  str("pidfile", "", false),
  str("logfile", "", false),
  enm("loglevel", "notice", ["debug", "verbose", "notice", "warning"]),
  int("timeout", 0, 0, INT_MAX),
  int("tcp-keepalive", 300, 0, INT_MAX),
  int("tcp-backlog", 511, 0, INT_MAX, false),
  int("maxclients", 10000, 1, UINT_MAX),
  { ...mem("maxmemory", 0, 0, ULLONG_MAX), unsigned: true },
  enm("maxmemory-policy", "noeviction", [
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
  ]),
  int("maxmemory-samples", 5, 1, INT_MAX),
  {
    name: "replicaof",
    aliases: ["slaveof"],
    type: "special",
    default: "",
    mutable: false,
    argc: 2,
    normalize: normalizeReplicaof,
  },
  bool("replica-read-only", true, true, ["slave-read-only"]),
  bool("replica-serve-stale-data", true, true, ["slave-serve-stale-data"]),
  {
    ...int("replica-priority", 100, 0, INT_MAX),
    aliases: ["slave-priority"],
  },
  bool("replica-announced", true),
  { ...str("replica-announce-ip", ""), aliases: ["slave-announce-ip"] },
  { ...int("replica-announce-port", 0, 0, 65535), aliases: ["slave-announce-port"] },
  bool("replica-lazy-flush", false, true, ["slave-lazy-flush"]),
  // smaller than 16kb is raised to 16kb
  { ...mem("repl-backlog-size", 1024 * 1024, 1), clamp: [16 * 1024, LLONG_MAX] },
  int("repl-backlog-ttl", 3600, 0, LLONG_MAX),
  bool("repl-diskless-sync", true),
  int("repl-diskless-sync-delay", 5, 0, INT_MAX),
  int("repl-diskless-sync-max-replicas", 0, 0, INT_MAX),
  enm("repl-diskless-load", "disabled", ["disabled", "on-empty-db", "swapdb"]),
  int("repl-timeout", 60, 1, INT_MAX),
  { ...int("repl-ping-replica-period", 10, 1, INT_MAX), aliases: ["repl-ping-slave-period"] },
  bool("repl-disable-tcp-nodelay", false),
  { ...int("min-replicas-to-write", 0, 0, INT_MAX), aliases: ["min-slaves-to-write"] },
  { ...int("min-replicas-max-lag", 10, 0, INT_MAX), aliases: ["min-slaves-max-lag"] },
  enm("propagation-error-behavior", "ignore", ["ignore", "panic", "panic-on-replicas"]),
  int("shutdown-timeout", 10, 0, INT_MAX),
  // debug configs, hidden from CONFIG GET patterns as in Redis
  { ...int("key-load-delay", 0, -2147483648, INT_MAX), hidden: true },
  { ...int("rdb-key-save-delay", 0, -2147483648, INT_MAX), hidden: true },
  { ...int("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, INT_MAX), hidden: true },
  int("io-threads", -1, -1, 128, false),
  bool("io-threads-do-reads", false, false),
  mem("proto-max-bulk-len", 512 * 1024 * 1024, 1024 * 1024),
  mem("client-query-buffer-limit", 1024 * 1024 * 1024, 1024 * 1024),
  {
    name: "client-output-buffer-limit",
    type: "special",
    default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    mutable: true,
    argc: -4,
    normalize: normalizeObuf,
  },
  { ...int("hz", 10, 0, INT_MAX), clamp: [1, 500] },
  bool("dynamic-hz", true),
  bool("rdbcompression", true),
  bool("rdbchecksum", true, false),
  bool("rdb-del-sync-files", false),
  bool("stop-writes-on-bgsave-error", true),
  bool("lazyfree-lazy-eviction", false),
  bool("lazyfree-lazy-expire", false),
  bool("lazyfree-lazy-server-del", false),
  bool("lazyfree-lazy-user-del", false),
  bool("lazyfree-lazy-user-flush", false),
  bool("activerehashing", true),
  bool("activedefrag", false),
  int("active-expire-effort", 1, 1, 10),
  enm("supervised", "no", ["upstart", "systemd", "auto", "no"], false),
  str("unixsocket", "", false),
  {
    name: "unixsocketperm",
    type: "special",
    default: "0",
    mutable: false,
    argc: 1,
    normalize: normalizeOctal,
  },
  str("notify-keyspace-events", ""),
  int("slowlog-log-slower-than", 10000, -1, LLONG_MAX),
  int("slowlog-max-len", 128, 0, LLONG_MAX),
  int("latency-monitor-threshold", 0, 0, LLONG_MAX),
  int("lua-time-limit", 5000, 0, LLONG_MAX),
  bool("always-show-logo", false, false),
  bool("set-proc-title", true, false),
  str("proc-title-template", "{title} {listen-addr} {server-mode}"),
  bool("syslog-enabled", false, false),
  str("syslog-ident", "redis", false),
  enm("syslog-facility", "local0", [
    "user",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
  ], false),
  bool("crash-log-enabled", true),
  bool("crash-memcheck-enabled", true),
  bool("aof-use-rdb-preamble", true),
  bool("aof-load-truncated", true),
  bool("aof-timestamp-enabled", false),
  bool("aof-rewrite-incremental-fsync", true),
  bool("rdb-save-incremental-fsync", true),
  bool("no-appendfsync-on-rewrite", false),
  int("auto-aof-rewrite-percentage", 100, 0, INT_MAX),
  mem("auto-aof-rewrite-min-size", 64 * 1024 * 1024),
  { ...int("hash-max-listpack-entries", 512, 0, LLONG_MAX), aliases: ["hash-max-ziplist-entries"] },
  { ...mem("hash-max-listpack-value", 64), aliases: ["hash-max-ziplist-value"] },
  { ...int("list-max-listpack-size", -2, INT_MIN, INT_MAX), aliases: ["list-max-ziplist-size"] },
  int("list-compress-depth", 0, 0, INT_MAX),
  int("set-max-intset-entries", 512, 0, LLONG_MAX),
  { ...int("zset-max-listpack-entries", 128, 0, LLONG_MAX), aliases: ["zset-max-ziplist-entries"] },
  { ...mem("zset-max-listpack-value", 64), aliases: ["zset-max-ziplist-value"] },
  mem("hll-sparse-max-bytes", 3000),
  mem("stream-node-max-bytes", 4096),
  int("stream-node-max-entries", 100, 0, LLONG_MAX),
  bool("jemalloc-bg-thread", true),
  {
    ...enm("oom-score-adj", "no", ["no", "yes", "relative", "absolute"]),
    synonyms: { relative: "yes" },
  },
  str("oom-score-adj-values", "0 200 800"),
  bool("disable-thp", true, false),
  int("tracking-table-max-keys", 1000000, 0, LLONG_MAX),
  str("aclfile", "", false),
  int("acllog-max-len", 128, 0, LLONG_MAX),
  enm("acl-pubsub-default", "resetchannels", ["allchannels", "resetchannels"]),
  bool("cluster-enabled", false, false),
  str("cluster-config-file", "nodes.conf", false),
  int("cluster-node-timeout", 15000, 0, LLONG_MAX),
  enm("enable-protected-configs", "no", ["no", "yes", "local"], false),
  enm("enable-debug-command", "no", ["no", "yes", "local"], false),
  enm("enable-module-command", "no", ["no", "yes", "local"], false),
  int("tls-port", 0, 0, 65535, false),
  { name: "include", type: "special", default: "", mutable: false, argc: 1, sensitive: true },
  {
    name: "rename-command",
    type: "special",
    default: "",
    mutable: false,
    argc: 2,
    sensitive: true,
  },
  {
    name: "loadmodule",
    type: "special",
    default: "",
    mutable: false,
    argc: -1,
    sensitive: true,
  },
  { name: "user", type: "special", default: "", mutable: false, argc: -1, sensitive: true },
];

const BY_NAME = new Map<string, Directive>();
for (const d of DIRECTIVES) {
  BY_NAME.set(d.name, d);
  for (const a of d.aliases ?? []) BY_NAME.set(a, d);
}

export function findDirective(name: string): Directive | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** "1gb" -> bytes; null when unparsable. As Redis's memtoull. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const units: Record<string, number> = {
    b: 1,
    k: 1000,
    kb: 1024,
    m: 1000 * 1000,
    mb: 1024 * 1024,
    g: 1000 * 1000 * 1000,
    gb: 1024 * 1024 * 1024,
  };
  return Number(m[1]) * units[(m[2] ?? "b").toLowerCase()];
}

/** A signed 64-bit integer as Redis's string2ll reads it (no '+', no leading zeros); else null. */
function parseInt64(s: string): bigint | null {
  if (!/^(?:0|-?[1-9][0-9]*)$/.test(s) || s.length > 20) return null;
  const n = BigInt(s);
  return n > LLONG_MAX || n < -LLONG_MAX - 1n ? null : n;
}

const MEMORY_UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * A memory directive's value as Redis's memtoull reads it: digits and an
 * optional unit (b k kb m mb g gb, any case); no digits at all is 0 ("", "kb");
 * too many digits saturate at 2^64-1 and the unit multiplies modulo 2^64, as
 * C's unsigned arithmetic.
 */
function parseMemoryValue(s: string): bigint | null {
  const m = /^([0-9]*)([a-z]*)$/i.exec(s);
  if (!m) return null;
  const mul = MEMORY_UNITS[m[2].toLowerCase()];
  if (mul === undefined) return null;
  let n = BigInt(m[1] || "0");
  if (n > ULLONG_MAX) n = ULLONG_MAX;
  return (n * mul) % TWO_64;
}

export class ConfigError extends Error {}

/** Check and normalise a value for a directive; throws ConfigError with Redis's reason. */
export function normalizeValue(d: Directive, args: string[]): string {
  switch (d.type) {
    case "bool": {
      const v = args[0].toLowerCase();
      if (v !== "yes" && v !== "no") throw new ConfigError("argument must be 'yes' or 'no'");
      return v;
    }
    case "int":
    case "memory": {
      let n: bigint | null;
      if (d.type === "memory") {
        n = parseMemoryValue(args[0]);
        if (n === null) throw new ConfigError("argument must be a memory value");
        // a signed directive reads the unsigned result as two's complement
        if (!d.unsigned && n > LLONG_MAX) n -= TWO_64;
      } else {
        n = parseInt64(args[0]);
        if (n === null) throw new ConfigError("argument couldn't be parsed into an integer");
      }
      const min = BigInt(d.min ?? -LLONG_MAX - 1n), max = BigInt(d.max ?? LLONG_MAX);
      if (n < min || n > max) {
        throw new ConfigError(`argument must be between ${min} and ${max} inclusive`);
      }
      if (d.clamp) {
        if (n < BigInt(d.clamp[0])) n = BigInt(d.clamp[0]);
        if (n > BigInt(d.clamp[1])) n = BigInt(d.clamp[1]);
      }
      return String(n);
    }
    case "enum": {
      const v = args[0].toLowerCase();
      if (!d.values!.includes(v)) {
        throw new ConfigError(`argument(s) must be one of the following: ${d.values!.join(", ")}`);
      }
      return d.synonyms?.[v] ?? v;
    }
    case "string":
      return args[0];
    case "special": {
      if (!d.normalize) return args.join(" ");
      const r = d.normalize(args);
      if (typeof r === "string") return r;
      throw new ConfigError(r.error);
    }
  }
}

export type ConfigListener = (name: string, value: string) => void;

/** The live configuration of one server or sentinel. */
export class Config {
  private values = new Map<string, string>();
  /** Directives set from the file / command line, in order (for REWRITE). */
  readonly explicit = new Set<string>();
  renames = new Map<string, string>();
  listeners: ConfigListener[] = [];
  configFile = "";

  constructor() {
    for (const d of DIRECTIVES) this.values.set(d.name, d.default);
  }

  get(name: string): string {
    // canonical names (what the code passes) are found directly
    const v = this.values.get(name);
    if (v !== undefined) return v;
    const d = findDirective(name);
    if (!d) throw new Error(`no such directive ${name}`);
    return this.values.get(d.name)!;
  }
  /** Numeric values, parsed once per change (commands read limits on every call). */
  private ints = new Map<string, number>();
  int(name: string): number {
    let n = this.ints.get(name);
    if (n === undefined) this.ints.set(name, n = Number(this.get(name)));
    return n;
  }
  bool(name: string): boolean {
    return this.get(name) === "yes";
  }

  /** Set from the file, command line or CONFIG SET (after the mutability check). */
  set(name: string, args: string[]): void {
    const d = findDirective(name);
    if (!d) throw new ConfigError("Bad directive or wrong number of arguments");
    const v = normalizeValue(d, args);
    this.values.set(d.name, v);
    this.ints.clear();
    this.explicit.add(d.name);
    for (const l of this.listeners) l(d.name, v);
  }

  /** Set a value without validation (internal state mirrored into config, e.g. replicaof). */
  setRaw(name: string, value: string): void {
    const d = findDirective(name)!;
    this.values.set(d.name, value);
    this.ints.clear();
  }

  /**
   * [name, value] pairs for CONFIG GET: a pattern without glob characters
   * ([ * ?) names one directive or alias, in any case, and is replied under the
   * name as given; a glob matches every name and alias.
   */
  matching(pattern: string, glob: (p: string, s: string) => boolean): [string, string][] {
    if (!/[[*?]/.test(pattern)) {
      const d = findDirective(pattern);
      return d && !d.sensitive ? [[pattern, this.shown(d)]] : [];
    }
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const d of DIRECTIVES) {
      if (d.sensitive || d.hidden) continue; // (hidden: only by exact name, as Redis's debug configs)
      for (const name of [d.name, ...(d.aliases ?? [])]) {
        if (seen.has(name) || !glob(pattern, name)) continue;
        seen.add(name);
        out.push([name, this.shown(d)]);
      }
    }
    return out;
  }

  /** A directive's value as CONFIG GET shows it (dir: the working directory, as Redis). */
  private shown(d: Directive): string {
    const v = this.values.get(d.name)!;
    if (d.name !== "dir") return v;
    try {
      return Deno.cwd();
    } catch {
      return v;
    }
  }
}

/**
 * Split one config line into words as Redis does (sdssplitargs): quotes and
 * escapes, `"` and `'`. Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) return out;
    let cur = "";
    let dq = false, sq = false;
    for (;;) {
      const c = line[i];
      if (dq) {
        if (i >= n) return null;
        if (
          c === "\\" && line[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))
        ) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === "n"
            ? "\n"
            : e === "r"
            ? "\r"
            : e === "t"
            ? "\t"
            : e === "b"
            ? "\b"
            : e === "a"
            ? "\x07"
            : e;
        } else if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return null;
          i++;
          break;
        } else cur += c;
      } else if (sq) {
        if (i >= n) return null;
        if (c === "\\" && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return null;
          i++;
          break;
        } else cur += c;
      } else {
        if (i >= n || /\s/.test(c)) break;
        if (c === '"') dq = true;
        else if (c === "'") sq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}

/** Quote a value for a config file if it needs it. */
export function quoteArg(s: string): string {
  if (s !== "" && /^[\x21-\x7e]+$/.test(s) && !/["'\\]/.test(s)) return s;
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 32 || c > 126) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

export interface ConfigLine {
  lineNo: number;
  text: string;
  args: string[];
}

/** Read a config file (or command-line config text) into lines, expanding `include`. */
export function readConfigText(
  text: string,
  readFile: (path: string) => string,
): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const args = splitArgs(raw);
    if (args === null) {
      throw new ConfigFileError(i + 1, raw, "Unbalanced quotes in configuration line");
    }
    if (args.length === 0) continue;
    if (args[0].toLowerCase() === "include" && args.length === 2) {
      out.push(...readConfigText(readFile(args[1]), readFile));
      continue;
    }
    out.push({ lineNo: i + 1, text: raw, args });
  }
  return out;
}

export class ConfigFileError extends Error {
  constructor(public lineNo: number, public line: string, public reason: string) {
    super(reason);
  }
}

/** Apply config lines to a Config, Redis-style errors on bad lines. */
export function applyConfigLines(cfg: Config, lines: ConfigLine[]): void {
  for (const l of lines) {
    const [name, ...args] = l.args;
    const d = findDirective(name);
    const want = d?.argc ?? 1;
    if (!d || (want >= 0 ? args.length !== want : args.length < -want)) {
      throw new ConfigFileError(l.lineNo, l.text, "Bad directive or wrong number of arguments");
    }
    if (d.name === "rename-command") {
      cfg.renames.set(args[0].toLowerCase(), args[1]);
      continue;
    }
    if (d.name === "include" || d.name === "loadmodule" || d.name === "user") continue;
    try {
      cfg.set(name, args);
    } catch (e) {
      throw new ConfigFileError(l.lineNo, l.text, (e as Error).message);
    }
  }
}

/**
 * Command-line arguments (after an optional config file) to config text, as
 * redis-server does: each `--name` starts a line, the words after it are its
 * arguments.
 */
export function argvToConfigText(argv: string[]): string {
  const lines: string[] = [];
  let cur: string[] | null = null;
  for (const a of argv) {
    if (a.startsWith("--") && a.length > 2) {
      if (cur) lines.push(cur.join(" "));
      cur = [a.slice(2)];
    } else if (cur) {
      // words are re-split, so "127.0.0.1 6379" gives two arguments, as in Redis
      cur.push(a === "" ? '""' : /["'\\]/.test(a) ? quoteArg(a) : a);
    } else {
      lines.push(a);
    }
  }
  if (cur) lines.push(cur.join(" "));
  return lines.join("\n");
}
