/**
 * The error for a manifest that cannot be used: a BindLinkError that also says which file,
 * which link and which key, so a script can point at the line to fix.
 *
 * @module
 */
import { BindLinkError, type BindLinkErrorInit } from "../errors.ts";

/** What {@linkcode ManifestError} adds to a {@linkcode BindLinkErrorInit}. */
export interface ManifestErrorInit extends BindLinkErrorInit {
  /** The manifest file, when the links came from one. */
  file?: string;
  /** The index of the link in `links`, from 0. */
  linkIndex?: number;
  /** The key that is wrong (`virtual`, `exceptions[1]`, ...). */
  key?: string;
}

/**
 * A manifest was refused before anything was touched.
 *
 * @example
 * ```ts
 * import { loadManifest, ManifestError, linuxPlatform } from "@bindlink/bindlink";
 *
 * try {
 *   await loadManifest("bindlink.json", linuxPlatform());
 * } catch (error) {
 *   if (error instanceof ManifestError) console.error(error.file, error.linkIndex, error.key);
 *   throw error;
 * }
 * ```
 */
export class ManifestError extends BindLinkError {
  /** The manifest file, when the links came from one. */
  readonly file?: string;
  /** The index of the link in `links`, from 0. */
  readonly linkIndex?: number;
  /** The key that is wrong. */
  readonly key?: string;

  /** Builds the error; the summary should already name the file and the link. */
  constructor(init: ManifestErrorInit) {
    super(init);
    this.name = "ManifestError";
    this.file = init.file;
    this.linkIndex = init.linkIndex;
    this.key = init.key;
  }

  /** The fields of {@linkcode BindLinkError.toJSON}, plus the file, link index and key. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), file: this.file, linkIndex: this.linkIndex, key: this.key };
  }
}
