/**
 * The CLI, driven in-process against the native double. Covers lib/cli/create.ts (its
 * arguments, the sample's /merge and /read-only, the text and JSON it prints, its usage errors),
 * lib/cli/main_help.ts (the main help text) and lib/cli/commands.ts (finding a command, also in
 * the sample's CREATE).
 */
import assert from "node:assert/strict";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "../../cli.ts";
import { VERSION } from "../../mod.ts";
import { runCli } from "../support/cli.ts";
import { Double } from "../support/double.ts";

const run = runCli;

Deno.test("--help, help <command> and <command> --help document commands and exit codes", async () => {
  using double = new Double();
  for (const args of [["--help"], ["-h"], []]) {
    const { code, stdout, stderr } = await run(double, ...args);
    assert.equal(code, EXIT_OK);
    assert.equal(stderr, "");
    assert.match(stdout, /bindlink create <virtual> <backing>/);
    assert.match(stdout, /2 {2}usage error/);
    assert.match(stdout, /CREATE <virtual> <backing> \[\/merge\] \[\/read-only\]/);
  }
  for (const args of [["help", "create"], ["create", "--help"], ["CREATE", "-h"]]) {
    const { stdout } = await run(double, ...args);
    assert.match(stdout, /-e, --exception <path>/, args.join(" "));
  }
  assert.match((await run(double, "remove", "--help")).stdout, /Remove the bind link at <virtual>/);
  assert.equal(double.calls().length, 0);
});

Deno.test("--version prints the version, as text or JSON", async () => {
  using double = new Double();
  assert.deepEqual(await run(double, "--version"), {
    code: 0,
    stdout: `bindlink ${VERSION}\n`,
    stderr: "",
  });
  assert.deepEqual(JSON.parse((await run(double, "-V", "--json")).stdout), {
    ok: true,
    version: VERSION,
  });
});

Deno.test("create and remove pass every option through to the DLL", async () => {
  using double = new Double();
  double.addExisting("C:\\Foo");
  const created = await run(
    double,
    "create",
    "C:/Foo",
    "C:\\Bar",
    "-r",
    "--merged",
    "-e",
    "C:\\Foo\\a",
    "--exception",
    "C:\\Foo\\b",
  );
  assert.equal(created.code, EXIT_OK, created.stderr);
  assert.equal(
    created.stdout,
    "Created bind link C:\\Foo -> C:\\Bar (read-only, merged; exceptions: C:\\Foo\\a, C:\\Foo\\b)\n",
  );
  const call = double.lastCall();
  assert.deepEqual(
    [call.virtualPath, call.backingPath, call.flags, call.exceptionPaths],
    ["C:\\Foo", "C:\\Bar", 3, ["C:\\Foo\\a", "C:\\Foo\\b"]],
  );
  const removed = await run(double, "remove", "C:\\Foo\\");
  assert.deepEqual(removed, { code: 0, stdout: "Removed bind link at C:\\Foo\n", stderr: "" });
  assert.equal(double.linkCount(), 0);
});

Deno.test("the BindLink sample's spelling works", async () => {
  using double = new Double();
  assert.equal((await run(double, "CREATE", "C:\\Foo", "C:\\Bar", "/merge", "/READ-ONLY")).code, 0);
  assert.equal(double.lastCall().flags, 3);
  assert.equal((await run(double, "Remove", "C:\\Foo")).code, 0);
  assert.equal(double.lastCall().fn, "RemoveBindLink");
  assert.equal(
    (await run(double, "create", "C:\\Plain", "C:\\Bar")).stdout,
    "Created bind link C:\\Plain -> C:\\Bar\n",
  );
});

Deno.test("--json reports success and failure as one object on stdout", async () => {
  using double = new Double();
  const created = await run(double, "create", "C:\\Foo", "C:\\Bar", "--read-only", "--json");
  assert.equal(created.code, EXIT_OK);
  assert.deepEqual(JSON.parse(created.stdout), {
    ok: true,
    operation: "create",
    link: {
      virtualPath: "C:\\Foo",
      backingPath: "C:\\Bar",
      readOnly: true,
      merged: false,
      exceptions: [],
      removed: false,
    },
    recovered: [],
    deleted: [],
  });
  const failed = await run(double, "--json", "create", "C:\\Foo", "C:\\Other");
  assert.equal(failed.code, EXIT_FAILED);
  assert.equal(failed.stderr, "");
  const { ok, error } = JSON.parse(failed.stdout);
  assert.equal(ok, false);
  assert.equal(error.code, "already-exists");
  assert.equal(error.hresult, "0x80070057", "Windows answers a duplicate with E_INVALIDARG");
  assert.equal(error.operation, "create");
  assert.equal(error.virtualPath, "C:\\Foo");
  assert.match(error.message, /a bind link already exists at C:\\Foo: it shows C:\\Bar/);
  const removed = JSON.parse((await run(double, "remove", "C:\\Foo", "--json")).stdout);
  assert.deepEqual(removed, {
    ok: true,
    operation: "remove",
    virtualPath: "C:\\Foo",
    recovered: [],
    deleted: [],
  });
  const usage = await run(double, "--json", "remove");
  assert.equal(usage.code, EXIT_USAGE);
  assert.equal(JSON.parse(usage.stdout).error.code, "usage");
});

