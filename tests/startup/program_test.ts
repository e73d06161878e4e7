/** Which program the startup task runs. */
import assert from "node:assert/strict";
import { BOOT_DENO_FLAGS, startupProgram } from "../../lib/startup/program.ts";
import { throwsCode } from "../support/expect_error.ts";

Deno.test("a compiled bindlink runs itself, with nothing before the subcommand", () => {
  const program = startupProgram({
    os: "windows",
    execPath: "C:\\Program Files\\bindlink\\bindlink.exe",
    cliUrl: "file:///C:/Users/x/AppData/Local/Temp/deno-compile-bindlink.exe/cli.ts",
  });
  assert.equal(program.kind, "compiled");
  assert.deepEqual(program.command, {
    program: "C:\\Program Files\\bindlink\\bindlink.exe",
    args: [],
  });
  assert.deepEqual(program.trees, []);
});

Deno.test("deno runs the local cli.ts with --no-config --no-remote and the allowed flags", () => {
  const linux = startupProgram({
    os: "linux",
    execPath: "/usr/local/bin/deno",
    cliUrl: "file:///usr/local/lib/bindlink/cli.ts",
  });
  assert.equal(linux.kind, "deno");
  assert.deepEqual(linux.command.args, [
    ...BOOT_DENO_FLAGS.linux,
    "/usr/local/lib/bindlink/cli.ts",
  ]);
  assert.deepEqual(linux.command.args.slice(0, 3), ["run", "--no-config", "--no-remote"]);
  assert.deepEqual(linux.files, ["/usr/local/lib/bindlink/cli.ts"]);
  assert.deepEqual(linux.trees, ["/usr/local/lib/bindlink/lib"]);

  const windows = startupProgram({
    os: "windows",
    execPath: "C:\\Program Files\\deno\\deno.exe",
    cliUrl: "file:///C:/Program%20Files/bindlink/cli.ts",
  });
  assert.equal(windows.command.args.at(-1), "C:\\Program Files\\bindlink\\cli.ts");
  assert.deepEqual(windows.trees, ["C:\\Program Files\\bindlink\\lib"]);
});

Deno.test("started from an https URL: refused, saying why and where to install instead", () => {
  for (const os of ["linux", "windows"] as const) {
    const error = throwsCode(
      () =>
        startupProgram({
          os,
          execPath: os === "linux" ? "/usr/bin/deno" : "C:\\deno\\deno.exe",
          cliUrl: "https://example.com/bindlink/cli.ts",
        }),
      "invalid-argument",
    );
    assert.match(error.message, /https:\/\/example.com\/bindlink\/cli.ts/);
    assert.match(
      error.message,
      os === "linux" ? /as root at every boot/ : /as SYSTEM at every boot/,
    );
    assert.match(
      error.hint,
      os === "linux" ? /\/usr\/local\/lib\/bindlink\// : /%ProgramFiles%\\bindlink\\/,
    );
  }
});

Deno.test("a relative program path is refused", () => {
  throwsCode(
    () => startupProgram({ os: "linux", execPath: "deno", cliUrl: "file:///x/cli.ts" }),
    "invalid-argument",
  );
});
