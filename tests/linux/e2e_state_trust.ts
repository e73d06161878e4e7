/**
 * An elevated bindlink never obeys a state folder or record that someone besides root could
 * have written (#18, case 3), end to end: the CLI on its default state folder (/run/bindlink,
 * on the suite's tmpfs /run), an unprivileged attacker as uid 65534.
 */
import assert from "node:assert/strict";
import { linuxProcessFacts } from "../../lib/linux/process.ts";
import { NamespaceState } from "../../lib/linux/namespace_state.ts";
import { createArgs, files, fresh, ls, mountsAt, runCli, sh } from "./e2e_support.ts";

const STATE = "/run/bindlink";
const ATTACKER = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"];

/** A dead intent record of a create in this namespace naming `victim` as a tree it made. */
function forgedIntent(dir: string, victim: string): { name: string; text: string } {
  const key = NamespaceState.current(STATE).key;
  const pid = 999_999; // above the usual pid_max of the suite's machines: never running
  const id = `${key}.${pid}.1.1.forged`;
  const link = {
    virtualPath: `${dir}/Nothing`,
    backingPath: `${dir}/Bar`,
    readOnly: false,
    merged: false,
    exceptions: [],
    createdAt: 0,
  };
  const record = {
    version: 1,
    id,
    operation: "create",
    pid,
    start: "1",
    bootId: linuxProcessFacts().bootId(),
    startedAt: new Date().toISOString(),
    steps: { link, made: [{ path: victim, kind: "directory", tree: true }] },
  };
  return { name: `${id}.intent.json`, text: JSON.stringify(record) };
}

/** A fresh folder with a victim tree, and the state folder made by a real create and remove. */
function setUp(): { dir: string; victim: string } {
  const dir = fresh("s");
  files(dir, ["Foo/Cat.txt", "Bar/Cow.txt", "victim/precious.txt"]);
  const made = runCli(createArgs(`${dir}/Foo`, `${dir}/Bar`));
  assert.equal(made.code, 0, made.stderr);
  assert.equal(runCli(["remove", `${dir}/Foo`]).code, 0);
  return { dir, victim: `${dir}/victim` };
}

/** The next create is refused with `fix`; nothing is mounted and the victim survives. */
function assertRefused(dir: string, victim: string, fix: RegExp): void {
  const out = runCli(createArgs(`${dir}/Foo`, `${dir}/Bar`));
  assert.equal(out.code, 1, out.stdout + out.stderr);
  const { error } = JSON.parse(out.stdout);
  assert.equal(error.code, "untrusted");
  assert.equal(error.operation, "create");
  assert.match(error.message, /bindlink's state cannot be trusted/);
  assert.match(error.message, fix);
  assert.deepEqual(ls(victim), ["precious.txt"], "the victim survives");
  assert.equal(mountsAt(`${dir}/Foo`), 0, "nothing was mounted");
  const listed = runCli(["list", "--json"]);
  assert.notEqual(listed.code, 0, "list says the state cannot be trusted");
  assert.equal(JSON.parse(listed.stdout).error.code, "untrusted");
}

Deno.test("a state folder others can write: a forged record is not obeyed, the fix is named", () => {
  const { dir, victim } = setUp();
  const forged = forgedIntent(dir, victim);
  sh("chmod", "1777", STATE);
  try {
    const [setpriv, ...as] = ATTACKER;
    sh(
      setpriv,
      ...as,
      "sh",
      "-c",
      'printf %s "$1" > "$2"',
      "sh",
      forged.text,
      STATE + "/" + forged.name,
    );
    assert.equal(Deno.statSync(`${STATE}/${forged.name}`).uid, 65534, "the attacker wrote it");
    assertRefused(dir, victim, /\/run\/bindlink is mode 1777, not 0700.*chmod 700 \/run\/bindlink/);
  } finally {
    sh("chmod", "700", STATE);
  }
  // The folder fixed, the record is still the attacker's: refused, never acted on.
  assertRefused(dir, victim, /belongs to uid 65534: bindlink did not write it.*rm /);
  Deno.removeSync(`${STATE}/${forged.name}`);
  const out = runCli(createArgs(`${dir}/Foo`, `${dir}/Bar`));
  assert.equal(out.code, 0, out.stderr);
  assert.equal(runCli(["remove", `${dir}/Foo`]).code, 0);
});

Deno.test("a record that is 0644, not root's, or hard-linked is not believed", () => {
  const { dir, victim } = setUp();
  const forged = forgedIntent(dir, victim);
  const file = `${STATE}/${forged.name}`;
  const cases: [string, () => void, RegExp][] = [
    ["mode 0644", () => Deno.chmodSync(file, 0o644), /is mode 0644, not 0600.*chmod 600 /],
    ["owned by 65534", () => Deno.chownSync(file, 65534, 65534), /belongs to uid 65534/],
    ["hard-linked", () => Deno.linkSync(file, `${STATE}/.other-name`), /has 2 hard links/],
  ];
  for (const [what, spoil, fix] of cases) {
    Deno.writeTextFileSync(file, forged.text, { mode: 0o600 });
    spoil();
    try {
      assertRefused(dir, victim, fix);
    } catch (error) {
      throw new Error(`${what}: ${error}`);
    } finally {
      Deno.removeSync(file);
      if (what === "hard-linked") Deno.removeSync(`${STATE}/.other-name`);
    }
  }
});
