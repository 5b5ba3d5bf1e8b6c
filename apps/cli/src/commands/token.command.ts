import { ID_PATTERN, isRole, ROLES } from '@tally/domain';
import { ConfigError, loadConfig, mintToken, parseTtl, resolveJwtKeys } from '@tally/platform';
import { randomUUID } from 'node:crypto';

export interface TokenOptions {
  role?: string;
  sub?: string;
  districts?: string[];
  ttl?: string;
}

const SUB = /^[A-Za-z0-9._:@-]{1,128}$/;
export const DEFAULT_TTL = '12h';

/**
 * `token --role R [--sub ID] [--district D]... [--ttl 12h]`: prints a signed token, and only the token, on stdout.
 * Signs with the same key the api verifies with (JWT_SECRET, JWT_PRIVATE_KEY, or the dev secret file).
 */
export async function tokenCommand(
  options: TokenOptions,
  log: (line: string) => void,
  write: (text: string) => void = (text) => process.stdout.write(text),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const problems: string[] = [];
  if (!isRole(options.role)) problems.push(`--role must be one of ${ROLES.join(', ')}`);
  const sub = options.sub ?? `${options.role ?? 'user'}-${randomUUID()}`;
  if (!SUB.test(sub)) problems.push('--sub must be 1-128 letters, digits or . _ : @ -');
  const districts = options.districts ?? [];
  for (const district of districts) {
    if (!ID_PATTERN.test(district))
      problems.push(`--district ${district} is not a district id (e.g. ba-dinh)`);
  }
  if (options.role === 'submitter' && districts.length === 0) {
    problems.push('a submitter needs at least one --district');
  }
  if (options.role === 'auditor' && districts.length > 0) {
    problems.push('an auditor reads everything: --district does not apply');
  }
  const ttl = parseTtl(options.ttl ?? DEFAULT_TTL);
  if (ttl === undefined)
    problems.push('--ttl must be a number with s, m, h or d (e.g. 90s, 15m, 12h, 7d), at most 90d');
  if (problems.length > 0) {
    for (const problem of problems) log(problem);
    log(
      'Usage: npm run cli -- token --role submitter|admin|auditor [--sub ID] [--district D]... [--ttl 12h]',
    );
    return 2;
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      log(error.message);
      return 2;
    }
    throw error;
  }
  const keys = resolveJwtKeys(config);
  if (keys.signKey === undefined) {
    log('JWT_PUBLIC_KEY only verifies tokens: set JWT_PRIVATE_KEY to mint them');
    return 2;
  }
  const claims = { sub, role: options.role!, ...(districts.length > 0 ? { districts } : {}) };
  write(`${await mintToken(config, keys, claims, ttl!)}\n`);
  log(
    `token for ${sub} (${options.role}${districts.length ? ` in ${districts.join(', ')}` : ', city-wide'}), valid ${options.ttl ?? DEFAULT_TTL}, signed with ${keys.source}`,
  );
  return 0;
}
