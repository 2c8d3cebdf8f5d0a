// The Notify demo: one EventSource per topic, the browser's own reconnection and Last-Event-ID.
"use strict";

const $ = (id) => document.getElementById(id);
let source = null;
let lastEventId = null;   // what the browser will send as Last-Event-ID when it reconnects
let received = 0;
let opens = 0;

function setState(state) {
  const element = $("state");
  element.textContent = state;
  element.className = `state ${state}`;
}

function logConnection(text) {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  $("connections").append(item);
}

function showEvent(event, reserved) {
  lastEventId = event.lastEventId || lastEventId;
  received += 1;
  $("count").textContent = String(received);
  $("last-id").textContent = lastEventId ?? "none";

  const item = document.createElement("li");
  item.dataset.id = event.lastEventId;
  item.dataset.type = event.type;
  if (reserved) item.className = "reserved";
  const id = document.createElement("span");
  id.className = "id";
  id.textContent = event.lastEventId || "(no id)";
  const type = document.createElement("span");
  type.className = "type";
  type.textContent = event.type === "message" ? "" : ` ${event.type}`;
  const data = document.createElement("span");
  data.className = "data";
  data.textContent = ` ${event.data}`;
  item.append(id, type, data);
  $("events").append(item);
  item.scrollIntoView({ block: "nearest" });
}

function connect(topic) {
  disconnect();
  opens = 0;
  setState("connecting");
  // No Last-Event-ID on the first request: live events from now on. The browser adds it on every reconnect.
  source = new EventSource(`/topics/${encodeURIComponent(topic)}`);
  source.onopen = () => {
    opens += 1;
    setState("open");
    logConnection(opens === 1 ? `connected to ${topic}` : `reconnected, resuming after ${lastEventId ?? "nothing (live)"}`);
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CONNECTING) {
      setState("connecting");
      logConnection(`connection lost; the browser reconnects with Last-Event-ID ${lastEventId ?? "(none)"}`);
    } else {
      setState("closed");
      logConnection("connection closed");
    }
  };
  source.onmessage = (event) => showEvent(event, false);
  // Typed events: the demo shows every type it sees; reserved ones are highlighted.
  for (const type of ["notify.reset", "notify.lagged"]) {
    source.addEventListener(type, (event) => showEvent(event, true));
  }
  $("connect").disabled = true;
  $("disconnect").disabled = false;
}

function disconnect() {
  if (source) {
    source.close();
    source = null;
    setState("closed");
    logConnection("disconnected");
  }
  $("connect").disabled = false;
  $("disconnect").disabled = true;
}

async function publish() {
  const topic = $("topic").value;
  const type = $("type").value.trim();
  const key = $("key").value.trim();
  const result = $("publish-result");
  const url = `/topics/${encodeURIComponent(topic)}${type ? `?type=${encodeURIComponent(type)}` : ""}`;
  const headers = { "Content-Type": "text/plain; charset=utf-8" };
  if (key) headers["Idempotency-Key"] = key;
  try {
    const response = await fetch(url, { method: "POST", headers, body: $("data").value });
    const body = await response.json();
    result.className = response.ok ? "result" : "result error";
    result.textContent = response.ok ? `${response.status} id ${body.id}` : `${response.status} ${body.title}: ${body.detail}`;
  } catch (error) {
    result.className = "result error";
    result.textContent = String(error);
  }
}

$("subscribe").addEventListener("submit", (event) => { event.preventDefault(); connect($("topic").value); });
$("disconnect").addEventListener("click", disconnect);
$("publish").addEventListener("submit", (event) => { event.preventDefault(); publish(); });

// ?topic=orders&connect=1 opens the page already subscribed.
const query = new URLSearchParams(location.search);
if (query.get("topic")) $("topic").value = query.get("topic");
if (query.get("connect") === "1") connect($("topic").value);
