/**
 * The lock file itself (lib/state/lock_file.ts): made 0600 in a folder made for it, the
 * fixed-size holder record written and read back, blanked, and cut when a subject is too long;
 * what a holder records, and which records name a holder.
 */
import assert from "node:assert/strict";
import {
  blankHolder,
  holderFor,
  type LockHolder,
  openLockFile,
  readLockHolder,
  recordedHolder,
  writeHolder,
} from "../../lib/state/lock_file.ts";

const posix = Deno.build.os !== "windows";

function withTemp(fn: (dir: string) => void) {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-lock-file-" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const holder: LockHolder = {
  pid: 4242,
  start: "12345",
  command: "apply",
  subject: "/etc/bindlink.json",
  since: "2025-01-02T03:04:05.000Z",
};

Deno.test("a missing lock file is made, with its missing folders, and runs the check on it", () => {
  withTemp((dir) => {
    const path = `${dir}/state/deeper/lock`;
    const checked: string[] = [];
    using file = openLockFile(path, (_file, at) => checked.push(at));
    assert.deepEqual(checked, [path]);
    assert.ok(Deno.statSync(path).isFile);
    file.writeSync(new Uint8Array([1]));
    if (posix) {
      // Umask may take bits away but never adds any: only the owner can ever read or write.
      assert.equal(Deno.statSync(path).mode! & 0o077, 0);
      assert.equal(Deno.statSync(`${dir}/state`).mode! & 0o077, 0);
    }
  });
});

Deno.test("a lock file whose check throws is refused and closed", () => {
  withTemp((dir) => {
    const path = `${dir}/lock`;
    let seen: Deno.FsFile | undefined;
    assert.throws(
      () =>
        openLockFile(path, (file) => {
          seen = file;
          throw new Error("not ours");
        }),
      /not ours/,
    );
    // The handle the check saw was closed before the error went on.
    assert.throws(() => seen!.statSync(), Deno.errors.BadResource);
  });
});

Deno.test("the holder record reads back as written, in one 1 KiB record ending in a newline", () => {
  withTemp((dir) => {
    const path = `${dir}/lock`;
    using file = openLockFile(path);
    writeHolder(file, holder);
    assert.deepEqual(readLockHolder(path), holder);
    const bytes = Deno.readFileSync(path);
    assert.equal(bytes.length, 1024);
    assert.equal(bytes[1023], 0x0a);

    // A second, shorter record overwrites the first in place: no tail of the old one is left.
    const next = { pid: 7, command: "create", since: "2025-01-02T03:04:06.000Z" };
    writeHolder(file, next);
    assert.deepEqual(readLockHolder(path), next);
    assert.equal(Deno.statSync(path).size, 1024);
  });
});

Deno.test("a blank record, an empty file, a missing file or foreign text name no holder", () => {
  withTemp((dir) => {
    const path = `${dir}/lock`;
    assert.equal(readLockHolder(path), undefined, "missing");
    using file = openLockFile(path);
    assert.equal(readLockHolder(path), undefined, "empty");
    writeHolder(file, holder);
    writeHolder(file, undefined);
    assert.equal(readLockHolder(path), undefined, "blanked");
    assert.equal(Deno.readTextFileSync(path).trim(), "");
    Deno.writeTextFileSync(path, JSON.stringify({ pid: "4242", command: "apply" }));
    assert.equal(readLockHolder(path), undefined, "a pid that is not a number");
    Deno.writeTextFileSync(path, JSON.stringify({ pid: 4242 }));
    assert.equal(readLockHolder(path), undefined, "no command");
  });
});

Deno.test("a subject too long for the record is cut to 200 characters and marked", () => {
  withTemp((dir) => {
    const path = `${dir}/lock`;
    using file = openLockFile(path);
    const subject = "/srv/" + "x".repeat(2000);
    writeHolder(file, { ...holder, subject });
    const read = readLockHolder(path);
    assert.ok(read, "the cut record still parses");
    assert.equal(read.subject, subject.slice(0, 200) + "...");
    assert.equal(read.pid, holder.pid);
    assert.equal(read.command, holder.command);
    assert.equal(Deno.statSync(path).size, 1024);
  });
});

Deno.test("a holder records this process, its start time and the request; blanking names no one", () => {
  withTemp((dir) => {
    const path = `${dir}/lock`;
    using file = openLockFile(path);
    const facts = { self: () => ({ pid: Deno.pid, start: "s42" }) };
    const mine = holderFor({ command: "remove", subject: "/srv/a" }, facts);
    assert.equal(mine.pid, Deno.pid);
    assert.equal(mine.start, "s42");
    assert.equal(mine.command, "remove");
    assert.equal(mine.subject, "/srv/a");
    assert.ok(!Number.isNaN(Date.parse(mine.since)), mine.since);
    assert.equal(holderFor({ command: "x" }).start, undefined, "no facts, no start time");
    writeHolder(file, mine);
    blankHolder(file);
    assert.equal(readLockHolder(path), undefined);
    assert.equal(Deno.readFileSync(path).length, 1024);
  });
});

Deno.test("a record names its holder only while that process runs with the start it recorded", () => {
  withTemp((dir) => {
    const path = `${dir}/lock`;
    using file = openLockFile(path);
    const other = { ...holder, pid: 4242, start: "s1" };
    const running = { isRunning: (pid: number, start: string) => pid === 4242 && start === "s1" };
    writeHolder(file, other);
    assert.deepEqual(recordedHolder(path, running), other);
    assert.equal(recordedHolder(path), undefined, "no facts to judge it by");
    assert.equal(recordedHolder(path, { isRunning: () => false }), undefined, "gone");
    writeHolder(file, { ...other, start: undefined });
    assert.equal(recordedHolder(path, running), undefined, "no start time recorded");
    writeHolder(file, { ...other, pid: Deno.pid });
    assert.equal(recordedHolder(path, { isRunning: () => true }), undefined, "this process's own");
  });
});
