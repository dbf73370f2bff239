import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export const DOVECOT = '/usr/sbin/dovecot';
const INSTALL = 'apt-get install dovecot-imapd dovecot-lmtpd';

/** A private Dovecot (IMAP + LMTP on 127.0.0.1, free ports, a fresh directory), one per test file. */
export interface Dovecot {
  imapPort: number;
  lmtpPort: number;
  dir: string;
  /** The Maildir of a user (…/Maildir), owned by dovecot. */
  maildir(user: string): string;
  stop(): Promise<void>;
}

/**
 * Whether Dovecot can run here. Without it: in CI (`CI` set) the e-mail tests FAIL, saying so; elsewhere they are
 * skipped, loudly.
 */
export function dovecotAvailable(): boolean {
  if (existsSync(DOVECOT)) return true;
  const message = `Dovecot (${DOVECOT}) is not installed: the e-mail tests need it. Install it with: ${INSTALL}`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n*** ${message}. The e-mail tests are SKIPPED. ***\n`);
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts Dovecot with the given users (`address` → password); runs as root, mail owned by the dovecot user. */
export async function startDovecot(users: Record<string, string>): Promise<Dovecot> {
  const dir = mkdtempSync('/tmp/dv-');
  chmodSync(dir, 0o755); // Dovecot's unprivileged processes read the password file and reach the homes
  const [imapPort, lmtpPort] = [await freePort(), await freePort()];
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
  writeFileSync(
    join(dir, 'passwd'),
    Object.entries(users)
      .map(([user, password]) => `${user}:{PLAIN}${password}\n`)
      .join(''),
  );
  const conf = `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), conf);
  const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString());
  const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString());
  for (const user of Object.keys(users)) {
    const home = join(dir, 'home', user);
    for (const sub of ['', 'Maildir', 'Maildir/new', 'Maildir/cur', 'Maildir/tmp']) {
      mkdirSync(join(home, sub), { recursive: true });
      chownSync(join(home, sub), uid, gid);
    }
  }
  chownSync(join(dir, 'home'), uid, gid);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = Date.now() + 15_000;
    await waitForPort(imapPort, deadline);
    await waitForPort(lmtpPort, deadline);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    imapPort,
    lmtpPort,
    dir,
    maildir: (user) => join(dir, 'home', user, 'Maildir'),
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
