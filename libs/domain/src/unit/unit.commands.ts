import { CommandContext } from '../shared/event-metadata';
import { UnitEventRef } from './unit.events';

/** Records the unit's result as certified: an admin whose districts cover the unit, or a city admin. */
export interface CertifyUnit extends UnitEventRef {
  type: 'CertifyUnit';
  reason?: string;
  context: CommandContext;
}

/** A city admin reopens a certified unit, with a reason. */
export interface RevokeCertification extends UnitEventRef {
  type: 'RevokeCertification';
  reason: string;
  context: CommandContext;
}

/** A city admin annuls the unit's result, with a reason: a re-vote is required (Art. 80). */
export interface AnnulUnitResult extends UnitEventRef {
  type: 'AnnulUnitResult';
  reason: string;
  context: CommandContext;
}

/**
 * The api's own check after a sheet of the unit changed at `revision` while a certification was being recorded
 * (the certification and the change went to different streams, so neither append could refuse the other).
 */
export interface ReconcileCertification extends UnitEventRef {
  type: 'ReconcileCertification';
  pollingAreaId: string;
  revision: number;
  context: CommandContext;
}

/** Every command of a unit-<election>.<contest>.<unit> stream. */
export type UnitCommand = CertifyUnit | RevokeCertification | AnnulUnitResult | ReconcileCertification;
