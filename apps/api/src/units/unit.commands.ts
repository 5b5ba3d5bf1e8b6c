import { Command } from '@nestjs/cqrs';
import { CertifyUnit, RevokeCertification } from '@tally/domain';
import { UnitWriteResult } from './unit-results';

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
