/**
 * Packs the compiled executables into the release archives, one per target, each holding the
 * executable, bindlink.dsc.resource.json, README.md and LICENSE (Windows: .zip, Linux:
 * .tar.gz, all at the top of the archive, where winget's NestedInstallerFiles and the DSC
 * resource's discovery beside the executable expect them), then writes SHA256SUMS over them.
 *
 *   deno task release:archives <bin dir> <out dir>
 *
 * `<bin dir>/<target>/bindlink(.exe)` is each target's `deno compile` output. An executable
 * built for another machine than its target's is refused: a mislabelled archive would install
 * a program that cannot start.
 */
import path from "node:path";
import { zipStore } from "./release_zip.ts";
import {
  ARCHIVE_EXTRAS,
  archiveName,
  packageVersion,
  type ReleaseTarget,
  TARGETS,
} from "./release_targets.ts";

/** One archive written: which target, its file name and its SHA-256 (lower-case hex). */
export interface BuiltArchive {
  target: ReleaseTarget;
  name: string;
  sha256: string;
}

/** Where the executable for `target` comes from. */
export type ExecutableSource = (target: ReleaseTarget) => Promise<Uint8Array>;

/** The lower-case hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The machine an executable is built for: PE's Machine field, or ELF's e_machine. */
export function executableMachine(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 0x40 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 > bytes.length || view.getUint32(pe, false) !== 0x50450000) return undefined;
    return view.getUint16(pe + 4, true);
  }
  if (bytes.length >= 20 && view.getUint32(0, false) === 0x7f454c46) {
    return view.getUint16(18, bytes[5] === 1);
  }
  return undefined;
}

/** Reads `<binDir>/<target>/<executable>` and refuses one built for another machine. */
export function compiledExecutables(binDir: string): ExecutableSource {
  return async (target) => {
    const file = path.join(binDir, target.target, target.executable);
    const bytes = await Deno.readFile(file);
    const machine = executableMachine(bytes);
    if (machine !== target.machine) {
      throw new Error(
        `${file} is not an executable for ${target.target} (machine ${
          machine === undefined ? "unknown" : `0x${machine.toString(16)}`
        }, expected 0x${target.machine.toString(16)}); rebuild it with that --target`,
      );
    }
    return bytes;
  };
}

async function tarGz(files: readonly { name: string; data: Uint8Array; mode: number }[]) {
  const stage = await Deno.makeTempDir({ prefix: "bindlink-release-" });
  try {
    for (const file of files) {
      const target = path.join(stage, file.name);
      await Deno.writeFile(target, file.data);
      await Deno.chmod(target, file.mode);
    }
    // Owner, group and times fixed, so the archive's bytes depend only on the files.
    const tar = await new Deno.Command("tar", {
      args: [
        "--format=ustar",
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "--mtime=@0",
        "-C",
        stage,
        "-cf",
        "-",
        ...files.map((f) => f.name),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!tar.success) throw new Error(`tar failed: ${new TextDecoder().decode(tar.stderr)}`);
    const gzipped = new Blob([tar.stdout as BlobPart]).stream()
      .pipeThrough(new CompressionStream("gzip"));
    return new Uint8Array(await new Response(gzipped).arrayBuffer());
  } finally {
    await Deno.remove(stage, { recursive: true });
  }
}

/** Writes every target's archive and SHA256SUMS into `outDir`; returns what it wrote. */
export async function buildArchives(
  executable: ExecutableSource,
  outDir: string,
  version: string = packageVersion(),
  repo: URL = new URL("../", import.meta.url),
): Promise<BuiltArchive[]> {
  await Deno.mkdir(outDir, { recursive: true });
  const extras = await Promise.all(
    ARCHIVE_EXTRAS.map(async (name) => ({
      name,
      data: await Deno.readFile(new URL(name, repo)),
      mode: 0o644,
    })),
  );
  const built: BuiltArchive[] = [];
  for (const target of TARGETS) {
    const files = [
      { name: target.executable, data: await executable(target), mode: 0o755 },
      ...extras,
    ];
    const bytes = target.archiveExtension === ".zip" ? zipStore(files) : await tarGz(files);
    const name = archiveName(version, target);
    await Deno.writeFile(path.join(outDir, name), bytes);
    built.push({ target, name, sha256: await sha256Hex(bytes) });
  }
  // The layout `sha256sum -c SHA256SUMS` reads: hash, two spaces, file name.
  const sums = built.map((a) => `${a.sha256}  ${a.name}\n`).join("");
  await Deno.writeTextFile(path.join(outDir, "SHA256SUMS"), sums);
  return built;
}

if (import.meta.main) {
  const [binDir, outDir] = Deno.args;
  if (!binDir || !outDir) {
    console.error("usage: deno task release:archives <bin dir> <out dir>");
    Deno.exit(2);
  }
  for (const a of await buildArchives(compiledExecutables(binDir), outDir)) {
    console.log(`${a.sha256}  ${a.name}`);
  }
}
