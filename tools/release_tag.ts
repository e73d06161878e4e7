/**
 * Refuses to release from a tag that is not `v` plus deno.json's version, so the archives,
 * the JSR package and the winget manifests can never carry two different versions; and from a
 * repository other than the one the winget manifests' URLs name.
 *
 *   deno run --allow-read tools/release_tag.ts <tag> [owner/repo]
 *
 * release.yml passes the pushed tag and $GITHUB_REPOSITORY.
 */
import { GITHUB_REPOSITORY, packageVersion } from "./release_targets.ts";

/** Throws unless `tag` is exactly `v<version>`. */
export function checkTag(tag: string, version: string): void {
  if (tag !== `v${version}`) {
    throw new Error(
      `the tag "${tag}" does not match deno.json's version ${version}: tag the commit as ` +
        `v${version}, or set deno.json's "version" to the release's and tag again`,
    );
  }
}

/** Throws unless the release is published from the repository the manifests' URLs name. */
export function checkRepository(repository: string): void {
  if (repository !== GITHUB_REPOSITORY) {
    throw new Error(
      `this release runs in ${repository}, but the archive URLs name ${GITHUB_REPOSITORY}: ` +
        `set GITHUB_REPOSITORY in tools/release_targets.ts to ${repository}`,
    );
  }
}

if (import.meta.main) {
  const tag = Deno.args[0]?.replace(/^refs\/tags\//, "");
  if (!tag) {
    console.error("usage: deno run --allow-read tools/release_tag.ts <tag> [owner/repo]");
    Deno.exit(2);
  }
  try {
    checkTag(tag, packageVersion());
    if (Deno.args[1] !== undefined) checkRepository(Deno.args[1]);
    console.log(`release_tag: ${tag} matches deno.json`);
  } catch (error) {
    console.error(`release_tag: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
