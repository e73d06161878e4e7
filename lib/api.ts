/**
 * The public operations, bound to a platform.
 *
 * @module
 */
import type { BindLink } from "./bind_link.ts";
import { BindLinkApi, type ListOptions } from "./bind_link_api.ts";
import { defaultPlatform } from "./default_platform.ts";
import type { BindLinkOptions } from "./options.ts";
import type { BindLinkInfo } from "./platform.ts";

export { BindLinkApi, type ListOptions };

let defaults: BindLinkApi | undefined;

function defaultApi(): BindLinkApi {
  return defaults ??= new BindLinkApi(defaultPlatform());
}

/**
 * Creates a bind link: `virtualPath` shows the contents of `backingPath`, system-wide, until
 * removed or until the machine restarts. Relative paths resolve against the current
 * directory. Needs Administrator rights on Windows (root on Linux).
 *
 * On Windows the call runs on a worker thread (`nonblocking` FFI), so a slow network share
 * does not block the event loop. On Linux the work runs synchronously on the calling thread
 * before the promise settles (errno is per thread, so libc's calls cannot be moved to a
 * worker): the event loop waits for it, well under a millisecond for local paths. On Linux
 * the link exists in the caller's mount namespace, symlinks in either path are followed (the
 * link is made where they lead), and a file can only be linked over a file.
 *
 * @param virtualPath Where the link appears. It may exist (its contents are then hidden,
 *   unless `merged`) or not (its parent must exist).
 * @param backingPath What the link shows: a local path or a `\\server\share\...` path.
 * @param options `readOnly`, `merged`, `exceptions`.
 * @returns The live link; remove it with `remove()` or scope it with `await using`.
 * @throws {BindLinkError} with a stable `code`; nothing is changed when it is thrown.
 *
 * @example Merge a folder over another, read-only, for one scope
 * ```ts
 * import { createBindLink } from "@bindlink/bindlink";
 *
 * await using link = await createBindLink("C:\\build\\deps", "\\\\fileserver\\deps\\v42", {
 *   readOnly: true,
 *   merged: true,
 *   exceptions: ["C:\\build\\deps\\local"],
 * });
 * ```
 *
 * @example The same on Linux (as root)
 * ```ts
 * import { createBindLink } from "@bindlink/bindlink";
 *
 * await using link = await createBindLink("/srv/build/deps", "/mnt/fileserver/deps/v42", {
 *   readOnly: true,
 *   merged: true,
 *   exceptions: ["/srv/build/deps/local"],
 * });
 * ```
 */
export function createBindLink(
  virtualPath: string,
  backingPath: string,
  options?: BindLinkOptions,
): Promise<BindLink> {
  return defaultApi().createBindLink(virtualPath, backingPath, options);
}

/**
 * The blocking twin of {@linkcode createBindLink}.
 *
 * @example
 * ```ts
 * import { createBindLinkSync } from "@bindlink/bindlink";
 *
 * using link = createBindLinkSync("C:\\Foo", "C:\\Bar");
 * ```
 */
export function createBindLinkSync(
  virtualPath: string,
  backingPath: string,
  options?: BindLinkOptions,
): BindLink {
  return defaultApi().createBindLinkSync(virtualPath, backingPath, options);
}

/**
 * Removes the bind link at `virtualPath`, made by this process or any other. Nested links
 * must be removed deepest first.
 *
 * @throws {BindLinkError} `not-found` when there is no link there, `busy` when a link lives
 *   below it.
 *
 * @example
 * ```ts
 * import { removeBindLink } from "@bindlink/bindlink";
 *
 * await removeBindLink("C:\\Foo");
 * ```
 */
export function removeBindLink(virtualPath: string): Promise<void> {
  return defaultApi().removeBindLink(virtualPath);
}

/**
 * The blocking twin of {@linkcode removeBindLink}.
 *
 * @example
 * ```ts
 * import { removeBindLinkSync } from "@bindlink/bindlink";
 *
 * removeBindLinkSync("C:\\Foo");
 * ```
 */
export function removeBindLinkSync(virtualPath: string): void {
  defaultApi().removeBindLinkSync(virtualPath);
}

/**
 * Lists the live bind links: on Windows every link on every local volume, whoever made it; on
 * Linux the links bindlink made in this mount namespace.
 *
 * @param options `path`: only links at or below this path.
 * @returns One {@linkcode BindLinkInfo} per link.
 * @throws {BindLinkError} when the system cannot be asked.
 *
 * @example Links below a folder
 * ```ts
 * import { listBindLinks } from "@bindlink/bindlink";
 *
 * for (const link of await listBindLinks({ path: "C:\\build" })) {
 *   console.log(`${link.virtualPath} -> ${link.backingPath}`);
 * }
 * ```
 */
export function listBindLinks(options?: ListOptions): Promise<BindLinkInfo[]> {
  return defaultApi().listBindLinks(options);
}

/**
 * The blocking twin of {@linkcode listBindLinks}.
 *
 * @example
 * ```ts
 * import { listBindLinksSync } from "@bindlink/bindlink";
 *
 * console.log(listBindLinksSync().length, "links");
 * ```
 */
export function listBindLinksSync(options?: ListOptions): BindLinkInfo[] {
  return defaultApi().listBindLinksSync(options);
}
