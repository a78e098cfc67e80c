/* The operator's moderation page: the waiting lines, oldest first, with
 * their ages; single keys approve or reject the selected one. The token
 * comes from ?token= once (then kept in this tab) or the form. */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem('mz_token') || '';
  var m = /[?&]token=([^&]+)/.exec(location.search);
  if (m) {
    token = decodeURIComponent(m[1]);
    sessionStorage.setItem('mz_token', token);
    history.replaceState(null, '', location.pathname);
  }
  var lines = [], selected = 0;

  function request(method, body, done) {
    var x = new XMLHttpRequest();
    x.open(method, '/api/moderation', true);
    x.setRequestHeader('Authorization', 'Bearer ' + token);
    x.setRequestHeader('Content-Type', 'text/plain');
    x.onreadystatechange = function () {
      if (x.readyState !== 4) return;
      if (x.status === 401) { $('login').hidden = false; return; }
      var r = null;
      try { r = JSON.parse(x.responseText); } catch (e) { r = null; }
      done(x.status, r);
    };
    x.send(body);
  }

  function render() {
    var rows = $('rows');
    rows.innerHTML = '';
    $('queue').hidden = lines.length === 0;
    $('empty').hidden = lines.length > 0;
    if (selected >= lines.length) selected = lines.length - 1;
    if (selected < 0) selected = 0;
    for (var i = 0; i < lines.length; i++) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-id', lines[i].id);
      if (i === selected) tr.className = 'selected';
      var age = document.createElement('td'), text = document.createElement('td');
      age.textContent = Math.floor(lines[i].age_s) + ' s';
      text.textContent = lines[i].text;
      tr.appendChild(age);
      tr.appendChild(text);
      rows.appendChild(tr);
    }
  }

  function refresh() {
    request('GET', null, function (code, r) {
      if (!r || !r.waiting) { $('link').textContent = 'no answer (' + code + ')'; return; }
      $('login').hidden = true;
      $('link').textContent = 'up to date';
      var id = lines[selected] && lines[selected].id;
      lines = r.waiting;
      for (var i = 0; i < lines.length; i++) if (lines[i].id === id) selected = i;
      render();
    });
  }

  function decide(approve) {
    var line = lines[selected];
    if (!line) return;
    request('POST', (approve ? 'approve ' : 'reject ') + line.id, function () { refresh(); });
    lines.splice(selected, 1);
    render();
  }

  document.onkeydown = function (e) {
    if (e.target && e.target.tagName === 'INPUT') return;
    var k = e.key;
    if (k === 'ArrowDown' || k === 'j') selected++;
    else if (k === 'ArrowUp' || k === 'k') selected--;
    else if (k === 'a' || k === 'Enter') return decide(true);
    else if (k === 'r' || k === 'Delete' || k === 'Backspace') return decide(false);
    else return;
    e.preventDefault();
    render();
  };
  $('login').onsubmit = function (e) {
    e.preventDefault();
    token = $('token').value;
    sessionStorage.setItem('mz_token', token);
    refresh();
  };
  setInterval(refresh, 1000);
  refresh();
})();
