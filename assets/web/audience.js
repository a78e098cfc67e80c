/* The audience's page: send a line (or vote), then follow what becomes of
 * it: live over a WebSocket, or by polling every 2 s when there is none.
 * Plain ES5 and XMLHttpRequest, for phones years old. */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var words = {
    sent: 'Sent', waiting: 'Waiting for the moderator…', queued: 'Accepted: waiting for its turn on screen…',
    shown: 'On screen now!', counted: 'Your vote is counted', rejected: 'Not accepted'
  };
  var lineId = 0, mode = 'queue', live = false, myChoice = -1;

  function request(method, path, body, done) {
    var x = new XMLHttpRequest();
    x.open(method, path, true);
    x.setRequestHeader('Content-Type', 'text/plain;charset=UTF-8');
    x.onreadystatechange = function () {
      if (x.readyState !== 4) return;
      var data = null;
      try { data = JSON.parse(x.responseText); } catch (e) { data = null; }
      done(x.status, data);
    };
    x.send(body);
  }

  function show(state, reason) {
    var s = $('status');
    s.hidden = false;
    s.className = 'status ' + state;
    var text = words[state] || state;
    if (state === 'queued' && mode === 'vote') text = 'Counting your line…'; /* the story reads it */
    if (state === 'rejected' && reason && reason !== 'not accepted') text += ': ' + reason;
    if (!/…$/.test(text)) text += '.';
    s.textContent = text;
    s.setAttribute('data-state', state);
    $('submit').disabled = state === 'waiting' || state === 'queued';
  }

  function renderVote(v) {
    $('vote').hidden = !v.open;
    if (!v.open) return;
    $('left').textContent = Math.ceil(v.left_s) + ' s left';
    var box = $('choices');
    var total = 0, i;
    for (i = 0; i < v.choices.length; i++) total += v.choices[i].count;
    if (box.children.length !== v.choices.length) {
      box.innerHTML = '';
      for (i = 0; i < v.choices.length; i++) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'choice';
        b.setAttribute('data-choice', i);
        b.onclick = vote;
        box.appendChild(b);
      }
    }
    for (i = 0; i < v.choices.length; i++) {
      var c = v.choices[i], btn = box.children[i];
      btn.textContent = c.text + ' — ' + c.count;
      btn.className = 'choice' + (i === myChoice ? ' mine' : '');
      var bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = (total ? Math.round(100 * c.count / total) : 0) + '%';
      btn.appendChild(bar);
    }
  }

  function vote(e) {
    var i = +e.currentTarget.getAttribute('data-choice');
    request('POST', '/api/audience/vote', String(i), function (code, r) {
      if (r && r.state === 'counted') myChoice = i;
      if (r) show(r.state, r.reason);
      poll();
    });
  }

  function poll() {
    request('GET', '/api/audience/state?id=' + lineId, null, function (code, r) {
      if (!r) return;
      mode = r.mode;
      if (r.max_len) {
        $('line').maxLength = r.max_len;
        $('max').textContent = r.max_len;
      }
      $('line-label').textContent = mode === 'vote' ? 'Or say it in your words' : 'Your line';
      if (lineId && r.line.state !== 'unknown') show(r.line.state, r.line.reason);
      renderVote(r.vote);
    });
  }

  function connect() {
    if (!window.WebSocket) return;
    var ws;
    try { ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/audience'); }
    catch (e) { return; }
    ws.onopen = function () { live = true; $('link').textContent = 'live'; };
    ws.onclose = function () {
      live = false;
      $('link').textContent = 'reconnecting… (updates every 2 s meanwhile)';
      setTimeout(connect, 3000);
    };
    ws.onmessage = function (m) {
      var r;
      try { r = JSON.parse(m.data); } catch (e) { return; }
      if (r.type === 'line' && r.id === lineId) show(r.state, r.reason);
      if (r.type === 'vote') poll();
    };
  }

  $('line').oninput = function () { $('count').textContent = $('line').value.length; };
  $('send').onsubmit = function (e) {
    e.preventDefault();
    var text = $('line').value;
    if (!text.replace(/\s/g, '')) return;
    $('submit').disabled = true;
    show('sent');
    request('POST', '/api/audience/line', text, function (code, r) {
      $('submit').disabled = false;
      if (!r) { show('rejected', 'the installation did not answer, try again'); return; }
      lineId = r.id;
      show(r.state, r.reason);
      if (r.state !== 'rejected') $('line').value = '';
      $('count').textContent = $('line').value.length;
    });
  };
  setInterval(function () { if (!live || mode === 'vote') poll(); }, 2000);
  poll();
  connect();
})();
