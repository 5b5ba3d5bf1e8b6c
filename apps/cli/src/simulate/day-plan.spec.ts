import { checkTally, ElectionIndex, sheetExpectations, turnoutSchedule } from '@tally/domain';
import { generateHanoi2021 } from '../sample/hanoi-2021';
import { generateVietnam2021 } from '../sample/vietnam-2021';
import { planElectionDay, PlannedAction } from './day-plan';

const hanoi = generateHanoi2021();
const plan = planElectionDay(hanoi, { seed: 'spec' });
const index = ElectionIndex.of(hanoi);
const of = <K extends PlannedAction['kind']>(kind: K) =>
  plan.actions.filter((a): a is Extract<PlannedAction, { kind: K }> => a.kind === kind);

describe('planElectionDay (Hanoi sample)', () => {
  it('every polling area reports at 12:30, 18:30 and 19:30 local time, never decreasing, never above its voters', () => {
    const times = turnoutSchedule(hanoi).reportingTimes;
    expect(times).toEqual([
      '2021-05-23T05:30:00.000Z',
      '2021-05-23T11:30:00.000Z',
      '2021-05-23T12:30:00.000Z',
    ]);
    const byArea = new Map<string, Array<{ asOf: string; votersVoted: number }>>();
    for (const t of of('turnout'))
      byArea.set(t.body.pollingAreaId, [...(byArea.get(t.body.pollingAreaId) ?? []), t.body]);
    expect(byArea.size).toBe(hanoi.pollingAreas.length);
    for (const [areaId, reports] of byArea) {
      const sorted = [...reports].sort((a, b) => a.asOf.localeCompare(b.asOf));
      expect(sorted.map((r) => r.asOf)).toEqual(times);
      const voters = sorted.map((r) => r.votersVoted);
      expect(voters).toEqual([...voters].sort((a, b) => a - b));
      expect(voters[2]).toBeLessThanOrEqual(index.pollingArea(areaId)!.registeredVoters);
    }
    // the 19:30 figure is what the sheets say
    const sheetVoters = new Map(of('sheet').map((s) => [s.body.pollingAreaId, s.body.votersVoted]));
    for (const t of of('turnout').filter((r) => r.body.asOf === times[2])) {
      expect(t.body.votersVoted).toBe(sheetVoters.get(t.body.pollingAreaId));
    }
    // a report arrives after its reporting time, within 15 minutes
    for (const t of of('turnout')) {
      const delay = t.at - Date.parse(t.body.asOf);
      expect(delay >= 0 && delay <= 15 * 60_000).toBe(true);
    }
  });

  it('one sheet per polling area and contest, all after 19:00 local, district by district', () => {
    const sheets = of('sheet');
    expect(sheets.length).toBe(plan.sheets);
    expect(new Set(sheets.map((s) => `${s.body.pollingAreaId}/${s.body.contestId}`)).size).toBe(
      sheets.length,
    );
    expect(Math.min(...sheets.map((s) => s.at))).toBeGreaterThanOrEqual(Date.parse('2021-05-23T12:00:00Z'));
    const firstOf = new Map<string, number>();
    for (const s of sheets) firstOf.set(s.districtId, Math.min(firstOf.get(s.districtId) ?? Infinity, s.at));
    expect(new Set(firstOf.values()).size).toBe(hanoi.districts.length); // districts start one after another
  });

  it('a dozen corrections with reasons, each valid and after its sheet', () => {
    const sheets = new Map(of('sheet').map((s) => [s.body.submissionId, s]));
    const corrections = of('correction');
    expect(corrections).toHaveLength(12);
    for (const c of corrections) {
      const sheet = sheets.get(c.after)!;
      expect(c.at).toBeGreaterThan(sheet.at);
      expect(c.body.reason.length).toBeGreaterThanOrEqual(10);
      const { reason: _r, correctionId: _c, ...counts } = c.body;
      void _r;
      void _c;
      const check = checkTally(
        counts,
        sheetExpectations(index, hanoi.electionId, c.pollingAreaId, c.contestId),
      );
      expect(check.violations).toEqual([]);
      expect(counts.validBallots).toBeGreaterThan(sheet.body.validBallots);
    }
  });

  it('is deterministic for a seed (the ids too, so a re-run is a retry)', () => {
    const again = planElectionDay(hanoi, { seed: 'spec' });
    expect(again.actions.slice(0, 50)).toEqual(plan.actions.slice(0, 50));
    expect(planElectionDay(hanoi, { seed: 'other' }).actions[0]).not.toEqual(plan.actions[0]);
  });
});

