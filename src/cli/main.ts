/** `esdlab` command-line entry point: dispatches to the sub-commands in ./registry. */
import { isEsdlabError } from '../core/errors';
import type { CliIO } from './command';
import { commands } from './registry';

const stdio: CliIO = {
  out: (s) => { process.stdout.write(s); },
  err: (s) => { process.stderr.write(s); },
};

function help(): string {
  const lines = ['usage: esdlab <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  return lines.join('\n') + '\n';
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves to an exit code.
 * Errors on bad input become one line on stderr, never a stack trace.
 */
export async function main(argv: string[], io: CliIO = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    io.out(`${(require('../../package.json') as { version: string }).version}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`esdlab: unknown command '${name}' (see esdlab --help)\n`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (isEsdlabError(e)) {
      io.err(`esdlab ${name}: ${oneLine(e.message)}\n`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`esdlab ${name}: internal error: ${oneLine(msg)}\n`);
    return 70;
  }
}

/** Makes text from untrusted files safe for one terminal line: control characters (escape sequences, newlines) become '?'. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
