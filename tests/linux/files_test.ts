/**
 * lib/linux/files.ts: bindlink's state files through libc, on a temporary folder made by root
 * (the tests run as root, as the state folder's owner would be).
 */
import assert from "node:assert/strict";
import {
  currentDirectory,
  makeFolders,
  readLinkText,
  readStateFile,
  removeFile,
  renameFile,
  writeLink,
  writeTextFile,
} from "../../lib/linux/files.ts";
import { assertStateRecord } from "../../lib/linux/state_trust.ts";
import { SystemCallError } from "../../lib/linux/syscall.ts";
import { inTempFolder } from "./temp_folder.ts";

const linux = Deno.build.os === "linux";
const root = linux && Deno.uid() === 0;

Deno.test({ name: "writeTextFile, readStateFile, renameFile, removeFile", ignore: !linux }, () => {
  inTempFolder((dir) => {
    const file = `${dir}/record.json`;
    assert.equal(readStateFile(file), undefined, "a missing file is an answer, not an error");
    assert.equal(readStateFile(`${dir}/record.json/below`), undefined, "so is ENOTDIR");
    writeTextFile(file, '{"a":"é"}');
    assert.equal(Deno.statSync(file).mode! & 0o777, 0o600);
    assert.equal(readStateFile(file), '{"a":"é"}');
    writeTextFile(file, "{}");
    assert.equal(readStateFile(file), "{}", "a shorter text truncates the file");
    writeTextFile(`${dir}/wide`, "x", 0o640);
    assert.equal(Deno.statSync(`${dir}/wide`).mode! & 0o777, 0o640 & ~Deno.umask());
    assert.throws(
      () => writeTextFile(`${dir}/no/such/folder`, "{}"),
      (e) => e instanceof SystemCallError && e.errno === 2,
    );

    renameFile(file, `${dir}/moved.json`);
    assert.equal(readStateFile(file), undefined);
    assert.equal(readStateFile(`${dir}/moved.json`), "{}");
    writeTextFile(file, "new");
    renameFile(`${dir}/moved.json`, file);
    assert.equal(readStateFile(file), "{}", "a rename replaces what was there");
    assert.throws(
      () => renameFile(`${dir}/missing`, file),
      (e) => e instanceof SystemCallError && e.errno === 2,
    );

    assert.equal(removeFile(file), true);
    assert.equal(removeFile(file), false, "nothing left to remove");
    assert.equal(readStateFile(file), undefined);
  });
});

Deno.test(
  { name: "readStateFile reads a file larger than its buffer whole", ignore: !linux },
  () => {
    inTempFolder((dir) => {
      const lines = Array.from({ length: 20_000 }, (_, i) => `entry ${i}`).join("\n");
      assert.ok(lines.length > 2 * 65536);
      writeTextFile(`${dir}/big`, lines);
      assert.equal(readStateFile(`${dir}/big`), lines);
      const exact = "y".repeat(65536);
      writeTextFile(`${dir}/exact`, exact);
      assert.equal(readStateFile(`${dir}/exact`), exact);
      writeTextFile(`${dir}/small`, "z");
      assert.equal(readStateFile(`${dir}/small`), "z", "nothing of the longer read remains");
    });
  },
);

Deno.test({
  name: "readStateFile shows the descriptor to verify, never through a symlink",
  ignore: !root,
}, () => {
  inTempFolder((dir) => {
    writeTextFile(`${dir}/record`, "{}");
    assert.equal(readStateFile(`${dir}/record`, assertStateRecord), "{}");
    Deno.chmodSync(`${dir}/record`, 0o644);
    assert.throws(() => readStateFile(`${dir}/record`, assertStateRecord), /record/);
    Deno.chmodSync(`${dir}/record`, 0o600);
    Deno.symlinkSync(`${dir}/record`, `${dir}/link`);
    assert.throws(
      () => readStateFile(`${dir}/link`, assertStateRecord),
      (e) => e instanceof SystemCallError && e.errno === 40, // ELOOP: O_NOFOLLOW
    );
    assert.equal(readStateFile(`${dir}/link`), "{}", "without verify a symlink is followed");
  });
});

Deno.test({ name: "makeFolders makes each missing folder, mode 0700", ignore: !linux }, () => {
  inTempFolder((dir) => {
    makeFolders(`${dir}/base`, "a/b/c");
    for (const at of ["base", "base/a", "base/a/b", "base/a/b/c"]) {
      const info = Deno.statSync(`${dir}/${at}`);
      assert.ok(info.isDirectory, at);
      assert.equal(info.mode! & 0o777, 0o700 & ~Deno.umask(), at);
    }
    makeFolders(`${dir}/base`, "a/b/c"); // all there: nothing to do
    makeFolders(`${dir}/base`, "a/d");
    assert.ok(Deno.statSync(`${dir}/base/a/d`).isDirectory);
    writeTextFile(`${dir}/file`, "");
    assert.throws(
      () => makeFolders(`${dir}/file`, "x/y"),
      (e) => e instanceof SystemCallError && e.errno === 20, // ENOTDIR
    );
  });
});

Deno.test({ name: "currentDirectory is getcwd's answer", ignore: !linux }, () => {
  assert.equal(currentDirectory(), Deno.cwd());
});

Deno.test(
  { name: "writeLink makes a symlink once, readLinkText reads its target", ignore: !linux },
  () => {
    inTempFolder((dir) => {
      writeLink(`${dir}/entry`, "/srv/app=1/ü");
      assert.equal(readLinkText(`${dir}/entry`), "/srv/app=1/ü");
      assert.equal(Deno.lstatSync(`${dir}/entry`).isSymlink, true);
      assert.throws(
        () => writeLink(`${dir}/entry`, "/other"),
        (e) => e instanceof SystemCallError && e.errno === 17,
        "an entry that is there is never replaced",
      );
      assert.throws(
        () => writeLink(`${dir}/none/entry`, "/x"),
        (e) => e instanceof SystemCallError && e.errno === 2,
      );
      assert.equal(readLinkText(`${dir}/missing`), undefined);
      writeTextFile(`${dir}/plain`, "x");
      assert.equal(readLinkText(`${dir}/plain`), undefined, "a file that is not a symlink");
      Deno.symlinkSync("b", `${dir}/a`);
      Deno.symlinkSync("a", `${dir}/b`);
      assert.throws(
        () => readLinkText(`${dir}/a/x`),
        (e) =>
          e instanceof SystemCallError && e.errno === 40 && /readlink\(.*\/a\/x\)/.test(e.message),
        "any other failure is said, with the call and the path",
      );
    });
  },
);
