// Tubemail console: a client of the JSON API. Everything that comes from mail is put into the
// page as text (textContent, never innerHTML); a message's HTML is shown only inside an iframe
// with an empty sandbox (no script, an origin of its own) under a CSP that forbids every load.
'use strict';

const state = { token: sessionStorage.getItem('tubemail-token') || '', csrf: null, view: 'outbox', lastEventId: null, live: null };

function $(id) { return document.getElementById(id); }

/** Builds an element; string children become text nodes, never markup. */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function clear(node) { while (node.firstChild) node.firstChild.remove(); return node; }

function showError(message) {
  const e = $('error');
  e.textContent = message;
  e.hidden = !message;
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (state.token) h['Authorization'] = 'Bearer ' + state.token;
  return h;
}

/** Calls the API; state-changing calls carry the CSRF header. Resolves to the JSON (or text) answer. */
async function api(path, options) {
  const opts = Object.assign({ method: 'GET' }, options || {});
  const extra = {};
  if (opts.method !== 'GET') {
    if (!state.csrf) state.csrf = (await api('/api/csrf')).token;
    extra['X-Tubemail-CSRF'] = state.csrf;
    if (opts.body !== undefined) extra['Content-Type'] = 'application/json';
  }
  const r = await fetch(path, { method: opts.method, headers: headers(extra), body: opts.body, credentials: 'same-origin' });
  if (r.status === 401) {
    $('token-form').hidden = false;
    throw new Error('This server needs its API token.');
  }
  const type = r.headers.get('Content-Type') || '';
  const body = type.startsWith('application/json') ? await r.json() : await r.text();
  if (!r.ok) throw new Error((body && body.error) || ('HTTP ' + r.status));
  return body;
}

async function guarded(work) {
  try {
    showError('');
    await work();
  } catch (e) {
    showError(e.message);
  }
}

// ---- views ----

function show(view) {
  state.view = view;
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.view === view);
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
  const load = { outbox: loadOutbox, undeliverable: loadUndeliverable, live: startLive, graph: loadGraphs, state: loadModules, routes: loadRoutes, status: loadStatus }[view];
  guarded(load);
}

function when(date) {
  const d = new Date(date);
  return isNaN(d) ? (date || '') : d.toLocaleString();
}

function who(m) {
  if (m.envelope && m.envelope.recipients) return m.envelope.recipients.join(', ');
  return m.to || '';
}

async function loadOutbox() {
  const page = await api('/api/queues/outbox?limit=100');
  $('outbox-total').textContent = page.total + ' message(s)';
  const list = clear($('outbox-list'));
  for (const m of page.items) {
    list.append(el('tr', { dataset: { key: m.key }, onclick: () => selectRow(list, m.key, () => showMessage('outbox', m.key, $('outbox-detail'))) },
      el('td', { title: who(m) }, who(m)), el('td', { title: m.subject || '' }, m.subject), el('td', { class: 'muted', title: m.date || '' }, when(m.date))));
  }
}

async function loadUndeliverable() {
  const page = await api('/api/queues/undeliverable?limit=100');
  $('undeliverable-total').textContent = page.total + ' message(s)';
  $('count-undeliverable').textContent = page.total ? String(page.total) : '';
  const list = clear($('undeliverable-list'));
  for (const m of page.items) {
    const actions = el('td', {},
      el('button', { class: 'primary requeue', onclick: (ev) => { ev.stopPropagation(); guarded(() => requeue(m.key)); } }, 'Requeue'), ' ',
      el('button', { class: 'danger delete', onclick: (ev) => { ev.stopPropagation(); guarded(() => remove('undeliverable', m.key)); } }, 'Delete'));
    list.append(el('tr', { dataset: { key: m.key }, onclick: () => selectRow(list, m.key, () => showMessage('undeliverable', m.key, $('undeliverable-detail'))) },
      el('td', { title: who(m) }, who(m)), el('td', { title: m.subject || '' }, m.subject), el('td', { class: 'muted' }, m.reason), actions));
  }
}

function selectRow(list, key, then) {
  for (const r of list.children) r.classList.toggle('selected', r.dataset.key === key);
  guarded(then);
}

