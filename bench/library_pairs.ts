/**
 * Sections 1 and 2 of the bench: create+remove pairs through the library against the C
 * baseline doing the same syscalls and file work, in one process, interleaved round by round,
 * the C baseline spaced like the library (see `libraryAgainstC`); then the same with 10 and
 * with 3000 live links.
 *
 * @module
 */
import { BindLinkApi } from "../lib/bind_link_api.ts";
import { linuxPlatform } from "../lib/linux/platform.ts";
import type { CLink } from "./c_baseline.ts";
import { type BenchContext, errorText } from "./context.ts";
import { type Fixture, makeFixture, type Variant } from "./fixtures.ts";
import { libraryAgainstC, type PairOps, type PairTimes, time } from "./measure.ts";
import { type Row, us } from "./report.ts";

const VARIANTS: readonly Variant[] = ["plain", "merged", "exceptions"];

function libraryApi(stateDir: string): BindLinkApi {
  return new BindLinkApi(linuxPlatform({ stateDir }));
}

function cLinkFor(context: BenchContext, name: string, fixture: Fixture, work: string): CLink {
  return context.baseline.link(name, fixture.virtualPath, fixture.backingPath, {
    merged: fixture.merged,
    work: fixture.merged ? work : "",
    exceptions: fixture.relativeExceptions,
  });
}

function cPair(context: BenchContext, link: CLink): PairOps {
  return {
    create: () => context.baseline.create(link),
    remove: () => context.baseline.remove(link),
  };
}

/** "pair (create + remove)" in microseconds. */
function split(t: PairTimes): string {
  return `${us(t.pair)} (${us(t.create)} + ${us(t.remove)})`;
}

function libraryPair(api: BindLinkApi, fixture: Fixture): PairOps {
  const options = { merged: fixture.merged, exceptions: [...fixture.exceptions] };
  return {
    create: () => void api.createBindLinkSync(fixture.virtualPath, fixture.backingPath, options),
    remove: () => api.removeBindLinkSync(fixture.virtualPath),
  };
}

/** Section 1: one pair of each variant, library against C. */
export function pairRows(context: BenchContext): Row[] {
  const rounds = context.quick ? 5 : 15;
  const batch = context.quick ? 10 : 20;
  const rows: Row[] = [];
  using api = libraryApi(`${context.scratch}/pairs/state`);
  for (const variant of VARIANTS) {
    const name = `${variant} create+remove pair`;
    try {
      const dir = `${context.scratch}/pairs/${variant}`;
      const lib = libraryPair(api, makeFixture(`${dir}/lib`, variant));
      const cFixture = makeFixture(`${dir}/c`, variant);
      const cLink = cLinkFor(context, `pair-${variant}`, cFixture, `${dir}/c/.work`);
      const r = libraryAgainstC(rounds, batch, lib, cPair(context, cLink));
      rows.push({
        name,
        measured: split(r.library),
        baseline: `${split(r.spaced)} C`,
        ratio: r.library.pair / r.spaced.pair,
        target: { op: "<=", limit: 1.5 },
        note: variant === "plain"
          ? "C baseline spaced like the library: each C call preceded by a busy wait as long " +
            "as the library's extra time, so the kernel sees the same rhythm. The same C in a " +
            `tight loop: plain ${split(r.tight)}.`
          : `C in a tight loop: ${split(r.tight)}.`,
      });
    } catch (error) {
      rows.push({ name, measured: "", error: errorText(error, context.scratch) });
    }
  }
  rows.push(kernelFloorRow(context));
  return rows;
}

function kernelFloorRow(context: BenchContext): Row {
  const name = "kernel only: open_tree+move_mount+umount2";
  try {
    const fixture = makeFixture(`${context.scratch}/pairs/kernel`, "plain");
    const encode = (s: string) => new TextEncoder().encode(s + "\0");
    const [v, b] = [encode(fixture.virtualPath), encode(fixture.backingPath)];
    const count = 2000;
    context.baseline.kernelPair(v, b);
    const ms = time(() => {
      for (let i = 0; i < count; i++) context.baseline.kernelPair(v, b);
    }) / count;
    return {
      name,
      measured: us(ms),
      note: "The kernel's own floor for a plain pair (C, tight loop, no checks, no records); " +
        "the C baseline above adds the lock, stats, statx and record file work.",
    };
  } catch (error) {
    return { name, measured: "", error: errorText(error, context.scratch) };
  }
}

/** Section 2: plain pairs with 10 and with 3000 other live links, library and C. */
export function scaleRows(context: BenchContext): Row[] {
  const few = 10;
  const many = context.quick ? 1000 : 3000;
  const rounds = context.quick ? 5 : 20;
  const batch = context.quick ? 5 : 10;
  const dir = `${context.scratch}/scale`;
  using api = libraryApi(`${dir}/state`);
  const lib = libraryPair(api, makeFixture(`${dir}/lib`, "plain"));
  const cFixture = makeFixture(`${dir}/c`, "plain");
  const cLink = cLinkFor(context, "scale", cFixture, "");
  const fillBacking = `${dir}/fill-backing`;
  Deno.mkdirSync(fillBacking);
  const measure = () => libraryAgainstC(rounds, batch, lib, cPair(context, cLink));
  let live = 0;
  const fill = (upTo: number) => {
    const start = performance.now();
    const first = live;
    for (; live < upTo; live++) {
      const virtual = `${dir}/fill/v${live}`;
      Deno.mkdirSync(virtual, { recursive: true });
      api.createBindLinkSync(virtual, fillBacking);
    }
    return (performance.now() - start) / Math.max(1, upTo - first);
  };
  const rows: Row[] = [];
  try {
    fill(few);
    const atFew = measure();
    const fillMs = fill(many);
    const atMany = measure();
    const row = (part: keyof PairTimes, name: string): Row => {
      const libraryGrowth = atMany.library[part] / atFew.library[part];
      const cGrowth = atMany.spaced[part] / atFew.spaced[part];
      return {
        name,
        measured: `${us(atFew.library[part])} -> ${us(atMany.library[part])} (${
          libraryGrowth.toFixed(2)
        }x)`,
        baseline: `${us(atFew.spaced[part])} -> ${us(atMany.spaced[part])} (${
          cGrowth.toFixed(2)
        }x) C`,
        ratio: libraryGrowth / cGrowth,
        target: { op: "<=", limit: 1.2 },
        note: part === "create"
          ? "Growth from 10 to 3000 live links, divided by the C baseline's growth over the " +
            "same links, so what the kernel itself adds with more mounts is not counted " +
            "against the library."
          : undefined,
      };
    };
    rows.push(
      row("create", `create, ${few} -> ${many} live links`),
      row("remove", `remove, ${few} -> ${many} live links`),
      row("pair", `pair, ${few} -> ${many} live links`),
      {
        name: `average create while filling up to ${many}`,
        measured: us(fillMs),
      },
    );
  } catch (error) {
    rows.push({
      name: `pairs at ${few} and ${many} live links`,
      measured: "",
      error: errorText(error, context.scratch),
    });
  }
  return rows;
}
