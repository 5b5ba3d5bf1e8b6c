import {
  amendDefinition,
  AmendmentChange,
  ELECTION_STREAM_PREFIX,
  ElectionDefinition,
  ElectionIndex,
  electionStreamId,
  pollingAreaChanges,
  TallyCounts,
  tallyStreamId,
  turnoutSchedule,
  turnoutStreamId,
  unitStreamId,
} from '@tally/domain';
import type { StoredEvent } from '@tally/event-store';
import { counts, generatedElection, smallElection } from './read-model-fixtures';

export interface NightLogOptions {
  /** Same seed, same log (event ids included). */
  seed: number;
  /** How many events to write. */
  events: number;
}

/** A seeded PRNG (mulberry32): reproducible logs from a fast-check seed without generating every event with it. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Sheet {
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  districtId: string;
  unitId: string;
  counts: TallyCounts;
  /** Where the sheet stands in the workflow (double entry, review). */
  standing: 'counted' | 'awaiting-second-entry' | 'discrepancy' | 'held' | 'correction-required';
}

/** The elections a night's log defines (from their election streams), in the order they were defined. */
export function electionsDefinedIn(log: readonly StoredEvent[]): string[] {
  const ids = log
    .filter((e) => e.type === 'ElectionDefined' && e.streamId.startsWith(ELECTION_STREAM_PREFIX))
    .map((e) => e.streamId.slice(ELECTION_STREAM_PREFIX.length));
  return [...new Set(ids)];
}

/** Odd unit facts, in turn: a unit the definition lacks, and an event type the code does not know. */
const ODD_UNIT_FACTS: ReadonlyArray<[string, string]> = [
  ['na-99', 'UnitCertified'],
  ['na-01', 'UnitSealed'],
  ['na-99', 'UnitSealed'],
  ['na-01', 'UnitCertified'],
];

/**
 * A random election night as a store would hold it: positions from 0, revisions per stream, recording times that
 * never decrease (gaps from 0 ms to half a minute, so a few thousand events span hundreds of 10 s buckets).
 *
 * Three elections (one defined mid-night), sheets submitted and corrected (some through double entry and review), scans attached, turnout reports (late ones
 * with an earlier asOf, ties), amendments of the definitions (every kind of change, none contradicting what is on
 * record, and the sheets after them follow the amended definition), and the odd fact a projection must skip or absorb
 * without failing: malformed reports, unknown types, an unknown election, a second definition, an amendment that
 * withdraws a candidate with votes (the race of docs/architecture.md), and events of streams the projections do not
 * read. Units are certified, revoked and annulled.
 */