async function requeue(key) {
  const r = await api('/api/queues/undeliverable/' + encodeURIComponent(key) + '/requeue', { method: 'POST' });
  const outcome = r.results.map(x => x.recipient + ': ' + x.status + (x.reason ? ' (' + x.reason + ')' : '')).join('; ');
  clear($('undeliverable-detail')).append(el('p', { id: 'requeue-result' }, (r.handled ? 'Routed: ' : 'Not routed: ') + outcome));
  await loadUndeliverable();
}

async function remove(queue, key) {
  await api('/api/queues/' + queue + '/' + encodeURIComponent(key), { method: 'DELETE' });
  clear($(queue + '-detail'));
  await (queue === 'outbox' ? loadOutbox() : loadUndeliverable());
}

/** Shows a message: rendered HTML in a sandboxed frame, text, headers, raw source. */
async function showMessage(queue, key, target) {
  const base = '/api/queues/' + queue + '/' + encodeURIComponent(key);
  const m = await api(base);
  clear(target);
  const meta = el('dl', { class: 'meta' });
  const add = (k, v) => { if (v) meta.append(el('dt', {}, k), el('dd', {}, v)); };
  add('From', m.from);
  add('To', m.to);
  add('Date', m.date);
  if (m.envelope) add('Envelope', '<' + m.envelope.from + '> \u2192 ' + m.envelope.recipients.join(', '));
  add('Reason', m.reason);
  if (m.attachments && m.attachments.length) add('Attachments', m.attachments.map(a => a.name + ' (' + a.type + ', ' + a.size + ' bytes)').join(', '));
  const body = el('div', { class: 'body' });
  const tabs = el('div', { class: 'tabs' });
  const panes = {
    html: async () => {
      const html = await api(base + '/html');
      // srcdoc inherits this page's CSP; the meta tag and the empty sandbox forbid script and every remote load
      const frame = el('iframe', { class: 'mail', id: 'message-frame', sandbox: '', referrerpolicy: 'no-referrer', title: 'message' });
      frame.srcdoc = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">' + html;
      return frame;
    },
    text: async () => el('pre', { id: 'message-text' }, m.text || '(no text part)'),
    headers: async () => {
      const t = el('table', { id: 'message-headers' });
      for (const h of m.headers) t.append(el('tr', {}, el('th', {}, h.name), el('td', {}, h.value)));
      return t;
    },
    raw: async () => el('pre', { id: 'message-raw' }, await api(base + '/raw'))
  };
  const open = (name) => guarded(async () => {
    for (const b of tabs.children) b.classList.toggle('active', b.dataset.tab === name);
    clear(body).append(await panes[name]());
  });
  for (const name of Object.keys(panes)) {
    if (name === 'html' && !m.hasHtml) continue;
    tabs.append(el('button', { dataset: { tab: name }, id: 'tab-' + name, onclick: () => open(name) }, name[0].toUpperCase() + name.slice(1)));
  }
  const del = el('button', { class: 'danger', id: 'message-delete', onclick: () => guarded(() => remove(queue, key)) }, 'Delete');
  target.append(el('h2', { id: 'message-subject' }, m.subject || '(no subject)'), meta, del, tabs, body);
  await open(m.hasHtml ? 'html' : 'text');
}

// ---- live events (fetch streaming, so that the token header can be sent; resumes with Last-Event-ID) ----

function describe(ev) {
  const d = ev.data || {};
  switch (ev.type) {
    case 'accepted': return '<' + d.from + '> \u2192 ' + (d.recipients || []).join(', ') + ' (' + d.size + ' bytes from ' + d.peer + ')';
    case 'routed': return d.module + ': ' + d.state + ' \u2192 ' + d.next + ' in ' + Number(d.millis).toFixed(2) + ' ms';
    case 'undeliverable': return '<' + d.from + '> \u2192 ' + d.to + ': ' + d.reason;
    case 'relayed': return '<' + d.from + '> \u2192 ' + (d.recipients || []).join(', ');
    case 'relay-retry': case 'dead-letter': return (d.recipients || []).join(', ') + ': ' + d.error;
    case 'bounce': return 'bounce for ' + d.to;
    default: return JSON.stringify(d);
  }
}

