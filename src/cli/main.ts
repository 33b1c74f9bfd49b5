// Entry point of the `onair` command: one file per command in this folder, each adding
// itself to the program. Exit codes: 0 ok, 1 the command found problems, 2 usage error.
import { Command, CommanderError } from 'commander';
import { registerRun } from './run.js';
import { registerWeb } from './web.js';
import { registerWorker } from './worker.js';
import { registerValidate } from './validate.js';
import { registerPreview } from './preview.js';
import { registerAuth } from './auth.js';
import { registerRehearse } from './rehearse.js';
import { registerEmulator } from './emulator.js';
import { registerHashPassword } from './hash-password.js';
import { youtubeQuotaSection } from './youtube-quota-section.js';

export function buildProgram(): Command {
  const program = new Command('onair')
    .description('Broadcast scheduler: YAML programmes to YouTube, RTMP and local HLS, with live notifications and chat.')
    .showHelpAfterError()
    .exitOverride();
  registerRun(program);
  registerWeb(program);
  registerWorker(program);
  registerValidate(program, [youtubeQuotaSection()]);
  registerPreview(program);
  registerAuth(program);
  registerRehearse(program);
  registerEmulator(program);
  registerHashPassword(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; anything else about the words of the call is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`onair: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
