// Sentinel configuration: parse a sentinel.conf (redis.conf syntax, the
// `sentinel ...` directives and the state Sentinel writes back) and rewrite
// it atomically (temp file, fsync, rename) from the live state.

export interface MasterConf {
  name: string;
  ip: string;
  port: number;
  quorum: number;
  downAfter: number;
  failoverTimeout: number;
  parallelSyncs: number;
  authPass: string;
  authUser: string;
  notificationScript: string;
  clientReconfigScript: string;
  rebootDownAfter: number;
  configEpoch: number;
  leaderEpoch: number;
  knownReplicas: [string, number][];
  knownSentinels: [string, number, string][];
  renamed: [string, string][];
}

export interface SentinelConf {
  port: number;
  bind: string[];
  protectedMode: boolean;
  dir: string;
  logfile: string;
  loglevel: string;
  requirepass: string;
  myid: string;
  currentEpoch: number;
  announceIp: string;
  announcePort: number;
  resolveHostnames: boolean;
  announceHostnames: boolean;
  denyScriptsReconfig: boolean;
  sentinelUser: string;
  sentinelPass: string;
  masters: MasterConf[];
  /** Non-sentinel directives we keep as they were (pidfile, daemonize ...). */
  other: string[][];
}

export class ConfigError extends Error {
  constructor(public lineNo: number, public line: string, public reason: string) {
    super(reason);
  }
}

export const DEFAULT_DOWN_AFTER = 30000;
export const DEFAULT_FAILOVER_TIMEOUT = 180000;

export function newMasterConf(name: string, ip: string, port: number, quorum: number): MasterConf {
  return {
    name,
    ip,
    port,
    quorum,
    downAfter: DEFAULT_DOWN_AFTER,
    failoverTimeout: DEFAULT_FAILOVER_TIMEOUT,
    parallelSyncs: 1,
    authPass: "",
    authUser: "",
    notificationScript: "",
    clientReconfigScript: "",
    rebootDownAfter: 0,
    configEpoch: 0,
    leaderEpoch: 0,
    knownReplicas: [],
    knownSentinels: [],
    renamed: [],
  };
}

export function defaultConf(): SentinelConf {
  return {
    port: 26379,
    bind: [],
    protectedMode: false,
    dir: "",
    logfile: "",
    loglevel: "notice",
    requirepass: "",
    myid: "",
    currentEpoch: 0,
    announceIp: "",
    announcePort: 0,
    resolveHostnames: false,
    announceHostnames: false,
    denyScriptsReconfig: true,
    sentinelUser: "",
    sentinelPass: "",
    masters: [],
    other: [],
  };
}

/** Split one config line into arguments (double and single quotes, \xHH escapes). */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    let cur = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) return null;
        const c = line[i];
        if (c === "\\" && i + 1 < n) {
          const e = line[i + 1];
          if (e === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          cur += ({ n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" } as Record<string, string>)[e] ??
            e;
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          if (i < n && !/\s/.test(line[i])) return null;
          break;
        }
        cur += c;
        i++;
      }
    } else if (line[i] === "'") {
      i++;
      for (;;) {
        if (i >= n) return null;
        if (line[i] === "\\" && line[i + 1] === "'") {
          cur += "'";
          i += 2;
          continue;
        }
        if (line[i] === "'") {
          i++;
          if (i < n && !/\s/.test(line[i])) return null;
          break;
        }
        cur += line[i++];
      }
    } else {
      while (i < n && !/\s/.test(line[i])) cur += line[i++];
    }
    out.push(cur);
  }
  return out;
}

const yesno = (v: string): boolean | null =>
  v.toLowerCase() === "yes" ? true : v.toLowerCase() === "no" ? false : null;

