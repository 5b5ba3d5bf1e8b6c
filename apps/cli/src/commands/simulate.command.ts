import { apiToken } from '../api-auth';
import { runSimulation } from '../simulate/simulator';

/** A simulated day at --speed 60 takes about 16 minutes; slower speeds take longer. */
const SIMULATION_TOKEN_SECONDS = 24 * 3600;

export interface SimulateArgs {
  election?: string;
  speed?: string;
  rate?: string;
  seed?: string;
  concurrency?: string;
  api: string;
}

/**
 * `simulate --election hn-2021 --speed 60 [--api URL] [--rate N] [--seed S] [--concurrency N]`: replays a polling
 * day against the running api (turnout at the reporting hours, then sheets district by district, a few corrections).
 * Sends `Authorization: Bearer $TALLY_TOKEN`, or a city-admin token minted from the local key (see api-auth.ts).
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
      'Usage: npm run cli -- simulate --election hn-2021 --speed 60 [--api URL] [--rate N] [--seed S] [--concurrency N]',
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
      token: await apiToken(process.env, SIMULATION_TOKEN_SECONDS),
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
