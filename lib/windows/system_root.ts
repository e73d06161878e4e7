/**
 * Where Windows is installed, read without consulting the environment.
 *
 * `%SystemRoot%` is an environment variable the caller controls; an elevated tool that
 * trusted it would load whatever `bindfltapi.dll` the variable pointed at. The kernel maps the
 * real value, read-only, into every process: KUSER_SHARED_DATA lives at the fixed address
 * 0x7FFE0000 on every x64 Windows, and its NtSystemRoot field (WCHAR[260] at offset 0x30) has
 * held the Windows directory since Windows NT.
 *
 * @module
 */
import { fromWide } from "./wide.ts";

const NT_SYSTEM_ROOT = 0x7FFE_0030n;
const NT_SYSTEM_ROOT_CHARS = 260;

/** The Windows directory, for example `C:\Windows`. Only meaningful on Windows. */
export function windowsSystemRoot(): string {
  const pointer = Deno.UnsafePointer.create(NT_SYSTEM_ROOT);
  if (pointer === null) throw new Error("KUSER_SHARED_DATA address is null");
  const view = new Deno.UnsafePointerView(pointer);
  const root = fromWide(new Uint16Array(view.getArrayBuffer(NT_SYSTEM_ROOT_CHARS * 2)));
  if (!/^[A-Za-z]:\\[^\0]*$/.test(root)) {
    throw new Error(`KUSER_SHARED_DATA holds no Windows directory (read ${JSON.stringify(root)})`);
  }
  return root.replace(/\\+$/, "");
}

/** The absolute path of a DLL in the System32 folder. */
export function system32Path(dll: string): string {
  return `${windowsSystemRoot()}\\System32\\${dll}`;
}
