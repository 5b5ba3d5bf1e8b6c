import { parseArgs } from 'node:util';
import { importCommand } from './commands/import.command';
import { sampleCommand } from './commands/sample.command';
import { verifyCommand } from './commands/verify.command';

const USAGE = `Tally Ledger command line

  npm run cli -- sample hanoi-2021 [--out FILE]   a deterministic Hanoi 2021 election definition (JSON)
  npm run cli -- import FILE [--api URL]          define the election in FILE through the running api
                                                 (default --api http://localhost:3000)
  npm run cli -- verify                           verify the whole event log: hashes, links, gaps, digests
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      api: { type: 'string', default: process.env.TALLY_API_URL ?? 'http://localhost:3000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const log = (line: string) => console.error(line);
  const [command, ...rest] = positionals;
  switch (command) {
    case 'sample':
      return sampleCommand(rest[0], values.out, log);
    case 'import':
      return importCommand(rest[0], values.api!, log);
    case 'verify':
      return verifyCommand(log);
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
