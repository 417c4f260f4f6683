import { CompromiseEntityExtractor } from '../src';
import { adversarialTexts } from '../src/testing';

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

  it('does not take interjections, pronouns or dates for names and topics', async () => {
    const found = await names("Caroline: Wow, Melanie! I've been to my sister's place on Tuesday.");
    expect(found).toContain('person:Melanie');
    expect(found.filter((f) => /wow|\bI\b|\bmy\b|tuesday/i.test(f))).toEqual([]);
    expect(found).toContain('topic:sister place');
    expect(await names('Caroline went to an LGBTQ meeting')).toContain('organization:LGBTQ');
  });

  it('returns nothing for text without entities', async () => {
    expect(await extractor.extract('ok')).toEqual([]);
  });
});

describe('CompromiseEntityExtractor on hostile input', () => {
  const extractor = new CompromiseEntityExtractor();
  // It runs on worker threads in a server, but must still be linear in the text: a bounded
  // cost per byte keeps one worker from being held for minutes. The bound is ~10x what a
  // 15,000-byte text of ordinary prose takes on a slow machine.
  it.each(adversarialTexts().map((t) => [t.name, t.text] as const))(
    'extracts from %s in bounded time',
    async (_name, text) => {
      const started = performance.now();
      const entities = await extractor.extract(text);
      expect(performance.now() - started).toBeLessThan(6000);
      expect(entities.length).toBeLessThanOrEqual(24);
    },
  );
});
