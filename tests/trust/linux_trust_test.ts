/** The trust rule on Linux: owners, mode bits, sticky folders, symlinks, the login user. */
import assert from "node:assert/strict";
import { checkTrustedFile, type TrustOptions } from "../../lib/trust/trusted_file.ts";
import { assertTrustedManifest } from "../../lib/trust/manifest_gate.ts";
import { throwsCode } from "../support/expect_error.ts";

const linux = Deno.build.os === "linux";
const root = linux && Deno.uid() === 0;
const NOBODY = 65534;
const options: TrustOptions = { role: "manifest", operation: "apply", allowUser: true, user: 1000 };

/** A root-owned 0755 folder under /tmp (root-owned, sticky), removed after `fn`. */
function withTree(fn: (dir: string) => void) {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-trust-" });
  Deno.chmodSync(dir, 0o755);
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function file(path: string, mode = 0o644, uid = 0, gid = 0): string {
  Deno.writeTextFileSync(path, '{"links":[]}');
  Deno.chmodSync(path, mode);
  Deno.chownSync(path, uid, gid);
  return path;
}

function folder(path: string, mode = 0o755, uid = 0, gid = 0): string {
  Deno.mkdirSync(path);
  Deno.chmodSync(path, mode);
  Deno.chownSync(path, uid, gid);
  return path;
}

Deno.test({
  name: "a root-owned file in root-owned folders is trusted, also below sticky /tmp",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const manifest = file(`${dir}/bindlink.json`);
      const trusted = checkTrustedFile(manifest, options);
      assert.equal(trusted.realPath, Deno.realPathSync(manifest));
    }),
});

Deno.test({
  name: "a file every user can write is refused, naming the file, who and the fix",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const manifest = file(`${dir}/bindlink.json`, 0o666);
      const error = throwsCode(() => checkTrustedFile(manifest, options), "untrusted");
      assert.match(error.message, new RegExp(`manifest ${manifest}`));
      assert.match(error.message, /every user \(mode 0666\)/);
      assert.match(error.hint, /chmod o-w/);
      assert.equal(error.operation, "apply");
    }),
});

Deno.test({
  name: "a folder on the path owned by another user (uid 65534) is refused",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const sub = folder(`${dir}/theirs`, 0o755, NOBODY, NOBODY);
      const manifest = file(`${sub}/bindlink.json`);
      const error = throwsCode(() => checkTrustedFile(manifest, options), "untrusted");
      assert.match(error.message, new RegExp(`uid ${NOBODY}\\)? can change the folder ${sub}`));
      assert.match(error.hint, /chown root/);
    }),
});

Deno.test({
  name: "a mode 0777 folder lets others rename the file: refused; with the sticky bit: trusted",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const open = folder(`${dir}/open`, 0o777);
      const inOpen = file(`${open}/bindlink.json`);
      const error = throwsCode(() => checkTrustedFile(inOpen, options), "untrusted");
      assert.match(
        error.message,
        new RegExp(`every user \\(mode 0777\\) can change the folder ${open}`),
      );

      const sticky = folder(`${dir}/sticky`, 0o1777);
      const inSticky = file(`${sticky}/bindlink.json`);
      assert.equal(checkTrustedFile(inSticky, options).path, inSticky);
      // In a sticky folder an entry owned by someone else is still theirs to replace.
      const theirs = file(`${sticky}/theirs.json`, 0o644, NOBODY, NOBODY);
      throwsCode(() => checkTrustedFile(theirs, options), "untrusted");
    }),
});

Deno.test({
  name: "group-writable: allowed for group root, refused for another group",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      assert.ok(checkTrustedFile(file(`${dir}/root-group.json`, 0o664, 0, 0), options));
      const other = file(`${dir}/users-group.json`, 0o664, 0, 100);
      const error = throwsCode(() => checkTrustedFile(other, options), "untrusted");
      assert.match(error.message, /members of group .*gid 100/);
    }),
});

Deno.test({
  name: "the login user's own file is trusted for a manifest, not for a program",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const mine = folder(`${dir}/home`, 0o755, 1000, 1000);
      const manifest = file(`${mine}/bindlink.json`, 0o644, 1000, 1000);
      assert.ok(checkTrustedFile(manifest, options));
      const error = throwsCode(
        () =>
          checkTrustedFile(manifest, {
            role: "program",
            operation: "startup",
            allowUser: false,
            user: 1000,
          }),
        "untrusted",
      );
      assert.match(error.message, /program/);
      // Another user is not the login user.
      throwsCode(() => checkTrustedFile(manifest, { ...options, user: 1001 }), "untrusted");
    }),
});

Deno.test({
  name: "symlinks are followed: the real file and its folders are judged, not the link's",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const open = folder(`${dir}/open`, 0o777);
      const target = file(`${open}/real.json`);
      const link = `${dir}/bindlink.json`;
      Deno.symlinkSync(target, link);
      const error = throwsCode(() => checkTrustedFile(link, options), "untrusted");
      assert.match(error.message, new RegExp(`can change the folder ${open}`));

      const good = file(`${dir}/good.json`);
      const goodLink = `${open}/link.json`;
      Deno.symlinkSync(good, goodLink);
      assert.equal(checkTrustedFile(goodLink, options).realPath, Deno.realPathSync(good));
    }),
});

Deno.test({
  name: "a missing manifest is not-found, not untrusted",
  ignore: !linux,
  fn: () => {
    throwsCode(() => checkTrustedFile("/nonexistent/bindlink.json", options), "not-found");
  },
});

Deno.test({
  name: "assertTrustedManifest: checks only when elevated, and --allow-untrusted-manifest skips",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const open = folder(`${dir}/open`, 0o777);
      const manifest = file(`${open}/bindlink.json`);
      assert.deepEqual(assertTrustedManifest(manifest, { elevated: false }), {
        readFrom: manifest,
      });
      assert.deepEqual(
        assertTrustedManifest(manifest, { elevated: true, allowUntrusted: true }),
        { readFrom: manifest },
      );
      const error = throwsCode(
        () => assertTrustedManifest(manifest, { elevated: true, operation: "down", user: 1000 }),
        "untrusted",
      );
      assert.equal(error.operation, "down");
      const mine = file(`${dir}/mine.json`, 0o600, 1000, 1000);
      // Checked: the real path, and the bytes read from the descriptor that was judged.
      assert.deepEqual(assertTrustedManifest(mine, { elevated: true, user: 1000 }), {
        readFrom: Deno.realPathSync(mine),
        bytes: new TextEncoder().encode('{"links":[]}'),
      });
      // As root, this process is elevated: the default asks the system.
      throwsCode(() => assertTrustedManifest(manifest), "untrusted");
    }),
});
