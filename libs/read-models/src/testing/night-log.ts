import {
  ElectionDefinition,
  ElectionIndex,
  electionStreamId,
  TallyCounts,
  tallyStreamId,
  turnoutSchedule,
  turnoutStreamId,
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
}

/**
 * A random election night as a store would hold it: positions from 0, revisions per stream, recording times that
 * never decrease (gaps from 0 ms to half a minute, so a few thousand events span hundreds of 10 s buckets).
 *
 * Three elections (one defined mid-night), sheets submitted and corrected, scans attached, turnout reports (late ones with an
 * earlier asOf, ties), and the odd fact a projection must skip without failing: malformed reports, unknown types,
 * an unknown election, a second definition, and events of streams the projections do not read.
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
  const sheets = new Map<string, Sheet>();
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
    const contestId = pick(index.contestsOf(area.pollingAreaId));
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
    if (!current) {
      if (correct) return;
      add(streamId, 'TallySubmitted', {
        ...place,
        submissionId: uuid(),
        counts: next,
        anomalies: [],
        submittedAt: new Date(clock).toISOString(),
      });
    } else {
      if (!correct) return;
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
          correctedAt: new Date(clock).toISOString(),
        },
        'admin-1',
      );
    }
    sheets.set(key, { ...place, counts: next });
  };

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
    } else if (roll < 0.6) {
      add(tallyStreamId('night-b', 'ba-dinh-0001', 'na'), 'TallyAnnotated', { note: 'unknown to this code' });
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
    else if (roll < 0.88) submitOrCorrect(true);
    else if (roll < 0.93) attachScan();
    else oddFact();
  }
  return log.slice(0, options.events);
}
