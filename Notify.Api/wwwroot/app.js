// The Notify demo: one EventSource for one topic or several, the browser's own reconnection and Last-Event-ID.
"use strict";

const $ = (id) => document.getElementById(id);
let source = null;
let lastEventId = null;   // what the browser will send as Last-Event-ID when it reconnects
let received = 0;
let opens = 0;
let pendingResume = null; // where a stream ended by an expired token resumes
let watching = null;      // the timer that refreshes the subscriber count
let streamTopics = [];    // the topics of the open stream
let listened = new Set(); // the event names the open stream has a listener for

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

const topicsOf = (text) => text.split(",").map((topic) => topic.trim()).filter((topic) => topic);

// One topic: /topics/{topic}. Several: one stream, /topics?topic=a&topic=b, whose events are named by their topic
// and whose ids resume every topic at once. EventSource cannot send headers: the token goes in the query (or a cookie).
function streamUrl(topics, resumeAfter) {
  const query = new URLSearchParams();
  if (topics.length > 1) topics.forEach((topic) => query.append("topic", topic));
  const token = $("token").value.trim();
  if (token) query.set("access_token", token);
  if (resumeAfter) query.set("last_event_id", resumeAfter);
  const text = query.toString();
  const path = topics.length > 1 ? "/topics" : `/topics/${encodeURIComponent(topics[0])}`;
  return `${path}${text ? `?${text}` : ""}`;
}

function connect(topicList, resumeAfter = null) {
  const topics = topicsOf(topicList);
  const topic = topics[0];
  disconnect();
  opens = 0;
  setState("connecting");
  // No Last-Event-ID on the first request: live events from now on. The browser adds it on every reconnect;
  // a new EventSource (after a token renewal) passes it in the query instead.
  source = new EventSource(streamUrl(topics, resumeAfter));
  watchSubscribers(topic);
  source.onopen = () => {
    opens += 1;
    setState("open");
    logConnection(opens === 1 ? `connected to ${topics.join(", ")}` : `reconnected, resuming after ${lastEventId ?? "nothing (live)"}`);
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CONNECTING) {
      setState("connecting");
      logConnection(`connection lost; the browser reconnects with Last-Event-ID ${lastEventId ?? "(none)"}`);
    } else {
      // EventSource gives up on a non-200 answer, e.g. 401 for a missing or expired token.
      setState("closed");
      logConnection("connection closed (refused? check the token)");
    }
  };
  source.onmessage = (event) => showEvent(event, false);
  streamTopics = topics;
  listened = new Set();
  // On a stream of several topics each event is named by its topic ("topic:type" when typed).
  if (topics.length > 1) topics.forEach(listenFor);
  // EventSource has no catch-all listener: a typed event shows only where the page listens for its name. The demo
  // listens for the types it publishes (publish() below); a real page listens for the types its app defines.
  // The server's own events are highlighted.
  for (const type of ["notify.reset", "notify.lagged"]) {
    source.addEventListener(type, (event) => showEvent(event, true));
  }
  // The token expired: the server says so, then ends the stream. Renew it and resume after the last event received;
  // the renewed stream misses nothing and repeats nothing.
  // A real page fetches a fresh token from its own backend and reconnects at once:
  //   const token = await (await fetch("/my-app/notify-token")).text();
  //   source = new EventSource(`/topics/${topic}?access_token=${token}&last_event_id=${resumeAfter}`);
  // The demo has no token service: it waits for a fresh token in the field and resumes on Connect.
  source.addEventListener("notify.expired", (event) => {
    showEvent(event, true);
    pendingResume = JSON.parse(event.data).lastEventId;
    clearInterval(watching); // its token is no good now either
    source.close();
    source = null;
    setState("expired");
    logConnection(`token expired: paste a fresh one and press Connect to resume after ${pendingResume}`);
    $("token").select();
    $("connect").disabled = false;
    $("disconnect").disabled = true;
  });
  $("connect").disabled = true;
  $("disconnect").disabled = false;
}

// Shows the open stream's events named `name` (a topic on a stream of several, or an event type).
function listenFor(name) {
  if (!source || listened.has(name)) return;
  listened.add(name);
  source.addEventListener(name, (event) => showEvent(event, false));
}

// Listens for the events of `type` on the open stream: named `type` on one topic's stream, `topic:type` on several.
function listenForType(topic, type) {
  if (!streamTopics.includes(topic)) return;
  listenFor(streamTopics.length > 1 ? `${topic}:${type}` : type);
}

function disconnect() {
  clearInterval(watching);
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
  const topic = topicsOf($("topic").value)[0];
  const type = $("type").value.trim();
  const key = $("key").value.trim();
  const result = $("publish-result");
  const url = `/topics/${encodeURIComponent(topic)}${type ? `?type=${encodeURIComponent(type)}` : ""}`;
  const headers = { "Content-Type": "text/plain; charset=utf-8" };
  if (key) headers["Idempotency-Key"] = key;
  const token = $("token").value.trim();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (type) listenForType(topic, type); // before publishing, so the stream shows this event
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

// How many are watching the topic, across the cluster and per silo (GET /topics/{topic}/subscribers, about 1 s old).
async function showSubscribers(topic) {
  const headers = {};
  const token = $("token").value.trim();
  if (expiresSoon(token)) {
    // The server would refuse it (401); the stream says in-band when the token has expired (notify.expired).
    clearInterval(watching);
    return;
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const response = await fetch(`/topics/${encodeURIComponent(topic)}/subscribers`, { headers });
    if (!response.ok) return;
    const counts = await response.json();
    $("watching").textContent = String(counts.subscribers);
    $("watching-silos").textContent = counts.silos.length
      ? `(${counts.silos.map((silo) => `${silo.name}: ${silo.connections}`).join(", ")})`
      : "";
  } catch {
    // The next refresh tries again.
  }
}

// Whether a JWT's exp claim is less than a second away (or past). Not a check of the token: the server does that;
// the page only stops asking with a token about to be refused. A token that is not a JWT, or has no exp, never expires here.
function expiresSoon(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const { exp } = JSON.parse(atob(payload));
    return typeof exp === "number" && Date.now() >= (exp - 1) * 1000;
  } catch {
    return false;
  }
}

function watchSubscribers(topic) {
  clearInterval(watching);
  showSubscribers(topic);
  watching = setInterval(() => showSubscribers(topic), 2000);
}

$("subscribe").addEventListener("submit", (event) => {
  event.preventDefault();
  const resumeAfter = pendingResume;
  pendingResume = null;
  connect($("topic").value, resumeAfter);
});
$("disconnect").addEventListener("click", disconnect);
$("publish").addEventListener("submit", (event) => { event.preventDefault(); publish(); });

// ?topic=orders&connect=1 opens the page already subscribed.
const query = new URLSearchParams(location.search);
if (query.get("topic")) $("topic").value = query.get("topic");
if (query.get("token")) {
  $("token").value = query.get("token");
  history.replaceState(null, "", `${location.pathname}?topic=${encodeURIComponent($("topic").value)}`); // not left in the address bar
}
if (query.get("connect") === "1") connect($("topic").value);
