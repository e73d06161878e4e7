/**
 * bindlink believes its Linux state only when root alone can change it (#18): the place is
 * checked once per command, each folder and record on the descriptor that reads it.
 */
import assert from "node:assert/strict";
import { libcStateFiles } from "../../lib/linux/files.ts";
import { LinkRecords } from "../../lib/linux/records.ts";
import { UntrustedStateError, verifyStatePlace } from "../../lib/linux/state_trust.ts";
import { IntentStore } from "../../lib/state/intents.ts";
import type { ProcessFacts } from "../../lib/state/process_facts.ts";
import { StateLock } from "../../lib/state/lock.ts";
import { assertStateLockFile } from "../../lib/linux/state_trust.ts";

const asRoot = Deno.build.os === "linux" && Deno.uid() === 0;
const NOBODY = 65534;

const facts: ProcessFacts = {
  bootId: () => "b",
  self: () => ({ pid: Deno.pid, start: "1" }),
  isRunning: () => false,
};

/** A 0700 folder under a fresh root-only temporary folder. */
function stateFolder(): string {
  const top = Deno.makeTempDirSync({ prefix: "bindlink-trust-" });
  Deno.chmodSync(top, 0o755);
  const dir = `${top}/state`;
  Deno.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

function refused(fn: () => unknown, fix: RegExp): UntrustedStateError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof UntrustedStateError, `refused, not ${caught}`);
  assert.equal(caught.code, "untrusted");
  assert.match(caught.message, fix);
  return caught;
}

function writeRecord(records: LinkRecords, at: string): string {
  const file = records.prepare(at);
  const link = { virtualPath: at, backingPath: "/b", readOnly: false, merged: false };
  const record = { version: 1, id: "i", operation: "create", pid: 1, start: "1", bootId: "b" };
  Deno.writeTextFileSync(
    file,
    JSON.stringify({ ...record, steps: { link: { ...link, exceptions: [] }, made: [] } }),
    { mode: 0o600 },
  );
  return file;
}

Deno.test({
  name: "a link record that is not root's alone, 0600 and single-linked is refused, never read",
  ignore: !asRoot,
}, () => {
  const dir = stateFolder();
  const records = new LinkRecords(`${dir}/links`);
  const file = writeRecord(records, "/srv/app");
  assert.equal(records.read("/srv/app")?.steps.link.backingPath, "/b", "a sound one is read");
  Deno.chmodSync(file, 0o644);
  refused(() => records.read("/srv/app"), /is mode 0644, not 0600.*chmod 600 /);
  refused(() => records.all(), /chmod 600/);
  Deno.chmodSync(file, 0o600);
  Deno.chownSync(file, NOBODY, NOBODY);
  refused(() => records.read("/srv/app"), /belongs to uid 65534.*rm /);
  Deno.chownSync(file, 0, 0);
  Deno.linkSync(file, `${dir}/elsewhere`);
  refused(() => records.read("/srv/app"), /has 2 hard links/);
  Deno.removeSync(`${dir}/elsewhere`);
  assert.ok(records.read("/srv/app"), "sound again");
  Deno.chmodSync(`${dir}/links/_srv`, 0o755);
  refused(() => records.all(), /_srv is mode 0755, not 0700.*chmod 700 /);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test({
  name: "intent records and their folder are checked on the descriptor that reads them",
  ignore: !asRoot,
}, () => {
  const dir = stateFolder();
  const store = new IntentStore(dir, facts, { prefix: "k.", files: libcStateFiles });
  const intent = store.begin("create", { made: [{ path: "/victim", tree: true }] });
  assert.equal(store.list().length, 1, "its own record is believed");
  Deno.chownSync(intent.file, NOBODY, NOBODY);
  refused(() => store.list(), /belongs to uid 65534: bindlink did not write it/);
  Deno.chownSync(intent.file, 0, 0);
  Deno.chmodSync(dir, 0o1777);
  refused(() => store.list(), /is mode 1777, not 0700.*chmod 700 /);
  Deno.chmodSync(dir, 0o700);
  intent.finish();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test({
  name: "the state's place: 0700 and root's, reached through root's folders, no symlink",
  ignore: !asRoot,
}, () => {
  const dir = stateFolder();
  const top = dir.slice(0, dir.lastIndexOf("/"));
  assert.equal(verifyStatePlace([dir, `${dir}/ns`], true), true);
  Deno.chmodSync(dir, 0o1777);
  refused(() => verifyStatePlace([dir], false), /mode 1777.*chmod 700 /);
  Deno.chmodSync(dir, 0o700);
  Deno.chownSync(dir, NOBODY, NOBODY);
  refused(() => verifyStatePlace([dir], false), /belongs to uid 65534/);
  Deno.chownSync(dir, 0, 0);
  Deno.mkdirSync(`${dir}/ns`, { mode: 0o700 });
  Deno.chmodSync(`${dir}/ns`, 0o755);
  refused(() => verifyStatePlace([dir, `${dir}/ns`], false), /ns is mode 0755.*chmod 700 /);
  Deno.chmodSync(`${dir}/ns`, 0o700);
  // Above the state folder the trust rule applies: sticky and world-writable is fine while
  // the state folder itself is root's; world-writable without the sticky bit is not.
  Deno.chmodSync(top, 0o1777);
  assert.equal(verifyStatePlace([dir], false), true);
  Deno.chmodSync(top, 0o777);
  refused(() => verifyStatePlace([dir], false), /which every user \(mode 0777\) can change/);
  Deno.chmodSync(top, 0o755);
  Deno.symlinkSync(dir, `${top}/via`);
  refused(() => verifyStatePlace([`${top}/via`], false), /via is a symlink/);
  Deno.symlinkSync(top, `${top}/up`);
  refused(() => verifyStatePlace([`${top}/up/state`], false), /leads through a symlink to /);
  assert.equal(verifyStatePlace([`${top}/missing`], false), false, "nothing there to believe");
  assert.equal(verifyStatePlace([`${top}/made`], true), true);
  assert.equal(Deno.statSync(`${top}/made`).mode! & 0o7777, 0o700, "made root's, 0700");
  Deno.removeSync(top, { recursive: true });
});

Deno.test({
  name: "a lock file that is not root's alone is refused before it is locked",
  ignore: !asRoot,
}, () => {
  const dir = stateFolder();
  Deno.writeTextFileSync(`${dir}/lock`, "", { mode: 0o600 });
  Deno.chownSync(`${dir}/lock`, NOBODY, NOBODY);
  const lock = new StateLock(`${dir}/lock`, { verify: assertStateLockFile });
  let ran = false;
  refused(() => lock.runSync({ command: "create" }, () => ran = true), /belongs to uid 65534/);
  assert.equal(ran, false);
  Deno.removeSync(dir, { recursive: true });
});
