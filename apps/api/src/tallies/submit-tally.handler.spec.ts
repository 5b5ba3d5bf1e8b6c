import {
  AmendmentChange,
  CommandContext,
  decideElection,
  DomainError,
  ElectionEvent,
  electionStreamId,
  foldElection,
  metadataFor,
  NOTHING_ON_RECORD,
  normalizeCounts,
  TallyEvent,
  tallyStreamId,
} from '@tally/domain';
import {
  EventStore,
  migratePostgresEventStore,
  PostgresEventStore,
  ReadStreamOptions,
} from '@tally/event-store';
import { Metrics } from '@tally/platform';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/support/database';
import { naSheet, secondBaDinhNaSheet, sheetOf, smallElection } from '../../../../test/support/fixtures';
import { ElectionCatalog } from '../elections/election-catalog';
import { loadStream, toAppend } from '../infrastructure/event-streams';
import { UnitLocks } from '../units/unit-locks';
import { SubmitTallyCommand } from './submit-tally.command';
import { SubmitTallyHandler } from './submit-tally.handler';

const NOW = '2021-05-23T19:30:00.000Z';

/** A sheet as the api's body carries it. */
type Sheet = Omit<ReturnType<typeof sheetOf>, 'contestId' | 'candidateVotes'> & {
  contestId: string;
  candidateVotes: Record<string, number>;
};
const context = (districts?: string[]): CommandContext => ({
  actor: districts ? { id: 'submitter', role: 'submitter', districts } : { id: 'city-admin', role: 'admin' },
  requestId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  now: NOW,
});

/**
 * The submit handler on a real PostgreSQL store, its catalog warm: it decides on the definition it holds, and the
 * append's condition on the election stream catches a definition that another process amended since.
 */
