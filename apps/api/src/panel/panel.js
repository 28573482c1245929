/* global document, window, fetch, WebSocket, location, URL, URLSearchParams */
// The tRPC panel's page: lists the procedures from /panel/catalogue.json and calls them on
// /trpc as the signed-in user (the session cookie rides along, same origin).

const $ = (id) => document.getElementById(id);
let procedures = [];
let current = null;
let socket = null;

function show(element, visible) {
  element.hidden = !visible;
}

function pretty(value) {
  return JSON.stringify(value, null, 2);
}

function setResult(status, ok, value) {
  const label = $('result-status');
  label.textContent = status;
  label.className = `status ${ok ? 'ok' : 'error'}`;
  $('result').textContent = typeof value === 'string' ? value : pretty(value);
}

/** The error contract as tRPC sends it: code, status, message, details. */
function describeError(error) {
  const data = error.data ?? {};
  return {
    appCode: data.appCode ?? error.code,
    httpStatus: data.httpStatus,
    message: error.message,
    details: data.details ?? null,
    path: data.path ?? null,
  };
}

async function callProcedure(path, type, input) {
  const url = new URL(`/trpc/${path}`, location.origin);
  let response;
  if (type === 'query') {
    if (input !== undefined)
      url.search = new URLSearchParams({ input: JSON.stringify(input) }).toString();
    response = await fetch(url, { credentials: 'same-origin' });
  } else {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: input === undefined ? undefined : JSON.stringify(input),
    });
  }
  const body = await response.json().catch(() => null);
  if (body && body.error)
    return { ok: false, status: response.status, value: describeError(body.error) };
  if (!response.ok) return { ok: false, status: response.status, value: body };
  return { ok: true, status: response.status, value: body?.result?.data };
}

function readInput() {
  const text = $('input').value.trim();
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `The input is not JSON: ${error.message}` };
  }
}

function stopSubscription() {
  if (socket) {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ id: 1, method: 'subscription.stop' }));
    }
    socket.close();
    socket = null;
  }
  show($('stop'), false);
  $('run').disabled = false;
}

function subscribe(path, input) {
  const events = [];
  const url = new URL('/trpc', location.origin);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(url);
  show($('stop'), true);
  $('run').disabled = true;
  setResult('connecting…', true, '');
  socket.addEventListener('open', () => {
    socket.send(JSON.stringify({ id: 1, method: 'subscription', params: { path, input } }));
  });
  socket.addEventListener('message', (message) => {
    const body = JSON.parse(message.data);
    if (body.error) {
      setResult(`error ${body.error.data?.httpStatus ?? ''}`, false, describeError(body.error));
      stopSubscription();
      return;
    }
    const result = body.result;
    if (!result) return;
    if (result.type === 'started') setResult('live: waiting for events', true, events);
    if (result.type === 'data') {
      events.push(result.data);
      setResult(`live: ${events.length} event(s)`, true, events);
    }
    if (result.type === 'stopped') stopSubscription();
  });
  socket.addEventListener('close', (event) => {
    if (socket) setResult(`closed (${event.code})`, event.code === 1000, events);
    socket = null;
    show($('stop'), false);
    $('run').disabled = false;
  });
}

async function run() {
  if (!current) return;
  const input = readInput();
  if (!input.ok) {
    setResult('not sent', false, input.message);
    return;
  }
  if (current.type === 'subscription') {
    subscribe(current.path, input.value);
    return;
  }
  setResult('running…', true, '');
  const result = await callProcedure(current.path, current.type, input.value);
  setResult(`${result.ok ? 'ok' : 'error'} ${result.status}`, result.ok, result.value ?? null);
}

function select(procedure) {
  stopSubscription();
  current = procedure;
  for (const button of document.querySelectorAll('#procedure-list button')) {
    button.setAttribute('aria-current', String(button.dataset.path === procedure.path));
  }
  show($('empty'), false);
  show($('procedure'), true);
  $('procedure-path').textContent = procedure.path;
  const badge = $('procedure-type');
  badge.textContent = procedure.type;
  badge.className = `badge ${procedure.type}`;
  $('input').value = procedure.example === null ? '' : pretty(procedure.example);
  $('input-schema').textContent = procedure.input ? pretty(procedure.input) : 'No input';
  $('output-schema').textContent = procedure.output ? pretty(procedure.output) : '—';
  $('run').textContent = procedure.type === 'subscription' ? 'Subscribe' : 'Run';
  $('result-status').textContent = '';
  $('result').textContent = '';
}

function renderList() {
  const filter = $('filter').value.trim().toLowerCase();
  const list = $('procedure-list');
  list.replaceChildren();
  let group = '';
  for (const procedure of procedures) {
    if (filter && !procedure.path.toLowerCase().includes(filter)) continue;
    const [router] = procedure.path.split('.');
    if (router !== group) {
      group = router;
      const heading = document.createElement('li');
      heading.className = 'group';
      heading.textContent = router;
      list.append(heading);
    }
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.path = procedure.path;
    button.setAttribute('aria-current', String(current?.path === procedure.path));
    const name = document.createElement('span');
    name.textContent = procedure.path;
    const badge = document.createElement('span');
    badge.className = `badge ${procedure.type}`;
    badge.textContent = procedure.type;
    button.append(name, badge);
    button.addEventListener('click', () => select(procedure));
    item.append(button);
    list.append(item);
  }
}

async function showWho() {
  const me = await callProcedure('auth.me', 'query', undefined);
  const who = $('who');
  who.replaceChildren();
  if (!me.ok) {
    who.textContent = 'Not signed in';
    return false;
  }
  who.append(`Signed in as ${me.value.name} <${me.value.email}> (${me.value.role}) · `);
  const signOut = document.createElement('button');
  signOut.type = 'button';
  signOut.className = 'secondary';
  signOut.textContent = 'Sign out';
  signOut.addEventListener('click', async () => {
    await callProcedure('auth.logout', 'mutation', undefined);
    location.reload();
  });
  who.append(signOut);
  return true;
}

async function start() {
  const signedIn = await showWho();
  const response = await fetch('/panel/catalogue.json', { credentials: 'same-origin' });
  if (response.status === 401 || response.status === 403 || (!signedIn && !response.ok)) {
    show($('sign-in'), true);
    $('sign-in-note').textContent =
      response.status === 403 ? 'The panel is for admins only.' : 'Sign in to use the panel.';
    return;
  }
  const catalogue = await response.json();
  procedures = catalogue.procedures;
  show($('panel'), true);
  show($('sign-in'), !signedIn);
  $('sign-in-note').textContent =
    'Procedures run as the signed-in user; sign in to call those that need it.';
  renderList();
}

$('filter').addEventListener('input', renderList);
$('run').addEventListener('click', () => void run());
$('stop').addEventListener('click', stopSubscription);
$('reset').addEventListener('click', () => current && select(current));
$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new window.FormData(event.target);
  const result = await callProcedure('auth.login', 'mutation', {
    email: form.get('email'),
    password: form.get('password'),
  });
  if (result.ok) location.reload();
  else $('sign-in-error').textContent = `${result.value.appCode}: ${result.value.message}`;
});

void start();
