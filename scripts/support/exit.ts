/**
 * Ends a command-line script with `code` once what it printed has reached
 * its reader. process.exit() right after console.log loses the end of the
 * output when stdout is a pipe (Node writes to pipes asynchronously): a
 * 20,000-record import piped to another program lost its summary line.
 * Writes are flushed in order, so an empty write's callback on each stream
 * means everything before it is out.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** The usual ending of a script's `main()`: exit with its code, or print the error and exit with `failure`. */
export function exitWith(run: Promise<number>, onError: (error: unknown) => void = (error) => console.error(error), failure = 1): void {
  run.then(exitWhenFlushed, (error: unknown) => {
    onError(error);
    exitWhenFlushed(failure);
  });
}
