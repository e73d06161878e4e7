/** The CLI's help texts. @module */
import { VERSION } from "../version.ts";

const EXIT_CODES = `Exit codes:
  0  done
  1  the operation failed (the message says why and what to do)
  2  usage error: the command line itself is wrong`;

/** Help for the whole tool. */
export const MAIN_HELP =
  `bindlink ${VERSION}: create and remove Windows bind links (bind mounts on Linux)

Usage:
  bindlink create <virtual> <backing> [--read-only] [--merged] [--exception <path>]...
  bindlink remove <virtual>
  bindlink help [command]

A bind link makes <virtual> show the contents of <backing> (a local folder or file, or a
\\\\server\\share path), without copying. Links last until removed or until restart.
Windows: needs Windows 11 24H2 / Windows Server 2025 or later and an elevated prompt.
Linux: needs root; links are bind mounts.

Options:
  --json         print one JSON object on stdout, also on failure
  -h, --help     show help (also: bindlink <command> --help)
  -V, --version  show the version

The spelling of Microsoft's BindLink sample works too:
  bindlink CREATE <virtual> <backing> [/merge] [/read-only]
  bindlink REMOVE <virtual>

${EXIT_CODES}
`;

/** Help for `create`. */
export const CREATE_HELP = `Usage: bindlink create <virtual> <backing> [options]

Make <virtual> show the contents of <backing>. If <virtual> exists its own contents are
hidden (unless --merged); if it does not exist, its parent must.

Options:
  -r, --read-only         files of <backing> are read-only when reached through <virtual>
  -m, --merged            keep <virtual>'s own entries visible; <backing> wins on clashes
  -e, --exception <path>  a path below <virtual> that keeps its original content
                          (repeatable; <virtual> must exist)
      --json              print the result as JSON
  -h, --help              show this help

Example:
  bindlink create C:\\app\\config D:\\configs\\staging --read-only

${EXIT_CODES}
`;

/** Help for `remove`. */
export const REMOVE_HELP = `Usage: bindlink remove <virtual> [options]

Remove the bind link at <virtual>. Remove nested links deepest first.

Options:
      --json  print the result as JSON
  -h, --help  show this help

Example:
  bindlink remove C:\\app\\config

${EXIT_CODES}
`;
