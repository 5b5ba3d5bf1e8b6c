import { ElectionDefinition, TallyCounts, turnoutSchedule } from '@tally/domain';
import { v5 as uuidv5 } from 'uuid';
import { generateTallies } from '../sample/tally-generator';
import { hashString, SeededRandom } from '../sample/seeded-random';

// Fixed namespace for the simulator's ids (RFC 9562 v5): the same seed gives the same ids, so a re-run is a retry.
const NAMESPACE = '9d4c2b1a-7e6f-5a3b-8c2d-1e0f9a8b7c6d';

export type PlannedAction =
  | {
      kind: 'turnout';
      /** Simulated time the request is sent (ms since epoch). */
      at: number;
      body: { reportId: string; pollingAreaId: string; asOf: string; votersVoted: number };
    }
  | {
      kind: 'sheet';
      at: number;
      districtId: string;
      body: { submissionId: string; pollingAreaId: string; contestId: string } & TallyCounts;
    }
  | {
      kind: 'correction';
      at: number;
      pollingAreaId: string;
      contestId: string;
      /** The sheet it corrects (its submissionId): a correction waits for that sheet's 201. */
      after: string;
      body: { correctionId: string; reason: string } & TallyCounts;
    };

export interface DayPlan {
  /** Simulated clock at the start (ms since epoch). */
  start: number;
  end: number;
  actions: PlannedAction[];
  turnoutReports: number;
  sheets: number;
  corrections: number;
}

export interface DayPlanOptions {
  seed: string;
  /** How many sheets get a correction (default 12). */
  corrections?: number;
}

const MINUTE = 60_000;

export const CORRECTION_REASONS = [
  'Biên bản ghi nhầm số phiếu không hợp lệ, đã kiểm tra lại',
  'Tổ bầu cử kiểm lại phiếu theo yêu cầu của Ban bầu cử',
  'Nhập sai số liệu từ biên bản kiểm phiếu, sửa theo bản gốc',
  'Cộng nhầm số phiếu hợp lệ, Ban bầu cử đã xác nhận',
  'Sai sót khi chuyển số liệu, đối chiếu với biên bản có chữ ký',
];

/**
 * A realistic polling day, deterministic for a seed: every polling area reports its turnout at each reporting time of
 * the definition (12:30, 18:30, 19:30 local time by default; reports arrive within 15 minutes, asOf = the reporting
 * time), then from 19:15 the districts start counting one after another and their sheets arrive over two to four
 * hours; a few sheets are corrected 20 to 60 minutes after they arrived, each with a reason. The final turnout of a
 * polling area equals the voters of its sheets (tally-generator), and earlier reports are smaller shares of it.
 */
