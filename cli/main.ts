// The `apiops` command: wiring only. Each command lives in cli/commands/<name>.ts and returns its exit code.
import { Command, CommanderError } from 'commander';
import { UserError, EXIT } from '../core/errors.ts';
import { registerEmulator } from './commands/emulator.ts';
import { registerExtract } from './commands/extract.ts';
import { registerValidate } from './commands/validate.ts';
import { registerPublish } from './commands/publish.ts';
import { registerDemo } from './commands/demo.ts';

export type Register = (program: Command, setExit: (code: number) => void) => void;

const COMMANDS: Register[] = [registerDemo, registerEmulator, registerValidate, registerPublish, registerExtract];

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('apiops')
    .description('Git as the source of truth for Azure API Management, kept in step across every region.')
    .exitOverride()
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.failure;
    if (error instanceof UserError) {
      process.stderr.write(`apiops: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`apiops: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failure;
  }
}
