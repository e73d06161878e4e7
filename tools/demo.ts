/**
 * Shows the documented bind link scenarios live, checking each against what it should show.
 *
 *   deno task demo
 *
 * Linux (root): runs inside a private mount namespace on a scratch tmpfs, so nothing stays
 * mounted even if it is interrupted. Windows (elevated prompt): under a temporary folder.
 */
import path from "node:path";
import { BindLinkApi, BindLinkError, linuxPlatform, windowsPlatform } from "../mod.ts";
import { main } from "../cli.ts";
import { readMountInfo } from "../tests/support/mountinfo.ts";
import { type Check, runScenario, scenarios } from "./scenarios.ts";
import { showManifest } from "./manifest_demo.ts";

const INSIDE = "--inside-namespace";

async function show(api: BindLinkApi, scratch: string, os: "windows" | "linux"): Promise<boolean> {
  let allOk = true;
  for (const [i, scenario] of scenarios(os).entries()) {
    const root = path.join(scratch, `${i + 1}`);
    Deno.mkdirSync(root);
    const flags = [
      scenario.options.readOnly && "--read-only",
      scenario.options.merged && "--merged",
      ...(scenario.options.exceptions ?? []).map((e) => `--exception ${e}`),
    ].filter(Boolean).join(" ");
    console.log(`\n${i + 1}. ${scenario.name}`);
    console.log(`   files:  ${scenario.files.join(", ")}`);
    console.log(
      `   link:   bindlink create ${scenario.virtual} ${scenario.backing} ${flags}`.trimEnd(),
    );
    if (scenario.note) console.log(`   note:   ${scenario.note}`);
    let checks: Check[];
    try {
      checks = await runScenario(api, root, scenario);
    } catch (error) {
      console.log(`   FAILED: ${error instanceof BindLinkError ? error.message : error}`);
      allOk = false;
      continue;
    }
    for (const c of checks) {
      console.log(
        `   ${c.ok ? "ok  " : "FAIL"} ${c.what}: ${c.actual}${
          c.ok ? "" : ` (expected ${c.expected})`
        }`,
      );
      allOk &&= c.ok;
    }
  }
  return allOk;
}

async function linuxInside(scratch: string): Promise<number> {
  const mount = new Deno.Command("mount", { args: ["-t", "tmpfs", "bindlink-demo", scratch] })
    .outputSync();
  if (!mount.success) throw new Error(`mounting a tmpfs on ${scratch} failed`);
  const stateDir = path.join(scratch, ".state");
  using api = new BindLinkApi(linuxPlatform({ stateDir }));
  console.log(`bindlink demo on Linux, in a private mount namespace, under ${scratch}`);
  const root = path.join(scratch, "manifest");
  Deno.mkdirSync(root);
  const scenariosOk = await show(api, scratch, "linux");
  const ok = await showManifest(api.platform, root, stateDir) && scenariosOk;
  const left = readMountInfo().filter((m) => m.mountPoint.startsWith(scratch + "/"));
  console.log(`\nmounts left under ${scratch}: ${left.length}`);
  return ok && left.length === 0 ? 0 : 1;
}

async function linux(): Promise<number> {
  const scratch = Deno.makeTempDirSync({ prefix: "bindlink-demo-" });
  try {
    const child = new Deno.Command("unshare", {
      args: [
        "-m",
        "--propagation",
        "private",
        Deno.execPath(),
        "run",
        // The documented flags, and running mount for the scratch tmpfs: nothing more.
        "--allow-ffi",
        "--allow-read",
        "--allow-write",
        "--allow-run=mount",
        import.meta.filename!,
        INSIDE,
        scratch,
      ],
      stdout: "inherit",
      stderr: "inherit",
    });
    return (await child.output()).code;
  } finally {
    Deno.removeSync(scratch, { recursive: true });
  }
}

async function windows(): Promise<number> {
  const scratch = Deno.makeTempDirSync({ prefix: "bindlink-demo-" });
  try {
    using api = new BindLinkApi(windowsPlatform());
    console.log(`bindlink demo on Windows, under ${scratch}`);
    const root = path.join(scratch, "manifest");
    Deno.mkdirSync(root);
    const scenariosOk = await show(api, scratch, "windows");
    const ok = await showManifest(api.platform, root) && scenariosOk;
    // What Windows lists now, as `bindlink list` prints it: every scenario removed its link.
    console.log("\n$ bindlink list");
    const code = await main(["list"], { platform: api.platform });
    const left = (await api.listBindLinks()).filter((link) =>
      api.platform.paths.isBelow(link.virtualPath, scratch)
    );
    console.log(`links left under ${scratch}: ${left.length}`);
    return ok && code === 0 && left.length === 0 ? 0 : 1;
  } finally {
    Deno.removeSync(scratch, { recursive: true });
  }
}

if (import.meta.main) {
  let code: number;
  if (Deno.args[0] === INSIDE) code = await linuxInside(Deno.args[1]);
  else if (Deno.build.os === "windows") code = await windows();
  else if (Deno.build.os === "linux") {
    if (Deno.uid() !== 0) {
      console.error("bindlink demo: bind mounts need root; run it with sudo (or as root).");
      code = 1;
    } else code = await linux();
  } else {
    console.error(`bindlink demo: there is no bind link backend for ${Deno.build.os}.`);
    code = 1;
  }
  if (Deno.args[0] !== INSIDE) {
    console.log(
      code === 0
        ? "\nevery scenario behaved as documented"
        : "\nsome scenarios did not behave as documented",
    );
  }
  Deno.exit(code);
}
