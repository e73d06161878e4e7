/**
 * Lists the live bind links with `BfGetMappings`: one call per local volume, the buffer grown
 * and the call retried (a bounded number of times) while Windows says it is too short, the
 * answer read by the bounds-checked parser, and its NT device paths turned back into the
 * drive-letter and UNC paths users write.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import type { BindLinkInfo } from "../platform.ts";
import { BINDFLT_GET_MAPPINGS_FLAG_VOLUME } from "./bindfltapi_ffi.ts";
import { formatHresult } from "../errors.ts";
import { WIN32, win32ErrorOf } from "./hresult.ts";
import { linkFlags, parseMappings, type RawMapping } from "./mappings.ts";
import type { WindowsVolume } from "./volumes.ts";
import { wideString } from "./wide.ts";
const { ERROR_FILE_NOT_FOUND, ERROR_INSUFFICIENT_BUFFER, ERROR_MORE_DATA, ERROR_NOT_FOUND } = WIN32;

/** One call of BfGetMappings, blocking or not: `size` is the in/out `PULONG bufferSize`. */
export type MappingsCall<R> = (
  flags: number,
  path: Uint16Array<ArrayBuffer>,
  size: Uint32Array<ArrayBuffer>,
  buffer: Uint8Array<ArrayBuffer>,
) => R;

/** The first buffer offered to BfGetMappings, in bytes. */
export const FIRST_BUFFER_BYTES = 16 * 1024;
/** How many times a short buffer is grown before giving up (links can appear meanwhile). */
export const MAX_ATTEMPTS = 8;
/** No answer is believed to need more than this; a larger demand is reported, not allocated. */
export const MAX_BUFFER_BYTES = 256 * 1024 * 1024;

/** What to do after one call. */
type Step =
  | { done: RawMapping[] }
  | { retry: number };

function listError(summary: string, hint: string, hresult?: number): BindLinkError {
  return new BindLinkError({ code: "unknown", operation: "list", summary, hint, hresult });
}

/** Decides, from one call's result, whether to parse, grow and retry, or fail. */
function step(
  hresult: number,
  drive: string,
  size: Uint32Array,
  buffer: Uint8Array,
  attempt: number,
): Step {
  const win32 = win32ErrorOf(hresult);
  if (win32 === ERROR_INSUFFICIENT_BUFFER || win32 === ERROR_MORE_DATA) {
    if (attempt + 1 >= MAX_ATTEMPTS) {
      throw listError(
        `BfGetMappings still asked for a larger buffer for ${drive}\\ after ${MAX_ATTEMPTS} tries`,
        "Links are being made or removed quickly; try again when that has settled.",
        hresult,
      );
    }
    const wanted = Math.max(size[0], buffer.length * 2);
    if (wanted > MAX_BUFFER_BYTES) {
      throw listError(
        `BfGetMappings asked for ${size[0]} bytes for ${drive}\\, more than bindlink believes`,
        "This looks like a fault in Windows' answer; report it with this message.",
        hresult,
      );
    }
    return { retry: wanted };
  }
  // A volume the filter has no mapping for answers "not found": it simply has no links.
  if (win32 === ERROR_NOT_FOUND || win32 === ERROR_FILE_NOT_FOUND) return { done: [] };
  if (hresult < 0) {
    throw listError(
      `BfGetMappings failed for ${drive}\\ with ${formatHresult(hresult)}`,
      win32 === 5
        ? "Listing links needs Administrator rights: run from an elevated prompt."
        : "Look the HRESULT up; if it persists, report it with this message.",
      hresult,
    );
  }
  // Windows reports the bytes it wrote in *bufferSize; read no further than that, so the rest
  // of a larger buffer (zeros) cannot pass for part of the answer.
  const written = size[0] > 0 && size[0] <= buffer.length ? size[0] : buffer.length;
  return { done: parseMappings(buffer.subarray(0, written)) };
}

function request(drive: string) {
  return {
    path: wideString(`${drive}\\`),
    size: new Uint32Array(1),
    buffer: new Uint8Array(FIRST_BUFFER_BYTES),
  };
}

/** The links rooted on `drive` (`C:`), blocking. */
export function volumeMappingsSync(call: MappingsCall<number>, drive: string): RawMapping[] {
  const first = request(drive);
  const { path, size } = first;
  let buffer = first.buffer;
  for (let attempt = 0;; attempt++) {
    size[0] = buffer.length;
    const hresult = call(BINDFLT_GET_MAPPINGS_FLAG_VOLUME, path, size, buffer);
    const next = step(hresult, drive, size, buffer, attempt);
    if ("done" in next) return next.done;
    buffer = new Uint8Array(next.retry);
  }
}

/** The links rooted on `drive` (`C:`), without blocking the event loop. */
export async function volumeMappings(
  call: MappingsCall<Promise<number>>,
  drive: string,
): Promise<RawMapping[]> {
  const first = request(drive);
  const { path, size } = first;
  let buffer = first.buffer;
  for (let attempt = 0;; attempt++) {
    size[0] = buffer.length;
    const hresult = await call(BINDFLT_GET_MAPPINGS_FLAG_VOLUME, path, size, buffer);
    const next = step(hresult, drive, size, buffer, attempt);
    if ("done" in next) return next.done;
    buffer = new Uint8Array(next.retry);
  }
}

function upper(text: string): string {
  return text.replace(/[a-z]/g, (c) => c.toUpperCase());
}

/**
 * An NT path as users write it: `\Device\HarddiskVolume3\Foo` becomes `C:\Foo` (through the
 * volumes' devices), `\Device\Mup\server\share\dir` becomes `\\server\share\dir`, `\??\C:\x`
 * becomes `C:\x`; a device with no drive letter stays reachable as `\\?\GLOBALROOT\Device\...`.
 *
 * @example
 * ```ts
 * win32Path("\\Device\\HarddiskVolume3\\Foo", [{ drive: "C:", device: "\\Device\\HarddiskVolume3" }]);
 * // "C:\\Foo"
 * ```
 */
