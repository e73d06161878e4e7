/**
 * Shared ground of the Linux end-to-end files: they run only inside the private mount
 * namespace that ../linux_e2e_test.ts starts, on a tmpfs mounted here, with the CLI run as a
 * separate process with exactly the documented flags.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BindLinkApi, type BindLinkOptions, linuxPlatform } from "../../mod.ts";
import { readMountInfo } from "../support/mountinfo.ts";

/** The documented permissions of the CLI and the library on Linux. */
export const DOCUMENTED_FLAGS = ["--allow-ffi", "--allow-read", "--allow-write"] as const;

/** The checkout's cli.ts. */
export const cli = fileURLToPath(new URL("../../cli.ts", import.meta.url));
/** The checkout's root. */
export const repo = fileURLToPath(new URL("../../", import.meta.url));

/** Runs a command; throws with its stderr when it fails. */
export function sh(cmd: string, ...args: string[]): void {
  const out = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

// Guard: mounting over /run outside a private namespace would hurt the machine; only the
// launcher, which starts these files under unshare, sets this.
if (Deno.env.get("BINDLINK_E2E_IN_PRIVATE_NAMESPACE") !== "1") {
  throw new Error(
    "run tests/linux_e2e_test.ts, which starts this file in a private mount namespace",
  );
}
/** The scratch folder (made, and deleted, by the launcher), a tmpfs from here on. */
export const scratch = Deno.env.get("BINDLINK_E2E_SCRATCH")!;
const mounted = readMountInfo().some((m) => m.mountPoint === scratch);
if (!mounted) {
  sh("mount", "-t", "tmpfs", "bindlink-e2e", scratch);
  sh("mount", "-t", "tmpfs", "bindlink-e2e-run", "/run"); // the CLI's default state folder
}
/** The library's state folder in these tests. */
export const stateDir = path.join(scratch, ".state");
/** The library, on the scratch state folder. */
export const api = new BindLinkApi(linuxPlatform({ stateDir }));

/** A fresh, empty folder on the scratch tmpfs (unique across the files of the suite). */
export function fresh(prefix = "t"): string {
  const dir = Deno.makeTempDirSync({ dir: scratch, prefix });
  Deno.chmodSync(dir, 0o755);
  return dir;
}

/** Mount points strictly below `dir`. */
export function mountsBelow(dir: string): string[] {
  return readMountInfo().map((m) => m.mountPoint).filter((p) => p.startsWith(dir + "/"));
}

/** How many mounts are at exactly `at` (stacked mounts count each). */
export function mountsAt(at: string): number {
  return readMountInfo().filter((m) => m.mountPoint === at).length;
}

/** Every file below `dir`, relative (for "nothing but the lock is left"). */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(at)];
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory) walk(path.join(at, entry.name), prefix + entry.name + "/");
      else out.push(prefix + entry.name);
    }
  };
  walk(dir, "");
  return out.sort();
}

/**
 * Asserts no mount is left below `dir`, and the state folder holds nothing but namespace
 * locks: no link record, intent record, staging folder or temporary file.
 */
export function assertClean(dir: string, state = stateDir): void {
  assert.deepEqual(mountsBelow(dir), [], "no mount is left");
  const left = filesBelow(state).filter((f) => !/^[0-9a-f]{32}\.\d+\/lock$/.test(f));
  assert.deepEqual(left, [], "no record, intent, staging folder or temporary file is left");
  assert.deepEqual(
    mountsBelow(state),
    [],
    "no staging mount is left in the state folder",
  );
}

/** Creates the files `list` (relative to `dir`), each holding its own name. */
export function files(dir: string, list: string[]): void {
  for (const file of list) {
    Deno.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    Deno.writeTextFileSync(path.join(dir, file), path.basename(file));
  }
}

/** The sorted names in `dir`. */
export const ls = (dir: string): string[] => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Arguments that run `script` with the documented flags. */
export function denoRunArgs(script: string, args: string[]): string[] {
  return ["run", ...DOCUMENTED_FLAGS, "--no-prompt", script, ...args];
}

/**
 * Arguments for `deno` that start `bindlink run --link <link> -- sh -c <script>` with the
 * documented flags of `run` (the CLI's, and `--allow-run`).
 */
export function runLinkArgs(link: string, script: string): string[] {
  return [
    "run",
    ...DOCUMENTED_FLAGS,
    "--allow-run",
    "--no-prompt",
    cli,
    "run",
    "--link",
    link,
    "--",
    "sh",
    "-c",
    script,
  ];
}

/** The CLI as its own process, with exactly the documented flags; `wrap` prefixes a command. */
export function runCli(args: string[], wrap: string[] = [], script = cli): CliResult {
  const [cmd, ...pre] = wrap.length ? wrap : [Deno.execPath()];
  const out = new Deno.Command(cmd, {
    args: [...pre, ...(wrap.length ? [Deno.execPath()] : []), ...denoRunArgs(script, args)],
    env: { NO_COLOR: "1", DENO_DIR: path.join(scratch, ".deno") },
  }).outputSync();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Starts the CLI without waiting (for races between processes). */
export function spawnCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: denoRunArgs(cli, args),
    env: { NO_COLOR: "1", DENO_DIR: path.join(scratch, ".deno") },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Options for the CLI's create, as flags. */
export function createArgs(virtual: string, backing: string, options: BindLinkOptions = {}) {
  const args = ["create", virtual, backing, "--json"];
  if (options.readOnly) args.push("--read-only");
  if (options.merged) args.push("--merged");
  for (const e of options.exceptions ?? []) args.push("--exception", e);
  return args;
}
