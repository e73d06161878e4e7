/** The version every release file carries, and the winget templates' fixed fields. */
import assert from "node:assert/strict";
import { parse } from "npm:yaml@2.8.1";
import {
  archiveName,
  PACKAGE_IDENTIFIER,
  packageVersion,
  releaseUrl,
  TARGETS,
} from "../../tools/release_targets.ts";

const repo = new URL("../../", import.meta.url);
const winget = new URL("packaging/winget/", repo);
const version = packageVersion(repo);

function template(kind: string): { text: string; doc: Record<string, unknown> } {
  const text = Deno.readTextFileSync(new URL(`${PACKAGE_IDENTIFIER}${kind}.yaml`, winget));
  return { text, doc: parse(text) };
}

const FILES = [
  { kind: "", type: "version" },
  { kind: ".installer", type: "installer" },
  { kind: ".locale.en-US", type: "defaultLocale" },
];

Deno.test("the winget templates and the DSC manifest carry deno.json's version", () => {
  for (const { kind } of FILES) {
    assert.equal(template(kind).doc.PackageVersion, version, `${PACKAGE_IDENTIFIER}${kind}.yaml`);
  }
  const dsc = JSON.parse(Deno.readTextFileSync(new URL("bindlink.dsc.resource.json", repo)));
  assert.equal(dsc.version, version, "bindlink.dsc.resource.json");
});

Deno.test("the winget templates are a 1.28.0 set with the schema header each type names", () => {
  for (const { kind, type } of FILES) {
    const { text, doc } = template(kind);
    assert.equal(doc.ManifestType, type);
    assert.equal(doc.ManifestVersion, "1.28.0");
    assert.equal(doc.PackageIdentifier, PACKAGE_IDENTIFIER);
    assert.ok(
      text.startsWith(
        `# yaml-language-server: $schema=https://aka.ms/winget-manifest.${type}.1.28.0.schema.json\n`,
      ),
      `${PACKAGE_IDENTIFIER}${kind}.yaml's first line names its schema`,
    );
  }
  assert.equal(template("").doc.DefaultLocale, template(".locale.en-US").doc.PackageLocale);
});

Deno.test("the installer template: a machine-wide portable bindlink.exe in a zip, with DSC", () => {
  const { doc } = template(".installer");
  assert.equal(doc.InstallerType, "zip");
  assert.equal(doc.NestedInstallerType, "portable");
  assert.deepEqual(doc.NestedInstallerFiles, [
    { RelativeFilePath: "bindlink.exe", PortableCommandAlias: "bindlink" },
  ]);
  assert.equal(doc.ArchiveBinariesDependOnPath, true);
  assert.equal(doc.Scope, "machine");
  assert.equal(doc.MinimumOSVersion, "10.0.26100.0");
  const dsc = JSON.parse(Deno.readTextFileSync(new URL("bindlink.dsc.resource.json", repo)));
  assert.deepEqual(doc.DesiredStateConfiguration, { DSCv3: { Resources: [{ Type: dsc.type }] } });
  const installers = doc.Installers as Record<string, string>[];
  const windows = TARGETS.filter((t) => t.wingetArchitecture);
  assert.deepEqual(installers.map((i) => i.Architecture), windows.map((t) => t.wingetArchitecture));
  for (const [i, target] of windows.entries()) {
    assert.equal(installers[i].InstallerUrl, releaseUrl(version, archiveName(version, target)));
    assert.match(installers[i].InstallerSha256, /^[0-9A-Fa-f]{64}$/);
  }
});
