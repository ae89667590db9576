import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/cli';

describe('a command-line script that prints a lot and exits', () => {
  it('delivers its last line through a pipe, with its exit code', async () => {
    const { code, stdout } = await runScript('tests/fixtures/cli/loud-script.ts', ['50000'], {});
    expect(code).toBe(3);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('50000 created, 0 updated, 0 unchanged, 0 invalid');
    expect(stdout.split('\n')).toHaveLength(50_002);
  }, 60_000);
});
