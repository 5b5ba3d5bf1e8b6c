import { JwtService } from '@nestjs/jwt';
import { tokenCommand, TokenOptions } from './token.command';

const ENV = { JWT_SECRET: 'a-secret-for-the-token-command-spec-0123456789' };

async function run(options: TokenOptions) {
  const log: string[] = [];
  let out = '';
  const code = await tokenCommand(
    options,
    (line) => log.push(line),
    (text) => (out += text),
    ENV,
  );
  return { code, out, log: log.join('\n') };
}

describe('token command', () => {
  it.each([
    [{}, '--role must be one of submitter, admin, auditor'],
    [{ role: 'root' }, '--role must be one of'],
    [{ role: 'submitter' }, 'a submitter needs at least one --district'],
    [{ role: 'auditor', districts: ['ba-dinh'] }, 'an auditor reads everything'],
    [{ role: 'admin', ttl: '12 hours' }, '--ttl must be a number with s, m, h or d'],
    [{ role: 'admin', ttl: '100d' }, 'at most 90d'],
    [{ role: 'admin', districts: ['Ba Đình'] }, '--district Ba Đình is not a district id'],
    [{ role: 'admin', sub: 'has space' }, '--sub must be'],
  ] as [TokenOptions, string][])('%j → exit 2: %s', async (options, message) => {
    const result = await run(options);
    expect([result.code, result.out]).toEqual([2, '']);
    expect(result.log).toContain(message);
  });

  it('prints the token alone, with the claims asked for and the ttl', async () => {
    const result = await run({
      role: 'submitter',
      sub: 'officer-17',
      districts: ['ba-dinh', 'tay-ho'],
      ttl: '90m',
    });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = await new JwtService().verifyAsync(result.out.trim(), {
      secret: ENV.JWT_SECRET,
      algorithms: ['HS256'],
      issuer: 'tally-ledger',
      audience: 'tally-ledger-api',
    });
    expect(claims).toMatchObject({ sub: 'officer-17', role: 'submitter', districts: ['ba-dinh', 'tay-ho'] });
    expect(claims.exp - claims.iat).toBe(5400);
  });

  it('generates a sub when none is given, and a city admin has no districts claim', async () => {
    const result = await run({ role: 'admin' });
    const claims = new JwtService().decode(result.out.trim());
    expect(claims.sub).toMatch(/^admin-[0-9a-f-]{36}$/);
    expect(claims).not.toHaveProperty('districts');
    expect(claims.exp - claims.iat).toBe(12 * 3600);
  });
});
