/** `bindlink list`, driven in-process against the native double. */
import assert from "node:assert/strict";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "../../cli.ts";
import { table } from "../../lib/cli/list.ts";
import { runCli } from "../support/cli.ts";
import { Double } from "../support/double.ts";

const run = runCli;

Deno.test("list prints a table of the links, and says so when there is none", async () => {
  using double = new Double();
  assert.deepEqual(await run(double, "list"), {
    code: EXIT_OK,
    stdout: "No bind links.\n",
    stderr: "",
  });
  double.addExisting("C:\\Merged");
  assert.equal((await run(double, "create", "C:\\Foo", "C:\\Bar", "-r")).code, EXIT_OK);
  assert.equal(
    (await run(double, "create", "C:\\Merged", "\\\\nas\\share\\dir", "--merged")).code,
    EXIT_OK,
  );
  const { code, stdout, stderr } = await run(double, "list");
  assert.equal(code, EXIT_OK, stderr);
  assert.equal(
    stdout,
    [
      "VIRTUAL PATH  BACKING PATH     FLAGS",
      "C:\\Foo        C:\\Bar           read-only",
      "C:\\Merged     \\\\nas\\share\\dir  merged",
      "",
    ].join("\n"),
  );
  assert.deepEqual(await run(double, "list", "C:\\Elsewhere"), {
    code: EXIT_OK,
    stdout: "No bind links at or below C:\\Elsewhere.\n",
    stderr: "",
  });
});

Deno.test("list --json reports every link with its paths and flags, and list [path] filters", async () => {
  using double = new Double();
  await run(double, "create", "C:\\data\\a", "C:\\Bar");
  await run(double, "create", "C:\\data\\b", "\\\\srv\\s", "--read-only");
  await run(double, "create", "C:\\other", "C:\\Bar");
  const all = JSON.parse((await run(double, "list", "--json")).stdout);
  assert.equal(all.ok, true);
  assert.deepEqual(
    all.links.map((l: { virtualPath: string }) => l.virtualPath).sort(),
    ["C:\\data\\a", "C:\\data\\b", "C:\\other"],
  );
  const below = JSON.parse((await run(double, "list", "c:/DATA", "--json")).stdout);
  assert.deepEqual(
    below.links.sort((a: { virtualPath: string }, b: { virtualPath: string }) =>
      a.virtualPath < b.virtualPath ? -1 : 1
    ),
    [
      {
        virtualPath: "C:\\data\\a",
        backingPath: "C:\\Bar",
        readOnly: false,
        merged: false,
        exceptions: [],
      },
      {
        virtualPath: "C:\\data\\b",
        backingPath: "\\\\srv\\s",
        readOnly: true,
        merged: false,
        exceptions: [],
      },
    ],
  );
});

Deno.test("list: usage errors exit 2, a failed listing exits 1 with the error as JSON", async () => {
  using double = new Double();
  const usage = await run(double, "list", "C:\\a", "C:\\b");
  assert.equal(usage.code, EXIT_USAGE);
  assert.match(usage.stderr, /list takes at most one path, but got 2 arguments/);
  double.scriptMappings(0x80070005, 0);
  const failed = await run(double, "list", "--json");
  assert.equal(failed.code, EXIT_FAILED);
  const error = JSON.parse(failed.stdout);
  assert.equal(error.ok, false);
  assert.equal(error.error.hresult, "0x80070005");
  assert.match(error.error.message, /^Could not list the bind links/);
  assert.match((await run(double, "help", "list")).stdout, /Usage: bindlink list \[path\]/);
});

Deno.test("the table pads every column but the last", () => {
  assert.equal(
    table([{
      virtualPath: "/a",
      backingPath: "/b",
      readOnly: false,
      merged: false,
      exceptions: ["/a/x", "/a/y"],
    }]),
    "VIRTUAL PATH  BACKING PATH  FLAGS\n/a            /b            2 exceptions: /a/x, /a/y\n",
  );
});
