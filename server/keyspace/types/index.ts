// What each data type exposes to the code that walks values without knowing
// their insides: DEBUG DIGEST, RDB and DUMP serialization, OBJECT, SCAN.
// Each type's class (one file per type in this folder) implements one of these.
import type { RedisObject } from "../db.ts";

export interface ListValue extends RedisObject {
  readonly type: "list";
  readonly length: number;
  /** Elements head to tail. */
  items(): Iterable<string>;
}

export interface HashValue extends RedisObject {
  readonly type: "hash";
  readonly size: number;
  /** Field/value pairs in the hash's own order. */
  entries(): Iterable<[string, string]>;
}

export interface SetValue extends RedisObject {
  readonly type: "set";
  readonly size: number;
  members(): Iterable<string>;
}

export interface ZSetValue extends RedisObject {
  readonly type: "zset";
  readonly size: number;
  /** Members with scores, ascending by (score, member). */
  entries(): Iterable<[string, number]>;
}
