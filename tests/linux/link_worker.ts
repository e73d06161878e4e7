/**
 * A process that makes and removes links in a loop, for the concurrency and kill tests of
 * e2e_concurrency.ts. Run with exactly the documented flags:
 *
 *   deno run --allow-ffi --allow-read --allow-write link_worker.ts <mode> <state> <virtual>
 *     <backing> <rounds> [exception] [start]
 *
 * Modes: `create`, `remove` (one call per round, starting when the file [start] appears;
 * prints a JSON summary at the end),
 * `cycle` (merged create + remove with the exception, printing `ready` first; runs until
 * killed when rounds is 0), `cycle-staged` (the same, assembled at a staging folder),
 * `nested-cycle` (a child link, a merged parent over it, both removed deepest first).
 */
import { BindLinkApi, BindLinkError, linuxPlatform } from "../../mod.ts";
import { readMountInfo } from "../support/mountinfo.ts";

const [mode, stateDir, virtual, backing, roundsText, exception, startFile] = Deno.args;
const rounds = Number(roundsText);
const assembly = mode === "cycle-staged" ? "staging" : "detached";
const api = new BindLinkApi(linuxPlatform({ stateDir, onWait: () => {}, assembly }));
const summary = { ok: 0, codes: {} as Record<string, number>, other: [] as string[], maxMounts: 0 };

function note(error: unknown): void {
  if (error instanceof BindLinkError) {
    summary.codes[error.code] = (summary.codes[error.code] ?? 0) + 1;
  } else {
    summary.other.push(String(error));
  }
}

function countMounts(): void {
  const here = readMountInfo().filter((m) => m.mountPoint === virtual).length;
  summary.maxMounts = Math.max(summary.maxMounts, here);
}

if (mode === "nested-cycle") {
  // A child first, then a merged parent over it; removed deepest first. `virtual` is the
  // parent, `exception` names the child's path, `backing` the parent's backing path and
  // `${backing}2` the child's.
  console.log("ready");
  for (let i = 0; rounds === 0 || i < rounds; i++) {
    try {
      api.createBindLinkSync(exception, `${backing}2`);
      api.createBindLinkSync(virtual, backing, { merged: true });
      api.removeBindLinkSync(exception);
      api.removeBindLinkSync(virtual);
    } catch (error) {
      note(error);
    }
  }
} else if (mode === "cycle" || mode === "cycle-staged") {
  console.log("ready");
  for (let i = 0; rounds === 0 || i < rounds; i++) {
    try {
      api.createBindLinkSync(virtual, backing, { merged: true, exceptions: [exception] });
      api.removeBindLinkSync(virtual);
    } catch (error) {
      note(error);
    }
  }
} else {
  // Start together: wait until the test says go (the file appears).
  while (startFile) {
    try {
      Deno.statSync(startFile);
      break;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
  for (let i = 0; i < rounds; i++) {
    try {
      if (mode === "create") api.createBindLinkSync(virtual, backing);
      else api.removeBindLinkSync(virtual);
      summary.ok++;
    } catch (error) {
      note(error);
    }
    countMounts();
  }
}
console.log(JSON.stringify(summary));
