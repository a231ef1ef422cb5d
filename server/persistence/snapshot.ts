// Point-in-time snapshots written incrementally while the server keeps
// serving commands.
//
// Redis forks and lets the child write the frozen memory image. Here the
// owner writes the snapshot itself, a few milliseconds of keys per
// event-loop turn, and keeps it point-in-time by copy-before-write: before
// anything changes a key that has not been written out yet, that key's
// current (pre-change) value is written out first. The hooks that see the
// changes coming are:
//   - every command, before it runs (Server.beforeCommand): each key it
//     names, in its database (MOVE / COPY: in every database);
//   - every expiry deletion (Database.beforeExpire).
// Each database is followed through the Map objects it had when the
// snapshot started: FLUSHDB / FLUSHALL put fresh Maps in place (the old
// ones are left untouched, and their remaining keys are still written),
// SWAPDB exchanges the Maps between databases (a key written in db 1 after
// SWAPDB 0 1 is found in the Map that was db 0's, and written as db 0's).
// The keys already written (per database: by the walk, or ahead of it by a
// hook) keep every key written exactly once; a key a command is about to create, absent from the
// snapshot's Map, is marked as written so that the walk does not pick it up
// later. Keys written out of order are preceded by a SELECTDB of their
// database (the loader accepts SELECTDB anywhere).
//
// Two cases finish the snapshot at once instead (rare, and correct by
// construction): DEBUG commands that change the keyspace behind the
// command table's back (POPULATE, RELOAD), and a write to a key that a
// client blocked in BLMOVE / BRPOPLPUSH waits on (serving it writes to a
// key no command names).
import type { Database, Value } from "../keyspace/db.ts";
import type { Server } from "../keyspace/owner.ts";
import type { Client } from "../keyspace/client.ts";
import { commandKeys, type CommandSpec } from "../commands/spec.ts";
import { concatBytes } from "../resp/bytes.ts";
import { Crc64 } from "./crc64.ts";
import { type AuxInfo, type EncodeOptions, RdbEncoder, writeHeader } from "./rdb_writer.ts";

/** Where snapshot bytes go. A returned promise makes the writer wait (back-pressure). */
export type ChunkSink = (chunk: Uint8Array) => void | Promise<void>;

interface DbState {
  id: number;
  dict: Map<string, Value>;
  expires: Map<string, number>;
  /** Keys written ahead of the walk by a hook, or known to be absent from the snapshot. */
  early: Set<string>;
  /**
   * Keys the walk has written, in sets of at most WALKED_SHARD keys: one
   * huge Set would stall the event loop for tens of ms each time it grows.
   */
  walked: Set<string>[];
  iter: Iterator<[string, Value]> | null;
  started: boolean;
  /** Nothing to write for this db (empty when the snapshot started, or already walked). */
  finished: boolean;
}

export interface SnapshotOptions {
  encode: EncodeOptions;
  aux: AuxInfo;
  checksum: boolean;
  /** Milliseconds of serialization per event-loop turn. */
  sliceMs?: number;
  /** Chunk size at which a slice ends early (bytes). */
  chunkBytes?: number;
  /** rdb-key-save-delay: microseconds per key (a debugging aid that slows a save down). */
  keyDelayUs?: number;
  /**
   * Remember the keys already written (default). Only a snapshot encoded in
   * one go (nothing can change meanwhile) may do without.
   */
  tracking?: boolean;
}

/** Blocked commands whose serving writes only the key they wait on. */
const SERVES_OWN_KEY = new Set([
  "blpop",
  "brpop",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
  "xread",
  "xreadgroup",
]);

const WALKED_SHARD = 1 << 15;

const DEBUG_WRITERS = new Set(["populate", "reload", "loadaof", "restart", "crash-and-recover"]);

export class SnapshotJob {
  private enc: RdbEncoder;
  private crc = new Crc64();
  private states: DbState[];
  private cur = 0;
  private selected = -1;
  /** Keys that were in the snapshot's databases when it started. */
  readonly keysTotal: number;
  keysDone = 0;
  bytesWritten = 0;
  /** Set once all the data is encoded (hooks stop); the sink may still be draining. */
  encoded = false;
  aborted = false;
  readonly startedAt = Date.now();
  private sliceMs: number;
  private chunkBytes: number;
  private tracking: boolean;
  /** Keys per slice and the pause after it, with rdb-key-save-delay (0: no delay). */
  private delayKeys = 0;
  private delayMs = 0;
  /** Chunks produced by finishNow() while the sink was busy. */
  private backlog: Uint8Array[] = [];

