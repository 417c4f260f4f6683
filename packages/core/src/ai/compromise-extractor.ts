import nlp from 'compromise';
import type { EntityExtractor, ExtractedEntity } from '../ports/ai';

const MAX_ENTITIES = 24;
/** Single words too generic to be useful graph nodes even when tagged as nouns. */
const GENERIC = new Set([
  'thing',
  'things',
  'time',
  'way',
  'lot',
  'day',
  'today',
  'yesterday',
  'something',
  'anything',
  'everything',
  'people',
  'stuff',
  'one',
]);

/**
 * Offline entity extraction with compromise: people, places and organisations by its
 * named-entity tagger, topics from noun phrases. Names are cleaned of possessives and
 * punctuation so "Caroline's" and "Caroline" become one node.
 */
export class CompromiseEntityExtractor implements EntityExtractor {
  async extract(text: string): Promise<ExtractedEntity[]> {
    const doc = nlp(text);
    const found = new Map<string, ExtractedEntity>();
    const add = (raw: string, kind: ExtractedEntity['kind']) => {
      const name = clean(raw);
      if (name.length < 2 || GENERIC.has(name.toLowerCase())) return;
      const key = name.toLowerCase();
      if (!found.has(key) && found.size < MAX_ENTITIES) found.set(key, { name, kind });
    };
    for (const p of doc.people().out('array') as string[]) add(p, 'person');
    for (const p of doc.places().out('array') as string[]) add(p, 'place');
    for (const o of doc.organizations().out('array') as string[]) add(o, 'organization');
    // Names the tagger did not classify ("her daughter Ruby") are still names.
    for (const name of doc.match('#ProperNoun+').not('#Pronoun').out('array') as string[])
      add(name, 'person');
    const topics = doc.nouns().not('#Pronoun').not('#Person').not('#Place').not('#Organization');
    for (const t of topics.out('array') as string[]) {
      const words = clean(t).split(/\s+/);
      // Strip determiners and keep short phrases: "the LGBTQ support group" → "LGBTQ support group"
      const phrase = words.filter(
        (w, i) => !(i === 0 && /^(a|an|the|my|your|his|her|our|their|this|that|some)$/i.test(w)),
      );
      if (phrase.length >= 1 && phrase.length <= 4) add(phrase.join(' '), 'topic');
    }
    return [...found.values()];
  }
}

function clean(raw: string): string {
  return raw
    .replace(/['’]s\b/g, '')
    .replace(/[^\p{L}\p{N}\s&.-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.-]+|[\s.-]+$/g, '')
    .trim();
}

/** The factory a worker thread calls to build its own extractor (see WorkerEntityExtractor). */
export function createCompromiseExtractor(): CompromiseEntityExtractor {
  return new CompromiseEntityExtractor();
}
