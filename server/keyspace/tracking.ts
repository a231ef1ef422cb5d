// Server-assisted client-side caching (CLIENT TRACKING), as Redis 7.0's
// tracking.c behaves:
//
// - Default mode: a table key -> ids of the clients that read the key (keys
//   of read-only commands, remembered after the command ran; OPTIN only after
//   CLIENT CACHING YES, OPTOUT unless CLIENT CACHING NO). A write to the key,
//   whatever the db, sends one invalidation to each of them and forgets the
//   key. Ids are not removed when a client turns tracking off or goes away
//   (Redis does no id clean-up either): a stale id is skipped when its key is
//   invalidated, and the INFO counts include it as Redis's do.
// - BCAST mode: a table prefix -> (clients, keys written since the last
//   broadcast, each with the client that wrote it last); the keys go out,
//   sorted as Redis's radix tree orders them, once per batch (Redis: in
//   beforeSleep), one message per prefix.
// - Delivery: RESP3 clients get a push `>2 invalidate [keys]`; a client
//   redirecting to a RESP2 client in pub/sub mode gets a `message` on
//   __redis__:invalidate there; a FLUSHDB/FLUSHALL invalidates everything
//   with a null in the tracking client's own protocol. An invalidation for
//   the client whose command caused it waits until that command's reply is
//   out (Redis's tracking_pending_keys).
// - tracking-table-max-keys: before each command (and from the cron) keys are
//   evicted from the table, with an invalidation to their readers, until the
//   table is back under the limit (at most 100 * n keys per run, n growing
//   while the limit is still exceeded).
import type { CommandSpec } from "../commands/spec.ts";
import { commandKeys } from "../commands/spec.ts";
import { lookupCommand } from "../commands/table.ts";
import type { Client } from "./client.ts";
import type { Server } from "./owner.ts";

/** A client's tracking mode (Redis's CLIENT_TRACKING_* flags). */
export interface TrackingState {
  on: boolean;
  /** Client id invalidations go to; 0 = none. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  /** CLIENT CACHING YES (OPTIN) / NO (OPTOUT) for the next command or transaction. */
  caching: boolean;
  noloop: boolean;
  brokenRedirect: boolean;
  /** BCAST prefixes ("" = every key); null when not in BCAST mode. */
  prefixes: Set<string> | null;
}

/** Per client, shared by every server of the process (clients are distinct objects). */
const states = new WeakMap<Client, TrackingState>();

export function trackingState(c: Client): TrackingState | undefined {
  return states.get(c);
}

/** CLIENT LIST flags: t tracking, R broken redirect, B broadcast. */
export function trackingFlags(c: Client): string {
  const st = states.get(c);
  if (!st) return "";
  let f = st.on ? "t" : "";
  if (st.brokenRedirect) f += "R";
  if (st.bcast) f += "B";
  return f;
}

/** CLIENT LIST redir= / CLIENT GETREDIR: -1 when not tracking. */
export function trackingRedirect(c: Client): number {
  const st = states.get(c);
  return st?.on ? st.redirect : -1;
}

interface Bcast {
  clients: Set<Client>;
  /** Keys written since the last broadcast -> the client that wrote it last (null: expiry). */
  keys: Map<string, Client | null>;
}

export const TRACKING_CHANNEL = "__redis__:invalidate";

export class Tracking {
  /** Key -> ids of the clients that read it; null until tracking is first enabled. */
  table: Map<string, Set<number>> | null = null;
  totalItems = 0;
  /** BCAST prefix -> its clients and pending keys. */
  prefixTable = new Map<string, Bcast>();
  private sortedPrefixes: string[] | null = null;
  /** Clients with tracking on (INFO tracking_clients). */
  clients = 0;
  /** Invalidations for the client whose command is running, sent after its reply (null key: flush). */
  pending: { c: Client; key: string | null }[] = [];
  /** A key being expired (its writer is nobody, for NOLOOP). */
  expiredKey: string | null = null;
  /** Set while evicting for the table limit: invalidations go out at once. */
  private immediate = false;
  private limitEffortRuns = 0;

  constructor(private srv: Server) {}

  private init(): void {
    if (this.table) return;
    this.table = new Map();
    this.srv.clientFreeHooks.push((c) => this.disable(c));
    this.srv.cronHooks.push(() => {
      if (this.clients) this.limitUsedSlots();
    });
  }

  // --- CLIENT TRACKING ---------------------------------------------------------

