/**
 * Names the kernel gives bindlink (where a symlink leads, a mount point) that it records or
 * prints: decoded strictly, and refused with `invalid-path` when their bytes are not UTF-8,
 * since text made from them could not name the same file again.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";

/** What bindlink says of a name that is not UTF-8, wherever it meets one. */
export const ONLY_UTF8 = "bindlink handles only UTF-8 names on Linux";

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * A name the kernel gave bindlink (a readlink, a mount point) that bindlink will record or
 * print, as text; refused when its bytes are not UTF-8, since text could not name the same
 * file again.
 *
 * @throws {NotUtf8NameError} when `bytes` are not UTF-8.
 *
 * @example
 * ```ts
 * import { kernelName } from "./kernel_names.ts";
 * kernelName(new TextEncoder().encode("/srv/app"), "a mount point"); // "/srv/app"
 * ```
 */
export function kernelName(bytes: Uint8Array, what: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new NotUtf8NameError(what, bytes);
  }
}

/**
 * A name read back from the kernel that is not UTF-8: a `BindLinkError` with code
 * `invalid-path`, thrown before anything is changed or recorded.
 *
 * @example
 * ```ts
 * import { NotUtf8NameError } from "./kernel_names.ts";
 * const error = new NotUtf8NameError("a mount point", new Uint8Array([0x2f, 0xff]));
 * console.log(error.code, error.summary); // invalid-path, a mount point is "/\xff", ...
 * ```
 */
export class NotUtf8NameError extends BindLinkError {
  /** What the name is (`the path a symlink leads to`). */
  readonly what: string;
  /** The name, each byte that is not part of a UTF-8 character written as backslash, x, hex. */
  readonly shownName: string;

  /** The error for the name `bytes`, met during `operation`. */
  constructor(
    what: string,
    bytes: Uint8Array | string,
    operation: BindLinkOperation = "create",
    virtualPath?: string,
    backingPath?: string,
  ) {
    const shownName = typeof bytes === "string" ? bytes : escapeBytes(bytes);
    super({
      code: "invalid-path",
      operation,
      virtualPath,
      backingPath,
      summary: `${what} is "${shownName}", which is not UTF-8`,
      hint: `${ONLY_UTF8}: rename it to a UTF-8 name (convmv can). Nothing was changed.`,
    });
    this.name = "NotUtf8NameError";
    this.what = what;
    this.shownName = shownName;
  }

  /** The same problem, told as a failure of `operation` on `virtualPath` (and `backingPath`). */
  during(
    operation: BindLinkOperation,
    virtualPath?: string,
    backingPath?: string,
  ): NotUtf8NameError {
    return new NotUtf8NameError(
      this.what,
      this.shownName,
      operation,
      virtualPath || undefined,
      backingPath,
    );
  }
}

/** `bytes` as text, each byte that is not part of a UTF-8 character written as in C. */
function escapeBytes(bytes: Uint8Array): string {
  let out = "";
  for (let at = 0; at < bytes.length;) {
    // The longest valid character here (1 to 4 bytes), else one byte escaped.
    let taken = 0;
    for (let length = Math.min(4, bytes.length - at); length >= 1 && !taken; length--) {
      try {
        out += strictDecoder.decode(bytes.subarray(at, at + length));
        taken = length;
      } catch {
        // shorter, or not a character
      }
    }
    if (!taken) {
      out += `\\x${bytes[at].toString(16).padStart(2, "0")}`;
      taken = 1;
    }
    at += taken;
  }
  return out;
}
