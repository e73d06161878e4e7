/**
 * The contract between the public API and a backend (Windows bindflt, Linux mounts, a test
 * library). A platform is a value the caller holds, so nothing in the environment can swap it.
 *
 * @module
 */
import type { PathRules } from "./paths.ts";

/** A fully validated request to create a link: every path absolute and checked. */
export interface LinkSpec {
  /** Where the link appears. */
  readonly virtualPath: string;
  /** What the link shows. */
  readonly backingPath: string;
  /** Mask write access to the backing path's files seen through the link. */
  readonly readOnly: boolean;
  /** Keep the virtual path's own entries visible, merged with the backing path's. */
  readonly merged: boolean;
  /** Descendants of the virtual path that keep their original content. */
  readonly exceptions: readonly string[];
}

/**
 * A backend that creates and removes bind links. Implementations throw
 * {@linkcode BindLinkError} and leave nothing half-done when they do.
 *
 * @example Pass a platform explicitly
 * ```ts
 * import { BindLinkApi, windowsPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(windowsPlatform());
 * await api.removeBindLink("C:\\Foo");
 * ```
 */
export interface Platform {
  /** A short name for messages and JSON output: `windows`, `linux`, `unsupported`. */
  readonly name: string;
  /** How this platform resolves and compares paths. */
  readonly paths: PathRules;
  /** The directory relative paths are resolved against, in this platform's spelling. */
  cwd(): string;
  /** Creates a link without blocking the event loop. */
  create(spec: LinkSpec): Promise<void>;
  /** Creates a link, blocking until the system call returns. */
  createSync(spec: LinkSpec): void;
  /** Removes the link at `virtualPath` (resolved) without blocking the event loop. */
  remove(virtualPath: string): Promise<void>;
  /** Removes the link at `virtualPath` (resolved), blocking. */
  removeSync(virtualPath: string): void;
  /** Releases native libraries; a later call opens them again. */
  close(): void;
}
