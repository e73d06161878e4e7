/**
 * Windows-only: the default load path, with nothing injected. These write to System32, so
 * they run only where BINDLINK_TEST_WRITE_SYSTEM32=1 says System32 is a throwaway: the Wine
 * prefix of `deno task test:windows`, where each run has its own copy-on-write layer. The
 * library itself never reads this variable.
 *
 * Scenarios that load a DLL successfully run in a fresh process (tests/support/
 * system32_client.ts), started from a copy of deno.exe with decoy DLLs beside it and in its
 * current folder: a decoy that is loaded at all writes "<its path>.loaded".
 */
import assert from "node:assert/strict";
import { BindLinkApi, type BindLinkInfo, removeBindLink, windowsPlatform } from "../../mod.ts";
import { system32Path } from "../../lib/windows/system_root.ts";
import { buildDouble, windowsBuild } from "../support/double.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";

const isWindows = Deno.build.os === "windows";
const rig = isWindows && Deno.env.get("BINDLINK_TEST_WRITE_SYSTEM32") === "1";
const client = new URL("../support/system32_client.ts", import.meta.url);
const DECOYS: Record<string, string> = {
  "bindfltapi.dll": "bindlink_double_decoy.dll",
  "bindlink.dll": "bindlink_double_decoy.dll",
  "bindlink_helper.dll": "bindlink_helper_decoy.dll",
};
const INSTALLED = ["bindfltapi.dll", "bindlink.dll", "bindlink_helper.dll"];

/** Puts build products into System32 under the given names; returns the cleanup. */
async function install(files: Record<string, string>): Promise<AsyncDisposable> {
  for (const [name, build] of Object.entries(files)) {
    await Deno.copyFile(windowsBuild(build), system32Path(name));
  }
  return {
    async [Symbol.asyncDispose]() {
      for (const name of INSTALLED) await Deno.remove(system32Path(name)).catch(() => {});
    },
  };
}

interface ClientRun {
  code: number;
  report: Record<string, unknown>;
  stderr: string;
  decoysLoaded: string[];
}

let denoCopy: Promise<string> | undefined;

