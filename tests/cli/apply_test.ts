/**
 * The manifest commands (apply, status, down, prune, run) driven in-process against the
 * native double: text and JSON output, exit codes, and run's links around a real child. Covers
 * lib/cli/settle_first.ts (create and remove first roll back an apply whose process died).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { main } from "../../cli.ts";
import { progressLine } from "../../lib/cli/manifest_input.ts";
import type { LinkSpec } from "../../lib/platform.ts";
import { Double } from "../support/double.ts";

const isWindows = Deno.build.os === "windows";
const MANIFEST = {
  links: [
    { virtual: "C:\\View", backing: "C:\\Stage\\out", readOnly: true },
    { virtual: "C:\\Stage", backing: "D:\\Data" },
  ],
};

async function setUp() {
  const double = new Double();
  const dir = await Deno.makeTempDir({ prefix: "bindlink-cli-" });
  const stateDir = path.join(dir, "state");
  const file = path.join(dir, "bindlink.json");
  await Deno.writeTextFile(file, JSON.stringify(MANIFEST));
  const cli = async (...args: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
      stdout: (t) => stdout += t,
      stderr: (t) => stderr += t,
      platform: double.api.platform,
      stateDir,
    });
    return { code, stdout, stderr };
  };
  return {
    double,
    dir,
    file,
    stateDir,
    cli,
    // The trust gate is tested in the Linux end-to-end suite; here the manifest's own
    // permissions (a temporary folder) are not the subject.
    withFile: (...args: string[]) => cli(...args, "-f", file, "--allow-untrusted-manifest"),
    [Symbol.asyncDispose]: async () => {
      double[Symbol.dispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("apply: text and JSON, a top-level changed, and a second apply that changes nothing", async () => {
  await using t = await setUp();
  const first = await t.withFile("apply");
  assert.equal(first.code, 0, first.stderr);
  assert.equal(
    first.stdout,
    "  created       C:\\Stage -> D:\\Data\n" +
      "  created       C:\\View -> C:\\Stage\\out (read-only)\n" +
      `Created 2, replaced 0, 0 unchanged (${t.file}).\n`,
  );
  const second = await t.withFile("apply", "--json");
  assert.equal(second.code, 0);
  const json = JSON.parse(second.stdout);
  assert.equal(json.ok, true);
  assert.equal(json.changed, false);
  assert.deepEqual(json.links.map((l: { action: string; index: number }) => [l.index, l.action]), [
    [1, "unchanged"],
    [0, "unchanged"],
  ]);
  assert.equal(
    (await t.withFile("apply")).stdout.split("\n").at(-2),
    `Nothing to do: all 2 links are live as described in ${t.file}.`,
  );
});

Deno.test("apply --dry-run --json says what would change and changes nothing", async () => {
  await using t = await setUp();
  const dry = await t.withFile("apply", "--dry-run", "--json");
  const json = JSON.parse(dry.stdout);
  assert.deepEqual([json.changed, json.dryRun], [true, true]);
  assert.deepEqual(json.links.map((l: { action: string }) => l.action), ["created", "created"]);
  assert.deepEqual(await t.double.api.listBindLinks(), []);
});

Deno.test("apply refuses drift with exit 1 and --replace replaces it", async () => {
  await using t = await setUp();
  t.double.rawCreate("C:\\Stage", "D:\\Old");
  const refused = await t.withFile("apply");
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /\(links\[1\] C:\\Stage shows D:\\Old, not D:\\Data\); nothing was changed\..*--replace/,
  );
  const replaced = await t.withFile("apply", "--replace");
  assert.equal(replaced.code, 0);
  assert.match(replaced.stdout, /replaced +C:\\Stage -> D:\\Data \(it showed D:\\Old\)/);
});

Deno.test("status exits 0 when all is live, 1 with a per-link report otherwise", async () => {
  await using t = await setUp();
  const before = await t.withFile("status");
  assert.equal(before.code, 1);
  assert.match(before.stdout, /^ {2}missing +C:\\View -> C:\\Stage\\out \(read-only\)$/m);
  await t.withFile("apply");
  const ok = await t.withFile("status", "--json");
  assert.equal(ok.code, 0);
  assert.equal(JSON.parse(ok.stdout).ok, true);
  assert.match(
    (await t.withFile("status")).stdout,
    /^All 2 links of .*bindlink\.json are live as described\.$/m,
  );
  t.double.rawRemove("C:\\View");
  t.double.rawCreate("C:\\View", "C:\\Elsewhere");
  const other = await t.withFile("status");
  assert.equal(other.code, 1);
  assert.match(other.stdout, /other backing +C:\\View shows C:\\Elsewhere, not C:\\Stage\\out/);
  assert.match(other.stdout, /^ {2}ok +C:\\Stage -> D:\\Data$/m);
  const json = JSON.parse((await t.withFile("status", "--json")).stdout);
  assert.deepEqual(json.links.map((l: { state: string }) => l.state), ["other-backing", "ok"]);
});

Deno.test("down removes the manifest's links and a second down has nothing to do", async () => {
  await using t = await setUp();
  await t.withFile("apply");
  const down = await t.withFile("down", "--json");
  assert.equal(down.code, 0);
  assert.equal(JSON.parse(down.stdout).changed, true);
  assert.deepEqual(await t.double.api.listBindLinks(), []);
  const again = await t.withFile("down");
  assert.match(again.stdout, /Nothing to remove/);
});

Deno.test("a missing manifest, arguments, and a manifest error are reported with exit codes", async () => {
  await using t = await setUp();
  const missing = await t.cli(
    "apply",
    "-f",
    path.join(t.dir, "none.json"),
    "--allow-untrusted-manifest",
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /the manifest .*none\.json does not exist/);
  assert.equal((await t.withFile("apply", "extra")).code, 2);
  await Deno.writeTextFile(t.file, JSON.stringify({ links: [{ virtual: "C:\\V", backing: 3 }] }));
  const bad = await t.withFile("apply", "--json");
  assert.equal(bad.code, 1);
  const error = JSON.parse(bad.stdout).error;
  assert.equal(error.code, "invalid-argument");
  assert.equal(error.linkIndex, 0);
  assert.equal(error.key, "backing");
  assert.equal(error.file, t.file);
});

Deno.test("prune: nothing to clean up, as text and JSON", async () => {
  await using t = await setUp();
  assert.equal((await t.cli("prune")).stdout, "Nothing to clean up.\n");
  const json = JSON.parse((await t.cli("prune", "--json")).stdout);
  assert.deepEqual([json.ok, json.changed], [true, false]);
});

Deno.test("run makes the links, runs the command with its record in place, removes them, passes the exit code", async () => {
  await using t = await setUp();
  // The child exits 7 when it sees run's intent record, 3 when not.
  const probe = `Deno.exit([...Deno.readDirSync(${JSON.stringify(t.stateDir)})]` +
    `.some((e) => e.name.startsWith("operation.")) ? 7 : 3)`;
  const result = await t.cli(
    "run",
    "-f",
    t.file,
    "--allow-untrusted-manifest",
    "--link",
    "C:\\Extra=D:\\Extra,ro",
    "--",
    Deno.execPath(),
    "eval",
    probe,
  );
  assert.equal(result.code, 7, result.stderr);
  const calls = t.double.linkCalls().map((c) => `${c.fn} ${c.virtualPath}`);
  assert.deepEqual(calls, [
    "CreateBindLink C:\\Stage",
    "CreateBindLink C:\\View",
    "CreateBindLink C:\\Extra",
    "RemoveBindLink C:\\Extra",
    "RemoveBindLink C:\\View",
    "RemoveBindLink C:\\Stage",
  ]);
  assert.deepEqual(await t.double.api.listBindLinks(), []);
  assert.deepEqual([...Deno.readDirSync(t.stateDir)].map((e) => e.name), ["lock"]);
});

Deno.test("run: the links go also when the command fails or cannot start; usage errors", async () => {
  await using t = await setUp();
  const failed = await t.cli(
    "run",
    "--link",
    "C:\\X=D:\\Y",
    "--",
    Deno.execPath(),
    "eval",
    "Deno.exit(42)",
  );
  assert.equal(failed.code, 42);
  const missing = await t.cli("run", "--link", "C:\\X=D:\\Y", "--", "no-such-command-bindlink");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /the command no-such-command-bindlink could not be started/);
  assert.deepEqual(await t.double.api.listBindLinks(), []);
  assert.equal((await t.cli("run", "--link", "C:\\X=D:\\Y")).code, 2, "no command");
  assert.equal((await t.cli("run", "--link", "C:\\X", "--", "x")).code, 2, "no backing");
  assert.equal((await t.cli("run", "stray", "--", "x")).code, 2, "an operand before --");
  if (!isWindows) {
    const twice = await t.cli(
      "run",
      ...["-f", t.file, "--allow-untrusted-manifest", "--link", "C:\\stage=D:\\Z"],
      ...["--", "true"],
    );
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /is the same place as links\[1\]/);
  }
});

Deno.test("the progress line: redrawn in place on a terminal, cleared at the end, silent otherwise", () => {
  let stderr = "";
  const context = {
    stdout: () => {},
    stderr: (t: string) => stderr += t,
    json: false,
    isTerminal: true,
    ownPlatform: false,
    readInput: () => Promise.reject(new Error("no input")),
    platform: () => Promise.reject(new Error("not used")),
  };
  const link = {
    virtualPath: "/v",
    backingPath: "/b",
    readOnly: false,
    merged: false,
    exceptions: [],
  };
  const progress = progressLine(context);
  progress.onProgress!(0, 2, link);
  progress.onProgress!(1, 2, { ...link, virtualPath: "/w" });
  progress.onProgress!(2, 2, link);
  progress.clear();
  progress.clear();
  assert.equal(
    stderr,
    "\r\x1b[K[1/2] linking /v" + "\r\x1b[K[2/2] linking /w" + "\r\x1b[K[2/2] done" + "\r\x1b[K",
  );
  for (const quiet of [{ ...context, isTerminal: false }, { ...context, json: true }]) {
    stderr = "";
    const none = progressLine(quiet);
    assert.equal(none.onProgress, undefined);
    none.clear();
    assert.equal(stderr, "");
  }
});

Deno.test("apply --boot-log: a copy that cannot be read still leaves a failed boot log", async () => {
  await using t = await setUp();
  const { readBootLog } = await import("../../lib/startup/boot_log.ts");
  const log = path.join(t.dir, "boot-log.json");
  const missing = path.join(t.dir, "startup.json");
  const out = await t.cli("apply", "-f", missing, "--boot-log", log, "--allow-untrusted-manifest");
  assert.equal(out.code, 1, out.stdout + out.stderr);
  const last = readBootLog(log);
  assert.equal(last.state, "failed");
  if (last.state !== "failed") return;
  assert.notEqual(last.log.exitCode, 0);
  assert.match(last.log.error ?? "", /startup\.json/);
  assert.equal(t.double.calls().length, 0, "nothing reached the DLL");
});

const STAGE = {
  virtualPath: "C:\\Stage",
  backingPath: "D:\\Data",
  readOnly: false,
  merged: false,
  exceptions: [],
};

/** An apply that made its first link (C:\\Stage) and was killed: its record stays behind. */
async function killedApply(t: Awaited<ReturnType<typeof setUp>>, creates: LinkSpec[]) {
  const { Journal } = await import("../../lib/manifest/journal.ts");
  const { deadFacts } = await import("../manifest/support.ts");
  new Journal(t.stateDir, await deadFacts()).begin("apply", { file: t.file, removes: [], creates });
  await t.double.api.platform.create(STAGE);
}

