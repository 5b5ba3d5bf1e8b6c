import type { ElectionIndex } from '../election/election-index';
import { DomainError } from '../shared/domain-error';
import type { AttachTallyScan } from './tally.commands';
import type { TallyState } from './tally.decider';
import type { TallyScanAttached } from './tally.events';
import { sheetExpectations } from './tally-rules';
import { SCAN_CONTENT_TYPES, ScanContentType } from './tally.types';

export const ScanErrorCode = {
  /** 404: no sheet to attach the scan to (submit it first). */
  SHEET_NOT_FOUND: 'SCAN.SHEET_NOT_FOUND',
  /** 404: the sheet has no scan (yet). */
  NOT_FOUND: 'SCAN.NOT_FOUND',
  /** 415: not JPEG, PNG or PDF. */
  UNSUPPORTED_TYPE: 'SCAN.UNSUPPORTED_TYPE',
  /** 415: the bytes are not what the Content-Type says. */
  CONTENT_MISMATCH: 'SCAN.CONTENT_TYPE_MISMATCH',
  /** 413: larger than SCAN_LIMIT_BYTES. */
  TOO_LARGE: 'SCAN.TOO_LARGE',
  /** 422: an empty body, or a digest that is not a SHA-256. */
  INVALID: 'SCAN.INVALID',
} as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isScanContentType(value: unknown): value is ScanContentType {
  return typeof value === 'string' && (SCAN_CONTENT_TYPES as readonly string[]).includes(value);
}

/**
 * What the bytes are, by their magic numbers: JPEG starts FF D8 FF, PNG with its 8-byte signature, PDF with "%PDF-".
 * Undefined for anything else. The Content-Type a client sends must agree with this.
 */
export function sniffScanType(bytes: Uint8Array): ScanContentType | undefined {
  const starts = (signature: number[]) =>
    bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return undefined;
}

/**
 * A scan may be attached to a recorded sheet only. The same bytes as the current scan is a retry: nothing to append.
 * Attaching again bytes of an older scan makes them current again (a new event: the history shows both).
 */
export function decideAttachTallyScan(
  command: AttachTallyScan,
  state: TallyState,
  index: ElectionIndex | undefined,
): TallyScanAttached[] {
  sheetExpectations(index, command.electionId, command.pollingAreaId, command.contestId);
  if (state.status === 'empty') {
    throw new DomainError(
      'not_found',
      ScanErrorCode.SHEET_NOT_FOUND,
      `No sheet is recorded for polling area ${command.pollingAreaId} and contest ${command.contestId}: submit it before its scan`,
      [],
      { pollingAreaId: command.pollingAreaId, contestId: command.contestId },
    );
  }
  const violations = [];
  if (!SHA256_HEX.test(command.digest)) {
    violations.push({ code: ScanErrorCode.INVALID, message: 'digest must be a lowercase hex SHA-256' });
  }
  if (!Number.isSafeInteger(command.size) || command.size <= 0) {
    violations.push({ code: ScanErrorCode.INVALID, message: 'a scan has at least one byte', field: 'body' });
  }
  if (!isScanContentType(command.contentType)) {
    violations.push({
      code: ScanErrorCode.UNSUPPORTED_TYPE,
      message: `A scan is ${SCAN_CONTENT_TYPES.join(', ')}`,
      field: 'contentType',
    });
  }
  if (violations.length > 0) throw DomainError.invalid(violations);

  const current = state.scans[state.scans.length - 1];
  if (current && current.digest === command.digest && current.countsRevision === state.countsRevision)
    return [];
  return [
    {
      type: 'TallyScanAttached',
      data: {
        ...state.placement,
        digest: command.digest,
        size: command.size,
        contentType: command.contentType,
        countsRevision: state.countsRevision,
        attachedAt: command.context.now,
      },
    },
  ];
}
