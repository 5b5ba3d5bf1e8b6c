import { parseArgs } from 'node:util';
import { importCommand } from './commands/import.command';
import { sampleCommand } from './commands/sample.command';
import { simulateCommand } from './commands/simulate.command';

const USAGE = `Tally Ledger command line

  npm run cli -- sample hanoi-2021 [--out FILE]   a deterministic Hanoi 2021 election definition (JSON)
  npm run cli -- import FILE [--api URL]          define the election in FILE through the running api
                                                 (default --api http://localhost:3000)
  npm run cli -- simulate --election hn-2021 --speed 60 [--api URL] [--rate N] [--seed S] [--concurrency N]
                                                 replay a polling day against the running api
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      api: { type: 'string', default: process.env.TALLY_API_URL ?? 'http://localhost:3000' },
      help: { type: 'boolean', short: 'h' },
      election: { type: 'string' },
      speed: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const log = (line: string) => console.error(line);
  const [command, ...rest] = positionals;
  switch (command) {
    case 'sample':
      return sampleCommand(rest[0], values.out, log);
    case 'import':
      return importCommand(rest[0], values.api!, log);
    case 'simulate':
      return simulateCommand({ ...values, api: values.api! }, log);
    default:
      process.stderr.write(USAGE);
      return command === undefined || values.help ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