  /** CLIENT TRACKING ON with checked options (Redis's enableTracking). */
  enable(
    c: Client,
    redirect: number,
    opts: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean },
    prefixes: string[],
  ): void {
    this.init();
    let st = states.get(c);
    if (!st) {
      st = {
        on: false,
        redirect: 0,
        bcast: false,
        optin: false,
        optout: false,
        caching: false,
        noloop: false,
        brokenRedirect: false,
        prefixes: null,
      };
      states.set(c, st);
    }
    if (!st.on) this.clients++;
    st.on = true;
    st.redirect = redirect;
    st.brokenRedirect = false;
    st.bcast = opts.bcast;
    st.optin = opts.optin;
    st.optout = opts.optout;
    st.noloop = opts.noloop;
    if (opts.bcast) {
      if (prefixes.length === 0) this.addPrefix(c, st, "");
      for (const p of prefixes) this.addPrefix(c, st, p);
    }
  }

  private addPrefix(c: Client, st: TrackingState, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (!bs) {
      this.prefixTable.set(prefix, bs = { clients: new Set(), keys: new Map() });
      this.sortedPrefixes = null;
    }
    if (!bs.clients.has(c)) {
      bs.clients.add(c);
      (st.prefixes ??= new Set()).add(prefix);
    }
  }

  /** CLIENT TRACKING OFF, RESET, disconnect (Redis's disableTracking). */
  disable(c: Client): void {
    const st = states.get(c);
    if (!st) return;
    if (st.bcast && st.prefixes) {
      for (const p of st.prefixes) {
        const bs = this.prefixTable.get(p);
        if (!bs) continue;
        bs.clients.delete(c);
        if (bs.clients.size === 0) {
          this.prefixTable.delete(p);
          this.sortedPrefixes = null;
        }
      }
      st.prefixes = null;
    }
    if (st.on) {
      this.clients--;
      st.on =
        st.brokenRedirect =
        st.bcast =
        st.optin =
        st.optout =
        st.caching =
        st.noloop =
          false;
    }
  }

  /**
   * The overlap check of BCAST prefixes, with Redis 7.0's reply: null when
   * fine, else the error and whether Redis still goes on to enable tracking
   * (its check returns the index of the offending prefix, so an overlap
   * found after the first one is reported and then ignored).
   */
  prefixCollision(c: Client, prefixes: string[]): { error: string; proceed: boolean } | null {
    const existing = states.get(c)?.prefixes;
    const sorted = existing ? [...existing].sort() : [];
    for (let i = 0; i < prefixes.length; i++) {
      for (const e of sorted) {
        if (overlaps(e, prefixes[i])) {
          return {
            error: `ERR Prefix '${cstr(prefixes[i])}' overlaps with an existing prefix '${
              cstr(e)
            }'. Prefixes for a single client must not overlap.`,
            proceed: false,
          };
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (overlaps(prefixes[i], prefixes[j])) {
          return {
            error: `ERR Prefix '${cstr(prefixes[i])}' overlaps with another provided prefix '${
              cstr(prefixes[j])
            }'. Prefixes for a single client must not overlap.`,
            proceed: i !== 0,
          };
        }
      }
    }
    return null;
  }

  // --- remembering reads --------------------------------------------------------

  /** After a command ran (srv.call): remember the keys a read-only command read. */
  afterCall(c: Client, spec: CommandSpec, argv: string[]): void {
    const st = states.get(c);
    if (!st || !st.on || st.bcast || !spec.flags.includes("readonly")) return;
    if ((st.optin && !st.caching) || (st.optout && st.caching)) return;
    if (spec.flags.includes("pubsub")) return;
    const keys = commandKeys(spec, argv);
    if (!keys.length) return;
    const table = this.table!;
    for (const key of keys) {
      let ids = table.get(key);
      if (!ids) table.set(key, ids = new Set());
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.totalItems++;
      }
    }
  }

  /**
   * After each request (Redis's afterCommand + resetClient): invalidations
   * held back for the client are sent after its reply, and CLIENT CACHING
   * lasts for one command (a transaction: until EXEC or DISCARD; CLIENT
   * subcommands keep it).
   */
  afterExecute(c: Client, argv: string[]): void {
    if (this.pending.length) this.drainPending();
    const st = states.get(c);
    if (st && st.caching && !c.multi && !isClientCommand(argv)) st.caching = false;
  }

  // --- invalidation -------------------------------------------------------------

  /** A key was written (the owner's keyModified). */
  keyModified(key: string): void {
    let writer = this.srv.current;
    if (this.expiredKey !== null) {
      if (this.expiredKey === key) writer = null;
      this.expiredKey = null;
    }
    this.invalidateKey(key, writer, true);
  }

  /** Redis's trackingInvalidateKey. `writer`: who changed it, for BCAST NOLOOP. */
  invalidateKey(key: string, writer: Client | null, bcast: boolean): void {
    const table = this.table;
    if (table === null) return;
    if (bcast && this.prefixTable.size) this.rememberForBroadcast(key, writer);
    const ids = table.get(key);
    if (!ids) return;
    const current = this.srv.current;
    for (const id of ids) {
      const t = this.srv.clients.get(id);
      if (!t) continue;
      const st = states.get(t);
      if (!st || !st.on || st.bcast) continue;
      // NOLOOP: nothing about keys the client's own command changed
      if (st.noloop && t === current) continue;
      if (t === current && !this.immediate) this.pending.push({ c: t, key });
      else this.message(t, st, key);
    }
    this.totalItems -= ids.size;
    table.delete(key);
  }

  private rememberForBroadcast(key: string, writer: Client | null): void {
    for (const [prefix, bs] of this.prefixTable) {
      if (key.startsWith(prefix)) bs.keys.set(key, writer);
    }
  }

  /** FLUSHDB / FLUSHALL: every tracking client is told to drop everything. */
  flushed(): void {
    if (this.clients) {
      const current = this.srv.current;
      for (const c of this.srv.clients.values()) {
        const st = states.get(c);
        if (!st || !st.on) continue;
        if (c === current) this.pending.push({ c, key: null });
        else this.message(c, st, null);
      }
    }
    if (this.table) {
      this.table = new Map();
      this.totalItems = 0;
    }
  }

  private drainPending(): void {
    const list = this.pending;
    this.pending = [];
    for (const { c, key } of list) {
      if (c.closing || this.srv.clients.get(c.id) !== c) continue;
      const st = states.get(c);
      if (st) this.message(c, st, key);
    }
  }

  /** The once-per-batch work (Redis's beforeSleep): BCAST invalidations, leftovers. */
  beforeFlush(): void {
    if (this.pending.length) this.drainPending();
    if (!this.clients || !this.prefixTable.size) return;
    if (!this.sortedPrefixes) this.sortedPrefixes = [...this.prefixTable.keys()].sort();
    for (const prefix of this.sortedPrefixes) {
      const bs = this.prefixTable.get(prefix);
      if (!bs || !bs.keys.size) continue;
      const written = bs.keys;
      bs.keys = new Map();
      const keys = [...written.keys()].sort();
      for (const c of bs.clients) {
        const st = states.get(c);
        if (!st) continue;
        if (st.noloop) {
          const own = keys.filter((k) => written.get(k) !== c);
          if (own.length) this.message(c, st, own);
        } else this.message(c, st, keys);
      }
    }
  }

  /**
   * Redis's sendTrackingMessage: `keys` is one key, several (BCAST) or null
   * (a flush: a null in the tracking client's protocol, wherever it goes).
   */
  private message(c: Client, st: TrackingState, keys: string | string[] | null): void {
    let target = c;
    let redirected = false;
    if (st.redirect) {
      const r = this.srv.clients.get(st.redirect);
      if (!r) {
        st.brokenRedirect = true;
        if (c.resp === 3) {
          c.out.push(2);
          c.out.bulk("tracking-redir-broken");
          c.out.int(st.redirect);
          this.srv.markPending(c);
        }
        return;
      }
      target = r;
      redirected = true;
    }
    const out = target.out;
    if (target.resp === 3) {
      out.push(2);
      out.bulk("invalidate");
    } else if (redirected && target.subscriptionCount > 0) {
      out.array(3);
      out.bulk("message");
      out.bulk(TRACKING_CHANNEL);
    } else return; // a RESP2 connection can't take pushes
    if (keys === null) out.rawStr(c.resp === 2 ? "$-1\r\n" : "_\r\n");
    else if (typeof keys === "string") {
      out.array(1);
      out.bulk(keys);
    } else {
      out.array(keys.length);
      for (const k of keys) out.bulk(k);
    }
    this.srv.markPending(target);
  }

  // --- tracking-table-max-keys ------------------------------------------------

  /** Before each command and from the cron: evict keys over the limit (Redis's trackingLimitUsedSlots). */
  limitUsedSlots(): void {
    const table = this.table;
    if (table === null) return;
    const max = this.srv.config.int("tracking-table-max-keys");
    if (max === 0) return;
    if (table.size <= max) {
      this.limitEffortRuns = 0;
      return;
    }
    let effort = 100 * (this.limitEffortRuns + 1);
    this.immediate = true;
    try {
      while (effort-- > 0) {
        // Redis evicts random keys; the oldest entries here
        const first = this.table!.keys().next();
        if (first.done) break;
        this.invalidateKey(first.value, null, false);
        if (this.table!.size <= max) {
          this.limitEffortRuns = 0;
          return;
        }
      }
      this.limitEffortRuns++;
    } finally {
      this.immediate = false;
    }
  }

  // --- INFO -------------------------------------------------------------------

  get totalKeys(): number {
    return this.table ? this.table.size : 0;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }
}

/** Two prefixes overlap when one starts with the other. */
function overlaps(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** How Redis's %s prints a prefix: up to its first NUL byte. */
function cstr(s: string): string {
  const i = s.indexOf("\0");
  return i < 0 ? s : s.slice(0, i);
}

/** Was this request a CLIENT subcommand (they keep CLIENT CACHING for the next command)? */
function isClientCommand(argv: string[]): boolean {
  if (argv[0].length !== 6 || argv[0].toLowerCase() !== "client") return false;
  const spec = lookupCommand(argv);
  return spec !== undefined && spec.name.startsWith("client");
}
