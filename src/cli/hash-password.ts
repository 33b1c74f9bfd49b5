// `onair hash-password`: makes the scrypt hash of a moderator's password for
// moderation.accounts in config. The password is read from standard input (piped, or typed
// twice without echo on a terminal) — never from the command line, where `ps` and shell
// history would keep it.
import type { Command } from 'commander';
import { hashPassword } from '../chat/password.js';

/** Shortest password accepted: moderator accounts guard a children's chat. */
export const MIN_PASSWORD_LENGTH = 10;

async function readPiped(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line from a terminal without echoing it. */
function readHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    let value = '';
    input.setRawMode?.(true);
    input.resume();
    input.setEncoding('utf8');
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          output.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new Error('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = (): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
    };
    input.on('data', onData);
  });
}

export function registerHashPassword(program: Command): void {
  program
    .command('hash-password')
    .description('Print the scrypt hash of a moderator password for moderation.accounts (reads the password from stdin).')
    .option('--name <name>', 'moderator name, to print a ready config entry')
    .action(async (opts: { name?: string }) => {
      const input = process.stdin;
      let password: string;
      if (input.isTTY) {
        password = await readHidden('Password: ', input, process.stderr);
        const again = await readHidden('Again: ', input, process.stderr);
        if (again !== password) {
          process.stderr.write('onair hash-password: the two passwords differ; nothing was printed. Run it again.\n');
          process.exitCode = 1;
          return;
        }
      } else {
        password = await readPiped(input);
      }
      if (Array.from(password).length < MIN_PASSWORD_LENGTH) {
        process.stderr.write(
          `onair hash-password: the password must be at least ${MIN_PASSWORD_LENGTH} characters; nothing was printed.\n`,
        );
        process.exitCode = 1;
        return;
      }
      const hash = await hashPassword(password);
      process.stdout.write(`${hash}\n`);
      process.stderr.write(
        `Add to config (moderation.accounts):\n  - name: ${opts.name ?? '<name>'}\n    passwordHash: "${hash}"\n`,
      );
    });
}
