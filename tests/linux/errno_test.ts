/** Every errno the Linux backend can meet gets a hint that fits it (#8, point 7). */
import assert from "node:assert/strict";
import { ERRNO, explainErrno } from "../../lib/linux/errno.ts";

Deno.test("every known errno has its own meaning, never the catch-all", () => {
  for (const [name, value] of Object.entries(ERRNO)) {
    const meaning = explainErrno(value, "create", { role: "virtual path" });
    assert.doesNotMatch(meaning.summary, /for a reason bindlink does not know/, name);
    assert.ok(meaning.hint.endsWith("."), `${name}: the hint is a sentence`);
  }
  assert.match(explainErrno(9999, "create").summary, /for a reason bindlink does not know/);
});

Deno.test("the hints of issue 8 point the right way", () => {
  const tooLong = explainErrno(ERRNO.ENAMETOOLONG, "create", { role: "virtual path" });
  assert.equal(tooLong.code, "invalid-path");
  assert.match(tooLong.hint, /255 bytes per name/);
  assert.doesNotMatch(tooLong.hint, /folder can only be bound over a folder/);

  const asRoot = explainErrno(ERRNO.EPERM, "create", { role: "mount" });
  assert.doesNotMatch(asRoot.hint, /sudo/, "EPERM as root is not solved by sudo");
  assert.match(asRoot.hint, /\/proc and \/sys refuse mounts/);

  const missingBacking = explainErrno(ERRNO.ENOENT, "create", { role: "backing path" });
  assert.match(missingBacking.summary, /the backing path does not exist/);
  const missingParent = explainErrno(ERRNO.ENOENT, "create", { role: "parent folder" });
  assert.match(missingParent.hint, /Create the parent folder/);

  const rootOverlay = explainErrno(ERRNO.EINVAL, "create", { role: "overlay", merged: true });
  assert.match(rootOverlay.hint, /checks beforehand .* kernel log \(dmesg\)/);

  const readOnlyMerged = explainErrno(ERRNO.EROFS, "create", {
    role: "work folder",
    merged: true,
  });
  assert.match(readOnlyMerged.hint, /add --read-only/);
  assert.doesNotMatch(readOnlyMerged.hint, /missing virtual path/);

  const escape = explainErrno(ERRNO.EXDEV, "create", { role: "exception path" });
  assert.equal(escape.code, "invalid-path");
  assert.match(escape.summary, /leads out of the virtual path/);

  const noSpace = explainErrno(ERRNO.ENOSPC, "create", { role: "work folder" });
  assert.match(noSpace.hint, /mount-max/);
  const oldKernel = explainErrno(ERRNO.ENOSYS, "create");
  assert.equal(oldKernel.code, "not-supported");
  assert.match(explainErrno(ERRNO.EBUSY, "remove").hint, /nested below it first/);
});
