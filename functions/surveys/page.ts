import { escapeHtml, pageRenderer } from '../../shared/http/html-page.ts';
import { maxCommentChars, type SurveyKind, scales, scoresOf } from './schemas.ts';

const style = `
*{box-sizing:border-box}
body{margin:0;font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#f6f7f9}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.35rem;line-height:1.35;margin:0 0 1rem}
fieldset{border:0;margin:0 0 1.5rem;padding:0}
legend{padding:0;margin-bottom:.5rem}
.scale{display:grid;grid-template-columns:repeat(6,1fr);gap:.5rem}
.scale.csat{grid-template-columns:repeat(5,1fr)}
@media (min-width:36rem){.scale.nps{grid-template-columns:repeat(11,1fr)}}
.scale label{position:relative;display:block}
.scale input{position:absolute;inset:0;opacity:0;margin:0}
.scale span{display:flex;align-items:center;justify-content:center;min-height:3rem;border:2px solid #1d4ed8;border-radius:.5rem;background:#fff;color:#1d4ed8;font-weight:600;cursor:pointer}
.scale input:checked+span{background:#1d4ed8;color:#fff}
.scale input:focus-visible+span{outline:3px solid #f59e0b;outline-offset:2px}
.ends{display:flex;justify-content:space-between;gap:1rem;margin:.5rem 0 0;font-size:.9rem;color:#444}
.error{color:#b91c1c;font-weight:600}
.comment label{display:block;font-weight:600;margin-bottom:.5rem}
textarea{width:100%;min-height:7rem;padding:.75rem;font:inherit;border:2px solid #888;border-radius:.5rem}
textarea:focus{outline:3px solid #f59e0b;border-color:#1d4ed8}
button{width:100%;min-height:3.25rem;margin-top:1.5rem;border:0;border-radius:.5rem;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

export const htmlPage = pageRenderer(style);

/** A page that only tells the person something: thanks, already answered, expired… */
export const noticePage = (status: number, title: string, message: string) =>
  htmlPage(status, title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);

export interface FormState {
  kind: SurveyKind;
  question: string;
  commentPrompt?: string;
  selected?: number;
  comment?: string;
  /** Why the last submission was refused, shown above the field at fault. */
  errors?: { score?: string; comment?: string };
}

/** The survey form: one radio per score, styled as large buttons; works without JavaScript. */
export const surveyForm = (status: number, f: FormState) => {
  const { low, high } = scales[f.kind];
  const scores = scoresOf(f.kind);
  const described = ['scale-ends', ...(f.errors?.score ? ['score-error'] : [])].join(' ');
  const radio = (score: number) =>
    `<label><input type="radio" name="score" value="${score}" required aria-describedby="${described}"${score === f.selected ? ' checked' : ''}><span>${score}</span></label>`;
  const comment = f.commentPrompt
    ? `<div class="comment">
<label for="comment">${escapeHtml(f.commentPrompt)} <span class="sr">(optional)</span></label>
${f.errors?.comment ? `<p class="error" id="comment-error">${escapeHtml(f.errors.comment)}</p>` : ''}
<textarea id="comment" name="comment" rows="4" maxlength="${maxCommentChars}"${f.errors?.comment ? ' aria-invalid="true" aria-describedby="comment-error"' : ''}>${escapeHtml(f.comment ?? '')}</textarea>
</div>`
    : '';
  return htmlPage(
    status,
    'Your feedback',
    `<form method="post">
<fieldset>
<legend><h1>${escapeHtml(f.question)}</h1></legend>
${f.errors?.score ? `<p class="error" id="score-error">${escapeHtml(f.errors.score)}</p>` : ''}
<div class="scale ${f.kind}">
${scores.map(radio).join('\n')}
</div>
<p class="ends" id="scale-ends"><span>${scores[0]} = ${escapeHtml(low)}</span><span>${scores.at(-1)} = ${escapeHtml(high)}</span></p>
</fieldset>
${comment}
<button type="submit">Send</button>
</form>`,
  );
};
