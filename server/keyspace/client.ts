// The owner's record of one connection. Everything a command reads or changes
// about its client lives here, so that commands never ask the I/O side.
import { ReplyWriter } from "../resp/writer.ts";
import type { Database } from "./db.ts";

/** The I/O side of a connection, as the owner sees it. */
export interface ClientSink {
  /** Queue bytes for the socket (the sink owns `bytes` afterwards). */
  write(bytes: Uint8Array): void;
  /** Close once everything queued has been written. */
  close(): void;
  /** Bytes queued and not yet written to the socket. */
  pendingBytes(): number;
}

export interface ClientInfo {
  addr: string; // "ip:port"
  laddr: string;
  fd: number;
}

export type ReplyMode = "on" | "off" | "skip";

export interface BlockedState {
  /** Keys waited on (db-qualified by the blocking code). */
  keys: string[];
  /** Deadline in ms since epoch, 0 = forever. */
  timeout: number;
  /** Called on timeout to write the timeout reply. */
  onTimeout: () => void;
  /** The timeout's timer (cleared when the client is unblocked otherwise). */
  timer?: ReturnType<typeof setTimeout>;
  /** Try to serve the client (from readyKey, the key that got data, when given); true once it is served. */
  tryServe: (readyKey?: string) => boolean;
}

export class Client {
  name = "";
  dbIndex = 0;
  authenticated = false;
  readonly out = new ReplyWriter(128);
  readonly ctime = Date.now();
  lastInteraction = Date.now();
  lastCommand = "NULL";
  replyMode: ReplyMode = "on";
  /** Requests received and not yet executed (a blocked or paused client waits). */
  queue: string[][] = [];
  /** MULTI state: null = not in a transaction. */
  multi: string[][] | null = null;
  multiError = false;
  /** Keys WATCHed: db index + key. */
  watched: { db: number; key: string; expired?: boolean }[] = [];
  watchDirty = false;
  channels = new Set<string>();
  patterns = new Set<string>();
  /** Shard channels (SSUBSCRIBE); they count for the pub/sub context too. */
  shardChannels = new Set<string>();
  blocked: BlockedState | null = null;
  closing = false;
  /** Kind for CLIENT LIST flags / output-buffer class: normal, pubsub, replica, master. */
  kind: "normal" | "replica" | "master" = "normal";
  /** Soft output-limit: when the soft limit was first exceeded (0 = not). */
  obufSoftSince = 0;
  netIn = 0;
  netOut = 0;
  /** Extra flags shown by CLIENT LIST (e.g. "S" replica, "M" master). */
  flagsExtra = "";
  /** Set by replication when this connection becomes a replica link. */
  replica: unknown = null;

  constructor(
    public readonly id: number,
    public db: Database,
    public readonly sink: ClientSink,
    public readonly info: ClientInfo,
  ) {}

  /** The protocol (2 or 3): the reply writer frames every reply by it. */
  get resp(): 2 | 3 {
    return this.out.resp;
  }
  set resp(v: 2 | 3) {
    this.out.resp = v;
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }
}
