/** The main help: every registered command's synopsis and the options all share. @module */
import { VERSION } from "../version.ts";
import { COMMANDS } from "./commands.ts";
import { EXIT_CODES } from "./help.ts";

/**
 * Help for the whole tool, listing every registered command.
 *
 * @example
 * ```ts
 * import { mainHelp } from "./main_help.ts";
 * console.log(mainHelp());
 * ```
 */
export function mainHelp(): string {
  const usage = Object.values(COMMANDS).map((c) => `  bindlink ${c.usage}`).join("\n");
  return `bindlink ${VERSION}: create and remove Windows bind links (bind mounts on Linux)

Usage:
${usage}
  bindlink help [command]

A bind link makes <virtual> show the contents of <backing> without copying: on Windows a
local folder or file, or a \\\\server\\share path; on Linux a local folder or file. Links last
until removed or until restart.
Windows: needs Windows 11 24H2 / Windows Server 2025 or later and an elevated prompt.
Linux: needs root; links are bind mounts (overlay mounts when merged).

Options:
  --json         print one JSON object on stdout, also on failure
  -h, --help     show help (also: bindlink <command> --help)
  -V, --version  show the version

The spelling of Microsoft's BindLink sample works too:
  bindlink CREATE <virtual> <backing> [/merge] [/read-only]
  bindlink REMOVE <virtual>

${EXIT_CODES}
`;
}
