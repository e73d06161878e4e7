/**
 * Refuses to release from a tag that is not `v` plus deno.json's version, so the archives,
 * the JSR package and the winget manifests can never carry two different versions.
 *
 *   deno run --allow-read tools/release_tag.ts <tag>     (release.yml passes the pushed tag)
 */
import { packageVersion } from "./release_targets.ts";

/** Throws unless `tag` is exactly `v<version>`. */
export function checkTag(tag: string, version: string): void {
  if (tag !== `v${version}`) {
    throw new Error(
      `the tag "${tag}" does not match deno.json's version ${version}: tag the commit as ` +
        `v${version}, or set deno.json's "version" to the release's and tag again`,
    );
  }
}

if (import.meta.main) {
  const tag = Deno.args[0]?.replace(/^refs\/tags\//, "");
  if (!tag) {
    console.error("usage: deno run --allow-read tools/release_tag.ts <tag>");
    Deno.exit(2);
  }
  try {
    checkTag(tag, packageVersion());
    console.log(`release_tag: ${tag} matches deno.json`);
  } catch (error) {
    console.error(`release_tag: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
