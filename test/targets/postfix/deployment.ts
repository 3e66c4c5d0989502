// A policy deployed on the test's one Postfix: its runtime config moved onto loopback
// (test/targets/loopback.ts), translated, written into Postfix's
// directory, and started afresh for each policy (`postfix stop`, then `postfix start`).
// The same moved config is what `smtppolicy verify` is run against, so verify's
// expectations and Postfix's configuration come from one policy.
import { chown, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeConfig } from '../../../runtime/config/index.js';
import { NO_MAILBOXES, translateToPostfix, type TargetOutput } from '../../../targets/index.js';
import { postfixFailure, waitForPort, writePostfixConfig, type PostfixDirectory } from '../../helpers/postfix.js';

/** Files of the previous policy go, so that a table the new one does not name cannot linger. */
async function clearTranslation(postfix: PostfixDirectory, previous: TargetOutput | undefined): Promise<void> {
  for (const name of previous?.files.keys() ?? []) await rm(join(postfix.dir, name), { force: true });
}

/**
 * Kills what is left of this directory's Postfix: its master and any `master -t` that
 * `postfix stop` left waiting. Each is known by its MAIL_CONFIG (the directory, which only
 * this test uses) and checked to be a Postfix program.
 */
async function killPostfixOf(dir: string): Promise<void> {
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.split('\0').includes(`MAIL_CONFIG=${dir}`)) continue;
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!command.startsWith('/usr/lib/postfix/sbin/')) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it ended meanwhile
    }
  }
}

export class PostfixDeployer {
  #started = false;
  #previous: TargetOutput | undefined;

  constructor(readonly postfix: PostfixDirectory) {}

  async deploy(config: RuntimeConfig): Promise<TargetOutput> {
    const { postfix } = this;
    // the examples' mailbox lists are files of the mail host (/etc/smtppolicy/…), absent here;
    // verify probes postmaster and a local part no list holds, which need none of them
    const output = translateToPostfix(config, { directory: postfix.dir, mailboxes: NO_MAILBOXES });
    await clearTranslation(postfix, this.#previous);
    for (const [name, text] of output.files) {
      if (name === 'main.cf' || name === 'master.cf') continue;
      await mkdir(join(postfix.dir, name, '..'), { recursive: true });
      await writeFile(join(postfix.dir, name), text);
    }
    // Delivered mail belongs to `postfix` here (the written uid 5000 is the operator's to set).
    // Replaced rather than overridden: every Postfix process would log two "overriding earlier
    // entry" warnings, and a flood of log lines through postlogd's socket (10 datagrams deep)
    // is the suspect of the wedged masters seen under load (blocked in unix_wait_for_peer).
    const owner = `virtual_uid_maps = static:${postfix.owner.uid}\nvirtual_gid_maps = static:${postfix.owner.gid}\nvirtual_minimum_uid = 1\n`;
    const mainCf = output.files.get('main.cf')!.split('\n').filter((line) => !/^virtual_(uid_maps|gid_maps|minimum_uid)\s*=/.test(line)).join('\n');
    await writePostfixConfig(postfix, `${mainCf}\n${owner}`, output.files.get('master.cf')!);
    await mkdir(join(postfix.dir, 'mail'), { recursive: true });
    await chown(join(postfix.dir, 'mail'), postfix.owner.uid, postfix.owner.gid);
    try {
      // `start` checks the configuration itself. Postfix is restarted for each policy rather
      // than reloaded: after a reload, verify's next connection stalled (the listener took
      // it, smtpd never greeted, and the next `postfix` command's `master -t` hung), first
      // seen after a policy that offered AUTH and, with the generated policies, also after a
      // policy whose listeners differ from the next one's. Each policy passes on a fresh
      // Postfix; the cause is not established. A restart costs about a second.
      if (this.#started) {
        await postfix.postfix('stop');
        this.#started = false;
      }
      await postfix.postfix('start');
      this.#started = true;
      // one deadline for all listeners, well inside the test's own timeout, so that a listener
      // Postfix did not open fails here with its log rather than as a bare timeout
      const deadline = Date.now() + 10_000;
      for (const server of config.servers) for (const listen of server.listen) await waitForPort(listen.port, Math.max(0, deadline - Date.now()));
    } catch (error) {
      throw await postfixFailure(postfix, 'Postfix refused the translated configuration', error);
    }
    this.#previous = output;
    return output;
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    // Under load a master has been seen to stop answering (its `postfix stop` hangs in
    // `master -t`, an exited pickup left unreaped): give stop 15 s, then end what is left,
    // so that no Postfix outlives the test.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, 15_000); });
    await Promise.race([this.postfix.postfix('stop').catch(() => undefined), deadline]).finally(() => clearTimeout(timer));
    await killPostfixOf(this.postfix.dir);
  }
}