Deno.test("create and remove first roll back an apply whose process died", async () => {
  await using t = await setUp();
  const platform = t.double.api.platform;
  for (const command of ["create", "remove"] as const) {
    await killedApply(t, [
      STAGE,
      { ...STAGE, virtualPath: "C:\\View", backingPath: "C:\\Stage\\out" },
    ]);
    const out = command === "create"
      ? await t.cli("create", "C:\\Other", "C:\\Bar", "--json")
      : await t.cli("remove", "C:\\Other", "--json");
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.recovered.length, 1, command);
    assert.equal(result.recovered[0].operation, "apply");
    assert.deepEqual(result.recovered[0].removed, ["C:\\Stage"]);
    const live = (await platform.list()).map((l) => l.virtualPath);
    assert.deepEqual(live, command === "create" ? ["C:\\Other"] : [], command);
  }
  const again = await t.cli("create", "C:\\Again", "C:\\Bar");
  assert.equal(again.stderr, "", "nothing is left to clean up");
});

Deno.test("create and remove with a wrong path refuse it before settling anything", async () => {
  await using t = await setUp();
  await killedApply(t, [STAGE]);
  for (const args of [["create", "C:\\Other", "C:\\a*b"], ["remove", "C:\\a*b"]]) {
    const out = await t.cli(...args, "--json");
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.equal(JSON.parse(out.stdout).error.code, "invalid-path", args.join(" "));
  }
  // The killed apply is still there to settle, and its link still live.
  const { Journal } = await import("../../lib/manifest/journal.ts");
  const { deadFacts } = await import("../manifest/support.ts");
  assert.equal(new Journal(t.stateDir, await deadFacts()).list().length, 1);
  assert.deepEqual((await t.double.api.platform.list()).map((l) => l.virtualPath), ["C:\\Stage"]);
});

