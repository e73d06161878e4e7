/**
 * The questions path identity asks Windows, each one kernel32 call (or two) wrapped so that
 * the logic in identity.ts can be tested with a scripted stand-in: where an opened folder
 * leads, what a directory entry says about a name, where a junction or symbolic link points,
 * and which drive letters, devices and volumes exist.
 *
 * @module
 */
import {
  FILE_FLAG_BACKUP_SEMANTICS,
  FILE_FLAG_OPEN_REPARSE_POINT,
  FILE_READ_ATTRIBUTES,
  FILE_SHARE_ALL,
  isValidHandle,
  type kernel32PlaceSymbols,
  OPEN_EXISTING,
} from "./kernel32_ffi.ts";
import { fromWide, wideString } from "./wide.ts";

/** A name as its folder lists it, read without opening the name itself. */
export interface DirectoryEntry {
  /** The long name on disk (an 8.3 short name given by the user comes back long). */
  readonly name: string;
  /** FILE_ATTRIBUTE_* bits. */
  readonly attributes: number;
  /** The reparse tag when FILE_ATTRIBUTE_REPARSE_POINT is set, else 0. */
  readonly reparseTag: number;
}

/** What identity.ts asks the system; {@linkcode kernel32Queries} answers on Windows. */
export interface FileQueries {
  /** Where `path` (verbatim) leads, as GetFinalPathNameByHandleW reports it; undefined when it cannot be opened. */
  finalPath(path: string): string | undefined;
  /** The directory entry of `path`'s last name, listed from its folder. */
  entry(path: string): DirectoryEntry | undefined;
  /** The target a junction or symbolic link at `path` stores (`\??\C:\t`, or relative). */
  linkTarget(path: string): string | undefined;
  /** The mount points (`C:\`, `D:\mnt\`) of a volume given as `\\?\Volume{GUID}\`. */
  volumePaths(volume: string): string[];
  /** The drive letters in use, as `C:`. */
  drives(): string[];
  /** The NT device a drive letter stands for (`\Device\HarddiskVolume3`). */
  dosDevice(drive: string): string | undefined;
  /** GetDriveTypeW of a drive's root. */
  driveType(drive: string): number;
}

/** FILE_ATTRIBUTE_DIRECTORY */
export const FILE_ATTRIBUTE_DIRECTORY = 0x10;
/** FILE_ATTRIBUTE_REPARSE_POINT */
export const FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
/** A junction (or a volume mount point). */
export const IO_REPARSE_TAG_MOUNT_POINT = 0xA000_0003;
/** A symbolic link. */
export const IO_REPARSE_TAG_SYMLINK = 0xA000_000C;

const FSCTL_GET_REPARSE_POINT = 0x0009_00A8;
const VOLUME_NAME_DOS = 0x0;
const VOLUME_NAME_GUID = 0x1;
const REPARSE_BUFFER_BYTES = 16 * 1024; // MAXIMUM_REPARSE_DATA_BUFFER_SIZE
const FIND_DATA_BYTES = 592; // sizeof(WIN32_FIND_DATAW)
const LONGEST_PATH = 32_768;

type Kernel32 = Deno.DynamicLibrary<typeof kernel32PlaceSymbols>["symbols"];

/** Splits a NUL-separated, double-NUL-terminated list. */
function multiString(units: Uint16Array, length: number): string[] {
  return fromWide(units, Math.min(length, units.length)).split("\0").filter((s) => s !== "");
}