/** A copy of deno.exe in a folder of its own, with decoys beside it. */
function decoyedDeno(): Promise<string> {
  return denoCopy ??= (async () => {
    const folder = await Deno.makeTempDir({ prefix: "bindlink-deno-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(folder, { recursive: true }));
    const exe = `${folder}\\deno.exe`;
    await Deno.copyFile(Deno.execPath(), exe);
    for (const [name, build] of Object.entries(DECOYS)) {
      await Deno.copyFile(windowsBuild(build), `${folder}\\${name}`);
    }
    return exe;
  })();
}

/** Runs the client with the CLI's documented flags, from a decoyed deno.exe and folder. */
async function runClient(dll: string): Promise<ClientRun> {
  const exe = await decoyedDeno();
  const cwd = await Deno.makeTempDir({ prefix: "bindlink-cwd-" });
  for (const [name, build] of Object.entries(DECOYS)) {
    await Deno.copyFile(windowsBuild(build), `${cwd}\\${name}`);
  }
  try {
    const out = await new Deno.Command(exe, {
      args: ["run", "--no-check", "--allow-ffi", "--allow-read", "--allow-write", client.href, dll],
      cwd,
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    const decoysLoaded: string[] = [];
    for (const folder of [cwd, exe.replace(/\\deno\.exe$/, "")]) {
      for await (const entry of Deno.readDir(folder)) {
        if (entry.name.endsWith(".loaded")) decoysLoaded.push(`${folder}\\${entry.name}`);
      }
    }
    const line = stdout.trim().split("\n").at(-1) ?? "";
    let report: Record<string, unknown>;
    try {
      report = JSON.parse(line);
    } catch {
      throw new Error(`the client printed no report:\n${stdout}\n${stderr}`);
    }
    return { code: out.code, report, stderr, decoysLoaded };
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

const listed = (links: BindLinkInfo[]) =>
  [...links].sort((a, b) => a.virtualPath < b.virtualPath ? -1 : 1);

/** Everything a working default platform shows, checked on one client run. */
function assertWorked(run: ClientRun, what: string): void {
  // deno-lint-ignore no-explicit-any
  const r = run.report as Record<string, any>;
  assert.equal(r.failed, undefined, `${what}: ${JSON.stringify(r.failed)}\n${run.stderr}`);
  assert.deepEqual(run.decoysLoaded, [], `${what}: a decoy was loaded`);
  assert.deepEqual(r.listBefore, [], what);
  assert.equal(r.cliCreate.code, 0, `${what}: ${r.cliCreate.stderr}`);
  assert.match(r.cliCreate.stdout, /^Created bind link C:\\Foo -> C:\\Bar \(read-only\)/);

  assert.equal(r.cliDuplicate.code, 1, what);
  const duplicate = JSON.parse(r.cliDuplicate.stdout);
  assert.equal(duplicate.ok, false);
  assert.equal(duplicate.error.code, "already-exists", what);
  assert.equal(duplicate.error.hresult, "0x80070057");
  assert.match(duplicate.error.message, /a bind link already exists at C:\\Foo: it shows C:\\Bar/);
  assert.equal(r.libDuplicate.code, "already-exists", what);
  assert.match(r.libDuplicate.message, /it shows C:\\Bar \(read-only\)/);

  const expected = [
    { virtualPath: "C:\\Foo", backingPath: "C:\\Bar", readOnly: true, merged: false },
    {
      virtualPath: "C:\\Merged",
      backingPath: "\\\\server\\share\\dir",
      readOnly: false,
      merged: true,
    },
  ].map((link) => ({ ...link, exceptions: [] }));
  assert.equal(r.cliList.code, 0, what);
  const list = JSON.parse(r.cliList.stdout);
  assert.equal(list.ok, true);
  assert.deepEqual(listed(list.links), expected, what);
  assert.deepEqual(listed(r.libList), expected, what);
  assert.equal(r.linkCount, 2, `${what}: the System32 module made the links`);

  assert.equal(r.cliRemove.code, 0, `${what}: ${r.cliRemove.stderr}`);
  assert.equal(r.removeAgain.code, "not-found", what);
  assert.equal(r.linkCountAfter, 0, what);
  assert.deepEqual(r.listAfter, [], what);
}

Deno.test({
  name: "the Wine rig runs the suite as Windows",
  ignore: !rig,
  fn() {
    assert.equal(Deno.build.os, "windows");
    assert.match(
      system32Path("bindfltapi.dll"),
      /^[A-Za-z]:\\windows\\System32\\bindfltapi\.dll$/i,
    );
  },
});

Deno.test({
  name:
    "with no bind link DLL in System32, the error names every path tried and the Windows needed",
  ignore: !rig,
  async fn() {
    for (const name of INSTALLED) {
      await assert.rejects(Deno.stat(system32Path(name)), Deno.errors.NotFound, name);
    }
    using api = new BindLinkApi(windowsPlatform());
    const error = await rejectsCode(
      api.createBindLink("C:\\Foo", "C:\\Bar"),
      "unsupported-windows",
    );
    assert.equal(error.libraryPath, system32Path("bindfltapi.dll"));
    assert.ok(
      error.message.includes(
        `(${system32Path("bindfltapi.dll")} does not exist; ${
          system32Path("bindlink.dll")
        } does not exist)`,
      ),
      error.message,
    );
    assert.match(error.message, /Windows 11 version 24H2 or Windows Server 2025 \(build 26100\)/);
    assert.ok(error.systemMessage, "Windows' own text is kept");
    await rejectsCode(removeBindLink("C:\\Foo"), "unsupported-windows");
    throwsCode(() => api.listBindLinksSync(), "unsupported-windows");
  },
});

Deno.test({
  name: "a bindfltapi.dll without CreateBindLink (Windows 10) means this Windows is too old",
  ignore: !rig,
  async fn() {
    await using _installed = await install({ "bindfltapi.dll": "bindlink_double_nocreate.dll" });
    using api = new BindLinkApi(windowsPlatform());
    const error = throwsCode(
      () => api.createBindLinkSync("C:\\Foo", "C:\\Bar"),
      "unsupported-windows",
    );
    assert.ok(
      error.message.includes(`${system32Path("bindfltapi.dll")} does not export CreateBindLink;`),
      error.message,
    );
    assert.ok(error.message.includes(`${system32Path("bindlink.dll")} does not exist`));
    assert.match(error.message, /has only the filter's Bf\* functions/);
  },
});

Deno.test({
  name: "System32\\bindfltapi.dll alone: create, list and remove through cli.ts and mod.ts",
  ignore: !rig,
  async fn() {
    await using _installed = await install({ "bindfltapi.dll": "bindlink_double.dll" });
    assertWorked(await runClient("bindfltapi.dll"), "bindfltapi.dll");
  },
});

Deno.test({
  name: "System32\\bindlink.dll alone is used too",
  ignore: !rig,
  async fn() {
    await using _installed = await install({ "bindlink.dll": "bindlink_double.dll" });
    assertWorked(await runClient("bindlink.dll"), "bindlink.dll");
  },
});

Deno.test({
  name: "a bindfltapi.dll without the functions is passed over for bindlink.dll",
  ignore: !rig,
  async fn() {
    await using _installed = await install({
      "bindfltapi.dll": "bindlink_double_nocreate.dll",
      "bindlink.dll": "bindlink_double.dll",
    });
    assertWorked(await runClient("bindlink.dll"), "nocreate bindfltapi.dll + bindlink.dll");
  },
});

Deno.test({
  name: "the API DLL's own imports come from System32, never from beside deno.exe",
  ignore: !rig,
  async fn() {
    await using _installed = await install({
      "bindfltapi.dll": "bindlink_double_helper.dll",
      "bindlink_helper.dll": "bindlink_helper.dll",
    });
    const run = await runClient("bindfltapi.dll");
    assertWorked(run, "double importing a helper");
    assert.equal(run.report.helperValue, 1, "the System32 helper answers 1, the decoy 2");
  },
});

Deno.test({
  name: "FormatMessageW supplies Windows' own text",
  ignore: !isWindows,
  async fn() {
    using api = new BindLinkApi(windowsPlatform({ libraryPath: buildDouble() }));
    const error = await rejectsCode(api.removeBindLink("C:\\NoSuchLink"), "not-found");
    assert.ok(error.systemMessage && error.systemMessage.length > 3);
    assert.ok(error.message.includes(`"${error.systemMessage}"`));
  },
});

Deno.test({
  name: "a pinned library without CreateBindLink is named, function and all",
  fn() {
    using api = new BindLinkApi(windowsPlatform({ libraryPath: buildDouble("nocreate") }));
    const error = throwsCode(() => api.removeBindLinkSync("C:\\Foo"), "unknown");
    assert.match(
      error.message,
      /bindlink_double_nocreate\.(dll|so) does not export CreateBindLink\./,
    );
  },
});
