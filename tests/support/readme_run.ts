/**
 * Runs shell lines as a Linux user pasting them would: as root, in a shell whose current
 * folder is an empty scratch folder, but inside a private mount namespace
 * (`unshare -m --propagation private`) with tmpfs over the scratch folder, `/run` (bindlink's
 * state) and `/mnt` (where examples mount shares), so nothing they mount or write there
 * reaches the machine. `deno` on the PATH is the Deno running the tests.
 */
import path from "node:path";
import { parseMountInfo } from "./mountinfo.ts";

/** Why the namespace runs cannot work here, or undefined. */
export function namespaceSkipReason(): string | undefined {
  if (Deno.build.os !== "linux") return "Linux only";
  if (Deno.uid() !== 0) return "needs root for mounts; run the tests as root";
  try {
    new Deno.Command("unshare", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync();
  } catch {
    return "needs unshare (util-linux)";
  }
  return undefined;
}

/** What one line printed and returned. */
export interface LineResult {
  line: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** What a run of lines did. */
export interface ShellRun {
  /** The scratch folder the lines ran in. */
  scratch: string;
  results: LineResult[];
  /** Mount points strictly below the scratch folder once every line had run. */
  mountsLeft: string[];
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `lines` one after the other in one shell (so a function one line defines is there for
 * the next), after copying `files` into the scratch folder, with `env` added to the environment. A line that fails does not stop
 * the others; each one's exit code is kept.
 */
export async function runInNamespace(
  files: Map<string, string>,
  lines: string[],
  env: Record<string, string> = {},
): Promise<ShellRun> {
  const base = await Deno.makeTempDir({ prefix: "bindlink-readme-" });
  const scratch = path.join(base, "scratch");
  const staged = path.join(base, "files");
  const out = path.join(base, "out");
  try {
    for (const dir of [scratch, staged, out]) await Deno.mkdir(dir);
    for (const [name, text] of files) await Deno.writeTextFile(path.join(staged, name), text);
    const script = [
      "set -u",
      `mount -t tmpfs bindlink-readme-run /run || exit 101`,
      `mount -t tmpfs bindlink-readme-mnt /mnt || exit 101`,
      `mount -t tmpfs bindlink-readme-scratch ${quote(scratch)} || exit 101`,
      `cp -R ${quote(staged)}/. ${quote(scratch)}/ || exit 101`,
      `cd ${quote(scratch)} || exit 101`,
      ...lines.map((line, i) =>
        `{\n${line}\n} >${quote(`${out}/${i}.out`)} 2>${quote(`${out}/${i}.err`)} </dev/null; ` +
        `echo $? >${quote(`${out}/${i}.code`)}`
      ),
      `cat /proc/self/mountinfo >${quote(`${out}/mountinfo`)}`,
    ].join("\n");
    const denoDir = path.dirname(Deno.execPath());
    const run = await new Deno.Command("unshare", {
      args: ["-m", "--propagation", "private", "sh", "-c", script],
      env: { ...env, NO_COLOR: "1", PATH: `${denoDir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(180_000),
    }).output();
    if (run.code !== 0) {
      throw new Error(
        `the namespace shell failed (${run.code}): ${new TextDecoder().decode(run.stderr)}`,
      );
    }
    const read = (name: string) => Deno.readTextFile(path.join(out, name));
    const results: LineResult[] = [];
    for (const [i, line] of lines.entries()) {
      results.push({
        line,
        code: Number((await read(`${i}.code`)).trim()),
        stdout: await read(`${i}.out`),
        stderr: await read(`${i}.err`),
      });
    }
    const mountsLeft = parseMountInfo(await read("mountinfo"))
      .map((m) => m.mountPoint)
      .filter((p) => p.startsWith(scratch + "/"));
    return { scratch, results, mountsLeft };
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

/** A line's result as a readable failure message. */
export function describe(result: LineResult): string {
  return `${result.line}\nexit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}