/** Parses a REPARSE_DATA_BUFFER; undefined for other tags or when a length runs past the end. */
export function parseReparseBuffer(bytes: Uint8Array, length: number): string | undefined {
  if (length < 16 || length > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const tag = view.getUint32(0, true);
  const pathBuffer = tag === IO_REPARSE_TAG_MOUNT_POINT
    ? 16
    : tag === IO_REPARSE_TAG_SYMLINK
    ? 20
    : undefined;
  if (pathBuffer === undefined) return undefined;
  const offset = view.getUint16(8, true);
  const size = view.getUint16(10, true);
  const start = pathBuffer + offset;
  if (size % 2 !== 0 || start + size > length) return undefined;
  const units = new Uint16Array(size / 2);
  for (let i = 0; i < units.length; i++) units[i] = view.getUint16(start + 2 * i, true);
  return fromWide(units, units.length);
}

/**
 * The queries answered by kernel32 (opened by the caller, from System32).
 *
 * @example
 * ```ts ignore
 * import { kernel32Queries } from "./file_queries.ts";
 * import { kernel32Symbols } from "./kernel32_ffi.ts";
 * import { system32Path } from "./system_root.ts";
 *
 * const kernel32 = Deno.dlopen(system32Path("kernel32.dll"), kernel32Symbols);
 * console.log(kernel32Queries(kernel32.symbols).finalPath("\\\\?\\C:\\Windows"));
 * kernel32.close();
 * ```
 */
export function kernel32Queries(kernel32: Kernel32): FileQueries {
  const text = new Uint16Array(LONGEST_PATH);
  const open = (path: string, flags: number) =>
    kernel32.CreateFileW(
      wideString(path),
      flags & FILE_FLAG_OPEN_REPARSE_POINT ? 0 : FILE_READ_ATTRIBUTES,
      FILE_SHARE_ALL,
      null,
      OPEN_EXISTING,
      flags,
      null,
    );
  return {
    finalPath(path) {
      const handle = open(path, FILE_FLAG_BACKUP_SEMANTICS);
      if (!isValidHandle(handle)) return undefined;
      try {
        for (const flags of [VOLUME_NAME_DOS, VOLUME_NAME_GUID]) {
          const length = kernel32.GetFinalPathNameByHandleW(handle, text, text.length, flags);
          if (length > 0 && length < text.length) return fromWide(text, length);
        }
        return undefined;
      } finally {
        kernel32.CloseHandle(handle);
      }
    },
    entry(path) {
      const data = new Uint8Array(FIND_DATA_BYTES);
      const handle = kernel32.FindFirstFileW(wideString(path), data);
      if (!isValidHandle(handle)) return undefined;
      kernel32.FindClose(handle);
      const view = new DataView(data.buffer);
      const attributes = view.getUint32(0, true);
      const name = fromWide(new Uint16Array(data.buffer, 44, 260));
      const reparseTag = attributes & FILE_ATTRIBUTE_REPARSE_POINT ? view.getUint32(36, true) : 0;
      return { name, attributes, reparseTag };
    },
    linkTarget(path) {
      const handle = open(path, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT);
      if (!isValidHandle(handle)) return undefined;
      try {
        const buffer = new Uint8Array(REPARSE_BUFFER_BYTES);
        const returned = new Uint32Array(1);
        const ok = kernel32.DeviceIoControl(
          handle,
          FSCTL_GET_REPARSE_POINT,
          null,
          0,
          buffer,
          buffer.length,
          returned,
          null,
        );
        return ok ? parseReparseBuffer(buffer, returned[0]) : undefined;
      } finally {
        kernel32.CloseHandle(handle);
      }
    },
    volumePaths(volume) {
      const needed = new Uint32Array(1);
      let units = new Uint16Array(1024);
      for (let attempt = 0; attempt < 3; attempt++) {
        if (
          kernel32.GetVolumePathNamesForVolumeNameW(wideString(volume), units, units.length, needed)
        ) {
          return multiString(units, units.length);
        }
        if (needed[0] <= units.length) return [];
        units = new Uint16Array(needed[0]);
      }
      return [];
    },
    drives() {
      const units = new Uint16Array(512);
      const length = kernel32.GetLogicalDriveStringsW(units.length - 1, units);
      if (length === 0 || length >= units.length) return [];
      return multiString(units, length).map((root) => root.slice(0, 2).toUpperCase());
    },
    dosDevice(drive) {
      const length = kernel32.QueryDosDeviceW(wideString(drive), text, text.length);
      return length > 0 ? multiString(text, length)[0] : undefined;
    },
    driveType(drive) {
      return kernel32.GetDriveTypeW(wideString(`${drive}\\`));
    },
  };
}
