/**
 * The identity of a place on a real Windows host: the place a path leads to, as the bind
 * filter and its listings name it.
 *
 * The deepest existing folder above the last name is opened (FILE_FLAG_BACKUP_SEMANTICS, no
 * data access, shared with everyone) and GetFinalPathNameByHandleW says where it really is:
 * junctions, directory symbolic links, 8.3 short names, `subst` drives and mapped drives are
 * followed. The last name is then taken from its folder's listing, never by opening it: when
 * it is the root of a live bind link, opening it would answer with the link's backing path,
 * and when it does not exist there is nothing to open. A last name that is itself a junction
 * or directory symbolic link is followed by reading the target it stores, again without
 * opening through it, since listings report such a root under its target.
 *
 * Off Windows nothing can be asked: {@linkcode pureLookup} leaves every place as written.
 *
 * @module
 */
import { kernel32Queries } from "./file_queries.ts";
import {
  FILE_ATTRIBUTE_DIRECTORY,
  type FileQueries,
  IO_REPARSE_TAG_MOUNT_POINT,
  IO_REPARSE_TAG_SYMLINK,
} from "./file_queries.ts";
import { kernel32PlaceSymbols } from "./kernel32_ffi.ts";
import { NativeLibrary } from "../native_library.ts";
import { parseWindowsPath } from "./path_syntax.ts";
import { type Place, verbatimForm, win32Form } from "./place.ts";
import { system32Path } from "./system_root.ts";

/** The questions a path resolver needs the system to answer. */
export interface PlaceLookup {
  /** The drive (`C:`) where a volume (`\\?\Volume{GUID}`) is mounted, if it has one. */
  driveOfVolume(volume: string): string | undefined;
  /** The place an NT device path (`\Device\HarddiskVolume3\v`) names, if any. */
  placeOfDevicePath(ntPath: string): Place | undefined;
  /** True when a drive (`X:`) is a network drive. */
  isRemoteDrive(drive: string): boolean;
  /** The place `place` leads to. */
  identify(place: Place): Place;
}

/** GetDriveTypeW: a network drive. */
const DRIVE_REMOTE = 4;
/** Windows gives up after 63 reparse points in one path; so do we, well before. */
const MAX_LINK_HOPS = 32;

/** `\Device\Mup\server\share\...` is the share `\\server\share\...`. */
function shareOfDevicePath(ntPath: string): Place | undefined {
  const match = /^\\Device\\Mup\\([^\\]+)\\([^\\]+)((?:\\[^\\]+)*)\\?$/i.exec(ntPath);
  if (!match) return undefined;
  const names = match[3] ? match[3].slice(1).split("\\") : [];
  return { kind: "unc", root: `\\\\${match[1]}\\${match[2]}`, names };
}

/**
 * The place an NT device path names: a share under `\Device\Mup`, or a path on the drive
 * whose device (`\Device\HarddiskVolume3`) it starts with.
 */
function placeOnDrives(ntPath: string, drives: readonly DriveDevice[]): Place | undefined {
  const share = shareOfDevicePath(ntPath);
  if (share !== undefined) return share;
  const upper = ntPath.toUpperCase();
  for (const { drive, device } of drives) {
    if (!device.startsWith("\\Device\\")) continue;
    const prefix = device.toUpperCase();
    if (upper === prefix || upper.startsWith(prefix + "\\")) {
      const rest = ntPath.slice(device.length + 1);
      return { kind: "drive", root: drive.toUpperCase(), names: rest ? rest.split("\\") : [] };
    }
  }
  return undefined;
}

/**
 * The lookup of a host that cannot be asked (not Windows): volumes keep their GUID path, no
 * drive is remote, `\Device\Mup\` is the only device it can map, and every place is its own
 * identity.
 *
 * @example
 * ```ts
 * import { pureLookup } from "./identity.ts";
 * pureLookup.placeOfDevicePath("\\Device\\Mup\\srv\\share\\x");
 * // { kind: "unc", root: "\\\\srv\\share", names: ["x"] }
 * ```
 */
export const pureLookup: PlaceLookup = {
  driveOfVolume: () => undefined,
  placeOfDevicePath: shareOfDevicePath,
  isRemoteDrive: () => false,
  identify: (place) => place,
};

function placeOf(verbatimText: string): Place | undefined {
  const parsed = parseWindowsPath(verbatimText, "the path Windows reported");
  return "place" in parsed ? parsed.place : undefined;
}

function withNames(place: Place, names: readonly string[]): Place {
  return { kind: place.kind, root: place.root, names: [...place.names, ...names] };
}

function parentOf(place: Place): Place {
  return { kind: place.kind, root: place.root, names: place.names.slice(0, -1) };
}

/**
 * The lookup that asks Windows through `queries` (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { systemLookup } from "./identity.ts";
 * import { kernel32Queries } from "./file_queries.ts";
 * // with kernel32 opened from System32:
 * // systemLookup(kernel32Queries(kernel32.symbols)).identify(place)
 * ```
 */
