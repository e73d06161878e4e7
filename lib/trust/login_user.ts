/**
 * Who started the command, on Linux: the login uid the kernel keeps per session
 * (`/proc/self/loginuid`). `sudo` does not change it and an ordinary user cannot set it, so
 * unlike `SUDO_UID` or any other environment variable it cannot be forged.
 *
 * @module
 */
import { readProcFile } from "../linux/proc.ts";

/** The kernel's "unset" login uid, (uid_t)-1: a process not started from a login session. */
export const UNSET_LOGIN_UID = 4294967295;

/**
 * Parses the text of /proc/self/loginuid: the uid, or undefined when it is unset (services
 * started at boot, containers) or unreadable.
 *
 * @example
 * ```ts
 * import { parseLoginUid } from "./login_user.ts";
 * parseLoginUid("1000");       // 1000
 * parseLoginUid("4294967295"); // undefined
 * ```
 */
export function parseLoginUid(text: string | undefined): number | undefined {
  const value = text?.trim() ?? "";
  if (!/^\d+$/.test(value)) return undefined;
  const uid = Number(value);
  return uid === UNSET_LOGIN_UID ? undefined : uid;
}

/**
 * The login uid of this process, read through libc (Deno refuses /proc reads otherwise), or
 * undefined when there is none. Root logged in directly has login uid 0.
 *
 * @example
 * ```ts
 * import { loginUid } from "./login_user.ts";
 * console.log(loginUid() ?? "no login user");
 * ```
 */
export function loginUid(): number | undefined {
  return parseLoginUid(readProcFile("/proc/self/loginuid"));
}