describe('planElectionDay with double entry and suspicious sheets', () => {
  const workflow = planElectionDay(hanoi, { seed: 'spec', doubleEntry: true, suspicious: 3 });
  const ofW = <K extends PlannedAction['kind']>(kind: K) =>
    workflow.actions.filter((a): a is Extract<PlannedAction, { kind: K }> => a.kind === kind);
  const key = (b: { pollingAreaId: string; contestId: string }) => `${b.pollingAreaId}/${b.contestId}`;

  it('changes nothing without the options: no second entry, resolution or review', () => {
    expect(plan.secondEntries + plan.resolutions + plan.reviews).toBe(0);
    expect(workflow.sheets).toBe(plan.sheets);
  });

  it('every sheet is entered a second time, later, with its own submissionId; six differ by one vote', () => {
    const firsts = new Map(ofW('sheet').map((s) => [s.body.submissionId, s]));
    const seconds = ofW('second-entry');
    expect(seconds).toHaveLength(firsts.size);
    const differing: string[] = [];
    for (const second of seconds) {
      const first = firsts.get(second.after)!;
      expect(second.at).toBeGreaterThan(first.at);
      expect(second.body.submissionId).not.toBe(first.body.submissionId);
      expect(key(second.body)).toBe(key(first.body));
      const { submissionId: _a, ...a } = first.body;
      const { submissionId: _b, ...b } = second.body;
      void _a;
      void _b;
      if (second.differs) {
        differing.push(key(b));
        expect(b).not.toEqual(a);
        expect(
          checkTally(b, sheetExpectations(index, hanoi.electionId, b.pollingAreaId, b.contestId)).violations,
        ).toEqual([]);
      } else expect(b).toEqual(a);
    }
    expect(differing).toHaveLength(6);
    // each discrepancy is resolved, after the second entry, with the first entry's counts
    const resolutions = ofW('resolution');
    expect(resolutions.map((r) => `${r.pollingAreaId}/${r.contestId}`).sort()).toEqual(differing.sort());
    for (const r of resolutions) {
      const second = seconds.find((s) => s.body.submissionId === r.after)!;
      const first = firsts.get(second.after)!;
      expect(r.at).toBeGreaterThan(second.at);
      const { reason, ...counts } = r.body;
      const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...firstCounts } = first.body;
      void _s;
      void _p;
      void _c;
      expect(counts).toEqual(firstCounts);
      expect(reason.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('three polling areas list more voters than the definition: valid sheets, released after they are complete', () => {
    const reviews = ofW('review');
    const areas = new Set(reviews.map((r) => r.pollingAreaId));
    expect(areas.size).toBe(3);
    const seconds = new Map(ofW('second-entry').map((s) => [s.body.submissionId, s]));
    for (const sheet of ofW('sheet').filter((s) => areas.has(s.body.pollingAreaId))) {
      const listed = index.pollingArea(sheet.body.pollingAreaId)!.registeredVoters;
      expect(sheet.body.votersVoted).toBeGreaterThan(listed);
      const { submissionId: _s, pollingAreaId, contestId, ...counts } = sheet.body;
      void _s;
      expect(
        checkTally(counts, sheetExpectations(index, hanoi.electionId, pollingAreaId, contestId)).violations,
      ).toEqual([]);
      const review = reviews.find((r) => key(r) === key(sheet.body))!;
      expect(review.body.decision).toBe('release');
      // it waits for the second entry, which completes the sheet
      const second = seconds.get(review.after)!;
      expect(second.after).toBe(sheet.body.submissionId);
      expect(review.at).toBeGreaterThan(second.at);
    }
    // no correction races a held sheet or a discrepancy, and each waits for the second entry
    for (const c of ofW('correction')) {
      expect(areas.has(c.pollingAreaId)).toBe(false);
      expect(seconds.has(c.after)).toBe(true);
      expect(ofW('resolution').some((r) => key(r) === key(c))).toBe(false);
    }
  });
});

describe('planElectionDay (the national sample)', () => {
  it('plans the whole vietnam-2021 night: a sheet for every polling area and contest', () => {
    const nation = generateVietnam2021();
    const national = planElectionDay(nation, { seed: 'spec' });
    const sheets = national.actions.filter((a) => a.kind === 'sheet');
    const nationIndex = ElectionIndex.of(nation);
    const expected = nation.pollingAreas.reduce(
      (n, a) => n + nationIndex.contestsOf(a.pollingAreaId).length,
      0,
    );
    expect(national.sheets).toBe(expected);
    expect(sheets.length).toBeGreaterThanOrEqual(expected);
    expect(new Set(sheets.map((s) => `${s.body.pollingAreaId}/${s.body.contestId}`)).size).toBe(expected);
  });
});
