import { Command } from '@nestjs/cqrs';
import { CommandContext, ScanContentType } from '@tally/domain';
import { ScanWriteResult } from './scan-results';

export class AttachScanCommand extends Command<ScanWriteResult> {
  constructor(
    readonly scan: {
      electionId: string;
      pollingAreaId: string;
      contestId: string;
      bytes: Buffer;
      contentType: ScanContentType;
      context: CommandContext;
    },
  ) {
    super();
  }
}
