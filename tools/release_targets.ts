/**
 * What a release is made of, in one place: the repository the archives are published from, the
 * winget package's identifier, and the four compile targets with their archive and executable
 * names. The release tools and their tests read these; nothing else spells them out.
 */

/** The GitHub repository (owner/name) whose releases carry the archives. */
export const GITHUB_REPOSITORY = "bindlink/bindlink";

/** The winget package's identifier (packaging/winget/ holds its manifests). */
export const PACKAGE_IDENTIFIER = "Bindlink.Bindlink";

/** One compile target of a release. */
export interface ReleaseTarget {
  /** The `deno compile --target` triple. */
  target: string;
  os: "windows" | "linux";
  /** The executable's name inside the archive. */
  executable: string;
  archiveExtension: ".zip" | ".tar.gz";
  /** winget's Architecture for a Windows target. */
  wingetArchitecture?: "x64" | "arm64";
  /** The machine field a real executable for the target carries (PE Machine or ELF e_machine). */
  machine: number;
}

/** The targets a release builds, in the order SHA256SUMS lists them. */
export const TARGETS: readonly ReleaseTarget[] = [
  {
    target: "x86_64-pc-windows-msvc",
    os: "windows",
    executable: "bindlink.exe",
    archiveExtension: ".zip",
    wingetArchitecture: "x64",
    machine: 0x8664,
  },
  {
    target: "aarch64-pc-windows-msvc",
    os: "windows",
    executable: "bindlink.exe",
    archiveExtension: ".zip",
    wingetArchitecture: "arm64",
    machine: 0xaa64,
  },
  {
    target: "x86_64-unknown-linux-gnu",
    os: "linux",
    executable: "bindlink",
    archiveExtension: ".tar.gz",
    machine: 0x3e,
  },
  {
    target: "aarch64-unknown-linux-gnu",
    os: "linux",
    executable: "bindlink",
    archiveExtension: ".tar.gz",
    machine: 0xb7,
  },
];

/** The files every archive holds beside the executable, from the top of the checkout. */
export const ARCHIVE_EXTRAS = ["bindlink.dsc.resource.json", "README.md", "LICENSE"] as const;

/** `bindlink-<version>-<target>.zip` or `.tar.gz`. */
export function archiveName(version: string, target: ReleaseTarget): string {
  return `bindlink-${version}-${target.target}${target.archiveExtension}`;
}

/** Where a release's asset is downloaded from. */
export function releaseUrl(version: string, asset: string): string {
  return `https://github.com/${GITHUB_REPOSITORY}/releases/download/v${version}/${asset}`;
}

/** The version in deno.json, which tags, archives and manifests must all carry. */
export function packageVersion(repo: URL = new URL("../", import.meta.url)): string {
  const { version } = JSON.parse(Deno.readTextFileSync(new URL("deno.json", repo)));
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new Error(`deno.json's "version" is ${JSON.stringify(version)}, not a semantic version`);
  }
  return version;
}
