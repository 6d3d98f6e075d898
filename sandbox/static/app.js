"use strict";
// The sandbox's page: people, a chat per person, the clock. Bot texts are rendered from their
// entities with textContent, so nothing a person typed becomes markup here.
const T = {
  ru: {
    hour: "+1 час", day: "+1 день", next: "До следующего события", reset: "Сбросить",
    send: "Отправить", placeholder: "Сообщение", now: "Сейчас", confirmReset:
      "Вернуть демонстрационные данные? Все чаты очистятся.", lang: "EN",
    download: "Скачать", roles: { admin: "Администратор", methodist: "Методист",
      chair: "Председатель", secretary: "Секретарь", teacher: "Педагог" },
    empty: "Сообщений пока нет. Напишите /start.", failed: "Не получилось: ",
  },
  en: {
    hour: "+1 hour", day: "+1 day", next: "To the next event", reset: "Reset",
    send: "Send", placeholder: "Message", now: "Now", confirmReset:
      "Bring the demonstration data back? Every chat is emptied.", lang: "RU",
    download: "Download", roles: { admin: "Admin", methodist: "Methodist", chair: "Chair",
      secretary: "Secretary", teacher: "Teacher" },
    empty: "No messages yet. Write /start.", failed: "Failed: ",
  },
};
let lang = localStorage.getItem("sandbox-lang") === "en" ? "en" : "ru";
let state = null;
let current = Number(localStorage.getItem("sandbox-person")) || 0;
const seen = {};
const $ = (id) => document.getElementById(id);

function t(key) { return T[lang][key]; }

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = t("lang");
  $("text").placeholder = t("placeholder");
  if (state) { renderPeople(); renderClock(); }
}

function renderClock() {
  const now = new Date(state.now);
  const shown = now.toLocaleString(lang === "ru" ? "ru-RU" : "en-GB", {
    timeZone: state.timezone, weekday: "short", day: "2-digit", month: "2-digit",
    year: "numeric", hour: "2-digit", minute: "2-digit",
  });
  $("now").textContent = `${t("now")}: ${shown}`;
}

function renderPeople() {
  const nav = $("people");
  nav.replaceChildren();
  for (const person of state.people) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "person";
    button.dataset.id = person.id;
    if (person.id === current) button.setAttribute("aria-current", "true");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = person.name;
    const badge = document.createElement("span");
    badge.className = `badge ${person.role}`;
    badge.textContent = T[lang].roles[person.role];
    button.append(name, badge);
    if (person.school) {
      const school = document.createElement("span");
      school.className = "school";
      school.textContent = person.school;
      button.append(school);
    }
    button.addEventListener("click", () => select(person.id));
    nav.append(button);
  }
}

const TAGS = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code",
  pre: "pre", blockquote: "blockquote", expandable_blockquote: "blockquote" };

function formatted(text, entities) {
  // Cut the text at every entity's edge; wrap each piece in the entities covering it.
  const cuts = new Set([0, text.length]);
  for (const e of entities) { cuts.add(e.offset); cuts.add(e.offset + e.length); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = document.createDocumentFragment();
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k];
    const end = points[k + 1];
    let node = document.createTextNode(text.slice(start, end));
    const covering = entities.filter((e) => e.offset <= start && e.offset + e.length >= end);
    covering.sort((a, b) => (b.offset - a.offset) || (a.length - b.length));
    for (const e of covering) {
      let el;
      if (e.type === "text_link" || e.type === "url") {
        el = document.createElement("a");
        const href = e.type === "url" ? text.slice(e.offset, e.offset + e.length) : e.url;
        if (/^(https?|tg):/.test(href || "")) el.href = href;
        el.target = "_blank";
        el.rel = "noopener";
      } else if (e.type === "spoiler") {
        el = document.createElement("span");
        el.className = "spoiler";
        el.addEventListener("click", () => el.classList.add("shown"));
      } else if (TAGS[e.type]) {
        el = document.createElement(TAGS[e.type]);
      } else {
        continue;
      }
      el.append(node);
      node = el;
    }
    out.append(node);
  }
  return out;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function fileBlock(doc) {
  const box = document.createElement("div");
  box.className = "file";
  const url = `/api/file/${encodeURIComponent(doc.id)}`;
  if (doc.mime === "image/png" || /\.png$/i.test(doc.name)) {
    const img = document.createElement("img");
    img.src = url;
    img.alt = doc.name;
    box.append(img);
  } else if (doc.mime === "application/pdf" || /\.pdf$/i.test(doc.name)) {
    const frame = document.createElement("iframe");
    frame.src = url;
    frame.title = doc.name;
    box.append(frame);
  }
  const link = document.createElement("a");
  link.href = `${url}?download=1`;
  link.download = doc.name;
  link.className = "download";
  link.textContent = `📎 ${doc.name} (${size(doc.size)})`;
  box.append(link);
  return box;
}

