/**
 * The one error type of the library: what failed, on which paths, the code the system returned,
 * the system's own words for it, and what to do next.
 *
 * @module
 */

/**
 * Stable, machine-readable error codes. Scripts should branch on these, never on the message.
 *
 * - `access-denied`: not elevated (Windows) or not root (Linux), or no rights on a path.
 * - `not-found`: a path is missing (backing path, parent of the virtual path), or there is no
 *   link to remove.
 * - `already-exists`: a bind link already exists at the virtual path.
 * - `invalid-argument`: an option is wrong, or the system rejected the combination (for
 *   example exceptions on a virtual path that does not exist).
 * - `invalid-path`: a path is empty, malformed, too long, or an exception is not below the
 *   virtual path.
 * - `busy`: the link cannot be removed while another link lives below it, or it is in use.
 * - `not-supported`: the file system or volume does not support the operation.
 * - `unsupported-windows`: this Windows has no bind link API (`System32\bindfltapi.dll` with
 *   `CreateBindLink`: Windows 11 24H2 or Windows Server 2025, or later).
 * - `unsupported-platform`: this operating system has no bind link backend.
 * - `untrusted`: an elevated bindlink was asked to read or run a file that someone other than
 *   administrators and the person running it can change (see lib/trust/).
 * - `unknown`: anything else; the message carries the system's code and text.
 */
export type BindLinkErrorCode =
  | "access-denied"
  | "not-found"
  | "already-exists"
  | "invalid-argument"
  | "invalid-path"
  | "busy"
  | "not-supported"
  | "unsupported-windows"
  | "unsupported-platform"
  | "untrusted"
  | "unknown";

/** Every {@linkcode BindLinkErrorCode}, for validation and documentation. */
export const BIND_LINK_ERROR_CODES: readonly BindLinkErrorCode[] = [
  "access-denied",
  "not-found",
  "already-exists",
  "invalid-argument",
  "invalid-path",
  "busy",
  "not-supported",
  "unsupported-windows",
  "unsupported-platform",
  "untrusted",
  "unknown",
];

/** The operation that failed. */
export type BindLinkOperation =
  | "create"
  | "remove"
  | "list"
  | "apply"
  | "status"
  | "down"
  | "run"
  | "prune"
  | "startup"
  | "dsc";

/** What a system error code means for the user; each backend maps its codes to this. */
export interface ErrorMeaning {
  /** The stable code. */
  code: BindLinkErrorCode;
  /** The failure in plain words. */
  summary: string;
  /** The next step. */
  hint: string;
}

/** Everything a {@linkcode BindLinkError} is made of. */
export interface BindLinkErrorInit {
  /** The stable code. */
  code: BindLinkErrorCode;
  /** The operation that failed. */
  operation: BindLinkOperation;
  /** What went wrong, in plain words, without a trailing full stop. */
  summary: string;
  /** What the user can do next, as one or more full sentences. */
  hint: string;
  /** The virtual path, resolved when it could be. */
  virtualPath?: string;
  /** The backing path (create only), resolved when it could be. */
  backingPath?: string;
  /** The native library involved, when loading it failed. */
  libraryPath?: string;
  /** The HRESULT returned by Windows, as an unsigned 32-bit number. */
  hresult?: number;
  /** The errno set by Linux. */
  errno?: number;
  /** The symbolic errno name (`EPERM`, ...). */
  errnoName?: string;
  /** The system's own description of the failure (FormatMessageW, strerror). */
  systemMessage?: string;
  /** The underlying error, if one was caught. */
  cause?: unknown;
}

