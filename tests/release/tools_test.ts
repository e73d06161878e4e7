/** The release tools' refusals: wrong tag or repository, mislabelled executables, bad sums. */
import assert from "node:assert/strict";
import path from "node:path";
import { checkRepository, checkTag } from "../../tools/release_tag.ts";
import { compiledExecutables, executableMachine } from "../../tools/release_archives.ts";
import { fillManifests, parseSums, TEMPLATES } from "../../tools/release_manifests.ts";
import { GITHUB_REPOSITORY, TARGETS } from "../../tools/release_targets.ts";

Deno.test("a release tag must be v plus deno.json's version", () => {
  checkTag("v1.2.3", "1.2.3");
  assert.throws(() => checkTag("v1.2.4", "1.2.3"), /does not match deno\.json's version 1\.2\.3/);
  assert.throws(() => checkTag("1.2.3", "1.2.3"), /tag the commit as v1\.2\.3/);
  checkRepository(GITHUB_REPOSITORY);
  assert.throws(() => checkRepository("someone/fork"), /set GITHUB_REPOSITORY/);
});

/** A minimal PE header (MZ, e_lfanew, "PE\0\0", Machine) or ELF header for `machine`. */
function header(format: "pe" | "elf", machine: number): Uint8Array {
  const bytes = new Uint8Array(0x80);
  const view = new DataView(bytes.buffer);
  if (format === "pe") {
    bytes.set([0x4d, 0x5a]);
    view.setUint32(0x3c, 0x40, true);
    view.setUint32(0x40, 0x50450000, false);
    view.setUint16(0x44, machine, true);
  } else {
    bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
    view.setUint16(18, machine, true);
  }
  return bytes;
}

Deno.test("an executable built for another machine than its target's is refused", async () => {
  assert.equal(executableMachine(header("pe", 0xaa64)), 0xaa64);
  assert.equal(executableMachine(header("elf", 0xb7)), 0xb7);
  assert.equal(executableMachine(new TextEncoder().encode("placeholder")), undefined);
  const bin = await Deno.makeTempDir({ prefix: "bindlink-bin-" });
  try {
    const [x64, arm64] = TARGETS.filter((t) => t.os === "windows");
    for (const t of [x64, arm64]) await Deno.mkdir(path.join(bin, t.target));
    // The x64 build put where the ARM64 one belongs, and the right one where it belongs.
    await Deno.writeFile(path.join(bin, arm64.target, "bindlink.exe"), header("pe", 0x8664));
    await Deno.writeFile(path.join(bin, x64.target, "bindlink.exe"), header("pe", 0x8664));
    const read = compiledExecutables(bin);
    assert.equal((await read(x64)).length, 0x80);
    await assert.rejects(
      read(arm64),
      /not an executable for aarch64-pc-windows-msvc \(machine 0x8664/,
    );
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("release:manifests refuses bad sums, a missing archive, and the templates' folder", async () => {
  assert.throws(() => parseSums("abc  file.zip\n"), /line 1 is not "<sha256> {2}<file>"/);
  const out = await Deno.makeTempDir({ prefix: "bindlink-winget-" });
  try {
    const linuxOnly = `${"a".repeat(64)}  bindlink-1.0.0-x86_64-unknown-linux-gnu.tar.gz\n`;
    await assert.rejects(
      fillManifests("1.0.0", linuxOnly, out),
      /no line for bindlink-1\.0\.0-x86_64-pc-windows-msvc\.zip/,
    );
    await assert.rejects(fillManifests("v1.0.0", linuxOnly, out), /without the "v"/);
    await assert.rejects(fillManifests("1.0.0", linuxOnly, TEMPLATES), /templates' folder/);
    assert.deepEqual([...Deno.readDirSync(out)], [], "nothing written");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