/** Parse the text of a sentinel config file (plus command-line directives appended). */
export function parseConfig(text: string): SentinelConf {
  const conf = defaultConf();
  const lines = text.split("\n");
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li].trim();
    if (!raw || raw.startsWith("#")) continue;
    const argv = splitArgs(raw);
    const fail = (reason: string): never => {
      throw new ConfigError(li + 1, raw, reason);
    };
    if (argv === null) fail("Unbalanced quotes in configuration line");
    const a = argv!;
    if (!a.length) continue;
    const key = a[0].toLowerCase();
    const int = (s: string): number => {
      if (!/^-?\d+$/.test(s)) fail("argument must be a number");
      return Number(s);
    };
    switch (key) {
      case "port":
        if (a.length !== 2) fail("wrong number of arguments");
        conf.port = int(a[1]);
        if (conf.port < 0 || conf.port > 65535) fail("argument must be between 0 and 65535");
        break;
      case "bind":
        conf.bind = a.slice(1);
        break;
      case "protected-mode":
        conf.protectedMode = yesno(a[1] ?? "") ?? fail("argument must be 'yes' or 'no'");
        break;
      case "dir":
        conf.dir = a[1] ?? "";
        break;
      case "logfile":
        conf.logfile = a[1] ?? "";
        break;
      case "loglevel":
        conf.loglevel = (a[1] ?? "notice").toLowerCase();
        break;
      case "requirepass":
        conf.requirepass = a[1] ?? "";
        break;
      case "sentinel":
        parseSentinelDirective(conf, a.slice(1), fail, int);
        break;
      default:
        conf.other.push(a);
    }
  }
  return conf;
}

function parseSentinelDirective(
  conf: SentinelConf,
  a: string[],
  fail: (reason: string) => never,
  int: (s: string) => number,
): void {
  const sub = (a[0] ?? "").toLowerCase();
  const master = (name: string): MasterConf =>
    conf.masters.find((m) => m.name === name) ?? fail("No such master with specified name.");
  const need = (n: number) => {
    if (a.length !== n) fail("Unrecognized sentinel configuration statement.");
  };
  switch (sub) {
    case "monitor": {
      need(5);
      const q = int(a[4]);
      if (q <= 0) fail("Quorum must be 1 or greater.");
      if (conf.masters.some((m) => m.name === a[1])) fail("Duplicated master name.");
      conf.masters.push(newMasterConf(a[1], a[2], int(a[3]), q));
      break;
    }
    case "down-after-milliseconds":
      need(3);
      master(a[1]).downAfter = int(a[2]);
      if (master(a[1]).downAfter <= 0) fail("negative or zero time parameter.");
      break;
    case "failover-timeout":
      need(3);
      master(a[1]).failoverTimeout = int(a[2]);
      if (master(a[1]).failoverTimeout <= 0) fail("negative or zero time parameter.");
      break;
    case "parallel-syncs":
      need(3);
      master(a[1]).parallelSyncs = int(a[2]);
      break;
    case "master-reboot-down-after-period":
      need(3);
      master(a[1]).rebootDownAfter = int(a[2]);
      break;
    case "auth-pass":
      need(3);
      master(a[1]).authPass = a[2];
      break;
    case "auth-user":
      need(3);
      master(a[1]).authUser = a[2];
      break;
    case "notification-script":
      need(3);
      master(a[1]).notificationScript = a[2];
      break;
    case "client-reconfig-script":
      need(3);
      master(a[1]).clientReconfigScript = a[2];
      break;
    case "config-epoch":
      need(3);
      master(a[1]).configEpoch = int(a[2]);
      break;
    case "leader-epoch":
      need(3);
      master(a[1]).leaderEpoch = int(a[2]);
      break;
    case "known-slave":
    case "known-replica":
      need(4);
      master(a[1]).knownReplicas.push([a[2], int(a[3])]);
      break;
    case "known-sentinel":
      if (a.length !== 4 && a.length !== 5) fail("Unrecognized sentinel configuration statement.");
      master(a[1]).knownSentinels.push([a[2], int(a[3]), a[4] ?? ""]);
      break;
    case "rename-command":
      need(4);
      master(a[1]).renamed.push([a[2], a[3]]);
      break;
    case "myid":
      need(2);
      if (a[1].length !== 40) fail("Malformed Sentinel id in myid option.");
      conf.myid = a[1];
      break;
    case "current-epoch":
      need(2);
      conf.currentEpoch = int(a[1]);
      break;
    case "announce-ip":
      need(2);
      conf.announceIp = a[1];
      break;
    case "announce-port":
      need(2);
      conf.announcePort = int(a[1]);
      break;
    case "deny-scripts-reconfig":
      need(2);
      conf.denyScriptsReconfig = yesno(a[1]) ?? fail(
        "Please specify yes or no for the " +
          "deny-scripts-reconfig options.",
      );
      break;
    case "resolve-hostnames":
      need(2);
      conf.resolveHostnames = yesno(a[1]) ?? fail(
        "Please specify yes or no for the " +
          "resolve-hostnames option.",
      );
      break;
    case "announce-hostnames":
      need(2);
      conf.announceHostnames = yesno(a[1]) ?? fail(
        "Please specify yes or no for the " +
          "announce-hostnames option.",
      );
      break;
    case "sentinel-user":
      need(2);
      conf.sentinelUser = a[1];
      break;
    case "sentinel-pass":
      need(2);
      conf.sentinelPass = a[1];
      break;
    default:
      fail("Unrecognized sentinel configuration statement.");
  }
}

