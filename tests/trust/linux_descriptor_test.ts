/**
 * What the Linux trust rule reads of one file or folder through a descriptor it opened
 * (lib/trust/linux_descriptor.ts): owner, group, mode with the set-id and sticky bits, type,
 * both POSIX ACLs and the bytes; and how it refuses a symlink, a file where a folder was asked
 * for, a missing name and a FIFO. Real files, as root on Linux (chown needs it).
 */
import assert from "node:assert/strict";
import {
  closeEntry,
  type OpenedEntry,
  openEntry,
  readEntry,
  wasReplaced,
} from "../../lib/trust/linux_descriptor.ts";
import { parseAcl } from "../../lib/trust/posix_acl.ts";
import { acl, aclTempDir, closeAclLibrary, setAcl } from "../support/set_acl.ts";

const root = Deno.build.os === "linux" && Deno.uid() === 0;
const NOBODY = 65534;

function withTree(fn: (dir: string) => void) {
  const dir = aclTempDir("bindlink-descriptor-");
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
    closeAclLibrary();
  }
}

function withEntry<T>(entry: OpenedEntry, fn: (entry: OpenedEntry) => T): T {
  try {
    return fn(entry);
  } finally {
    closeEntry(entry);
  }
}

/** What the error thrown by `fn` is: its class name, and whether it counts as replaced. */
function failure(fn: () => unknown): { name: string; replaced: boolean } {
  try {
    fn();
  } catch (error) {
    return { name: (error as Error).constructor.name, replaced: wasReplaced(error) };
  }
  assert.fail("it opened");
}

Deno.test({
  name: "a file's owner, group, full mode, type, ACL and bytes come from its descriptor",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const path = `${dir}/bindlink.json`;
      Deno.writeTextFileSync(path, '{"links":[]}');
      Deno.chownSync(path, NOBODY, 123);
      Deno.chmodSync(path, 0o4751); // chmod after chown: chown clears set-user-ID
      const entries = acl(0o751, { user: [[NOBODY, 6]] });
      setAcl(path, entries);
      withEntry(openEntry(-1, path, false), (entry) => {
        assert.equal(entry.uid, NOBODY);
        assert.equal(entry.gid, 123);
        // The ACL's mask shows as the group bits: rw- from the named entry's union with r-x.
        assert.equal(entry.mode, 0o4771);
        assert.equal(entry.isFile, true);
        assert.equal(entry.isDirectory, false);
        assert.deepEqual(parseAcl(entry.accessAcl!), entries);
        assert.equal(entry.defaultAcl, undefined, "a file has no default ACL to read");
        assert.equal(new TextDecoder().decode(readEntry(entry, path)), '{"links":[]}');
      });
    }),
});

Deno.test({
  name: "a folder's sticky bit and default ACL are read; a name below it opens by its descriptor",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const site = `${dir}/site`;
      Deno.mkdirSync(site);
      Deno.chmodSync(site, 0o1777);
      const defaults = acl(0o755, { group: [[NOBODY, 5]] });
      setAcl(site, defaults, "default");
      Deno.writeTextFileSync(`${dir}/f`, "abc");
      Deno.chmodSync(`${dir}/f`, 0o600);
      withEntry(openEntry(-1, site, true), (entry) => {
        assert.equal(entry.mode, 0o1777);
        assert.equal(entry.isDirectory, true);
        assert.equal(entry.isFile, false);
        assert.deepEqual(parseAcl(entry.defaultAcl!), defaults);
        assert.equal(entry.accessAcl, undefined, "no access ACL beyond the mode bits");
        assert.throws(() => readEntry(entry, site), /is not a regular file/);
      });
      withEntry(openEntry(-1, dir, true), (entry) => {
        assert.equal(entry.defaultAcl, undefined, "a folder with no default ACL");
        withEntry(openEntry(entry.fd, "f", false), (file) => {
          assert.equal(file.mode, 0o600);
          assert.equal(file.accessAcl, undefined, "no ACL beyond the mode bits");
          assert.equal(new TextDecoder().decode(readEntry(file, "f")), "abc");
        });
      });
    }),
});

Deno.test({
  name: "a symlink or a file asked for as a folder counts as replaced; a missing name is NotFound",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      Deno.mkdirSync(`${dir}/real`);
      Deno.writeTextFileSync(`${dir}/real/f`, "x");
      Deno.symlinkSync(`${dir}/real`, `${dir}/link`);
      Deno.symlinkSync(`${dir}/real/f`, `${dir}/flink`);
      assert.deepEqual(failure(() => openEntry(-1, `${dir}/link`, true)), {
        name: "SystemCallError",
        replaced: true,
      });
      assert.deepEqual(failure(() => openEntry(-1, `${dir}/flink`, false)), {
        name: "SystemCallError",
        replaced: true,
      });
      assert.deepEqual(failure(() => openEntry(-1, `${dir}/real/f`, true)), {
        name: "SystemCallError",
        replaced: true,
      });
      assert.deepEqual(failure(() => openEntry(-1, `${dir}/none`, false)), {
        name: "NotFound",
        replaced: false,
      });
    }),
});

Deno.test({
  name: "a FIFO in a file's place opens without waiting for a writer, and is not read",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const fifo = `${dir}/bindlink.json`;
      const made = new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
      assert.ok(made.success, new TextDecoder().decode(made.stderr));
      withEntry(openEntry(-1, fifo, false), (entry) => {
        assert.equal(entry.isFile, false);
        assert.equal(entry.isDirectory, false);
        assert.throws(() => readEntry(entry, fifo), /is not a regular file/);
      });
    }),
});
