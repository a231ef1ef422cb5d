// What runs in the owner between building the server and accepting clients,
// in order: each concern (persistence, replication) adds its step here.
import type { Server } from "./keyspace/owner.ts";
import { persistenceStartup } from "./persistence/manager.ts";
import { replicationStartup } from "../replication/replication.ts";

export type StartupHook = (srv: Server) => void | Promise<void>;

export const STARTUP_HOOKS: StartupHook[] = [
  // persistence: INFO persistence, save points, SHUTDOWN saving; loads dbfilename
  (srv) => persistenceStartup(srv),
  // replication: INFO replication, the stream, `replicaof` from the config
  (srv) => replicationStartup(srv),
];
