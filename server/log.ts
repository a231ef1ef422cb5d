// Logging in Redis's line format through @logtape/logtape:
//   PID:R DD Mon YYYY HH:MM:SS.mmm * message
// R is the role (M master, S replica, C child, X sentinel); the level mark is
// `.` debug, `-` verbose, `*` notice, `#` warning. Redis's four levels map to
// logtape's trace/debug/info/warning.
import { configure, getLogger, type LogLevel, type LogRecord } from "@logtape/logtape";

export type RedisLogLevel = "debug" | "verbose" | "notice" | "warning";

const TO_LOGTAPE: Record<RedisLogLevel, LogLevel> = {
  debug: "trace",
  verbose: "debug",
  notice: "info",
  warning: "warning",
};
const MARK: Partial<Record<LogLevel, string>> = {
  trace: ".",
  debug: "-",
  info: "*",
  warning: "#",
  error: "#",
  fatal: "#",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

let roleChar = "M";
/** Set the role letter printed in each line (M, S, C, X). */
export function setLogRole(r: string): void {
  roleChar = r;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

export function formatLine(ts: number, level: LogLevel, message: string): string {
  const d = new Date(ts);
  return `${Deno.pid}:${roleChar} ${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${
      pad(d.getMilliseconds(), 3)
    } ${MARK[level] ?? "*"} ${message}\n`;
}

const enc = new TextEncoder();
let current: RedisLogLevel = "notice";
let logFile: Deno.FsFile | null = null;
let logPath = "";

/** Configure logging for this isolate: to stdout, or appended to `logfile`. */
export async function setupLog(opts: { logfile?: string; level?: RedisLogLevel }): Promise<void> {
  current = opts.level ?? "notice";
  if ((opts.logfile ?? "") !== logPath || (logPath && !logFile)) {
    logFile?.close();
    logPath = opts.logfile ?? "";
    logFile = logPath ? Deno.openSync(logPath, { append: true, create: true }) : null;
  }
  const file = logFile;
  await configure({
    reset: true,
    sinks: {
      redis: (rec: LogRecord) => {
        const text = rec.message.map((m) => typeof m === "string" ? m : String(m)).join("");
        const bytes = enc.encode(formatLine(rec.timestamp, rec.level, text));
        try {
          if (file) file.writeSync(bytes);
          else Deno.stdout.writeSync(bytes);
        } catch { /* a closed stdout must not stop the server */ }
      },
    },
    loggers: [
      { category: ["redis"], lowestLevel: TO_LOGTAPE[current], sinks: ["redis"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["redis"] },
    ],
  });
}

/** Change the level at run time (CONFIG SET loglevel). */
export function setLogLevel(level: RedisLogLevel): Promise<void> {
  return setupLog({ logfile: logPath, level });
}

const logger = getLogger(["redis"]);

// Messages go through a placeholder so that braces in them are printed as is.
export const log = {
  debug: (msg: string) => logger.trace("{m}", { m: msg }),
  verbose: (msg: string) => logger.debug("{m}", { m: msg }),
  notice: (msg: string) => logger.info("{m}", { m: msg }),
  warning: (msg: string) => logger.warn("{m}", { m: msg }),
};
