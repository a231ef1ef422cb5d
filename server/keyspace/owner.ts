// The keyspace owner: the one place commands execute, one at a time, in
// order. The I/O side talks to it through a narrow seam (connect, feed
// requests, disconnect; replies leave through each client's sink), the same
// whether sockets live here (--io-threads 0) or in I/O workers.
import { Config } from "../config.ts";
import { log, setLogLevel, setLogRole } from "../log.ts";
import { type BlockedState, Client, type ClientInfo, type ClientSink } from "./client.ts";
import { Database, type KeyspaceHooks } from "./db.ts";
import { type CommandSpec, E, wrongArgs } from "../commands/spec.ts";
import { lookupCommand } from "../commands/table.ts";
import { PubSub } from "./pubsub.ts";
import { Tracking } from "./tracking.ts";
import { errorReplies } from "../resp/writer.ts";
import { globMatch } from "./glob.ts";
import { randomHex } from "../resp/bytes.ts";

export const REDIS_VERSION = "7.0.15";

/** Something that wants every write the owner executes (replication, AOF). */
export interface PropagationTarget {
  /** argv executed against database `db`, in the form replicas must apply. */
  feed(db: number, argv: string[]): void;
}

export interface Stats {
  connections: number;
  commands: number;
  rejectedConnections: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  netInput: number;
  netOutput: number;
  pubsubChannels: number;
  errorReplies: number;
  totalReadsProcessed: number;
  totalWritesProcessed: number;
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
}

function newStats(): Stats {
  return {
    connections: 0,
    commands: 0,
    rejectedConnections: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    netInput: 0,
    netOutput: 0,
    pubsubChannels: 0,
    errorReplies: 0,
    totalReadsProcessed: 0,
    totalWritesProcessed: 0,
    syncFull: 0,
    syncPartialOk: 0,
    syncPartialErr: 0,
  };
}

/** Per-command call statistics (INFO commandstats). */
export interface CmdStat {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
}

export class Server implements KeyspaceHooks {
  readonly runId = randomHex(40);
  readonly startTime = Date.now();
  dbs: Database[] = [];
  clients = new Map<number, Client>();
  private nextClientId = 1;
  stats = newStats();
  cmdStats = new Map<string, CmdStat>();
  errorStats = new Map<string, number>();
  pubsub = new PubSub(this);
  /** Client-side caching: who read which key, invalidations (tracking.ts). */
  tracking = new Tracking(this);
  /** Changes since the last save (Redis's server.dirty). */
  dirty = 0;
  lastSave = Math.floor(Date.now() / 1000);
  /** Clients with output waiting to be handed to their sink. */
  private pending = new Set<Client>();
  /** WATCHed keys: db -> key -> clients. */
  private watchedKeys = new Map<number, Map<string, Set<Client>>>();
  /** Keys that became ready for blocked clients during the current command. */
  private readyKeys: { db: Database; key: string }[] = [];
  /** Blocked clients: "db\0key" -> clients in arrival order. */
  blockingKeys = new Map<string, Client[]>();
  blockedCount = 0;
  /** Clients paused by CLIENT PAUSE, resumed on unpause. */
  pauseEnd = 0;
  pauseAll = false;
  private pausedClients = new Set<Client>();
  /** Clients whose pipeline waits for their output to drain. */
  private outputWaiters = new Set<Client>();
  activeExpireEnabled = true;
  propagationTargets: PropagationTarget[] = [];
  /** Role as seen by expiry and read-only checks; replication sets it. */
  replicaOf: { host: string; port: number } | null = null;
  /** The client currently executing (its db is where propagation goes). */
  current: Client | null = null;
  /** True while EXEC runs a transaction's commands: blocking commands must not block. */
  inExec = false;
  private cmdTime = Date.now();
  private opsSamples: number[] = [];
  private lastSampleOps = 0;
  private lastSampleTime = performance.now();
  private cronTimer: ReturnType<typeof setTimeout> | undefined;
  shuttingDown = false;
  /** Hooks other concerns add (replication, persistence): info sections, shutdown. */
  infoSections = new Map<string, () => string>();
  shutdownHooks: ((save: boolean | null) => Promise<boolean>)[] = [];
  cronHooks: (() => void)[] = [];
  /** Called when the process should end. */
  onExit: (code: number) => void = (code) => Deno.exit(code);
  tcpPort = 0;
  /**
   * Listen on a new port / bind list instead of the current ones (CONFIG SET
   * port, bind); returns an error text, or null once listening. Set by the
   * start-up code for the socket mode in use.
   */
  rebind: ((port: number, binds: string[]) => string | null) | null = null;
  executable = "";
  configFile = "";

