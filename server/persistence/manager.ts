// Persistence state of one server and its plumbing: SAVE, BGSAVE (written
// incrementally by a SnapshotJob while commands keep running), snapshots
// streamed to replicas, `save` points checked from the cron, INFO
// persistence, loading dump.rdb at start-up, saving on SHUTDOWN and FLUSHALL.
import type { Server } from "../keyspace/owner.ts";
import type { Client } from "../keyspace/client.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { log } from "../log.ts";
import type { AuxInfo, EncodeOptions } from "./rdb_writer.ts";
import { encodeSnapshotSync, SnapshotJob, type SnapshotOptions } from "./snapshot.ts";

type Job = SnapshotJob;
import { loadRdbFile, RdbError, rdbPath, tempPath, writeFileAtomic } from "./rdb_file.ts";

/** What replication tells persistence to put in the repl-* AUX fields. */
export interface ReplAux {
  id: string;
  offset: number;
  streamDb: number;
}

const BGSAVE_RETRY_DELAY = 5;

/** Memory in use, as INFO's used_memory counts it (the used-mem AUX field). */
function usedMemory(): number {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

export class Persistence {
  /** The BGSAVE to disk in progress. */
  bgJob: Job | null = null;
  private bgTemp = "";
  private bgStart = 0;
  /** Snapshots being streamed (replication full syncs). */
  streamJobs = new Set<Job>();
  lastBgsaveStatus: "ok" | "err" = "ok";
  lastBgsaveTimeSec = -1;
  saves = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  private dirtyBeforeBgsave = 0;
  bgsaveScheduled = false;
  private lastBgsaveTry = 0;
  loading = false;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION (RESTORE payloads and RDB files). */
  skipChecksum = false;
  /**
   * Keys the start-up load dropped as expired: a master resuming its history
   * streams their deletion (replication takes them).
   */
  expiredAtLoad: [number, string][] = [];
  /** The repl-* AUX fields of the last file loaded (replication may resume from them). */
  loadedRepl: ReplAux | null = null;
  /** Replication sets this; the default is a master with no history. */
  replAux: () => ReplAux;
  private installed = false;

  constructor(readonly srv: Server) {
    this.replAux = () => ({ id: srv.runId, offset: 0, streamDb: 0 });
  }

  // --- options ------------------------------------------------------------------

  encodeOptions(): EncodeOptions {
    const cfg = this.srv.config;
    return { compression: cfg.bool("rdbcompression"), listFill: cfg.int("list-max-listpack-size") };
  }

  auxInfo(repl: ReplAux = this.replAux()): AuxInfo {
    return {
      ctime: Math.floor(Date.now() / 1000),
      usedMem: usedMemory(),
      replStreamDb: repl.streamDb,
      replId: repl.id,
      replOffset: repl.offset,
    };
  }

  snapshotOptions(repl?: ReplAux): SnapshotOptions {
    return {
      encode: this.encodeOptions(),
      aux: this.auxInfo(repl),
      checksum: this.srv.config.bool("rdbchecksum"),
      keyDelayUs: this.srv.config.int("rdb-key-save-delay"),
    };
  }

  savePoints(): [number, number][] {
    const w = this.srv.config.get("save").split(" ").filter(Boolean).map(Number);
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < w.length; i += 2) out.push([w[i], w[i + 1]]);
    return out;
  }

  // --- copy-before-write hooks ----------------------------------------------------

  private jobs(): Job[] {
    const all = [...this.streamJobs];
    if (this.bgJob) all.push(this.bgJob);
    return all;
  }

  /** Install or remove the owner / database hooks as jobs come and go. */
  private refreshHooks(): void {
    const srv = this.srv;
    const active = this.jobs().filter((j) => !j.encoded);
    if (!active.length) {
      srv.beforeCommand = null;
      for (const db of srv.dbs) db.beforeExpire = null;
      return;
    }
    srv.beforeCommand = (c: Client, spec: CommandSpec, argv: string[]) => {
      for (const j of active) j.beforeCommand(c, spec, argv);
      if (active.some((j) => j.encoded)) this.refreshHooks();
    };
    const onExpire = (db: Parameters<Job["beforeWrite"]>[0], key: string) => {
      for (const j of active) j.beforeWrite(db, key);
    };
    for (const db of srv.dbs) db.beforeExpire = onExpire;
  }

  // --- SAVE -------------------------------------------------------------------------

  /** Save synchronously (SAVE, SHUTDOWN, FLUSHALL, DEBUG RELOAD). True on success. */
  saveSync(): boolean {
    const srv = this.srv;
    try {
      const data = encodeSnapshotSync(srv, this.snapshotOptions());
      writeFileAtomic(rdbPath(srv), data, tempPath(Deno.pid));
    } catch (e) {
      log.warning(`Write error saving DB on disk: ${(e as Error).message}`);
      return false;
    }
    log.notice("DB saved on disk");
    srv.dirty = 0;
    srv.lastSave = Math.floor(Date.now() / 1000);
    this.lastBgsaveStatus = "ok";
    this.saves++;
    return true;
  }

  // --- BGSAVE --------------------------------------------------------------------

  /** Start a background save. Returns null when started, else an error reply. */
  startBgsave(): string | null {
    const srv = this.srv;
    if (this.bgJob) return "ERR Background save already in progress";
    this.lastBgsaveTry = Math.floor(Date.now() / 1000);
    this.dirtyBeforeBgsave = srv.dirty;
    this.bgStart = Date.now();
    const tmp = tempPath(`bg-${Deno.pid}`);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(tmp, { write: true, create: true, truncate: true });
    } catch (e) {
      this.lastBgsaveStatus = "err";
      log.warning(
        `Failed opening the temp RDB file ${tmp} (in server root dir ${Deno.cwd()}) for saving: ${
          (e as Error).message
        }`,
      );
      return "ERR";
    }
    this.bgTemp = tmp;
    const job = new SnapshotJob(srv, async (chunk) => {
      let off = 0;
      while (off < chunk.length) off += await file.write(chunk.subarray(off));
    }, this.snapshotOptions());
    this.bgJob = job;
    this.saves++;
    this.refreshHooks();
    log.notice(`Background saving started by pid ${Deno.pid}`);
    const finish = async (): Promise<void> => {
      let ok = false;
      try {
        await job.run();
        if (!job.aborted) {
          await file.sync();
          ok = true;
        }
      } catch (e) {
        log.warning(`Write error saving DB on disk: ${(e as Error).message}`);
      }
      try {
        file.close();
      } catch { /* closed */ }
      if (ok) {
        try {
          Deno.renameSync(tmp, rdbPath(srv));
        } catch (e) {
          log.warning(
            `Error moving temp DB file ${tmp} on the final destination ${
              rdbPath(srv)
            } (in server root dir ${Deno.cwd()}): ${(e as Error).message}`,
          );
          ok = false;
        }
      }
      if (!ok) {
        try {
          Deno.removeSync(tmp);
        } catch { /* gone */ }
      }
      this.bgDone(job, ok);
    };
    this.bgDonePromise = finish();
    return null;
  }

  /** Resolves when the current BGSAVE (if any) has ended. */
  bgDonePromise: Promise<void> = Promise.resolve();

  private bgDone(job: Job, ok: boolean): void {
    if (this.bgJob !== job) return;
    this.bgJob = null;
    this.refreshHooks();
    const srv = this.srv;
    this.lastBgsaveTimeSec = Math.round((Date.now() - this.bgStart) / 1000);
    if (job.aborted) {
      log.warning("Background saving terminated by signal 10");
      return;
    }
    if (ok) {
      log.notice("DB saved on disk");
      log.notice("Background saving terminated with success");
      srv.dirty -= this.dirtyBeforeBgsave;
      if (srv.dirty < 0) srv.dirty = 0;
      srv.lastSave = Math.floor(Date.now() / 1000);
      this.lastBgsaveStatus = "ok";
    } else {
      log.warning("Background saving error");
      this.lastBgsaveStatus = "err";
    }
  }

  /** Stop the BGSAVE in progress (its temp file is removed). */
  abortBgsave(): void {
    const job = this.bgJob;
    if (!job) return;
    job.abort();
    this.refreshHooks();
  }

  /** Encode the rest of the BGSAVE now (it stays point-in-time) and wait for it to end. */
  async finishBgsave(): Promise<void> {
    if (!this.bgJob) return;
    this.bgJob.finishNow();
    this.refreshHooks();
    await this.bgDonePromise;
  }

  /** The BGSAVE's progress for INFO. */
  private bgProgress(): { processed: number; total: number } {
    const j = this.bgJob;
    return j ? { processed: j.keysDone, total: j.keysTotal } : { processed: 0, total: 0 };
  }

  // --- snapshots for replication -------------------------------------------------

  /**
   * A point-in-time RDB snapshot as a stream of chunks, with the given
   * repl-* AUX fields (a replica's full sync). The snapshot is taken when
   * this is called; chunks are produced as the consumer reads.
   */
  rdbStream(repl: ReplAux): ReadableStream<Uint8Array> {
    let job: Job;
    /** Set while the writer waits for the consumer to read. */
    let resume: (() => void) | null = null;
    const wake = () => {
      const r = resume;
      resume = null;
      if (r) r();
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        job = new SnapshotJob(this.srv, (chunk) => {
          controller.enqueue(chunk);
          // back-pressure: wait while the consumer is behind
          if ((controller.desiredSize ?? 1) <= 0) {
            return new Promise<void>((r) => resume = r);
          }
        }, this.snapshotOptions(repl));
        this.streamJobs.add(job);
        this.refreshHooks();
        job.run().then(() => {
          this.streamJobs.delete(job);
          this.refreshHooks();
          if (!job.aborted) controller.close();
        }, (e) => {
          this.streamJobs.delete(job);
          this.refreshHooks();
          controller.error(e);
        });
      },
      pull: () => wake(),
      cancel: () => {
        job.abort();
        this.streamJobs.delete(job);
        this.refreshHooks();
        wake();
      },
    }, { highWaterMark: 4 });
  }

  // --- periodic work -----------------------------------------------------------------

  cron(): void {
    if (this.bgJob || this.loading) return;
    const srv = this.srv;
    const now = Math.floor(Date.now() / 1000);
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.startBgsave();
      return;
    }
    for (const [seconds, changes] of this.savePoints()) {
      if (
        srv.dirty >= changes && now - srv.lastSave > seconds &&
        (now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveStatus === "ok")
      ) {
        log.notice(`${changes} changes in ${seconds} seconds. Saving...`);
        this.startBgsave();
        break;
      }
    }
  }

  // --- INFO persistence ------------------------------------------------------------------

  info(): string {
    const srv = this.srv;
    const p = this.bgProgress();
    // (a snapshot streamed to replicas counts, as Redis's BGSAVE for SYNC does)
    const inProgress = this.bgJob !== null || this.streamJobs.size > 0;
    const pairs: [string, string | number][] = [
      ["loading", this.loading ? 1 : 0],
      ["async_loading", 0],
      ["current_cow_peak", 0],
      ["current_cow_size", 0],
      ["current_cow_size_age", 0],
      ["current_fork_perc", p.total ? (p.processed * 100 / p.total).toFixed(2) : "0.00"],
      ["current_save_keys_processed", p.processed],
      ["current_save_keys_total", p.total],
      ["rdb_changes_since_last_save", srv.dirty],
      ["rdb_bgsave_in_progress", inProgress ? 1 : 0],
      ["rdb_last_save_time", srv.lastSave],
      ["rdb_last_bgsave_status", this.lastBgsaveStatus],
      ["rdb_last_bgsave_time_sec", this.lastBgsaveTimeSec],
      [
        "rdb_current_bgsave_time_sec",
        inProgress ? Math.floor((Date.now() - this.bgStart) / 1000) : -1,
      ],
      ["rdb_saves", this.saves],
      ["rdb_last_cow_size", 0],
      ["rdb_last_load_keys_expired", this.lastLoadKeysExpired],
      ["rdb_last_load_keys_loaded", this.lastLoadKeysLoaded],
      ["aof_enabled", 0],
      ["aof_rewrite_in_progress", 0],
      ["aof_rewrite_scheduled", 0],
      ["aof_last_rewrite_time_sec", -1],
      ["aof_current_rewrite_time_sec", -1],
      ["aof_last_bgrewrite_status", "ok"],
      ["aof_rewrites", 0],
      ["aof_rewrites_consecutive_failures", 0],
      ["aof_last_write_status", "ok"],
      ["aof_last_cow_size", 0],
      ["module_fork_in_progress", 0],
      ["module_fork_last_cow_size", 0],
    ];
    return pairs.map(([k, v]) => `${k}:${v}`).join("\r\n");
  }

  // --- loading ----------------------------------------------------------------------------

  /**
   * Load `dbfilename` at start-up, logging as Redis 7.0 does. Throws (the
   * server must not start) when the file exists but can't be loaded.
   */
  loadAtStartup(): void {
    const srv = this.srv;
    this.loading = true;
    try {
      const r = loadRdbFile(srv, rdbPath(srv), {
        verbose: true,
        onExpired: (db, key) => this.expiredAtLoad.push([db, key]),
      });
      if (r === null) return;
      this.noteLoaded(r.keysLoaded, r.keysExpired, r.aux);
      log.notice(`Done loading RDB, keys loaded: ${r.keysLoaded}, keys expired: ${r.keysExpired}.`);
      log.notice(`DB loaded from disk: ${r.seconds.toFixed(3)} seconds`);
    } catch (e) {
      if (e instanceof RdbError) {
        log.warning(
          `Internal error in RDB reading offset ${
            Math.max(0, e.offset)
          }, function at rdb_reader.ts -> ${e.message}`,
        );
        log.warning("Terminating server after rdb file reading failure.");
        throw new Error(`Bad RDB file ${rdbPath(srv)}: ${e.message}`);
      }
      log.warning(`Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
      throw e;
    } finally {
      this.loading = false;
    }
  }

  noteLoaded(loaded: number, expired: number, aux: Map<string, string>): void {
    this.lastLoadKeysLoaded = loaded;
    this.lastLoadKeysExpired = expired;
    const id = aux.get("repl-id"), off = aux.get("repl-offset"), db = aux.get("repl-stream-db");
    this.loadedRepl = id !== undefined && off !== undefined
      ? { id, offset: Number(off), streamDb: Number(db ?? 0) }
      : null;
  }

  // --- shutdown, flushall ---------------------------------------------------------------

  async shutdown(save: boolean | null): Promise<boolean> {
    if (this.bgJob) {
      log.warning("There is a child saving an .rdb. Killing it!");
      this.abortBgsave();
      await this.bgDonePromise;
    }
    const points = this.savePoints().length > 0;
    if (save === true || (save === null && points)) {
      log.notice("Saving the final RDB snapshot before exiting.");
      if (!this.saveSync()) {
        log.warning("Error trying to save the DB, can't exit.");
        return false;
      }
    }
    return true;
  }

  /** After FLUSHALL: stop a BGSAVE to disk, save the empty dataset if save points are set. */
  flushall(): void {
    if (this.bgJob) this.abortBgsave();
    if (!this.savePoints().length) return;
    const srv = this.srv;
    const d = srv.dirty;
    if (this.saveSync()) {
      // the count restarts from 0 (as in Redis), but only once the command
      // is done: its propagation compares dirty before and after
      srv.dirty = d;
      queueMicrotask(() => {
        srv.dirty = Math.max(0, srv.dirty - d);
      });
    }
  }

  // --- wiring -------------------------------------------------------------------------------

  /** Register INFO persistence, the cron check, the shutdown hook; follow CONFIG SET dir. */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    const srv = this.srv;
    srv.infoSections.set("persistence", () => this.info());
    // stop-writes-on-bgsave-error: writes (and PING) are refused while the
    // last background save failed and save points are configured
    srv.diskErrorCheck = () =>
      this.lastBgsaveStatus === "err" && srv.config.bool("stop-writes-on-bgsave-error") &&
      srv.config.get("save") !== "";
    srv.cronHooks.push(() => this.cron());
    srv.shutdownHooks.push((save) => this.shutdown(save));
    srv.config.listeners.push((name: string, value: string) => {
      if (name === "dir" && value) {
        try {
          Deno.chdir(value);
        } catch (e) {
          log.warning(`Can't chdir to '${value}': ${(e as Error).message}`);
        }
      }
    });
  }
}

/** The start-up step: wire persistence into the server, then load `dbfilename` if present. */
export function persistenceStartup(srv: Server): void {
  const p = persistence(srv);
  p.install();
  p.loadAtStartup();
}

const STATES = new WeakMap<Server, Persistence>();

/** The persistence state of a server (created on first use). */
export function persistence(srv: Server): Persistence {
  let p = STATES.get(srv);
  if (!p) STATES.set(srv, p = new Persistence(srv));
  return p;
}
