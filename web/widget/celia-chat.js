// <celia-chat>: Celia's chat assistant as a web component. Embed it with
//   <script type="module" src="/widget/celia-chat.js"></script>
// The element is created on the page if the page has none. The conversation survives page
// reloads (sessionStorage); staff replies to a handed-off conversation are polled every 2 s.
// The open panel is a modal dialog at every width: at 320 px and at 200 % zoom it fills the
// screen, and on a desktop it covers the page's right-hand column from top to bottom, so a
// panel the page could be tabbed into would hide the focused control. Escape closes it; the
// closed launcher scrolls a focused page control out from under itself.

import { maskHetus } from "./hetu.js";
import { feedbackControls } from "./feedback.js";
import { LANGUAGES, STRINGS } from "./strings.js";
import { renderText } from "./text.js";

const STORE_KEY = "celia-chat";
const TEXT_SCALES = [0.875, 1, 1.125, 1.25, 1.5, 1.75];
const POLL_MS = 2000;
const REQUEST_TIMEOUT_MS = 20000;

const ICON_CHAT =
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="24" height="24">' +
  '<path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5' +
  'a2 2 0 0 1 2-2zm0 2v11h2v2l2.5-2H20V5z"/></svg>';
const ICON_CLOSE =
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20">' +
  '<path fill="currentColor" d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4' +
  'L13.4 12 19 6.4 17.6 5 12 10.6z"/></svg>';

// Static markup only (no message text): labels are filled in by applyLanguage().
const TEMPLATE = `
<link rel="stylesheet" href="${new URL("./celia-chat.css", import.meta.url)}">
<aside class="root" hidden>
  <button type="button" class="launcher" aria-expanded="false" aria-controls="panel">
    ${ICON_CHAT}<span data-text="open"></span>
  </button>
  <dialog class="panel" id="panel" aria-labelledby="title">
    <header class="bar">
      <h2 id="title" data-text="title"></h2>
      <button type="button" class="icon close">${ICON_CLOSE}<span class="sr" data-text="close"></span></button>
    </header>
    <div class="tools">
      <div role="group" class="languages" data-label="language"></div>
      <div role="group" class="sizes" data-label="textSize">
        <button type="button" class="smaller"><span aria-hidden="true">A−</span><span class="sr" data-text="smaller"></span></button>
        <button type="button" class="larger"><span aria-hidden="true">A+</span><span class="sr" data-text="larger"></span></button>
      </div>
      <button type="button" class="restart" data-text="newConversation"></button>
    </div>
    <div class="log" role="log" aria-live="polite" data-label="log"></div>
    <p class="typing" role="status"></p>
    <p class="sr announcer" role="status"></p>
    <div class="error" role="alert"></div>
    <form class="contact" novalidate hidden>
      <label for="contact-email" data-text="contactLabel"></label>
      <p class="hint" id="contact-hint" data-text="contactHint"></p>
      <div class="row">
        <input id="contact-email" type="email" maxlength="254" autocomplete="email" aria-describedby="contact-hint">
        <button type="submit" data-text="contactSave"></button>
        <button type="button" class="contact-skip" data-text="contactSkip"></button>
      </div>
    </form>
    <form class="composer">
      <label for="message" data-text="messageLabel"></label>
      <p class="hint" id="hint" data-text="messageHint"></p>
      <div class="row">
        <textarea id="message" rows="2" maxlength="2000" aria-describedby="hint" autocomplete="off"></textarea>
        <button type="submit" class="send" data-text="send"></button>
      </div>
    </form>
  </dialog>
</aside>`;

function loadState() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE_KEY)) || {};
  } catch {
    return {};
  }
}

