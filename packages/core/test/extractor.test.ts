import { CompromiseEntityExtractor } from '../src';

describe('CompromiseEntityExtractor', () => {
  const extractor = new CompromiseEntityExtractor();
  const names = async (text: string) => (await extractor.extract(text)).map((e) => `${e.kind}:${e.name}`);

  it('finds people, places, organisations and topics', async () => {
    const found = await names(
      "Caroline's friend moved from Sweden to work at Google on the LGBTQ support group",
    );
    expect(found).toEqual(expect.arrayContaining(['person:Caroline', 'place:Sweden', 'organization:Google']));
    expect(found.some((f) => f.startsWith('topic:') && /support group/.test(f))).toBe(true);
  });

  it('keeps names inside noun phrases as their own entities', async () => {
    expect(await names('Melanie said her daughter Ruby turned six')).toEqual(
      expect.arrayContaining(['person:Melanie', 'person:Ruby']),
    );
  });

  it('returns nothing for text without entities', async () => {
    expect(await extractor.extract('ok')).toEqual([]);
  });
});
