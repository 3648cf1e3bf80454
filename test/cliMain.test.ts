import { main, oneLine } from '../src/cli/main';
import { commands } from '../src/cli/registry';
import { EsdlabError } from '../src/core/errors';

function capture(): { out: string[]; err: string[]; io: { out(s: string): void; err(s: string): void } } {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}

describe('esdlab CLI dispatcher', () => {
  it('lists the commands in --help and rejects unknown ones with exit 2', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    for (const name of ['fit', 'esd', 'analyze', 'describe', 'kernel', 'install-kernel']) expect(c.out.join('')).toContain(name);
    const d = capture();
    expect(await main(['nope'], d.io)).toBe(2);
    expect(d.err.join('')).toBe("esdlab: unknown command 'nope' (see esdlab --help)\n");
  });
  it('prints a typed error as one sanitized line (escape sequences from a file cannot reach the terminal)', async () => {
    commands.push({ name: 'boom', usage: 'boom', summary: 'test', run: async () => { throw new EsdlabError('PARSE_ERROR', 'bad', { file: 'x', tensor: 'a\u001b[2Jb\nc' }); } });
    try {
      const c = capture();
      expect(await main(['boom'], c.io)).toBe(1);
      expect(c.err.join('')).toBe("esdlab boom: [x, tensor 'a?[2Jb?c'] bad\n");
    } finally {
      commands.pop();
    }
  });
  it('oneLine replaces C0 and C1 control characters', () => {
    expect(oneLine('a\tb\u0085c\u007f')).toBe('a?b?c?');
  });
});