class CeliaChat extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const pageLang = (this.getAttribute("lang") || document.documentElement.lang || "fi").slice(0, 2);
    this.state = {
      conversationId: null,
      messages: [],
      open: false,
      lang: STRINGS[pageLang] ? pageLang : "fi",
      scale: 1,
      lastReplyId: 0,
      lastReplyAt: null,
      handedOff: false,
      askContact: false,
      draft: "",
      ...loadState(),
      open: false, // a page opens with the panel closed: a modal must not block each new page
    };
    this.adoptLinkedConversation();
    this.apiBase = new URL(this.getAttribute("api-base") || "/api/v1/", import.meta.url);
    this.busy = false;
    this.speakingIndex = null;
    this.pollTimer = null;

    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = TEMPLATE;
    this.$ = (selector) => root.querySelector(selector);
    // Shown once its stylesheet is in (or failed): never as unstyled markup.
    const show = () => (this.$(".root").hidden = false);
    this.$("link").addEventListener("load", show, { once: true });
    this.$("link").addEventListener("error", show, { once: true });
    this.buildLanguageButtons();
    this.bindEvents();
    this.$("#message").value = this.state.draft;
    this.applyLanguage();
    this.applyScale();
    this.renderMessages();
    this.setOpen(this.state.open, false);
    if (this.linkClaim) this.claimLinkedConversation(this.linkClaim);
    else if (this.state.conversationId) this.checkReplies();
  }

  /** The mailed link's single-use token gives this browser the conversation (its cookie). */
  async claimLinkedConversation(token) {
    try {
      await fetch(new URL(`conversations/${this.state.conversationId}/claim`, this.apiBase), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch {
      // A used or expired link: the replies check below says the conversation is not here.
    }
    this.checkReplies();
  }

  /** A reply mail links to `?chat=<conversation id>#claim=<token>`: open that conversation
   * and show its replies (a bound one only to its registrar's session; an anonymous one once
   * the token gave this browser its cookie), then drop both from the address. */
  adoptLinkedConversation() {
    const url = new URL(location.href);
    const linked = url.searchParams.get("chat");
    if (!linked) return;
    const token = new URLSearchParams(url.hash.slice(1)).get("claim");
    url.searchParams.delete("chat");
    url.hash = "";
    history.replaceState(history.state, "", url);
    if (!/^[0-9a-f]{32}$/.test(linked)) return;
    this.state.open = true;
    this.linkClaim = token;
    if (linked === this.state.conversationId) return;
    Object.assign(this.state, {
      conversationId: linked,
      messages: [{ from: "note", text: this.t.linked }],
      lastReplyId: 0,
      lastReplyAt: null,
      handedOff: false,
    });
  }

  disconnectedCallback() {
    clearTimeout(this.pollTimer);
    if (this.speakingIndex !== null) speechSynthesis.cancel();
  }

  get t() {
    return STRINGS[this.state.lang];
  }

  /** Keep the state for reloads, with every hetu masked: the draft and unsent messages too
   * (the page's memory keeps them as typed, so sending or retrying now still works). */
  save() {
    const kept = {
      ...this.state,
      draft: maskHetus(this.state.draft),
      messages: this.state.messages.map((m) =>
        m.from === "user" ? { ...m, text: maskHetus(m.text), payload: maskHetus(m.payload) } : m,
      ),
    };
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(kept));
    } catch {
      // Storage full or disabled: the conversation still works, it just does not survive a reload.
    }
  }

  // --- building and labels ------------------------------------------------------------------

  buildLanguageButtons() {
    const group = this.$(".languages");
    for (const language of LANGUAGES) {
      const button = document.createElement("button");
      button.type = "button";
      button.lang = language.code;
      button.dataset.lang = language.code;
      const short = document.createElement("span");
      short.textContent = language.code.toUpperCase();
      const full = document.createElement("span");
      full.className = "sr";
      full.textContent = ` ${language.name}`;
      button.append(short, full);
      group.append(button);
    }
  }

  bindEvents() {
    this.$(".launcher").addEventListener("click", () => this.setOpen(true));
    this.$(".close").addEventListener("click", () => this.setOpen(false));
    // Escape: the dialog's "cancel", before it closes.
    this.$(".panel").addEventListener("cancel", () => this.setOpen(false));
    document.addEventListener("focusin", (event) => this.uncover(event.target));
    this.$(".languages").addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (button) this.setLanguage(button.dataset.lang);
    });
    this.$(".smaller").addEventListener("click", () => this.changeScale(-1));
    this.$(".larger").addEventListener("click", () => this.changeScale(1));
    this.$(".restart").addEventListener("click", () => this.restart());
    const input = this.$("#message");
    input.addEventListener("input", () => {
      this.state.draft = input.value;
      this.save();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submitDraft();
      }
    });
    this.$(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitDraft();
    });
    this.$(".contact").addEventListener("submit", (event) => {
      event.preventDefault();
      this.saveContactEmail();
    });
    this.$(".contact-skip").addEventListener("click", () => this.closeContact(null));
  }

  applyLanguage() {
    const t = this.t;
    this.$(".root").lang = this.state.lang;
    for (const node of this.shadowRoot.querySelectorAll("[data-text]")) {
      node.textContent = t[node.dataset.text];
    }
    for (const node of this.shadowRoot.querySelectorAll("[data-label]")) {
      node.setAttribute("aria-label", t[node.dataset.label]);
    }
    this.$(".root").setAttribute("aria-label", t.title);
    for (const button of this.$(".languages").children) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === this.state.lang));
    }
    this.setTyping(this.busy);
  }

  applyScale() {
    this.$(".panel").style.setProperty("--celia-scale", String(this.state.scale));
  }

  // --- panel, language, text size -----------------------------------------------------------

  /** Open as a modal dialog (focus goes to the message box), or close and give the focus
   * back to the launcher (unless `moveFocus` is false: a page load restoring the state). */
  setOpen(open, moveFocus = true) {
    this.state.open = open;
    this.save();
    const panel = this.$(".panel");
    this.$(".launcher").hidden = open;
    this.$(".launcher").setAttribute("aria-expanded", String(open));
    if (open) {
      if (!panel.open) panel.showModal();
      this.scrollToEnd();
      this.$("#message").focus();
      if (!this.state.messages.length) this.greet();
    } else {
      if (panel.open) panel.close();
      if (moveFocus) this.$(".launcher").focus();
    }
  }

  /** A page control that gets focus under the floating launcher is scrolled up above it
   * (the pages keep room for this below their last content). */
  uncover(target) {
    const launcher = this.$(".launcher");
    if (target === this || launcher.hidden) return;
    const covered = target.getBoundingClientRect();
    const button = launcher.getBoundingClientRect();
    const overlaps =
      covered.bottom > button.top &&
      covered.top < button.bottom &&
      covered.right > button.left &&
      covered.left < button.right;
    if (overlaps) window.scrollBy(0, covered.bottom - button.top + 8);
  }

  setLanguage(code) {
    if (!STRINGS[code] || code === this.state.lang) return;
    this.state.lang = code;
    this.save();
    this.applyLanguage();
    this.renderMessages();
    if (!this.state.messages.some((m) => m.from === "user" && !m.hidden)) this.restart();
  }

  changeScale(step) {
    const index = TEXT_SCALES.indexOf(this.state.scale);
    const next = TEXT_SCALES[Math.min(TEXT_SCALES.length - 1, Math.max(0, index + step))];
    this.state.scale = next ?? 1;
    this.save();
    this.applyScale();
  }

  restart() {
    if (this.busy) return;
    clearTimeout(this.pollTimer);
    this.stopSpeaking();
    Object.assign(this.state, {
      conversationId: null,
      messages: [],
      lastReplyId: 0,
      lastReplyAt: null,
      handedOff: false,
      askContact: false,
    });
    this.$(".contact").hidden = true;
    this.save();
    this.renderMessages();
    this.showError(null);
    this.greet();
  }

  greet() {
    const greeting = LANGUAGES.find((l) => l.code === this.state.lang).greeting;
    this.send({ from: "user", text: greeting, payload: greeting, hidden: true });
  }

  // --- sending ------------------------------------------------------------------------------

  submitDraft() {
    const input = this.$("#message");
    const text = input.value.trim();
    if (!text || this.busy) return;
    input.value = "";
    this.state.draft = "";
    this.send({ from: "user", text, payload: text });
  }

  async send(message) {
    for (const earlier of this.state.messages) delete earlier.buttons;
    this.state.messages.push(message);
    this.save();
    this.renderMessages();
    await this.deliver(message);
  }

  /** Post one user message; on failure it stays in the log, marked, with a retry. Once sent,
   * a hetu in it is masked in memory too. */
  async deliver(message) {
    this.busy = true;
    delete message.failed;
    this.showError(null);
    this.setTyping(true);
    try {
      const response = await fetch(new URL("chat", this.apiBase), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ conversation_id: this.state.conversationId, message: message.payload }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(response.status >= 500 ? "unreachable" : "failed");
      message.text = maskHetus(message.text);
      message.payload = maskHetus(message.payload);
      this.receive(await response.json());
      return true;
    } catch (error) {
      message.failed = true;
      this.showError(error.message === "failed" ? this.t.failed : this.t.unreachable);
      return false;
    } finally {
      this.busy = false;
      this.setTyping(false);
      this.save();
      this.renderMessages();
    }
  }

  receive(reply) {
    if (this.state.conversationId && reply.conversation_id !== this.state.conversationId) {
      this.state.messages.push({ from: "note", text: this.t.restarted });
      this.state.lastReplyId = 0;
      this.state.lastReplyAt = null;
    }
    this.state.conversationId = reply.conversation_id;
    for (const bot of reply.messages) {
      this.state.messages.push({
        from: "bot",
        text: bot.text,
        buttons: bot.buttons,
        faqEntryId: bot.faq_entry_id,
        answerId: bot.answer_id,
      });
    }
    this.checkReplies();
  }

  async retry() {
    for (const message of this.state.messages.filter((m) => m.failed)) {
      if (!(await this.deliver(message))) return;
    }
  }

  // --- staff replies ------------------------------------------------------------------------

  /** Fetch staff replies once; keep polling while the conversation is handed off. */
  async checkReplies() {
    clearTimeout(this.pollTimer);
    const id = this.state.conversationId;
    if (!id) return;
    const url = new URL(`conversations/${id}/replies`, this.apiBase);
    if (this.state.lastReplyAt) url.searchParams.set("since", this.state.lastReplyAt);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      if (id !== this.state.conversationId) return;
      this.state.handedOff = body.handed_off;
      this.state.askContact = body.ask_contact_email && this.state.askContact !== null;
      this.$(".contact").hidden = !this.state.askContact;
      const fresh = body.replies.filter((reply) => reply.id > this.state.lastReplyId);
      for (const reply of fresh) {
        this.state.messages.push({ from: "staff", text: reply.text });
        this.state.lastReplyId = reply.id;
        this.state.lastReplyAt = reply.created_at;
      }
      this.save();
      if (fresh.length) this.renderMessages();
    } catch {
      // Unreachable for now: while handed off, the next round tries again.
    }
    if (this.state.handedOff) this.pollTimer = setTimeout(() => this.checkReplies(), POLL_MS);
  }

  /** An anonymous registrar's optional address for the answer, asked once per hand-off. */
  async saveContactEmail() {
    const input = this.$("#contact-email");
    const id = this.state.conversationId;
    this.showError(null);
    try {
      const response = await fetch(new URL(`conversations/${id}/contact-email`, this.apiBase), {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: input.value.trim() }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (response.status === 422) {
        input.setAttribute("aria-invalid", "true");
        this.showError(this.t.contactInvalid, false);
        input.focus();
        return;
      }
      if (response.status === 409) return this.closeContact(null); // logged in meanwhile
      if (!response.ok) throw new Error(String(response.status));
      this.closeContact(this.t.contactSaved);
    } catch {
      this.showError(this.t.unreachable, false);
    }
  }

  closeContact(note) {
    this.state.askContact = null; // asked: not again in this conversation
    this.$(".contact").hidden = true;
    this.$("#contact-email").value = "";
    if (note) this.state.messages.push({ from: "note", text: note });
    this.save();
    this.renderMessages();
    this.$("#message").focus();
  }

  // --- rendering ----------------------------------------------------------------------------

  setTyping(on) {
    const status = this.$(".typing");
    status.textContent = on ? this.t.typing : "";
    status.classList.toggle("active", on);
  }

  showError(text, retry = true) {
    const box = this.$(".error");
    box.replaceChildren();
    if (!text) return;
    const message = document.createElement("p");
    message.textContent = text;
    box.append(message);
    if (!retry) return;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = this.t.retry;
    button.addEventListener("click", () => this.retry());
    box.append(button);
  }

  /** Rebuild the log from the state (messages are few; nothing typed is ever in the DOM only). */
  renderMessages() {
    const log = this.$(".log");
    const focusWasInLog = log.contains(this.shadowRoot.activeElement);
    const known = log.childElementCount;
    const visible = this.state.messages.filter((m) => !m.hidden);
    // Changed messages are updated in place and new ones appended, so the live region
    // announces only what is new.
    if (known > visible.length) log.replaceChildren();
    [...log.children].forEach((node, index) => this.updateMessage(node, visible[index], index));
    for (let index = log.childElementCount; index < visible.length; index += 1) {
      const node = document.createElement("div");
      log.append(node);
      this.updateMessage(node, visible[index], index);
    }
    if (focusWasInLog && !log.contains(this.shadowRoot.activeElement)) this.$("#message").focus();
    this.updateReadButtons();
    this.scrollToEnd();
  }

  /** A message's node: rebuilt only when its text, buttons or language change; a vote changes
   * only the feedback controls, so the live log never re-inserts the answer. */
  updateMessage(node, message, index) {
    const { feedback, ...content } = message;
    const key = JSON.stringify([content, this.state.lang]);
    if (node.dataset.key !== key) {
      node.dataset.key = key;
      this.buildMessage(node, message, index);
    }
    if (message.faqEntryId) this.updateFeedback(node, message, index);
  }

  buildMessage(node, message, index) {
    node.className = `message ${message.from}${message.failed ? " failed" : ""}`;
    node.replaceChildren();
    delete node.dataset.feedbackKey;
    const t = this.t;
    if (message.from === "note") {
      node.append(renderText(message.text));
      return;
    }
    const speaker = document.createElement("span");
    speaker.className = message.from === "user" ? "speaker sr" : "speaker";
    speaker.textContent = { user: t.you, bot: t.bot, staff: t.staff }[message.from];
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.append(renderText(message.text));
    node.append(speaker, bubble);
    if (message.failed) {
      const mark = document.createElement("span");
      mark.className = "mark";
      mark.textContent = t.notSent;
      node.append(mark);
    }
    if (message.from !== "user" && "speechSynthesis" in window) {
      node.append(this.readAloudButton(message, index));
    }
    if (message.buttons?.length) node.append(this.quickReplies(message.buttons));
  }

  /** "Was this helpful?" under an answer. The log does not announce its changes (the pressed
   * button and the comment field get focus; the thanks is said once by the announcer). */
  updateFeedback(node, message, index) {
    const key = JSON.stringify([message.feedback ?? null, this.state.lang]);
    if (node.dataset.feedbackKey === key) return;
    node.dataset.feedbackKey = key;
    const controls = feedbackControls(message, index, this.t, {
      choose: (helpful) => this.chooseFeedback(message, helpful, index),
      submit: (comment) => this.sendFeedback(message, comment),
    });
    controls.setAttribute("aria-live", "off");
    const shown = node.querySelector(":scope > .feedback");
    if (shown) shown.replaceWith(controls);
    else node.append(controls);
  }

  // --- "Was this helpful?" ------------------------------------------------------------------

  chooseFeedback(message, helpful, index) {
    message.feedback = { helpful };
    this.save();
    this.renderMessages();
    this.shadowRoot.getElementById(`feedback-comment-${index}`)?.focus();
  }

  /** One vote per answer: once the backend has it (or already had it), the controls go. */
  async sendFeedback(message, comment) {
    this.showError(null);
    try {
      const response = await fetch(new URL("feedback", this.apiBase), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          conversation_id: this.state.conversationId,
          entry_id: message.faqEntryId,
          answer_id: message.answerId,
          helpful: message.feedback.helpful,
          comment: comment || null,
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok && response.status !== 409) throw new Error(String(response.status));
    } catch {
      const note = document.createElement("p");
      note.textContent = this.t.feedbackFailed;
      this.$(".error").replaceChildren(note);
      return;
    }
    message.feedback.sent = true;
    this.save();
    this.renderMessages();
    this.$(".announcer").textContent = this.t.feedbackThanks;
    this.$("#message").focus();
  }

  readAloudButton(message, index) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "read";
    button.dataset.index = String(index);
    button.addEventListener("click", () =>
      this.speakingIndex === index ? this.stopSpeaking() : this.speak(message, index),
    );
    return button;
  }

  /** Labels of the read-aloud buttons, changed in place so keyboard focus stays on them. */
  updateReadButtons() {
    for (const button of this.$(".log").querySelectorAll(".read")) {
      const speaking = this.speakingIndex === Number(button.dataset.index);
      const label = speaking ? this.t.stopReading : this.t.readAloud;
      if (button.textContent !== label) button.textContent = label;
    }
  }

  quickReplies(buttons) {
    const group = document.createElement("div");
    group.className = "quick";
    for (const { title, payload } of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = title;
      button.addEventListener("click", () => {
        if (!this.busy) this.send({ from: "user", text: title, payload });
      });
      group.append(button);
    }
    return group;
  }

  /** Show the newest message: the log scrolls, or on short screens the whole panel. */
  scrollToEnd() {
    const log = this.$(".log");
    // A tab stop only while it scrolls (keyboard users scroll it then); else it is plain text.
    if (log.scrollHeight > log.clientHeight) log.setAttribute("tabindex", "0");
    else log.removeAttribute("tabindex");
    for (const box of [log, this.$(".panel")]) box.scrollTop = box.scrollHeight;
  }

  // --- read aloud (Web Speech API) ----------------------------------------------------------

  speak(message, index) {
    speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(message.text);
    utterance.lang = LANGUAGES.find((l) => l.code === this.state.lang).speech;
    const done = () => {
      if (this.speakingIndex === index) this.stopSpeaking();
    };
    utterance.addEventListener("end", done);
    utterance.addEventListener("error", done);
    this.speakingIndex = index;
    this.updateReadButtons();
    speechSynthesis.speak(utterance);
  }

  stopSpeaking() {
    if (this.speakingIndex === null) return;
    this.speakingIndex = null;
    speechSynthesis.cancel();
    this.updateReadButtons();
  }
}

customElements.define("celia-chat", CeliaChat);
if (!document.querySelector("celia-chat")) document.body.append(document.createElement("celia-chat"));
