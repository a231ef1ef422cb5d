// CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO: the client-side
// caching subcommands, with Redis 7.0's parsing order and error texts (the
// tracking table itself is keyspace/tracking.ts). connection.ts spreads
// these into the CLIENT subcommands.
import type { Client } from "../keyspace/client.ts";
import type { Server } from "../keyspace/owner.ts";
import { trackingRedirect, trackingState } from "../keyspace/tracking.ts";
import { type CommandSpec, E, parseInteger } from "./spec.ts";

function clientTracking(c: Client, argv: string[], srv: Server): void {
  let redirect = 0;
  const opts = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === "redirect" && more) {
      j++;
      if (redirect !== 0) {
        c.out.error("ERR A client can only redirect to a single other client");
        return;
      }
      const id = parseInteger(argv[j]);
      if (id === null) {
        c.out.error(E.NOT_INT);
        return;
      }
      // the target must exist now (it may go away later: then the redirect is "broken")
      if (!srv.clients.has(id)) {
        c.out.error("ERR The client ID you want redirect to does not exist");
        return;
      }
      redirect = id;
    } else if (opt === "bcast") opts.bcast = true;
    else if (opt === "optin") opts.optin = true;
    else if (opt === "optout") opts.optout = true;
    else if (opt === "noloop") opts.noloop = true;
    else if (opt === "prefix" && more) prefixes.push(argv[++j]);
    else {
      c.out.error(E.SYNTAX);
      return;
    }
  }
  const mode = argv[2].toLowerCase();
  if (mode === "on") {
    const st = trackingState(c);
    if (!opts.bcast && prefixes.length) {
      c.out.error("ERR PREFIX option requires BCAST mode to be enabled");
      return;
    }
    if (st?.on && st.bcast !== opts.bcast) {
      c.out.error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
      return;
    }
    if (opts.bcast && (opts.optin || opts.optout)) {
      c.out.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
      return;
    }
    if (opts.optin && opts.optout) {
      c.out.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
      return;
    }
    if ((opts.optin && st?.optout) || (opts.optout && st?.optin)) {
      c.out.error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
      return;
    }
    if (opts.bcast) {
      const clash = srv.tracking.prefixCollision(c, prefixes);
      if (clash) {
        c.out.error(clash.error);
        // (Redis 7.0 goes on, and replies +OK too, when the clash is not with the first prefix)
        if (!clash.proceed) return;
      }
    }
    srv.tracking.enable(c, redirect, opts, prefixes);
  } else if (mode === "off") srv.tracking.disable(c);
  else {
    c.out.error(E.SYNTAX);
    return;
  }
  c.out.ok();
}

function clientCaching(c: Client, argv: string[]): void {
  const st = trackingState(c);
  if (!st?.on) {
    c.out.error(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
    return;
  }
  const opt = argv[2].toLowerCase();
  if (opt === "yes") {
    if (!st.optin) {
      c.out.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (opt === "no") {
    if (!st.optout) {
      c.out.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    c.out.error(E.SYNTAX);
    return;
  }
  st.caching = true;
  c.out.ok();
}

function clientTrackingInfo(c: Client): void {
  const st = trackingState(c);
  const on = st?.on ?? false;
  const flags = [on ? "on" : "off"];
  if (st) {
    if (st.bcast) flags.push("bcast");
    if (st.optin) {
      flags.push("optin");
      if (st.caching) flags.push("caching-yes");
    }
    if (st.optout) {
      flags.push("optout");
      if (st.caching) flags.push("caching-no");
    }
    if (st.noloop) flags.push("noloop");
    if (st.brokenRedirect) flags.push("broken_redirect");
  }
  const out = c.out;
  out.map(3);
  out.bulk("flags");
  out.set(flags.length);
  for (const f of flags) out.bulk(f);
  out.bulk("redirect");
  out.int(trackingRedirect(c));
  out.bulk("prefixes");
  const prefixes = st?.prefixes ? [...st.prefixes].sort() : [];
  out.array(prefixes.length);
  for (const p of prefixes) out.bulk(p);
}

const FLAGS: CommandSpec["flags"] = ["noscript", "loading", "stale"];

function sub(
  name: string,
  arity: number,
  since: string,
  summary: string,
  handler: CommandSpec["handler"],
  complexity = "O(1)",
): CommandSpec {
  return {
    name: "client|" + name,
    arity,
    flags: FLAGS,
    group: "connection",
    since,
    summary,
    complexity,
    handler,
  };
}

export const trackingSubcommands: CommandSpec[] = [
  sub(
    "tracking",
    -3,
    "6.0.0",
    "Enable or disable server assisted client side caching support",
    clientTracking,
    "O(1). Some options may introduce additional complexity.",
  ),
  sub(
    "caching",
    3,
    "6.0.0",
    "Instruct the server about tracking or not keys in the next request",
    clientCaching,
  ),
  sub(
    "getredir",
    2,
    "6.0.0",
    "Get tracking notifications redirection client ID if any",
    (c) => c.out.int(trackingRedirect(c)),
  ),
  sub(
    "trackinginfo",
    2,
    "6.2.0",
    "Return information about server assisted client side caching for the current connection",
    clientTrackingInfo,
  ),
];
