// What a command declaration looks like, and the helpers every command family
// shares (argument parsing with Redis's rules, common error replies).
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import type { RedisObject, Value } from "../keyspace/db.ts";
import { parseScore } from "../resp/double.ts";

export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "no_mandatory_keys"
  | "no_multi"
  | "allow_busy"
  | "movablekeys";

export type Handler = (c: Client, argv: string[], srv: Server) => void;

export interface CommandSpec {
  /** Lower-case name; subcommands are "parent|sub". */
  name: string;
  /** Redis arity: n = exactly n args (with the name), -n = at least n. */
  arity: number;
  flags: CommandFlag[];
  /** Key positions: first, last (-1 = last arg, -2 = one before), step; 0 0 0 = no keys. */
  keys?: [number, number, number];
  /** For commands whose keys can't be described by a range (movablekeys). */
  getKeys?: (argv: string[]) => string[];
  /** ACL categories without the @ (e.g. "string", "keyspace", "fast"). */
  acl?: string[];
  group: string;
  since: string;
  summary: string;
  complexity?: string;
  handler?: Handler;
  subcommands?: CommandSpec[];
  /** Derived when the table is built: flags includes "write". */
  isWrite?: boolean;
}

/** Keys of a command by its declaration. */
export function commandKeys(spec: CommandSpec, argv: string[]): string[] {
  if (spec.getKeys) return spec.getKeys(argv);
  const k = spec.keys;
  if (!k || k[0] === 0) return [];
  const last = k[1] < 0 ? argv.length + k[1] : k[1];
  const out: string[] = [];
  for (let i = k[0]; i <= last && i < argv.length; i += k[2]) out.push(argv[i]);
  return out;
}

// --- common replies ---------------------------------------------------------

export const E = {
  WRONGTYPE: "WRONGTYPE Operation against a key holding the wrong kind of value",
  SYNTAX: "ERR syntax error",
  NOT_INT: "ERR value is not an integer or out of range",
  NOT_FLOAT: "ERR value is not a valid float",
  NO_SUCH_KEY: "ERR no such key",
  OVERFLOW: "ERR increment or decrement would overflow",
  DB_RANGE: "ERR DB index is out of range",
  INVALID_EXPIRE: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  TIMEOUT_NOT_FLOAT: "ERR timeout is not a float or out of range",
  TIMEOUT_NEGATIVE: "ERR timeout is negative",
  OUT_OF_RANGE: "ERR index out of range",
  NOT_POSITIVE: (what: string) => `ERR ${what} is out of range, must be positive`,
};

export function wrongArgs(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

export function unknownSubcommand(sub: string, parent: string): string {
  return `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${parent.toUpperCase()} HELP.`;
}

// --- argument parsing (Redis's rules) ----------------------------------------

const INT_RE = /^-?[1-9][0-9]*$|^0$/;
export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

/**
 * A 64-bit signed integer as Redis's string2ll accepts it (no spaces, no '+',
 * no leading zeros). Returns a number when it is safe, else null for "not an
 * integer"; use parseBigInt where the full 64-bit range matters.
 */
export function parseInteger(s: string): number | null {
  if (s.length > 20 || !INT_RE.test(s)) return null;
  const n = Number(s);
  if (Number.isSafeInteger(n)) return n;
  const b = BigInt(s);
  if (b > LLONG_MAX || b < LLONG_MIN) return null;
  return n; // precision lost: callers that care use parseBigInt
}

export function parseBigInt(s: string): bigint | null {
  if (s.length > 20 || !INT_RE.test(s)) return null;
  const b = BigInt(s);
  if (b > LLONG_MAX || b < LLONG_MIN) return null;
  return b;
}

/** A double as Redis's getDoubleFromObject accepts it (strict strtod; inf allowed, NaN not). */
export const parseDouble: (s: string) => number | null = parseScore;

/** Integer argument or reply the error (returns null then). */
export function intArg(c: Client, s: string, err = E.NOT_INT): number | null {
  const n = parseInteger(s);
  if (n === null) c.out.error(err);
  return n;
}

export function eqi(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b;
}

/** Reply a HELP text as Redis does: an array of status lines. */
export function replyHelp(c: Client, lines: string[]): void {
  c.out.array(lines.length);
  for (const l of lines) c.out.simple(l);
}

// --- key lookups ---------------------------------------------------------------

/** Look a key up for reading: counts keyspace hits / misses. */
export function readKey(c: Client, key: string, srv: Server): Value | undefined {
  const v = c.db.get(key);
  if (v === undefined) srv.stats.keyspaceMisses++;
  else srv.stats.keyspaceHits++;
  return v;
}

/**
 * The value if it has the wanted type; undefined if the key is missing;
 * null after replying WRONGTYPE. Strings are type "string".
 */
export function typedValue<T extends RedisObject>(
  c: Client,
  v: Value | undefined,
  type: RedisObject["type"],
): T | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v === "string" ? type !== "string" : v.type !== type) {
    c.out.error(E.WRONGTYPE);
    return null;
  }
  return v as T;
}
