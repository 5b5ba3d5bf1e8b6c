import { Command } from '@nestjs/cqrs';
import { AnnulUnitResult, CertifyUnit, RevokeCertification } from '@tally/domain';
import { UnitAnnulmentResult, UnitWriteResult } from './unit-results';

export class CertifyUnitCommand extends Command<UnitWriteResult> {
  constructor(readonly certification: Omit<CertifyUnit, 'type'>) {
    super();
  }
}

export class RevokeCertificationCommand extends Command<UnitWriteResult> {
  constructor(readonly revocation: Omit<RevokeCertification, 'type'>) {
    super();
  }
}

export class AnnulUnitResultCommand extends Command<UnitAnnulmentResult> {
  constructor(readonly annulment: Omit<AnnulUnitResult, 'type'>) {
    super();
  }
}
