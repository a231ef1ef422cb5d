// How decoded RDB / DUMP collections become the server's values, with the
// encodings Redis 7.0 would give them on load (from the configured
// thresholds: a big listpack hash becomes a hashtable, a small skiplist zset
// becomes a listpack, and so on).
import type { Config } from "../config.ts";
import type { Value } from "../keyspace/db.ts";
import { RedisList } from "../keyspace/types/list.ts";
import { RedisSet } from "../keyspace/types/set.ts";
import { RedisHash } from "../keyspace/types/hash.ts";
import { ZSet } from "../keyspace/types/zset.ts";
import type { ValueBuilder } from "./rdb_reader.ts";

export function valueBuilder(config: Config): ValueBuilder {
  const hashLim = {
    entries: config.int("hash-max-listpack-entries"),
    value: config.int("hash-max-listpack-value"),
  };
  const maxIntset = config.int("set-max-intset-entries");
  const zEntries = config.int("zset-max-listpack-entries");
  const zValue = config.int("zset-max-listpack-value");
  return {
    list(items: string[]): Value {
      return new RedisList(items);
    },
    set(members: string[]): Value {
      return RedisSet.from(members, maxIntset);
    },
    hash(flat: string[]): Value {
      const h = new RedisHash();
      for (let i = 0; i < flat.length; i += 2) h.set(flat[i], flat[i + 1], hashLim);
      return h;
    },
    zset(members: string[], scores: number[]): Value {
      const z = new ZSet();
      for (let i = 0; i < members.length; i++) z.set(members[i], scores[i]);
      z.fixEncoding(zEntries, zValue);
      return z;
    },
  };
}
