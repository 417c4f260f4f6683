import nlp from 'compromise';
import type { EntityExtractor, ExtractedEntity } from '../ports/ai';

/** The part of compromise's term this extractor reads. */
interface Term {
  text: string;
  post: string;
  tags?: Set<string>;
}

const MAX_ENTITIES = 24;
const MAX_TOPIC_WORDS = 4;
/** Single words too generic to be useful graph nodes even when tagged as nouns. */
const GENERIC = new Set([
  'thing',
  'things',
  'time',
  'way',
  'lot',
  'lots',
  'day',
  'today',
  'yesterday',
  'something',
  'anything',
  'everything',
  'people',
  'stuff',
  'one',
  'there',
  'here',
]);
/** Tags compromise's lexicon gives names; a capitalised word inside a sentence is one too. */
const NAME_TAGS = ['ProperNoun', 'Person', 'Place', 'Organization'];

/**
 * Offline entity extraction with compromise's lexicon and first tagging pass: people, places
 * and organisations from names, topics from runs of nouns and their adjectives. compromise's
 * full pipeline (its rule-based second pass and noun-phrase chunker) costs about six times as
 * much a text and found no better entities for search, so ingest is not bound by it. Names
 * are cleaned of possessives and punctuation so "Caroline's" and "Caroline" become one node.
 */
export class CompromiseEntityExtractor implements EntityExtractor {
  async extract(text: string): Promise<ExtractedEntity[]> {
    const doc = nlp.tokenize(text).compute(['lexicon', 'preTagger']);
    const found = new Map<string, ExtractedEntity>();
    const add = (words: Term[], kind: ExtractedEntity['kind']) => {
      const name = clean(words.map((w) => w.text).join(' '));
      if (name.length < 2 || GENERIC.has(name.toLowerCase())) return;
      const key = name.toLowerCase();
      if (!found.has(key) && found.size < MAX_ENTITIES) found.set(key, { name, kind });
    };
    for (const sentence of doc.docs as Term[][]) {
      for (const run of runs(sentence, isName)) add(run, nameKind(run));
      for (const run of runs(sentence, isTopicWord)) {
        const phrase = trimToNoun(run);
        if (phrase.length > 0 && phrase.length <= MAX_TOPIC_WORDS) add(phrase, 'topic');
      }
    }
    return [...found.values()];
  }
}

/** Maximal runs of words that pass `keep`, broken by punctuation after a word. */
function runs(sentence: Term[], keep: (term: Term, index: number) => boolean): Term[][] {
  const out: Term[][] = [];
  let current: Term[] = [];
  sentence.forEach((term, index) => {
    if (keep(term, index)) current.push(term);
    else if (current.length > 0) {
      out.push(current);
      current = [];
    }
    if (current.length > 0 && /[^\s'’]/.test(term.post)) {
      out.push(current);
      current = [];
    }
  });
  if (current.length > 0) out.push(current);
  return out;
}

function has(term: Term, tag: string): boolean {
  return term.tags?.has(tag) ?? false;
}

/**
 * Names the lexicon knows, and capitalised nouns it does not ("her daughter Ruby"). A
 * sentence's first word is capitalised anyway, and so are interjections ("Wow, Caroline"):
 * those count only when the lexicon says they are names.
 */
function isName(term: Term, index: number): boolean {
  if (has(term, 'Pronoun') || has(term, 'Date')) return false;
  if (NAME_TAGS.some((tag) => has(term, tag))) return true;
  const untaggedOrNoun = (term.tags?.size ?? 0) === 0 || has(term, 'Noun');
  return index > 0 && untaggedOrNoun && /^\p{Lu}/u.test(term.text);
}

function nameKind(run: Term[]): ExtractedEntity['kind'] {
  if (run.some((t) => has(t, 'Place'))) return 'place';
  if (run.some((t) => has(t, 'Organization'))) return 'organization';
  // "LGBTQ", "NASA": an acronym the lexicon does not know names a group more often than a person.
  if (run.every((t) => has(t, 'Acronym'))) return 'organization';
  return 'person';
}

function isTopicWord(term: Term, index: number): boolean {
  if (isName(term, index) || has(term, 'Date')) return false;
  if (has(term, 'Pronoun') || has(term, 'Possessive')) return false;
  return has(term, 'Noun') || has(term, 'Adjective') || has(term, 'Acronym');
}

/** "great support system" stays whole; a run must end in a noun to name a thing. */
function trimToNoun(run: Term[]): Term[] {
  let end = run.length;
  while (end > 0 && !has(run[end - 1] as Term, 'Noun')) end--;
  return run.slice(0, end);
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
