import type { Content } from '../messaging/api.ts';
import { type SurveyKind, scales, scoresOf } from './schemas.ts';

/**
 * The survey email, as Liquid for messaging to render. The question and the
 * link arrive as variables (the HTML engine escapes them); only numbers and
 * fixed words are written into the source, so nothing a journey author types
 * is ever parsed as Liquid. Each score links to the page with it preselected.
 */
export const surveyEmail = (kind: SurveyKind, expiresInDays: number): Content => {
  const { low, high } = scales[kind];
  const scores = scoresOf(kind);
  const button = (score: number) =>
    `<td style="padding:2px"><a href="{{ surveyUrl }}?score=${score}" style="display:block;min-width:28px;padding:10px 0;text-align:center;border:1px solid #1d4ed8;border-radius:6px;color:#1d4ed8;text-decoration:none;font:600 16px sans-serif">${score}</a></td>`;
  return {
    subject: 'Could you answer one quick question?',
    html: [
      '<div style="font:16px/1.5 sans-serif;color:#111;max-width:560px">',
      '<p style="font-size:18px;font-weight:600">{{ question }}</p>',
      `<table role="presentation" cellspacing="0" cellpadding="0"><tr>${scores.map(button).join('')}</tr></table>`,
      `<p style="font-size:13px;color:#555">${scores[0]} = ${low}, ${scores.at(-1)} = ${high}</p>`,
      `<p>Or <a href="{{ surveyUrl }}">open the survey</a>. The link works for ${expiresInDays} days.</p>`,
      '<p style="font-size:12px;color:#777"><a href="{{ unsubscribeUrl }}" style="color:#777">No more surveys, please</a></p>',
      '</div>',
    ].join('\n'),
    text: [
      '{{ question }}',
      '',
      `Answer from ${scores[0]} (${low}) to ${scores.at(-1)} (${high}) here:`,
      '{{ surveyUrl }}',
      '',
      `The link works for ${expiresInDays} days.`,
      '',
      'No more surveys, please: {{ unsubscribeUrl }}',
    ].join('\n'),
  };
};
