/**
 * The kernel32.dll functions bindlink needs: the system's text for an error code, whether a
 * file exists, loading the bind link DLL with its imports pinned to System32, and the drive
 * letters with their NT device names (to translate what `BfGetMappings` lists).
 *
 * @module
 */

/** kernel32.dll's functions, as `Deno.dlopen` needs them. */
export const kernel32Symbols = {
  /** DWORD FormatMessageW(DWORD, LPCVOID, DWORD, DWORD, LPWSTR, DWORD, va_list*) */
  FormatMessageW: {
    parameters: [
      "u32", // DWORD dwFlags
      "pointer", // LPCVOID lpSource (NULL with FORMAT_MESSAGE_FROM_SYSTEM)
      "u32", // DWORD dwMessageId
      "u32", // DWORD dwLanguageId (0: the user's language)
      "buffer", // LPWSTR lpBuffer
      "u32", // DWORD nSize, in WCHARs
      "pointer", // va_list* Arguments (NULL with FORMAT_MESSAGE_IGNORE_INSERTS)
    ],
    result: "u32", // DWORD: WCHARs written, 0 on failure
  },
  /** DWORD GetFileAttributesW(LPCWSTR lpFileName) */
  GetFileAttributesW: {
    parameters: ["buffer" /* LPCWSTR lpFileName */],
    result: "u32", // DWORD: INVALID_FILE_ATTRIBUTES (0xFFFFFFFF) when missing
  },
  /**
   * HANDLE CreateFileW(LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE):
   * path identity opens folders with FILE_FLAG_BACKUP_SEMANTICS to ask where they lead.
   */
  CreateFileW: {
    parameters: [
      "buffer", // LPCWSTR lpFileName
      "u32", // DWORD dwDesiredAccess
      "u32", // DWORD dwShareMode
      "pointer", // LPSECURITY_ATTRIBUTES lpSecurityAttributes (NULL)
      "u32", // DWORD dwCreationDisposition
      "u32", // DWORD dwFlagsAndAttributes
      "pointer", // HANDLE hTemplateFile (NULL)
    ],
    result: "pointer", // HANDLE: INVALID_HANDLE_VALUE (-1) on failure
  },
  /** BOOL CloseHandle(HANDLE hObject) */
  CloseHandle: {
    parameters: ["pointer" /* HANDLE hObject */],
    result: "i32", // BOOL
  },
  /** DWORD GetFinalPathNameByHandleW(HANDLE, LPWSTR, DWORD, DWORD) */
  GetFinalPathNameByHandleW: {
    parameters: [
      "pointer", // HANDLE hFile
      "buffer", // LPWSTR lpszFilePath
      "u32", // DWORD cchFilePath, in WCHARs
      "u32", // DWORD dwFlags (0: FILE_NAME_NORMALIZED | VOLUME_NAME_DOS)
    ],
    result: "u32", // DWORD: WCHARs written without the NUL, the size needed, or 0 on failure
  },
  /** HANDLE FindFirstFileW(LPCWSTR lpFileName, LPWIN32_FIND_DATAW lpFindFileData) */
  FindFirstFileW: {
    parameters: [
      "buffer", // LPCWSTR lpFileName
      "buffer", // LPWIN32_FIND_DATAW lpFindFileData (592 bytes)
    ],
    result: "pointer", // HANDLE: INVALID_HANDLE_VALUE (-1) when nothing matches
  },
  /** BOOL FindClose(HANDLE hFindFile) */
  FindClose: {
    parameters: ["pointer" /* HANDLE hFindFile */],
    result: "i32", // BOOL
  },
  /** BOOL DeviceIoControl(HANDLE, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPOVERLAPPED) */
  DeviceIoControl: {
    parameters: [
      "pointer", // HANDLE hDevice
      "u32", // DWORD dwIoControlCode
      "pointer", // LPVOID lpInBuffer (NULL)
      "u32", // DWORD nInBufferSize
      "buffer", // LPVOID lpOutBuffer
      "u32", // DWORD nOutBufferSize
      "buffer", // LPDWORD lpBytesReturned
      "pointer", // LPOVERLAPPED lpOverlapped (NULL)
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetVolumePathNamesForVolumeNameW(LPCWSTR, LPWCH, DWORD, PDWORD) */
  GetVolumePathNamesForVolumeNameW: {
    parameters: [
      "buffer", // LPCWSTR lpszVolumeName: \\?\Volume{GUID}\
      "buffer", // LPWCH lpszVolumePathNames: NUL-separated list, double-NUL terminated
      "u32", // DWORD cchBufferLength, in WCHARs
      "buffer", // PDWORD lpcchReturnLength
    ],
    result: "i32", // BOOL
  },
  /** HMODULE LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags) */
  LoadLibraryExW: {
    parameters: [
      "buffer", // LPCWSTR lpLibFileName
      "pointer", // HANDLE hFile (reserved, NULL)
      "u32", // DWORD dwFlags
    ],
    result: "pointer", // HMODULE: NULL on failure
  },
  /** FARPROC GetProcAddress(HMODULE hModule, LPCSTR lpProcName) */
  GetProcAddress: {
    parameters: [
      "pointer", // HMODULE hModule
      "buffer", // LPCSTR lpProcName (NUL-terminated ANSI)
    ],
    result: "pointer", // FARPROC: NULL when not exported
  },
  /** BOOL FreeLibrary(HMODULE hLibModule) */
  FreeLibrary: {
    parameters: ["pointer" /* HMODULE hLibModule */],
    result: "i32", // BOOL
  },
  /** DWORD GetLastError(void) */
  GetLastError: { parameters: [], result: "u32" /* DWORD */ },
  /** HLOCAL LocalFree(HLOCAL hMem): frees what advapi32 allocated (descriptors, SID strings) */
  LocalFree: {
    parameters: ["pointer" /* HLOCAL hMem */],
    result: "pointer", // HLOCAL: NULL on success
  },
  /** BOOL CreateDirectoryW(LPCWSTR lpPathName, LPSECURITY_ATTRIBUTES lpSecurityAttributes) */
  CreateDirectoryW: {
    parameters: [
      "buffer", // LPCWSTR lpPathName
      "buffer", // LPSECURITY_ATTRIBUTES lpSecurityAttributes (the folder's explicit ACL)
    ],
    result: "i32", // BOOL
  },
  /** DWORD GetLogicalDriveStringsW(DWORD nBufferLength, LPWSTR lpBuffer) */
  GetLogicalDriveStringsW: {
    parameters: [
      "u32", // DWORD nBufferLength, in WCHARs, without the final NUL
      "buffer", // LPWSTR lpBuffer: C:\ NUL D:\ NUL ... NUL
    ],
    result: "u32", // DWORD: WCHARs written without the final NUL, or the size needed, 0 on failure
  },
  /** UINT GetDriveTypeW(LPCWSTR lpRootPathName) */
  GetDriveTypeW: {
    parameters: ["buffer" /* LPCWSTR lpRootPathName, such as C:\ */],
    result: "u32", // UINT: DRIVE_* constant
  },
  /** DWORD QueryDosDeviceW(LPCWSTR lpDeviceName, LPWSTR lpTargetPath, DWORD ucchMax) */
  QueryDosDeviceW: {
    parameters: [
      "buffer", // LPCWSTR lpDeviceName, "C:" (no trailing backslash)
      "buffer", // LPWSTR lpTargetPath: NUL-separated list, double-NUL terminated
      "u32", // DWORD ucchMax, in WCHARs
    ],
    result: "u32", // DWORD: WCHARs stored, 0 on failure
  },
  /** HANDLE OpenProcess(DWORD, BOOL, DWORD): who owns an intent record (lib/windows/process.ts) */
  OpenProcess: {
    parameters: [
      "u32", // DWORD dwDesiredAccess
      "i32", // BOOL bInheritHandle
      "u32", // DWORD dwProcessId
    ],
    result: "pointer", // HANDLE: NULL on failure
  },
  /** BOOL GetProcessTimes(HANDLE, LPFILETIME x4) */
  GetProcessTimes: {
    parameters: [
      "pointer", // HANDLE hProcess
      "buffer", // LPFILETIME lpCreationTime
      "buffer", // LPFILETIME lpExitTime
      "buffer", // LPFILETIME lpKernelTime
      "buffer", // LPFILETIME lpUserTime
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode) */
  GetExitCodeProcess: {
    parameters: [
      "pointer", // HANDLE hProcess
      "buffer", // LPDWORD lpExitCode
    ],
    result: "i32", // BOOL
  },
  /** HANDLE GetCurrentProcess(void): the pseudo handle (-1) */
  GetCurrentProcess: { parameters: [], result: "pointer" /* HANDLE */ },
  /** ULONGLONG GetTickCount64(void): milliseconds since boot */
  GetTickCount64: { parameters: [], result: "u64" /* ULONGLONG */ },
  /** void GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime) */
  GetSystemTimeAsFileTime: {
    parameters: ["buffer" /* LPFILETIME lpSystemTimeAsFileTime */],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * kernel32.dll's file calls for bindlink's own link records, a group opened apart from
 * {@linkcode kernel32Symbols} so that only a command that reads or writes records binds them.
 */
export const kernel32RecordSymbols = {
  /** HANDLE CreateFileW(LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE) */
  CreateFileW: kernel32Symbols.CreateFileW,
  /** BOOL CloseHandle(HANDLE hObject) */
  CloseHandle: kernel32Symbols.CloseHandle,
  /** BOOL ReadFile(HANDLE, LPVOID, DWORD, LPDWORD, LPOVERLAPPED) */
  ReadFile: {
    parameters: [
      "pointer", // HANDLE hFile
      "buffer", // LPVOID lpBuffer
      "u32", // DWORD nNumberOfBytesToRead
      "buffer", // LPDWORD lpNumberOfBytesRead
      "pointer", // LPOVERLAPPED lpOverlapped (NULL)
    ],
    result: "i32", // BOOL
  },
  /** BOOL WriteFile(HANDLE, LPCVOID, DWORD, LPDWORD, LPOVERLAPPED) */
  WriteFile: {
    parameters: [
      "pointer", // HANDLE hFile
      "buffer", // LPCVOID lpBuffer
      "u32", // DWORD nNumberOfBytesToWrite
      "buffer", // LPDWORD lpNumberOfBytesWritten
      "pointer", // LPOVERLAPPED lpOverlapped (NULL)
    ],
    result: "i32", // BOOL
  },
  /** BOOL MoveFileExW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName, DWORD dwFlags) */
  MoveFileExW: {
    parameters: [
      "buffer", // LPCWSTR lpExistingFileName
      "buffer", // LPCWSTR lpNewFileName
      "u32", // DWORD dwFlags
    ],
    result: "i32", // BOOL
  },
  /** BOOL DeleteFileW(LPCWSTR lpFileName) */
  DeleteFileW: {
    parameters: ["buffer" /* LPCWSTR lpFileName */],
    result: "i32", // BOOL
  },
  /** BOOL CreateDirectoryW(LPCWSTR, LPSECURITY_ATTRIBUTES): the folder inherits its ACL */
  CreateDirectoryW: kernel32Symbols.CreateDirectoryW,
  /** DWORD GetFileAttributesW(LPCWSTR lpFileName) */
  GetFileAttributesW: kernel32Symbols.GetFileAttributesW,
  /** DWORD GetLastError(void) */
  GetLastError: kernel32Symbols.GetLastError,
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * kernel32.dll's calls for a place's identity (identity.ts, file_queries.ts): where a folder
 * really is, a name's listing entry, a link's stored target, the drives and their devices. A
 * group opened apart, once per process, so that comparing paths binds only these.
 */
export const kernel32PlaceSymbols = {
  /** HANDLE CreateFileW(LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE) */
  CreateFileW: kernel32Symbols.CreateFileW,
  /** BOOL CloseHandle(HANDLE hObject) */
  CloseHandle: kernel32Symbols.CloseHandle,
  /** DWORD GetFinalPathNameByHandleW(HANDLE, LPWSTR, DWORD, DWORD) */
  GetFinalPathNameByHandleW: kernel32Symbols.GetFinalPathNameByHandleW,
  /** HANDLE FindFirstFileW(LPCWSTR lpFileName, LPWIN32_FIND_DATAW lpFindFileData) */
  FindFirstFileW: kernel32Symbols.FindFirstFileW,
  /** BOOL FindClose(HANDLE hFindFile) */
  FindClose: kernel32Symbols.FindClose,
  /** BOOL DeviceIoControl(HANDLE, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPOVERLAPPED) */
  DeviceIoControl: kernel32Symbols.DeviceIoControl,
  /** BOOL GetVolumePathNamesForVolumeNameW(LPCWSTR, LPWCH, DWORD, PDWORD) */
  GetVolumePathNamesForVolumeNameW: kernel32Symbols.GetVolumePathNamesForVolumeNameW,
  /** DWORD GetLogicalDriveStringsW(DWORD nBufferLength, LPWSTR lpBuffer) */
  GetLogicalDriveStringsW: kernel32Symbols.GetLogicalDriveStringsW,
  /** DWORD QueryDosDeviceW(LPCWSTR lpDeviceName, LPWSTR lpTargetPath, DWORD ucchMax) */
  QueryDosDeviceW: kernel32Symbols.QueryDosDeviceW,
  /** UINT GetDriveTypeW(LPCWSTR lpRootPathName) */
  GetDriveTypeW: kernel32Symbols.GetDriveTypeW,
} as const satisfies Deno.ForeignLibraryInterface;

/** LoadLibraryExW: search the module's imports in System32 only. */
export const LOAD_LIBRARY_SEARCH_SYSTEM32 = 0x800;
/** GetDriveTypeW: a removable drive (USB stick). */
export const DRIVE_REMOVABLE = 2;
/** GetDriveTypeW: a fixed disk. */
export const DRIVE_FIXED = 3;
/** GetDriveTypeW: a network drive. */
export const DRIVE_REMOTE = 4;
/** GetDriveTypeW: a RAM disk. */
export const DRIVE_RAMDISK = 6;

/** FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS */
export const FORMAT_MESSAGE_SYSTEM_TEXT = 0x1000 | 0x200;
/** Returned by GetFileAttributesW for a path that cannot be found. */
export const INVALID_FILE_ATTRIBUTES = 0xFFFF_FFFF;

/** CreateFileW access: read the data. */
export const GENERIC_READ = 0x8000_0000;
/** CreateFileW access (and an access right in a DACL): write the data. */
export const GENERIC_WRITE = 0x4000_0000;
/** CreateFileW access: read the security descriptor. */
export const READ_CONTROL = 0x0002_0000;
/** CreateFileW access: read the attributes (what opening a path to ask about it needs). */
export const FILE_READ_ATTRIBUTES = 0x80;
/** CreateFileW sharing: others may read meanwhile. */
export const FILE_SHARE_READ = 0x1;
/** CreateFileW sharing: read, write and delete; never in anyone's way. */
export const FILE_SHARE_ALL = 0x1 | 0x2 | 0x4;
/** CreateFileW: make the file, or empty it when it is there. */
export const CREATE_ALWAYS = 2;
/** CreateFileW: open only what exists. */
export const OPEN_EXISTING = 3;
/** CreateFileW: needed to open a folder. */
export const FILE_FLAG_BACKUP_SEMANTICS = 0x0200_0000;
/** CreateFileW: open a junction or symlink itself, not what it points to. */
export const FILE_FLAG_OPEN_REPARSE_POINT = 0x0020_0000;

/**
 * True for a handle CreateFileW or FindFirstFileW opened: not NULL, not INVALID_HANDLE_VALUE.
 *
 * @example
 * ```ts
 * import { isValidHandle } from "./kernel32_ffi.ts";
 * console.log(isValidHandle(null)); // false
 * ```
 */
export function isValidHandle(handle: Deno.PointerValue): handle is Deno.PointerObject {
  return handle !== null && BigInt(Deno.UnsafePointer.value(handle)) !== 0xFFFF_FFFF_FFFF_FFFFn;
}
