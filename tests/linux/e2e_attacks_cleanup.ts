/**
 * Root's cleanup against an unprivileged user who owns the folders around a link (#17, cases 1
 * and 2): a merged link's work folder is made next to the backing path, in the user's folder,
 * and its traces are cleaned in the backing path, the user's too. Whatever the user renames,
 * exchanges or swaps for a symlink, `remove` deletes and changes only what bindlink made, and
 * says what it had to leave.
 *
 * The races run twice: deterministically, in the platform's test-only pause between resolving
 * a path and acting on it, and as a loop against a program exchanging two names as fast as it
 * can.
 */
import assert from "node:assert/strict";
import { BindLinkApi, BindLinkError, linuxPlatform } from "../../mod.ts";
import type { ActStep } from "../../lib/linux/test_hooks.ts";
import { api, files, fresh, ls, mountsBelow, stateDir } from "./e2e_support.ts";
import {
  asNobody,
  attribute,
  setAttribute,
  snapshot,
  startExchanging,
  userFolder,
} from "./e2e_attacker.ts";

/** The library with a pause before every step that acts: `attack` runs in it. */
function pausingApi(attack: (step: ActStep, at: string) => void): BindLinkApi {
  return new BindLinkApi(linuxPlatform({ stateDir, testHooks: { beforeAct: attack } }));
}

/** A root-owned victim folder, a user's project folder holding the backing path `up`. */
function ground(prefix: string) {
  const dir = fresh(prefix);
  files(dir, ["app/a.txt", "victim/keep.txt", "victim/work/v1.txt", "victim/work/sub/v2.txt"]);
  const proj = userFolder(`${dir}/proj`);
  asNobody(`mkdir '${proj}/up' && echo u > '${proj}/up/u.txt'`);
  return { dir, proj, victim: `${dir}/victim` };
}

function workFolderIn(folder: string): string {
  const names = ls(folder).filter((n) => n.startsWith(".bindlink-work.up."));
  assert.equal(names.length, 1, `one work folder in ${folder}: ${names}`);
  return names[0];
}

for (const planted of ["a symlink to a victim folder", "a folder of its own"]) {
  Deno.test(`case 1: the work folder is renamed away and ${planted} put there in the pause: nothing else is touched`, async () => {
    const { dir, proj, victim } = ground("atk");
    const before = snapshot(victim);
    const paused: string[] = [];
    const racing = pausingApi((step, at) => {
      if (step !== "delete-tree" || !/\/\.bindlink-work\.up\.[^/]+$/.test(at)) return;
      paused.push(at);
      const put = planted.startsWith("a symlink")
        ? `ln -s '${victim}' '${at}'`
        : `mkdir -p '${at}/work' && echo mine > '${at}/work/v1.txt'`;
      asNobody(`mv '${at}' '${proj}/stolen' && ${put}`);
    });
    await racing.createBindLink(`${dir}/app`, `${proj}/up`, { merged: true });
    const work = `${proj}/${workFolderIn(proj)}`;
    const theirs = planted.startsWith("a symlink") ? undefined : work;
    const error = await racing.removeBindLink(`${dir}/app`).catch((e) => e);
    assert.deepEqual(snapshot(victim), before, "no victim file was deleted or changed");
    assert.deepEqual(paused, [work], "the pause came, at the work folder");
    if (theirs) assert.equal(Deno.readTextFileSync(`${theirs}/work/v1.txt`), "mine\n");
    assert.ok(error instanceof BindLinkError, `remove says what it left: ${error}`);
    assert.equal(error.code, "busy");
    assert.match(error.message, new RegExp(`${work.replaceAll(".", "\\.")}`));
    assert.deepEqual(mountsBelow(dir), [], "the link itself is gone");
    assert.deepEqual(
      ls(`${proj}/stolen`),
      [],
      "what bindlink made was emptied through its descriptor",
    );
    assert.deepEqual(await api.listBindLinks({ path: dir }), []);
  });
}