/** Formats an HRESULT the way Windows tools print it: `0x` and eight upper-case hex digits. */
export function formatHresult(hresult: number): string {
  return "0x" + (hresult >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

function describeSystemCode(init: BindLinkErrorInit): string | undefined {
  if (init.hresult !== undefined) return `HRESULT ${formatHresult(init.hresult)}`;
  if (init.errno !== undefined) {
    return `errno ${init.errno}${init.errnoName ? ` (${init.errnoName})` : ""}`;
  }
  return undefined;
}

/** Ends `text` with a full stop unless `ending` (by default `text`) already ends a sentence. */
function sentence(text: string, ending = text): string {
  return /[.!?]$/.test(ending) ? text : `${text}.`;
}

function composeMessage(init: BindLinkErrorInit): string {
  const target = init.operation === "create"
    ? `Could not create the bind link ${init.virtualPath ?? "(no virtual path)"} -> ${
      init.backingPath ?? "(no backing path)"
    }`
    : init.operation === "remove"
    ? `Could not remove the bind link at ${init.virtualPath ?? "(no virtual path)"}`
    : init.operation === "list"
    ? "Could not list the bind links"
    : `bindlink ${init.operation} failed`;
  const parts = [sentence(`${target}: ${init.summary}`)];
  const code = describeSystemCode(init);
  const text = init.systemMessage?.trim();
  // The system's text is quoted once, as it is; a full stop follows only when it has none
  // ("Access is denied." stays one sentence, never "Access is denied.".).
  if (code && text) parts.push(sentence(`The system reports ${code}: "${text}"`, text));
  else if (code) parts.push(`The system reports ${code} (it has no description for it).`);
  else if (text) parts.push(sentence(`The system reports: "${text}"`, text));
  parts.push(init.hint);
  return parts.join(" ");
}

/**
 * The error thrown by every function of this library. It never leaves a half-done link behind:
 * when it is thrown, the system is as it was before the call.
 *
 * @example Branch on the stable code
 * ```ts
 * import { BindLinkError, createBindLink } from "@bindlink/bindlink";
 *
 * try {
 *   await createBindLink("C:\\Foo", "C:\\Bar");
 * } catch (error) {
 *   if (error instanceof BindLinkError && error.code === "access-denied") {
 *     console.error("Please run this from an elevated prompt.");
 *   } else {
 *     throw error;
 *   }
 * }
 * ```
 */
export class BindLinkError extends Error {
  /** The stable, machine-readable code. */
  readonly code: BindLinkErrorCode;
  /** The operation that failed. */
  readonly operation: BindLinkOperation;
  /** What went wrong, in plain words. */
  readonly summary: string;
  /** What to do next. */
  readonly hint: string;
  /** The virtual path, resolved when it could be. */
  readonly virtualPath?: string;
  /** The backing path (create only). */
  readonly backingPath?: string;
  /** The native library involved, when loading it failed. */
  readonly libraryPath?: string;
  /** The HRESULT returned by Windows, unsigned (`0x80070005` is `2147942405`). */
  readonly hresult?: number;
  /** The errno set by Linux. */
  readonly errno?: number;
  /** The symbolic name of {@linkcode BindLinkError.errno}. */
  readonly errnoName?: string;
  /** The system's own description of the failure. */
  readonly systemMessage?: string;

  /** Builds the error and its message from its parts. */
  constructor(init: BindLinkErrorInit) {
    super(composeMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "BindLinkError";
    this.code = init.code;
    this.operation = init.operation;
    this.summary = init.summary;
    this.hint = init.hint;
    this.virtualPath = init.virtualPath;
    this.backingPath = init.backingPath;
    this.libraryPath = init.libraryPath;
    this.hresult = init.hresult === undefined ? undefined : init.hresult >>> 0;
    this.errno = init.errno;
    this.errnoName = init.errnoName;
    this.systemMessage = init.systemMessage?.trim() || undefined;
  }

  /** A plain object for JSON output: the code, the system's code in hex, and the message. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      operation: this.operation,
      message: this.message,
      summary: this.summary,
      hint: this.hint,
      virtualPath: this.virtualPath,
      backingPath: this.backingPath,
      libraryPath: this.libraryPath,
      hresult: this.hresult === undefined ? undefined : formatHresult(this.hresult),
      errno: this.errno,
      errnoName: this.errnoName,
      systemMessage: this.systemMessage,
    };
  }
}

/**
 * A failure below the operations that already knows what it means for the user (the system
 * is not in a state bindlink can work in), before it is known which operation met it. Each
 * backend, and the CLI for what reaches it, turns it into the {@linkcode BindLinkError} of the
 * operation at hand, so it never escapes as a bare error with a stack trace.
 *
 * @example
 * ```ts
 * import { BindLinkError, ExplainedFailure } from "./errors.ts";
 *
 * const failure = new ExplainedFailure({
 *   code: "not-supported",
 *   summary: "/proc is not usable",
 *   hint: "Mount it (mount -t proc proc /proc).",
 * });
 * const error = new BindLinkError({ operation: "list", ...failure.meaning, cause: failure });
 * console.log(error.code); // not-supported
 * ```
 */
export class ExplainedFailure extends Error {
  /** What it means, and what to do. */
  readonly meaning: ErrorMeaning;

  /** A failure meaning `meaning`. */
  constructor(meaning: ErrorMeaning, options?: ErrorOptions) {
    super(meaning.summary, options);
    this.name = "ExplainedFailure";
    this.meaning = meaning;
  }
}
