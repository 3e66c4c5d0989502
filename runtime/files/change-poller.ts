// Rereads files when they change, for the lists the server keeps in memory (password files,
// mailbox lists). Polled, not fs.watch: editors that replace a file (a new inode) and network
// file systems are seen too. Each poll compares a file's size, modification time and inode
// with what they were when the file was last read, not with the previous poll: fs.watchFile
// takes its first snapshot some time after it is started, so a change made between the read
// and that snapshot would never be reported.
import { stat } from 'node:fs/promises';

export class ChangePoller {
  /** Per file: its size, mtime and inode when it was last read ('missing' if it was not there). */
  private readonly readAs = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  /** `changed` rereads every file (calling `beforeRead` for each); it reports its own errors. */
  constructor(private readonly changed: () => Promise<void>) {}

  /** Call just before reading `path`: a change during the read is then seen by the next poll. */
  async beforeRead(path: string): Promise<void> {
    this.readAs.set(path, await signatureOf(path));
  }

  start(intervalMs: number): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.poll(), intervalMs);
    // the poller never keeps the process alive on its own
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    // a slow disk must not stack polls (and rereads) on top of each other
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [path, signature] of this.readAs) {
        if ((await signatureOf(path)) !== signature) return await this.changed();
      }
    } finally {
      this.polling = false;
    }
  }
}

/** What a poll compares: size, modification time and inode (a replaced file has a new one). */
async function signatureOf(path: string): Promise<string> {
  try {
    const { size, mtimeMs, ino } = await stat(path);
    return `${size}:${mtimeMs}:${ino}`;
  } catch {
    return 'missing';
  }
}