export function systemLookup(queries: FileQueries): PlaceLookup {
  const driveOfVolume = (volume: string) =>
    queries.volumePaths(`${volume}\\`).find((mount) => /^[A-Za-z]:\\$/.test(mount))
      ?.slice(0, 2).toUpperCase();
  const isRemoteDrive = (drive: string) => queries.driveType(drive) === DRIVE_REMOTE;
  const lettered = (place: Place): Place => {
    if (place.kind !== "volume") return place;
    const drive = driveOfVolume(place.root);
    return drive === undefined ? place : { kind: "drive", root: drive, names: place.names };
  };

  /** Where the folder `place` leads, following links on the way; undefined if it cannot be opened. */
  const final = (place: Place): Place | undefined => {
    const reported = queries.finalPath(verbatimForm(place));
    const real = reported === undefined ? undefined : placeOf(reported);
    return real === undefined ? undefined : lettered(real);
  };

  /** A junction or directory link's target, as a place; undefined when it cannot be read. */
  const targetOf = (link: Place): Place | undefined => {
    const stored = queries.linkTarget(verbatimForm(link));
    if (stored === undefined || stored === "") return undefined;
    // Absolute targets are stored in NT form (\??\C:\t); relative ones are read from the link's folder.
    const parsed = stored.startsWith("\\??\\")
      ? parseWindowsPath(`\\\\?\\${stored.slice(4)}`, "a link target")
      : parseWindowsPath(stored, "a link target", win32Form(parentOf(link)));
    return "place" in parsed ? lettered(parsed.place) : undefined;
  };

  const identify = (place: Place, hops: number): Place => {
    if (place.kind === "unc" || (place.kind === "drive" && isRemoteDrive(place.root))) {
      // A share is compared as written: asking a server can stall for a minute, and no
      // comparison bindlink makes needs a share's real name.
      return place;
    }
    if (place.names.length === 0) return final(place) ?? place;
    const last = place.names[place.names.length - 1];
    let base: Place | undefined;
    let depth = place.names.length - 1;
    for (; depth >= 0 && base === undefined; depth--) {
      base = final({ kind: place.kind, root: place.root, names: place.names.slice(0, depth) });
    }
    if (base === undefined) return place;
    // The loop stepped once past the depth that answered.
    const missing = place.names.slice(depth + 1, -1);
    if (missing.length > 0) return withNames(base, [...missing, last]);
    const entry = queries.entry(verbatimForm(place));
    if (entry === undefined) return withNames(base, [last]);
    const isDirectoryLink = (entry.attributes & FILE_ATTRIBUTE_DIRECTORY) !== 0 &&
      (entry.reparseTag === IO_REPARSE_TAG_MOUNT_POINT ||
        entry.reparseTag === IO_REPARSE_TAG_SYMLINK);
    if (isDirectoryLink && hops < MAX_LINK_HOPS) {
      const target = targetOf(withNames(base, [entry.name]));
      if (target !== undefined) return identify(target, hops + 1);
    }
    return withNames(base, [entry.name]);
  };

  return {
    driveOfVolume,
    isRemoteDrive,
    placeOfDevicePath: (ntPath) =>
      placeOnDrives(
        ntPath,
        queries.drives().map((drive) => ({ drive, device: queries.dosDevice(drive) ?? "" })),
      ),
    identify: (place) => identify(place, 0),
  };
}

/** A drive letter and the NT device behind it, as a platform may be told them. */
export interface DriveDevice {
  /** `C:` */
  readonly drive: string;
  /** `\Device\HarddiskVolume3` */
  readonly device: string;
  /** False for a network drive. Default true. */
  readonly local?: boolean;
}

/**
 * A lookup that answers from a fixed table of drives instead of asking the system (a test
 * double off Windows): network drives are remote, NT device paths map to their letters, and
 * every place is its own identity.
 *
 * @example
 * ```ts
 * import { tableLookup } from "./identity.ts";
 * const lookup = tableLookup([{ drive: "N:", device: "\\Device\\LanmanRedirector\\;N:0\\nas\\media", local: false }]);
 * lookup.isRemoteDrive("N:"); // true
 * ```
 */
export function tableLookup(drives: readonly DriveDevice[]): PlaceLookup {
  const byDrive = new Map(drives.map((entry) => [entry.drive.toUpperCase(), entry]));
  return {
    driveOfVolume: () => undefined,
    isRemoteDrive: (drive) => byDrive.get(drive.toUpperCase())?.local === false,
    placeOfDevicePath: (ntPath) => placeOnDrives(ntPath, drives),
    identify: (place) => place,
  };
}

/** Runs a function with a {@linkcode PlaceLookup} it may use only during the call. */
export type LookupScope = <T>(use: (lookup: PlaceLookup) => T) => T;

const isWindows = Deno.build.os === "windows";

// One kernel32 for the process, as the Linux backend keeps one libc: every path comparison
// asks through it, so opening it per comparison (a dlopen and its symbols each time) is what
// made comparing paths slow. kernel32 is in every Windows process and is never unloaded.
const kernel32 = new NativeLibrary(() =>
  Deno.dlopen(system32Path("kernel32.dll"), kernel32PlaceSymbols)
);
let hostLookup: PlaceLookup | undefined;

/**
 * The lookup of this host: on Windows through kernel32, opened from System32 on first use and
 * kept; elsewhere (or when FFI is not allowed) {@linkcode pureLookup}.
 */
function thisHostLookup(): PlaceLookup {
  if (!isWindows) return pureLookup;
  if (hostLookup) return hostLookup;
  try {
    return hostLookup = systemLookup(kernel32Queries(kernel32.symbols));
  } catch {
    // Without FFI rights the system cannot be asked; paths are then compared as written.
    return pureLookup;
  }
}

/**
 * Runs `use` with the lookup of this host: on Windows kernel32 (one handle for the process,
 * opened from System32 on first use); elsewhere (or when FFI is not allowed)
 * {@linkcode pureLookup}.
 *
 * @example
 * ```ts
 * import { withPlaceLookup } from "./identity.ts";
 * const remote = withPlaceLookup((lookup) => lookup.isRemoteDrive("X:"));
 * ```
 */
export function withPlaceLookup<T>(use: (lookup: PlaceLookup) => T): T {
  return use(thisHostLookup());
}