export function electionNightLog(options: NightLogOptions): StoredEvent[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const uuid = () =>
    'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(random() * 16).toString(16));

  const log: StoredEvent[] = [];
  const revisions = new Map<string, number>();
  let clock = Date.UTC(2021, 4, 23, 0, 0, 0) + int(0, 9_999);
  const add = (streamId: string, type: string, data: Record<string, unknown>, actor = 'anonymous') => {
    const roll = random();
    clock += roll < 0.7 ? int(0, 400) : roll < 0.95 ? int(0, 5_000) : int(0, 30_000);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    log.push({
      eventId: uuid(),
      type,
      data,
      metadata: {
        actor: { id: actor },
        correlationId: uuid(),
        causationId: uuid(),
        requestId: uuid(),
        schemaVersion: 1,
      },
      streamId,
      revision,
      position: log.length,
      recordedAt: new Date(clock),
    });
  };

  const elections = new Map<string, { definition: ElectionDefinition; index: ElectionIndex }>();
  const define = (definition: ElectionDefinition) => {
    elections.set(definition.electionId, { definition, index: ElectionIndex.of(definition) });
    add(electionStreamId(definition.electionId), 'ElectionDefined', {
      definition,
      definedAt: '2021-05-01T00:00:00.000Z',
    });
  };
  const sheets = new Map<string, Sheet & { unitId: string }>();
  const turnoutReported = new Set<string>();
  const lateElection = generatedElection('night-c', 2, 8);

  define(generatedElection('night-a', 3, 20));
  define(smallElection('night-b'));

  const randomCounts = (registered: number, candidateIds: string[]): TallyCounts => {
    const voted = int(Math.floor(registered / 2), registered);
    const invalid = int(0, Math.min(20, voted));
    const valid = voted - invalid;
    return counts(
      registered,
      voted,
      valid,
      invalid,
      Object.fromEntries(candidateIds.map((c) => [c, int(0, valid)])),
    );
  };

  const reportTurnout = () => {
    const { definition, index } = elections.get(pick([...elections.keys()]))!;
    const area = pick(definition.pollingAreas);
    const times = turnoutSchedule(definition).reportingTimes;
    // Mostly near a reporting time; a tie with an earlier report's asOf now and then.
    const asOf = new Date(Date.parse(pick(times)) - int(0, 4) * 15 * 60_000).toISOString();
    turnoutReported.add(`${definition.electionId}|${area.pollingAreaId}`);
    add(turnoutStreamId(definition.electionId, area.pollingAreaId), 'TurnoutReported', {
      electionId: definition.electionId,
      pollingAreaId: area.pollingAreaId,
      districtId: index.districtOf(area.pollingAreaId)!,
      reportId: uuid(),
      asOf,
      votersVoted: int(0, area.registeredVoters),
      registeredVoters: area.registeredVoters,
      reportedAt: new Date(clock).toISOString(),
    });
  };

  const submitOrCorrect = (correct: boolean) => {
    const { definition, index } = elections.get(pick([...elections.keys()]))!;
    const area = pick(definition.pollingAreas);
    const contests = index.contestsOf(area.pollingAreaId);
    if (contests.length === 0) return;
    const contestId = pick(contests);
    const placement = index.placementOf(contestId, area.pollingAreaId)!;
    const key = `${definition.electionId}|${area.pollingAreaId}|${contestId}`;
    const candidates = index.candidatesOf(contestId, placement.unit.unitId).map((c) => c.candidateId);
    const current = sheets.get(key);
    const next = randomCounts(area.registeredVoters, candidates);
    const place = {
      electionId: definition.electionId,
      pollingAreaId: area.pollingAreaId,
      contestId,
      districtId: placement.districtId,
      unitId: placement.unit.unitId,
    };
    const streamId = tallyStreamId(definition.electionId, area.pollingAreaId, contestId);
    const now = () => new Date(clock).toISOString();
    const heldOn = ['ANOMALY.VOTERS_EXCEED_LIST'];
    if (!current) {
      if (correct) return;
      // Most sheets count at once; some await a second entry (double entry), some are held for review.
      const roll = random();
      const standing = roll < 0.15 ? 'awaiting-second-entry' : roll < 0.25 ? 'held' : 'counted';
      add(streamId, 'TallySubmitted', {
        ...place,
        submissionId: uuid(),
        counts: next,
        anomalies: [],
        submittedAt: now(),
        ...(standing === 'awaiting-second-entry' ? { standing, enteredBy: 'official-1' } : {}),
        ...(standing === 'held' ? { standing, heldOn } : {}),
      });
      sheets.set(key, { ...place, counts: next, standing });
      return;
    }
    if (!correct) return;
    switch (current.standing) {
      case 'awaiting-second-entry': {
        const agree = random() < 0.6;
        const entered = agree ? current.counts : next;
        const standing = agree ? 'counted' : 'discrepancy';
        add(
          streamId,
          'TallySecondEntryRecorded',
          {
            ...place,
            submissionId: uuid(),
            counts: entered,
            anomalies: [],
            firstSubmissionId: 'first',
            discrepancies: agree ? [] : ['votersVoted'],
            standing,
            enteredAt: now(),
          },
          'official-2',
        );
        sheets.set(key, { ...place, counts: current.counts, standing });
        return;
      }
      case 'discrepancy':
        add(
          streamId,
          'TallyDiscrepancyResolved',
          {
            ...place,
            counts: next,
            firstCounts: current.counts,
            secondCounts: next,
            reason: 'paper record checked',
            anomalies: [],
            standing: 'counted',
            resolvedAt: now(),
          },
          'admin-1',
        );
        sheets.set(key, { ...place, counts: next, standing: 'counted' });
        return;
      case 'held': {
        const release = random() < 0.6;
        const standing = release ? 'counted' : 'correction-required';
        add(
          streamId,
          'TallyReviewed',
          {
            ...place,
            decision: release ? 'release' : 'correction-required',
            reason: 'reviewed by the board',
            heldOn,
            standing,
            reviewedAt: now(),
          },
          'admin-1',
        );
        sheets.set(key, { ...place, counts: current.counts, standing });
        return;
      }
      default: {
        // A correction; now and then its figures are held again.
        const held = random() < 0.15;
        add(
          streamId,
          'TallyCorrected',
          {
            ...place,
            counts: next,
            previousCounts: current.counts,
            changedFields: ['votersVoted'],
            reason: 'recount',
            anomalies: [],
            correctedAt: now(),
            ...(held ? { standing: 'held', heldOn } : {}),
          },
          'admin-1',
        );
        sheets.set(key, { ...place, counts: next, standing: held ? 'held' : 'counted' });
      }
    }
  };

  /**
   * Certifies a random unit, revokes its certification, or annuls its result (once, while it is not certified): a
   * projection must not care whether it was complete.
   */
  const certifyOrRevoke = () => {
    const { definition, index } = elections.get(pick([...elections.keys()]))!;
    const contest = pick(definition.contests);
    const unit = pick(contest.electoralUnits);
    const ref = { electionId: definition.electionId, contestId: contest.contestId, unitId: unit.unitId };
    const streamId = unitStreamId(ref.electionId, ref.contestId, ref.unitId);
    if (certifiedUnits.has(streamId)) {
      if (random() < 0.7) return;
      certifiedUnits.delete(streamId);
      add(
        streamId,
        'UnitCertificationRevoked',
        { ...ref, reason: 'complaint', automatic: false, revokedAt: new Date(clock).toISOString() },
        'admin-1',
      );
      return;
    }
    if (!annulledUnits.has(streamId) && random() < 0.2) {
      annulledUnits.add(streamId);
      add(
        streamId,
        'UnitResultAnnulled',
        {
          ...ref,
          reason: 'ballots collected exceed those issued',
          annulledAt: new Date(clock).toISOString(),
        },
        'admin-1',
      );
      return;
    }
    certifiedUnits.add(streamId);
    add(
      streamId,
      'UnitCertified',
      {
        ...ref,
        districtIds: index.districtsOfUnit(ref.contestId, ref.unitId),
        sheets: [],
        totals: { registeredVoters: 0, votersVoted: 0, validBallots: 0, invalidBallots: 0 },
        candidates: [],
        status: 'seats_filled',
        outcome: 'elected',
        outcomeReason: null,
        seatsUnfilled: 0,
        reason: null,
        certifiedAt: new Date(clock).toISOString(),
      },
      pick(['admin-1', 'admin-2']),
    );
  };
  const certifiedUnits = new Set<string>();
  const annulledUnits = new Set<string>();

  /** A scan of a recorded sheet (the counts revision it documents is the sheet's latest counts event). */
  const attachScan = () => {
    if (sheets.size === 0) return;
    const sheet = pick([...sheets.values()]);
    const streamId = tallyStreamId(sheet.electionId, sheet.pollingAreaId, sheet.contestId);
    add(streamId, 'TallyScanAttached', {
      electionId: sheet.electionId,
      pollingAreaId: sheet.pollingAreaId,
      contestId: sheet.contestId,
      districtId: sheet.districtId,
      unitId: sheet.unitId,
      digest: Array.from({ length: 64 }, () => Math.floor(random() * 16).toString(16)).join(''),
      size: int(1, 10_000_000),
      contentType: pick(['image/jpeg', 'image/png', 'application/pdf']),
      countsRevision: revisions.get(streamId) ?? 0,
      attachedAt: new Date(clock).toISOString(),
    });
  };

  /** One to three changes that the decider would accept given what is on record; none when no try applies. */
  const amendElection = (race: boolean) => {
    const electionId = pick([...elections.keys()]);
    const { definition, index } = elections.get(electionId)!;
    const reported = (areaId: string) =>
      turnoutReported.has(`${electionId}|${areaId}`) ||
      index.contestsOf(areaId).some((c) => sheets.has(`${electionId}|${areaId}|${c}`));
    const unitsWithSheets = new Set(
      [...sheets.values()]
        .filter((x) => x.electionId === electionId)
        .map((x) => `${x.contestId}|${x.unitId}`),
    );
    const units = definition.contests.flatMap((c) =>
      c.electoralUnits.map((u) => ({ contestId: c.contestId, unit: u })),
    );
    const free = units.filter((u) => unitsWithSheets.has(`${u.contestId}|${u.unit.unitId}`) === race);
    const quiet = definition.pollingAreas.filter((a) => !reported(a.pollingAreaId));
    const serial = log.length;
    const proposals: Array<() => AmendmentChange | undefined> = [
      () => ({ type: 'rename', target: 'election', name: `${definition.name.split(' (')[0]} (${serial})` }),
      () => ({
        type: 'rename',
        target: 'district',
        id: pick(definition.districts).districtId,
        name: `District ${serial}`,
      }),
      () => {
        const area = quiet.length > 0 ? pick(quiet) : undefined;
        return (
          area && {
            type: 'changeRegisteredVoters',
            pollingAreaId: area.pollingAreaId,
            registeredVoters: int(300, 1500),
          }
        );
      },
      () => ({
        type: 'addPollingArea',
        pollingArea: {
          pollingAreaId: `new-${serial}`,
          districtId: pick(definition.districts).districtId,
          registeredVoters: int(300, 1500),
        },
      }),
      () => {
        const area = quiet.length > 0 ? pick(quiet) : undefined;
        return area && { type: 'removePollingArea', pollingAreaId: area.pollingAreaId };
      },
      () => {
        const area = quiet.length > 0 ? pick(quiet) : undefined;
        return (
          area && {
            type: 'movePollingArea',
            pollingAreaId: area.pollingAreaId,
            districtId: pick(definition.districts).districtId,
          }
        );
      },
      () => {
        const u = free.length > 0 ? pick(free) : undefined;
        return (
          u && {
            type: 'withdrawCandidate',
            contestId: u.contestId,
            candidateId: pick(u.unit.candidates).candidateId,
          }
        );
      },
      () => {
        const u = free.length > 0 ? pick(free) : undefined;
        return (
          u && {
            type: 'addCandidate',
            contestId: u.contestId,
            unitId: u.unit.unitId,
            candidate: {
              candidateId: `${u.unit.unitId}-n${serial}`,
              name: `Candidate ${serial}`,
              birthDate: '1975-05-05',
            },
          }
        );
      },
      () => {
        const u = free.length > 0 ? pick(free) : undefined;
        return (
          u && {
            type: 'changeSeats',
            contestId: u.contestId,
            unitId: u.unit.unitId,
            seats: int(1, u.unit.candidates.length),
          }
        );
      },
      () => {
        // A follow-up round of one unit of an original contest (its sheets follow like any contest's).
        const originals = units.filter(
          (u) => !definition.contests.find((c) => c.contestId === u.contestId)?.round,
        );
        const u = originals.length > 0 ? pick(originals) : undefined;
        if (!u) return undefined;
        const kind = random() < 0.5 ? 'supplementary' : 're-vote';
        const { districtIds, pollingAreaIds } = u.unit;
        return {
          type: 'addRound',
          contest: {
            contestId: `${u.contestId}-r${serial}`,
            name: `Round ${serial}`,
            pollingDate: '2021-06-06',
            round: { kind, of: u.contestId, units: [u.unit.unitId] },
            electoralUnits: [
              {
                unitId: u.unit.unitId,
                name: u.unit.name,
                seats: kind === 're-vote' ? u.unit.seats : int(1, u.unit.seats),
                ...(districtIds
                  ? { districtIds: [...districtIds] }
                  : { pollingAreaIds: [...(pollingAreaIds ?? [])] }),
                candidates: u.unit.candidates.map((c) => ({ ...c })),
              },
            ],
          },
        };
      },
    ];
    for (let attempt = 0; attempt < 10; attempt++) {
      const changes = race
        ? [proposals[6]()].filter((c) => c !== undefined)
        : Array.from({ length: int(1, 3) }, () => pick(proposals)()).filter((c) => c !== undefined);
      if (changes.length === 0) continue;
      const amended = amendDefinition(definition, changes);
      if (amended.violations.length > 0 || JSON.stringify(amended.definition) === JSON.stringify(definition))
        continue;
      const after = ElectionIndex.of(amended.definition);
      const areaChanges = pollingAreaChanges(index, after);
      // On record: a reported area keeps its place (the decider's rule); only the race may contradict a sheet.
      // A round only adds the area to a new contest: that moves nothing on record.
      const moves = areaChanges.filter(
        (c) =>
          !c.before ||
          !c.after ||
          c.before.districtId !== c.after.districtId ||
          c.before.registeredVoters !== c.after.registeredVoters ||
          Object.entries(c.before.units).some(([contestId, unitId]) => c.after!.units[contestId] !== unitId),
      );
      if (moves.some((c) => reported(c.pollingAreaId))) continue;
      elections.set(electionId, { definition: amended.definition, index: after });
      add(
        electionStreamId(electionId),
        'ElectionAmended',
        {
          electionId,
          reason: 'Hội đồng bầu cử điều chỉnh danh sách',
          changes,
          pollingAreaChanges: areaChanges,
          amendedAt: new Date(clock).toISOString(),
        },
        'city-admin',
      );
      return;
    }
  };

  let oddUnitFacts = 0;
  const oddFact = () => {
    const roll = random();
    const b = elections.get('night-b')!.definition;
    if (roll < 0.25) {
      const area = pick(b.pollingAreas);
      add(turnoutStreamId('night-b', area.pollingAreaId), 'TurnoutReported', {
        electionId: 'night-b',
        pollingAreaId: area.pollingAreaId,
        districtId: area.districtId,
        reportId: uuid(),
        asOf: random() < 0.5 ? 'noon' : '2021-05-23T05:30:00.000Z',
        votersVoted: -3,
        registeredVoters: area.registeredVoters,
        reportedAt: new Date(clock).toISOString(),
      });
    } else if (roll < 0.45) {
      add(turnoutStreamId('night-x', 'x-0001'), 'TurnoutReported', {
        electionId: 'night-x',
        pollingAreaId: 'x-0001',
        districtId: 'x',
        reportId: uuid(),
        asOf: '2021-05-23T05:30:00.000Z',
        votersVoted: 10,
        registeredVoters: 100,
        reportedAt: new Date(clock).toISOString(),
      });
    } else if (roll < 0.55) {
      add(tallyStreamId('night-b', 'ba-dinh-0001', 'na'), 'TallyAnnotated', { note: 'unknown to this code' });
    } else if (roll < 0.6) {
      // A unit the definition does not have, and a unit event of a type this code does not know: in turn, so the
      // first two already hold both whatever the seed.
      const [unitId, type] = ODD_UNIT_FACTS[oddUnitFacts++ % ODD_UNIT_FACTS.length];
      const ref = { electionId: 'night-b', contestId: 'na', unitId };
      add(unitStreamId(ref.electionId, ref.contestId, ref.unitId), type, {
        ...ref,
        certifiedAt: new Date(clock).toISOString(),
      });
    } else if (roll < 0.65) {
      amendElection(true);
    } else if (roll < 0.7 && (revisions.get(electionStreamId('night-b')) ?? 0) < 1) {
      // A second definition of an election already defined.
      add(electionStreamId('night-b'), 'ElectionDefined', {
        definition: { ...b, name: 'Test election (second definition)' },
        definedAt: new Date(clock).toISOString(),
      });
    } else {
      // Streams the projections never read (the subscription filters them out).
      add(`reservation-${uuid()}`, 'EventIdReserved', { owner: 'someone' });
    }
  };

  while (log.length < options.events) {
    if (!elections.has(lateElection.electionId) && log.length >= options.events / 2) define(lateElection);
    const roll = random();
    if (roll < 0.4) reportTurnout();
    else if (roll < 0.7) submitOrCorrect(false);
    else if (roll < 0.86) submitOrCorrect(true);
    else if (roll < 0.9) attachScan();
    else if (roll < 0.91) amendElection(false);
    else if (roll < 0.95) certifyOrRevoke();
    else oddFact();
  }
  return log.slice(0, options.events);
}
