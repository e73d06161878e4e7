/**
 * The attacker of the Linux end-to-end attack files: an unprivileged user (uid 65534) who owns
 * some folders and plants files or races renames there, and what the tests compare before and
 * after (a victim tree's every name, kind, content and overlay attribute).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { libcPath } from "../../lib/linux/libc_ffi.ts";
import { buildAttacker } from "../attacker/build.ts";
import { scratch } from "./e2e_support.ts";

/** The unprivileged user's uid and gid. */
export const NOBODY = 65534;

/** Runs `script` with sh as uid 65534; throws with its stderr when it fails. */
export function asNobody(script: string): void {
  const out = new Deno.Command("setpriv", {
    args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "sh", "-c", script],
    stderr: "piped",
  }).outputSync();
  if (!out.success) {
    throw new Error(`as nobody: ${script}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Makes the folder `at` (and its parents) owned by the unprivileged user. */
export function userFolder(at: string): string {
  Deno.mkdirSync(at, { recursive: true, mode: 0o755 });
  Deno.chownSync(at, NOBODY, NOBODY);
  return at;
}

/** The exchange program (tests/attacker/exchange.c), copied where uid 65534 may run it. */
export function exchangeProgram(): string {
  const copy = path.join(scratch, "attacker-exchange");
  try {
    Deno.statSync(copy);
  } catch {
    Deno.copyFileSync(buildAttacker("exchange"), copy);
    Deno.chmodSync(copy, 0o755);
  }
  return copy;
}

/** Starts exchanging `a` and `b` in `folder` as uid 65534, for at most `seconds`. */
export function startExchanging(
  folder: string,
  a: string,
  b: string,
  seconds: number,
): Deno.ChildProcess {
  return new Deno.Command("setpriv", {
    args: [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      "--clear-groups",
      exchangeProgram(),
      folder,
      a,
      b,
      String(seconds),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

const xattrSymbols = {
  /** int lsetxattr(const char* path, const char* name, const void* value, size_t size, int flags) */
  lsetxattr: { parameters: ["buffer", "buffer", "buffer", "usize", "i32"], result: "i32" },
  /** ssize_t lgetxattr(const char* path, const char* name, void* value, size_t size) */
  lgetxattr: { parameters: ["buffer", "buffer", "buffer", "usize"], result: "isize" },
  /** ssize_t llistxattr(const char* path, char* list, size_t size) */
  llistxattr: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
} as const satisfies Deno.ForeignLibraryInterface;

let xattrLib: Deno.DynamicLibrary<typeof xattrSymbols> | undefined;
const c = (text: string) => new TextEncoder().encode(`${text}\0`);

/** Sets the extended attribute `name` of `file` (not following a symlink) to `value`. */
export function setAttribute(file: string, name: string, value: string): void {
  xattrLib ??= Deno.dlopen(libcPath(), xattrSymbols);
  const bytes = new TextEncoder().encode(value);
  const result = xattrLib.symbols.lsetxattr(c(file), c(name), bytes, BigInt(bytes.length), 0);
  assert.equal(result, 0, `lsetxattr(${file}, ${name})`);
}

/** The value of the extended attribute `name` of `file`, or undefined when it has none. */
export function attribute(file: string, name: string): string | undefined {
  xattrLib ??= Deno.dlopen(libcPath(), xattrSymbols);
  const buffer = new Uint8Array(256);
  const n = Number(xattrLib.symbols.lgetxattr(c(file), c(name), buffer, 256n));
  return n < 0 ? undefined : new TextDecoder().decode(buffer.subarray(0, n));
}

/** The `trusted.overlay.*` attributes of `file` (not following a symlink). */
export function overlayAttributes(file: string): string[] {
  xattrLib ??= Deno.dlopen(libcPath(), xattrSymbols);
  const buffer = new Uint8Array(4096);
  const n = Number(xattrLib.symbols.llistxattr(c(file), buffer, BigInt(buffer.length)));
  if (n <= 0) return [];
  return new TextDecoder().decode(buffer.subarray(0, n)).split("\0")
    .filter((a) => a.startsWith("trusted.overlay."));
}

/** Every name below `dir` (not following symlinks) with its kind, content and overlay marks. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string, prefix: string) => {
    for (const entry of [...Deno.readDirSync(at)].sort((a, b) => a.name < b.name ? -1 : 1)) {
      const full = path.join(at, entry.name);
      const info = Deno.lstatSync(full);
      const opaque = attribute(full, "trusted.overlay.opaque") ?? "-";
      const key = prefix + entry.name;
      if (info.isDirectory) {
        out[key] = `dir ${info.ino} ${opaque}`;
        walk(full, key + "/");
      } else if (info.isFile) {
        out[key] = `file ${info.ino} ${opaque} ${Deno.readTextFileSync(full)}`;
      } else {
        out[key] = `${info.isSymlink ? "symlink" : "other"} ${info.ino} ${opaque}`;
      }
    }
  };
  walk(dir, "");
  return out;
}
