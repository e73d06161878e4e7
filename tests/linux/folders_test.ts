/**
 * lib/linux/folders.ts: folders read, and files deleted, through the descriptor bindlink
 * opened and judged, on a temporary folder made by root (as the state folder's owner is).
 */
import assert from "node:assert/strict";
import {
  closeHeldFolders,
  entriesOf,
  folderEntries,
  folderNames,
  heldFolderNames,
  removeNamesWhere,
} from "../../lib/linux/folders.ts";
import { removeFile, writeTextFile } from "../../lib/linux/files.ts";
import { AT_FDCWD, O } from "../../lib/linux/libc_constants.ts";
import { cString } from "../../lib/linux/c_string.ts";
import { assertStateFolder } from "../../lib/linux/state_trust.ts";
import { closeFd, libc, SystemCallError } from "../../lib/linux/syscall.ts";
import { inTempFolder, makeRawFile } from "./temp_folder.ts";

const linux = Deno.build.os === "linux";
const root = linux && Deno.uid() === 0;

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

    const fd = libc().openat(
      AT_FDCWD,
      cString(dir),
      O.RDONLY | O.DIRECTORY | O.CLOEXEC,
      0,
    );
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

Deno.test({
  name: "removeNamesWhere deletes the picked names of the folder it judged, and only those",
  ignore: !root,
}, () => {
  inTempFolder((dir) => {
    const state = `${dir}/state`;
    Deno.mkdirSync(state, { mode: 0o700 });
    for (const name of ["old.1", "old.2", "keep"]) writeTextFile(`${state}/${name}`, "");
    const removed = removeNamesWhere(state, assertStateFolder, (name) => name.startsWith("old."));
    assert.deepEqual(removed.sort(), ["old.1", "old.2"]);
    assert.deepEqual(folderNames(state), ["keep"]);
    assert.deepEqual(removeNamesWhere(`${dir}/none`, assertStateFolder, () => true), []);

    Deno.chmodSync(state, 0o777);
    assert.throws(() => removeNamesWhere(state, assertStateFolder, () => true), /state/);
    assert.deepEqual(folderNames(state), ["keep"], "a folder that fails its check loses nothing");
  });
});

Deno.test({
  name: "removeNamesWhere deletes through the judged descriptor, not the path named again",
  ignore: !root,
}, () => {
  inTempFolder((dir) => {
    const state = `${dir}/state`;
    Deno.mkdirSync(state, { mode: 0o700 });
    writeTextFile(`${state}/old.1`, "");
    let swapped = false;
    const removed = removeNamesWhere(state, assertStateFolder, (name) => {
      if (!swapped) {
        // Between the look and the delete, another folder with the same names takes its place.
        Deno.renameSync(state, `${dir}/judged`);
        Deno.mkdirSync(state, { mode: 0o700 });
        writeTextFile(`${state}/old.1`, "");
        swapped = true;
      }
      return name === "old.1";
    });
    assert.deepEqual(removed, ["old.1"]);
    assert.deepEqual(folderNames(`${dir}/judged`), [], "deleted from the folder that was judged");
    assert.deepEqual(folderNames(state), ["old.1"], "the folder put in its place is untouched");
  });
});

Deno.test({
  name: "removeNamesWhere skips a name already gone, and says which call failed on any other",
  ignore: !root,
}, () => {
  inTempFolder((dir) => {
    const state = `${dir}/state`;
    Deno.mkdirSync(state, { mode: 0o700 });
    writeTextFile(`${state}/old.1`, "");
    // Another command deletes it between the look and the delete: nothing to say.
    const removed = removeNamesWhere(state, assertStateFolder, (name) => {
      Deno.removeSync(`${state}/${name}`);
      return true;
    });
    assert.deepEqual(removed, []);

    Deno.mkdirSync(`${state}/old.2`);
    assert.throws(
      () => removeNamesWhere(state, assertStateFolder, () => true),
      (e) =>
        e instanceof SystemCallError && e.errno === 21 && // EISDIR: a folder is not unlinked
        e.call === `unlinkat(${state}/old.2)`,
    );
    assert.deepEqual(folderNames(state), ["old.2"], "the folder stays");
  });
});
