/**
 * Writes POSIX ACLs the way `setfacl` does, by setxattr with the kernel's version-2 format,
 * so the trust tests need no extra package. Its own two-symbol view of libc: the library
 * never writes ACLs, so its table has no setxattr.
 */
import { libcPath } from "../../lib/linux/libc_ffi.ts";
import { ACL_TAG, type AclEntry, encodeAcl } from "../../lib/trust/posix_acl.ts";

const EOPNOTSUPP = 95;
const NO_ID = 0xffffffff;

let lib:
  | Deno.DynamicLibrary<{
    setxattr: { parameters: ["buffer", "buffer", "buffer", "usize", "i32"]; result: "i32" };
    __errno_location: { parameters: []; result: "pointer" };
  }>
  | undefined;

function symbols() {
  lib ??= Deno.dlopen(libcPath(), {
    // int setxattr(const char* path, const char* name, const void* value, size_t size, int flags)
    setxattr: { parameters: ["buffer", "buffer", "buffer", "usize", "i32"], result: "i32" },
    // int* __errno_location(void)
    __errno_location: { parameters: [], result: "pointer" },
  });
  return lib.symbols;
}

const z = (text: string) => new TextEncoder().encode(text + "\0");

/** An ACL: the owner, group and other bits of `mode`, named entries (id, perm), a mask. */
export function acl(
  mode: number,
  named: { user?: [number, number][]; group?: [number, number][] },
  mask?: number,
): AclEntry[] {
  const entries: AclEntry[] = [{ tag: ACL_TAG.USER_OBJ, perm: (mode >> 6) & 7, id: NO_ID }];
  for (const [id, perm] of named.user ?? []) entries.push({ tag: ACL_TAG.USER, perm, id });
  entries.push({ tag: ACL_TAG.GROUP_OBJ, perm: (mode >> 3) & 7, id: NO_ID });
  for (const [id, perm] of named.group ?? []) entries.push({ tag: ACL_TAG.GROUP, perm, id });
  const all = [...(named.user ?? []), ...(named.group ?? [])];
  // The kernel wants a mask once there are named entries; like setfacl, the union by default.
  if (all.length || mask !== undefined) {
    const union = all.reduce((m, [, p]) => m | p, (mode >> 3) & 7);
    entries.push({ tag: ACL_TAG.MASK, perm: mask ?? union, id: NO_ID });
  }
  entries.push({ tag: ACL_TAG.OTHER, perm: mode & 7, id: NO_ID });
  return entries;
}

/** Sets the access (or default) ACL of `path`; throws when the file system keeps none. */
export function setAcl(path: string, entries: AclEntry[], which: "access" | "default" = "access") {
  const value = encodeAcl(entries);
  const name = z(`system.posix_acl_${which}`);
  const result = symbols().setxattr(z(path), name, value, BigInt(value.length), 0);
  if (result !== 0) {
    const where = symbols().__errno_location()!;
    const code = new Deno.UnsafePointerView(where).getInt32();
    throw new Error(
      code === EOPNOTSUPP
        ? `the file system of ${path} keeps no POSIX ACLs`
        : `setxattr(${path}, system.posix_acl_${which}) failed with errno ${code}`,
    );
  }
}

/** A folder for ACL tests: under the temp folder, or on /dev/shm (tmpfs) when that has none. */
export function aclTempDir(prefix: string): string {
  for (const base of [undefined, "/dev/shm"]) {
    const dir = Deno.makeTempDirSync({ prefix, dir: base });
    try {
      setAcl(dir, acl(0o755, {}));
      return dir;
    } catch {
      Deno.removeSync(dir, { recursive: true });
    }
  }
  throw new Error("neither the temp folder nor /dev/shm keeps POSIX ACLs");
}

/** Closes the library (for the leak check of Deno.test). */
export function closeAclLibrary(): void {
  lib?.close();
  lib = undefined;
}
