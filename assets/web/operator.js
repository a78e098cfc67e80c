// The operator console (runtime/exhibit_console.h lists its routes). The
// token comes from the address (#token=… or ?token=…) or the login form and
// is kept for this tab only (sessionStorage), then taken out of the address
// so it is not left on screen or in the history.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const STATUS_MS = 2000, SESSIONS_MS = 10000;
  const STATES = {
    attract: ['Attract', 'ok'], playing: ['Playing', 'ok'], idle_warning: ['Idle warning', 'warn'],
    ending: ['Ending', 'ok'], credits: ['Credits', 'ok'], starting: ['Starting', 'warn'],
  };
  let token = takeToken();
  let last = null;      // the last status
  let busy = false;     // a control is on its way

  function takeToken() {
    const hash = new URLSearchParams(location.hash.slice(1));
    const query = new URLSearchParams(location.search);
    const given = hash.get('token') || query.get('token');
    if (given) {
      sessionStorage.setItem('mz_token', given);
      history.replaceState(null, '', location.pathname);
    }
    return sessionStorage.getItem('mz_token') || '';
  }

  class Refused extends Error {}

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + token };
    if (body) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, {
      method, headers, cache: 'no-store', body: body ? JSON.stringify(body) : undefined,
    });
    if (r.status === 401) throw new Refused('the token was refused');
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.error || 'HTTP ' + r.status);
    return data;
  }

  function showLogin(why) {
    $('console').hidden = true;
    $('login').hidden = false;
    setLink(why || 'token needed', 'bad');
  }

  function setLink(text, kind) {
    const link = $('link');
    link.textContent = text;
    link.className = 'pill ' + (kind || '');
  }

  function text(id, value) {
    $(id).textContent = value === null || value === undefined || value === '' ? '—' : String(value);
  }

  function duration(s) {
    if (typeof s !== 'number' || !isFinite(s)) return '—';
    s = Math.floor(s);
    const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24;
    const m = Math.floor(s / 60) % 60, sec = s % 60;
    const two = (n) => String(n).padStart(2, '0');
    return (d ? d + ' d ' : '') + two(h) + ':' + two(m) + ':' + two(sec);
  }

  function showStatus(st) {
    last = st;
    $('login').hidden = true;
    $('console').hidden = false;
    setLink(st.player_up ? 'live' : 'player down', st.player_up ? 'ok' : 'bad');
    const [label, kind] = STATES[st.state] || [st.state || 'unknown', 'warn'];
    $('state').textContent = label;
    $('state').className = 'pill ' + kind;
    $('state').dataset.state = st.state || '';
    $('paused').hidden = !st.paused;
    $('muted').hidden = !st.muted;
    text('story', st.story);
    text('scene', st.scene);
    text('turn', st.turn);
    text('uptime', duration(st.uptime_s));
    text('sessions_today', st.sessions_today);
    text('fps', typeof st.fps === 'number' ? st.fps.toFixed(1) : null);
    text('p95', typeof st.first_frame_p95_ms === 'number' ? Math.round(st.first_frame_p95_ms) + ' ms' : null);
    text('generator', st.generator ? st.generator + (st.fallback ? ' (fallback)' : '') : null);
    text('fallbacks', st.fallbacks);
    text('rss', typeof st.rss_mb === 'number' ? st.rss_mb.toFixed(0) + ' MB' : null);
    text('restarts', st.restarts);

    const errors = $('errors');
    errors.replaceChildren();
    for (const e of st.errors || []) {
      const li = document.createElement('li');
      li.textContent = e;
      errors.append(li);
    }
    if (!errors.children.length) {
      const li = document.createElement('li');
      li.className = 'none';
      li.textContent = 'none';
      errors.append(li);
    }

    const pause = $('btn-pause');
    pause.dataset.action = st.paused ? 'resume' : 'pause';
    pause.textContent = st.paused ? 'Resume' : 'Pause';
    const mute = $('btn-mute');
    mute.dataset.action = st.muted ? 'unmute' : 'mute';
    mute.textContent = st.muted ? 'Unmute' : 'Mute';
    const volume = $('volume');
    if (document.activeElement !== volume && typeof st.volume === 'number')
      volume.value = Math.round(st.volume * 100);
    $('volume-out').textContent = volume.value + ' %';

    const select = $('stories');
    const names = (st.stories || []).join('\n');
    if (select.dataset.names !== names) {
      select.dataset.names = names;
      select.replaceChildren();
      (st.stories || []).forEach((name, i) => {
        const o = document.createElement('option');
        o.value = String(i);
        o.textContent = name;
        select.append(o);
      });
    }
    $('btn-story').disabled = busy || !(st.stories || []).length;
  }

  function showSessions(list) {
    const body = $('sessions');
    body.replaceChildren();
    for (const s of list) {
      const tr = document.createElement('tr');
      const start = s.start ? new Date(s.start) : null;
      const cells = [
        start && !isNaN(start) ? start.toLocaleString() : s.start,
        typeof s.seconds === 'number' ? duration(s.seconds) : '',
        s.story, s.turns, s.ending, s.reason,
      ];
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c === null || c === undefined ? '—' : String(c);
        tr.append(td);
      }
      body.append(tr);
    }
    if (!list.length) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = 6;
      td.className = 'none';
      td.textContent = 'none yet';
      tr.append(td);
      body.append(tr);
    }
  }

  function message(textValue, bad) {
    const m = $('message');
    m.textContent = textValue;
    m.className = bad ? 'bad' : '';
  }

  async function refresh() {
    try {
      showStatus(await api('GET', '/api/status'));
    } catch (e) {
      if (e instanceof Refused) return showLogin(e.message);
      setLink('no answer', 'bad');
    }
  }

  async function refreshSessions() {
    if ($('console').hidden) return;
    try {
      showSessions(await api('GET', '/api/sessions'));
    } catch (e) {
      if (e instanceof Refused) showLogin(e.message);
    }
  }

  const LABELS = {
    attract: 'Back to attract', pause: 'Paused', resume: 'Resumed', mute: 'Muted',
    unmute: 'Sound on', volume: 'Volume set', story: 'Story switched', restart: 'Restarting the player',
    stop: 'Stopping',
  };

  async function control(body) {
    busy = true;
    document.querySelectorAll('#console button').forEach((b) => { b.disabled = true; });
    message('Sending…');
    try {
      await api('POST', '/api/control', body);
      message(LABELS[body.action] || 'Done');
      await refresh();
    } catch (e) {
      if (e instanceof Refused) showLogin(e.message);
      message(e.message, true);
    } finally {
      busy = false;
      document.querySelectorAll('#console button').forEach((b) => { b.disabled = false; });
      if (last) showStatus(last);
    }
  }

  document.querySelectorAll('button[data-action]').forEach((b) => {
    b.addEventListener('click', () => {
      if (b.dataset.confirm && !confirm(b.dataset.confirm)) return;
      control({ action: b.dataset.action });
    });
  });
  $('volume').addEventListener('input', () => { $('volume-out').textContent = $('volume').value + ' %'; });
  $('volume').addEventListener('change', () => control({ action: 'volume', volume: $('volume').value / 100 }));
  $('btn-story').addEventListener('click', (ev) => {
    ev.preventDefault();
    control({ action: 'story', story: Number($('stories').value) });
  });
  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem('mz_token', token);
    refresh().then(refreshSessions);
  });

  if (!token) showLogin();
  else refresh().then(refreshSessions);
  setInterval(() => { if (token && !document.hidden) refresh(); }, STATUS_MS);
  setInterval(() => { if (token && !document.hidden) refreshSessions(); }, SESSIONS_MS);
})();
