/**
 * The drive letters of this machine and the NT device behind each, as kernel32 reports them:
 * what `bindlink list` asks `BfGetMappings` about, and how it turns the NT device paths it
 * answers with back into drive-letter paths.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import {
  DRIVE_FIXED,
  DRIVE_RAMDISK,
  DRIVE_REMOVABLE,
  type kernel32Symbols,
} from "./kernel32_ffi.ts";
import { fromWide, wideString } from "./wide.ts";

/**
 * One drive letter and the NT device it names.
 *
 * @example
 * ```ts
 * const c: WindowsVolume = { drive: "C:", device: "\\Device\\HarddiskVolume3" };
 * ```
 */
export interface WindowsVolume {
  /** The drive, letter and colon: `C:`. */
  readonly drive: string;
  /** The NT device the letter names: `\Device\HarddiskVolume3`. */
  readonly device: string;
  /**
   * Whether the volume is local (a fixed, removable or RAM disk), so that it can hold bind
   * links. Network drives are not; they are still used to translate paths. Default true.
   */
  readonly local?: boolean;
}

type Kernel32 = Deno.DynamicLibrary<typeof kernel32Symbols>["symbols"];

const LOCAL_TYPES = new Set([DRIVE_FIXED, DRIVE_REMOVABLE, DRIVE_RAMDISK]);

/** The first string of a NUL-separated, double-NUL-terminated list. */
function firstOfList(units: Uint16Array, length: number): string {
  return fromWide(units.subarray(0, length));
}

/** The drive roots GetLogicalDriveStringsW lists: `["C:\\", "D:\\"]`. */
function driveRoots(kernel32: Kernel32): string[] {
  let buffer = new Uint16Array(256);
  for (let attempt = 0; attempt < 4; attempt++) {
    const written = kernel32.GetLogicalDriveStringsW(buffer.length - 1, buffer);
    if (written === 0) return [];
    if (written < buffer.length) {
      return fromWide(buffer, written).split("\0").filter((root) => root.length > 0);
    }
    buffer = new Uint16Array(written + 2);
  }
  return [];
}

/**
 * Every drive letter with its NT device and whether it is local, read with
 * GetLogicalDriveStringsW, GetDriveTypeW and QueryDosDeviceW. A letter whose device cannot be
 * read is left out.
 *
 * @example
 * ```ts
 * import { kernel32Symbols } from "./kernel32_ffi.ts";
 *
 * const kernel32 = Deno.dlopen("C:\\Windows\\System32\\kernel32.dll", kernel32Symbols);
 * for (const volume of readVolumes(kernel32.symbols)) console.log(volume.drive, volume.device);
 * ```
 */
export function readVolumes(kernel32: Kernel32): WindowsVolume[] {
  const volumes: WindowsVolume[] = [];
  const target = new Uint16Array(1024);
  for (const root of driveRoots(kernel32)) {
    const drive = root.slice(0, 2);
    if (!/^[A-Za-z]:$/.test(drive)) continue;
    const type = kernel32.GetDriveTypeW(wideString(root));
    const written = kernel32.QueryDosDeviceW(wideString(drive), target, target.length);
    if (written === 0) continue;
    const device = firstOfList(target, written);
    if (device === "") continue;
    volumes.push({ drive: drive.toUpperCase(), device, local: LOCAL_TYPES.has(type) });
  }
  return volumes;
}

/**
 * The error for listing Windows links off Windows without a volume table given in code.
 *
 * @example
 * ```ts
 * throw noVolumeTable();
 * ```
 */
export function noVolumeTable(): BindLinkError {
  return new BindLinkError({
    code: "unsupported-platform",
    operation: "list",
    summary: `listing Windows links needs Windows' drive table, and this is ${Deno.build.os}`,
    hint: "Pass volumes to windowsPlatform() to list through a test double off Windows.",
  });
}
