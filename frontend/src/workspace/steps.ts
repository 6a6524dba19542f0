// The on-chain steps of a batch the wallet sends in order (a listing's products, an edit's documents).

/** One step per call: "List it on chain", or with `name` "List S/Black (1 of 4) on chain" and a progress line
 * ("Listing S/Black (1 of 4)…") as each is handed to the wallet. `reached()` is the index of the call last
 * handed over (the ones before it are confirmed: the steps run in order), -1 before the first. */
export function chainSteps<C>(
  calls: readonly C[],
  verb: { step: string; doing: string },
  name: ((i: number) => string) | null,
  setProgress: (text: string) => void,
): { steps: { label: string; call: () => C }[]; reached: () => number } {
  let reached = -1;
  const steps = calls.map((call, i) => ({
    label: name ? `${verb.step} ${name(i)} on chain` : `${verb.step} it on chain`,
    call: () => {
      reached = i;
      if (name) setProgress(`${verb.doing} ${name(i)}…`);
      return call;
    },
  }));
  return { steps, reached: () => reached };
}
