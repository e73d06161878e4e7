/**
 * What the CLI says, end to end (#19): the paths a symlink led to, a name with a newline in
 * the list table, and prune reporting the mount point a killed `run` left.
 */
import assert from "node:assert/strict";
import { readProcFile } from "../../lib/linux/proc.ts";
import { fresh, runCli, runLinkArgs, scratch, sh } from "./e2e_support.ts";
import { delay, exists } from "../support/waiting.ts";

Deno.test("create and remove through symlinks name both places, as list shows the link", () => {
  const dir = fresh();
  Deno.mkdirSync(`${dir}/v`);
  Deno.mkdirSync(`${dir}/x`);
  Deno.symlinkSync(`${dir}/v`, `${dir}/vl`);
  Deno.symlinkSync(`${dir}/x`, `${dir}/xl`);
  const created = runCli(["create", `${dir}/vl`, `${dir}/xl`]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(
    created.stdout,
    `Created bind link ${dir}/vl (-> ${dir}/v) -> ${dir}/xl (-> ${dir}/x)\n`,
  );
  assert.match(runCli(["list", dir]).stdout, new RegExp(`^${dir}/v +${dir}/x +-$`, "m"));
  const removed = runCli(["remove", `${dir}/vl`]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(removed.stdout, `Removed bind link at ${dir}/vl (-> ${dir}/v)\n`);
});

Deno.test("a path with a newline stays on its row of list's table, escaped; JSON has it as it is", () => {
  const dir = fresh();
  const odd = `${dir}/a\nb\u2028`;
  Deno.mkdirSync(odd);
  Deno.mkdirSync(`${dir}/x`);
  assert.equal(runCli(["create", odd, `${dir}/x`]).code, 0);
  try {
    const text = runCli(["list", dir]).stdout;
    assert.equal(text.split("\n").length, 3, text);
    assert.ok(text.includes(`${dir}/a\\nb\\u2028 `), text);
    const json = JSON.parse(runCli(["list", dir, "--json"]).stdout);
    assert.equal(json.links[0].virtualPath, odd);
  } finally {
    runCli(["remove", odd]);
  }
});

/** Starts `bindlink run` making `<dir>/new` (absent: bindlink makes its mount point). */
async function waitingRun(dir: string) {
  const script = `echo $$ > ${dir}/pid; while [ ! -e ${dir}/go ]; do sleep 0.02; done`;
  const child = new Deno.Command(Deno.execPath(), {
    args: runLinkArgs(`${dir}/new=${dir}/x`, script),
    env: { NO_COLOR: "1", DENO_DIR: `${scratch}/.deno` },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 3000 && !exists(`${dir}/pid`); i++) await delay(10);
  const pid = Number(Deno.readTextFileSync(`${dir}/pid`).trim());
  const stat = readProcFile(`/proc/${pid}/stat`)!;
  const inner = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  return { child, pid, inner };
}

/** kill -9 of the bindlink inside run's namespace; its command then ends on its own. */
async function killInnerRun(dir: string): Promise<void> {
  Deno.mkdirSync(`${dir}/x`, { recursive: true });
  const { child, pid, inner } = await waitingRun(dir);
  sh("kill", "-9", String(inner));
  Deno.writeTextFileSync(`${dir}/go`, "");
  await child.status;
  for (let i = 0; i < 3000 && readProcFile(`/proc/${pid}/stat`); i++) await delay(10);
  Deno.removeSync(`${dir}/go`);
  Deno.removeSync(`${dir}/pid`);
  assert.ok(exists(`${dir}/new`), "the mount point the killed run made is left");
}

Deno.test("prune --dry-run lists the mount point a killed run left; prune deletes it and says so", async () => {
  const dir = fresh();
  await killInnerRun(dir);
  const dry = runCli(["prune", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Would delete 1 path bindlink made for links in a mount namespace/);
  assert.ok(dry.stdout.includes(`\n  ${dir}/new\n`), dry.stdout);
  assert.ok(exists(`${dir}/new`), "a dry run deletes nothing");
  const json = JSON.parse(runCli(["prune", "--dry-run", "--json"]).stdout);
  assert.deepEqual(json.deleted.map((d: { path: string }) => d.path), [`${dir}/new`]);
  assert.equal(json.changed, true);
  const pruned = runCli(["prune"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.doesNotMatch(pruned.stdout, /Nothing to clean up/);
  assert.match(pruned.stdout, /Deleted 1 path bindlink made for links in a mount namespace/);
  assert.ok(pruned.stdout.includes(`\n  ${dir}/new\n`), pruned.stdout);
  assert.ok(!exists(`${dir}/new`));
  assert.equal(runCli(["prune"]).stdout, "Nothing to clean up.\n");
});

Deno.test("the cleanup before create says what it deleted of what a killed run left", async () => {
  const dir = fresh();
  await killInnerRun(dir);
  Deno.mkdirSync(`${dir}/v`);
  const created = runCli(["create", `${dir}/v`, `${dir}/x`]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /Deleted 1 path bindlink made for links in a mount namespace/);
  assert.ok(created.stderr.includes(`\n  ${dir}/new\n`), created.stderr);
  assert.ok(!exists(`${dir}/new`));
  assert.equal(runCli(["remove", `${dir}/v`]).stderr, "");
});
