// porter-stemmer ships no types: the one function Engram uses.
declare module 'porter-stemmer' {
  export function stemmer(word: string): string;
}
