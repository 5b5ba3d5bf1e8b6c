import { ElectionIndex, foldTally, TallyEvent, TallyState, tallyStreamId } from '@tally/domain';
import { EventStore } from '@tally/event-store';
import { loadStream } from '../infrastructure/event-streams';

/** Stream reads in flight at once while loading a unit's sheets (an NA unit has hundreds of polling areas). */
const PARALLEL_READS = 16;

/** The current state of every polling area's sheet of a unit, read from the sheets' own streams. */
export async function loadUnitSheets(
  store: EventStore,
  index: ElectionIndex,
  contestId: string,
  unitId: string,
): Promise<Map<string, TallyState>> {
  const areas = index.pollingAreasOfUnit(contestId, unitId);
  const sheets = new Map<string, TallyState>();
  for (let i = 0; i < areas.length; i += PARALLEL_READS) {
    const slice = areas.slice(i, i + PARALLEL_READS);
    const states = await Promise.all(
      slice.map(async (pollingAreaId) => {
        const stream = await loadStream<TallyEvent>(
          store,
          tallyStreamId(index.electionId, pollingAreaId, contestId),
        );
        return foldTally(stream.events);
      }),
    );
    slice.forEach((pollingAreaId, k) => sheets.set(pollingAreaId, states[k]));
  }
  return sheets;
}
