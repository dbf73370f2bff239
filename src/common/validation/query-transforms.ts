/** Query-string booleans: `true`/`false` become booleans; anything else is left for the validator to refuse. */
export const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
