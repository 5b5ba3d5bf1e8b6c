import { COUNT_FIELDS, TallyCounts } from '@tally/domain';
import type { OpenDataCursor, OpenDataRow } from '@tally/read-models';

/**
 * The columns of GET …/results/polling-areas.csv, one row per polling area and contest. The counts are named as in
 * the api; a unit's candidates come as pairs candidate1Id, candidate1Votes, candidate2Id, … in the definition's order,
 * as many pairs as the longest candidate list of the election (cells past a unit's own list stay empty). A polling area
 * that has not reported has the status not-reported and empty counts.
 */
export function csvColumns(cursor: OpenDataCursor): string[] {
  const longest = Math.max(
    0,
    ...cursor.definition.contests.flatMap((c) => c.electoralUnits.map((u) => u.candidates.length)),
  );
  const pairs = Array.from({ length: longest }, (_, i) => [
    `candidate${i + 1}Id`,
    `candidate${i + 1}Votes`,
  ]).flat();
  return [...ROW_FIELDS, ...COUNT_FIELDS, ...pairs];
}

const ROW_FIELDS = [
  'electionId',
  'contestId',
  'unitId',
  'districtId',
  'pollingAreaId',
  'pollingAreaName',
  'status',
  'revision',
  'position',
  'eventHash',
  'scanDigest',
] as const;

export function csvRecord(row: OpenDataRow, width: number): Array<string | number> {
  const record: Array<string | number> = [
    ...ROW_FIELDS.map((f) => row[f] ?? ''),
    ...COUNT_FIELDS.map((f) => row.counts?.[f] ?? ''),
  ];
  for (const candidateId of row.candidateIds)
    record.push(candidateId, row.counts?.candidateVotes[candidateId] ?? '');
  while (record.length < width) record.push('');
  return record;
}

/** One row of GET …/results/polling-areas.json: the same fields, counts as the api's sheets carry them. */
export function jsonRecord(row: OpenDataRow) {
  const { candidateIds: _, ...rest } = row;
  return rest;
}

// --- NIST SP 1500-100 v2 (Election Results Common Data Format), JSON -------------------------------------------

