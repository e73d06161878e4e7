/**
 * The platform of an operating system that has no bind link backend: every call explains so.
 *
 * @module
 */
import path from "./posix_path.ts";
import { BindLinkError } from "./errors.ts";
import { currentFolder, identityIsBelow, identityOf, type PathRules } from "./paths.ts";
import type { Platform } from "./platform.ts";

// Plain POSIX rules, never another backend's: every OS Deno runs on without a backend here
// (macOS, the BSDs, Solaris, Android...) is POSIX, and these rules only shape the error
// messages, since nothing here ever reaches a system call.
const hostPathRules: PathRules = {
  resolve(input, _role, cwd) {
    const resolved = path.posix.resolve(currentFolder(cwd), input);
    return { text: resolved, identity: resolved, shown: resolved };
  },
  isAbsolute: (input) => input.startsWith("/"),
  identify: (p) => p,
  isBelow: (child, parent) =>
    identityIsBelow(identityOf(hostPathRules, child), identityOf(hostPathRules, parent), "/"),
  same: (a, b) => identityOf(hostPathRules, a) === identityOf(hostPathRules, b),
  realPlace: (p) => p,
};

/** A platform whose every operation fails with `unsupported-platform`, naming `os`. */
export function unsupportedPlatform(os: string): Platform {
  const refuse = (
    spec: { virtualPath?: string; backingPath?: string },
    op: "create" | "remove" | "list",
  ) => {
    throw new BindLinkError({
      code: "unsupported-platform",
      operation: op,
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
      summary: `bindlink has no backend for ${os}`,
      hint: "Bind links work on Windows 11 24H2 / Windows Server 2025 and later; " +
        "bindlink also maps them to bind mounts on Linux.",
    });
  };
  return {
    name: "unsupported",
    paths: hostPathRules,
    reportsExceptions: false,
    privateRun: false,
    cwd: () => Deno.cwd(),
    createSync: (spec) => refuse(spec, "create"),
    create: (spec) => Promise.resolve().then(() => refuse(spec, "create")),
    checkCreateSync: (spec) => refuse(spec, "create"),
    checkCreate: (spec) => Promise.resolve().then(() => refuse(spec, "create")),
    removeSync: (virtualPath) => refuse({ virtualPath }, "remove"),
    remove: (virtualPath) => Promise.resolve().then(() => refuse({ virtualPath }, "remove")),
    listSync: () => refuse({}, "list"),
    list: () => Promise.resolve().then(() => refuse({}, "list")),
    // Nothing runs here that a Ctrl+C could be meant for.
    forwardsInterrupt: () => false,
    close: () => {},
  };
}
