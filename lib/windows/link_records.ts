/**
 * bindlink's record of each Windows link it made with exceptions. `BfGetMappings` does not
 * report a link's exceptions, so without this a listing (and DSC's `test`, `status`, `apply`)
 * could not see them. A record is believed only while the listing shows its link exactly as
 * recorded (backing path and flags), and only from a folder no one but administrators can
 * change: by default `<ProgramData>\bindlink\links`, which bindlink makes with an ACL for
 * SYSTEM and Administrators only. Files are reached through kernel32, so the library still
 * needs no more than `--allow-ffi`.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { NativeLibrary } from "../native_library.ts";
import type { BindLinkInfo, LinkSpec } from "../platform.ts";
import { kernel32RecordSymbols } from "./kernel32_ffi.ts";
import {
  ensureProtectedWindowsFolder,
  programDataFolder,
  protectedFolderProblem,
} from "./program_data.ts";
import { system32Path } from "./system_root.ts";
import { wideString } from "./wide.ts";
import { WIN32 } from "./hresult.ts";
const { ERROR_ALREADY_EXISTS } = WIN32;

/** Reads, writes and deletes one folder's record files by name. */
export interface RecordFiles {
  /** The file's text, or undefined when there is none. */
  read(name: string): string | undefined;
  /** Writes the file whole (a reader sees the old text or the new, never half). */
  write(name: string, text: string): void;
  /** Deletes the file; none is fine. */
  remove(name: string): void;
}

const GENERIC_READ = 0x8000_0000;
const GENERIC_WRITE = 0x4000_0000;
const CREATE_ALWAYS = 2;
const OPEN_EXISTING = 3;
const FILE_SHARE_READ = 1;
const MOVEFILE_REPLACE_EXISTING = 1;
const MOVEFILE_WRITE_THROUGH = 8;
// Records are a few hundred bytes; exceptions are capped by the API's path lengths.
const MAX_RECORD = 1 << 20;

const kernel32 = new NativeLibrary(() =>
  Deno.dlopen(system32Path("kernel32.dll"), kernel32RecordSymbols)
);

function fail(call: string, file: string): never {
  const code = kernel32.symbols.GetLastError();
  throw recordError(
    code === WIN32.ERROR_ACCESS_DENIED,
    `${call} of ${file} failed with Windows error ${code}`,
  );
}

function recordError(denied: boolean, detail: string): BindLinkError {
  return new BindLinkError({
    code: denied ? "access-denied" : "unknown",
    operation: "create",
    summary: `bindlink could not keep its record of the link's exceptions (${detail})`,
    hint: "Run bindlink from an elevated prompt; the link was not made.",
  });
}

function isInvalid(handle: Deno.PointerValue): boolean {
  return handle === null || Deno.UnsafePointer.value(handle) === 0xFFFF_FFFF_FFFF_FFFFn;
}

/**
 * Record files in `folder` through kernel32 (Windows).
 *
 * @example
 * ```ts
 * import { kernel32RecordFiles } from "./link_records.ts";
 *
 * console.log(kernel32RecordFiles("C:\\ProgramData\\bindlink\\links").read("0123.json"));
 * ```
 */
export function kernel32RecordFiles(folder: string): RecordFiles {
  const fileOf = (name: string) => `${folder}\\${name}`;
  return {
    read(name) {
      const symbols = kernel32.symbols;
      const file = fileOf(name);
      const handle = symbols.CreateFileW(
        wideString(file),
        GENERIC_READ,
        FILE_SHARE_READ,
        null,
        OPEN_EXISTING,
        0,
        null,
      );
      // A record that cannot be read is not believed: the link's exceptions read as unknown.
      if (isInvalid(handle)) return undefined;
      try {
        const buffer = new Uint8Array(MAX_RECORD);
        const count = new Uint32Array(1);
        if (!symbols.ReadFile(handle, buffer, buffer.length, count, null)) return undefined;
        return new TextDecoder().decode(buffer.subarray(0, count[0]));
      } finally {
        symbols.CloseHandle(handle);
      }
    },
    write(name, text) {
      const symbols = kernel32.symbols;
      if (!symbols.CreateDirectoryW(wideString(folder), null)) {
        if (symbols.GetLastError() !== ERROR_ALREADY_EXISTS) fail("CreateDirectoryW", folder);
      }
      const file = fileOf(name);
      const temporary = `${file}.${Deno.pid}.tmp`;
      const handle = symbols.CreateFileW(
        wideString(temporary),
        GENERIC_WRITE,
        0,
        null,
        CREATE_ALWAYS,
        0,
        null,
      );
      if (isInvalid(handle)) fail("CreateFileW", temporary);
      try {
        const bytes = new TextEncoder().encode(text);
        const count = new Uint32Array(1);
        if (
          !symbols.WriteFile(handle, bytes, bytes.length, count, null) || count[0] !== bytes.length
        ) {
          fail("WriteFile", temporary);
        }
      } finally {
        symbols.CloseHandle(handle);
      }
      const flags = MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH;
      if (!symbols.MoveFileExW(wideString(temporary), wideString(file), flags)) {
        symbols.DeleteFileW(wideString(temporary));
        fail("MoveFileExW", file);
      }
    },
    remove(name) {
      kernel32.symbols.DeleteFileW(wideString(fileOf(name)));
    },
  };
}

