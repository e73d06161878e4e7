/**
 * The README's Windows examples. Those that name D: or a share cannot run under Wine (it has
 * neither): their code is compile-checked (`deno check --doc-only README.md`, in
 * `deno task check`), and the manifest is read with the Windows path rules here. Those that
 * need only C: run, under the Wine rig of `deno task test:windows`, as pasted and with the
 * README's command line, against the native double put where the example loads the DLL from:
 * `System32\bindfltapi.dll` for the default platform (the rig's System32 is a throwaway
 * copy-on-write layer), `C:\pinned\bindfltapi.dll` for the pinned one.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { windowsPlatform } from "../mod.ts";
import { parseManifest } from "../lib/manifest/validate.ts";
import { system32Path } from "../lib/windows/system_root.ts";
import { windowsBuild } from "./support/double.ts";
import { type Example, readmeExample, readmeExamples } from "./support/readme.ts";

const rig = Deno.build.os === "windows" &&
  Deno.env.get("BINDLINK_TEST_WRITE_SYSTEM32") === "1";
const ignore = !rig;
const skipped = (name: string) =>
  rig ? name : `${name} (skipped: runs only under the Wine rig, deno task test:windows)`;

Deno.test("every Windows example in the README is checked by this file", () => {
  assert.deepEqual([...readmeExamples("windows").keys()].sort(), ["errors", "manifest", "pinned"]);
});

Deno.test("README, Manifests: the Windows manifest reads as three links under Windows' rules", () => {
  const text = readmeExample("windows", "manifest").files.get("bindlink.json");
  assert.ok(text, "the Windows manifest example is bindlink.json");
  const manifest = parseManifest(JSON.parse(text), windowsPlatform(), {
    file: "C:\\work\\bindlink.json",
    folder: "C:\\work",
    operation: "apply",
  });
  assert.deepEqual(
    manifest.links.map((l) => [l.virtualPath, l.backingPath, l.readOnly, l.merged, l.exceptions]),
    [
      ["C:\\work\\app\\current", "C:\\work\\releases\\v2", false, false, []],
      ["C:\\work\\app\\current\\fonts", "C:\\work\\shared\\fonts", true, false, []],
      ["C:\\build\\deps", "\\\\fileserver\\deps\\v42", false, true, ["C:\\build\\deps\\local"]],
    ],
  );
});

/** Runs an example's command lines (`deno run ...`) in a fresh folder holding its files. */
async function runExample(example: Example): Promise<{ code: number; stdout: string }[]> {
  assert.ok(example.commands.length > 0, `the example "${example.name}" has no run block`);
  const cwd = await Deno.makeTempDir({ prefix: "bindlink-readme-" });
  try {
    for (const [name, text] of example.files) await Deno.writeTextFile(path.join(cwd, name), text);
    const results = [];
    for (const line of example.commands) {
      const [program, ...args] = line.trim().split(/\s+/);
      assert.equal(program, "deno", `a Windows example line runs deno: ${line}`);
      const out = await new Deno.Command(Deno.execPath(), {
        args,
        cwd,
        env: { NO_COLOR: "1" },
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `${line}\n${stdout}\n${stderr}`);
      results.push({ code: out.code, stdout });
    }
    return results;
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

/** Copies the double to `target` for the length of the scope. */
async function double(target: string): Promise<AsyncDisposable> {
  await Deno.mkdir(path.dirname(target), { recursive: true });
  await Deno.copyFile(windowsBuild("bindlink_double.dll"), target);
  return { [Symbol.asyncDispose]: () => Deno.remove(target) };
}

Deno.test({
  name: skipped("README, Library: the error example catches not-found from System32's DLL"),
  ignore,
  async fn() {
    await using _dll = await double(system32Path("bindfltapi.dll"));
    const [result] = await runExample(readmeExample("windows", "errors"));
    assert.equal(result.stdout.trim(), "no bind link at C:\\Foo");
  },
});

Deno.test({
  name: skipped("README, Which DLL is loaded: the pinned library makes and lists the link"),
  ignore,
  async fn() {
    await using _dll = await double("C:\\pinned\\bindfltapi.dll");
    const [result] = await runExample(readmeExample("windows", "pinned"));
    assert.match(result.stdout, /virtualPath: "C:\\\\Foo"/);
    assert.match(result.stdout, /backingPath: "C:\\\\Bar"/);
  },
});
