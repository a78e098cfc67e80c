// press_attract.html's script (see there).
'use strict';
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const frame = document.getElementById('page');
frame.src = '/operator.html#token=' + encodeURIComponent(token);
const timer = setInterval(() => {
  const d = frame.contentDocument;
  const state = d && d.getElementById('state');
  if (state && state.dataset.state === 'playing') {
    clearInterval(timer);
    d.getElementById('btn-attract').click();
  }
}, 100);
