// The command table: every command family's declarations in one map. COMMAND,
// the arity check, read-only replicas and propagation all read it.
import type { CommandSpec } from "./spec.ts";
import { FAMILIES } from "./families.ts";

let table: Map<string, CommandSpec> | null = null;
/** Exact argv[0] spellings seen -> spec (skips lower-casing on the hot path). */
const cache = new Map<string, CommandSpec>();
let renames = new Map<string, string>();

/** rename-command: name -> new name ("" disables the command). */
export function setRenames(r: Map<string, string>): void {
  renames = r;
  table = null;
  cache.clear();
}

export function commandTable(): Map<string, CommandSpec> {
  if (table) return table;
  const t = new Map<string, CommandSpec>();
  for (const family of FAMILIES) {
    for (const spec of family) {
      let name = spec.name;
      if (renames.has(name)) {
        name = renames.get(name)!.toLowerCase();
        if (name === "") continue;
      }
      t.set(name, spec);
      spec.isWrite = spec.flags.includes("write");
      for (const sub of spec.subcommands ?? []) {
        sub.isWrite = sub.flags.includes("write");
        t.set(sub.name, sub);
      }
    }
  }
  return table = t;
}

/** Top-level commands only (what COMMAND lists). */
export function topLevelCommands(): CommandSpec[] {
  return [...commandTable().entries()].filter(([n]) => !n.includes("|")).map(([, s]) => s);
}

/** The spec that runs argv: the subcommand's for container commands. */
export function lookupCommand(argv: string[]): CommandSpec | undefined {
  let spec = cache.get(argv[0]);
  if (!spec) {
    spec = commandTable().get(argv[0].toLowerCase());
    if (!spec) return undefined;
    if (cache.size < 1000) cache.set(argv[0], spec);
  }
  if (spec.subcommands && argv.length >= 2) {
    return commandTable().get(spec.name + "|" + argv[1].toLowerCase());
  }
  return spec;
}