describe('SubmitTallyHandler and the definition it holds', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('submit_handler');
    store = new PostgresEventStore(db.url, { poolSize: 4 });
    await migratePostgresEventStore(store.pool);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** A handler (one api process) with its own catalog, and the reads of the election stream it makes. */
  function process(eventStore: EventStore = store) {
    const electionReads: string[] = [];
    const seen = Object.create(eventStore, {
      readStream: {
        value: (streamId: string, options?: ReadStreamOptions) => {
          if (streamId.startsWith('election-')) electionReads.push(streamId);
          return eventStore.readStream(streamId, options);
        },
      },
    }) as EventStore;
    const catalog = new ElectionCatalog(seen);
    const handler = new SubmitTallyHandler(seen, catalog, new Metrics(), new UnitLocks(seen));
    const submit = (electionId: string, sheet: Sheet, districts?: string[]) =>
      handler.execute(
        new SubmitTallyCommand({
          electionId,
          pollingAreaId: sheet.pollingAreaId,
          contestId: sheet.contestId,
          submissionId: sheet.submissionId,
          counts: normalizeCounts(sheet),
          context: context(districts),
        }),
      );
    return { catalog, submit, electionReads };
  }

  async function define(): Promise<string> {
    const definition = smallElection();
    const events = decideElection(
      { type: 'DefineElection', definition, context: context() },
      foldElection([]),
    );
    await appendElection(definition.electionId, events);
    return definition.electionId;
  }

  /** "Another api process" amends: the events the domain decides, appended straight to the store. */
  async function amend(electionId: string, changes: AmendmentChange[]): Promise<void> {
    const stream = await loadStream<ElectionEvent>(store, electionStreamId(electionId));
    const state = foldElection(stream.events);
    const events = decideElection(
      {
        type: 'AmendElection',
        electionId,
        expectedRevision: state.status === 'defined' ? state.revision : -1,
        reason: 'Nghị quyết của Ủy ban bầu cử thành phố',
        changes,
        onRecord: NOTHING_ON_RECORD,
        context: context(),
      },
      state,
    );
    await appendElection(electionId, events);
  }

  async function appendElection(electionId: string, events: ElectionEvent[]): Promise<void> {
    const stream = await loadStream<ElectionEvent>(store, electionStreamId(electionId));
    await store.append(
      stream.streamId,
      toAppend(stream, events, metadataFor(context()), [randomUUID()]),
      stream.expected,
    );
  }

  const storedSheet = async (electionId: string, pollingAreaId: string, contestId: string) =>
    (await loadStream<TallyEvent>(store, tallyStreamId(electionId, pollingAreaId, contestId))).events;

  it('decides on the held definition without reading the election stream; a replay needs no definition', async () => {
    const electionId = await define();
    const api = process();
    await api.catalog.current(electionId);
    api.electionReads.length = 0;

    const first = naSheet();
    expect(await api.submit(electionId, first)).toMatchObject({ revision: 0, replayed: false });
    expect(await api.submit(electionId, sheetOf('tay-ho-0001', 'na'))).toMatchObject({ replayed: false });
    expect(await api.submit(electionId, first)).toMatchObject({ revision: 0, replayed: true });
    expect(api.electionReads).toEqual([]);
  });

  it('catches a definition amended since it was held: the sheet is decided again on the amended one', async () => {
    const electionId = await define();
    const api = process();
    await api.catalog.current(electionId);
    await amend(electionId, [
      { type: 'movePollingArea', pollingAreaId: 'tay-ho-0002', districtId: 'ba-dinh', units: [tp01] },
    ]);
    api.electionReads.length = 0;

    // Held: tay-ho-0002 is in tay-ho and tp-02. In force: in ba-dinh and tp-01.
    const stale = {
      ...sheetOf('tay-ho-0002', 'hdnd-tp'),
      candidateVotes: { 'tp-02-1': 300, 'tp-02-2': 400 },
    };
    const refused = await api.submit(electionId, stale).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'invalid', code: 'TALLY.CANDIDATES_MISMATCH' });
    expect(await storedSheet(electionId, 'tay-ho-0002', 'hdnd-tp')).toEqual([]);
    expect(api.electionReads).toEqual([electionStreamId(electionId)]);

    // A district submitter of tay-ho was allowed on the held definition: not on the one in force.
    await amend(electionId, [
      { type: 'movePollingArea', pollingAreaId: 'tay-ho-0001', districtId: 'ba-dinh' },
    ]);
    await expect(api.submit(electionId, sheetOf('tay-ho-0001', 'na'), ['tay-ho'])).rejects.toMatchObject({
      kind: 'forbidden',
    });
    expect(await storedSheet(electionId, 'tay-ho-0001', 'na')).toEqual([]);

    // A sheet both definitions accept is placed, and checked, as the one in force says.
    await amend(electionId, [
      { type: 'movePollingArea', pollingAreaId: 'ba-dinh-0002', districtId: 'tay-ho', units: [tp02] },
      { type: 'changeRegisteredVoters', pollingAreaId: 'ba-dinh-0002', registeredVoters: 890 },
    ]);
    const placed = await api.submit(electionId, secondBaDinhNaSheet());
    expect(placed.anomalies.map((a) => a.code)).toEqual(['ANOMALY.REGISTERED_VOTERS_DIFFER']);
    const [submitted] = await storedSheet(electionId, 'ba-dinh-0002', 'na');
    expect(submitted?.data).toMatchObject({ districtId: 'tay-ho' });
    expect(api.electionReads).toHaveLength(3);
  });

  it('confirms a refusal decided on the held definition on the one in force before answering it', async () => {
    const electionId = await define();
    const api = process();
    const other = process();
    await api.catalog.current(electionId);
    await other.catalog.current(electionId);
    await amend(electionId, [
      {
        type: 'addPollingArea',
        pollingArea: { pollingAreaId: 'tay-ho-0003', districtId: 'tay-ho', registeredVoters: 700 },
        units: [tp02],
      },
      { type: 'movePollingArea', pollingAreaId: 'tay-ho-0002', districtId: 'ba-dinh', units: [tp01] },
    ]);
    api.electionReads.length = 0;
    other.electionReads.length = 0;

    // Unknown to the held definition (404), added by the amendment: stored.
    const added = naSheet({
      pollingAreaId: 'tay-ho-0003',
      registeredVoters: 700,
      votersVoted: 650,
      ballotsIssued: 650,
      ballotsReceived: 650,
      validBallots: 640,
      invalidBallots: 10,
      candidateVotes: { 'na-01-1': 400, 'na-01-2': 300, 'na-01-3': 200 },
    });
    expect(await api.submit(electionId, added)).toMatchObject({ revision: 0, replayed: false });
    expect(api.electionReads).toHaveLength(1);

    // Out of a ba-dinh submitter's scope on the held definition (403), in it on the one in force: stored.
    expect(await other.submit(electionId, sheetOf('tay-ho-0002', 'na'), ['ba-dinh'])).toMatchObject({
      replayed: false,
    });
    expect(other.electionReads).toHaveLength(1);

    // A refusal the definition in force gives too is answered once a read found nothing newer.
    api.electionReads.length = 0;
    await expect(api.submit(electionId, naSheet({ pollingAreaId: 'hoan-kiem-0001' }))).rejects.toMatchObject({
      kind: 'not_found',
      code: 'TALLY.UNKNOWN_POLLING_AREA',
    });
    expect(api.electionReads).toHaveLength(1);
  });

  it('without append conditions reads the definition in force for every sheet, as before', async () => {
    const electionId = await define();
    const conditions: unknown[] = [];
    const unconditional = Object.create(store, {
      supportsAppendConditions: { value: false },
      append: {
        value: (...args: Parameters<EventStore['append']>) => {
          conditions.push(args[3]?.condition);
          return store.append(...args);
        },
      },
    }) as EventStore;
    const api = process(unconditional);
    await api.catalog.current(electionId);
    api.electionReads.length = 0;

    await api.submit(electionId, naSheet());
    await api.submit(electionId, sheetOf('tay-ho-0001', 'na'));
    expect(api.electionReads).toHaveLength(2);
    expect(conditions).toEqual([undefined, undefined]);
  });
});

const tp01 = { contestId: 'hdnd-tp', unitId: 'tp-01' };
const tp02 = { contestId: 'hdnd-tp', unitId: 'tp-02' };
