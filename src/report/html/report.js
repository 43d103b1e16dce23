// postmortem HTML report. Reads the JSON block #pm-data; inserts log text with textContent only.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    document.body.dataset.errors = errors.join(' | ');
  });

  var D = JSON.parse(document.getElementById('pm-data').textContent);
  var AT = 0, LAST = 1, LANE = 2, SEV = 3, COUNT = 4, PATH = 5, LINE = 6, OBJ = 7, MSG = 8;
  var COLORS = { critical: '#b91c1c', error: '#ef4444', warning: '#f59e0b', info: '#3b82f6', debug: '#9ca3af', unknown: '#6b7280' };
  var BANDS = { NotReady: 'rgba(239,68,68,0.14)', DiskPressure: 'rgba(245,158,11,0.18)' };
  var NS = 'http://www.w3.org/2000/svg';
  var LABEL_W = 200, LANE_H = 16, AXIS_H = 22, FIND_H = 15, BIN = 3, PAGE = 200;
  var rows = D.rows;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(ms) {
    if (ms === null || ms === undefined) return '?';
    return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  }
  function sevName(i) { return D.severities[i] || 'unknown'; }
  function sevRank(name) { var i = D.severities.indexOf(name); return i < 0 ? 0 : i; }

  // Nodes and lanes. Lanes arrive sorted by node then component, so a node's lanes are contiguous.
  var nodes = [];
  D.lanes.forEach(function (l) { if (nodes.indexOf(l[0]) < 0) nodes.push(l[0]); });
  var enabled = {};
  nodes.forEach(function (n) { enabled[n] = true; });
  var laneRows = D.lanes.map(function () { return []; });
  rows.forEach(function (r, i) { if (r[AT] !== null) laneRows[r[LANE]].push(i); });

  // The whole extent: rows, findings and periods.
  var tMin = Infinity, tMax = -Infinity;
  function extend(t) { if (t !== null && t !== undefined) { tMin = Math.min(tMin, t); tMax = Math.max(tMax, t); } }
  rows.forEach(function (r) { extend(r[AT]); extend(r[LAST]); });
  D.findings.forEach(function (f) { extend(f.start); extend(f.end); });
  D.periods.forEach(function (p) { extend(p.start); extend(p.end); });
  if (!isFinite(tMin)) { tMin = 0; tMax = 60000; }
  if (tMax - tMin < 1000) { tMax = tMin + 1000; }
  var pad = (tMax - tMin) * 0.02;
  var full = { t0: tMin - pad, t1: tMax + pad };
  var view = { t0: full.t0, t1: full.t1 };
  var state = { minSev: 0, finding: -1, search: '', page: 0, count: 0 };
  var geo = { top: 0, plotW: 1, lanes: [], bins: [] };

  function x(t) { return LABEL_W + (t - view.t0) / (view.t1 - view.t0) * geo.plotW; }
  function tAt(px) { return view.t0 + (px - LABEL_W) / geo.plotW * (view.t1 - view.t0); }
  function lowerBound(idx, t) {
    var lo = 0, hi = idx.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (rows[idx[mid]][AT] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  var STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800]
    .map(function (s) { return s * 1000; });
  function tickLabel(t, step) {
    var s = new Date(t).toISOString();
    if (step >= 86400000) return s.slice(0, 10);
    if (step >= 60000) return s.slice(11, 16);
    return s.slice(11, 19);
  }

  function draw() {
    var svg = $('pm-svg');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = Math.max($('pm-chart').clientWidth, 600);
    geo.plotW = W - LABEL_W - 8;
    geo.lanes = [];
    D.lanes.forEach(function (l, i) { if (enabled[l[0]]) geo.lanes.push(i); });
    var nf = D.findings.length;
    geo.top = AXIS_H + nf * FIND_H + (nf ? 8 : 0);
    var H = geo.top + geo.lanes.length * LANE_H + 8;
    svg.setAttribute('height', H);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);

    // Axis.
    var range = view.t1 - view.t0;
    var step = STEPS[STEPS.length - 1];
    for (var s = 0; s < STEPS.length; s++) { if (range / STEPS[s] <= geo.plotW / 90) { step = STEPS[s]; break; } }
    for (var t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) {
      var tx = x(t);
      svg.appendChild(svgEl('line', { x1: tx, x2: tx, y1: AXIS_H - 4, y2: H, stroke: '#eef0f3' }));
      svg.appendChild(svgEl('text', { x: tx + 2, y: 12, 'class': 'pm-axis' }, tickLabel(t, step)));
    }
    svg.appendChild(svgEl('text', { x: 4, y: 12, 'class': 'pm-axis' }, 'UTC ' + new Date(view.t0).toISOString().slice(0, 10)));

    // Node periods as bands across the node's lanes.
    D.periods.forEach(function (p) {
      var ks = [];
      geo.lanes.forEach(function (li, k) { if (D.lanes[li][0] === p.node) ks.push(k); });
      if (!ks.length) return;
      var x0 = Math.max(x(p.start), LABEL_W), x1 = Math.min(x(p.end === null ? full.t1 : p.end), W);
      if (x1 <= LABEL_W || x0 >= W) return;
      var r = svgEl('rect', { x: x0, y: geo.top + ks[0] * LANE_H, width: Math.max(x1 - x0, 1), height: ks.length * LANE_H,
        fill: BANDS[p.state] || 'rgba(0,0,0,0.08)', 'class': 'pm-band' });
      r.appendChild(svgEl('title', {}, p.node + ' ' + p.state + ' ' + fmt(p.start) + ' → ' + fmt(p.end)));
      svg.appendChild(r);
    });

    // Findings as spans, one row each.
    D.findings.forEach(function (f, i) {
      var y = AXIS_H + i * FIND_H;
      svg.appendChild(svgEl('text', { x: 4, y: y + 11, 'class': 'pm-lane-label' }, clip(f.id, 30)));
      if (f.start === null) return;
      var x0 = Math.max(x(f.start), LABEL_W), x1 = Math.min(x(f.end === null ? f.start : f.end), W);
      if (x1 < LABEL_W || x0 > W) return;
      var r = svgEl('rect', { x: x0, y: y + 2, width: Math.max(x1 - x0, 3), height: FIND_H - 4, rx: 2,
        fill: COLORS[f.severity] || COLORS.info, opacity: state.finding === i ? 1 : 0.7, 'class': 'pm-finding', 'data-finding': i });
      svg.appendChild(r);
      var chain = f.caused_by.length ? ' ← ' + f.caused_by.join(', ') : '';
      svg.appendChild(svgEl('text', { x: x0 + 4, y: y + 11 }, clip(f.title, 80) + chain));
    });
    if (state.finding >= 0) {
      var sf = D.findings[state.finding];
      if (sf.start !== null) {
        var hx0 = Math.max(x(sf.start), LABEL_W), hx1 = Math.min(x(sf.end === null ? sf.start : sf.end), W);
        svg.appendChild(svgEl('rect', { x: hx0, y: geo.top, width: Math.max(hx1 - hx0, 2), height: geo.lanes.length * LANE_H,
          fill: 'none', stroke: COLORS[sf.severity] || '#333', 'stroke-dasharray': '4 3' }));
      }
    }

    // Lanes: label, then marks binned per BIN pixels (the most severe row of a bin gives its colour).
    geo.bins = [];
    geo.lanes.forEach(function (li, k) {
      var y = geo.top + k * LANE_H;
      var lane = D.lanes[li];
      if (k > 0 && D.lanes[geo.lanes[k - 1]][0] !== lane[0]) {
        svg.appendChild(svgEl('line', { x1: 0, x2: W, y1: y, y2: y, stroke: '#d1d5db' }));
      }
      var label = svgEl('text', { x: 4, y: y + 12, 'class': 'pm-lane-label' }, clip(lane[0] + ' · ' + lane[1], 32));
      label.appendChild(svgEl('title', {}, lane[0] + ' · ' + lane[1]));
      svg.appendChild(label);
      var bins = new Map();
      var idx = laneRows[li];
      for (var j = lowerBound(idx, view.t0); j < idx.length; j++) {
        var r = rows[idx[j]];
        if (r[AT] > view.t1) break;
        if (r[SEV] < state.minSev) continue;
        var b = Math.floor((x(r[AT]) - LABEL_W) / BIN);
        var e = bins.get(b);
        if (!e) { e = { n: 0, occ: 0, sev: 0, first: idx[j] }; bins.set(b, e); }
        e.n += 1; e.occ += r[COUNT];
        if (r[SEV] > e.sev) { e.sev = r[SEV]; e.first = idx[j]; }
      }
      bins.forEach(function (e, b) {
        svg.appendChild(svgEl('rect', { x: LABEL_W + b * BIN, y: y + 3, width: BIN - 0.5, height: LANE_H - 6,
          fill: COLORS[sevName(e.sev)] || COLORS.info, 'class': 'pm-mark' }));
      });
      geo.bins.push(bins);
    });
  }

  function clip(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  // Hover: the bin under the pointer (or a neighbour), or the finding span.
  var tip = $('pm-tip');
  function hover(ev) {
    var svg = $('pm-svg');
    var box = svg.getBoundingClientRect();
    var px = ev.clientX - box.left, py = ev.clientY - box.top;
    var text = null;
    if (py >= geo.top && px >= LABEL_W) {
      var k = Math.floor((py - geo.top) / LANE_H);
      var bins = geo.bins[k];
      if (bins) {
        var b = Math.floor((px - LABEL_W) / BIN);
        var e = bins.get(b) || bins.get(b - 1) || bins.get(b + 1);
        if (e) {
          var r = rows[e.first], lane = D.lanes[r[LANE]];
          text = fmt(r[AT]) + '  ' + sevName(r[SEV]) + (e.n > 1 ? '  (' + e.n + ' rows, ' + e.occ + ' lines here)' : r[COUNT] > 1 ? '  ×' + r[COUNT] : '') +
            '\n' + lane[0] + ' · ' + lane[1] + (r[OBJ] ? ' · ' + r[OBJ] : '') + '\n' + r[MSG] + '\n' + D.paths[r[PATH]] + ':' + r[LINE];
        }
      }
    } else if (py >= AXIS_H && py < geo.top) {
      var f = D.findings[Math.floor((py - AXIS_H) / FIND_H)];
      if (f) {
        text = f.severity + ' · ' + f.id + '\n' + f.title + '\n' + fmt(f.start) + ' → ' + fmt(f.end) +
          (f.caused_by.length ? '\ncaused by ' + f.caused_by.join(', ') : '');
      }
    }
    if (text === null) { tip.hidden = true; return; }
    tip.textContent = text;
    tip.hidden = false;
    var cw = $('pm-chart').clientWidth;
    tip.style.left = Math.min(px + 12, Math.max(cw - 420, 0)) + 'px';
    tip.style.top = (py + 14) + 'px';
  }

  // Zoom on the wheel around the pointer; pan by dragging.
  var frame = 0;
  function redraw() { if (!frame) frame = requestAnimationFrame(function () { frame = 0; draw(); }); }
  function zoom(ev) {
    ev.preventDefault();
    var box = $('pm-svg').getBoundingClientRect();
    var tc = tAt(Math.max(ev.clientX - box.left, LABEL_W));
    var k = ev.deltaY < 0 ? 0.8 : 1.25;
    var t0 = tc - (tc - view.t0) * k, t1 = tc + (view.t1 - tc) * k;
    if (t1 - t0 < 200) return;
    view.t0 = t0; view.t1 = t1;
    draw();
  }
  var drag = null;
  $('pm-chart').addEventListener('mousedown', function (ev) {
    drag = { x: ev.clientX, t0: view.t0, t1: view.t1 };
    $('pm-chart').classList.add('pm-dragging');
  });
  window.addEventListener('mouseup', function () { drag = null; $('pm-chart').classList.remove('pm-dragging'); });
  window.addEventListener('mousemove', function (ev) {
    if (!drag) return;
    var dt = (ev.clientX - drag.x) / geo.plotW * (drag.t1 - drag.t0);
    view.t0 = drag.t0 - dt; view.t1 = drag.t1 - dt;
    redraw();
  });
  $('pm-svg').addEventListener('mousemove', hover);
  $('pm-svg').addEventListener('mouseleave', function () { tip.hidden = true; });
  $('pm-svg').addEventListener('wheel', zoom, { passive: false });
  $('pm-svg').addEventListener('click', function (ev) {
    var t = ev.target;
    if (t && t.getAttribute && t.getAttribute('data-finding') !== null) selectFinding(Number(t.getAttribute('data-finding')));
  });
  $('pm-reset').addEventListener('click', function () { view.t0 = full.t0; view.t1 = full.t1; draw(); });
  window.addEventListener('resize', redraw);

  // Filters.
  var sevSelect = $('pm-severity');
  D.severities.forEach(function (s, i) {
    var o = el('option', null, i === 0 ? 'any' : s);
    o.value = String(i);
    sevSelect.appendChild(o);
  });
  sevSelect.addEventListener('change', function () { state.minSev = Number(sevSelect.value); state.page = 0; draw(); table(); });
  var findSelect = $('pm-finding');
  D.findings.forEach(function (f, i) {
    var o = el('option', null, f.id + ' — ' + clip(f.title, 60));
    o.value = String(i);
    findSelect.appendChild(o);
  });
  findSelect.addEventListener('change', function () { selectFinding(findSelect.value === '' ? -1 : Number(findSelect.value)); });
  var nodeBox = $('pm-nodes');
  nodes.forEach(function (n) {
    var l = el('label');
    var c = document.createElement('input');
    c.type = 'checkbox'; c.checked = true; c.value = n;
    c.addEventListener('change', function () { enabled[n] = c.checked; state.page = 0; draw(); table(); });
    l.appendChild(c);
    l.appendChild(document.createTextNode(' ' + n));
    nodeBox.appendChild(l);
  });
  var search = $('pm-search');
  search.addEventListener('input', function () { state.search = search.value.toLowerCase(); state.page = 0; table(); });
  $('pm-prev').addEventListener('click', function () { if (state.page > 0) { state.page--; table(); } });
  $('pm-next').addEventListener('click', function () { if ((state.page + 1) * PAGE < state.count) { state.page++; table(); } });

  function selectFinding(i) {
    state.finding = i;
    state.page = 0;
    findSelect.value = i < 0 ? '' : String(i);
    var items = $('pm-findings').children;
    for (var k = 0; k < items.length; k++) items[k].classList.toggle('pm-selected', k === i);
    if (i >= 0) {
      var f = D.findings[i];
      if (f.start !== null) {
        var end = f.end === null ? f.start : f.end;
        var m = Math.max((end - f.start) * 0.15, 30000);
        view.t0 = f.start - m; view.t1 = end + m;
      }
    }
    draw();
    table();
  }

  // A finding's rows: its evidence lines, and rows in its window about its subjects.
  function findingFilter(f) {
    var evidence = new Set(f.evidence.map(function (e) { return e[0] + ':' + e[1]; }));
    var nodesOf = new Set(), objects = [];
    f.subjects.forEach(function (s) { if (s.indexOf('node/') === 0) nodesOf.add(s.slice(5)); else objects.push(s); });
    var end = f.end === null ? f.start : f.end;
    return function (r) {
      if (evidence.has(D.paths[r[PATH]] + ':' + r[LINE])) return 2;
      if (f.start === null || r[AT] === null || r[LAST] < f.start || r[AT] > end) return 0;
      if (nodesOf.has(D.lanes[r[LANE]][0])) return 1;
      var o = r[OBJ];
      for (var k = 0; k < objects.length; k++) if (o && (o === objects[k] || o.indexOf(objects[k]) === 0 || objects[k].indexOf(o) === 0)) return 1;
      return 0;
    };
  }

  function table() {
    var ff = state.finding >= 0 ? findingFilter(D.findings[state.finding]) : null;
    var q = state.search;
    var shown = [], marks = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], lane = D.lanes[r[LANE]];
      if (!enabled[lane[0]]) continue;
      var m = ff ? ff(r) : 0;
      if (ff && m === 0) continue;
      if (r[SEV] < state.minSev && m !== 2) continue;
      if (q && (r[MSG] + ' ' + r[OBJ] + ' ' + D.paths[r[PATH]] + ' ' + lane[0] + ' ' + lane[1]).toLowerCase().indexOf(q) < 0) continue;
      shown.push(i); marks.push(m);
    }
    state.count = shown.length;
    var body = $('pm-rows');
    while (body.firstChild) body.removeChild(body.firstChild);
    var from = state.page * PAGE, to = Math.min(from + PAGE, shown.length);
    for (var k = from; k < to; k++) {
      var row = rows[shown[k]], ln = D.lanes[row[LANE]];
      var tr = el('tr', marks[k] === 2 ? 'pm-evidence' : null);
      [fmt(row[AT]), ln[0], ln[1], row[OBJ], sevName(row[SEV]), row[COUNT] > 1 ? row[COUNT] : '', row[MSG],
        D.paths[row[PATH]] + ':' + row[LINE]].forEach(function (v) { tr.appendChild(el('td', null, v)); });
      body.appendChild(tr);
    }
    $('pm-page').textContent = shown.length ? (from + 1) + '–' + to + ' of ' + shown.length : 'no rows';
  }

  function findingsList() {
    var list = $('pm-findings');
    if (!D.findings.length) { list.appendChild(el('li', null, 'No findings.')); return; }
    D.findings.forEach(function (f, i) {
      var li = el('li');
      var det = el('details');
      var sum = el('summary');
      sum.appendChild(el('span', 'pm-badge pm-sev-' + f.severity, f.severity));
      sum.appendChild(el('span', 'pm-ftitle', f.title + ' '));
      if (f.known) sum.appendChild(el('span', 'pm-known', 'known '));
      sum.appendChild(el('code', null, f.id));
      if (f.caused_by.length) sum.appendChild(el('span', 'pm-chain', ' ← caused by ' + f.caused_by.join(', ')));
      var show = el('button', 'pm-show', 'show');
      show.type = 'button';
      show.addEventListener('click', function (ev) { ev.preventDefault(); selectFinding(state.finding === i ? -1 : i); });
      sum.appendChild(document.createTextNode(' '));
      sum.appendChild(show);
      det.appendChild(sum);
      li.appendChild(det);
      var body = el('div', 'pm-fbody');
      body.appendChild(el('div', 'pm-fmeta', fmt(f.start) + ' → ' + fmt(f.end) + ' · ' + f.subjects.join(', ')));
      if (f.measured.length) {
        body.appendChild(el('div', 'pm-fmeta', f.measured.map(function (m) { return m[0] + ' ' + m[1]; }).join(' · ')));
      }
      if (f.known) body.appendChild(el('div', 'pm-fmeta', 'Known issue: ' + f.known[0] + (f.known[1] ? ' (' + f.known[1] + ')' : '')));
      body.appendChild(el('p', null, f.explanation));
      body.appendChild(el('p', null, 'Remediation: ' + f.remediation));
      body.appendChild(el('div', 'pm-fmeta', 'Evidence: ' + f.evidence.map(function (e) { return e[0] + ':' + e[1]; }).join(', ')));
      det.appendChild(body);
      list.appendChild(li);
    });
  }

  function legend() {
    var lg = $('pm-legend');
    ['critical', 'error', 'warning', 'info'].forEach(function (s) {
      var sp = el('span', null, '■ ' + s);
      sp.style.color = COLORS[s];
      lg.appendChild(sp);
    });
    Object.keys(BANDS).forEach(function (b) {
      var sp = el('span', null, '▮ ' + b);
      sp.style.color = BANDS[b].replace(/0\.1\d\)$/, '0.7)');
      lg.appendChild(sp);
    });
  }

  $('pm-summary').textContent = rows.length + ' timeline rows from ' + D.inputs + ' inputs · ' + nodes.length + ' nodes · ' +
    D.lanes.length + ' lanes · ' + D.findings.length + ' findings · ' + fmt(tMin) + ' → ' + fmt(tMax) + ' UTC';
  findingsList();
  legend();
  draw();
  table();

  // `#selftest`: drives the page as a user would and writes the verdict on <body data-selftest>.
  function selftest() {
    var fail = [];
    function expectCount(pred) { var n = 0; rows.forEach(function (r) { if (enabled[D.lanes[r[LANE]][0]] && pred(r)) n++; }); return n; }
    try {
      var svg = $('pm-svg');
      var spans = D.findings.filter(function (f) { return f.start !== null; }).length;
      if (svg.querySelectorAll('rect.pm-finding').length !== spans) fail.push('finding spans');
      var mark = svg.querySelector('rect.pm-mark');
      if (rows.length && !mark) fail.push('no marks');
      if (mark) {
        var b = mark.getBoundingClientRect();
        svg.dispatchEvent(new MouseEvent('mousemove', { clientX: b.left + b.width / 2, clientY: b.top + b.height / 2, bubbles: true }));
        if (tip.hidden || !tip.textContent) fail.push('hover shows nothing');
        else document.body.dataset.hover = tip.textContent.slice(0, 300);
      }
      if (state.count !== rows.length) fail.push('table shows ' + state.count + ' of ' + rows.length);
      sevSelect.value = String(sevRank('warning'));
      sevSelect.dispatchEvent(new Event('change'));
      var want = expectCount(function (r) { return r[SEV] >= sevRank('warning'); });
      if (state.count !== want) fail.push('severity filter: ' + state.count + ' rows, expected ' + want);
      sevSelect.value = '0';
      sevSelect.dispatchEvent(new Event('change'));
      if (nodes.length > 1) {
        var box = nodeBox.querySelector('input');
        box.checked = false;
        box.dispatchEvent(new Event('change'));
        var wantNodes = expectCount(function () { return true; });
        if (state.count !== wantNodes) fail.push('node filter: ' + state.count + ' rows, expected ' + wantNodes);
        box.checked = true;
        box.dispatchEvent(new Event('change'));
      }
      var before = view.t1 - view.t0;
      var sb = svg.getBoundingClientRect();
      svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, clientX: sb.left + LABEL_W + 50, clientY: sb.top + geo.top + 2, bubbles: true, cancelable: true }));
      if (!(view.t1 - view.t0 < before)) fail.push('zoom');
      // Pan: drag the chart 100 px to the left; the window moves later in time by as much.
      var t0 = view.t0, chart = $('pm-chart');
      chart.dispatchEvent(new MouseEvent('mousedown', { clientX: sb.left + 400, clientY: sb.top + 30, bubbles: true }));
      window.dispatchEvent(new MouseEvent('mousemove', { clientX: sb.left + 300, clientY: sb.top + 30, bubbles: true }));
      window.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
      if (!(view.t0 > t0)) fail.push('pan');
      if (D.findings.length) {
        findSelect.value = '0';
        findSelect.dispatchEvent(new Event('change'));
        if (state.count === 0 && D.findings[0].evidence.length) fail.push('finding filter shows no rows');
        findSelect.value = '';
        findSelect.dispatchEvent(new Event('change'));
      }
      search.value = 'zzzz-no-such-text';
      search.dispatchEvent(new Event('input'));
      if (state.count !== 0) fail.push('search');
      search.value = '';
      search.dispatchEvent(new Event('input'));
    } catch (e) {
      fail.push('exception: ' + e.message);
    }
    document.body.dataset.selftest = fail.length ? 'fail: ' + fail.join('; ') : 'pass';
  }
  if (location.hash === '#selftest') selftest();
})();