  constructor(
    readonly srv: Server,
    private sink: ChunkSink,
    private opts: SnapshotOptions,
  ) {
    this.enc = new RdbEncoder(opts.encode, 1 << 20);
    this.sliceMs = opts.sliceMs ?? 2;
    this.chunkBytes = opts.chunkBytes ?? 1 << 20;
    this.tracking = opts.tracking ?? true;
    const d = opts.keyDelayUs ?? 0;
    if (d > 0) {
      this.delayKeys = Math.max(1, Math.floor(1000 / d));
      this.delayMs = Math.max(1, (d * this.delayKeys) / 1000);
    }
    let total = 0;
    this.states = srv.dbs.map((db) => {
      total += db.dict.size;
      return {
        id: db.id,
        dict: db.dict,
        expires: db.expires,
        early: new Set<string>(),
        walked: [],
        iter: null,
        started: false,
        finished: db.dict.size === 0,
      };
    });
    this.keysTotal = total;
    writeHeader(this.enc, opts.aux);
  }

  // --- copy-before-write ------------------------------------------------------

  /** The snapshot state of the Maps `db` holds now (null if they are newer than the snapshot). */
  private stateOf(db: Database): DbState | null {
    const s = this.states[db.id];
    if (s && s.dict === db.dict) return s;
    for (const t of this.states) if (t.dict === db.dict) return t;
    return null;
  }

  /** `key` of `db` is about to change: write its current value out first if not yet done. */
  beforeWrite(db: Database, key: string): void {
    if (this.encoded) return;
    const s = this.stateOf(db);
    if (s === null || s.finished || s.early.has(key)) return;
    for (const w of s.walked) if (w.has(key)) return;
    s.early.add(key);
    const v = s.dict.get(key);
    if (v === undefined) return; // not in the snapshot: a key being created
    this.emit(s, key, v);
  }

  /** Before a command runs. */
  beforeCommand(c: Client, spec: CommandSpec, argv: string[]): void {
    if (this.encoded) return;
    const flags = spec.flags;
    const name = spec.name;
    if (name === "debug" || name.startsWith("debug|")) {
      if (argv.length > 1 && DEBUG_WRITERS.has(argv[1].toLowerCase())) this.finishNow();
      return;
    }
    if (!flags.includes("write")) return;
    let keys: string[];
    try {
      keys = commandKeys(spec, argv);
    } catch {
      // malformed arguments the command will refuse; stay safe anyway
      this.finishNow();
      return;
    }
    if (!keys.length) return;
    const srv = this.srv;
    if (srv.blockedCount > 0 && this.blockedWaiterWritesElsewhere(c.dbIndex, keys)) {
      this.finishNow();
      return;
    }
    if (name === "move" || name === "copy") {
      for (const db of srv.dbs) for (const k of keys) this.beforeWrite(db, k);
      return;
    }
    const db = c.db;
    for (const k of keys) this.beforeWrite(db, k);
  }

  private blockedWaiterWritesElsewhere(dbIndex: number, keys: string[]): boolean {
    for (const k of keys) {
      const waiting = this.srv.blockingKeys.get(dbIndex + "\0" + k);
      if (!waiting) continue;
      for (const w of waiting) if (!SERVES_OWN_KEY.has(w.lastCommand)) return true;
    }
    return false;
  }

  // --- encoding ------------------------------------------------------------------

  private emit(s: DbState, key: string, v: Value): void {
    if (this.selected !== s.id) {
      this.enc.selectDb(s.id);
      this.selected = s.id;
    }
    this.enc.keyValue(key, v, s.expires.size ? s.expires.get(key) : undefined);
    this.keysDone++;
  }