function addEvent(type, id, time, text) {
  const list = $('live-list');
  list.prepend(el('tr', { class: 'ev-' + type, dataset: { id: String(id) } }, el('td', {}, id), el('td', {}, time), el('td', {}, type), el('td', {}, text)));
  while (list.children.length > 300) list.lastChild.remove();
}

function handleFrame(frame) {
  let type = 'message', data = '', id = null;
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const k = i < 0 ? line : line.slice(0, i);
    const v = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (k === 'event') type = v; else if (k === 'data') data += v; else if (k === 'id') id = v;
  }
  if (!data) return;
  const d = JSON.parse(data);
  if (type === 'gap') {
    addEvent('gap', '\u2026', '', d.missed + ' event(s) missed (' + d.firstMissed + '\u2013' + d.lastMissed + '): they are no longer kept');
  } else {
    addEvent(type, d.id, new Date(d.time).toLocaleTimeString(), describe(d));
    if (type === 'undeliverable' || type === 'routed') refreshBadge();
  }
  if (id !== null) state.lastEventId = id;
}

let badgeTimer = null;
function refreshBadge() {
  clearTimeout(badgeTimer);
  badgeTimer = setTimeout(() => api('/api/queues').then(q => {
    $('count-undeliverable').textContent = q.queues.undeliverable ? String(q.queues.undeliverable) : '';
  }).catch(() => {}), 300);
}

async function follow() {
  const h = headers(state.lastEventId === null ? {} : { 'Last-Event-ID': state.lastEventId });
  const url = '/api/events' + (state.lastEventId === null ? '?lastEventId=0' : '');
  const r = await fetch(url, { headers: h, credentials: 'same-origin' });
  if (!r.ok) throw new Error('event stream: HTTP ' + r.status);
  $('live-state').textContent = 'connected';
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      handleFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}

function startLive() {
  if (state.live) return;
  state.live = (async () => {
    for (;;) {
      try {
        await follow();
      } catch (e) {
        $('live-state').textContent = 'reconnecting (' + e.message + ')';
      }
      $('live-state').textContent = 'reconnecting';
      await new Promise(res => setTimeout(res, 2000));
    }
  })();
}

// ---- state machines: an SVG drawn here (no library), every name set as text ----

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Box size, gaps, the height of a route's line and the characters a line holds between two columns. */
const BOX = { w: 170, h: 52, gapX: 220, pad: 24, line: 13, chars: 33, lines: 3 };

/** Builds an SVG element; string children become text nodes. */
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function shorten(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '\u2026' : text;
}

function keysLabel(n) {
  return n === 1 ? '1 key' : n + ' keys';
}

/** The lines an arrow's label shows: one route each, at most BOX.lines. */
function routeLines(routes) {
  const shown = routes.length > BOX.lines ? routes.slice(0, BOX.lines - 1) : routes;
  const lines = shown.map(r => shorten(r, BOX.chars));
  if (shown.length < routes.length) lines.push('+' + (routes.length - shown.length) + ' more');
  return lines;
}

/** A label of several lines centred on x; growing up from y (up) or down from it. */
function label(x, y, lines, up) {
  const first = up ? y - (lines.length - 1) * BOX.line : y;
  return svg('text', { x, y: first, 'text-anchor': 'middle' },
    ...lines.map((l, i) => svg('tspan', { x, dy: i ? BOX.line : 0 }, l)));
}

/** Columns by breadth-first depth from START; states no arrow reaches go in a column after the last. */
function layers(graph) {
  const depth = new Map();
  if (graph.states.length) depth.set(graph.states[0], 0);
  const queue = graph.states.slice(0, 1);
  while (queue.length) {
    const from = queue.shift();
    for (const t of graph.transitions) {
      if (t.from === from && !depth.has(t.to)) {
        depth.set(t.to, depth.get(from) + 1);
        queue.push(t.to);
      }
    }
  }
  const last = Math.max(0, ...depth.values());
  for (const s of graph.states) if (!depth.has(s)) depth.set(s, last + 1);
  const columns = [];
  for (const s of graph.states) (columns[depth.get(s)] = columns[depth.get(s)] || []).push(s);
  return columns.filter(c => c);
}

