/**
 * Choosing and loading a platform: explicit, absolute, and explained when it fails. Covers
 * lib/version.ts (VERSION equals deno.json's version) and lib/default_platform.ts (the platform
 * follows the OS Deno was built for).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { BindLinkApi, defaultPlatform, VERSION, windowsPlatform } from "../mod.ts";
import { unsupportedPlatform } from "../lib/unsupported_platform.ts";
import { system32Path } from "../lib/windows/system_root.ts";
import { buildDouble } from "./support/double.ts";
import { rejectsCode, throwsCode } from "./support/expect_error.ts";

const nonWindows = Deno.build.os !== "windows";

Deno.test("a library path must be absolute: a bare name would go through the search order", () => {
  assert.throws(
    () => windowsPlatform({ libraryPath: "bindlink.dll" }),
    /must be an absolute path or a file: URL/,
  );
  assert.throws(() => windowsPlatform({ libraryPath: "./x.so" }), /DLL search order/);
});

Deno.test("a file: URL names the library too", async () => {
  const url = new URL(
    `file://${buildDouble().replaceAll("\\", "/").replace(/^([A-Za-z]:)/, "/$1")}`,
  );
  using api = new BindLinkApi(windowsPlatform({ libraryPath: url }));
  const link = await api.createBindLink("C:\\UrlFoo", "C:\\Bar");
  await link.remove();
});

Deno.test("a missing pinned library is not-found, naming the file", async () => {
  const missing = fileURLToPath(new URL("./.build/no-such-library.dll", import.meta.url));
  using api = new BindLinkApi(windowsPlatform({ libraryPath: missing }));
  const error = await rejectsCode(api.createBindLink("C:\\Foo", "C:\\Bar"), "not-found");
  assert.equal(error.libraryPath, missing);
  assert.match(error.message, /the native library .*no-such-library\.dll does not exist/);
  assert.match(error.message, /Check the libraryPath given to windowsPlatform\(\)/);
  assert.ok(error.systemMessage, "Deno's own loader text is kept");
});

Deno.test("a library without the bindlink exports is explained", () => {
  const notBindlink = nonWindows
    ? "/lib/x86_64-linux-gnu/libc.so.6"
    : `${Deno.build.os === "windows" ? system32Path("kernel32.dll") : ""}`;
  using api = new BindLinkApi(windowsPlatform({ libraryPath: notBindlink }));
  const error = throwsCode(() => api.removeBindLinkSync("C:\\Foo"), "unknown");
  assert.match(error.message, /does not export CreateBindLink and RemoveBindLink/);
});

Deno.test({
  name: "off Windows, the Windows platform without a library is unsupported-platform",
  ignore: !nonWindows,
  fn() {
    using api = new BindLinkApi(windowsPlatform());
    const error = throwsCode(
      () => api.createBindLinkSync("C:\\Foo", "C:\\Bar"),
      "unsupported-platform",
    );
    assert.match(error.message, /bind links are a Windows feature and this is/);
  },
});

Deno.test("the default platform follows the OS Deno was built for", () => {
  const platform = defaultPlatform();
  const expected: Record<string, string> = { windows: "windows", linux: "linux" };
  assert.equal(platform.name, expected[Deno.build.os] ?? "unsupported");
});

Deno.test("VERSION matches deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
});

async function cliWith(flags: string[]): Promise<{ code: number; stderr: string }> {
  const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-check", ...flags, cli, "create", "C:\\Foo", "C:\\Bar"],
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("without --allow-read, the CLI says it cannot load its own code and which flags to give", async () => {
  const { code, stderr } = await cliWith(["--allow-ffi"]);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /^bindlink: Deno's permissions do not let bindlink load its own code/);
  assert.match(stderr, /Run it with --allow-ffi --allow-read --allow-write/);
});

Deno.test("with too narrow an FFI grant, the CLI says which flags to give", async () => {
  const windows = Deno.build.os === "windows";
  const ffi = windows
    ? `--allow-ffi=${system32Path("bindfltapi.dll")}`
    : "--allow-ffi=/nonexistent";
  const { code, stderr } = await cliWith(["--allow-read", "--allow-write", ffi]);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /^bindlink: Could not create the bind link/);
  assert.match(
    stderr,
    windows
      ? /Run with --allow-ffi, not scoped to a path/
      : /Run with --allow-ffi --allow-read --allow-write/,
  );
});

Deno.test("an OS without a backend gets unsupported-platform, naming it, from every call", async () => {
  using api = new BindLinkApi(unsupportedPlatform("plan9"));
  const created = throwsCode(() => api.createBindLinkSync("/a", "/b"), "unsupported-platform");
  assert.match(
    created.message,
    /^Could not create the bind link \/a -> \/b: bindlink has no backend for plan9\./,
  );
  assert.match(created.message, /Windows 11 24H2 \/ Windows Server 2025/);
  const removed = await rejectsCode(api.removeBindLink("/a"), "unsupported-platform");
  assert.match(
    removed.message,
    /^Could not remove the bind link at \/a: bindlink has no backend for plan9/,
  );
});