export function planElectionDay(def: ElectionDefinition, options: DayPlanOptions): DayPlan {
  const seed = options.seed;
  const random = new SeededRandom(hashString(`${seed}/plan/${def.electionId}`));
  const schedule = turnoutSchedule(def);
  const times = schedule.reportingTimes.map((t) => Date.parse(t));
  const tallies = generateTallies(def, { seed });
  const actions: PlannedAction[] = [];

  // Turnout: the final figure is the sheets' votersVoted; earlier reporting times see a growing share of it.
  const finalVoters = new Map<string, number>();
  for (const t of tallies)
    finalVoters.set(t.pollingAreaId, Math.max(finalVoters.get(t.pollingAreaId) ?? 0, t.counts.votersVoted));
  for (const area of def.pollingAreas) {
    const final = finalVoters.get(area.pollingAreaId) ?? 0;
    const areaRandom = new SeededRandom(hashString(`${seed}/turnout/${area.pollingAreaId}`));
    let previous = 0;
    times.forEach((time, i) => {
      const last = i === times.length - 1;
      const share = last
        ? 1
        : Math.min(1, (0.55 + (0.4 * i) / Math.max(1, times.length - 2)) * areaRandom.between(0.9, 1.05));
      const votersVoted = Math.max(previous, Math.min(final, Math.round(final * share)));
      previous = votersVoted;
      const hhmm = schedule.localTimes[i].replace(':', '');
      actions.push({
        kind: 'turnout',
        at: time + areaRandom.between(0, 15) * MINUTE,
        body: {
          reportId: uuidv5(`${seed}/${def.electionId}/${area.pollingAreaId}/turnout-${hhmm}`, NAMESPACE),
          pollingAreaId: area.pollingAreaId,
          asOf: new Date(time).toISOString(),
          votersVoted,
        },
      });
    });
  }

  // Sheets: districts in a seeded order start counting between 19:15 and about 22:00 local time.
  const dayStart = Date.parse(schedule.dayStart);
  const countingStarts = dayStart + (19 * 60 + 15) * MINUTE;
  const districts = def.districts.map((d) => d.districtId);
  for (let i = districts.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [districts[i], districts[j]] = [districts[j], districts[i]];
  }
  const districtOf = new Map(def.pollingAreas.map((a) => [a.pollingAreaId, a.districtId]));
  const window = new Map(
    districts.map((d, k) => [
      d,
      { start: countingStarts + k * 6 * MINUTE, length: random.between(120, 240) * MINUTE },
    ]),
  );
  const sheets: Array<PlannedAction & { kind: 'sheet' }> = [];
  for (const t of tallies) {
    const districtId = districtOf.get(t.pollingAreaId)!;
    const w = window.get(districtId)!;
    const sheetRandom = new SeededRandom(hashString(`${seed}/sheet/${t.pollingAreaId}/${t.contestId}`));
    sheets.push({
      kind: 'sheet',
      // earlier areas of a district tend to finish first: a skewed draw over the district's window
      at: w.start + Math.pow(sheetRandom.next(), 1.3) * w.length,
      districtId,
      body: {
        submissionId: uuidv5(`${seed}/${def.electionId}/${t.pollingAreaId}/${t.contestId}`, NAMESPACE),
        pollingAreaId: t.pollingAreaId,
        contestId: t.contestId,
        ...t.counts,
      },
    });
  }
  actions.push(...sheets);

  // Corrections: a few sheets with invalid ballots get some of them recounted as valid, for the first candidate.
  const wanted = Math.min(options.corrections ?? 12, sheets.length);
  const candidates = sheets.filter((s) => s.body.invalidBallots > 0);
  const picked = new Set<number>();
  while (picked.size < Math.min(wanted, candidates.length)) picked.add(random.int(0, candidates.length - 1));
  let n = 0;
  for (const i of [...picked].sort((a, b) => a - b)) {
    const sheet = candidates[i];
    const moved = Math.min(sheet.body.invalidBallots, random.int(1, 5));
    const [first] = Object.keys(sheet.body.candidateVotes);
    const { submissionId: _submission, pollingAreaId, contestId, ...counts } = sheet.body;
    void _submission;
    actions.push({
      kind: 'correction',
      at: sheet.at + random.between(20, 60) * MINUTE,
      pollingAreaId,
      contestId,
      after: sheet.body.submissionId,
      body: {
        correctionId: uuidv5(`${seed}/${def.electionId}/correction/${pollingAreaId}/${contestId}`, NAMESPACE),
        reason: CORRECTION_REASONS[n++ % CORRECTION_REASONS.length],
        ...counts,
        validBallots: counts.validBallots + moved,
        invalidBallots: counts.invalidBallots - moved,
        candidateVotes: { ...counts.candidateVotes, [first]: counts.candidateVotes[first] + moved },
      },
    });
  }

  actions.sort((a, b) => a.at - b.at);
  const start = Math.min(times[0] ?? countingStarts, countingStarts) - 5 * MINUTE;
  return {
    start,
    end: actions.length > 0 ? actions[actions.length - 1].at : start,
    actions,
    turnoutReports: actions.filter((a) => a.kind === 'turnout').length,
    sheets: sheets.length,
    corrections: actions.filter((a) => a.kind === 'correction').length,
  };
}
