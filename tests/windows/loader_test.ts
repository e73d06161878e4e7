/**
 * Windows-only: the default load path, with nothing injected. These write to System32, so
 * they run only where BINDLINK_TEST_WRITE_SYSTEM32=1 says System32 is a throwaway: the Wine
 * prefix of `deno task test:windows`. The library itself never reads this variable.
 */
import assert from "node:assert/strict";
import { BindLinkApi, createBindLink, removeBindLink, windowsPlatform } from "../../mod.ts";
import { bindfltapiSymbols } from "../../lib/windows/bindfltapi_ffi.ts";
import { system32Path } from "../../lib/windows/system_root.ts";
import { buildDouble } from "../support/double.ts";
import { rejectsCode } from "../support/expect_error.ts";

const isWindows = Deno.build.os === "windows";
const rig = isWindows && Deno.env.get("BINDLINK_TEST_WRITE_SYSTEM32") === "1";

Deno.test({
  name: "the Wine rig runs the suite as Windows",
  ignore: !rig,
  fn() {
    assert.equal(Deno.build.os, "windows");
    assert.match(system32Path("bindlink.dll"), /^[A-Za-z]:\\windows\\System32\\bindlink\.dll$/i);
  },
});

Deno.test({
  name: "with no bindlink.dll in System32, the default platform says which Windows is needed",
  ignore: !rig,
  async fn() {
    const dll = system32Path("bindlink.dll");
    await assert.rejects(Deno.stat(dll), Deno.errors.NotFound, `${dll} must not exist yet`);
    using api = new BindLinkApi(windowsPlatform());
    const error = await rejectsCode(
      api.createBindLink("C:\\Foo", "C:\\Bar"),
      "unsupported-windows",
    );
    assert.equal(error.libraryPath, dll);
    assert.match(error.message, /this Windows has no bind link support/);
    assert.match(error.message, /Windows 11 version 24H2 or Windows Server 2025, or later/);
    assert.ok(error.systemMessage, "the loader's own text is kept");
    // The plain functions, nothing injected, say the same.
    await rejectsCode(removeBindLink("C:\\Foo"), "unsupported-windows");
  },
});

Deno.test({
  name: "the plain functions load System32\\bindlink.dll with nothing injected",
  ignore: !rig,
  async fn() {
    const dll = system32Path("bindlink.dll");
    await Deno.copyFile(buildDouble(), dll);
    // The same file is the same module: this handle sees the state the plain functions made.
    const control = Deno.dlopen(dll, {
      ...bindfltapiSymbols,
      double_link_count: { parameters: [], result: "u32" },
    });
    try {
      const link = await createBindLink("C:\\Foo", "C:\\Bar", { readOnly: true });
      assert.equal(control.symbols.double_link_count(), 1);
      await removeBindLink(link.virtualPath);
      assert.equal(control.symbols.double_link_count(), 0);
    } finally {
      control.close();
    }
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