async function press(messageId, data) {
  try {
    const { query_id: id } = await call("POST", `/api/chat/${current}/press`,
      { message_id: messageId, data });
    for (let i = 0; i < 30; i++) {
      const answer = await call("GET", `/api/answer/${id}`);
      if (answer.text !== undefined) {
        if (answer.text) toast(answer.text);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    toast(t("failed") + error.message);
  }
}

function messageBlock(m) {
  const box = document.createElement("div");
  box.className = m.mine ? "msg mine" : "msg";
  box.dataset.id = m.id;
  if (m.text) box.append(formatted(m.text, m.entities || []));
  if (m.document) box.append(fileBlock(m.document));
  if (m.buttons.length) {
    const keys = document.createElement("div");
    keys.className = "inline";
    for (const row of m.buttons) {
      const line = document.createElement("div");
      line.className = "row";
      for (const b of row) {
        let el;
        if (b.url) {
          el = document.createElement("a");
          el.href = b.url;
          el.target = "_blank";
          el.rel = "noopener";
          el.className = "button";
        } else {
          el = document.createElement("button");
          el.type = "button";
          el.addEventListener("click", () => press(m.id, b.data));
        }
        el.textContent = b.text;
        line.append(el);
      }
      keys.append(line);
    }
    box.append(keys);
  }
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = new Date(m.date * 1000).toLocaleTimeString(lang === "ru" ? "ru-RU" : "en-GB",
    { timeZone: state.timezone, hour: "2-digit", minute: "2-digit" });
  box.append(time);
  return box;
}

async function renderChat() {
  if (!current) return;
  const chat = await call("GET", `/api/chat/${current}`);
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...chat.messages.map(messageBlock));
  if (!chat.messages.length) {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = t("empty");
    list.append(hint);
  }
  seen[current] = chat.messages.length;
  const keyboard = $("keyboard");
  keyboard.replaceChildren();
  for (const row of chat.keyboard) {
    const line = document.createElement("div");
    line.className = "row";
    for (const text of row) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.addEventListener("click", () => send(text));
      line.append(b);
    }
    keyboard.append(line);
  }
  if (atBottom || list.dataset.person !== String(current)) list.scrollTop = list.scrollHeight;
  list.dataset.person = String(current);
}

async function select(id) {
  current = id;
  localStorage.setItem("sandbox-person", String(id));
  const person = state.people.find((p) => p.id === id);
  $("who").textContent = `${person.name} · ${T[lang].roles[person.role]}`;
  document.querySelectorAll(".person").forEach((b) => {
    b.setAttribute("aria-current", String(Number(b.dataset.id) === id));
  });
  // On a phone the people are a strip that scrolls sideways: keep the one played in sight.
  const chosen = document.querySelector('.person[aria-current="true"]');
  if (chosen) chosen.scrollIntoView({ block: "nearest", inline: "nearest" });
  await renderChat();
}

async function send(text) {
  try {
    await call("POST", `/api/chat/${current}/send`, { text });
  } catch (error) {
    toast(t("failed") + error.message);
  }
}

async function refresh() {
  state = await call("GET", "/api/state");
  renderClock();
  await renderChat();
}

async function main() {
  state = await call("GET", "/api/state");
  if (!state.people.some((p) => p.id === current)) current = state.people[0].id;
  $("banner").textContent = state.banner;
  applyLanguage();
  await select(current);
  $("compose").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("text").value;
    if (!text.trim()) return;
    $("text").value = "";
    await send(text);
  });
  // A move cannot be undone: the clock's buttons wait until the one running has finished
  // (what became due sent), so a double tap does not skip past an event.
  const steps = [...document.querySelectorAll("[data-step]")];
  steps.forEach((b) => b.addEventListener("click", async () => {
    steps.forEach((s) => { s.disabled = true; });
    try {
      await call("POST", "/api/clock", { step: b.dataset.step });
    } catch (error) {
      toast(t("failed") + error.message);
    } finally {
      steps.forEach((s) => { s.disabled = false; });
    }
    await refresh();
  }));
  $("reset").addEventListener("click", async () => {
    if (!confirm(t("confirmReset"))) return;
    await call("POST", "/api/reset", {});
    await refresh();
  });
  $("lang").addEventListener("click", () => {
    lang = lang === "ru" ? "en" : "ru";
    localStorage.setItem("sandbox-lang", lang);
    applyLanguage();
    select(current);
  });
  let pending = null;
  const events = new EventSource("/api/events");
  events.onmessage = () => {
    clearTimeout(pending);
    pending = setTimeout(() => { refresh().catch(() => {}); }, 150);
  };
}

main().catch((error) => toast(String(error)));