Deno.test("list shows the links a killed run left, and that prune removes them", async () => {
  await using t = await setUp();
  const { Journal } = await import("../../lib/manifest/journal.ts");
  const { deadFacts } = await import("../manifest/support.ts");
  const platform = t.double.api.platform;
  const link = {
    virtualPath: "C:\\Left",
    backingPath: "C:\\Bar",
    readOnly: true,
    merged: false,
    exceptions: [],
  };
  new Journal(t.stateDir, await deadFacts()).begin("run", { removes: [], creates: [link] });
  await platform.create(link);
  const json = JSON.parse((await t.cli("list", "--json")).stdout);
  assert.equal(json.links.length, 1);
  assert.equal(json.pending.length, 1);
  assert.equal(json.pending[0].operation, "run");
  assert.equal(json.pending[0].state, "dead");
  assert.deepEqual(json.pending[0].made, ["C:\\Left"]);
  const text = await t.cli("list");
  assert.match(text.stdout, /Operations not finished:\n {2}half done {6}run by process \d+/);
  assert.match(text.stdout, /links it made \(1\):\n +C:\\Left\n/);
  assert.match(text.stdout, /prune/);
  assert.equal((await t.cli("prune")).code, 0);
  const after = JSON.parse((await t.cli("list", "--json")).stdout);
  assert.deepEqual([after.links, after.pending], [[], []]);
});
