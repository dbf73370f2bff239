/** A TypeScript-enum-shaped object `{ a: 'a', … }` from a value list, for `registerEnumType`. */
export const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
