/**
 * The README's Linux examples, run as pasted: each example's files and `run` lines, taken
 * from README.md (tests/support/readme.ts), run as root in an empty folder inside a private
 * mount namespace (tests/support/readme_run.ts), with exactly the flags the README's lines
 * give. Only the package's `jsr:` specifier is pointed at this checkout.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readmeExample, readmeExamples } from "./support/readme.ts";
import {
  describe,
  namespaceSkipReason,
  runInNamespace,
  type ShellRun,
} from "./support/readme_run.ts";

const reason = namespaceSkipReason();
const skipped = (name: string) => reason ? `${name} (skipped: ${reason})` : name;

/** Runs the README's Linux example `name`; asserts each line exits 0 and no mount is left. */
async function runExample(name: string): Promise<ShellRun> {
  const example = readmeExample("linux", name);
  assert.ok(example.commands.length > 0, `the example "${name}" has no run block`);
  const run = await runInNamespace(example.files, example.commands);
  for (const result of run.results) assert.equal(result.code, 0, describe(result));
  assert.deepEqual(run.mountsLeft, [], `the example "${name}" left mounts`);
  return run;
}

// "url" needs a server: tests/url_import_test.ts runs it.
const TESTED = ["errors", "library", "manifest", "scoped", "url"];

Deno.test("every Linux example in the README is run by a test", () => {
  assert.deepEqual([...readmeExamples("linux").keys()].sort(), TESTED);
});

Deno.test({
  name: skipped("README, Library: the Linux example links, reads through the link, unlinks"),
  ignore: reason !== undefined,
  async fn() {
    const { scratch, results } = await runExample("library");
    assert.equal(
      results[0].stdout,
      `${scratch}/app/config -> ${scratch}/configs/staging\nenv = staging\n\n`,
    );
  },
});

Deno.test({
  name: skipped("README, Library: the error example catches not-found on Linux"),
  ignore: reason !== undefined,
  async fn() {
    const { results } = await runExample("errors");
    assert.equal(results[0].stdout, "no bind link at /srv/foo\n");
  },
});

Deno.test({
  name: skipped("README, run: withBindLinks on Linux shows the backing folder to the command"),
  ignore: reason !== undefined,
  async fn() {
    const { results } = await runExample("scoped");
    assert.equal(results.at(-1)!.stdout, "VERSION\n", describe(results.at(-1)!));
  },
});

Deno.test({
  name: skipped("README, Manifests: the Linux manifest applies, lists, is live, and goes down"),
  ignore: reason !== undefined,
  async fn() {
    const { scratch, results } = await runExample("manifest");
    const output = (command: string) => {
      const result = results.find((r) => r.line === command);
      assert.ok(result, `the README's run block has no line "${command}"`);
      return result.stdout;
    };
    assert.match(output("bindlink apply"), /^Created 3\b/m);
    assert.match(output("bindlink status"), /^All 3 links of bindlink\.json are live/m);
    assert.match(output("bindlink down"), /^Removed 3 links\b/m);
    const list = output("bindlink list");
    for (
      const [virtual, backing] of [
        [`${scratch}/app/current`, `${scratch}/releases/v2`],
        [`${scratch}/app/current/fonts`, `${scratch}/shared/fonts`],
        [`${scratch}/build/deps`, "/mnt/fileserver/deps/v42"],
      ]
    ) {
      assert.match(list, new RegExp(`^${virtual} +${backing} `, "m"), list);
    }
  },
});

Deno.test({
  name: skipped("README, CLI: on Linux, list outside a run shows neither its links nor the run"),
  ignore: reason !== undefined,
  async fn() {
    const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
    // The documented flags of the CLI, + --allow-run for run.
    const bindlink = `deno run --allow-ffi --allow-read --allow-write --allow-run ${cli}`;
    const { results } = await runInNamespace(new Map(), [
      "mkdir v b && touch b/from-b",
      // The command lists from inside the run, then waits for the list from outside it.
      `${bindlink} run --link v=b -- sh -c '${bindlink} list --json >inside.json; ` +
      `while [ ! -e outside.json ]; do sleep 0.1; done' & ` +
      `while [ ! -e inside.json ]; do sleep 0.1; done; sleep 1; ` +
      `${bindlink} list --json >outside.json; wait`,
      "cat inside.json",
      "cat outside.json",
    ]);
    for (const result of results) assert.equal(result.code, 0, describe(result));
    const inside = JSON.parse(results[2].stdout);
    assert.deepEqual(inside.links.map((l: { virtualPath: string }) => l.virtualPath.at(-1)), [
      "v",
    ]);
    assert.deepEqual(JSON.parse(results[3].stdout), { ok: true, pending: [], links: [] });
  },
});
