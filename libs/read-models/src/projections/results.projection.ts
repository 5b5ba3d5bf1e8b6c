import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import { ELECTION_STREAM_PREFIX, TALLY_STREAM_PREFIX, TallyCounts } from '@tally/domain';
import { consoleLogger, isProjectedStream, Projection, ProjectionLogger } from '../projection';
import { asCounts, asDefinition, asPlacement } from './fact-shapes';
import { initialResultRows } from './election-layout';
import { ResultsBatch, sheetKey } from './results-batch';

/**
 * Elections, current tally sheets, and running totals per district × contest and per electoral unit.
 * Rollups change by deltas: a sheet's current counts are subtracted from its old place and its new counts added,
 * so a correction replaces the original instead of adding to it.
 */
export class ResultsProjection implements Projection {
  static readonly NAME = 'results';
  readonly name: string = ResultsProjection.NAME;
  readonly version: number = 1;
  readonly tables = ['rm_elections', 'rm_tally_sheets', 'rm_district_results', 'rm_unit_results'];

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const relevant = events.filter((e) => isProjectedStream(e.streamId));
    if (relevant.length === 0) return;
    const batch = await ResultsBatch.load(relevant, manager);
    for (const event of relevant) {
      if (event.streamId.startsWith(ELECTION_STREAM_PREFIX)) this.applyElectionEvent(batch, event);
      else if (event.streamId.startsWith(TALLY_STREAM_PREFIX)) this.applyTallyEvent(batch, event);
    }
    await batch.flush(manager);
  }

  private applyElectionEvent(batch: ResultsBatch, event: StoredEvent): void {
    if (event.type !== 'ElectionDefined') return this.skip(event, 'unknown election event type');
    const definition = asDefinition(event.data.definition);
    if (!definition) return this.skip(event, 'malformed election definition');
    const known = batch.elections.get(definition.electionId);
    if (known && known.revision >= event.revision) return;
    let rows: ReturnType<typeof initialResultRows>;
    try {
      rows = initialResultRows(definition);
    } catch (error) {
      return this.skip(event, `definition cannot be laid out: ${(error as Error).message}`);
    }
    batch.putElection(
      {
        electionId: definition.electionId,
        name: definition.name,
        pollingDate: definition.pollingDate,
        definition,
        revision: event.revision,
        position: event.position,
      },
      rows.districts,
      rows.units,
    );
  }

  private applyTallyEvent(batch: ResultsBatch, event: StoredEvent): void {
    if (event.type !== 'TallySubmitted' && event.type !== 'TallyCorrected') {
      return this.skip(event, 'unknown tally event type');
    }
    const placement = asPlacement(event.data);
    const counts = asCounts(event.data.counts);
    if (!placement || !counts) return this.skip(event, 'malformed tally placement or counts');
    if (!batch.elections.has(placement.electionId)) return this.skip(event, 'unknown election');

    const key = sheetKey(placement.electionId, placement.pollingAreaId, placement.contestId);
    const current = batch.sheets.get(key);
    if (current && current.revision >= event.revision) return;

    if (current) this.rollUp(batch, current, current.counts, -1, event);
    this.rollUp(batch, placement, counts, +1, event);
    const corrected = event.type === 'TallyCorrected';
    batch.putSheet({
      electionId: placement.electionId,
      pollingAreaId: placement.pollingAreaId,
      contestId: placement.contestId,
      districtId: placement.districtId,
      unitId: placement.unitId,
      counts,
      revision: event.revision,
      status: corrected || current?.status === 'corrected' ? 'corrected' : 'submitted',
      corrections: (current?.corrections ?? 0) + (corrected ? 1 : 0),
      lastPosition: event.position,
    });
  }

  /** Adds (sign +1) or removes (sign −1) one sheet's counts in its district and unit rows. */
  private rollUp(
    batch: ResultsBatch,
    place: { electionId: string; districtId: string; contestId: string; unitId: string },
    counts: TallyCounts,
    sign: 1 | -1,
    event: StoredEvent,
  ): void {
    const district = batch.district(place.electionId, place.districtId, place.contestId);
    if (district) {
      district.pollingAreasReported += sign;
      district.registeredVoters += sign * counts.registeredVoters;
      district.votersVoted += sign * counts.votersVoted;
      district.validBallots += sign * counts.validBallots;
      district.invalidBallots += sign * counts.invalidBallots;
      for (const [candidateId, votes] of Object.entries(counts.candidateVotes)) {
        district.candidateVotes[candidateId] = (district.candidateVotes[candidateId] ?? 0) + sign * votes;
      }
    } else {
      this.skip(event, `no district row ${place.districtId}/${place.contestId}`);
    }
    const unit = batch.unit(place.electionId, place.contestId, place.unitId);
    if (unit) {
      unit.pollingAreasReported += sign;
      unit.registeredVoters += sign * counts.registeredVoters;
      unit.votersVoted += sign * counts.votersVoted;
      unit.validBallots += sign * counts.validBallots;
      unit.invalidBallots += sign * counts.invalidBallots;
      for (const candidate of unit.candidates) {
        candidate.votes += sign * (counts.candidateVotes[candidate.candidateId] ?? 0);
      }
    } else {
      this.skip(event, `no unit row ${place.contestId}/${place.unitId}`);
    }
  }

  private skip(event: StoredEvent, why: string): void {
    this.logger.warn(
      `[projection ${this.name}] skipped ${event.type} at position ${event.position} (${event.streamId}@${event.revision}): ${why}`,
    );
  }
}
