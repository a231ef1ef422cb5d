// Every command family, in one list; table.ts builds the command table from it.
import type { CommandSpec } from "./spec.ts";
import { connectionCommands } from "./connection.ts";
import { serverCommands } from "./server.ts";
import { keyCommands } from "./keys.ts";
import { stringCommands } from "./strings.ts";
import { bitmapCommands } from "./bitmaps.ts";
import { hyperloglogCommands } from "./hyperloglog.ts";
import { listCommands } from "./lists.ts";
import { hashCommands } from "./hashes.ts";
import { setCommands } from "./sets.ts";
import { zsetCommands } from "./zsets.ts";
import { transactionCommands } from "./transactions.ts";
import { pubsubCommands } from "./pubsub.ts";
import { debugCommands } from "./debug.ts";
import { persistenceCommands } from "./persistence.ts";
import { functionCommands } from "./functions.ts";
import { replicationCommands } from "./replication.ts";
import { memoryCommands } from "./memory.ts";

export const FAMILIES: CommandSpec[][] = [
  connectionCommands,
  serverCommands,
  keyCommands,
  stringCommands,
  bitmapCommands,
  hyperloglogCommands,
  listCommands,
  hashCommands,
  setCommands,
  zsetCommands,
  transactionCommands,
  pubsubCommands,
  debugCommands,
  persistenceCommands,
  functionCommands,
  replicationCommands,
  memoryCommands,
];
