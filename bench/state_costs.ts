/**
 * Section 5 of the bench: what the lock, the intent record and the recovery check of
 * lib/state/ each add to a create+remove pair (issue 12), each called directly, twice per
 * pair (once for the create, once for the remove) as a backend calls them, against the same
 * piece done in C (flock; a small write, rename and unlink; one directory read). The kernel's
 * calls of a plain pair are timed alongside, for scale. Every contestant is interleaved.
 *
 * The pieces are timed without the mount calls in between: an umount's cost swings by more
 * than a lock costs, which would drown the difference.
 *
 * @module
 */
import { libcStateFiles } from "../lib/linux/files.ts";
import { linuxProcessFacts } from "../lib/linux/process.ts";
import { IntentStore } from "../lib/state/intents.ts";
import { StateLock } from "../lib/state/lock.ts";
import { c, STATE_INTENT, STATE_KERNEL, STATE_LOCK, STATE_RECOVERY_CHECK } from "./c_baseline.ts";
import { type BenchContext, errorText } from "./context.ts";
import { makeFixture } from "./fixtures.ts";
import { type Contestant, interleave, time } from "./measure.ts";
import { type Row, us } from "./report.ts";

type Piece = "lock" | "intent" | "recovery";
const PIECES: readonly Piece[] = ["lock", "intent", "recovery"];
const C_FLAG: Record<Piece, number> = {
  lock: STATE_LOCK,
  intent: STATE_INTENT,
  recovery: STATE_RECOVERY_CHECK,
};
const LABEL: Record<Piece, string> = {
  lock: "lock (StateLock.runSync) x2",
  intent: "intent record (begin + finish) x2",
  recovery: "recovery check (IntentStore.list, none pending) x2",
};

/** Section 5. */
export function stateRows(context: BenchContext): Row[] {
  const rounds = context.quick ? 5 : 15;
  const batch = context.quick ? 50 : 200;
  try {
    const dir = `${context.scratch}/state`;
    const ts = makeFixture(`${dir}/ts`, "plain");
    const cf = makeFixture(`${dir}/c`, "plain");
    Deno.mkdirSync(`${dir}/c/state/intents`, { recursive: true });
    const [tv, tb, cv, cb, cstate] = [
      c(ts.virtualPath),
      c(ts.backingPath),
      c(cf.virtualPath),
      c(cf.backingPath),
      c(`${dir}/c/state`),
    ];
    // Configured as the Linux backend configures them (namespace_state.ts).
    const lock = new StateLock(`${dir}/ts/state/lock`, { keepOpen: true });
    const intents = new IntentStore(`${dir}/ts/state/intents`, linuxProcessFacts(), {
      files: libcStateFiles,
    });
    const { baseline } = context;

    const op = (pieces: ReadonlySet<Piece>, command: string, kernel?: () => void) => {
      const body = () => {
        if (pieces.has("recovery") && intents.list().length) throw new Error("intent pending");
        const intent = pieces.has("intent")
          ? intents.begin(command, { mount: ts.virtualPath }, ts.virtualPath)
          : undefined;
        kernel?.();
        intent?.finish();
      };
      if (pieces.has("lock")) lock.runSync({ command, subject: ts.virtualPath }, body);
      else body();
    };
    const library = (name: string, pieces: ReadonlySet<Piece>, kernel: boolean): Contestant => ({
      name,
      ops: batch,
      run: () => ({
        pair: time(() => {
          for (let i = 0; i < batch; i++) {
            op(pieces, "create", kernel ? () => baseline.attach(tv, tb) : undefined);
            op(pieces, "remove", kernel ? () => baseline.detach(tv) : undefined);
          }
        }),
      }),
    });
    const inC = (name: string, what: number): Contestant => ({
      name,
      ops: batch,
      run: () => ({
        pair: time(() => {
          for (let i = 0; i < batch; i++) baseline.statePair(cstate, cv, cb, what);
        }),
      }),
    });
    const all = STATE_LOCK | STATE_INTENT | STATE_RECOVERY_CHECK;
    const r = interleave(rounds, [
      library("ts:kernel", new Set(), true),
      inC("c:kernel", STATE_KERNEL),
      ...PIECES.flatMap((p) => [
        library(`ts:${p}`, new Set([p]), false),
        inC(`c:${p}`, C_FLAG[p]),
      ]),
      library("ts:all", new Set(PIECES), false),
      inC("c:all", all),
      library("ts:all+kernel", new Set(PIECES), true),
      inC("c:all+kernel", all | STATE_KERNEL),
    ]);
    const row = (piece: Piece | "all", name: string): Row => ({
      name,
      measured: `+${us(r[`ts:${piece}`].pair)}`,
      baseline: `+${us(r[`c:${piece}`].pair)} C`,
      ratio: r[`ts:${piece}`].pair / r[`c:${piece}`].pair,
    });
    return [
      {
        name: "kernel calls of a plain pair, for scale",
        measured: us(r["ts:kernel"].pair),
        baseline: `${us(r["c:kernel"].pair)} C`,
        note: "Each piece of lib/state/ is timed alone, twice per pair as a backend calls it " +
          "(create and remove), against the same piece in C (flock; write+rename+unlink; one " +
          "readdir). The kernel's calls are timed alongside for scale; the last row has all " +
          "of it together.",
      },
      ...PIECES.map((p) => row(p, LABEL[p])),
      row("all", "all three"),
      {
        name: "kernel calls + all three",
        measured: us(r["ts:all+kernel"].pair),
        baseline: `${us(r["c:all+kernel"].pair)} C`,
        ratio: r["ts:all+kernel"].pair / r["c:all+kernel"].pair,
      },
    ];
  } catch (error) {
    return [{
      name: "lock, intent record, recovery check",
      measured: "",
      error: errorText(error, context.scratch),
    }];
  }
}
