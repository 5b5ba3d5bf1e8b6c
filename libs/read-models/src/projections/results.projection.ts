import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@tally/event-store';
import {
  amendDefinition,
  ELECTION_STREAM_PREFIX,
  SheetStanding,
  TALLY_STREAM_PREFIX,
  TallyCounts,
  tallyEffect,
  UNIT_STREAM_PREFIX,
} from '@tally/domain';
import { consoleLogger, isProjectedStream, Projection, ProjectionLogger } from '../projection';
import type { RmDistrictResultEntity } from '../entities/rm-district-result.entity';
import {
  amendedElectionId,
  asAmendment,
  asCounts,
  asDefinition,
  asPlacement,
  asUnitRef,
} from './fact-shapes';
import { amendResultRows, initialResultRows } from './election-layout';
import { ResultsBatch } from './results-batch';
import { DistrictRowCache } from './district-row-cache';
import type { ResultsState } from './results-state';

type TotalsRow = Pick<
  RmDistrictResultEntity,
  'registeredVoters' | 'votersVoted' | 'validBallots' | 'invalidBallots'
>;

/**
 * Elections, current tally sheets, running totals per district × contest and per electoral unit, and each unit's
 * certification and annulment.
 * Rollups change by deltas: a sheet's current counts are subtracted from its old place and its new counts added,
 * so a correction replaces the original instead of adding to it.
 */
export class ResultsProjection implements Projection {
  static readonly NAME = 'results';
  readonly name: string = ResultsProjection.NAME;
  /**
   * 2: a unit's certification (unit streams). 3: a unit's annulment. 4: a sheet's standing (double entry, review).
   * 5: a district row's last position.
   */
  readonly version: number = 5;
  readonly tables = ['rm_elections', 'rm_tally_sheets', 'rm_district_results', 'rm_unit_results'];

  /** The district rows of earlier batches, to read and write only what changed (DistrictRowCache). */
  private readonly districtCache = new DistrictRowCache();

  constructor(private readonly logger: ProjectionLogger = consoleLogger) {}

  async apply(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const relevant = events.filter((e) => isProjectedStream(e.streamId));
    if (relevant.length === 0) return;
    const batch = await ResultsBatch.load(relevant, manager, this.districtCache);
    this.applyTo(batch, relevant);
    await batch.flush(manager);
  }

  /** The projection's rules, on any state: PostgreSQL rows (apply) or memory (time travel, verify-export). */
  applyTo(state: ResultsState, events: StoredEvent[]): void {
    for (const event of events) {
      if (!isProjectedStream(event.streamId)) continue;
      if (event.streamId.startsWith(ELECTION_STREAM_PREFIX)) this.applyElectionEvent(state, event);
      else if (event.streamId.startsWith(TALLY_STREAM_PREFIX)) this.applyTallyEvent(state, event);
      else if (event.streamId.startsWith(UNIT_STREAM_PREFIX)) this.applyUnitEvent(state, event);
    }
  }

  /** Certification, its revocation and the annulment: single-stream facts on the unit's row, guarded by the unit stream revision. */
  private applyUnitEvent(batch: ResultsState, event: StoredEvent): void {
    const ref = asUnitRef(event.data);
    if (!ref) return this.skip(event, 'malformed unit event');
    if (!batch.election(ref.electionId)) return this.skip(event, 'unknown election');
    const known = batch.unit(ref.electionId, ref.contestId, ref.unitId, true);
    if (!known) return this.skip(event, `no unit row ${ref.contestId}/${ref.unitId}`);
    if (known.unitRevision >= event.revision) return;
    switch (event.type) {
      case 'UnitCertified': {
        const at = event.data.certifiedAt;
        if (typeof at !== 'string') return this.skip(event, 'malformed certification');
        const unit = batch.unit(ref.electionId, ref.contestId, ref.unitId)!;
        unit.certification = { at, by: actorIdOf(event), position: event.position };
        unit.unitRevision = event.revision;
        return;
      }
      case 'UnitCertificationRevoked': {
        const unit = batch.unit(ref.electionId, ref.contestId, ref.unitId)!;
        unit.certification = null;
        unit.unitRevision = event.revision;
        return;
      }
      case 'UnitResultAnnulled': {
        const { annulledAt: at, reason } = event.data;
        if (typeof at !== 'string' || typeof reason !== 'string')
          return this.skip(event, 'malformed annulment');
        const unit = batch.unit(ref.electionId, ref.contestId, ref.unitId)!;
        unit.annulment = { at, by: actorIdOf(event), reason };
        unit.unitRevision = event.revision;
        return;
      }
      default:
        return this.skip(event, 'unknown unit event type');
    }
  }