export function win32Path(ntPath: string, volumes: readonly WindowsVolume[]): string {
  const key = upper(ntPath);
  const below = (prefix: string) =>
    key.startsWith(prefix) && (key.length === prefix.length || key[prefix.length] === "\\");
  const mup = "\\DEVICE\\MUP";
  if (below(mup) && ntPath.length > mup.length + 1) return "\\" + ntPath.slice(mup.length);
  if (key.startsWith("\\??\\UNC\\")) return "\\" + ntPath.slice(7);
  if (/^\\\?\?\\[A-Z]:(\\|$)/.test(key)) return ntPath.slice(4).replace(/^(.:)$/, "$1\\");
  let best: WindowsVolume | undefined;
  for (const volume of volumes) {
    const device = upper(volume.device.replace(/\\+$/, ""));
    if (device !== "" && below(device) && device.length > (best?.device.length ?? 0)) {
      best = { ...volume, device };
    }
  }
  if (best) {
    const rest = ntPath.slice(best.device.length);
    return best.drive.toUpperCase() + (rest === "" ? "\\" : rest);
  }
  return "\\\\?\\GLOBALROOT" + ntPath;
}

/**
 * One listed mapping as a {@linkcode BindLinkInfo}. A merged link's first target is its
 * backing path (the second is the virtual root's own folder).
 *
 * @example
 * ```ts
 * toLinkInfo(
 *   { virtualRoot: "\\Device\\HarddiskVolume3\\Foo", flags: 0x1, targets: ["\\Device\\Mup\\srv\\s"] },
 *   [{ drive: "C:", device: "\\Device\\HarddiskVolume3" }],
 * ); // { virtualPath: "C:\\Foo", backingPath: "\\\\srv\\s", readOnly: true, merged: false, exceptions: [] }
 * ```
 */
export function toLinkInfo(raw: RawMapping, volumes: readonly WindowsVolume[]): BindLinkInfo {
  if (raw.targets.length === 0) {
    throw listError(
      `the listing names the link ${win32Path(raw.virtualRoot, volumes)} with no backing path`,
      "Windows returned a listing bindlink cannot read; report this with the message.",
    );
  }
  const { readOnly, merged } = linkFlags(raw.flags);
  return {
    virtualPath: win32Path(raw.virtualRoot, volumes),
    backingPath: win32Path(raw.targets[0], volumes),
    readOnly,
    merged,
    exceptions: [],
  };
}

/** The local volumes to ask, each drive once, in letter order. */
export function localDrives(volumes: readonly WindowsVolume[]): string[] {
  const drives = volumes.filter((volume) => volume.local !== false)
    .map((volume) => volume.drive.toUpperCase());
  return [...new Set(drives)].sort();
}

/**
 * Every link on `drives` (default: every local volume), blocking.
 *
 * @example
 * ```ts
 * import { bindfltapiSymbols } from "./bindfltapi_ffi.ts";
 *
 * const bindflt = Deno.dlopen("C:\\Windows\\System32\\bindfltapi.dll", bindfltapiSymbols);
 * const links = listLinksSync(
 *   (flags, path, size, buffer) =>
 *     bindflt.symbols.BfGetMappings!(flags, null, path, null, size, buffer),
 *   [{ drive: "C:", device: "\\Device\\HarddiskVolume3" }],
 * );
 * ```
 */
export function listLinksSync(
  call: MappingsCall<number>,
  volumes: readonly WindowsVolume[],
  drives: readonly string[] = localDrives(volumes),
): BindLinkInfo[] {
  const raw = drives.flatMap((drive) => volumeMappingsSync(call, drive));
  return raw.map((mapping) => toLinkInfo(mapping, volumes));
}

/**
 * Every link on `drives` (default: every local volume), one volume after the other, each call
 * off the event loop.
 *
 * @example
 * ```ts
 * import { bindfltapiSymbols } from "./bindfltapi_ffi.ts";
 *
 * const bindflt = Deno.dlopen("C:\\Windows\\System32\\bindfltapi.dll", bindfltapiSymbols);
 * const links = await listLinks(
 *   (flags, path, size, buffer) =>
 *     bindflt.symbols.BfGetMappingsNonblocking!(flags, null, path, null, size, buffer),
 *   [{ drive: "C:", device: "\\Device\\HarddiskVolume3" }],
 * );
 * ```
 */
export async function listLinks(
  call: MappingsCall<Promise<number>>,
  volumes: readonly WindowsVolume[],
  drives: readonly string[] = localDrives(volumes),
): Promise<BindLinkInfo[]> {
  const raw: RawMapping[] = [];
  for (const drive of drives) raw.push(...await volumeMappings(call, drive));
  return raw.map((mapping) => toLinkInfo(mapping, volumes));
}

/**
 * The error for a bind link library without `BfGetMappings`: on the default load path this
 * Windows cannot list; for a library named in code, that library cannot.
 *
 * @example
 * ```ts
 * throw noListingError(undefined);
 * ```
 */
export function noListingError(libraryPath: string | undefined): BindLinkError {
  const pinned = libraryPath !== undefined;
  return new BindLinkError({
    code: pinned ? "unknown" : "unsupported-windows",
    operation: "list",
    libraryPath,
    summary: "the bind link library does not export BfGetMappings, which lists links",
    hint: pinned
      ? "Use a library that exports BfGetMappings, such as System32\\bindfltapi.dll."
      : "Listing needs the BfGetMappings function of System32\\bindfltapi.dll.",
  });
}
