// Reading a secret on the command line: from the terminal without echo, or the first line
// of standard input when it is not a terminal (scripts). `passwd` and `users test` use it;
// a secret is never an argument, where `ps` and shell histories would keep it.
import { UsageError, type CliIo } from './command.js';

/** The first line of standard input (a password piped in by a script). */
export async function readLineFromStdin(io: CliIo): Promise<string> {
  let data = '';
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/** A line typed at the terminal without echo (Ctrl-C cancels). */
export async function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolvePromise, reject) => {
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            io.stderr.write('\n');
            return resolvePromise(value);
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            return reject(new UsageError('cancelled'));
          }
          if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
