// Entry point of the `onair` command: one file per command in this folder, each adding
// itself to the program. Exit codes: 0 ok, 1 the command found problems, 2 usage error.
// Only the module of the command being run is loaded (`onair validate` never loads the
// server, googleapis or ffmpeg handling), so a check answers as fast as a compiler does;
// --help and an unknown word load them all, to list every command.
import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

/** Each command's module, loaded only when that command (or the full list) is needed. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./run.js')).registerRun,
  web: async () => (await import('./web.js')).registerWeb,
  worker: async () => (await import('./worker.js')).registerWorker,
  validate: async () => {
    const [{ registerValidate }, { youtubeQuotaSection }] = await Promise.all([import('./validate.js'), import('./youtube-quota-section.js')]);
    return (program) => registerValidate(program, [youtubeQuotaSection()]);
  },
  preview: async () => (await import('./preview.js')).registerPreview,
  auth: async () => (await import('./auth.js')).registerAuth,
  rehearse: async () => (await import('./rehearse.js')).registerRehearse,
  emulator: async () => (await import('./emulator.js')).registerEmulator,
  'hash-password': async () => (await import('./hash-password.js')).registerHashPassword,
};

/** The program with the commands `argv` needs: the one named, or all of them. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('onair')
    .description('Broadcast scheduler: YAML programmes to YouTube, RTMP and local HLS, with live notifications and chat.')
    .showHelpAfterError()
    .exitOverride();
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  const names = word !== undefined && word in COMMANDS ? [word] : Object.keys(COMMANDS);
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]!()))) register(program);
  return program;
}

/**
 * A reader that went away (`onair preview | head`) ends the command quietly, as Unix tools
 * do: no stack trace, and nothing more is written.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (c) => process.exit(c)): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
    else throw err;
  });
}

async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const program = await buildProgram(argv);
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
