/** `bindlink prune`: clean up after killed bindlink commands. @module */
import { pruneBindLinks } from "../manifest/prune.ts";
import type { CliContext } from "./command.ts";
import { EXIT_CODES } from "./help.ts";
import { describeDeleted, describeRecovered } from "./link_text.ts";
import { pathLines } from "./text.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `prune`. */
export const help = `Usage: bindlink prune [options]

Clean up after bindlink commands that were killed: remove the links of a "bindlink run"
whose process is gone (on Windows links are system-wide and outlive it), roll back a
half-done apply, finish a half-done down, and delete the mount points and work folders a
killed command had made (a run killed in its namespace leaves them). Only links that are
still exactly as that command made them are removed. It says what it removed and deleted;
--dry-run lists the same first. Every apply, down, run, create and remove does this first;
prune does only this.

Options:
  -n, --dry-run  say what prune would clean up; change nothing
      --json     print one JSON object, with a top-level "changed"
  -h, --help     show this help

${EXIT_CODES}
`;

/** The options of `prune`. */
export const options: OptionSpec = { "dry-run": { type: "boolean", short: "n" } };

/** Runs `prune`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.positionals.length) {
    throw new UsageError(
      `prune takes no arguments, but got ${plural(args.positionals.length, "argument")}`,
      "prune",
    );
  }
  const platform = await context.platform();
  const dryRun = args.flag("dry-run");
  const result = await pruneBindLinks({
    platform,
    dryRun,
    stateDir: context.stateDir,
    onWait: (message) => context.stderr(message + "\n"),
  });
  if (context.json) {
    context.stdout(JSON.stringify({ ok: true, operation: "prune", ...result }) + "\n");
    return 0;
  }
  if (dryRun) {
    const seeAll = "bindlink prune --dry-run --json";
    context.stdout(
      result.changed
        ? result.pending.map((p) =>
          `  would clean up ${p.operation} of process ${p.pid}\n` +
          (p.made.length
            ? `    would remove the links (${p.made.length}):\n` +
              pathLines(p.made, "      ", seeAll)
            : "")
        ).join("") + describeDeleted(result.deleted, seeAll, true) +
          `Dry run, nothing was changed.\n`
        : "Nothing to clean up.\n",
    );
    return 0;
  }
  const seeAll = "bindlink prune --json";
  context.stdout(
    result.changed
      ? describeRecovered(result.recovered, seeAll) +
        describeDeleted(result.deleted, seeAll) +
        `Cleaned up ${plural(result.recovered.length, "interrupted operation")}` +
        `${
          result.deleted.length ? ` and ${plural(result.deleted.length, "leftover path")}` : ""
        }.\n`
      : "Nothing to clean up.\n",
  );
  return 0;
}
