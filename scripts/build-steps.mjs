// The parts of scripts/build.mjs that decide and filter, kept apart so test/build-steps.test.ts can
// check them without running a build: when a step is up to date, and which compiler output is noise.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

/**
 * Newest modification time (ms) of the given files and directories; directories are walked and
 * their own time counts too, so a file added to or deleted from an input directory counts as a
 * change. Missing paths are ignored.
 */
export function newestMtime(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    t = Math.max(t, st.mtimeMs);
    if (st.isDirectory()) t = Math.max(t, newestMtime(readdirSync(p).map((f) => path.join(p, f))));
  }
  return t;
}

/** True when the stamp and every output exist and no input is newer than the stamp. */
export function upToDate({ inputs, outputs, stamp }) {
  if (!existsSync(stamp) || !outputs.every((o) => existsSync(o))) return false;
  return newestMtime(inputs) <= statSync(stamp).mtimeMs;
}

/**
 * Marks a step done: the stamp gets the time the step STARTED (not when it ended), so an input
 * edited while the step ran is newer than the stamp and triggers the next build.
 */
export function writeStamp(stamp, started) {
  mkdirSync(path.dirname(stamp), { recursive: true });
  closeSync(openSync(stamp, 'w'));
  utimesSync(stamp, started, started);
}

// asc's `converge` option (asconfig.json) re-runs the optimizer until the binary stops shrinking.
// When the last round comes out larger than the round before, asc stops there and prints "Last
// converge was suboptimal." to stderr: a note, not a warning (the module is valid and correct; it
// is the last round's output, a few bytes larger than the best one). asc has no option to silence
// it, so this one line is dropped from its output; everything else is passed through.
const NOISE = /^Last converge was suboptimal\.\r?$/;

/** The compiler's stderr without the "Last converge was suboptimal." note. */
export function withoutAscNoise(stderr) {
  return stderr
    .split('\n')
    .filter((l) => !NOISE.test(l))
    .join('\n');
}