Deno.test("case 1, looped: a work folder exchanged with a symlink to a victim as fast as can be, 30 rounds", async () => {
  const { dir, proj, victim } = ground("atkloop");
  files(victim, Array.from({ length: 20 }, (_, i) => `work/f${i}.txt`));
  const before = snapshot(victim);
  let swapped = 0;
  let refused = 0;
  for (let round = 0; round < 30; round++) {
    asNobody(`[ -L '${proj}/evil' ] || ln -s '${victim}' '${proj}/evil'`);
    await api.createBindLink(`${dir}/app`, `${proj}/up`, { merged: true });
    const work = workFolderIn(proj);
    const attacker = startExchanging(proj, work, "evil", 5);
    await new Promise((resolve) => setTimeout(resolve, 15));
    const error = await api.removeBindLink(`${dir}/app`).catch((e) => e);
    attacker.kill("SIGTERM");
    await attacker.output();
    // Where the exchanges stopped: the race really ran when the names ended up swapped.
    if (ls(proj).includes("evil") && Deno.lstatSync(`${proj}/evil`).isDirectory) swapped++;
    if (error !== undefined) {
      assert.ok(error instanceof BindLinkError && error.code === "busy", String(error));
      refused++;
    }
    assert.deepEqual(snapshot(victim), before, `round ${round}: the victim is untouched`);
    assert.deepEqual(mountsBelow(dir), [], `round ${round}: the link is gone`);
    // What bindlink left (its own folder, emptied or not) goes before the next round; the
    // symlink, wherever the exchanges left it, is the attacker's `evil` again.
    const names = ls(proj).filter((n) => n === "evil" || n.startsWith(".bindlink"));
    for (const name of names) {
      if (Deno.lstatSync(`${proj}/${name}`).isDirectory) {
        Deno.removeSync(`${proj}/${name}`, { recursive: true });
      }
    }
    for (const name of ls(proj).filter((n) => n.startsWith(".bindlink"))) {
      const at = `${proj}/${name}`;
      if (Deno.lstatSync(at).isSymlink) Deno.renameSync(at, `${proj}/evil`);
    }
  }
  console.log(
    `  ${swapped} rounds ended swapped; ${refused} of 30 removes left something, said so`,
  );
  assert.ok(swapped + refused > 0, "the attacker's exchanges met the removes");
  assert.deepEqual(await api.listBindLinks({ path: dir }), []);
});

Deno.test("case 2: the backing path swapped for a symlink to a victim with a fake whiteout and an opaque folder mark", async () => {
  const { dir, proj, victim } = ground("atkwh");
  Deno.writeTextFileSync(`${dir}/app/gone.txt`, "g");
  const link = await api.createBindLink(`${dir}/app`, `${proj}/up`, { merged: true });
  Deno.removeSync(`${dir}/app/gone.txt`); // through the link: a real whiteout in `up`
  const out = new Deno.Command("mknod", { args: [`${victim}/wh`, "c", "0", "0"] }).outputSync();
  assert.ok(out.success, "mknod");
  setAttribute(`${victim}/keep.txt`, "trusted.overlay.opaque", "y");
  setAttribute(`${victim}/work`, "trusted.overlay.opaque", "y");
  const before = snapshot(victim);
  asNobody(`cd '${proj}' && mv up up.real && ln -s '${victim}' up`);
  const error = await link.remove().catch((e) => e);
  assert.deepEqual(snapshot(victim), before, "the victim's whiteout and marks are untouched");
  assert.equal(attribute(`${victim}/keep.txt`, "trusted.overlay.opaque"), "y");
  assert.ok(error instanceof BindLinkError && error.code === "busy", `says what it left: ${error}`);
  assert.match(error.message, /overlay/);
  assert.deepEqual(mountsBelow(dir), [], "the link itself is gone");
});
