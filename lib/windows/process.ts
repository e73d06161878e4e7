/**
 * {@linkcode ProcessFacts} on Windows, for judging who owns an intent record: a process's
 * start time from GetProcessTimes (so a reused process ID is told apart), whether it still
 * runs from GetExitCodeProcess, and the boot from the creation time of the System process
 * (process 4), which the kernel sets once per boot and a clock change does not move. Where
 * that process cannot be opened (Wine has none), the boot time is computed from
 * GetTickCount64, to the minute.
 *
 * @module
 */
import { NativeLibrary } from "../native_library.ts";
import type { ProcessFacts } from "../state/process_facts.ts";
import { kernel32Symbols } from "./kernel32_ffi.ts";
import { system32Path } from "./system_root.ts";
import { WIN32 } from "./hresult.ts";
const { ERROR_ACCESS_DENIED } = WIN32;

/** OpenProcess access right that any process may ask for on any other (not protected ones). */
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
/** GetExitCodeProcess's answer while a process runs. */
const STILL_ACTIVE = 259;
/** GetLastError after OpenProcess of a process that exists but may not be opened. */
/** The System process, created at boot. */
const SYSTEM_PID = 4;
const FILETIME_PER_MINUTE = 600_000_000n;

type Kernel32 = Deno.DynamicLibrary<typeof kernel32Symbols>["symbols"];

function fileTime(buffer: Uint8Array): bigint {
  return new DataView(buffer.buffer, buffer.byteOffset, 8).getBigUint64(0, true);
}

/** The creation time of an open process, as a FILETIME count, or undefined. */
function creationTime(k32: Kernel32, handle: Deno.PointerValue): bigint | undefined {
  const times = [0, 1, 2, 3].map(() => new Uint8Array(8));
  if (!k32.GetProcessTimes(handle, times[0], times[1], times[2], times[3])) return undefined;
  return fileTime(times[0]);
}

function withProcess<T>(
  k32: Kernel32,
  pid: number,
  use: (handle: Deno.PointerValue) => T,
): T | "denied" | "gone" {
  const handle = k32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
  if (handle === null) {
    return k32.GetLastError() === ERROR_ACCESS_DENIED ? "denied" : "gone";
  }
  try {
    return use(handle);
  } finally {
    k32.CloseHandle(handle);
  }
}

/**
 * The Windows process facts. They open kernel32.dll from System32 by absolute path on first
 * use; `close()` releases it.
 *
 * @example
 * ```ts
 * import { windowsProcessFacts } from "./process.ts";
 *
 * using facts = windowsProcessFacts();
 * const me = facts.self();
 * console.log(facts.isRunning(me.pid, me.start)); // true
 * ```
 */
export function windowsProcessFacts(): ProcessFacts & Disposable & { close(): void } {
  const kernel32 = new NativeLibrary(() =>
    Deno.dlopen(system32Path("kernel32.dll"), kernel32Symbols)
  );
  let boot: string | undefined;
  let self: { pid: number; start: string } | undefined;
  const facts = {
    bootId(): string {
      if (boot !== undefined) return boot;
      const k32 = kernel32.symbols;
      const system = withProcess(k32, SYSTEM_PID, (h) => creationTime(k32, h));
      if (typeof system === "bigint") return boot = `system${system}`;
      const now = new Uint8Array(8);
      k32.GetSystemTimeAsFileTime(now);
      const sinceBoot = BigInt(k32.GetTickCount64()) * 10_000n;
      return boot = `tick${(fileTime(now) - sinceBoot) / FILETIME_PER_MINUTE}`;
    },
    self(): { pid: number; start: string } {
      if (self) return self;
      const k32 = kernel32.symbols;
      const start = creationTime(k32, k32.GetCurrentProcess());
      if (start === undefined) throw new Error("GetProcessTimes failed for this process");
      return self = { pid: Deno.pid, start: String(start) };
    },
    isRunning(pid: number, start: string): boolean {
      if (!Number.isSafeInteger(pid) || pid <= 0 || pid > 0xFFFF_FFFF) return false;
      const k32 = kernel32.symbols;
      const answer = withProcess(k32, pid, (handle) => {
        if (String(creationTime(k32, handle)) !== start) return false; // the ID was reused
        const code = new Uint8Array(4);
        if (!k32.GetExitCodeProcess(handle, code)) return true;
        return new DataView(code.buffer).getUint32(0, true) === STILL_ACTIVE;
      });
      // A process we may not open exists; treat it as the owner rather than undo its work.
      return answer === "denied" ? true : answer === "gone" ? false : answer;
    },
    close(): void {
      kernel32.close();
    },
    [Symbol.dispose](): void {
      kernel32.close();
    },
  };
  return facts;
}
