/**
 * The CLI's commands: name, one-line usage, and how to load the command's module. Adding a
 * command is adding its file and one entry here.
 *
 * @module
 */
import type { CommandModule } from "./command.ts";

/** A registered command. */
export interface CommandEntry {
  /** The synopsis line shown in the main help, without the leading `bindlink `. */
  readonly usage: string;
  /** Loads the command's module. */
  readonly load: () => Promise<CommandModule>;
}

/** Every command, in the order the main help lists them. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  create: {
    usage: "create <virtual> <backing> [--read-only] [--merged] [--exception <path>]...",
    load: () => import("./create.ts"),
  },
  remove: { usage: "remove <virtual>", load: () => import("./remove.ts") },
  list: { usage: "list [path]", load: () => import("./list.ts") },
  apply: {
    usage: "apply [-f <file>] [--replace] [--dry-run]",
    load: () => import("./apply.ts"),
  },
  status: { usage: "status [-f <file>]", load: () => import("./status.ts") },
  down: { usage: "down [-f <file>] [--dry-run]", load: () => import("./down.ts") },
  run: {
    usage: "run [-f <file>] [--link <virtual>=<backing>[,ro][,merged]]... -- <command>",
    load: () => import("./run.ts"),
  },
  prune: { usage: "prune [--dry-run]", load: () => import("./prune.ts") },
  dsc: {
    usage: "dsc get|test|set|export|schema   (a DSC v3 resource; JSON on stdin)",
    load: () => import("./dsc.ts"),
  },
  startup: {
    usage: "startup install -f <file> | startup remove | startup status",
    load: () => import("./startup.ts"),
  },
};

/** The command registered under `name`, compared case-insensitively (the sample's CREATE). */
export function findCommand(name: string): [string, CommandEntry] | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(COMMANDS, key) ? [key, COMMANDS[key]] : undefined;
}
