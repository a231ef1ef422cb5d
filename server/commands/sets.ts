// (family not written yet)
import type { CommandSpec } from "./spec.ts";

export const setCommands: CommandSpec[] = [];