/** Quote an argument for the config file when needed (as Redis's rewrite does). */
export function quote(s: string): string {
  if (s !== "" && /^[\x21-\x7e]*$/.test(s) && !/["'\\]/.test(s)) return s;
  let out = '"';
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (c === "\\" || c === '"') out += "\\" + c;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (code < 0x20 || code > 0x7e) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += c;
  }
  return out + '"';
}

/** The full text of the config file for a configuration. */
export function renderConfig(conf: SentinelConf): string {
  const l: string[] = [];
  const line = (...a: (string | number)[]) => l.push(a.map((x) => quote(String(x))).join(" "));
  line("port", conf.port);
  if (conf.bind.length) line("bind", ...conf.bind);
  line("protected-mode", conf.protectedMode ? "yes" : "no");
  if (conf.dir) line("dir", conf.dir);
  if (conf.logfile) line("logfile", conf.logfile);
  if (conf.loglevel !== "notice") line("loglevel", conf.loglevel);
  if (conf.requirepass) line("requirepass", conf.requirepass);
  for (const o of conf.other) line(...o);
  line("sentinel", "myid", conf.myid);
  line("sentinel", "deny-scripts-reconfig", conf.denyScriptsReconfig ? "yes" : "no");
  if (conf.resolveHostnames) line("sentinel", "resolve-hostnames", "yes");
  if (conf.announceHostnames) line("sentinel", "announce-hostnames", "yes");
  if (conf.announceIp) line("sentinel", "announce-ip", conf.announceIp);
  if (conf.announcePort) line("sentinel", "announce-port", conf.announcePort);
  if (conf.sentinelUser) line("sentinel", "sentinel-user", conf.sentinelUser);
  if (conf.sentinelPass) line("sentinel", "sentinel-pass", conf.sentinelPass);
  for (const m of conf.masters) {
    l.push("");
    line("sentinel", "monitor", m.name, m.ip, m.port, m.quorum);
    if (m.downAfter !== DEFAULT_DOWN_AFTER) {
      line("sentinel", "down-after-milliseconds", m.name, m.downAfter);
    }
    if (m.failoverTimeout !== DEFAULT_FAILOVER_TIMEOUT) {
      line("sentinel", "failover-timeout", m.name, m.failoverTimeout);
    }
    if (m.parallelSyncs !== 1) line("sentinel", "parallel-syncs", m.name, m.parallelSyncs);
    if (m.rebootDownAfter) {
      line("sentinel", "master-reboot-down-after-period", m.name, m.rebootDownAfter);
    }
    if (m.authPass) line("sentinel", "auth-pass", m.name, m.authPass);
    if (m.authUser) line("sentinel", "auth-user", m.name, m.authUser);
    if (m.notificationScript) line("sentinel", "notification-script", m.name, m.notificationScript);
    if (m.clientReconfigScript) {
      line("sentinel", "client-reconfig-script", m.name, m.clientReconfigScript);
    }
    for (const [c, r] of m.renamed) line("sentinel", "rename-command", m.name, c, r);
    line("sentinel", "config-epoch", m.name, m.configEpoch);
    line("sentinel", "leader-epoch", m.name, m.leaderEpoch);
    for (const [ip, port] of m.knownReplicas) line("sentinel", "known-replica", m.name, ip, port);
    for (const [ip, port, id] of m.knownSentinels) {
      line("sentinel", "known-sentinel", m.name, ip, port, id);
    }
  }
  l.push("");
  line("sentinel", "current-epoch", conf.currentEpoch);
  return l.join("\n") + "\n";
}

/** Write `text` to `path` atomically: a temp file in the same directory, fsync, rename. */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${Deno.pid}`;
  const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    f.writeSync(new TextEncoder().encode(text));
    f.syncSync();
  } finally {
    f.close();
  }
  Deno.renameSync(tmp, path);
  try {
    const slash = path.lastIndexOf("/");
    const d = Deno.openSync(slash > 0 ? path.slice(0, slash) : ".", { read: true });
    try {
      d.syncSync();
    } finally {
      d.close();
    }
  } catch { /* some filesystems cannot fsync a directory */ }
}
