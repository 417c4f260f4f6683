import { readFileSync } from 'node:fs';

export interface Turn {
  dia_id: string;
  content: string;
  user_id: string;
  session_id: string;
  metadata: { dia_id: string; session_date: string; speaker: string };
  /** When the turn was said, from its session's date: what an app importing a chat sends. */
  event_time?: string;
}

export interface Question {
  user_id: string;
  question: string;
  evidence: string[];
  category: number;
}

interface Sample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: { question: string; evidence: string[]; category: number }[];
}

/**
 * A session's "1:56 pm on 8 May, 2023" as an ISO time (UTC), or undefined if it is not one;
 * V8's date parser reads "8 May, 2023 1:56 pm UTC".
 */
export function sessionTime(date: string): string | undefined {
  const [time, day] = date.split(' on ');
  const at = day ? Date.parse(`${day} ${time} UTC`) : Number.NaN;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** LoCoMo as memories (one per dialog turn, in order) and questions of categories 1-4. */
export function loadLocomo(file: string): { turns: Turn[]; questions: Question[] } {
  const samples = JSON.parse(readFileSync(file, 'utf8')) as Sample[];
  const turns: Turn[] = [];
  const questions: Question[] = [];
  for (const sample of samples) {
    const conv = sample.conversation;
    const sessions = Object.keys(conv)
      .filter((k) => /^session_\d+$/.test(k))
      .sort((a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1]));
    for (const key of sessions) {
      const date = String(conv[`${key}_date_time`] ?? '');
      for (const t of conv[key] as {
        speaker: string;
        dia_id: string;
        text: string;
        blip_caption?: string;
      }[]) {
        const caption = t.blip_caption ? ` [shares a photo: ${t.blip_caption}]` : '';
        turns.push({
          dia_id: t.dia_id,
          content: `${t.speaker}: ${t.text}${caption}`,
          user_id: sample.sample_id,
          session_id: `${sample.sample_id}-${key}`,
          metadata: { dia_id: t.dia_id, session_date: date, speaker: t.speaker },
          event_time: sessionTime(date),
        });
      }
    }
    for (const qa of sample.qa) {
      if (qa.category === 5) continue; // adversarial: no answer to recall
      const evidence = qa.evidence
        .flatMap((e) => e.split(';'))
        .map((e) => e.trim())
        .filter((e) => /^D\d+:\d+$/.test(e));
      if (evidence.length)
        questions.push({ user_id: sample.sample_id, question: qa.question, evidence, category: qa.category });
    }
  }
  return { turns, questions };
}
