/**
 * Texts a careless client or an attacker sends: long unbroken words (hashes, base64, DNA),
 * repeated patterns that defeat greedy splitters, and every Unicode category. Every text
 * processor on the request path (tokenizers, embedders, extractors, query parsers) must handle
 * each of these in time linear in its length; the suites that use this list bound the time.
 */
export function adversarialTexts(bytes = 15_000): { name: string; text: string }[] {
  const repeat = (unit: string) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
  const everyCategory = Array.from({ length: 0x3000 }, (_, i) => i)
    .filter((cp) => cp < 0xd800 || cp > 0xdfff)
    .map((cp) => String.fromCodePoint(cp))
    .join('');
  return [
    { name: 'one long word', text: repeat('e') },
    { name: 'a two-letter pattern', text: repeat('qz') },
    {
      name: 'a hex hash run',
      text: repeat('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
    },
    { name: 'base64', text: repeat('TWFuIGlzIGRpc3Rpbmd1aXNoZWQsIG5vdCBvbmx5IGJ5IGhpcyByZWFzb24s') },
    { name: 'DNA', text: repeat('ACGTTGCAACGGTACCGTA') },
    { name: 'a URL', text: `https://example.com/${repeat('a/b?c=d&')}` },
    { name: 'accents and combining marks', text: repeat('e\u0301\u0308\u0327') },
    { name: 'capitalised words', text: repeat('Alpha Beta Gamma Delta ') },
    { name: 'every Unicode category in the first planes', text: everyCategory.slice(0, bytes) },
    { name: 'emoji and astral characters', text: repeat('\u{1F600}\u{1D400}\u{20000}') },
    { name: 'punctuation only', text: repeat('.,;:!?()[]{}') },
    { name: 'digits', text: repeat('0123456789') },
  ];
}
