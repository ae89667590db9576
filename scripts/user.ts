/**
 * Accounts from the command line, for the first admin and for recovery:
 *   npm run user -- create <username> --role admin [--role reviewer] [--community co-tu] [--name "Tên"] [--email a@b]
 *   npm run user -- reset <username>       new password (read from stdin, or generated and printed)
 *   npm run user -- disable <username> | enable <username>
 *   npm run user -- list
 * Passwords are read from standard input when it is not a terminal, so they never appear in the shell history.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ZodError, z } from 'zod';
import { openArchive } from '../lib/archive';
import { UserStore } from '../lib/auth/users';
import { ConfigError } from '../lib/config';
import { exitWith } from './support/exit';

async function readPassword(): Promise<{ password: string; generated: boolean }> {
  if (!process.stdin.isTTY) {
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const password = input.replace(/\r?\n$/, '');
    if (password) return { password, generated: false };
  }
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string', multiple: true }, community: { type: 'string', multiple: true }, name: { type: 'string' }, email: { type: 'string' } },
  });
  const [command, username] = positionals;
  const users = new UserStore(openArchive().store);
  switch (command) {
    case 'create': {
      if (!username) break;
      const { password, generated } = await readPassword();
      const user = await users.create({ username, displayName: values.name ?? username, email: values.email, roles: (values.role ?? ['officer']) as never, communities: values.community ?? [], password });
      console.log(`created ${user.username} (${user.roles.join(', ')})${generated ? `; password: ${password}` : ''}`);
      return 0;
    }
    case 'reset': {
      if (!username) break;
      const { password, generated } = await readPassword();
      await users.setPassword(username, password);
      console.log(`password of ${username} reset${generated ? `; new password: ${password}` : ''}`);
      return 0;
    }
    case 'disable':
    case 'enable':
      if (!username) break;
      await users.setDisabled(username, command === 'disable');
      console.log(`${username} ${command}d`);
      return 0;
    case 'list':
      for await (const u of users.list()) console.log(`${u.username.padEnd(20)} ${u.disabled ? 'DISABLED ' : ''}${u.roles.join(',')}${u.communities.length ? ` [${u.communities.join(',')}]` : ''}  ${u.displayName}`);
      return 0;
  }
  console.error('usage: npm run user -- create <username> --role <admin|reviewer|officer|researcher> [--community <group>] | reset <username> | disable <username> | enable <username> | list');
  return 2;
}

exitWith(main(process.argv.slice(2)), (error) => {
  if (error instanceof ZodError) console.error(z.prettifyError(error));
  else if (error instanceof ConfigError || error instanceof Error) console.error(error.message);
});
