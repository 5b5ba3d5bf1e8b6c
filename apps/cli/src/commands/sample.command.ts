import { writeFileSync } from 'node:fs';
import { generateHanoi2021 } from '../sample/hanoi-2021';
import { generateVietnam2021 } from '../sample/vietnam-2021';

export const SAMPLES = { 'hanoi-2021': generateHanoi2021, 'vietnam-2021': generateVietnam2021 } as const;

/** `sample hanoi-2021|vietnam-2021 [--out FILE]`: prints (or writes) a deterministic election definition. */
export function sampleCommand(
  name: string | undefined,
  out: string | undefined,
  log: (line: string) => void,
): number {
  if (!name || !(name in SAMPLES)) {
    log(`Unknown sample ${name ?? '(none)'}; available: ${Object.keys(SAMPLES).join(', ')}`);
    return 2;
  }
  const definition = SAMPLES[name as keyof typeof SAMPLES]();
  // The national definition is ~17 MB written compactly; indented, a city's stays readable.
  const json = JSON.stringify(definition, null, definition.pollingAreas.length > 20_000 ? undefined : 2);
  if (out) {
    writeFileSync(out, `${json}\n`);
    const voters = definition.pollingAreas.reduce((sum, area) => sum + area.registeredVoters, 0);
    log(
      `Wrote ${out}: ${definition.districts.length} districts, ${definition.pollingAreas.length} polling areas, ` +
        `${voters.toLocaleString('en')} voters, ${definition.contests.length} contests`,
    );
  } else {
    process.stdout.write(`${json}\n`);
  }
  return 0;
}
