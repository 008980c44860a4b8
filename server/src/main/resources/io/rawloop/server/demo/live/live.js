// The demo page's live view: figures from /events (Server-Sent Events, one JSON object per tick),
// drawn as small SVG charts of the last minute. No framework: the DOM, EventSource and fetch.
'use strict';

const HISTORY = 120;   // ticks kept: a minute at two a second
const FIGURES = [
  // key in the event, label, unit, smallest top of the chart's scale, when it is "hot"
  { key: 'utilization', label: 'utilization', show: v => (v * 100).toFixed(0) + ' %', floor: 1, hot: v => v > 0.5 },
  { key: 'delayP99Ms', label: 'delay p99', show: v => v.toFixed(v < 10 ? 2 : 0) + ' ms', floor: 10, hot: v => v > 100 },
  { key: 'ready', label: 'ready queue', show: v => String(v), floor: 10, hot: () => false },
  { key: 'connections', label: 'connections', show: v => String(v), floor: 10, hot: () => false },
  { key: 'requestsPerSecond', label: 'requests/s', show: v => v.toFixed(0), floor: 10, hot: () => false },
];
const SVG = 'http://www.w3.org/2000/svg';
const loops = new Map();   // name -> { history: {key: [values]}, elements }
let latest = null;         // the last tick, for the buttons' sentences

function card(name) {
  const root = document.createElement('div');
  root.className = 'loop';
  root.dataset.loop = name;
  const title = document.createElement('h3');
  title.textContent = name;
  root.append(title);
  const elements = {};
  for (const f of FIGURES) {
    const row = document.createElement('div');
    row.className = 'figure';
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = f.label;
    const value = document.createElement('span');
    value.className = 'value';
    value.dataset.figure = f.key;
    value.dataset.loop = name;
    value.textContent = '–';
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${HISTORY - 1} 100`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${f.label} of ${name}, last minute`);
    const line = document.createElementNS(SVG, 'polyline');
    svg.append(line);
    row.append(label, value, svg);
    root.append(row);
    elements[f.key] = { row, value, line };
  }
  document.getElementById('loops').append(root);
  const history = {};
  FIGURES.forEach(f => { history[f.key] = []; });
  return { history, elements };
}

function draw(tick) {
  for (const l of tick.loops) {
    if (!loops.has(l.name)) {
      loops.set(l.name, card(l.name));
    }
    const { history, elements } = loops.get(l.name);
    for (const f of FIGURES) {
      const values = history[f.key];
      values.push(l[f.key]);
      if (values.length > HISTORY) {
        values.shift();
      }
      const top = Math.max(f.floor, ...values);
      const offset = HISTORY - values.length;
      elements[f.key].line.setAttribute('points',
        values.map((v, i) => `${offset + i},${(100 - (v / top) * 96).toFixed(1)}`).join(' '));
      elements[f.key].value.textContent = f.show(l[f.key]);
      elements[f.key].row.classList.toggle('hot', f.hot(l[f.key]));
    }
  }
}

function connect() {
  const status = document.getElementById('status');
  const events = new EventSource('/events');
  events.onopen = () => {
    status.textContent = 'live: a tick every 500 ms from /events';
    status.classList.remove('down');
  };
  events.onmessage = message => {
    latest = JSON.parse(message.data);
    draw(latest);
    status.dataset.ticks = String(Number(status.dataset.ticks || 0) + 1);   // for a test to wait on
  };
  events.onerror = () => {
    // EventSource reconnects by itself (after the stream's retry: 2 s); say so meanwhile.
    status.textContent = 'the server is not answering /events; retrying…';
    status.classList.add('down');
  };
}

async function block(offload) {
  const button = document.getElementById(offload ? 'offload' : 'block');
  const result = document.getElementById(offload ? 'offload-result' : 'block-result');
  button.disabled = true;
  try {
    const answer = await fetch('/block?ms=200' + (offload ? '&offload=true' : ''));
    const j = await answer.json();
    result.textContent = offload
      ? `The same ${j.ms} ms of arithmetic ran on the offload pool. Loop ${j.loop} only waited for the promise,`
        + ' free to serve everyone else meanwhile, so its delay p99 stays near zero: asyncio\'s run_in_executor.'
      : `Loop ${j.loop} computed for ${j.ms} ms inside one callback. Nothing else on that loop ran meanwhile`
        + ` (no request was read, no timer fired), so its delay p99 jumps to about ${j.ms} ms for the next second`
        + ' and its utilization rises; the other loops did not notice. Never block the loop.';
  } catch (e) {
    result.textContent = 'The request failed: ' + e;
  } finally {
    button.disabled = false;
  }
}

async function sleepers() {
  const button = document.getElementById('sleepers');
  const result = document.getElementById('sleepers-result');
  button.disabled = true;
  // A browser opens at most 6 connections to one host name; names under .localhost all mean this
  // machine, so on loopback the requests are spread over enough of them to be sent at once.
  const loopback = ['127.0.0.1', 'localhost'].includes(location.hostname);
  const hosts = loopback ? 170 : 1;
  const port = location.port ? ':' + location.port : '';
  let peak = 0;
  const watch = setInterval(() => {
    if (latest) {
      peak = Math.max(peak, latest.connections);
    }
  }, 100);
  result.textContent = 'sending 1,000 requests…';
  const started = performance.now();
  const all = [];
  for (let i = 0; i < 1000; i++) {
    const url = loopback ? `http://s${i % hosts}.localhost${port}/sleep?ms=1000` : '/sleep?ms=1000';
    all.push(fetch(url, { cache: 'no-store' }).then(r => r.ok, () => false));
  }
  const answered = (await Promise.all(all)).filter(ok => ok).length;
  clearInterval(watch);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  result.textContent = `${answered} of 1,000 answered in ${seconds} s, each after sleeping 1 s on a loop timer;`
    + ` up to ${peak} connections were open at once. No thread slept: a waiting request is a timer and a few`
    + ' hundred bytes on its loop, so utilization hardly moved. The browser set the pace, not the server:'
    + ` it opens at most 6 connections to one host name (the page used ${hosts}) and a few hundred in all.`;
  button.disabled = false;
}

document.getElementById('block').addEventListener('click', () => block(false));
document.getElementById('offload').addEventListener('click', () => block(true));
document.getElementById('sleepers').addEventListener('click', sleepers);
connect();