/**
 * Record files in the POSIX folder `folder` through Deno's file API: for a test double driven
 * off Windows, where there is no kernel32.
 *
 * @example
 * ```ts
 * import { folderRecordFiles } from "./link_records.ts";
 *
 * folderRecordFiles("/tmp/records").remove("0123.json");
 * ```
 */
export function folderRecordFiles(folder: string): RecordFiles {
  return {
    read(name) {
      try {
        return Deno.readTextFileSync(`${folder}/${name}`);
      } catch {
        return undefined;
      }
    },
    write(name, text) {
      try {
        Deno.mkdirSync(folder, { recursive: true });
        Deno.writeTextFileSync(`${folder}/${name}.tmp`, text);
        Deno.renameSync(`${folder}/${name}.tmp`, `${folder}/${name}`);
      } catch (error) {
        throw recordError(error instanceof Deno.errors.PermissionDenied, String(error));
      }
    },
    remove(name) {
      try {
        Deno.removeSync(`${folder}/${name}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    },
  };
}

/**
 * The default record files: `<ProgramData>\bindlink\links`, made protected on first write,
 * and read only while `<ProgramData>\bindlink` is protected (owned by SYSTEM or Administrators,
 * writable by no one else). Elsewhere reads find nothing.
 *
 * @example
 * ```ts
 * import { programDataRecordFiles } from "./link_records.ts";
 *
 * const files = programDataRecordFiles();
 * ```
 */
export function programDataRecordFiles(): RecordFiles {
  let base: string | undefined;
  const top = () => base ??= `${programDataFolder()}\\bindlink`;
  const files = () => kernel32RecordFiles(`${top()}\\links`);
  let trusted: boolean | undefined;
  return {
    read(name) {
      trusted ??= protectedFolderProblem(top()) === undefined;
      return trusted ? files().read(name) : undefined;
    },
    write(name, text) {
      ensureProtectedWindowsFolder(top());
      trusted = true;
      files().write(name, text);
    },
    remove: (name) => files().remove(name),
  };
}

/** A record as it is stored. */
interface StoredRecord {
  version: 1;
  virtualPath: string;
  backingPath: string;
  readOnly: boolean;
  merged: boolean;
  exceptions: string[];
}

// FNV-1a, 64 bits, over the identity's UTF-16 units: a short, fixed-length file name.
function recordName(identity: string): string {
  let hash = 0xcbf2_9ce4_8422_2325n;
  for (let i = 0; i < identity.length; i++) {
    hash ^= BigInt(identity.charCodeAt(i));
    hash = (hash * 0x100_0000_01b3n) & 0xFFFF_FFFF_FFFF_FFFFn;
  }
  return `${hash.toString(16).padStart(16, "0")}.json`;
}

/** What the store needs of the platform's path rules. */
export interface RecordPaths {
  /** The identity of an absolute path. */
  identify(path: string): string;
  /** True when both name one place. */
  same(a: string, b: string): boolean;
}

/**
 * The link records of one platform.
 *
 * @example
 * ```ts
 * import { LinkRecordStore, programDataRecordFiles } from "./link_records.ts";
 * import { windowsPathRules } from "./paths.ts";
 *
 * const store = new LinkRecordStore(programDataRecordFiles(), windowsPathRules);
 * console.log(store.withExceptions([]));
 * ```
 */
export class LinkRecordStore {
  constructor(readonly files: RecordFiles, readonly paths: RecordPaths) {}

  /** Records `spec` after it was made (with its exceptions), or forgets an older record. */
  remember(spec: LinkSpec): void {
    const name = recordName(this.paths.identify(spec.virtualPath));
    if (!spec.exceptions.length) {
      this.files.remove(name);
      return;
    }
    const record: StoredRecord = {
      version: 1,
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
      readOnly: spec.readOnly,
      merged: spec.merged,
      exceptions: [...spec.exceptions],
    };
    this.files.write(name, JSON.stringify(record));
  }

  /** Forgets the record of the link at `virtualPath` (it was removed). */
  forget(virtualPath: string): void {
    this.files.remove(recordName(this.paths.identify(virtualPath)));
  }

  /** `live` with the recorded exceptions of each link its record describes exactly. */
  withExceptions(live: BindLinkInfo[]): BindLinkInfo[] {
    return live.map((link) => {
      const text = this.files.read(recordName(this.paths.identify(link.virtualPath)));
      if (text === undefined) return link;
      let record: StoredRecord;
      try {
        record = JSON.parse(text);
      } catch {
        return link; // torn or foreign: not believed
      }
      const exact = record.version === 1 && Array.isArray(record.exceptions) &&
        typeof record.virtualPath === "string" && typeof record.backingPath === "string" &&
        this.paths.same(record.virtualPath, link.virtualPath) &&
        this.paths.same(record.backingPath, link.backingPath) &&
        record.readOnly === link.readOnly && record.merged === link.merged;
      return exact ? { ...link, exceptions: record.exceptions } : link;
    });
  }
}
