import { devSecretPath, loadConfig } from '@tally/platform';
import { localSigner } from '../api-auth';
import { Official, runSimulation } from '../simulate/simulator';

/** A simulated day at --speed 60 takes about 16 minutes; slower speeds take longer. */
const SIMULATION_TOKEN_SECONDS = 24 * 3600;

export interface SimulateArgs {
  election?: string;
  speed?: string;
  rate?: string;
  seed?: string;
  concurrency?: string;
  'double-entry'?: boolean;
  api: string;
}

/**
 * `simulate --election hn-2021 --speed 60 [--api URL] [--rate N] [--seed S] [--concurrency N]`: replays a polling
 * day against the running api (turnout at the reporting hours, then sheets district by district, a few corrections).
 * Sends `Authorization: Bearer $TALLY_TOKEN`, or tokens minted from the local key (see simulationTokens).
 */
export async function simulateCommand(args: SimulateArgs, log: (line: string) => void): Promise<number> {
  const speed = Number(args.speed ?? 60);
  const rate = args.rate === undefined ? undefined : Number(args.rate);
  const concurrency = Number(args.concurrency ?? 16);
  if (
    !(speed > 0) ||
    (rate !== undefined && !(rate > 0)) ||
    !Number.isInteger(concurrency) ||
    concurrency < 1
  ) {
    log(
      'Usage: npm run cli -- simulate --election hn-2021 --speed 60 [--api URL] [--rate N] [--seed S] [--concurrency N] [--double-entry]',
    );
    return 2;
  }
  const tokens = await simulationTokens();
  if (args['double-entry'] === true && !tokens.tokenFor) {
    log(
      process.env.TALLY_TOKEN?.trim()
        ? '--double-entry mints two officials per district itself: unset TALLY_TOKEN'
        : `--double-entry mints two officials per district with the api's key, and this shell has none: set JWT_SECRET ` +
            `(or JWT_PRIVATE_KEY) as the api has it, or the api's EMBEDDED_PG_DIR, beside which its dev secret is ` +
            `(looked for at ${devSecretLocation()})`,
    );
    return 2;
  }
  try {
    const result = await runSimulation({
      api: args.api,
      electionId: args.election ?? 'hn-2021',
      speed,
      rate,
      seed: args.seed ?? '2021',
      concurrency,
      doubleEntry: args['double-entry'] === true,
      ...tokens,
      log,
    });
    return result.refused > 0 ? 1 : 0;
  } catch (error) {
    log(
      `Simulation stopped: ${error instanceof Error ? error.message : String(error)} (is the api running at ${args.api}?)`,
    );
    return 1;
  }
}

/**
 * `TALLY_TOKEN` for every request when it is set (the api's rate limit then applies to that one token). Otherwise,
 * with the local key, one submitter token per district and a city-admin token, minted once: each district's
 * officials count against the rate limit on their own, as on the night.
 */
async function simulationTokens(): Promise<{
  token?: string;
  tokenFor?: (districtId: string | undefined, as?: Official) => Promise<string | undefined>;
}> {
  const given = process.env.TALLY_TOKEN?.trim();
  if (given) return { token: given };
  const sign = localSigner(process.env);
  if (!sign) return {};
  const tokens = new Map<string, Promise<string>>();
  return {
    tokenFor: (districtId, as = 'submitter') => {
      const key = `${districtId ?? ''}/${as}`;
      if (!tokens.has(key)) {
        tokens.set(
          key,
          districtId === undefined
            ? sign({ sub: 'simulator-city-admin', role: 'admin' }, SIMULATION_TOKEN_SECONDS)
            : as === 'admin'
              ? sign(
                  { sub: `simulator-${districtId}-admin`, role: 'admin', districts: [districtId] },
                  SIMULATION_TOKEN_SECONDS,
                )
              : sign(
                  {
                    sub: as === 'second' ? `simulator-${districtId}-second` : `simulator-${districtId}`,
                    role: 'submitter',
                    districts: [districtId],
                  },
                  SIMULATION_TOKEN_SECONDS,
                ),
        );
      }
      return tokens.get(key)!;
    },
  };
}

/** Where the CLI looks for the embedded default's dev secret, for a message. */
function devSecretLocation(): string {
  try {
    return devSecretPath(loadConfig(process.env));
  } catch {
    return 'dev-jwt-secret beside EMBEDDED_PG_DIR';
  }
}
