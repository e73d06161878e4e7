/**
 * The trust rule counts POSIX ACLs: a named user or group entry that can write (its bits and
 * the mask) makes a file or a folder on its path untrusted, unless it names root, the login
 * user or gid 0; a folder's default ACL counts the same way. ACLs are written with setxattr.
 */
import assert from "node:assert/strict";
import { checkTrustedFile, type TrustOptions } from "../../lib/trust/trusted_file.ts";
import { acl, aclTempDir, closeAclLibrary, setAcl } from "../support/set_acl.ts";
import { throwsCode } from "../support/expect_error.ts";

const root = Deno.build.os === "linux" && Deno.uid() === 0;
const NOBODY = 65534;
const LOGIN = 1000;
const options: TrustOptions = {
  role: "manifest",
  operation: "apply",
  allowUser: true,
  user: LOGIN,
  read: true,
};
const TEXT = '{"links":[]}';

/** A root-owned 0755 folder that keeps ACLs, removed after `fn`. */
function withTree(fn: (dir: string) => void) {
  const dir = aclTempDir("bindlink-acl-");
  Deno.chmodSync(dir, 0o755);
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
    closeAclLibrary();
  }
}

function file(path: string, mode = 0o644): string {
  Deno.writeTextFileSync(path, TEXT);
  Deno.chmodSync(path, mode);
  Deno.chownSync(path, 0, 0);
  return path;
}

function folder(path: string, mode = 0o755): string {
  Deno.mkdirSync(path);
  Deno.chmodSync(path, mode);
  Deno.chownSync(path, 0, 0);
  return path;
}

Deno.test({
  name: "ACL: root:root 0644 with user:nobody:rw is refused, naming the entry and setfacl -x",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const manifest = file(`${dir}/bindlink.json`);
      assert.deepEqual(checkTrustedFile(manifest, options).bytes, new TextEncoder().encode(TEXT));
      setAcl(manifest, acl(0o644, { user: [[NOBODY, 6]] }));
      // The mode bits alone now read 0664 with group root, which the old rule accepted.
      assert.equal(Deno.statSync(manifest).mode! & 0o777, 0o664);
      const error = throwsCode(() => checkTrustedFile(manifest, options), "untrusted");
      assert.match(
        error.message,
        /user nobody \(uid 65534\), through its ACL entry user:nobody:rw-/,
      );
      assert.match(error.message, new RegExp(`can change the manifest ${manifest}`));
      assert.match(error.hint, new RegExp(`setfacl -x u:nobody "${manifest}"`));
    }),
});

Deno.test({
  name: "ACL: a named group other than gid 0 that can write is refused",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const manifest = file(`${dir}/bindlink.json`);
      setAcl(manifest, acl(0o644, { group: [[NOBODY, 2]] }));
      const error = throwsCode(() => checkTrustedFile(manifest, options), "untrusted");
      assert.match(
        error.message,
        /the members of group .*gid 65534\), through its ACL entry group:/,
      );
      assert.match(error.hint, /setfacl -x g:/);
    }),
});

Deno.test({
  name: "ACL: an rwx named-user entry on the manifest's folder is refused",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const site = folder(`${dir}/site`);
      const manifest = file(`${site}/bindlink.json`);
      setAcl(site, acl(0o755, { user: [[NOBODY, 7]] }));
      const error = throwsCode(() => checkTrustedFile(manifest, options), "untrusted");
      assert.match(error.message, new RegExp(`user:nobody:rwx .* can change the folder ${site}`));
      assert.match(error.hint, new RegExp(`setfacl -x u:nobody "${site}"`));
    }),
});

Deno.test({
  name: "ACL: a default ACL entry on a folder of the path is refused, with setfacl -d -x",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const site = folder(`${dir}/site`);
      const manifest = file(`${site}/bindlink.json`);
      setAcl(site, acl(0o755, { user: [[NOBODY, 6]] }), "default");
      // The folder's own (access) rights are unchanged: only what is made in it gets the entry.
      assert.equal(Deno.statSync(site).mode! & 0o777, 0o755);
      const error = throwsCode(() => checkTrustedFile(manifest, options), "untrusted");
      assert.match(error.message, /default ACL entry default:user:nobody:rw-/);
      assert.match(error.hint, new RegExp(`setfacl -d -x u:nobody "${site}"`));
    }),
});

Deno.test({
  name: "ACL: an entry the mask takes write from (mask r--) is accepted",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const site = folder(`${dir}/site`);
      const manifest = file(`${site}/bindlink.json`);
      setAcl(manifest, acl(0o644, { user: [[NOBODY, 6]], group: [[NOBODY, 6]] }, 4));
      setAcl(site, acl(0o755, { user: [[NOBODY, 7]] }, 5));
      setAcl(site, acl(0o755, { user: [[NOBODY, 7]] }, 5), "default");
      assert.equal(checkTrustedFile(manifest, options).realPath, Deno.realPathSync(manifest));
    }),
});

Deno.test({
  name: "ACL: named entries for root, the login user and gid 0 are accepted",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const site = folder(`${dir}/site`);
      const manifest = file(`${site}/bindlink.json`);
      const trusted = {
        user: [[0, 7], [LOGIN, 7]] as [number, number][],
        group: [[0, 7]] as [
          number,
          number,
        ][],
      };
      setAcl(manifest, acl(0o644, trusted));
      setAcl(site, acl(0o755, trusted));
      setAcl(site, acl(0o755, trusted), "default");
      assert.equal(checkTrustedFile(manifest, options).realPath, Deno.realPathSync(manifest));
      // The login user is trusted only for what allows them: not for a program run at boot.
      throwsCode(() => checkTrustedFile(manifest, { ...options, allowUser: false }), "untrusted");
    }),
});

Deno.test({
  name: "ACL: with a mask, the owning group's own entry decides, not the mode's group bits",
  ignore: !root,
  fn: () =>
    withTree((dir) => {
      const manifest = file(`${dir}/bindlink.json`);
      Deno.chownSync(manifest, 0, NOBODY);
      // group::r-- but mask rw- (for root's named entry): the mode shows 0664.
      setAcl(manifest, acl(0o644, { user: [[0, 6]] }));
      assert.equal(Deno.statSync(manifest).mode! & 0o777, 0o664);
      assert.ok(checkTrustedFile(manifest, options));
      setAcl(manifest, acl(0o664, { user: [[0, 6]] }));
      const error = throwsCode(() => checkTrustedFile(manifest, options), "untrusted");
      assert.match(error.hint, /chmod g-w/);
    }),
});