const text = (content: string, language = 'vi') => ({
  '@type': 'ElectionResults.InternationalizedText',
  Text: [{ '@type': 'ElectionResults.LanguageString', Content: content, Language: language }],
});
export const cdfIds = {
  city: (e: string) => `ru-${e}`,
  district: (d: string) => `ru-district-${d}`,
  unit: (c: string, u: string) => `ru-unit-${c}-${u}`,
  pollingArea: (p: string) => `ru-pa-${p}`,
  contest: (c: string, u: string) => `contest-${c}-${u}`,
  candidate: (c: string, id: string) => `candidate-${c}-${id}`,
  person: (c: string, id: string) => `person-${c}-${id}`,
  selection: (c: string, u: string, id: string) => `selection-${c}-${u}-${id}`,
};
/** NIST's DateTimeWithZone pattern has no fraction of a second. */
const dateTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The election as a NIST SP 1500-100 v2 ElectionReport (precinct-level), written piece by piece (the contests first,
 * as their rows stream in; then the reporting units, which include the electoral units' reported totals):
 * - GpUnit: the city (Type city), each district and each electoral unit (Type other, OtherType district /
 *   electoral-unit; a unit lists the polling areas it covers as ComposingGpUnitIds and carries the reported
 *   VotersRegistered / VotersParticipated), each polling area (Type polling-place, VotersRegistered of the definition);
 * - Election.Candidate / Person: every candidate of every unit (Person.DateOfBirth: ties go to the older one);
 * - Election.Contest: one CandidateContest per electoral unit (VotesAllowed = NumberElected = seats), one
 *   CandidateSelection per candidate with one VoteCounts (Type total) per polling area that reported;
 *   SubUnitsReported / TotalSubUnits count its polling areas;
 * - Election.BallotCounts: per electoral unit, BallotsCast = valid + invalid ballots, BallotsRejected = invalid;
 * - Status: unofficial-partial until every sheet is in, then unofficial-complete. Notes name the log position.
 * Streaming keeps one electoral unit's rows in memory at a time.
 */
export async function* cdfChunks(cursor: OpenDataCursor, generatedAt: Date): AsyncGenerator<string> {
  const { definition, index, position } = cursor;
  const e = definition.electionId;
  const json = (value: unknown) => JSON.stringify(value);
  yield `{"@type":"ElectionResults.ElectionReport","Format":"precinct-level","GeneratedDate":${json(dateTime(generatedAt))},`;
  yield `"Issuer":"Tally Ledger","IssuerAbbreviation":"TL","VendorApplicationId":"tally-ledger","SequenceStart":1,"SequenceEnd":1,`;
  yield `"Notes":${json(`Tally Ledger results of ${e} at position ${position} of the event log; provisional until certified`)},`;

  const candidates: object[] = [];
  const persons: object[] = [];
  for (const contest of definition.contests) {
    for (const unit of contest.electoralUnits) {
      for (const c of unit.candidates) {
        candidates.push({
          '@id': cdfIds.candidate(contest.contestId, c.candidateId),
          '@type': 'ElectionResults.Candidate',
          BallotName: text(c.name),
          PersonId: cdfIds.person(contest.contestId, c.candidateId),
        });
        persons.push({
          '@id': cdfIds.person(contest.contestId, c.candidateId),
          '@type': 'ElectionResults.Person',
          FullName: text(c.name),
          DateOfBirth: c.birthDate,
        });
      }
    }
  }

  yield `"Election":[{"@type":"ElectionResults.Election","Name":${json(text(definition.name))},`;
  yield `"StartDate":${json(definition.pollingDate)},"EndDate":${json(definition.pollingDate)},"Type":"general",`;
  yield `"ElectionScopeId":${json(cdfIds.city(e))},"Candidate":[${candidates.map(json).join(',')}],"Contest":[`;

  // Rows come contest by contest, unit by unit: gather one unit, then write its contest.
  let contests = 0;
  const unitUnits: string[] = [];
  const ballotCounts: object[] = [];
  let reported = 0;
  let expected = 0;
  let unitRows: OpenDataRow[] = [];
  const flush = (): string => {
    if (unitRows.length === 0) return '';
    const [{ contestId, unitId }] = unitRows;
    const unit = index.unit(contestId, unitId)!;
    const done = unitRows.filter((r) => r.counts !== null) as Array<OpenDataRow & { counts: TallyCounts }>;
    reported += done.length;
    expected += unitRows.length;
    const sum = (f: keyof Omit<TallyCounts, 'candidateVotes'>) => done.reduce((s, r) => s + r.counts[f], 0);
    unitUnits.push(
      json({
        '@id': cdfIds.unit(contestId, unitId),
        '@type': 'ElectionResults.ReportingUnit',
        Type: 'other',
        OtherType: 'electoral-unit',
        Name: text(unit.name),
        ComposingGpUnitIds: unitRows.map((r) => cdfIds.pollingArea(r.pollingAreaId)),
        VotersRegistered: sum('registeredVoters'),
        VotersParticipated: sum('votersVoted'),
      }),
    );
    ballotCounts.push({
      '@type': 'ElectionResults.BallotCounts',
      GpUnitId: cdfIds.unit(contestId, unitId),
      Type: 'total',
      BallotsCast: sum('validBallots') + sum('invalidBallots'),
      BallotsRejected: sum('invalidBallots'),
    });
    const contest = json({
      '@id': cdfIds.contest(contestId, unitId),
      '@type': 'ElectionResults.CandidateContest',
      Name: `${definition.contests.find((c) => c.contestId === contestId)?.name ?? contestId} — ${unit.name}`,
      ElectionDistrictId: cdfIds.unit(contestId, unitId),
      VotesAllowed: unit.seats,
      NumberElected: unit.seats,
      VoteVariation: 'n-of-m',
      SubUnitsReported: done.length,
      TotalSubUnits: unitRows.length,
      CountStatus: [
        {
          '@type': 'ElectionResults.CountStatus',
          Type: 'total',
          Status: done.length === unitRows.length ? 'completed' : 'in-process',
        },
      ],
      ContestSelection: unit.candidates.map((c, i) => ({
        '@id': cdfIds.selection(contestId, unitId, c.candidateId),
        '@type': 'ElectionResults.CandidateSelection',
        SequenceOrder: i + 1,
        CandidateIds: [cdfIds.candidate(contestId, c.candidateId)],
        VoteCounts: done.map((r) => ({
          '@type': 'ElectionResults.VoteCounts',
          GpUnitId: cdfIds.pollingArea(r.pollingAreaId),
          Type: 'total',
          Count: r.counts.candidateVotes[c.candidateId] ?? 0,
        })),
      })),
    });
    unitRows = [];
    return `${contests++ > 0 ? ',' : ''}${contest}`;
  };
  for await (const row of cursor.rows()) {
    const current = unitRows[0];
    if (current && (current.contestId !== row.contestId || current.unitId !== row.unitId)) yield flush();
    unitRows.push(row);
  }
  yield flush();
  yield `],"BallotCounts":[${ballotCounts.map(json).join(',')}]}],`;

  const gpUnits: object[] = [
    {
      '@id': cdfIds.city(e),
      '@type': 'ElectionResults.ReportingUnit',
      Type: 'city',
      Name: text(definition.name),
      ComposingGpUnitIds: definition.districts.map((d) => cdfIds.district(d.districtId)),
    },
    ...definition.districts.map((d) => ({
      '@id': cdfIds.district(d.districtId),
      '@type': 'ElectionResults.ReportingUnit',
      Type: 'other',
      OtherType: 'district',
      Name: text(d.name),
      ComposingGpUnitIds: index.pollingAreasOfDistrict(d.districtId).map(cdfIds.pollingArea),
    })),
  ];
  yield `"GpUnit":[${gpUnits.map(json).join(',')}`;
  for (const area of definition.pollingAreas) {
    yield `,${json({
      '@id': cdfIds.pollingArea(area.pollingAreaId),
      '@type': 'ElectionResults.ReportingUnit',
      Type: 'polling-place',
      Name: text(area.name ?? area.pollingAreaId),
      VotersRegistered: area.registeredVoters,
    })}`;
  }

  for (const unit of unitUnits) yield `,${unit}`;
  yield `],"Party":[],"Person":[${persons.map(json).join(',')}],`;
  yield `"Status":${json(expected > 0 && reported === expected ? 'unofficial-complete' : 'unofficial-partial')}}`;
}
