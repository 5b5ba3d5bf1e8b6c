import { parseArgs } from 'node:util';
import { importCommand } from './commands/import.command';
import { sampleCommand } from './commands/sample.command';
import { tokenCommand } from './commands/token.command';
import { verifyCommand } from './commands/verify.command';
import { exportCommand } from './commands/export.command';
import { verifyExportCommand } from './commands/verify-export.command';
import { rebuildCommand, verifyReadModelsCommand } from './commands/rebuild.command';
import { simulateCommand } from './commands/simulate.command';

const USAGE = `Tally Ledger command line

  npm run cli -- sample hanoi-2021 [--out FILE]   a deterministic Hanoi 2021 election definition (JSON)
  npm run cli -- sample vietnam-2021 [--out FILE] the same for the whole country (63 provinces, 85,000 areas)
  npm run cli -- import FILE [--api URL]          define the election in FILE through the running api
                                                 (default --api http://localhost:3000)
  npm run cli -- token --role R [--sub ID] [--district D]... [--ttl 12h]
                                                 print a bearer token (roles: submitter, admin, auditor)
  npm run cli -- verify                           verify the whole event log: hashes, links, gaps, digests
  npm run cli -- export FILE [--election E]       write the log (or one election) as NDJSON, from the store
  npm run cli -- verify-export FILE [--digest E=HEX]  check an export offline; prints the recomputed city totals
               [--checkpoint FILE_OR_URL --public-key FILE_OR_URL]
                                                 ... and that it reaches a signed checkpoint (Ed25519)
  npm run cli -- rebuild [projection]             replay into a shadow and swap it in (safe while the api runs)
  npm run cli -- verify-read-models               replay into a shadow and compare with the live rows
  npm run cli -- simulate --election hn-2021 --speed 60 [--api URL] [--rate N] [--seed S] [--concurrency N]
               [--double-entry]                  replay a polling day against the running api; --double-entry:
                                                 two officials per district enter every sheet, a district admin
                                                 resolves the discrepancies and releases the held sheets
`;

/** The options of every command; anything else is a usage error (exit 2). */
const OPTIONS = {
  out: { type: 'string', short: 'o' },
  api: { type: 'string', default: process.env.TALLY_API_URL ?? 'http://localhost:3000' },
  help: { type: 'boolean', short: 'h' },
  role: { type: 'string' },
  sub: { type: 'string' },
  district: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  election: { type: 'string' },
  digest: { type: 'string', multiple: true },
  checkpoint: { type: 'string' },
  'public-key': { type: 'string' },
  speed: { type: 'string' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  concurrency: { type: 'string' },
  'double-entry': { type: 'boolean' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // node:util's messages name the option: "Unknown option '--speeed'", "Option '--rate <value>' argument missing".
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return undefined;
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  if (!parsed) return 2;
  const { positionals, values } = parsed;
  // --help with a command prints the usage and does nothing else: it never starts a simulation or opens a store.
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  const log = (line: string) => console.error(line);
  const [command, ...rest] = positionals;
  switch (command) {
    case 'sample':
      return sampleCommand(rest[0], values.out, log);
    case 'import':
      return importCommand(rest[0], values.api!, log);
    case 'token':
      return tokenCommand(
        { role: values.role, sub: values.sub, districts: values.district, ttl: values.ttl },
        log,
      );
    case 'verify':
      return verifyCommand(log);
    case 'export':
      return exportCommand(rest[0], values.election, log);
    case 'verify-export':
      return verifyExportCommand(rest[0], values.digest ?? [], log, (line) => console.log(line), {
        checkpoint: values.checkpoint,
        publicKey: values['public-key'],
      });
    case 'rebuild':
      return rebuildCommand(rest[0], log);
    case 'verify-read-models':
      return verifyReadModelsCommand(log);
    case 'simulate':
      return simulateCommand({ ...values, api: values.api! }, log);
    default:
      process.stderr.write(USAGE);
      return command === undefined ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
