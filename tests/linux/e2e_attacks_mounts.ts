/**
 * Issue 17, cases 4 and 5, as the attacker plays them: a mount moved into a link is never
 * taken down by `remove`, and one place holds one link whatever spelling of its path a
 * create was given: a folder on the way renamed, or swapped with a symlink in a loop by an
 * unprivileged user (uid 65534) while root makes and removes links.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { BindLinkError } from "../../mod.ts";
import { readMountInfo } from "../support/mountinfo.ts";
import { buildAttacker } from "../attacker/build.ts";
import {
  api,
  assertClean,
  files,
  filesBelow,
  fresh,
  ls,
  mountsAt,
  mountsBelow,
  scratch,
  sh,
  stateDir,
} from "./e2e_support.ts";

const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"];

/** Runs `args` as the unprivileged user. */
function asNobody(...args: string[]): void {
  sh(NOBODY[0], ...NOBODY.slice(1), ...args);
}

/** The link records in the state folder, file name to content. */
function records(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of filesBelow(stateDir)) {
    if (!file.includes("/links/")) continue;
    found.set(file, Deno.readTextFileSync(path.join(stateDir, file)));
  }
  return found;
}

Deno.test("a tmpfs moved into a link with mount --move makes remove busy; nothing is taken off", async () => {
  const dir = fresh("moved");
  files(dir, ["Bar/In/bar.txt", "Foo/mine.txt"]);
  // The foreign mount is older than the link: it is moved in, not made inside.
  Deno.mkdirSync(`${dir}/t`);
  sh("mount", "-t", "tmpfs", "foreign-tmpfs", `${dir}/t`);
  Deno.writeTextFileSync(`${dir}/t/theirs.txt`, "theirs");
  await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`);
  sh("mount", "--move", `${dir}/t`, `${dir}/Foo/In`);

  const error = await api.removeBindLink(`${dir}/Foo`).catch((e) => e);
  assert.ok(error instanceof BindLinkError, String(error));
  assert.equal(error.code, "busy", error.message);
  assert.match(error.message, /a mount bindlink did not make/);
  assert.ok(error.message.includes(`${dir}/Foo/In`), error.message);
  assert.match(error.message, /findmnt -R/);
  assert.equal(mountsAt(`${dir}/Foo`), 1, "the link is still there");
  assert.equal(mountsAt(`${dir}/Foo/In`), 1, "the tmpfs is still there");
  assert.equal(Deno.readTextFileSync(`${dir}/Foo/In/theirs.txt`), "theirs");
  assert.deepEqual((await api.listBindLinks({ path: dir })).map((l) => l.virtualPath), [
    `${dir}/Foo`,
  ]);

  // Moved away again, the link comes off, and the tmpfs is untouched where it went.
  Deno.mkdirSync(`${dir}/t2`);
  sh("mount", "--move", `${dir}/Foo/In`, `${dir}/t2`);
  await api.removeBindLink(`${dir}/Foo`);
  assert.deepEqual(ls(`${dir}/Foo`), ["mine.txt"]);
  assert.equal(Deno.readTextFileSync(`${dir}/t2/theirs.txt`), "theirs");
  sh("umount", `${dir}/t2`);
  assertClean(dir);
});

Deno.test("a tmpfs moved inside a link's exception mount makes remove busy too", async () => {
  const dir = fresh("moved");
  files(dir, ["Bar/bar.txt", "Foo/Keep/deep/k.txt"]);
  Deno.mkdirSync(`${dir}/t`);
  sh("mount", "-t", "tmpfs", "foreign-tmpfs", `${dir}/t`);
  await api.createBindLink(`${dir}/Foo`, `${dir}/Bar`, { exceptions: [`${dir}/Foo/Keep`] });
  sh("mount", "--move", `${dir}/t`, `${dir}/Foo/Keep/deep`);
  const error = await api.removeBindLink(`${dir}/Foo`).catch((e) => e);
  assert.equal(error?.code, "busy", String(error));
  assert.equal(mountsAt(`${dir}/Foo/Keep/deep`), 1, "the tmpfs is still there");
  assert.equal(mountsAt(`${dir}/Foo/Keep`), 1, "the exception is still there");
  sh("umount", `${dir}/Foo/Keep/deep`);
  await api.removeBindLink(`${dir}/Foo`);
  assertClean(dir);
});

/** A link at x/real/v, in a folder x that uid 65534 owns; the records as they are then. */
async function linkInUsersFolder(): Promise<{ dir: string; before: ReturnType<typeof records> }> {
  const dir = fresh("place");
  files(dir, ["x/real/v/mine.txt", "Bar/bar.txt", "Other/other.txt"]);
  sh("chown", "-R", "65534:65534", `${dir}/x`);
  await api.createBindLink(`${dir}/x/real/v`, `${dir}/Bar`);
  const before = records();
  return { dir, before };
}

Deno.test("one link per place: a renamed link's place is refused under its new spelling", async () => {
  const { dir, before } = await linkInUsersFolder();
  // The user renames a folder on the path: the link's place now has another spelling.
  asNobody("mv", `${dir}/x/real`, `${dir}/x/moved`);
  asNobody("ln", "-s", "moved", `${dir}/x/sym`);
  for (const spelling of [`${dir}/x/moved/v`, `${dir}/x/sym/v`]) {
    const error = await api.createBindLink(spelling, `${dir}/Other`).catch((e) => e);
    assert.ok(error instanceof BindLinkError, `${spelling}: ${error}`);
    assert.equal(error.code, "already-exists", error.message);
    assert.equal(mountsAt(`${dir}/x/moved/v`), 1, "nothing was stacked on the link");
    assert.deepEqual(records(), before, "the link's record is unchanged");
  }
  // Removable through the place's new spelling.
  await api.removeBindLink(`${dir}/x/sym/v`);
  assert.deepEqual(ls(`${dir}/x/moved/v`), ["mine.txt"]);
  assertClean(dir);
});

Deno.test("one link per place: a live link's record is never overwritten by another link's", async () => {
  const { dir, before } = await linkInUsersFolder();
  // The user moves the linked folder's parent away and makes a new folder at the old path.
  asNobody("mv", `${dir}/x/real`, `${dir}/x/moved`);
  asNobody("mkdir", "-p", `${dir}/x/real/v`);
  const error = await api.createBindLink(`${dir}/x/real/v`, `${dir}/Other`).catch((e) => e);
  assert.ok(error instanceof BindLinkError, String(error));
  assert.equal(error.code, "already-exists", error.message);
  assert.ok(error.message.includes(`now at ${dir}/x/moved/v`), error.message);
  assert.deepEqual(records(), before, "the first link's record is unchanged");
  assert.equal(mountsAt(`${dir}/x/real/v`), 0, "the refused create left no mount");
  assert.deepEqual(ls(`${dir}/x/real/v`), []);
  await api.removeBindLink(`${dir}/x/moved/v`);
  assertClean(dir);
});

Deno.test("a folder on the virtual path exchanged with a symlink in a loop: one link per place, all removable", async () => {
  const dir = fresh("exchange");
  Deno.chmodSync(scratch, 0o755);
  // The user's folder x holds two folders and a symlink; `one` and `s` trade names as fast
  // as the attacker can, so /x/one/v leads to one/v or to two/v from moment to moment.
  files(dir, ["x/one/v/one.txt", "x/two/v/two.txt", "Bar/bar.txt"]);
  Deno.symlinkSync("two", `${dir}/x/s`);
  sh("chown", "-R", "-h", "65534:65534", `${dir}/x`);
  const attacker = `${dir}/exchange`;
  Deno.copyFileSync(buildAttacker("exchange"), attacker);
  Deno.chmodSync(attacker, 0o755);
  const seconds = 40;
  const swapper = new Deno.Command(NOBODY[0], {
    args: [...NOBODY.slice(1), attacker, `${dir}/x`, "one", "s", String(seconds)],
    stdout: "piped",
  }).spawn();
  const spellings = ["one/v", "s/v", "two/v"].map((p) => `${dir}/x/${p}`);
  const counts = { made: 0, refused: 0, removed: 0 };
  const landed = new Set<string>();
  let rounds = 0;
  try {
    for (; rounds < 40; rounds++) {
      // Two creates a round: the second often meets the first link under another spelling.
      for (let i = 0; i < 2; i++) {
        try {
          await api.createBindLink(`${dir}/x/one/v`, `${dir}/Bar`);
          counts.made++;
        } catch (error) {
          assert.ok(error instanceof BindLinkError, String(error));
          assert.ok(["already-exists", "not-found"].includes(error.code), error.message);
          counts.refused++;
        }
      }
      const mounts = readMountInfo().map((m) => m.mountPoint).filter((p) =>
        p.startsWith(dir + "/")
      );
      assert.equal(new Set(mounts).size, mounts.length, `nothing stacked: ${mounts}`);
      assert.ok(mounts.every((p) => p.endsWith("/v")), `only at a place asked for: ${mounts}`);
      assert.equal(records().size, mounts.length, "one record per mount, none overwritten");
      for (const at of mounts) landed.add(at.endsWith("/two/v") ? "two" : "one");
      // Every link comes off through some spelling of its place, while the swapping goes on.
      for (let tries = 0; mountsBelow(dir).length && tries < 200; tries++) {
        try {
          await api.removeBindLink(spellings[tries % spellings.length]);
          counts.removed++;
        } catch (error) {
          assert.ok(error instanceof BindLinkError, String(error));
          assert.equal(error.code, "not-found", error.message);
        }
      }
      assert.deepEqual(mountsBelow(dir), [], `round ${rounds}: every link was removable`);
      assert.equal(records().size, 0, "no record is left");
    }
  } finally {
    swapper.kill("SIGTERM");
    await swapper.status;
  }
  console.log(
    `${rounds} rounds: made ${counts.made}, refused ${counts.refused}, removed ${counts.removed}`,
  );
  assert.ok(counts.made > 0 && counts.made === counts.removed, JSON.stringify(counts));
  assert.deepEqual([...landed].sort(), ["one", "two"], "the race ran: links landed on both");
  const names = ls(`${dir}/x`);
  assert.deepEqual(names, ["one", "s", "two"]);
  const folder = Deno.lstatSync(`${dir}/x/one`).isDirectory ? "one" : "s";
  assert.deepEqual(ls(`${dir}/x/${folder}/v`), ["one.txt"], "nothing left in one/v");
  assert.deepEqual(ls(`${dir}/x/two/v`), ["two.txt"], "nothing left in two/v");
  assert.deepEqual(ls(`${dir}/Bar`), ["bar.txt"]);
  assertClean(dir);
});
