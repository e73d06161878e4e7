/**
 * What a manifest (`bindlink.json`) says, as written and as resolved, and the results of the
 * commands that act on one.
 *
 * @module
 */
import type { BindLinkInfo, LinkSpec } from "../platform.ts";

/**
 * One link as a manifest or a script writes it: paths as given (relative ones resolve against
 * the manifest's folder, or the current directory for a script).
 *
 * @example
 * ```ts
 * import type { ManifestLink } from "@bindlink/bindlink";
 *
 * const link: ManifestLink = { virtual: "C:\\app\\config", backing: "D:\\configs\\staging" };
 * ```
 */
export interface ManifestLink {
  /** Where the link appears. */
  virtual: string;
  /** What the link shows. */
  backing: string;
  /** Files of the backing path are read-only through the link. */
  readOnly?: boolean;
  /** The virtual path's own entries stay visible. */
  merged?: boolean;
  /** Paths below the virtual path that keep their original content. */
  exceptions?: string[];
}

/**
 * The JSON document of a `bindlink.json`, as written.
 *
 * @example
 * ```ts
 * import type { ManifestDocument } from "@bindlink/bindlink";
 *
 * const doc: ManifestDocument = {
 *   $schema: "https://jsr.io/@bindlink/bindlink/bindlink.schema.json",
 *   links: [{ virtual: "deps", backing: "../shared/deps", readOnly: true }],
 * };
 * ```
 */
export interface ManifestDocument {
  /** The schema, for editors; bindlink does not fetch it. */
  $schema?: string;
  /** The links. */
  links: ManifestLink[];
}

/**
 * A manifest after loading: every link validated and its paths absolute.
 *
 * @example
 * ```ts
 * import { loadManifest, linuxPlatform } from "@bindlink/bindlink";
 *
 * const manifest = await loadManifest("bindlink.json", linuxPlatform());
 * console.log(manifest.links.length, "links from", manifest.file);
 * ```
 */
export interface Manifest {
  /** The file it was read from, when it was read from one. */
  readonly file?: string;
  /** The links, in the manifest's order, resolved. */
  readonly links: readonly LinkSpec[];
}

/** What apply did, or would do with `dryRun`, to one link. */
export type LinkAction = "created" | "unchanged" | "replaced";

/**
 * How a live link differs from the manifest's.
 *
 * - `missing`: no link at the virtual path.
 * - `other-backing`: a link shows another backing path.
 * - `other-flags`: read-only, merged or the exceptions differ.
 */
export type LinkProblem = "missing" | "other-backing" | "other-flags";

/**
 * The outcome for one link of the manifest.
 *
 * @example
 * ```ts
 * import type { LinkResult } from "@bindlink/bindlink";
 *
 * const shown = (r: LinkResult) => `${r.index}: ${r.action} ${r.link.virtualPath}`;
 * ```
 */
export interface LinkResult {
  /** The link's position in the manifest, from 0. */
  readonly index: number;
  /** The link as the manifest describes it. */
  readonly link: LinkSpec;
  /** What was (or would be) done. */
  readonly action: LinkAction;
  /** The link that was there before, for `replaced`. */
  readonly previous?: BindLinkInfo;
}

/**
 * The result of {@linkcode applyBindLinks}.
 *
 * @example
 * ```ts
 * import { applyBindLinks } from "@bindlink/bindlink";
 *
 * const result = await applyBindLinks("bindlink.json");
 * if (result.changed) console.log("links changed");
 * ```
 */
export interface ApplyResult {
  /** True when a link was (or, with `dryRun`, would be) created or replaced. */
  readonly changed: boolean;
  /** True when nothing was changed because `dryRun` was asked. */
  readonly dryRun: boolean;
  /** One result per manifest link, in the order they were (or would be) made. */
  readonly links: readonly LinkResult[];
  /** Interrupted operations of dead processes that were finished or rolled back first. */
  readonly recovered: readonly RecoveredOperation[];
}

/**
 * A file or folder bindlink had made for a link (a mount point, overlay's work folder) that
 * a cleanup deleted, or with `dryRun` would delete: left by a command that was killed.
 *
 * @example
 * ```ts
 * import type { LeftoverPath } from "@bindlink/bindlink";
 *
 * const say = (l: LeftoverPath) => `deleted ${l.path}: ${l.why}`;
 * ```
 */
export interface LeftoverPath {
  /** The path. */
  readonly path: string;
  /** Whose it was and why it goes, in words that follow "Deleted 2 paths ". */
  readonly why: string;
}

/**
 * An interrupted operation that a changing command cleaned up before doing its own work.
 *
 * @example
 * ```ts
 * import type { RecoveredOperation } from "@bindlink/bindlink";
 *
 * const say = (r: RecoveredOperation) => `${r.operation} of pid ${r.pid}: ${r.outcome}`;
 * ```
 */
export interface RecoveredOperation {
  /** `apply`, `down`, `run` or `prune`. */
  readonly operation: string;
  /** The process that started it. */
  readonly pid: number;
  /** `rolled back` (apply, run) or `completed` (down, prune), or `discarded` (earlier boot). */
  readonly outcome: "rolled back" | "completed" | "discarded";
  /** The virtual paths whose links were removed. */
  readonly removed: readonly string[];
  /** The virtual paths whose earlier links were made again. */
  readonly restored: readonly string[];
}