  constructor(public config: Config) {
    errorReplies.hook = (msg) => this.countError(msg);
    const n = config.int("databases");
    for (let i = 0; i < n; i++) this.dbs.push(new Database(i, this));
    config.listeners.push((name, value) => {
      if (name === "client-output-buffer-limit") this.obufLimits = null;
      if (name === "loglevel") {
        setLogLevel(value as "notice").catch(() => {});
      }
    });
  }

  // --- KeyspaceHooks ----------------------------------------------------------

  now(): number {
    return this.cmdTime;
  }

  /**
   * Replicas keep logically expired keys (their master's DEL removes them),
   * except for a write by one of their own clients on a writable replica:
   * that write finds the key gone, as Redis's lookupKeyWrite does.
   */
  isReplica(): boolean {
    return this.replicaOf !== null && !(this.currentWrite && this.current?.kind === "normal");
  }

  /** True while a write command runs (see isReplica). */
  private currentWrite = false;
  /** Replication sets this: a write by a normal client on a (writable) replica ran. */
  replicaLocalWrite: ((c: Client, spec: CommandSpec, argv: string[]) => void) | null = null;

  keyModified(db: Database, key: string): void {
    const w = this.watchedKeys.get(db.id)?.get(key);
    if (w) { for (const c of w) this.touchWatcher(c, db, key); }
    if (this.blockingKeys.size) {
      const k = db.id + "\0" + key;
      if (this.blockingKeys.has(k)) this.readyKeys.push({ db, key });
    }
    if (this.tracking.table !== null) this.tracking.keyModified(key);
  }

  /** A command changed a key in place (a push into a list, ...): WATCH and blocked clients see it. */
  signalModified(db: Database, key: string): void {
    this.keyModified(db, key);
  }

