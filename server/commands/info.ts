// INFO: Redis's `# Section` / `field:value` report. Sections other concerns
// own (persistence, replication) are registered in srv.infoSections and
// replace the defaults written here.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { REDIS_VERSION } from "../keyspace/owner.ts";
import type { CommandSpec } from "./spec.ts";
import { replication } from "../../replication/replication.ts";

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ["K", "M", "G", "T", "P"];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

let peakMemory = 0;
const CLK_TCK = 100;

/** utime and stime of this process in seconds, from /proc (0 where unavailable). */
export function cpuTimes(): { user: number; sys: number } {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / CLK_TCK, sys: Number(fields[12]) / CLK_TCK };
  } catch {
    return { user: 0, sys: 0 };
  }
}

function systemMemory(): number {
  try {
    return Deno.systemMemoryInfo().total;
  } catch {
    return 0;
  }
}

const osLine = (() => {
  try {
    const u = Deno.osRelease();
    return `${Deno.build.os === "linux" ? "Linux" : Deno.build.os} ${u} ${Deno.build.arch}`;
  } catch {
    return Deno.build.os;
  }
})();

function lines(pairs: [string, string | number][]): string {
  return pairs.map(([k, v]) => `${k}:${v}`).join("\r\n");
}

export function memoryFigures(): { used: number; rss: number } {
  const m = Deno.memoryUsage();
  const used = m.heapUsed + m.external;
  if (used > peakMemory) peakMemory = used;
  return { used, rss: m.rss };
}

