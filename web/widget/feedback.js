// "Was this helpful?" under an FAQ answer: yes / no, then an optional comment, one vote per
// answer. The vote's state lives in the message (`message.feedback`); a typed comment is sent
// and never kept in the browser.

/** The controls under `message` (an FAQ answer): `choose(helpful)` picks yes or no,
 * `submit(comment)` sends the vote. */
export function feedbackControls(message, index, t, { choose, submit }) {
  const state = message.feedback || {};
  const box = document.createElement("div");
  box.className = "feedback";
  const questionId = `feedback-${index}`;
  if (state.sent) {
    const thanks = document.createElement("p");
    thanks.textContent = t.feedbackThanks;
    box.append(thanks);
    return box;
  }
  const question = document.createElement("p");
  question.id = questionId;
  question.textContent = t.feedbackQuestion;
  const choices = document.createElement("div");
  choices.setAttribute("role", "group");
  choices.setAttribute("aria-labelledby", questionId);
  for (const [helpful, label] of [
    [true, t.feedbackYes],
    [false, t.feedbackNo],
  ]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.setAttribute("aria-pressed", String(state.helpful === helpful));
    button.addEventListener("click", () => choose(helpful));
    choices.append(button);
  }
  box.append(question, choices);
  if (state.helpful === undefined) return box;

  const form = document.createElement("form");
  form.className = "feedback-comment";
  const fieldId = `feedback-comment-${index}`;
  const label = document.createElement("label");
  label.htmlFor = fieldId;
  label.textContent = t.feedbackComment;
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.id = `${fieldId}-hint`;
  hint.textContent = t.feedbackCommentHint;
  const field = document.createElement("textarea");
  field.id = fieldId;
  field.rows = 2;
  field.maxLength = 1000;
  field.setAttribute("aria-describedby", hint.id);
  const send = document.createElement("button");
  send.type = "submit";
  send.textContent = t.feedbackSend;
  form.append(label, hint, field, send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(field.value.trim());
  });
  box.append(form);
  return box;
}
