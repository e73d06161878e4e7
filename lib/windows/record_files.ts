/**
 * Where bindlink's Windows link records are kept: one folder's record files read, written
 * whole and deleted by name, through kernel32 on Windows (so the library needs no more than
 * `--allow-ffi`), through Deno's file API for a test double off Windows, and by default in
 * `<ProgramData>\bindlink\links`, believed only while that folder is protected. What a record
 * says, and when it is believed, is link_records.ts's job; this file only keeps the files.
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { NativeLibrary } from "../native_library.ts";
import {
  CREATE_ALWAYS,
  FILE_SHARE_READ,
  GENERIC_READ,
  GENERIC_WRITE,
  isValidHandle,
  kernel32RecordSymbols,
  OPEN_EXISTING,
} from "./kernel32_ffi.ts";
import {
  ensureProtectedWindowsFolder,
  programDataFolder,
  protectedFolderProblem,
} from "./program_data.ts";
import { system32Path } from "./system_root.ts";
import { wideString } from "./wide.ts";
import { WIN32 } from "./hresult.ts";
const { ERROR_ALREADY_EXISTS } = WIN32;

/**
 * Reads, writes and deletes one folder's record files by name.
 *
 * @example
 * ```ts
 * import type { RecordFiles } from "./record_files.ts";
 *
 * function copy(from: RecordFiles, to: RecordFiles, name: string): void {
 *   const text = from.read(name);
 *   if (text === undefined) to.remove(name);
 *   else to.write(name, text);
 * }
 * ```
 */
export interface RecordFiles {
  /** The file's text, or undefined when there is none. */
  read(name: string): string | undefined;
  /** Writes the file whole (a reader sees the old text or the new, never half). */
  write(name: string, text: string): void;
  /** Deletes the file; none is fine. */
  remove(name: string): void;
}

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

/**
 * Record files in `folder` through kernel32 (Windows).
 *
 * @example
 * ```ts
 * import { kernel32RecordFiles } from "./record_files.ts";
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
      if (!isValidHandle(handle)) return undefined;
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
      if (!isValidHandle(handle)) fail("CreateFileW", temporary);
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
 * import { folderRecordFiles } from "./record_files.ts";
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
 * import { programDataRecordFiles } from "./record_files.ts";
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
