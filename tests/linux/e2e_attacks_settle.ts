/**
 * The settle step against an unprivileged user (#17, case 3): a `run` killed with `kill -9`
 * leaves the records of its private namespace, naming the mount point it made in the user's
 * folder. The user then puts a symlink where that folder was, to a victim holding a regular
 * file of the same name. The next create settles the dead namespace's records and deletes only
 * what a record describes exactly (its device and inode): here, nothing.
 */
import assert from "node:assert/strict";
import { files, filesBelow, fresh, runCli, runLinkArgs, scratch, sh } from "./e2e_support.ts";
import { asNobody, snapshot, userFolder } from "./e2e_attacker.ts";
import { delay, exists } from "../support/waiting.ts";

/** A link record's file: `=` + the link's name (see lib/linux/records.ts). */
const isRecordFile = (file: string) => file.slice(file.lastIndexOf("/") + 1).startsWith("=");

Deno.test("case 3: a run killed with kill -9, its mount point's folder turned into a symlink to a victim: the next create deletes nothing there", async () => {
  const dir = fresh("atkrun");
  files(dir, ["b/inside.txt", "victim/cfg", "other/o.txt", "back/k.txt"]);
  const home = userFolder(`${dir}/home`);
  userFolder(`${home}/x`);
  const started = `${dir}/started`;
  const records = () => filesBelow("/run/bindlink").filter(isRecordFile).length;
  const recordsBefore = records();
  // setsid: the run is its own process group, killed whole as a terminal's kill -9 would be.
  const child = new Deno.Command("setsid", {
    args: [
      Deno.execPath(),
      ...runLinkArgs(`${home}/x/cfg=${dir}/b`, `echo $$ > ${started}; exec sleep 60`),
    ],
    env: { NO_COLOR: "1", DENO_DIR: `${scratch}/.deno` },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 3000 && !(exists(started) && Deno.readTextFileSync(started)); i++) {
    await delay(10);
  }
  const sleeper = Number(Deno.readTextFileSync(started).trim());
  assert.ok(sleeper > 0, "the run's command started");
  sh("kill", "-9", "--", `-${child.pid}`);
  await child.status;
  for (let i = 0; i < 3000 && exists(`/proc/${sleeper}`); i++) await delay(10);
  assert.ok(!exists(`/proc/${sleeper}`), "the whole group is gone, and its namespace with it");
  assert.equal(records(), recordsBefore + 1, "the killed run's namespace left its record");
  assert.ok(Deno.lstatSync(`${home}/x/cfg`).isDirectory, "and its mount point");
  // The user takes the mount point away and points x at the victim.
  asNobody(`cd '${home}' && rmdir x/cfg && mv x x.old && ln -s '${dir}/victim' x`);
  const before = snapshot(`${dir}/victim`);
  const created = runCli(["create", `${dir}/other`, `${dir}/back`]);
  assert.equal(created.code, 0, created.stderr);
  assert.deepEqual(snapshot(`${dir}/victim`), before, "the victim's cfg is still there, unchanged");
  assert.equal(Deno.readTextFileSync(`${dir}/victim/cfg`), "cfg");
  assert.equal(records(), recordsBefore + 1, "the dead namespace's record was settled");
  assert.equal(runCli(["remove", `${dir}/other`]).code, 0);
});