const SECTIONS: Record<string, (srv: Server) => string> = {
  server(srv) {
    const up = Math.floor((Date.now() - srv.startTime) / 1000);
    const nowUs = BigInt(Date.now()) * 1000n;
    return lines([
      ["redis_version", REDIS_VERSION],
      ["redis_git_sha1", "00000000"],
      ["redis_git_dirty", 0],
      ["redis_build_id", "0000000000000000"],
      ["redis_mode", "standalone"],
      ["os", osLine],
      ["arch_bits", 64],
      ["monotonic_clock", "POSIX clock_gettime"],
      ["multiplexing_api", "epoll"],
      ["atomicvar_api", "c11-builtin"],
      ["gcc_version", "0.0.0"],
      ["process_id", Deno.pid],
      ["process_supervised", "no"],
      ["run_id", srv.runId],
      ["tcp_port", srv.tcpPort],
      ["server_time_usec", String(nowUs)],
      ["uptime_in_seconds", up],
      ["uptime_in_days", Math.floor(up / 86400)],
      ["hz", srv.config.int("hz")],
      ["configured_hz", srv.config.int("hz")],
      ["lru_clock", Math.floor(Date.now() / 1000) & 0xffffff],
      ["executable", srv.executable],
      ["config_file", srv.configFile],
      ["io_threads_active", 0],
    ]);
  },
  clients(srv) {
    return lines([
      ["connected_clients", [...srv.clients.values()].filter((c) => c.kind !== "replica").length],
      ["cluster_connections", 0],
      ["maxclients", srv.config.int("maxclients")],
      ["client_recent_max_input_buffer", 0],
      ["client_recent_max_output_buffer", 0],
      ["blocked_clients", srv.blockedCount],
      ["tracking_clients", srv.tracking.clients],
      ["clients_in_timeout_table", srv.blockedCount],
    ]);
  },
  memory(srv) {
    const { used, rss } = memoryFigures();
    const sys = systemMemory();
    const maxmem = srv.config.int("maxmemory");
    return lines([
      ["used_memory", used],
      ["used_memory_human", human(used)],
      ["used_memory_rss", rss],
      ["used_memory_rss_human", human(rss)],
      ["used_memory_peak", peakMemory],
      ["used_memory_peak_human", human(peakMemory)],
      ["used_memory_peak_perc", `${(used * 100 / Math.max(1, peakMemory)).toFixed(2)}%`],
      ["used_memory_overhead", 0],
      ["used_memory_startup", 0],
      ["used_memory_dataset", used],
      ["used_memory_dataset_perc", "100.00%"],
      ["total_system_memory", sys],
      ["total_system_memory_human", human(sys)],
      ["used_memory_lua", 31744],
      ["used_memory_vm_eval", 31744],
      ["used_memory_lua_human", "31.00K"],
      ["used_memory_scripts_eval", 0],
      ["number_of_cached_scripts", 0],
      ["number_of_functions", 0],
      ["number_of_libraries", 0],
      ["used_memory_vm_functions", 32768],
      ["used_memory_vm_total", 64512],
      ["used_memory_vm_total_human", "63.00K"],
      ["used_memory_functions", 184],
      ["used_memory_scripts", 184],
      ["used_memory_scripts_human", "184B"],
      ["maxmemory", maxmem],
      ["maxmemory_human", human(maxmem)],
      ["maxmemory_policy", srv.config.get("maxmemory-policy")],
      ["allocator_frag_ratio", "1.00"],
      ["allocator_frag_bytes", 0],
      ["mem_fragmentation_ratio", (rss / Math.max(1, used)).toFixed(2)],
      ["mem_fragmentation_bytes", rss - used],
      ["mem_not_counted_for_evict", 0],
      ["mem_replication_backlog", 0],
      ["mem_total_replication_buffers", 0],
      ["mem_clients_slaves", 0],
      ["mem_clients_normal", 0],
      ["mem_cluster_links", 0],
      ["mem_aof_buffer", 0],
      ["mem_allocator", "libc"],
      ["active_defrag_running", 0],
      ["lazyfree_pending_objects", 0],
      ["lazyfreed_objects", 0],
    ]);
  },
  persistence(srv) {
    return lines([
      ["loading", 0],
      ["async_loading", 0],
      ["current_cow_peak", 0],
      ["current_cow_size", 0],
      ["current_cow_size_age", 0],
      ["current_fork_perc", "0.00"],
      ["current_save_keys_processed", 0],
      ["current_save_keys_total", 0],
      ["rdb_changes_since_last_save", srv.dirty],
      ["rdb_bgsave_in_progress", 0],
      ["rdb_last_save_time", srv.lastSave],
      ["rdb_last_bgsave_status", "ok"],
      ["rdb_last_bgsave_time_sec", -1],
      ["rdb_current_bgsave_time_sec", -1],
      ["rdb_saves", 0],
      ["rdb_last_cow_size", 0],
      ["rdb_last_load_keys_expired", 0],
      ["rdb_last_load_keys_loaded", 0],
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
    ]);
  },
  stats(srv) {
    const s = srv.stats;
    return lines([
      ["total_connections_received", s.connections],
      ["total_commands_processed", s.commands],
      ["instantaneous_ops_per_sec", srv.instantaneousOps],
      ["total_net_input_bytes", s.netInput],
      ["total_net_output_bytes", s.netOutput],
      ["total_net_repl_input_bytes", 0],
      ["total_net_repl_output_bytes", 0],
      ["instantaneous_input_kbps", "0.00"],
      ["instantaneous_output_kbps", "0.00"],
      ["instantaneous_input_repl_kbps", "0.00"],
      ["instantaneous_output_repl_kbps", "0.00"],
      ["rejected_connections", s.rejectedConnections],
      ["sync_full", s.syncFull],
      ["sync_partial_ok", s.syncPartialOk],
      ["sync_partial_err", s.syncPartialErr],
      ["expired_keys", s.expiredKeys],
      ["expired_stale_perc", "0.00"],
      ["expired_time_cap_reached_count", 0],
      ["expire_cycle_cpu_milliseconds", 0],
      ["evicted_keys", s.evictedKeys],
      ["evicted_clients", 0],
      ["total_eviction_exceeded_time", 0],
      ["current_eviction_exceeded_time", 0],
      ["keyspace_hits", s.keyspaceHits],
      ["keyspace_misses", s.keyspaceMisses],
      ["pubsub_channels", srv.pubsub.channels.size],
      ["pubsub_patterns", srv.pubsub.patterns.size],
      ["pubsubshard_channels", srv.pubsub.shardChannels.size],
      ["latest_fork_usec", 0],
      ["total_forks", 0],
      ["migrate_cached_sockets", 0],
      ["slave_expires_tracked_keys", replication(srv).localExpires.size],
      ["active_defrag_hits", 0],
      ["active_defrag_misses", 0],
      ["active_defrag_key_hits", 0],
      ["active_defrag_key_misses", 0],
      ["total_active_defrag_time", 0],
      ["current_active_defrag_time", 0],
      ["tracking_total_keys", srv.tracking.totalKeys],
      ["tracking_total_items", srv.tracking.totalItems],
      ["tracking_total_prefixes", srv.tracking.totalPrefixes],
      ["unexpected_error_replies", 0],
      ["total_error_replies", s.errorReplies],
      ["dump_payload_sanitizations", 0],
      ["total_reads_processed", s.totalReadsProcessed],
      ["total_writes_processed", s.totalWritesProcessed],
      ["io_threaded_reads_processed", 0],
      ["io_threaded_writes_processed", 0],
      ["reply_buffer_shrinks", 0],
      ["reply_buffer_expands", 0],
    ]);
  },
  replication(srv) {
    return lines([
      ["role", srv.replicaOf ? "slave" : "master"],
      ["connected_slaves", 0],
      ["master_failover_state", "no-failover"],
      ["master_replid", srv.runId],
      ["master_replid2", "0000000000000000000000000000000000000000"],
      ["master_repl_offset", 0],
      ["second_repl_offset", -1],
      ["repl_backlog_active", 0],
      ["repl_backlog_size", srv.config.int("repl-backlog-size")],
      ["repl_backlog_first_byte_offset", 0],
      ["repl_backlog_histlen", 0],
    ]);
  },
  cpu() {
    const t = cpuTimes();
    return lines([
      ["used_cpu_sys", t.sys.toFixed(6)],
      ["used_cpu_user", t.user.toFixed(6)],
      ["used_cpu_sys_children", "0.000000"],
      ["used_cpu_user_children", "0.000000"],
      ["used_cpu_sys_main_thread", t.sys.toFixed(6)],
      ["used_cpu_user_main_thread", t.user.toFixed(6)],
    ]);
  },
  modules() {
    return "";
  },
  errorstats(srv) {
    return [...srv.errorStats].map(([code, n]) => `errorstat_${code}:count=${n}`).join("\r\n");
  },
  cluster() {
    return "cluster_enabled:0";
  },
  keyspace(srv) {
    const out: string[] = [];
    const now = Date.now();
    for (const db of srv.dbs) {
      if (!db.size) continue;
      let ttlSum = 0, n = 0;
      for (const w of db.expires.values()) {
        if (n++ >= 1000) break;
        ttlSum += Math.max(0, w - now);
      }
      out.push(
        `db${db.id}:keys=${db.size},expires=${db.expires.size},avg_ttl=${
          n ? Math.floor(ttlSum / Math.min(n, 1000)) : 0
        }`,
      );
    }
    return out.join("\r\n");
  },
  commandstats(srv) {
    return [...srv.cmdStats].filter(([, s]) => s.calls || s.rejected || s.failed).map((
      [name, s],
    ) =>
      `cmdstat_${name}:calls=${s.calls},usec=${Math.round(s.usec)},usec_per_call=${
        (s.calls ? s.usec / s.calls : 0).toFixed(2)
      },rejected_calls=${s.rejected},failed_calls=${s.failed}`
    ).join("\r\n");
  },
  latencystats() {
    return "";
  },
};

