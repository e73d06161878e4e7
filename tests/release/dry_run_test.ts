/**
 * tools/release_dry_run.ts: the archives a tag's release would hold (placeholders for the
 * executables), SHA256SUMS over them, and the winget manifests filled in from it.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { parse } from "npm:yaml@2.8.1";
import { dryRun } from "../../tools/release_dry_run.ts";
import { ARCHIVE_EXTRAS, archiveName, releaseUrl, TARGETS } from "../../tools/release_targets.ts";
import { zipEntries } from "./zip_entries.ts";

const repo = new URL("../../", import.meta.url);
const VERSION = "9.8.7";
// The .tar.gz archives are made and listed with tar, which the Windows runners' Wine rig lacks;
// the release job builds them on Linux.
const ignore = Deno.build.os !== "linux";
const name = (n: string) => ignore ? `${n} (skipped: release archives are built on Linux)` : n;

async function sha256(file: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(file));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function withDryRun(fn: (out: string) => Promise<void>): Promise<void> {
  const out = await Deno.makeTempDir({ prefix: "bindlink-release-" });
  try {
    await dryRun(out, VERSION);
    await fn(out);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test({
  name: name("release dry run: each archive holds the executable, DSC manifest, README, LICENSE"),
  ignore,
  async fn() {
    await withDryRun(async (out) => {
      for (const target of TARGETS) {
        const file = path.join(out, archiveName(VERSION, target));
        const expected = [target.executable, ...ARCHIVE_EXTRAS];
        if (target.archiveExtension === ".zip") {
          const entries = zipEntries(await Deno.readFile(file));
          assert.deepEqual(entries.map((e) => e.name), expected, file);
          for (const extra of entries.slice(1)) {
            assert.deepEqual(
              extra.data,
              await Deno.readFile(new URL(extra.name, repo)),
              extra.name,
            );
          }
          assert.match(new TextDecoder().decode(entries[0].data), new RegExp(target.target));
        } else {
          const list = await new Deno.Command("tar", { args: ["-tzvf", file] }).output();
          assert.ok(list.success, `tar -tzvf ${file}`);
          const lines = new TextDecoder().decode(list.stdout).trim().split("\n");
          assert.deepEqual(lines.map((l) => l.split(/\s+/).at(-1)), expected, file);
          assert.match(lines[0], /^-rwxr-xr-x /, "the executable is executable");
          for (const line of lines.slice(1)) assert.match(line, /^-rw-r--r-- /, line);
        }
      }
    });
  },
});

Deno.test({
  name: name("release dry run: SHA256SUMS and the winget manifests name each archive's hash"),
  ignore,
  async fn() {
    await withDryRun(async (out) => {
      const hashes = new Map<string, string>();
      for (const target of TARGETS) {
        const archive = archiveName(VERSION, target);
        hashes.set(archive, await sha256(path.join(out, archive)));
      }
      const sums = await Deno.readTextFile(path.join(out, "SHA256SUMS"));
      assert.equal(sums, [...hashes].map(([file, hash]) => `${hash}  ${file}\n`).join(""));

      const read = (file: string) =>
        parse(Deno.readTextFileSync(path.join(out, "winget", `Bindlink.Bindlink${file}.yaml`)));
      for (const file of ["", ".installer", ".locale.en-US"]) {
        assert.equal(read(file).PackageVersion, VERSION, file);
      }
      const installer = read(".installer");
      assert.equal(installer.ManifestVersion, "1.28.0");
      const windows = TARGETS.filter((t) => t.wingetArchitecture);
      assert.deepEqual(
        installer.Installers.map((i: { Architecture: string }) => i.Architecture),
        ["x64", "arm64"],
      );
      for (const [i, target] of windows.entries()) {
        const archive = archiveName(VERSION, target);
        assert.equal(installer.Installers[i].InstallerUrl, releaseUrl(VERSION, archive));
        assert.equal(installer.Installers[i].InstallerSha256.toLowerCase(), hashes.get(archive));
      }
      assert.notEqual(
        installer.Installers[0].InstallerSha256,
        installer.Installers[1].InstallerSha256,
      );
    });
  },
});
