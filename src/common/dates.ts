/** A date that may have been through JSON (an idempotent replay stores strings). */
export const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));