const TITLES: Record<string, string> = {
  server: "Server",
  clients: "Clients",
  memory: "Memory",
  persistence: "Persistence",
  stats: "Stats",
  replication: "Replication",
  cpu: "CPU",
  modules: "Modules",
  errorstats: "Errorstats",
  cluster: "Cluster",
  keyspace: "Keyspace",
  commandstats: "Commandstats",
  latencystats: "Latencystats",
};

const DEFAULT = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "errorstats",
  "cluster",
  "keyspace",
];
const ALL = [
  ...DEFAULT.slice(0, 7),
  "commandstats",
  "errorstats",
  "latencystats",
  "cluster",
  "keyspace",
];

/** The INFO text for the requested section names (as INFO's arguments). */
export function infoText(srv: Server, args: string[]): string {
  let names: string[];
  const lower = args.map((a) => a.toLowerCase());
  if (!lower.length || lower.includes("default")) names = DEFAULT;
  else if (lower.includes("all")) names = ALL;
  else if (lower.includes("everything")) names = [...ALL.slice(0, 7), "modules", ...ALL.slice(7)];
  else names = lower;
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const n of names) {
    if (seen.has(n) || !(n in TITLES)) continue;
    seen.add(n);
    const gen = srv.infoSections.get(n) ?? SECTIONS[n];
    const body = gen(srv);
    parts.push(`# ${TITLES[n]}` + (body ? "\r\n" + body : ""));
  }
  return parts.length ? parts.join("\r\n\r\n") + "\r\n" : "";
}

export const infoCommand: CommandSpec = {
  name: "info",
  arity: -1,
  flags: ["loading", "stale"],
  group: "server",
  since: "1.0.0",
  summary: "Get information and statistics about the server",
  handler(c: Client, argv: string[], srv: Server) {
    c.out.verbatim(infoText(srv, argv.slice(1)));
  },
};
