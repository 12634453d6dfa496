/** The shape of an area's English strings, for the other languages to satisfy: the same keys, all strings. */
export type Strings<T> = { readonly [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
