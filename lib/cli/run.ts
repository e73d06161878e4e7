/** `bindlink run -- command`: a command with links that exist while it runs. @module */
import { resolveLinks } from "../manifest/validate.ts";
import { ManifestError } from "../manifest/manifest_error.ts";
import { INSIDE_NAMESPACE, runInsideNamespace, runWithBindLinks } from "../manifest/run.ts";
import type { Manifest } from "../manifest/types.ts";
import type { LinkSpec } from "../platform.ts";
import type { CliContext } from "./command.ts";
import { EXAMPLE } from "./help.ts";
import { parseLinkOption } from "./link_option.ts";
import {
  MANIFEST_HELP,
  MANIFEST_OPTIONS,
  manifestFromArgs,
  progressLine,
} from "./manifest_input.ts";
import type { OptionSpec, ParsedArgs } from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** Help for `run`. */
export const help =
  `Usage: bindlink run [-f <file>] [--link <virtual>=<backing>[,ro][,merged]]... -- <command> [args...]

Run <command> with links in place, and remove them when it ends: when it exits, fails, or
gets Ctrl+C or SIGTERM (Ctrl+C and Ctrl+Break on Windows). The exit code is the command's.
Ctrl+C reaches the command from the terminal, once; bindlink passes it on only when the
command could not have got it (kill -INT of bindlink without a terminal).
The links are the manifest's (-f; bindlink.json when neither -f nor --link is given) and
those given with --link.

Linux: the command runs in a private mount namespace, so its links are invisible to other
processes and vanish with it, even if bindlink is killed; the command ends with bindlink
(this uses /usr/bin/unshare and /usr/bin/setpriv, so Deno needs --allow-run besides
--allow-ffi --allow-read --allow-write).
Windows: links are system-wide. If bindlink is killed, "bindlink status" shows the links it
left and "bindlink prune" (or the next apply, down or run) removes them. Needs --allow-run.

Options:
${MANIFEST_HELP}
  -l, --link <virtual>=<backing>[,ro][,merged]
                                a link for this run (repeatable)
  -h, --help                    show this help

Example:
  bindlink run --link ${EXAMPLE.virtual}=${EXAMPLE.backing},ro -- make test

Exit codes: the command's; 1 when the links could not be made (nothing is left), 2 for a
usage error.
`;

/** The options of `run`; `--inside-namespace` is internal (the namespace helper's). */
export const options: OptionSpec = {
  ...MANIFEST_OPTIONS,
  link: { type: "string", short: "l", multiple: true },
  [INSIDE_NAMESPACE]: { type: "string" },
};

async function linksFromArgs(args: ParsedArgs, context: CliContext): Promise<Manifest> {
  const platform = await context.platform();
  const extra = args.strings("link").map(parseLinkOption);
  const manifest = args.string("file") !== undefined || extra.length === 0
    ? await manifestFromArgs(args, platform, "run")
    : { links: [] };
  const given = resolveLinks(extra, platform, { folder: platform.cwd(), operation: "run" });
  for (const [i, spec] of given.entries()) {
    const twice = manifest.links.findIndex((m) =>
      platform.paths.same(m.virtualPath, spec.virtualPath)
    );
    if (twice >= 0) {
      throw new ManifestError({
        code: "invalid-path",
        operation: "run",
        file: manifest.file,
        linkIndex: twice,
        summary: `--link ${spec.virtualPath} (the ${i + 1}. --link) is the same place as ` +
          `links[${twice}] of ${manifest.file}`,
        hint: "Name each virtual path once.",
      });
    }
  }
  return { file: manifest.file, links: [...manifest.links, ...given] };
}

interface Inside {
  file?: string;
  links?: LinkSpec[];
  parent?: number;
}

function parseInside(json: string): Inside {
  let parsed: Inside;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UsageError(`--${INSIDE_NAMESPACE} is internal to bindlink run`, "run");
  }
  if (parsed.parent !== undefined && !Number.isSafeInteger(parsed.parent)) {
    throw new UsageError(`--${INSIDE_NAMESPACE} is internal to bindlink run`, "run");
  }
  return parsed;
}

function insideSpecs(parsed: Inside, context: CliContext): Promise<LinkSpec[]> {
  // Checked again here: this process makes the links, so it validates what it makes.
  return context.platform().then((platform) =>
    resolveLinks(
      (parsed.links ?? []).map((s) => ({
        virtual: s.virtualPath,
        backing: s.backingPath,
        readOnly: s.readOnly,
        merged: s.merged,
        exceptions: [...s.exceptions],
      })),
      platform,
      { folder: platform.cwd(), operation: "run", file: parsed.file },
    )
  );
}

/** Runs `run`. */
export async function run(args: ParsedArgs, context: CliContext): Promise<number> {
  const command = args.afterDoubleDash ?? [];
  if (args.positionals.length !== command.length) {
    throw new UsageError("put the command after --: bindlink run [options] -- <command>", "run");
  }
  if (command.length === 0) {
    throw new UsageError("run needs a command after --", "run");
  }
  const inside = args.string(INSIDE_NAMESPACE);
  const progress = progressLine(context);
  try {
    if (inside !== undefined) {
      const parsed = parseInside(inside);
      const specs = await insideSpecs(parsed, context);
      return await runInsideNamespace(specs, command, await context.platform(), {
        onProgress: progress.onProgress,
        parent: parsed.parent,
      });
    }
    const manifest = await linksFromArgs(args, context);
    return await runWithBindLinks(manifest.links, command, await context.platform(), {
      file: manifest.file,
      stateDir: context.stateDir,
      onProgress: (done, total, link) => {
        progress.onProgress?.(done, total, link);
        if (done === total) progress.clear();
      },
      onWait: (message) => context.stderr(message + "\n"),
    });
  } finally {
    progress.clear();
  }
}
