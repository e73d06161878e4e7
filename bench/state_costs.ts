/**
 * Section 5 of the bench: what the lock, the intent record and the recovery check of
 * lib/state/ each add to a create+remove pair (issue 12). Around a C-like loop: the kernel's
 * calls only (attach, detach), made through the C helper, so what is measured is the state
 * work; the same pieces done in C give the baseline for each.
 *
 * @module
 */
import { linuxProcessFacts } from "../lib/linux/process.ts";
import { IntentStore } from "../lib/state/intents.ts";
import { StateLock } from "../lib/state/lock.ts";
import { c, STATE_INTENT, STATE_LOCK, STATE_RECOVERY_CHECK } from "./c_baseline.ts";
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
  lock: "+ lock (StateLock.runSync), 2 per pair",
  intent: "+ intent record (begin + finish), 2 per pair",
  recovery: "+ recovery check (IntentStore.list, none pending), 2 per pair",
};

/** Section 5. */
export function stateRows(context: BenchContext): Row[] {
  const rounds = context.quick ? 5 : 15;
  const batch = context.quick ? 20 : 50;
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
    const lock = new StateLock(`${dir}/ts/state/lock`);
    const intents = new IntentStore(`${dir}/ts/state/intents`, linuxProcessFacts());
    const { baseline } = context;

    const op = (pieces: ReadonlySet<Piece>, command: string, kernel: () => void) => {
      const body = () => {
        if (pieces.has("recovery") && intents.list().length) throw new Error("intent pending");
        const intent = pieces.has("intent")
          ? intents.begin(command, { mount: ts.virtualPath }, ts.virtualPath)
          : undefined;
        kernel();
        intent?.finish();
      };
      if (pieces.has("lock")) lock.runSync({ command, subject: ts.virtualPath }, body);
      else body();
    };
    const library = (name: string, pieces: ReadonlySet<Piece>): Contestant => ({
      name,
      ops: batch,
      run: () => ({
        pair: time(() => {
          for (let i = 0; i < batch; i++) {
            op(pieces, "create", () => baseline.attach(tv, tb));
            op(pieces, "remove", () => baseline.detach(tv));
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
    const r = interleave(rounds, [
      library("ts:none", new Set()),
      inC("c:none", 0),
      ...PIECES.flatMap((p) => [library(`ts:${p}`, new Set([p])), inC(`c:${p}`, C_FLAG[p])]),
      library("ts:all", new Set(PIECES)),
      inC("c:all", STATE_LOCK | STATE_INTENT | STATE_RECOVERY_CHECK),
    ]);
    const added = (side: "ts" | "c", piece: Piece | "all") =>
      r[`${side}:${piece}`].pair - r[`${side}:none`].pair;
    const row = (piece: Piece | "all", name: string): Row => ({
      name,
      measured: `+${us(added("ts", piece))}`,
      baseline: `+${us(added("c", piece))} C`,
      ratio: added("ts", piece) / added("c", piece),
    });
    return [
      {
        name: "kernel calls only (attach + detach), from the loop",
        measured: us(r["ts:none"].pair),
        baseline: `${us(r["c:none"].pair)} C`,
        note: "Section 5 times a loop of the kernel's calls only and adds one piece of " +
          "lib/state/ at a time; each row is what that piece adds per create+remove pair, and " +
          "the baseline what the same piece (flock; write+rename+unlink; one readdir) adds in C.",
      },
      ...PIECES.map((p) => row(p, LABEL[p])),
      row("all", "+ all three"),
    ];
  } catch (error) {
    return [{ name: "lock, intent record, recovery check", measured: "", error: errorText(error) }];
  }
}
