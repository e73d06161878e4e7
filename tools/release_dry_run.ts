/**
 * A release without the compile step: every target's archive with a placeholder where the
 * executable goes (`deno compile` needs a runtime download that cannot finish on our build
 * machines), SHA256SUMS, and the winget manifests filled in from it. It checks the layout,
 * names and hashes a tag's release would produce.
 *
 *   deno task release:dry-run [out dir]     (default: dist/dry-run)
 */
import path from "node:path";
import { buildArchives, type ExecutableSource } from "./release_archives.ts";
import { fillManifests } from "./release_manifests.ts";
import { packageVersion } from "./release_targets.ts";

/** A placeholder executable naming its target, so each archive's hash differs. */
export const placeholderExecutables: ExecutableSource = (target) =>
  Promise.resolve(
    new TextEncoder().encode(`placeholder for the ${target.target} build of bindlink\n`),
  );

/** Builds the archives, SHA256SUMS and `winget/` manifests under `outDir`. */
export async function dryRun(outDir: string, version: string = packageVersion()) {
  const archives = await buildArchives(placeholderExecutables, outDir, version);
  const sums = await Deno.readTextFile(path.join(outDir, "SHA256SUMS"));
  const manifests = await fillManifests(version, sums, path.join(outDir, "winget"));
  return { archives, manifests };
}

if (import.meta.main) {
  const out = Deno.args[0] ?? "dist/dry-run";
  await Deno.remove(out, { recursive: true }).catch(() => {});
  const { archives, manifests } = await dryRun(out);
  for (const a of archives) console.log(`${a.sha256}  ${a.name}`);
  for (const m of manifests) console.log(m);
}
