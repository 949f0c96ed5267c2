// The dashboard's only script (no build step): live refresh of each page's [data-live] region and
// the host page's uPlot charts. Works without it too: every page is complete HTML.
'use strict';
(function () {
  var body = document.body;
  var refreshSeconds = Number(body.getAttribute('data-refresh')) || 0;
  var stopped = false;

  function withFragment(href) {
    var url = new URL(href, location.href);
    url.searchParams.set('fragment', '1');
    url.hash = '';
    return url.toString();
  }

  // Re-reads the page's live region. Skipped while the user is inside it (focus on a button, a
  // selection, a close reason being typed) so a refresh never steals the keyboard; sizes are fixed by CSS so nothing jumps.
  function refreshLive() {
    var live = document.getElementById('live');
    if (!live || stopped || document.hidden) return Promise.resolve();
    return fetch(withFragment(location.href), { credentials: 'same-origin', redirect: 'manual', headers: { accept: 'text/html' } })
      .then(function (response) {
        if (response.type === 'opaqueredirect' || response.status === 401) {
          stopped = true; // signed out elsewhere: the next navigation shows the login
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (text) {
        if (text === null || text === undefined) return;
        if (live.contains(document.activeElement) && document.activeElement !== live) return;
        // A close reason typed but not sent yet survives the refresh too.
        var typed = Array.prototype.some.call(live.querySelectorAll('input[name="reason"]'), function (input) {
          return input.value !== '';
        });
        if (typed) return;
        if (live.innerHTML !== text) live.innerHTML = text;
        live.setAttribute('data-refreshed', String(Date.now()));
      })
      .catch(function () {
        /* the next tick tries again */
      });
  }

  // ---- charts (host page) ---------------------------------------------------------------
  var charts = document.querySelector('.charts');
  var plots = {};
  var hostData = null;

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  var RANGE_SECONDS = { '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800, '30d': 2592000 };

  function drawOverlays(metric) {
    return function (u) {
      var ctx = u.ctx;
      var th = hostData && hostData.thresholds[metric];
      var left = u.bbox.left,
        top = u.bbox.top,
        width = u.bbox.width,
        height = u.bbox.height;
      ctx.save();
      // Periods when an alert of the check behind this chart was open.
      if (th && hostData.alerts) {
        hostData.alerts.forEach(function (a) {
          if (a.check_key !== th.check_key) return;
          var from = Date.parse(a.from) / 1000;
          var to = a.to ? Date.parse(a.to) / 1000 : Date.now() / 1000;
          var x0 = Math.max(left, u.valToPos(from, 'x', true));
          var x1 = Math.min(left + width, u.valToPos(to, 'x', true));
          if (x1 <= x0) return;
          ctx.fillStyle = a.severity === 'critical' ? css('--crit-shade') : css('--warn-shade');
          ctx.fillRect(x0, top, x1 - x0, height);
        });
      }
      [
        ['warn', css('--warn')],
        ['crit', css('--crit')],
      ].forEach(function (pair) {
        var value = th && th[pair[0]];
        if (value === null || value === undefined) return;
        var y = Math.round(u.valToPos(value, 'y', true)) + 0.5;
        if (y < top || y > top + height) return;
        ctx.strokeStyle = pair[1];
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + width, y);
        ctx.stroke();
        u.root.closest('figure').setAttribute('data-' + pair[0] + '-y', String(y / devicePixelRatio));
      });
      ctx.restore();
    };
  }

  function chartWidth(figure) {
    return Math.max(200, figure.clientWidth - 2);
  }

  function drawCharts(series, range) {
    var to = Math.floor(Date.now() / 1000);
    var from = to - RANGE_SECONDS[range];
    charts.querySelectorAll('.chart').forEach(function (figure) {
      var metric = figure.getAttribute('data-metric');
      var m = series.metrics[metric];
      var data = [series.t, m.avg, m.max];
      var pctScale = metric !== 'load_1';
      var existing = plots[metric];
      if (existing) {
        existing.setData(data, false);
        existing.setScale('x', { min: from, max: to });
        return;
      }
      var th = hostData && hostData.thresholds[metric];
      var opts = {
        width: chartWidth(figure),
        height: 180,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true, min: from, max: to, auto: false },
          y: pctScale
            ? { auto: false, range: [0, 100] }
            : {
                range: function (u, min, max) {
                  return [0, Math.max(1, max || 0, (th && th.crit) || 0) * 1.1];
                },
              },
        },
        axes: [
          { stroke: css('--muted'), grid: { stroke: css('--grid') }, ticks: { stroke: css('--grid') } },
          { stroke: css('--muted'), grid: { stroke: css('--grid') }, ticks: { stroke: css('--grid') }, size: 44 },
        ],
        series: [
          {},
          { label: 'avg', stroke: css('--line'), width: 1.5, spanGaps: false },
          { label: 'max', stroke: css('--line-faint'), width: 1, spanGaps: false },
        ],
        hooks: { draw: [drawOverlays(metric)] },
      };
      var plotEl = figure.querySelector('.plot');
      plots[metric] = new uPlot(opts, data, plotEl);
      figure.setAttribute('data-drawn', '1');
    });
  }

  function loadCharts() {
    if (!charts || typeof uPlot === 'undefined') return Promise.resolve();
    var host = charts.getAttribute('data-host');
    var range = charts.getAttribute('data-range');
    var base = '/api/v1/hosts/' + encodeURIComponent(host);
    return Promise.all([
      fetch(base + '/samples?from=' + range, { credentials: 'same-origin' }).then(function (r) {
        return r.ok ? r.json() : null;
      }),
      fetch(base, { credentials: 'same-origin' }).then(function (r) {
        return r.ok ? r.json() : null;
      }),
    ])
      .then(function (answers) {
        if (!answers[0]) return;
        if (answers[1])
          hostData = {
            thresholds: answers[1].thresholds,
            alerts: answers[1].alerts.map(function (a) {
              return { check_key: a.check_key, severity: a.severity, from: a.triggered_at, to: a.resolved_at };
            }),
          };
        drawCharts(answers[0], range);
        charts.setAttribute('data-points', String(answers[0].points));
      })
      .catch(function () {
        /* next refresh */
      });
  }

  if (charts) {
    var embedded = document.getElementById('host-data');
    if (embedded) hostData = JSON.parse(embedded.textContent);
    document.querySelectorAll('.ranges a[data-range]').forEach(function (link) {
      link.addEventListener('click', function (event) {
        event.preventDefault();
        var range = link.getAttribute('data-range');
        charts.setAttribute('data-range', range);
        document.querySelectorAll('.ranges a').forEach(function (other) {
          other.removeAttribute('aria-current');
        });
        link.setAttribute('aria-current', 'true');
        history.replaceState(null, '', '?range=' + range + '#charts');
        loadCharts();
      });
    });
    var resizeTimer = null;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        charts.querySelectorAll('.chart').forEach(function (figure) {
          var plot = plots[figure.getAttribute('data-metric')];
          if (plot) plot.setSize({ width: chartWidth(figure), height: 180 });
        });
      }, 150);
    });
    loadCharts();
  }

  if (refreshSeconds > 0) {
    setInterval(function () {
      refreshLive();
      if (charts) loadCharts();
    }, refreshSeconds * 1000);
  }
})();
