/**
 * Fills the winget manifest templates (packaging/winget/) for a release: the version, each
 * architecture's archive URL, and its SHA-256 from the release's SHA256SUMS. The templates
 * are left as they are; the filled-in set goes to its own folder, ready for winget-pkgs.
 *
 *   deno task release:manifests <version> <SHA256SUMS> [out dir]
 *
 * The out dir defaults to packaging/winget/out/<version>/.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "npm:yaml@2.8.1";
import { archiveName, PACKAGE_IDENTIFIER, releaseUrl, TARGETS } from "./release_targets.ts";

/** The folder of the templates. */
export const TEMPLATES = fileURLToPath(new URL("../packaging/winget/", import.meta.url));

/** Reads SHA256SUMS (`<hex>  <name>` lines, as sha256sum writes them) into name → hash. */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!match) {
      throw new Error(
        `SHA256SUMS line ${i + 1} is not "<sha256>  <file>": ${JSON.stringify(line)}`,
      );
    }
    sums.set(match[2], match[1].toLowerCase());
  }
  return sums;
}

/** Writes the filled-in manifest set for `version` into `outDir`; returns the files written. */
export async function fillManifests(
  version: string,
  sumsText: string,
  outDir: string,
  templates: string = TEMPLATES,
): Promise<string[]> {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new Error(`"${version}" is not a version such as 1.2.3 (give it without the "v")`);
  }
  if (path.resolve(outDir) === path.resolve(templates)) {
    throw new Error(`${outDir} is the templates' folder; give another folder to write into`);
  }
  const sums = parseSums(sumsText);
  const installers = new Map<string, { url: string; sha256: string }>();
  for (const target of TARGETS) {
    if (!target.wingetArchitecture) continue;
    const name = archiveName(version, target);
    const sha256 = sums.get(name);
    if (!sha256) {
      throw new Error(`SHA256SUMS has no line for ${name}; is it the ${version} release's?`);
    }
    installers.set(target.wingetArchitecture, { url: releaseUrl(version, name), sha256 });
  }

  const written: string[] = [];
  const files = [...Deno.readDirSync(templates)]
    .filter((e) =>
      e.isFile && e.name.startsWith(`${PACKAGE_IDENTIFIER}.`) && e.name.endsWith(".yaml")
    )
    .map((e) => e.name)
    .sort();
  const filled = new Map<string, string>();
  for (const name of files) {
    const doc = parseDocument(await Deno.readTextFile(path.join(templates, name)));
    doc.set("PackageVersion", version);
    if (doc.get("ManifestType") === "installer") {
      const list = doc.toJS().Installers as { Architecture: string }[];
      for (const [i, installer] of list.entries()) {
        const fill = installers.get(installer.Architecture);
        if (!fill) throw new Error(`${name}: no release archive for ${installer.Architecture}`);
        doc.setIn(["Installers", i, "InstallerUrl"], fill.url);
        doc.setIn(["Installers", i, "InstallerSha256"], fill.sha256.toUpperCase());
        installers.delete(installer.Architecture);
      }
      if (installers.size) {
        throw new Error(`${name} lists no installer for ${[...installers.keys()].join(", ")}`);
      }
    }
    filled.set(name, doc.toString({ lineWidth: 0 }).replace(/^# Template:.*\n/m, ""));
  }
  await Deno.mkdir(outDir, { recursive: true });
  for (const [name, text] of filled) {
    const file = path.join(outDir, name);
    await Deno.writeTextFile(file, text);
    written.push(file);
  }
  return written;
}

if (import.meta.main) {
  const [version, sumsFile, outDir] = Deno.args;
  if (!version || !sumsFile) {
    console.error("usage: deno task release:manifests <version> <SHA256SUMS> [out dir]");
    Deno.exit(2);
  }
  const out = outDir ?? path.join(TEMPLATES, "out", version);
  for (const file of await fillManifests(version, await Deno.readTextFile(sumsFile), out)) {
    console.log(file);
  }
}
