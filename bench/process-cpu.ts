// CPU time a process has used so far (user + system, from /proc/PID/stat), for benchmarks
// that say where the time of a load went among the processes that served it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Seconds of CPU used by `pid` (its own threads, not its children). Linux only. */
export function processCpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) may hold spaces: count the fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14 and 15 of stat(5), utime and stime, are the 12th and 13th after the name
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
