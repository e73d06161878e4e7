/**
 * The manifest scenario of `deno task demo`: a bindlink.json with three links put in place by
 * `bindlink apply`, applied again (nothing to do), checked by `bindlink status`, and taken
 * away by `bindlink down`, each step shown as the CLI prints it and checked.
 */
import path from "node:path";
import { main } from "../cli.ts";
import type { Platform } from "../mod.ts";

function ok(what: string, good: boolean, actual: string): boolean {
  console.log(`   ${good ? "ok  " : "FAIL"} ${what}: ${actual}`);
  return good;
}

function write(file: string, text: string): void {
  Deno.mkdirSync(path.dirname(file), { recursive: true });
  Deno.writeTextFileSync(file, text);
}

function read(file: string): string {
  try {
    return Deno.readTextFileSync(file);
  } catch (error) {
    return `(${(error as Error).name})`;
  }
}

/**
 * Runs the scenario under `root` (a fresh folder) on `platform`; `stateDir` is where the lock
 * and records go (the demo's scratch folder on Linux). Returns whether every check held.
 */
export async function showManifest(
  platform: Platform,
  root: string,
  stateDir?: string,
): Promise<boolean> {
  write(path.join(root, "releases", "v2", "config", "app.ini"), "version=2");
  write(path.join(root, "releases", "v2", "plugins", "p.txt"), "plugin v2");
  write(path.join(root, "shared", "fonts", "font.txt"), "font");
  write(path.join(root, "app", "current", "README"), "placeholder");
  Deno.mkdirSync(path.join(root, "releases", "v2", "fonts"), { recursive: true });
  Deno.mkdirSync(path.join(root, "app", "fonts"), { recursive: true });
  const manifest = {
    links: [
      { virtual: "app/current/fonts", backing: "shared/fonts", readOnly: true },
      { virtual: "app/current", backing: "releases/v2" },
      { virtual: "app/fonts", backing: "app/current/fonts" },
    ],
  };
  const file = path.join(root, "bindlink.json");
  Deno.writeTextFileSync(file, JSON.stringify(manifest, null, 2));
  console.log(`\nManifest: ${file}\n${JSON.stringify(manifest, null, 2).replace(/^/gm, "   ")}`);
  const cli = async (...args: string[]) => {
    console.log(`\n   $ bindlink ${args.join(" ")}`);
    let out = "";
    const code = await main([...args, "-f", file], {
      platform,
      stateDir,
      stdout: (t) => out += t,
      stderr: (t) => out += t,
    });
    console.log(out.replace(/^/gm, "   | ").trimEnd());
    return { code, out };
  };
  let good = true;
  const applied = await cli("apply");
  good = ok("apply exit code", applied.code === 0, String(applied.code)) && good;
  const seen = read(path.join(root, "app", "current", "config", "app.ini"));
  good = ok("app/current shows releases/v2", seen === "version=2", seen) && good;
  const font = read(path.join(root, "app", "fonts", "font.txt"));
  good = ok("app/fonts shows app/current/fonts, a link made before it", font === "font", font) &&
    good;
  const again = await cli("apply");
  const last = again.out.trim().split("\n").at(-1) ?? "";
  good = ok("second apply changes nothing", /^Nothing to do/.test(last), last) && good;
  const status = await cli("status");
  good = ok("status exit code", status.code === 0, String(status.code)) && good;
  const down = await cli("down");
  good = ok("down exit code", down.code === 0, String(down.code)) && good;
  const back = read(path.join(root, "app", "current", "README"));
  good = ok("app/current shows its own files again", back === "placeholder", back) && good;
  const after = await cli("status");
  good = ok("status after down reports the links missing", after.code === 1, String(after.code)) &&
    good;
  return good;
}
