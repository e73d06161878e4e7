// The floor under a command's row in section 4: every module `bindlink <command>` loads on
// Linux, loaded the same way, with none of their functions run and no native symbol bound.
// A command cannot start faster than this; what it takes beyond is its work and its symbols.
// Argument: list, create or remove.
import "../../cli.ts";
import { COMMANDS } from "../../lib/cli/commands.ts";
import { type LinuxChanges, loadChanges } from "../../lib/linux/changes.ts";
import { loadDefaultPlatform } from "../../lib/load_platform.ts";

const PIECES: Record<string, (keyof LinuxChanges)[]> = {
  list: [],
  create: ["recoverPending", "createLink"],
  remove: ["recoverPending", "removeLink"],
};

const command = Deno.args[0];
const pieces = PIECES[command];
if (!pieces) throw new Error(`command_modules.ts: no floor for "${command}"`);
await COMMANDS[command].load();
// Builds the backend object only: its constructor makes no system call.
await loadDefaultPlatform();
await loadChanges({}, pieces);
