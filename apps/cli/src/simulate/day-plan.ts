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
    }
  | {
      /** Double entry: the district's second official enters the same paper record on their own. */
      kind: 'second-entry';
      at: number;
      districtId: string;
      /** The first entry (its submissionId): the second waits for its 201. */
      after: string;
      /** Differs from the first entry (one vote moved): a discrepancy the district admin resolves. */
      differs: boolean;
      body: { submissionId: string; pollingAreaId: string; contestId: string } & TallyCounts;
    }
  | {
      /** A district admin settles a discrepancy with the paper record's counts (the first entry's). */
      kind: 'resolution';
      at: number;
      districtId: string;
      pollingAreaId: string;
      contestId: string;
      /** The second entry that differed. */
      after: string;
      body: { reason: string } & TallyCounts;
    }
  | {
      /** A district admin releases a sheet held for review (its voters exceed the list). */
      kind: 'review';
      at: number;
      districtId: string;
      pollingAreaId: string;
      contestId: string;
      /** The entry that completes the sheet (the second with double entry, else the first). */
      after: string;
      body: { decision: 'release'; reason: string };
    };

export interface DayPlan {
  /** Simulated clock at the start (ms since epoch). */
  start: number;
  end: number;
  actions: PlannedAction[];
  turnoutReports: number;
  sheets: number;
  corrections: number;
  secondEntries: number;
  resolutions: number;
  reviews: number;
}

export interface DayPlanOptions {
  seed: string;
  /** How many sheets get a correction (default 12). */
  corrections?: number;
  /** Every sheet is entered twice, by two officials of its district (the definition's verification.doubleEntry). */
  doubleEntry?: boolean;
  /** With doubleEntry: how many second entries differ from the first, to be resolved (default 6). */
  discrepancies?: number;
  /**
   * Polling areas whose sheets list more voters than the definition (voters added on the day), so votersVoted is above
   * the list: ANOMALY.VOTERS_EXCEED_LIST holds them for review until a district admin releases them (default 0;
   * the simulator's --double-entry uses 3).
   */
  suspicious?: number;
}

export const RESOLUTION_REASON = 'Đối chiếu biên bản gốc: số liệu của lần nhập thứ nhất là đúng';
export const RELEASE_REASON = 'Ban bầu cử xác nhận: cử tri bổ sung trong ngày bầu cử, số liệu đúng';

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
  // Suspicious areas: voters added to the list on the day (more on the sheet than in the definition); the extra
  // voters' ballots are counted invalid, so every rule still holds and only the anomalies flag the sheet.
  const suspicious = new Set<string>();
  const areaIds = [...new Set(sheets.map((s) => s.body.pollingAreaId))];
  while (suspicious.size < Math.min(options.suspicious ?? 0, areaIds.length))
    suspicious.add(areaIds[random.int(0, areaIds.length - 1)]);
  const listed = new Map(def.pollingAreas.map((a) => [a.pollingAreaId, a.registeredVoters]));
  for (const sheet of sheets) {
    if (!suspicious.has(sheet.body.pollingAreaId)) continue;
    const extra = Math.max(1, listed.get(sheet.body.pollingAreaId)! - sheet.body.votersVoted + 3);
    const b = sheet.body;
    b.registeredVoters += extra;
    b.votersVoted += extra;
    b.ballotsIssued += extra;
    b.ballotsReceived += extra;
    b.invalidBallots += extra;
  }
  // One by one: a spread of a national night's 325,886 sheets overflows the call stack.
  for (const sheet of sheets) actions.push(sheet);

  // Double entry: the second official enters each record 2 to 10 minutes after the first; a few differ by a vote
  // and a district admin resolves them with the first entry's counts (the paper record) 10 to 30 minutes later.
  const completing = new Map(sheets.map((s) => [s.body.submissionId, { at: s.at, id: s.body.submissionId }]));
  const differs = new Set<string>();
  if (options.doubleEntry) {
    const withTwo = sheets.filter(
      (s) => Object.keys(s.body.candidateVotes).length >= 2 && !suspicious.has(s.body.pollingAreaId),
    );
    const differing = new Set<number>();
    while (differing.size < Math.min(options.discrepancies ?? 6, withTwo.length))
      differing.add(random.int(0, withTwo.length - 1));
    for (const i of differing) differs.add(withTwo[i].body.submissionId);
    for (const sheet of sheets) {
      const { submissionId, pollingAreaId, contestId, ...counts } = sheet.body;
      const second = differs.has(submissionId);
      const [first, next] = Object.keys(counts.candidateVotes);
      const moved = second && counts.candidateVotes[first] > 0 ? 1 : 0;
      const at = sheet.at + random.between(2, 10) * MINUTE;
      const id = uuidv5(`${seed}/${def.electionId}/${pollingAreaId}/${contestId}/second-entry`, NAMESPACE);
      actions.push({
        kind: 'second-entry',
        at,
        districtId: sheet.districtId,
        after: submissionId,
        differs: second,
        body: {
          submissionId: id,
          pollingAreaId,
          contestId,
          ...counts,
          candidateVotes: second
            ? {
                ...counts.candidateVotes,
                [first]: counts.candidateVotes[first] - moved,
                [next]: counts.candidateVotes[next] + moved,
              }
            : counts.candidateVotes,
        },
      });
      completing.set(submissionId, { at, id });
      if (second)
        actions.push({
          kind: 'resolution',
          at: at + random.between(10, 30) * MINUTE,
          districtId: sheet.districtId,
          pollingAreaId,
          contestId,
          after: id,
          body: { reason: RESOLUTION_REASON, ...counts },
        });
    }
  }
  // Held sheets: a district admin looks at them and releases them 15 to 40 minutes after they are complete.
  for (const sheet of sheets) {
    if (!suspicious.has(sheet.body.pollingAreaId)) continue;
    const done = completing.get(sheet.body.submissionId)!;
    actions.push({
      kind: 'review',
      at: done.at + random.between(15, 40) * MINUTE,
      districtId: sheet.districtId,
      pollingAreaId: sheet.body.pollingAreaId,
      contestId: sheet.body.contestId,
      after: done.id,
      body: { decision: 'release', reason: RELEASE_REASON },
    });
  }

  // Corrections: a few sheets with invalid ballots get some of them recounted as valid, for the first candidate.
  const wanted = Math.min(options.corrections ?? 12, sheets.length);
  // (Not the suspicious areas' sheets: those are held until a release, and a correction would race it.)
  // Nor a sheet in discrepancy: it counts once resolved, and the resolution is its own change.
  const candidates = sheets.filter(
    (s) =>
      s.body.invalidBallots > 0 && !suspicious.has(s.body.pollingAreaId) && !differs.has(s.body.submissionId),
  );
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
      at: completing.get(sheet.body.submissionId)!.at + random.between(20, 60) * MINUTE,
      pollingAreaId,
      contestId,
      // With double entry a correction follows the second entry (the sheet counts from then on).
      after: completing.get(sheet.body.submissionId)!.id,
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
    secondEntries: actions.filter((a) => a.kind === 'second-entry').length,
    resolutions: actions.filter((a) => a.kind === 'resolution').length,
    reviews: actions.filter((a) => a.kind === 'review').length,
  };
}