  private applyElectionEvent(batch: ResultsState, event: StoredEvent): void {
    if (event.type === 'ElectionAmended') return this.applyAmendment(batch, event);
    if (event.type !== 'ElectionDefined') return this.skip(event, 'unknown election event type');
    const definition = asDefinition(event.data.definition);
    if (!definition) return this.skip(event, 'malformed election definition');
    const known = batch.election(definition.electionId);
    if (known && known.revision >= event.revision) return;
    let rows: ReturnType<typeof initialResultRows>;
    try {
      rows = initialResultRows(definition, event.position);
    } catch (error) {
      return this.skip(event, `definition cannot be laid out: ${(error as Error).message}`);
    }
    // A bigint column takes no fraction and nothing past 2^63; a JS number is exact only up to 2^53.
    if (!rows.units.every((u) => Number.isSafeInteger(u.expectedRegisteredVoters))) {
      return this.skip(event, 'registered voters of a unit are not an exact integer');
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

  /**
   * The definition in force becomes the amended one (the stored changes applied to the stored definition, with the
   * domain's own amendDefinition), and the result rows follow it (amendResultRows): names, seats, candidate lists,
   * polling areas and voters expected, rows of districts the contest gains or loses. The sheets stay where they were
   * counted.
   */
  private applyAmendment(batch: ResultsState, event: StoredEvent): void {
    const electionId = amendedElectionId(event);
    const amendment = asAmendment(event.data);
    if (!electionId || !amendment) return this.skip(event, 'malformed amendment');
    const known = batch.election(electionId);
    const definition = batch.definition(electionId);
    if (!known || !definition) return this.skip(event, 'unknown election');
    if (known.revision >= event.revision) return;
    const amended = amendDefinition(definition, amendment.changes);
    // The decider never stores such an amendment; the election stream's fold treats it as no change, and so does this.
    const next = amended.violations.length === 0 ? amended.definition : definition;
    const rows = amendResultRows(
      next,
      batch.districtRows(electionId),
      batch.unitRows(electionId),
      event.position,
    );
    if (!rows.units.every((u) => Number.isSafeInteger(u.expectedRegisteredVoters))) {
      return this.skip(event, 'registered voters of a unit are not an exact integer');
    }
    batch.putElection(
      {
        electionId,
        name: next.name,
        pollingDate: next.pollingDate,
        definition: next,
        revision: event.revision,
        position: known.position,
      },
      rows.districts,
      rows.units,
    );
    for (const d of rows.droppedDistricts) batch.dropDistrict(electionId, d.districtId, d.contestId);
  }

  private applyTallyEvent(batch: ResultsState, event: StoredEvent): void {
    // A scan documents the counts; it changes none of them.
    if (event.type === 'TallyScanAttached') return;
    const effect = tallyEffect(event.type, event.data);
    if (!effect) return this.skip(event, 'unknown tally event type');
    const placement = asPlacement(event.data);
    if (!placement) return this.skip(event, 'malformed tally placement');
    if (!batch.election(placement.electionId)) return this.skip(event, 'unknown election');

    const current = batch.sheet(placement.electionId, placement.pollingAreaId, placement.contestId);
    if (current && current.revision >= event.revision) return;
    // An event that sets no figures (a review, an entry in discrepancy) keeps the ones in force.
    const counts = effect.counts === undefined ? current?.counts : asCounts(effect.counts);
    if (!counts) return this.skip(event, 'malformed tally counts');

    // Totals are bigint columns and JS numbers: a sum past 2^53 would lose precision (the api's caps keep real
    // elections below 2^38). Skipping such a fact keeps the projection running instead of storing wrong numbers.
    if (effect.standing === 'counted' && !this.staysExact(batch, placement, counts)) {
      return this.skip(event, 'totals would exceed Number.MAX_SAFE_INTEGER');
    }
    if (current) this.rollUp(batch, current, current.counts, current.standing, -1, event);
    this.rollUp(batch, placement, counts, effect.standing, +1, event);
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
      standing: effect.standing,
      heldOn: heldOnOf(event, effect.standing, current?.heldOn),
      corrections: (current?.corrections ?? 0) + (corrected ? 1 : 0),
      lastPosition: event.position,
    });
  }

