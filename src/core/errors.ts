/** Errors with a stable code, so the CLI and servers can map them to exit codes and HTTP statuses. */
export type ErrorCode = 'INPUT_TOO_LARGE' | 'INVALID_INPUT' | 'INVALID_OPTION' | 'MODEL_NOT_FOUND' | 'IO_ERROR';

export class MedicalNerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MedicalNerError';
  }
}