/** Where the line from a box's centre towards (x, y) leaves the box. */
function edge(box, x, y) {
  const dx = x - box.cx, dy = y - box.cy;
  if (dx === 0 && dy === 0) return { x: box.cx, y: box.cy };
  const t = Math.min(dx ? BOX.w / 2 / Math.abs(dx) : Infinity, dy ? BOX.h / 2 / Math.abs(dy) : Infinity);
  return { x: box.cx + dx * t, y: box.cy + dy * t };
}

function stateBox(name, box, count, kind) {
  return svg('g', { class: 'state ' + kind, 'data-state': name },
    svg('title', {}, name + ': ' + count),
    svg('rect', { x: box.cx - BOX.w / 2, y: box.cy - BOX.h / 2, width: BOX.w, height: BOX.h, rx: 8 }),
    svg('text', { class: 'name', x: box.cx, y: box.cy - 5, 'text-anchor': 'middle' }, shorten(name, 19)),
    svg('text', { class: 'count', x: box.cx, y: box.cy + 14, 'text-anchor': 'middle' }, count));
}

/**
 * Draws one module's machine: states as boxes in columns by depth from START, an arrow for each
 * transition with its routes (all of them in the arrow's tooltip). An arrow to the next column is
 * straight; a loop sits over its box; any other arrow bends below the boxes (above, for the
 * forward one of two opposite arrows), so it passes the boxes between its ends.
 */
