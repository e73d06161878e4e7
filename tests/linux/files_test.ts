/**
 * lib/linux/files.ts: bindlink's state files through libc, on a temporary folder made by root
 * (the tests run as root, as the state folder's owner would be).
 */
import assert from "node:assert/strict";
import {
  closeHeldFolders,
  currentDirectory,
  entriesOf,
  folderEntries,
  folderNames,
  heldFolderNames,
  makeFolders,
  readLinkText,
  readStateFile,
  removeFile,
  renameFile,
  writeLink,
  writeTextFile,
} from "../../lib/linux/files.ts";
import { O } from "../../lib/linux/libc_constants.ts";
import { cString } from "../../lib/linux/c_string.ts";
import { assertStateFolder, assertStateRecord } from "../../lib/linux/state_trust.ts";
import { closeFd, libc, SystemCallError } from "../../lib/linux/syscall.ts";

const linux = Deno.build.os === "linux";
const root = linux && Deno.uid() === 0;

/** A fresh folder, mode 0700, removed after `use`. */
function inTempFolder(use: (dir: string) => void): void {
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
function makeRawFile(dir: string, name: Uint8Array): void {
  const fd = libc().open(rawPath(dir, name), O.WRONLY | O.CREAT | O.EXCL | O.CLOEXEC, 0o600);
  assert.ok(fd >= 0, "the raw file was made");
  closeFd(fd);
}

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

Deno.test({
  name: "folderNames, folderEntries and entriesOf list every name, UTF-8 or not",
  ignore: !linux,
}, () => {
  inTempFolder((dir) => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1: not UTF-8
    makeRawFile(dir, latin1);
    writeTextFile(`${dir}/plain`, "");
    Deno.mkdirSync(`${dir}/sub`);
    Deno.symlinkSync("plain", `${dir}/link`);
    // Many long names, so that getdents64 needs more than one call to give them all.
    const many = Array.from({ length: 400 }, (_, i) => `${"n".repeat(200)}${i}`);
    for (const name of many) writeTextFile(`${dir}/sub/${name}`, "");

    const fd = libc().open(cString(dir), O.RDONLY | O.DIRECTORY | O.CLOEXEC, 0);
    assert.ok(fd >= 0);
    try {
      const raw = entriesOf(fd, dir);
      const byName = new Map(raw.map((e) => [e.name.join(","), e.type]));
      assert.equal(raw.length, 4, "no . or ..");
      assert.equal(byName.get([...latin1, 0].join(",")), 8, "the Latin-1 name, bytes unchanged");
      assert.equal(byName.get([...new TextEncoder().encode("plain"), 0].join(",")), 8);
      assert.equal(byName.get([...new TextEncoder().encode("sub"), 0].join(",")), 4);
      assert.equal(byName.get([...new TextEncoder().encode("link"), 0].join(",")), 10);
      // The bytes given back open the very file.
      const latin1Entry = raw.find((e) => e.name[3] === 0xe9)!;
      const again = libc().openat(fd, latin1Entry.name, O.RDONLY | O.CLOEXEC, 0);
      assert.ok(again >= 0, "openat takes the name as listed");
      closeFd(again);
    } finally {
      closeFd(fd);
    }

    const entries = folderEntries(dir);
    assert.deepEqual(
      entries.map((e) => [e.name, e.type]).sort(),
      [["caf\uFFFD", 8], ["link", 10], ["plain", 8], ["sub", 4]],
    );
    assert.deepEqual(folderNames(`${dir}/sub`).sort(), many.toSorted());
    assert.deepEqual(folderNames(`${dir}/none`), []);
    assert.deepEqual(folderEntries(`${dir}/none`), []);
    assert.throws(
      () => folderNames(`${dir}/plain`),
      (e) => e instanceof SystemCallError && e.errno === 20, // ENOTDIR
    );
  });
});

Deno.test(
  { name: "folderNames shows the folder's descriptor to verify first", ignore: !root },
  () => {
    inTempFolder((dir) => {
      Deno.mkdirSync(`${dir}/state`, { mode: 0o700 });
      Deno.chmodSync(`${dir}/state`, 0o700);
      writeTextFile(`${dir}/state/one`, "");
      assert.deepEqual(folderNames(`${dir}/state`, assertStateFolder), ["one"]);
      Deno.chmodSync(`${dir}/state`, 0o777);
      assert.throws(() => folderNames(`${dir}/state`, assertStateFolder), /state/);
      let seen = -1;
      folderEntries(`${dir}/state`, (fd) => void (seen = fd));
      assert.ok(seen >= 0, "verify was given the open folder");
    });
  },
);

Deno.test({ name: "currentDirectory is getcwd's answer", ignore: !linux }, () => {
  assert.equal(currentDirectory(), Deno.cwd());
});

Deno.test({
  name: "heldFolderNames judges the folder once, then reads it again from the start each call",
  ignore: !root,
}, () => {
  inTempFolder((dir) => {
    let judged = 0;
    const judge = (fd: number, at: string) => {
      judged++;
      assertStateFolder(fd, at);
    };
    const state = `${dir}/state`;
    assert.deepEqual(heldFolderNames(state, judge), [], "a missing folder has no names");
    assert.equal(judged, 0);
    Deno.mkdirSync(state, { mode: 0o700 });
    writeTextFile(`${state}/a`, "");
    assert.deepEqual(heldFolderNames(state, judge), ["a"]);
    writeTextFile(`${state}/b`, "");
    removeFile(`${state}/a`);
    assert.deepEqual(heldFolderNames(state, judge), ["b"], "the second read sees the change");
    assert.equal(judged, 1, "judged once, when opened");
    closeHeldFolders();
    Deno.chmodSync(state, 0o777);
    assert.throws(() => heldFolderNames(state, judge), /writable by others|mode/);
    assert.equal(judged, 2, "after closeHeldFolders the folder is opened and judged again");
    closeHeldFolders();
  });
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
