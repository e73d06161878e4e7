/** Scratch folders for the Linux file-layer tests, and files with names that are not UTF-8. */
import assert from "node:assert/strict";
import { AT_FDCWD, O } from "../../lib/linux/libc_constants.ts";
import { closeFd, libc } from "../../lib/linux/syscall.ts";

/** A fresh folder, mode 0700, removed after `use`. */
export function inTempFolder(use: (dir: string) => void): void {
  const dir = Deno.realPathSync(Deno.makeTempDirSync());
  Deno.chmodSync(dir, 0o700);
  try {
    use(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** `dir/` + `name` as a NUL-ended C string, for names that are not UTF-8. */
function rawPath(dir: string, name: Uint8Array): Uint8Array<ArrayBuffer> {
  const head = new TextEncoder().encode(`${dir}/`);
  const path = new Uint8Array(head.length + name.length + 1);
  path.set(head);
  path.set(name, head.length);
  return path;
}

/** Makes the file `dir/name` whatever bytes `name` holds. */
export function makeRawFile(dir: string, name: Uint8Array): void {
  const fd = libc().openat(
    AT_FDCWD,
    rawPath(dir, name),
    O.WRONLY | O.CREAT | O.EXCL | O.CLOEXEC,
    0o600,
  );
  assert.ok(fd >= 0, "the raw file was made");
  closeFd(fd);
}