function drawGraph(graph, id, extra, count) {
  const columns = layers(graph);
  const rows = Math.max(1, ...columns.map(c => c.length));
  const linesOf = (t) => routeLines(t.routes).length;
  const loops = graph.transitions.filter(t => t.from === t.to);
  const above = loops.length ? 30 + Math.max(...loops.map(linesOf)) * BOX.line : 10;
  const column = new Map(), row = new Map();
  columns.forEach((c, i) => c.forEach((s, j) => { column.set(s, i); row.set(s, j); }));
  const pairs = new Set(graph.transitions.map(t => t.from + '\u0000' + t.to));
  const opposite = (t) => pairs.has(t.to + '\u0000' + t.from);
  const straight = (t) => column.get(t.to) === column.get(t.from) + 1 && row.get(t.to) === row.get(t.from) && !opposite(t);
  const below = graph.transitions.some(t => t.from !== t.to && !straight(t)) ? 80 + BOX.lines * BOX.line : 10;
  const pitch = above + BOX.h + below;
  const index = new Map(graph.states.map((s, i) => [s, i]));
  const boxes = new Map();
  for (const s of graph.states) {
    boxes.set(s, { cx: BOX.pad + BOX.w / 2 + column.get(s) * (BOX.w + BOX.gapX), cy: BOX.pad + above + BOX.h / 2 + row.get(s) * pitch });
  }
  const width = Math.max(columns.length, extra.length) * (BOX.w + BOX.gapX) - BOX.gapX + 2 * BOX.pad;
  const machineHeight = BOX.pad + rows * pitch;
  const height = machineHeight + (extra.length ? 20 + BOX.h + BOX.pad : 0);
  const marker = 'arrowhead-' + id;
  const arrows = svg('g', { class: 'arrows' });
  const states = svg('g', { class: 'states' });
  const root = svg('svg', { class: 'machine', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' },
    svg('title', {}, 'State machine of ' + graph.module),
    svg('defs', {}, svg('marker', { id: marker, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))),
    arrows, states);
  for (const t of graph.transitions) {
    const a = boxes.get(t.from), b = boxes.get(t.to);
    if (!a || !b) continue;
    const lines = routeLines(t.routes);
    let d, text;
    if (t.from === t.to) {
      const y = a.cy - BOX.h / 2;
      d = `M${a.cx - 24},${y} C${a.cx - 60},${y - 40} ${a.cx + 60},${y - 40} ${a.cx + 24},${y}`;
      text = label(a.cx, y - 36, lines, true);
    } else {
      const dx = b.cx - a.cx, dy = b.cy - a.cy, dist = Math.hypot(dx, dy);
      let n = { x: -dy / dist, y: dx / dist }; // a normal, turned to point down (or right)
      if (n.y < 0 || (n.y === 0 && n.x < 0)) n = { x: -n.x, y: -n.y };
      const side = opposite(t) && index.get(t.from) < index.get(t.to) ? -1 : 1;
      const bend = straight(t) ? 0 : side * Math.min(40 + dist * 0.2, 140);
      const c = { x: (a.cx + b.cx) / 2 + n.x * bend, y: (a.cy + b.cy) / 2 + n.y * bend };
      const p = edge(a, c.x, c.y), q = edge(b, c.x, c.y);
      d = `M${p.x},${p.y} Q${c.x},${c.y} ${q.x},${q.y}`;
      const mid = { x: (p.x + 2 * c.x + q.x) / 4, y: (p.y + 2 * c.y + q.y) / 4 };
      text = bend > 0 ? label(mid.x, mid.y + BOX.line + 2, lines, false) : label(mid.x, mid.y - 6, lines, true);
    }
    arrows.append(svg('g', { class: 'arrow', 'data-from': t.from, 'data-to': t.to },
      svg('title', {}, t.from + ' \u2192 ' + t.to + ': ' + t.routes.join(', ')),
      svg('path', { d, 'marker-end': 'url(#' + marker + ')' }), text));
  }
  for (const [s, box] of boxes) states.append(stateBox(s, box, count(s), s === 'START' ? 'start' : 'normal'));
  extra.forEach((s, i) => states.append(stateBox(s, { cx: BOX.pad + BOX.w / 2 + i * (BOX.w + BOX.gapX), cy: machineHeight + 20 + BOX.h / 2 },
    count(s), s === graph.errorState ? 'error' : 'stray')));
  return root;
}

async function loadGraphs() {
  const r = await api('/api/graph');
  const list = clear($('graph-list'));
  if (!r.modules.length) list.append(el('p', { class: 'muted' }, 'No handler module has states.'));
  r.modules.forEach((g, i) => {
    const stored = g.keys ? Object.values(g.keys).reduce((a, b) => a + b, 0) : null;
    const extra = g.keys ? Object.keys(g.keys).filter(s => !g.states.includes(s)) : [];
    const count = (s) => s === 'START' ? 'every other key' : g.keys ? keysLabel(g.keys[s] || 0) : '?';
    list.append(el('section', { class: 'graph', dataset: { module: g.module } },
      el('h2', {}, g.module, ' ', el('span', { class: 'muted' }, stored === null ? '' : keysLabel(stored) + ' not in START')),
      g.keys ? null : el('p', { class: 'error' }, 'Cannot count keys now: ' + g.keysError),
      el('div', { class: 'drawing' }, drawGraph(g, i, extra, count)),
      extra.length ? el('p', { class: 'muted' }, 'Below the arrows: ' + g.errorState + ' is where a key goes when its method throws'
        + (extra.length > 1 ? '; a dashed state has no method (left from older code, or set by hand).' : '.')) : null,
      el('details', {}, el('summary', {}, 'Mermaid (as bin/tubemail graph prints it)'), el('pre', { class: 'mermaid-text' }, g.mermaid))));
  });
}

// ---- state, routes, status ----

async function loadModules() {
  const r = await api('/api/routes');
  const select = clear($('state-module'));
  for (const name of [...new Set(r.routes.filter(x => !x.stateless).map(x => x.module))]) select.append(el('option', { value: name }, name));
}

function statePath() {
  return '/api/state/' + encodeURIComponent($('state-module').value) + '/' + encodeURIComponent($('state-key').value.trim());
}

function showState(s) {
  $('state-result').hidden = false;
  $('state-where').textContent = s.module + ' / ' + s.key;
  $('state-value').textContent = s.state;
}

async function loadRoutes() {
  const r = await api('/api/routes');
  const list = clear($('routes-list'));
  for (const m of r.routes) list.append(el('tr', {}, el('td', {}, el('code', {}, m.route)), el('td', {}, m.stateless ? '(stateless)' : m.state), el('td', {}, m.method)));
}

async function explain() {
  const q = 'address=' + encodeURIComponent($('explain-address').value.trim()) + '&sender=' + encodeURIComponent($('explain-sender').value.trim() || 'someone@example.org');
  const r = await api('/api/routes/explain?' + q);
  const out = clear($('explain-result'));
  if (!r.matches.length) {
    out.append(el('p', { class: 'error', id: 'explain-none' }, 'No route matches <' + r.address + '>: the server answers 550 5.1.1.'));
    return;
  }
  const t = el('table', { id: 'explain-table' }, el('thead', {}, el('tr', {}, ...['Method', 'Route', 'Key', 'Current state', 'Runs'].map(h => el('th', {}, h)))));
  for (const m of r.matches) {
    t.append(el('tr', {}, el('td', {}, m.method), el('td', {}, el('code', {}, m.route)), el('td', {}, m.stateKey), el('td', {}, m.currentState),
      el('td', {}, m.wouldRun ? 'runs' : 'waits for ' + m.state)));
  }
  out.append(t);
}

const MAIN_METRICS = [
  ['tubemail_messages_received_total', 'Messages received (by outcome)'],
  ['tubemail_recipients_refused_total', 'Recipients refused'],
  ['tubemail_received_bytes_total', 'Bytes received'],
  ['tubemail_messages_routed_total', 'State methods run'],
  ['tubemail_undeliverable_total', 'Undeliverable'],
  ['tubemail_relay_sent_total', 'Relayed'],
  ['tubemail_relay_retried_total', 'Relay retries'],
  ['tubemail_relay_dead_total', 'Dead letters'],
  ['tubemail_spool_messages', 'Spool depth'],
  ['tubemail_spool_oldest_age_seconds', 'Oldest spooled message (s)'],
  ['tubemail_smtp_connections_open', 'Open SMTP connections'],
  ['tubemail_state_store_seconds_count', 'State changes stored']
];

function sumMetric(text, name) {
  let sum = 0, found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? sum : null;
}

async function loadStatus() {
  const s = await api('/api/status');
  const cards = clear($('status-cards'));
  const card = (label, value, id) => cards.append(el('div', { id: id || '' }, el('span', { class: 'muted' }, label), el('strong', {}, value)));
  const up = s.uptimeSeconds;
  card('Uptime', Math.floor(up / 3600) + 'h ' + Math.floor(up % 3600 / 60) + 'm ' + up % 60 + 's', 'status-uptime');
  card('State storage', s.storage.kind + (s.storage.ok ? ': ok' : ': UNAVAILABLE'), 'status-storage');
  for (const [name, n] of Object.entries(s.queues)) card('Queue ' + name, n, 'status-queue-' + name);
  const listeners = clear($('status-listeners'));
  for (const l of s.listeners) listeners.append(el('tr', {}, el('td', {}, l.protocol), el('td', {}, l.host + ':' + l.port), el('td', {}, l.listening === false ? 'no' : 'yes')));
  const text = await api('/metrics');
  const metrics = clear($('status-metrics'));
  for (const [name, label] of MAIN_METRICS) {
    const v = sumMetric(text, name);
    if (v !== null) metrics.append(el('tr', { dataset: { metric: name } }, el('td', {}, label), el('td', {}, Number.isInteger(v) ? v : v.toFixed(3))));
  }
}

// ---- wiring ----

document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => show(b.dataset.view));
  $('outbox-refresh').addEventListener('click', () => guarded(loadOutbox));
  $('undeliverable-refresh').addEventListener('click', () => guarded(loadUndeliverable));
  $('live-clear').addEventListener('click', () => clear($('live-list')));
  $('graph-refresh').addEventListener('click', () => guarded(loadGraphs));
  $('token').addEventListener('submit', (e) => {
    e.preventDefault();
    state.token = $('token-input').value;
    sessionStorage.setItem('tubemail-token', state.token);
    $('token-form').hidden = true;
    show(state.view);
  });
  $('state-form').addEventListener('submit', (e) => { e.preventDefault(); guarded(async () => showState(await api(statePath()))); });
  $('state-set').addEventListener('submit', (e) => {
    e.preventDefault();
    guarded(async () => showState(await api(statePath(), { method: 'PUT', body: JSON.stringify({ state: $('state-new').value }) })));
  });
  $('state-clear').addEventListener('click', () => guarded(async () => showState(await api(statePath(), { method: 'DELETE' }))));
  $('explain-form').addEventListener('submit', (e) => { e.preventDefault(); guarded(explain); });
  show('outbox');
  refreshBadge();
});