  /** Encode keys of the walk until `deadline` (performance.now()) or a full chunk. True when all done. */
  private step(deadline: number, maxBytes: number): boolean {
    const out = this.enc.out;
    const tracking = this.tracking;
    let n = 0;
    while (this.cur < this.states.length) {
      const s = this.states[this.cur];
      if (s.finished) {
        this.cur++;
        continue;
      }
      if (!s.started) {
        s.started = true;
        s.iter = s.dict.entries();
        this.enc.selectDb(s.id);
        this.selected = s.id;
        this.enc.resizeDb(s.dict.size, s.expires.size);
      }
      const it = s.iter!;
      for (;;) {
        const r = it.next();
        if (r.done) break;
        const [k, v] = r.value;
        if (tracking) {
          if (s.early.has(k)) continue;
          let w = s.walked[s.walked.length - 1];
          if (w === undefined || w.size >= WALKED_SHARD) s.walked.push(w = new Set());
          w.add(k);
        }
        if (this.selected !== s.id) {
          this.enc.selectDb(s.id);
          this.selected = s.id;
        }
        this.enc.keyValue(k, v, s.expires.size ? s.expires.get(k) : undefined);
        this.keysDone++;
        ++n;
        if (this.delayKeys && n >= this.delayKeys && deadline !== Infinity) return false;
        if ((n & 31) === 0 && (out.pos >= maxBytes || performance.now() >= deadline)) {
          return false;
        }
      }
      // the walk is over for this db: every key of the snapshot is out
      s.iter = null;
      s.early = new Set();
      s.walked = [];
      s.finished = true;
      this.cur++;
    }
    return true;
  }

  /** Close the file: EOF and the checksum. Hooks stop from here on. */
  private finishEncoding(): Uint8Array {
    this.enc.eof();
    this.encoded = true;
    const body = this.enc.take();
    this.crc.update(body);
    const tail = this.opts.checksum ? this.crc.bytesLE() : new Uint8Array(8);
    const out = new Uint8Array(body.length + 8);
    out.set(body);
    out.set(tail, body.length);
    this.states = [];
    return out;
  }

  private takeChunk(): Uint8Array {
    const c = this.enc.take();
    this.crc.update(c);
    return c;
  }

  /**
   * Encode everything that is left now (the event loop waits). The bytes go
   * to the sink in order after any chunk being written.
   */
  finishNow(): void {
    if (this.encoded || this.aborted) return;
    while (!this.step(Infinity, this.chunkBytes)) this.backlog.push(this.takeChunk());
    this.backlog.push(this.finishEncoding());
  }

  /** Chunks encoded by finishNow() and not yet handed to the sink (taken by the caller). */
  takeBacklog(): Uint8Array[] {
    const b = this.backlog;
    this.backlog = [];
    return b;
  }

  abort(): void {
    this.aborted = true;
    this.encoded = true;
    this.states = [];
  }

  /** Run to the end: encode slice by slice, hand chunks to the sink, yield between slices. */
  async run(): Promise<void> {
    while (!this.aborted) {
      if (this.backlog.length) {
        const chunks = this.backlog;
        this.backlog = [];
        for (const c of chunks) await this.write(c);
        continue;
      }
      if (this.encoded) break;
      const done = this.step(performance.now() + this.sliceMs, this.chunkBytes);
      const chunk = done ? this.finishEncoding() : this.takeChunk();
      if (chunk.length) await this.write(chunk);
      if (!done && this.delayMs) await new Promise<void>((r) => setTimeout(r, this.delayMs));
      // (a timer, not setImmediate: Deno's setImmediate runs before sockets are
      // polled, so a snapshot streamed to a replica starved every client: 164 ms
      // PING stalls on 1M keys, 6 ms with the timer)
      else if (!done) await new Promise<void>((r) => setTimeout(r, 0));
    }
  }

  private async write(chunk: Uint8Array): Promise<void> {
    if (this.aborted) return;
    this.bytesWritten += chunk.length;
    await this.sink(chunk);
  }
}

/** Encode the whole keyspace at once (SAVE, DEBUG RELOAD): the RDB file's bytes. */
export function encodeSnapshotSync(srv: Server, opts: SnapshotOptions): Uint8Array {
  const job = new SnapshotJob(srv, () => {}, { ...opts, chunkBytes: 1 << 24, tracking: false });
  job.finishNow();
  return concatBytes(job.takeBacklog());
}
