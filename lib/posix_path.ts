/**
 * POSIX path arithmetic (`/`-separated), with the answers of `node:path`'s `posix` for the
 * five calls the Linux backend makes. It exists for start-up time alone: the first `node:`
 * import of a process loads Deno's Node compatibility layer, which costs a `bindlink list`
 * more than all of its own work (measured by `deno task bench`, section 4).
 *
 * Only strings are handled here; nothing is asked of the file system, except the current
 * folder when {@linkcode posix.resolve} is given no absolute path.
 *
 * @example
 * ```ts
 * import path from "./posix_path.ts";
 *
 * path.posix.join("/srv", "app/", "../data"); // "/srv/data"
 * path.posix.relative("/srv/app", "/srv/data/x"); // "../data/x"
 * ```
 *
 * @module
 */

/** `.` and `..` taken out of `path`; `..` above the start is kept only when `aboveRoot`. */
function normalizeNames(path: string, aboveRoot: boolean): string {
  const names: string[] = [];
  for (const name of path.split("/")) {
    if (name === "" || name === ".") continue;
    if (name !== "..") names.push(name);
    else if (names.length > 0 && names[names.length - 1] !== "..") names.pop();
    else if (aboveRoot) names.push("..");
  }
  return names.join("/");
}

/** `path` with `.`, `..` and repeated slashes taken out, as `node:path`'s `normalize`. */
function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  let names = normalizeNames(path, !absolute);
  if (names === "" && !absolute) names = ".";
  if (names !== "" && trailing) names += "/";
  return absolute ? `/${names}` : names;
}

// An absolute path with no empty, `.` or `..` name and no trailing slash: already resolved.
const NOT_PLAIN = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

function resolve(...paths: string[]): string {
  // Most calls resolve one such path: answered without splitting it.
  if (paths.length === 1 && paths[0].startsWith("/") && !NOT_PLAIN.test(paths[0])) {
    return paths[0];
  }
  let joined = "";
  let absolute = false;
  for (let i = paths.length - 1; i >= -1 && !absolute; i--) {
    const path = i >= 0 ? paths[i] : Deno.cwd();
    if (path === "") continue;
    joined = joined === "" ? path : `${path}/${joined}`;
    absolute = path.startsWith("/");
  }
  const names = normalizeNames(joined, !absolute);
  return absolute ? `/${names}` : names || ".";
}

function join(...paths: string[]): string {
  const parts = paths.filter((path) => path !== "");
  return parts.length === 0 ? "." : normalize(parts.join("/"));
}

function dirname(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  let end = -1;
  let inTrailingSlashes = true;
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] === "/") {
      if (!inTrailingSlashes) {
        end = i;
        break;
      }
    } else inTrailingSlashes = false;
  }
  if (end === -1) return rooted ? "/" : ".";
  if (rooted && end === 1) return "//";
  return path.slice(0, end);
}

function basename(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end--;
  return path.slice(path.lastIndexOf("/", end - 1) + 1, end);
}

function relative(from: string, to: string): string {
  if (from === to) return "";
  const fromNames = resolve(from).split("/").filter(Boolean);
  const toNames = resolve(to).split("/").filter(Boolean);
  let same = 0;
  while (same < fromNames.length && same < toNames.length && fromNames[same] === toNames[same]) {
    same++;
  }
  return [...fromNames.slice(same).map(() => ".."), ...toNames.slice(same)].join("/");
}

/** The calls, under the names `node:path` gives them. */
export const posix: {
  /** The absolute path the arguments lead to, right to left, from the current folder. */
  readonly resolve: (...paths: string[]) => string;
  /** The arguments joined with `/` and normalized. */
  readonly join: (...paths: string[]) => string;
  /** All but the last name. */
  readonly dirname: (path: string) => string;
  /** The last name. */
  readonly basename: (path: string) => string;
  /** The way from `from` to `to`, both resolved first. */
  readonly relative: (from: string, to: string) => string;
} = { resolve, join, dirname, basename, relative };

/** Default export shaped as `node:path`, so `path.posix.join(...)` reads the same. */
const path: { readonly posix: typeof posix } = { posix };
export default path;
