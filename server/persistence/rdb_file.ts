// RDB files on disk: write a snapshot to a temp file then rename it over
// `dbfilename` (so a crash never leaves a half-written dump.rdb), and load
// one into fresh databases that replace the live ones only when the whole
// file was read without error.
import { Database, type Value } from "../keyspace/db.ts";
import type { Server } from "../keyspace/owner.ts";
import { log } from "../log.ts";
import { valueBuilder } from "./objects.ts";
import { type LoadInfo, parseRdb, RdbError } from "./rdb_reader.ts";

/** The dump file's path: `dbfilename`, relative to the working directory (`dir`). */
export function rdbPath(srv: Server): string {
  return srv.config.get("dbfilename");
}

/** A temp file name in the working directory, as Redis names them. */
export function tempPath(tag: string | number): string {
  return `temp-${tag}.rdb`;
}

/** Write `data` to `path` atomically (temp file, fsync, rename). Throws on I/O errors. */
export function writeFileAtomic(path: string, data: Uint8Array, tmp = tempPath(Deno.pid)): void {
  const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    let off = 0;
    while (off < data.length) off += f.writeSync(data.subarray(off));
    f.syncSync();
  } catch (e) {
    f.close();
    try {
      Deno.removeSync(tmp);
    } catch { /* gone */ }
    throw e;
  }
  f.close();
  try {
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* gone */ }
    throw e;
  }
}

export interface LoadOptions {
  /** Log the AUX fields as Redis does ("Loading RDB produced by version ..."). */
  verbose: boolean;
  /** Merge into the current data instead of replacing it (keys from the file win). */
  merge?: boolean;
  /** Told of each key dropped because it had expired. */
  onExpired?: (db: number, key: string) => void;
}

export interface LoadResult extends LoadInfo {
  seconds: number;
}

/**
 * Parse RDB bytes into fresh databases and, if all went well, swap them in
 * (or merge them). Throws RdbError (nothing changed) when the data is bad.
 */
export function loadRdbBytes(srv: Server, data: Uint8Array, opts: LoadOptions): LoadResult {
  const t0 = performance.now();
  const fresh = srv.dbs.map((d) => new Database(d.id, srv));
  const now = Date.now();
  let lastProgress = t0;
  const info = parseRdb(data, {
    builder: valueBuilder(srv.config),
    databases: srv.dbs.length,
    checksum: srv.config.bool("rdbchecksum"),
    expiredBefore: srv.isReplica() ? -Infinity : now,
    onExpired: opts.onExpired,
    add(db: number, key: string, value: Value, expireMs: number | undefined): boolean {
      const d = fresh[db];
      const dict = d.dict;
      const n = dict.size;
      dict.set(key, value);
      if (dict.size === n) return false;
      if (expireMs !== undefined) d.setExpire(key, expireMs);
      return true;
    },
    onAux(k: string, v: string) {
      if (!opts.verbose) return;
      if (k === "redis-ver") log.notice(`Loading RDB produced by version ${v}`);
      else if (k === "ctime") {
        let age = Math.floor(now / 1000) - Number(v);
        if (age < 0) age = 0;
        log.notice(`RDB age ${age} seconds`);
      } else if (k === "used-mem") {
        log.notice(`RDB memory usage when created ${(Number(v) / 1024 / 1024).toFixed(2)} Mb`);
      } else if (k === "aof-base" && v !== "0") log.notice("RDB is base AOF");
      else if (k === "aof-preamble" && v !== "0") log.notice("RDB has an AOF tail");
    },
    onWarning(msg: string) {
      log.warning(msg);
    },
    onProgress(pos: number, keys: number) {
      const t = performance.now();
      if (t - lastProgress < 2000) return;
      lastProgress = t;
      log.notice(
        `Loading RDB: ${keys} keys loaded, ${(pos * 100 / data.length).toFixed(1)}% of ${
          (data.length / 1024 / 1024).toFixed(1)
        } MB read`,
      );
    },
  });
  // all good: put the data in place (replacing it is a flush for client-side caching)
  if (!opts.merge) srv.tracking.flushed();
  for (let i = 0; i < srv.dbs.length; i++) {
    const live = srv.dbs[i], f = fresh[i];
    if (opts.merge) {
      for (const [k, v] of f.dict) {
        live.set(k, v);
        const e = f.expires.get(k);
        if (e !== undefined) live.setExpire(k, e);
      }
    } else {
      srv.touchAllWatched(i, f);
      live.swapWith(f);
      srv.keysSwapped(i);
    }
  }
  return { ...info, seconds: (performance.now() - t0) / 1000 };
}

/** Read and load `path`. Null when there is no such file. Throws RdbError / I/O errors. */
export function loadRdbFile(srv: Server, path: string, opts: LoadOptions): LoadResult | null {
  let data: Uint8Array;
  try {
    data = Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  return loadRdbBytes(srv, data, opts);
}

export { RdbError };