  keyExpired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.tracking.expiredKey = key; // (its keyModified follows: a write by nobody)
    this.propagate(db.id, ["DEL", key]);
  }

  // --- the seam with the I/O side -------------------------------------------

  /** A new connection. Returns its client, or null when refused. */
  connect(sink: ClientSink, info: ClientInfo, id?: number): Client | null {
    this.stats.connections++;
    if (this.clients.size >= this.config.int("maxclients")) {
      this.stats.rejectedConnections++;
      const w = new TextEncoder().encode("-ERR max number of clients reached\r\n");
      sink.write(w);
      sink.close();
      return null;
    }
    const c = new Client(id ?? this.nextClientId++, this.dbs[0], sink, info);
    log.verbose(`Accepted ${info.addr}`);
    c.authenticated = this.config.get("requirepass") === "";
    this.clients.set(c.id, c);
    return c;
  }

  /** Requests from a connection, in order. Runs them and (by default) flushes replies. */
  feed(c: Client, argvs: string[][], bytes = 0, flush = true): void {
    c.netIn += bytes;
    this.stats.netInput += bytes;
    this.stats.totalReadsProcessed++;
    if (c.closing) return;
    if (c.queue.length) {
      for (const a of argvs) c.queue.push(a); // (no spread: argvs can be huge)
    } else c.queue = argvs;
    this.processQueue(c);
    if (flush) this.flush();
  }

  /** The connection sent something unparsable: reply the error and close. */
  protocolError(c: Client, msg: string): void {
    log.verbose(`Protocol error (${msg}) from client: ${this.clientDescription(c)}`);
    c.out.error(`ERR Protocol error: ${msg}`);
    this.closeClient(c, true);
    this.flush();
  }

  /** The connection is gone. */
  disconnect(c: Client): void {
    if (!this.clients.has(c.id)) return;
    log.verbose("Client closed connection");
    this.freeClient(c);
  }

  // --- client lifecycle -----------------------------------------------------

  /** Close a client: after its pending output (afterReply) or at once. */
  closeClient(c: Client, afterReply: boolean): void {
    if (c.closing) return;
    c.closing = true;
    if (afterReply) this.pending.add(c);
    else {
      c.out.len = 0;
      c.sink.close();
    }
    this.freeClient(c);
  }

  private freeClient(c: Client): void {
    this.unwatchAll(c);
    this.pubsub.unsubscribeAll(c, false);
    if (c.blocked) this.unblock(c, false);
    this.pausedClients.delete(c);
    this.clients.delete(c.id);
    for (const h of this.clientFreeHooks) h(c);
    if (!c.closing) {
      c.closing = true;
      c.sink.close();
    }
  }

  clientFreeHooks: ((c: Client) => void)[] = [];

  /** Mark a client as having output to send at the next flush. */
  markPending(c: Client): void {
    this.pending.add(c);
  }

  /** Hand every pending output to its sink; enforce output buffer limits. */
  flush(): void {
    if (this.tracking.table !== null) this.tracking.beforeFlush();
    if (this.current && this.current.out.len) this.pending.add(this.current);
    for (const c of this.pending) {
      if (c.out.len) {
        const bytes = c.out.take();
        c.netOut += bytes.length;
        this.stats.netOutput += bytes.length;
        c.sink.write(bytes);
        this.stats.totalWritesProcessed++;
        if (!c.closing && this.overOutputLimit(c)) {
          log.warning(
            `Client ${
              this.clientDescription(c)
            } scheduled to be closed ASAP for overcoming of output buffer limits.`,
          );
          this.closeClient(c, false);
          continue;
        }
      }
      if (c.closing) c.sink.close();
    }
    this.pending.clear();
    for (const h of this.afterFlush) h();
  }

  /** Run after each flush (the I/O rings publish their batch here). */
  afterFlush: (() => void)[] = [];

  /** client-output-buffer-limit by class: [hard, soft, seconds] (parsed on change). */
  private obufLimits: Record<string, number[]> | null = null;

  private overOutputLimit(c: Client): boolean {
    const used = c.sink.pendingBytes();
    if (used === 0) return false;
    const cls = c.kind === "replica" ? "slave" : c.subscriptionCount > 0 ? "pubsub" : "normal";
    if (!this.obufLimits) {
      const words = this.config.get("client-output-buffer-limit").split(" ");
      this.obufLimits = {};
      for (let i = 0; i + 3 < words.length; i += 4) {
        this.obufLimits[words[i]] = [
          Number(words[i + 1]),
          Number(words[i + 2]),
          Number(words[i + 3]),
        ];
      }
    }
    const [hard, soft, secs] = this.obufLimits[cls];
    if (hard && used >= hard) return true;
    if (soft && used >= soft) {
      if (!c.obufSoftSince) c.obufSoftSince = Date.now();
      else if (Date.now() - c.obufSoftSince >= secs * 1000) return true;
    } else c.obufSoftSince = 0;
    return false;
  }

  // --- command dispatch -------------------------------------------------------

  /**
   * Run queued requests until the queue is empty or the client blocks. The
   * clock is read once per batch (reading it costs ~50-90 ns in Deno): the
   * commands of a batch share its start time, and INFO commandstats splits
   * the batch's duration evenly among them.
   */
  processQueue(c: Client): void {
    if (!c.queue.length) return;
    const t0 = performance.now();
    this.cmdTime = Date.now();
    c.lastInteraction = this.cmdTime;
    this.processQueueInner(c);
    const timed = this.timedStats;
    if (timed.length) {
      const share = (performance.now() - t0) * 1000 / timed.length;
      for (const st of timed) st.usec += share;
      timed.length = 0;
    }
  }

  /** Stats of the commands run since the batch began (see processQueue). */
  private timedStats: CmdStat[] = [];

  private processQueueInner(c: Client): void {
    const q = c.queue;
    let i = 0; // (an index, not shift(): a queue can hold 100k+ pipelined requests)
    while (i < q.length && !c.blocked && !c.closing) {
      if (this.pauseEnd && this.pausedFor(c, q[i])) {
        this.pausedClients.add(c);
        break;
      }
      if (c.out.len + c.sink.pendingBytes() > OUTPUT_PAUSE_BYTES) {
        // the client is not reading its replies fast enough: stop executing its
        // pipeline until the socket drains (checked by the cron), so a client
        // pipelining big reads cannot make the server buffer without bound
        this.pending.add(c);
        this.outputWaiters.add(c);
        break;
      }
      this.execute(c, q[i++]);
    }
    // requests fed while these ran were appended to the same array
    c.queue = i === 0 ? c.queue : i >= c.queue.length ? [] : c.queue.slice(i);
  }

  private pausedFor(c: Client, argv: string[]): boolean {
    if (Date.now() >= this.pauseEnd) {
      // over: resume the paused clients after this batch (not re-entrantly:
      // one of them may be the client whose queue is running now)
      this.pauseEnd = 0;
      this.pauseAll = false;
      queueMicrotask(() => this.unpause());
      return false;
    }
    if (c.kind !== "normal") return false;
    if (this.pauseAll) return true;
    const spec = lookupCommand(argv);
    if (!spec) return false;
    const name = spec.name;
    return spec.flags.includes("write") || name === "publish" || name === "eval" ||
      name === "evalsha" || name === "pfcount";
  }

  unpause(): void {
    this.pauseEnd = 0;
    this.pauseAll = false;
    const resume = [...this.pausedClients];
    this.pausedClients.clear();
    for (const c of resume) this.processQueue(c);
    this.flush();
  }

  /** Execute one request from a client, with all of Redis's pre-checks. */
  execute(c: Client, argv: string[]): void {
    const before = c.replyMode;
    const mark = c.out.len;
    this.current = c;
    try {
      this.dispatch(c, argv);
    } catch (e) {
      log.warning(`Error while executing '${argv[0]}': ${(e as Error).stack ?? e}`);
      c.out.error(`ERR internal error: ${(e as Error).message}`);
    }
    this.current = null;
    // CLIENT REPLY OFF / SKIP: drop what this command replied
    if (before === "skip") {
      c.out.len = mark;
      if (c.replyMode === "skip") c.replyMode = "on";
    } else if (before === "off" && c.replyMode === "off") c.out.len = mark;
    if (c.out.len) this.pending.add(c);
    if (this.readyKeys.length) this.serveReadyKeys();
    if (this.tracking.table !== null) this.tracking.afterExecute(c, argv);
  }

  private reject(c: Client, spec: CommandSpec | undefined, msg: string): void {
    if (spec) this.statFor(spec.name).rejected++;
    if (spec?.name === "exec") {
      // a refused EXEC discards the transaction and says why
      c.multi = null;
      c.multiError = false;
      this.unwatchAll(c);
      msg = "EXECABORT Transaction discarded because of: " +
        (msg.startsWith("ERR ") ? msg.slice(4) : msg);
    }
    this.replyError(c, msg);
    if (c.multi) c.multiError = true;
  }

  /** An error reply, counted in errorstats. */
  replyError(c: Client, msg: string): void {
    c.out.error(msg); // counted by the writer's error hook
  }

  countError(msg: string): void {
    this.stats.errorReplies++;
    const code = msg.split(" ", 1)[0];
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  statFor(name: string): CmdStat {
    let s = this.cmdStats.get(name);
    if (!s) this.cmdStats.set(name, s = { calls: 0, usec: 0, rejected: 0, failed: 0 });
    return s;
  }

  private dispatch(c: Client, argv: string[]): void {
    const spec = lookupCommand(argv);
    if (!spec) {
      const parent = lookupCommand([argv[0]]);
      if (parent && parent.subcommands && argv.length >= 2) {
        this.reject(
          c,
          undefined,
          `ERR unknown subcommand '${argv[1].slice(0, 128)}'. Try ${argv[0].toUpperCase()} HELP.`,
        );
        return;
      }
      let args = "";
      for (let i = 1; i < argv.length && args.length < 128; i++) {
        args += `'${argv[i].slice(0, 128 - args.length)}' `;
      }
      this.reject(
        c,
        undefined,
        `ERR unknown command '${argv[0].slice(0, 128)}', with args beginning with: ${args}`,
      );
      return;
    }
    const arity = spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
      this.reject(c, spec, wrongArgs(spec.name));
      return;
    }
    const flags = spec.flags;
    if (!c.authenticated && !flags.includes("no_auth")) {
      this.reject(c, spec, "NOAUTH Authentication required.");
      return;
    }
    if (this.tracking.clients) this.tracking.limitUsedSlots(); // (where Redis's processCommand does it)
    const isWrite = spec.isWrite!;
    if (c.resp === 2 && c.subscriptionCount > 0 && !ALLOWED_IN_PUBSUB.has(spec.name)) {
      this.reject(
        c,
        spec,
        `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
      return;
    }
    if (this.loadingCheck !== null && !flags.includes("loading") && this.loadingCheck()) {
      this.reject(c, spec, "LOADING Redis is loading the dataset in memory");
      return;
    }
    if (
      this.replicaOf && this.staleCheck !== null && !flags.includes("stale") && this.staleCheck()
    ) {
      this.reject(
        c,
        spec,
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      );
      return;
    }
    if (
      isWrite && this.replicaOf && c.kind !== "master" && this.config.bool("replica-read-only")
    ) {
      this.reject(c, spec, "READONLY You can't write against a read only replica.");
      return;
    }
    if (
      (isWrite || spec.name === "ping") && c.kind !== "master" && this.diskErrorCheck?.()
    ) {
      this.reject(c, spec, MISCONF);
      return;
    }
    if (isWrite && c.kind !== "master" && !this.replicaOf && this.minReplicasCheck) {
      const err = this.minReplicasCheck();
      if (err) {
        this.reject(c, spec, err);
        return;
      }
    }
    if (c.multi && !MULTI_IMMEDIATE.has(spec.name)) {
      if (flags.includes("no_multi")) {
        this.reject(c, spec, "ERR Command not allowed inside a transaction");
        return;
      }
      c.multi.push(argv);
      c.out.simple("QUEUED");
      return;
    }
    this.call(c, spec, argv);
  }

  /** Replication sets this: true while a replica must refuse commands without the stale flag. */
  staleCheck: (() => boolean) | null = null;
  /** True while a data set is being loaded: commands without the loading flag get -LOADING. */
  loadingCheck: (() => boolean) | null = null;
  /** Replication may set a check for min-replicas-to-write (returns an error or null). */
  minReplicasCheck: (() => string | null) | null = null;
  /** Persistence sets this: true while writes must be refused with MISCONF. */
  diskErrorCheck: (() => boolean) | null = null;

  /**
   * Set while a snapshot is being written (persistence/snapshot.ts): runs
   * before every command so the keys it may change are written out first.
   */
  beforeCommand: ((c: Client, spec: CommandSpec, argv: string[]) => void) | null = null;

  /** Run a command's handler, with stats and propagation. */
  call(c: Client, spec: CommandSpec, argv: string[]): void {
    if (this.beforeCommand !== null) this.beforeCommand(c, spec, argv);
    const dirtyBefore = this.dirty;
    const errBefore = this.stats.errorReplies;
    // Everything one command propagates (a lazily expired key's DEL, several
    // SREMs, ...) leaves as one unit: wrapped in MULTI/EXEC when more than one
    const batch = this.propagationTargets.length > 0;
    if (batch) this.beginPropagationBatch();
    this.propagateOverride = null;
    c.lastCommand = spec.name;
    this.currentWrite = spec.isWrite!;
    spec.handler!(c, argv, this);
    this.currentWrite = false;
    if (this.replicaOf && spec.isWrite && c.kind === "normal" && this.replicaLocalWrite) {
      this.replicaLocalWrite(c, spec, argv);
    }
    if (this.tracking.clients) this.tracking.afterCall(c, spec, argv);
    const st = this.statFor(spec.name);
    st.calls++;
    this.timedStats.push(st);
    this.stats.commands++;
    if (this.stats.errorReplies !== errBefore) st.failed++;
    // commands from our master are streamed on verbatim by replication
    if (this.dirty !== dirtyBefore && c.kind !== "master") {
      const rewrite = this.propagateOverride as string[][] | null;
      if (rewrite) { for (const a of rewrite) this.propagate(c.dbIndex, a); }
      else if (spec.isWrite || spec.flags.includes("may_replicate")) {
        this.propagate(c.dbIndex, argv);
      }
    }
    this.propagateOverride = null;
    if (batch) this.endPropagationBatch();
  }

  /** Set by a command to propagate these commands instead of its argv. */
  propagateOverride: string[][] | null = null;

  /** Propagate instead of the executing command's argv (EXPIRE -> PEXPIREAT, ...). */
  rewritePropagation(...argvs: string[][]): void {
    this.propagateOverride = argvs;
  }

  /** Append another command to what the current command propagates. */
  alsoPropagate(argv: string[]): void {
    if (!this.propagateOverride) {
      this.propagateOverride = [];
    }
    this.propagateOverride.push(argv);
  }

  propagate(db: number, argv: string[]): void {
    if (this.propBatch) {
      this.propBatch.push({ db, argv });
      return;
    }
    for (const t of this.propagationTargets) t.feed(db, argv);
  }

  /** Commands propagated while a batch is open (EXEC), released by endPropagationBatch. */
  private propBatch: { db: number; argv: string[] }[] | null = null;
  private propBatchDepth = 0;

  /**
   * Collect what is propagated from now on (EXEC runs its commands inside a
   * batch). Batches nest; the outermost end releases them.
   */
  beginPropagationBatch(): void {
    if (this.propBatchDepth++ === 0) this.propBatch = [];
  }

  /**
   * Release the batch as Redis 7.0 does: one command goes out as is, several
   * are wrapped in MULTI (in the first one's db) ... EXEC (in the last one's).
   */
  endPropagationBatch(): void {
    if (this.propBatchDepth === 0 || --this.propBatchDepth > 0) return;
    const ops = this.propBatch!;
    this.propBatch = null;
    if (ops.length > 1) this.propagate(ops[0].db, ["MULTI"]);
    for (const op of ops) this.propagate(op.db, op.argv);
    if (ops.length > 1) this.propagate(ops[ops.length - 1].db, ["EXEC"]);
  }

  // --- WATCH ------------------------------------------------------------------

  watch(c: Client, key: string): void {
    const db = c.dbIndex;
    if (c.watched.some((w) => w.db === db && w.key === key)) return;
    // Redis 7.0: a key already logically expired at WATCH time is remembered
    // as such; its deletion is then no change (see touchWatcher).
    const expired = this.dbs[db].isExpired(key);
    let m = this.watchedKeys.get(db);
    if (!m) this.watchedKeys.set(db, m = new Map());
    let s = m.get(key);
    if (!s) m.set(key, s = new Set());
    s.add(c);
    c.watched.push({ db, key, expired });
  }

  /** A watched key was written: the watcher's EXEC fails, unless only an already-expired key went away. */
  private touchWatcher(c: Client, db: Database, key: string): void {
    if (c.watchDirty) return; // (the EXEC fails already: nothing to look up)
    const e = c.watched.find((w) => w.db === db.id && w.key === key);
    if (e?.expired && !db.dict.has(key)) {
      e.expired = false;
      return;
    }
    c.watchDirty = true;
  }

  /** EXEC: a watched key that expired after WATCH counts as modified. */
  watchedKeyExpired(c: Client): boolean {
    for (const w of c.watched) {
      if (!w.expired && this.dbs[w.db].isExpired(w.key)) return true;
    }
    return false;
  }

  unwatchAll(c: Client): void {
    for (const w of c.watched) {
      const m = this.watchedKeys.get(w.db);
      const s = m?.get(w.key);
      if (s) {
        s.delete(c);
        if (!s.size) m!.delete(w.key);
      }
    }
    c.watched = [];
    c.watchDirty = false;
  }

  /**
   * FLUSHDB / FLUSHALL / SWAPDB: watchers of keys that exist in `db` (or in
   * `other`, the db swapped in) get dirty.
   */
  touchAllWatched(db: number, other?: Database): void {
    const m = this.watchedKeys.get(db);
    if (!m) return;
    const d = this.dbs[db];
    for (const [key, s] of m) {
      const inEmptied = d.dict.has(key);
      const inOther = other !== undefined && other.dict.has(key);
      if (!inEmptied && !inOther) continue;
      for (const c of s) {
        if (c.watchDirty) continue;
        const e = c.watched.find((w) => w.db === db && w.key === key);
        if (e?.expired) {
          // an expired key deleted is no change; one replaced by an expired key neither
          if (!inOther) {
            e.expired = false;
            continue;
          }
          if (other!.isExpired(key)) continue;
        } else if (e && !inEmptied && other!.isExpired(key)) {
          e.expired = true;
          continue;
        }
        c.watchDirty = true;
      }
    }
  }

  // --- blocking operations ---------------------------------------------------

  /** Block a client on keys; its queue waits until it is served or times out. */
  block(
    c: Client,
    keys: string[],
    timeoutMs: number,
    tryServe: (readyKey?: string) => boolean,
    onTimeout: () => void,
  ) {
    const state: BlockedState = { keys, timeout: timeoutMs, tryServe, onTimeout };
    c.blocked = state;
    this.blockedCount++;
    if (timeoutMs > 0) {
      // a timer per blocked client: the timeout reply comes on time, not at the next cron tick
      state.timer = setTimeout(() => {
        if (c.blocked !== state) return;
        this.cmdTime = Date.now();
        this.unblock(c, true);
        this.processQueue(c);
        this.flush();
      }, Math.max(0, timeoutMs - Date.now()));
    }
    for (const key of keys) {
      const k = c.dbIndex + "\0" + key;
      let l = this.blockingKeys.get(k);
      if (!l) this.blockingKeys.set(k, l = []);
      l.push(c);
    }
  }

  /** Unblock a client (served, timed out, killed). Replies with the timeout reply if asked. */
  unblock(c: Client, timedOut: boolean): void {
    const b = c.blocked;
    if (!b) return;
    for (const key of b.keys) {
      const k = c.dbIndex + "\0" + key;
      const l = this.blockingKeys.get(k);
      if (!l) continue;
      const i = l.indexOf(c);
      if (i >= 0) l.splice(i, 1);
      if (!l.length) this.blockingKeys.delete(k);
    }
    c.blocked = null;
    clearTimeout(b.timer);
    this.blockedCount--;
    if (timedOut) b.onTimeout();
    if (c.out.len) this.pending.add(c);
  }

  /** After a write, serve clients blocked on keys that got data, oldest first. */
  private serveReadyKeys(): void {
    while (this.readyKeys.length) {
      const ready = this.readyKeys;
      this.readyKeys = [];
      for (const { db, key } of ready) {
        const k = db.id + "\0" + key;
        const waiting = this.blockingKeys.get(k);
        if (!waiting) continue;
        for (const c of [...waiting]) {
          if (!c.blocked || c.dbIndex !== db.id) continue;
          // the time now (a DEBUG SLEEP in the EXEC that woke it may have
          // expired the key): an expired key is deleted here, its DEL propagated
          this.cmdTime = Date.now();
          if (!db.has(key)) break;
          const prev = this.current;
          this.current = c;
          const served = c.blocked.tryServe(key);
          this.current = prev;
          if (served) {
            this.unblock(c, false);
            this.pending.add(c);
            // the rest of its pipeline can now run
            queueMicrotask(() => {
              this.processQueue(c);
              this.flush();
            });
          }
        }
      }
    }
  }

  // --- periodic work ---------------------------------------------------------

  startCron(): void {
    const hz = () => Math.max(1, Math.min(500, this.config.int("hz")));
    const tick = () => {
      try {
        this.cron();
      } catch (e) {
        log.warning(`cron: ${(e as Error).stack}`);
      }
      this.cronTimer = setTimeout(tick, 1000 / hz());
    };
    this.cronTimer = setTimeout(tick, 1000 / hz());
  }

  stopCron(): void {
    clearTimeout(this.cronTimer);
  }

  private cron(): void {
    const now = Date.now();
    this.cmdTime = now;
    // instantaneous ops/sec over the last 16 samples
    const t = performance.now();
    const ops = this.stats.commands;
    const rate = (ops - this.lastSampleOps) * 1000 / Math.max(1, t - this.lastSampleTime);
    this.opsSamples.push(rate);
    if (this.opsSamples.length > 16) this.opsSamples.shift();
    this.lastSampleOps = ops;
    this.lastSampleTime = t;
    // active expiry: at most 25% of a cycle's time
    if (this.activeExpireEnabled && !this.replicaOf) {
      const budget = 250 / Math.max(1, this.config.int("hz"));
      const deadline = t + budget;
      for (const db of this.dbs) {
        if (db.expires.size) db.activeExpire(now, deadline, 1 << 30);
        if (performance.now() > deadline) break;
      }
    }
    // timeouts: blocked clients and idle clients
    const idle = this.config.int("timeout") * 1000;
    for (const c of this.clients.values()) {
      if (c.blocked && c.blocked.timeout && c.blocked.timeout <= now) {
        this.unblock(c, true);
        this.processQueue(c);
      } else if (
        idle && !c.blocked && c.kind === "normal" && c.subscriptionCount === 0 &&
        now - c.lastInteraction > idle
      ) {
        log.verbose("Closing idle client");
        this.closeClient(c, false);
      }
    }
    if (this.pauseEnd && now >= this.pauseEnd) this.unpause();
    // (a copy: processQueue may add the client back, and a Set's iteration would revisit it)
    for (const c of [...this.outputWaiters]) {
      if (c.closing) this.outputWaiters.delete(c);
      else if (c.sink.pendingBytes() < OUTPUT_PAUSE_BYTES / 2) {
        this.outputWaiters.delete(c);
        this.processQueue(c);
      }
    }
    for (const h of this.cronHooks) h();
    this.flush();
  }

  get instantaneousOps(): number {
    if (!this.opsSamples.length) return 0;
    return Math.round(this.opsSamples.reduce((a, b) => a + b, 0) / this.opsSamples.length);
  }

  // --- helpers ---------------------------------------------------------------

  /** A client passed AUTH (the I/O side lifts its pre-auth request limits). */
  setAuthenticated(c: Client): void {
    if (c.authenticated) return;
    c.authenticated = true;
    for (const h of this.authHooks) h(c);
  }
  authHooks: ((c: Client) => void)[] = [];

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    this.stats = newStats();
    this.cmdStats.clear();
    this.errorStats.clear();
  }

  /** After SWAPDB: clients blocked on keys of `db` may now be served. */
  keysSwapped(db: number): void {
    const d = this.dbs[db];
    for (const k of this.blockingKeys.keys()) {
      const sep = k.indexOf("\0");
      if (Number(k.slice(0, sep)) !== db) continue;
      const key = k.slice(sep + 1);
      // (the key as stored: an expired one is found, and deleted, by the serving attempt)
      if (d.dict.has(key)) this.readyKeys.push({ db: d, key });
    }
  }

  clientDescription(c: Client): string {
    return `id=${c.id} addr=${c.info.addr} laddr=${c.info.laddr} name=${c.name}`;
  }

  setRole(replicaOf: { host: string; port: number } | null): void {
    this.replicaOf = replicaOf;
    setLogRole(replicaOf ? "S" : "M");
  }

  configMatch(pattern: string): [string, string][] {
    return this.config.matching(pattern, (p, s) => globMatch(p, s, true));
  }

  /** Orderly shutdown: hooks (save, replicas), then exit. False if refused. */
  async shutdown(save: boolean | null): Promise<boolean> {
    log.warning("User requested shutdown...");
    for (const h of this.shutdownHooks) {
      if (!(await h(save))) return false;
    }
    this.shuttingDown = true;
    if (this.config.get("pidfile")) {
      try {
        Deno.removeSync(this.config.get("pidfile"));
      } catch { /* already gone */ }
    }
    log.warning("Redis is now ready to exit, bye bye...");
    this.onExit(0);
    return true;
  }
}

const MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** Stop running a client's pipeline while this much of its output is unsent. */
const OUTPUT_PAUSE_BYTES = 32 * 1024 * 1024;

const ALLOWED_IN_PUBSUB = new Set([
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "ssubscribe",
  "sunsubscribe",
  "ping",
  "quit",
  "reset",
]);

/** Commands executed at once inside MULTI instead of being queued. */
const MULTI_IMMEDIATE = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

export { E };
