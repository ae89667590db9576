/**
 * Bounded, ordered concurrency for work over many independent items (the
 * records of a scan, the rows of an import). Each item waits mostly on
 * storage round trips, so a few in flight keep the disk (or S3) busy where
 * one at a time leaves it idle; results still come out in input order, so
 * callers read like the sequential loops they replace.
 */

/**
 * Maps `fn` over `source` with at most `concurrency` calls in flight,
 * yielding results in source order. The source is read only as far ahead as
 * the calls in flight. If a call fails, no new one starts; the ones already
 * running are awaited, then the error is thrown where its result would have
 * been yielded (earlier results are yielded first). Breaking out of the loop
 * also waits for the calls in flight, so none is still writing once the loop
 * is left.
 */
export async function* mapConcurrent<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): AsyncGenerator<R> {
  const limit = Math.max(1, Math.floor(concurrency) || 1);
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const inFlight: Promise<R>[] = [];
  let exhausted = false;
  let index = 0;
  try {
    for (;;) {
      while (!exhausted && inFlight.length < limit) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const result = fn(next.value, index++);
        // Seen when its turn comes; until then it must not count as unhandled.
        result.catch(() => undefined);
        inFlight.push(result);
      }
      const head = inFlight.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    await Promise.allSettled(inFlight);
    if (!exhausted) await iterator.return?.();
  }
}

/**
 * Runs `fn` for each item with a per-key queue: items sharing a key run one
 * after the other in the order they were started (two import rows naming one
 * slug), items with different keys overlap.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<R>(keys: readonly string[], fn: () => Promise<R>): Promise<R> {
    const unique = [...new Set(keys)];
    const before = unique.map((key) => this.tails.get(key)).filter((p): p is Promise<unknown> => p !== undefined);
    const result = Promise.allSettled(before).then(fn);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    for (const key of unique) this.tails.set(key, settled);
    // Forget a key once its last item is done, so the map does not grow with every row.
    void settled.then(() => {
      for (const key of unique) if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }
}
