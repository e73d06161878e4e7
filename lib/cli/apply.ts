/** `bindlink apply`: put a manifest's links in place, idempotently. @module */
import { applyBindLinks } from "../manifest/apply.ts";
import type { LinkResult } from "../manifest/types.ts";
import type { CliContext } from "./command.ts";
import { EXIT_CODES } from "./help.ts";
import {
  MANIFEST_HELP,
  MANIFEST_OPTIONS,
  manifestFromArgs,
  progressLine,
} from "./manifest_input.ts";
import { changeJson, describeLink, describeRecovered } from "./link_text.ts";
import { type OptionSpec, type ParsedArgs, plural } from "./options.ts";
import { printable } from "../printable.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `apply`. */
export const help = `Usage: bindlink apply [-f <file>] [options]

Put the manifest's links in place. A link already live as described is left alone, so
running apply twice changes nothing the second time. A place that shows something else is
refused (nothing is changed) unless --replace. Links are made in order (a link that shows or
lies inside another link's virtual path after it), all or nothing: if one fails, the links
this apply made are removed again and the error names the one that failed.

--dry-run makes every check that changes nothing, and exits 1 with the error apply would
give: the manifest and its trust, drift against the live links, each path's existence and
kind, overlapping paths, and whether you have the rights. It cannot foresee what only the
system decides at the moment of the call (on Linux the kernel's own refusal of a mount or an
overlay layer, on Windows bindflt's), nor a change made in between; and a link inside or
showing another link the same apply makes is checked only when apply makes it.

The manifest (bindlink.json) looks like this; relative paths resolve against its folder:
  { "links": [ { "virtual": "deps", "backing": "../shared/deps", "readOnly": true } ] }
Its JSON Schema is bindlink.schema.json in bindlink's folder (for "$schema").

Options:
${MANIFEST_HELP}
      --replace                 replace links that show something else
  -n, --dry-run                 say what apply would do, and fail as it would; change nothing
      --boot-log <file>         as the startup task runs it: wait (bounded) for backing
                                paths, and write the outcome to <file>
      --json                    print one JSON object, with a top-level "changed"
  -h, --help                    show this help

${EXIT_CODES}
`;

/** The options of `apply`. */
export const options: OptionSpec = {
  ...MANIFEST_OPTIONS,
  replace: { type: "boolean" },
  "dry-run": { type: "boolean", short: "n" },
  "boot-log": { type: "string" },
};

function line(result: LinkResult, dryRun: boolean): string {
  const verb = dryRun
    ? { created: "would create", unchanged: "unchanged", replaced: "would replace" }
    : { created: "created", unchanged: "unchanged", replaced: "replaced" };
  const was = result.previous ? ` (it showed ${printable(result.previous.backingPath)})` : "";
  return `  ${verb[result.action].padEnd(13)} ${describeLink(result.link)}${was}\n`;
}

/** Runs `apply`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.positionals.length) {
    throw new UsageError(
      `apply takes no arguments (name the manifest with -f), but got ${
        plural(args.positionals.length, "argument")
      }`,
      "apply",
    );
  }
  const platform = await context.platform();
  const bootLog = args.string("boot-log");
  let manifest;
  try {
    manifest = await manifestFromArgs(args, platform, "apply");
  } catch (error) {
    // A boot run that cannot even read its copy must still leave its word for
    // `startup status`, or an old log would say the last boot went well.
    if (bootLog !== undefined) {
      (await import("../startup/boot_run.ts")).writeBootFailure(bootLog, error);
    }
    throw error;
  }
  if (bootLog !== undefined) {
    const { bootApply } = await import("../startup/boot_apply.ts");
    const log = await bootApply(manifest, {
      platform,
      logFile: bootLog,
      stateDir: context.stateDir,
    });
    if (context.json) context.stdout(JSON.stringify({ ok: log.exitCode === 0, ...log }) + "\n");
    return log.exitCode;
  }
  const progress = progressLine(context);
  const dryRun = args.flag("dry-run");
  let result;
  try {
    result = await applyBindLinks(manifest, {
      platform,
      replace: args.flag("replace"),
      dryRun,
      stateDir: context.stateDir,
      onProgress: progress.onProgress,
      onWait: (message) => context.stderr(message + "\n"),
    });
  } finally {
    progress.clear();
  }
  if (context.json) {
    context.stdout(
      changeJson("apply", manifest.file, result, dryRun, (r) => ({ previous: r.previous })),
    );
    return 0;
  }
  const file = printable(String(manifest.file));
  const count = (action: LinkResult["action"]) =>
    result.links.filter((r) => r.action === action).length;
  const summary = !result.changed
    ? `Nothing to do: ${
      result.links.length === 1 ? "the link is" : `all ${result.links.length} links are`
    } live as described in ${file}.\n`
    : `${dryRun ? "Dry run, nothing was changed: would create" : "Created"} ${count("created")}, ${
      dryRun ? "would replace" : "replaced"
    } ${count("replaced")}, ${count("unchanged")} unchanged (${file}).\n`;
  context.stdout(
    describeRecovered(result.recovered) + result.links.map((r) => line(r, dryRun)).join("") +
      summary,
  );
  return 0;
}
