// Preloaded (`node --import`) into a command that bench/large-policy.bench.ts measures:
// writes the process's peak resident set size, in KiB, to file descriptor 3 as it exits.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(3, String(process.resourceUsage().maxRSS));
  } catch {
    // no descriptor 3: run outside the benchmark
  }
});
