/** The value of `run --link`: `<virtual>=<backing>[,ro][,merged]`. @module */
import type { ManifestLink } from "../manifest/types.ts";
import { UsageError } from "./usage_error.ts";
import { pathExists } from "../path_exists.ts";

const FLAG_WORDS: Record<string, "readOnly" | "merged"> = {
  ro: "readOnly",
  "read-only": "readOnly",
  readonly: "readOnly",
  merged: "merged",
};

// A last part that is a bare word was meant as an option, unless the path it ends exists.
const WORD = /^[A-Za-z][A-Za-z-]*$/;

/**
 * Parses `virtual=backing[,ro][,merged]`. A backing path may hold commas; the words after
 * the last of them are options. A word that is neither `ro` nor `merged` is a usage error
 * that names it, unless the backing path with it exists (a folder really named `x,rw`).
 *
 * @example
 * ```ts
 * import { parseLinkOption } from "./link_option.ts";
 *
 * parseLinkOption("/srv/app=/srv/builds/7,ro"); // { virtual: "/srv/app", backing: "/srv/builds/7", readOnly: true }
 * ```
 */
export function parseLinkOption(text: string): ManifestLink {
  const eq = text.indexOf("=");
  if (eq <= 0 || eq === text.length - 1) {
    throw new UsageError(
      `--link needs <virtual>=<backing>[,ro][,merged], not "${text}"`,
      "run",
    );
  }
  const link: ManifestLink = { virtual: text.slice(0, eq), backing: "" };
  const parts = text.slice(eq + 1).split(",");
  while (parts.length > 1 && WORD.test(parts.at(-1)!)) {
    const word = parts.at(-1)!;
    const flag = FLAG_WORDS[word.toLowerCase()];
    if (flag) {
      link[flag] = true;
      parts.pop();
      continue;
    }
    if (pathExists(parts.join(","))) break;
    throw new UsageError(
      `--link ${text}: unknown option '${word}' after a comma (the options are ro and ` +
        `merged; a backing path that holds a comma, like ${parts.join(",")}, must exist)`,
      "run",
    );
  }
  link.backing = parts.join(",");
  return link;
}
