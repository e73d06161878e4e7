/**
 * Words a failed CreateBindLink or RemoveBindLink as what really happened. Windows (build
 * 26100) answers a create on a path that already has a link with E_INVALIDARG, not
 * ERROR_ALREADY_EXISTS, and is reported to answer a remove of a path with no link the same
 * way; so before an E_INVALIDARG is worded, the virtual path is looked up among the live
 * links, and the error says what is really there.
 *
 * @module
 */
import { linkTraits } from "../link_traits.ts";
import { BindLinkError } from "../errors.ts";
import type { BindLinkInfo } from "../platform.ts";
import { explainHresult, WIN32, win32ErrorOf } from "./hresult.ts";
const { ERROR_INVALID_PARAMETER } = WIN32;

/** A failed call, with what it was about. */
export interface Failure {
  /** The operation that failed. */
  readonly operation: "create" | "remove";
  /** The virtual path as it was passed to Windows. */
  readonly virtualPath: string;
  /** The backing path (create). */
  readonly backingPath?: string;
  /** How many exception paths the create passed. */
  readonly exceptionCount: number;
  /** The HRESULT Windows returned. */
  readonly hresult: number;
  /** Windows' own text for it. */
  readonly systemMessage?: string;
}

/**
 * What looking the virtual path up found: the live link there, that there is none, or that it
 * could not be told (and why).
 */
export type Lookup =
  | { readonly link: BindLinkInfo }
  | { readonly none: true }
  | { readonly unknown: string };

/**
 * True when the failure cannot be worded truthfully without knowing whether a link is there.
 *
 * @example
 * ```ts
 * needsLookup({ operation: "create", virtualPath: "C:\\v", exceptionCount: 0, hresult: 0x80070057 | 0 }); // true
 * ```
 */
export function needsLookup(failure: Failure): boolean {
  return win32ErrorOf(failure.hresult) === ERROR_INVALID_PARAMETER;
}

/** Compares two paths as the filter does (the platform's path identity). */
export type SamePlace = (a: string, b: string) => boolean;

function found(links: readonly BindLinkInfo[], virtualPath: string, same: SamePlace): Lookup {
  const link = links.find((candidate) => same(candidate.virtualPath, virtualPath));
  return link ? { link } : { none: true };
}

function unknown(error: unknown): Lookup {
  return { unknown: error instanceof BindLinkError ? error.summary : String(error) };
}

/**
 * The error for `failure`, after looking `failure.virtualPath` up in what `list` returns when
 * {@linkcode needsLookup} says the wording depends on it.
 *
 * @example
 * ```ts
 * const failure: Failure = {
 *   operation: "remove",
 *   virtualPath: "C:\\v",
 *   exceptionCount: 0,
 *   hresult: 0x80070057 | 0, // E_INVALIDARG
 * };
 * // No live link at C:\v, so the error says there is nothing to remove.
 * const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
 * const error = describeFailureSync(failure, () => [], same);
 * console.log(error.summary);
 * ```
 */
export function describeFailureSync(
  failure: Failure,
  list: () => BindLinkInfo[],
  same: SamePlace,
): BindLinkError {
  if (!needsLookup(failure)) return describeFailure(failure);
  let lookup: Lookup;
  try {
    lookup = found(list(), failure.virtualPath, same);
  } catch (error) {
    lookup = unknown(error);
  }
  return describeFailure(failure, lookup);
}

/**
 * The non-blocking twin of {@linkcode describeFailureSync}.
 *
 * @example
 * ```ts
 * const failure: Failure = {
 *   operation: "remove",
 *   virtualPath: "C:\\v",
 *   exceptionCount: 0,
 *   hresult: 0x80070057 | 0, // E_INVALIDARG
 * };
 * const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
 * const error = await describeFailureAsync(failure, () => Promise.resolve([]), same);
 * console.log(error.summary);
 * ```
 */
export async function describeFailureAsync(
  failure: Failure,
  list: () => Promise<BindLinkInfo[]>,
  same: SamePlace,
): Promise<BindLinkError> {
  if (!needsLookup(failure)) return describeFailure(failure);
  let lookup: Lookup;
  try {
    lookup = found(await list(), failure.virtualPath, same);
  } catch (error) {
    lookup = unknown(error);
  }
  return describeFailure(failure, lookup);
}

/**
 * The error for `failure`, using `lookup` when {@linkcode needsLookup} asked for one.
 *
 * @example
 * ```ts
 * const error = describeFailure(
 *   { operation: "create", virtualPath: "C:\\v", backingPath: "C:\\b", exceptionCount: 0, hresult: 0x80070057 | 0 },
 *   { link: { virtualPath: "C:\\v", backingPath: "D:\\old", readOnly: false, merged: false, exceptions: [] } },
 * );
 * error.code; // "already-exists"
 * ```
 */
export function describeFailure(failure: Failure, lookup?: Lookup): BindLinkError {
  const meaning = explainHresult(failure.hresult, failure.operation, failure.exceptionCount > 0);
  const base = {
    operation: failure.operation,
    virtualPath: failure.virtualPath,
    backingPath: failure.backingPath,
    hresult: failure.hresult,
    systemMessage: failure.systemMessage,
  };
  if (lookup && "link" in lookup && failure.operation === "create") {
    const { link } = lookup;
    const traits = linkTraits(link);
    return new BindLinkError({
      ...base,
      code: "already-exists",
      summary: `a bind link already exists at ${link.virtualPath}: it shows ${link.backingPath}` +
        (traits.length ? ` (${traits.join(", ")})` : ""),
      hint: `Remove it first (bindlink remove ${link.virtualPath}), or choose another virtual ` +
        "path.",
    });
  }
  if (lookup && "none" in lookup && failure.operation === "remove") {
    return new BindLinkError({
      ...base,
      code: "not-found",
      summary: "there is no bind link at this path",
      hint: "Check the spelling of the virtual path (bindlink list shows the live links); " +
        "links vanish when Windows restarts.",
    });
  }
  const unchecked = lookup && "unknown" in lookup
    ? ` (bindlink could not check the live links: ${lookup.unknown})`
    : "";
  return new BindLinkError({
    ...base,
    ...meaning,
    hint: meaning.hint +
      (unchecked && failure.operation === "create"
        ? ` Windows also answers this way when a link already exists at the virtual path${unchecked}.`
        : ""),
  });
}