  /**
   * Adds (sign +1) or removes (sign −1) one sheet in its district and unit rows: its counts when it counts, else
   * one held or unverified sheet.
   */
  private rollUp(
    batch: ResultsState,
    place: { electionId: string; districtId: string; contestId: string; unitId: string },
    counts: TallyCounts,
    standing: SheetStanding,
    sign: 1 | -1,
    event: StoredEvent,
  ): void {
    const district = batch.district(place.electionId, place.districtId, place.contestId);
    const unit = batch.unit(place.electionId, place.contestId, place.unitId);
    if (!district) this.skip(event, `no district row ${place.districtId}/${place.contestId}`);
    if (!unit) this.skip(event, `no unit row ${place.contestId}/${place.unitId}`);
    if (district) district.lastPosition = event.position;
    if (standing !== 'counted') {
      const field =
        standing === 'held' || standing === 'correction-required'
          ? 'pollingAreasHeld'
          : 'pollingAreasUnverified';
      if (district) district[field] += sign;
      if (unit) unit[field] += sign;
      return;
    }
    if (district) {
      district.pollingAreasReported += sign;
      district.registeredVoters += sign * counts.registeredVoters;
      district.votersVoted += sign * counts.votersVoted;
      district.validBallots += sign * counts.validBallots;
      district.invalidBallots += sign * counts.invalidBallots;
      for (const [candidateId, votes] of Object.entries(counts.candidateVotes)) {
        district.candidateVotes[candidateId] = (district.candidateVotes[candidateId] ?? 0) + sign * votes;
      }
    }
    if (unit) {
      unit.pollingAreasReported += sign;
      unit.registeredVoters += sign * counts.registeredVoters;
      unit.votersVoted += sign * counts.votersVoted;
      unit.validBallots += sign * counts.validBallots;
      unit.invalidBallots += sign * counts.invalidBallots;
      for (const candidate of unit.candidates) {
        candidate.votes += sign * (counts.candidateVotes[candidate.candidateId] ?? 0);
      }
    }
  }

  /** Whether adding `counts` to its district and unit rows keeps every total exact (subtracting only lowers them). */
  private staysExact(
    batch: ResultsState,
    place: { electionId: string; districtId: string; contestId: string; unitId: string },
    counts: TallyCounts,
  ): boolean {
    const fits = (total: number, add: number) => Number.isSafeInteger(total + add);
    const totalsFit = (row: TotalsRow) =>
      fits(row.registeredVoters, counts.registeredVoters) &&
      fits(row.votersVoted, counts.votersVoted) &&
      fits(row.validBallots, counts.validBallots) &&
      fits(row.invalidBallots, counts.invalidBallots);
    const district = batch.district(place.electionId, place.districtId, place.contestId, true);
    if (district) {
      if (!totalsFit(district)) return false;
      for (const [candidateId, votes] of Object.entries(counts.candidateVotes)) {
        if (!fits(district.candidateVotes[candidateId] ?? 0, votes)) return false;
      }
    }
    const unit = batch.unit(place.electionId, place.contestId, place.unitId, true);
    if (unit) {
      if (!totalsFit(unit)) return false;
      for (const candidate of unit.candidates) {
        if (!fits(candidate.votes, counts.candidateVotes[candidate.candidateId] ?? 0)) return false;
      }
    }
    return true;
  }

  private skip(event: StoredEvent, why: string): void {
    this.logger.warn(
      `[projection ${this.name}] skipped ${event.type} at position ${event.position} (${event.streamId}@${event.revision}): ${why}`,
    );
  }
}

/** The anomaly codes holding the sheet after the event: a review keeps those it was held on. */
function heldOnOf(event: StoredEvent, standing: SheetStanding, before: string[] | undefined): string[] {
  if (standing === 'counted') return [];
  const codes = event.data.heldOn;
  if (Array.isArray(codes) && codes.every((c) => typeof c === 'string')) return codes as string[];
  return standing === 'correction-required' ? (before ?? []) : [];
}

/** The keys of an event's metadata the results read (actorIdOf): a fold of them reads no other (time travel). */
export const RESULTS_METADATA_KEYS: readonly string[] = ['actor'];

function actorIdOf(event: StoredEvent): string {
  const actor = event.metadata?.actor as { id?: unknown } | undefined;
  return typeof actor?.id === 'string' ? actor.id : 'unknown';
}