Deno.test("usage errors exit 2, say what is wrong and point at the help", async () => {
  using double = new Double();
  const cases: [string[], RegExp][] = [
    [
      ["create", "C:\\Foo"],
      /create takes a virtual path and a backing path, but got 1 argument\.\nRun "bindlink create --help"/,
    ],
    [["create", "a", "b", "c"], /but got 3 arguments/],
    [
      ["remove"],
      /remove takes one virtual path, but got 0 arguments\.\nRun "bindlink remove --help"/,
    ],
    [
      ["frobnicate"],
      /unknown command "frobnicate" \(the commands are create, remove.*\)\.\nRun "bindlink --help"/,
    ],
    [
      ["create", "a", "b", "--bogus"],
      /unknown option '--bogus' for create\.\nRun "bindlink create --help"/,
    ],
    [["create", "a", "b", "--exception"], /--exception/],
    [["remove", "C:\\Foo", "--merged"], /unknown option '--merged' for remove/],
    [["create", "a", "b", "--read-only=yes"], /--read-only takes no value/],
    [["help", "frobnicate"], /there is no command "frobnicate" to explain/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await run(double, ...args);
    assert.equal(code, EXIT_USAGE, args.join(" "));
    assert.equal(stdout, "");
    assert.match(stderr, /^bindlink: /);
    assert.match(stderr, message, args.join(" "));
  }
  assert.equal(double.calls().length, 0, "nothing reached the DLL");
});

Deno.test("each failure prints the system's words and the next step, and exits 1", async () => {
  using double = new Double();
  const cases: [string, number | undefined, string[], RegExp][] = [
    [
      "create",
      0x80070005,
      ["create", "C:\\Foo", "C:\\Bar"],
      /access was denied\. The system reports HRESULT 0x80070005: "[^"]+\." Bind links need Administrator rights: run from an elevated prompt/,
    ],
    [
      "create",
      0x80070002,
      ["create", "C:\\Foo", "C:\\Missing"],
      /the backing path does not exist.*Check that the backing path exists/,
    ],
    [
      "create",
      0x80070035,
      ["create", "C:\\Foo", "\\\\nosrv\\share"],
      /network path cannot be reached.*Check the server and share names/,
    ],
    [
      "create",
      0x80070032,
      ["create", "C:\\Foo", "C:\\Bar"],
      /does not support bind links.*NTFS or ReFS/,
    ],
    [
      "create",
      0x8007FFFF,
      ["create", "C:\\Foo", "C:\\Bar"],
      /HRESULT 0x8007FFFF \(it has no description for it\)/,
    ],
    [
      "remove",
      undefined,
      ["remove", "C:\\NoLink"],
      /Could not remove the bind link at C:\\NoLink: there is no bind link at this path/,
    ],
    [
      "create",
      undefined,
      ["create", "C:\\Foo", "C:\\Bar", "-e", "C:\\Elsewhere"],
      /exception path C:\\Elsewhere is not below the virtual path/,
    ],
    [
      "create",
      undefined,
      ["create", "C:\\Anchorless", "C:\\Bar", "-e", "C:\\Anchorless\\x"],
      /anchorless.*Create the virtual folder first/,
    ],
  ];
  for (const [fn, hresult, args, message] of cases) {
    double.reset();
    if (hresult !== undefined) double.script(fn as "create", hresult);
    const { code, stdout, stderr } = await run(double, ...args);
    assert.equal(code, EXIT_FAILED, args.join(" "));
    assert.equal(stdout, "");
    assert.match(stderr, /^bindlink: Could not (create|remove) the bind link/);
    assert.match(stderr, message, args.join(" "));
  }
});

Deno.test("a platform passed in by the caller stays open after a run", async () => {
  using double = new Double();
  await run(double, "create", "C:\\Foo", "C:\\Bar");
  // Still open: the next call through the same platform works without reloading.
  await double.api.removeBindLink("C:\\Foo");
  assert.equal(double.linkCount(), 0);
});

Deno.test("an unknown option is a usage error wherever it stands, also with --help or --version", async () => {
  using double = new Double();
  for (
    const args of [
      ["--bogus"],
      ["--bogus=1"],
      ["--json", "--bogus"],
      ["--bogus", "--version"],
      ["help", "--bogus"],
      ["--bogus", "list"],
      ["list", "--bogus", "--help"],
      ["list", "--bogus", "-V"],
    ]
  ) {
    const { code, stdout, stderr } = await run(double, ...args);
    assert.equal(code, EXIT_USAGE, args.join(" "));
    const said = args.includes("--json") ? JSON.parse(stdout).error.message : stderr;
    assert.match(said, /unknown option '--bogus'/, args.join(" "));
    if (!args.includes("--json")) {
      assert.match(stderr, /Run "bindlink (list )?--help" for usage/, args.join(" "));
    }
  }
  assert.match((await run(double, "--bogus")).stderr, /bindlink's own options are --json/);
  assert.equal((await run(double, "list", "--help")).code, EXIT_OK);
  assert.equal((await run(double, "list", "--version")).code, EXIT_OK);
  assert.equal(double.calls().length, 0);
});
