/**
 * Reads a V8 `.cpuprofile` (from `deno run --cpu-prof`) and prints where the time went: by
 * function, self time and inclusive time, and by file.
 *
 * @module
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One line of the summary. */
export interface Cost {
  /** `function file:line`, or the file alone. */
  readonly name: string;
  /** Milliseconds. */
  readonly ms: number;
}

/** What a profile says. */
export interface ProfileSummary {
  /** Milliseconds sampled, idle excluded. */
  readonly busyMs: number;
  /** Self time by function, largest first. */
  readonly self: Cost[];
  /** Inclusive time by function (each function counted once per stack), largest first. */
  readonly inclusive: Cost[];
  /** Self time by file (runtime internals by their extension), largest first. */
  readonly files: Cost[];
}

function shortUrl(url: string, repo: string): string {
  return url.replace(`file://${repo}/`, "").replace(/^ext:/, "ext:");
}

/**
 * Summarizes the profile in `file`; paths below `repo` are shown relative to it.
 *
 * @example
 * ```ts
 * const summary = summarizeProfile("/tmp/x.cpuprofile", "/work/main");
 * console.log(summary.self.slice(0, 10));
 * ```
 */
export function summarizeProfile(file: string, repo: string): ProfileSummary {
  const profile: CpuProfile = JSON.parse(Deno.readTextFileSync(file));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const key = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return url
      ? `${functionName || "(top level)"} ${shortUrl(url, repo)}:${lineNumber + 1}`
      : `(${functionName || "native"})`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") return;
    busy += ms;
    self.set(key(node), (self.get(key(node)) ?? 0) + ms);
    const url = node.callFrame.url ? shortUrl(node.callFrame.url, repo) : key(node);
    files.set(url, (files.get(url) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  });
  const sorted = (map: Map<string, number>) =>
    [...map].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { busyMs: busy, self: sorted(self), inclusive: sorted(inclusive), files: sorted(files) };
}

/** Prints `summary`, `top` lines per list, with per-operation microseconds for `ops`. */
export function printProfile(summary: ProfileSummary, ops: number, unit = "op", top = 25): void {
  const line = (cost: Cost) =>
    `${cost.ms.toFixed(1).padStart(9)} ms ${
      (cost.ms / ops * 1000).toFixed(1).padStart(8)
    } us/${unit}  ${cost.name}`;
  console.log(`busy: ${summary.busyMs.toFixed(1)} ms over ${ops} ${unit}s`);
  for (
    const [title, list] of [
      ["inclusive time by function", summary.inclusive],
      ["self time by function", summary.self],
      ["self time by file", summary.files],
    ] as const
  ) {
    console.log(`\n${title}:`);
    for (const cost of list.slice(0, top)) console.log(line(cost));
  }
}
