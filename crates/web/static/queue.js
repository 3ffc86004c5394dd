// Queue screens. No inline script (the CSP forbids it); each page says what it is in
// <body data-page="…">. Everything here is progressive: without JavaScript the pages work and
// refresh themselves.
(function () {
  "use strict";
  var body = document.body;
  var pageKind = body.getAttribute("data-page");

  function events(office, onFrame, onState) {
    // EventSource reconnects by itself; the server sends the whole board on every (re)connect,
    // so a display that lost its connection catches up at once.
    var es = new EventSource("/api/v1/public/offices/" + encodeURIComponent(office) + "/events");
    var handle = function (e) {
      try { onFrame(JSON.parse(e.data)); } catch (err) { /* ignore a malformed frame */ }
    };
    es.addEventListener("board", handle);
    es.addEventListener("call", handle);
    es.onopen = function () { if (onState) onState(true); };
    es.onerror = function () { if (onState) onState(false); };
    return es;
  }

  function text(el, s) { if (el) el.textContent = s; }

  // ---- Lobby display --------------------------------------------------------------------
  function chime(ctx) {
    if (!ctx) return;
    [880, 660].forEach(function (f, i) {
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = f;
      o.connect(g); g.connect(ctx.destination);
      var t = ctx.currentTime + i * 0.35;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
      o.start(t); o.stop(t + 0.32);
    });
  }

  function speak(s) {
    if (!("speechSynthesis" in window)) return;
    var u = new SpeechSynthesisUtterance(s);
    u.lang = "vi-VN";
    u.rate = 0.9;
    var vi = window.speechSynthesis.getVoices().filter(function (v) { return /^vi/i.test(v.lang); });
    if (vi.length) u.voice = vi[0];
    window.speechSynthesis.speak(u);
  }

  function renderBoard(f) {
    var b = f.view;
    text(document.getElementById("d-time"), b.generated_at);
    text(document.getElementById("d-served"), String(b.served_today));
    var tbody = document.getElementById("d-counters");
    if (tbody) {
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      b.counters.forEach(function (c) {
        var tr = document.createElement("tr");
        tr.setAttribute("data-counter", String(c.number));
        var cls = [];
        if (c.state === "called") cls.push("called");
        if (!c.open) cls.push("closed");
        tr.className = cls.join(" ");
        var td1 = document.createElement("td");
        var n = document.createElement("span"); n.className = "cnum"; n.textContent = String(c.number);
        var nm = document.createElement("span"); nm.className = "cname"; nm.textContent = " " + c.name;
        td1.appendChild(n); td1.appendChild(nm);
        var td2 = document.createElement("td"); td2.className = "ticketno"; td2.textContent = c.ticket || "—";
        tr.appendChild(td1); tr.appendChild(td2);
        tbody.appendChild(tr);
      });
    }
    var next = document.getElementById("d-next");
    if (next) {
      while (next.firstChild) next.removeChild(next.firstChild);
      b.next.forEach(function (num, i) {
        var li = document.createElement("li");
        li.textContent = num;
        var k = b.next_counters ? b.next_counters[i] : null;
        if (k !== null && k !== undefined) {
          var to = document.createElement("span");
          to.className = "to";
          to.textContent = " → " + next.getAttribute("data-counter") + " " + k;
          li.appendChild(to);
        }
        next.appendChild(li);
      });
    }
  }

  // Lobby mode (?sanh=1): after data-idle seconds without a call the counters give way to the
  // office's figures of the month, one slide every data-rotate seconds; a call brings the
  // counters back at once. The figures come from the public statistics (open data).
  function lobbyMode(office) {
    var panel = document.getElementById("d-stats");
    var counters = document.querySelector(".board .now");
    if (!panel || !counters) return null;
    var idle = (parseInt(body.getAttribute("data-idle"), 10) || 20) * 1000;
    var rotate = (parseInt(body.getAttribute("data-rotate"), 10) || 8) * 1000;
    var slides = panel.querySelectorAll(".slide");
    var dots = panel.querySelectorAll(".dots span");
    var comma = panel.getAttribute("data-comma") === "1";
    var loaded = false, k = 0, rot = null, wait = null;
    function pct(v) {
      if (v === null || v === undefined) return panel.getAttribute("data-no-data");
      var s = Number(v).toFixed(2);
      return (comma ? s.replace(".", ",") : s) + " %";
    }
    function slide(i) {
      for (var j = 0; j < slides.length; j++) {
        slides[j].hidden = j !== i;
        if (dots[j]) dots[j].className = j === i ? "on" : "";
      }
    }
    function fill(j) {
      var o = j && j.offices && j.offices[0];
      var m = o && (o.month || o.year);
      if (!m) return;
      text(document.getElementById("s-handled"), String(m.handled));
      [["s-on-time", m.on_time_pct], ["s-satisfied", m.satisfied_pct], ["s-band", m.band]].forEach(function (x) {
        var el = document.getElementById(x[0]);
        if (el) el.className = x[1] === null || x[1] === undefined ? "value none" : "value";
      });
      text(document.getElementById("s-on-time"), pct(m.on_time_pct));
      text(document.getElementById("s-on-time-sub"), m.on_time + "/" + m.returned);
      text(document.getElementById("s-satisfied"), pct(m.satisfied_pct));
      text(document.getElementById("s-ratings"), String(m.ratings));
      var small = document.getElementById("s-small");
      if (small) small.hidden = !m.small_sample;
      text(document.getElementById("s-band"), m.band ? panel.getAttribute("data-band-" + m.band) : panel.getAttribute("data-no-data"));
      text(document.getElementById("s-score"), m.score_pct === null ? "" : pct(m.score_pct));
      loaded = true;
    }
    function load() {
      fetch("/api/v1/public/statistics?office=" + encodeURIComponent(office))
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(fill)
        .catch(function () { /* keep what is shown */ });
    }
    function showFigures() {
      if (!loaded) { wait = setTimeout(showFigures, idle); return; }
      counters.hidden = true;
      panel.hidden = false;
      k = 0;
      slide(k);
      rot = setInterval(function () { k = (k + 1) % slides.length; slide(k); }, rotate);
    }
    function showCalls() {
      panel.hidden = true;
      counters.hidden = false;
      if (rot) clearInterval(rot);
      if (wait) clearTimeout(wait);
      rot = null;
      wait = setTimeout(showFigures, idle);
    }
    load();
    setInterval(load, 10 * 60 * 1000);
    showCalls();
    return showCalls;
  }

  if (pageKind === "display") {
    var office = body.getAttribute("data-office");
    var onCall = body.getAttribute("data-lobby") === "1" ? lobbyMode(office) : null;
    var voice = body.getAttribute("data-voice") === "1";
    var ctx = null;
    try { ctx = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { ctx = null; }
    var soundBtn = document.getElementById("d-sound");
    if (voice && ctx && ctx.state === "suspended" && soundBtn) {
      // Browsers keep sound off until someone touches the screen once (or the TV's browser is
      // started with --autoplay-policy=no-user-gesture-required).
      soundBtn.hidden = false;
      soundBtn.addEventListener("click", function () { ctx.resume(); soundBtn.hidden = true; });
    }
    var conn = document.getElementById("d-conn");
    var liveText = conn ? conn.textContent : "";
    // "Mời số … đến quầy …" stays up for the office's time, and goes at once when that number
    // is no longer waiting at its counter (being served, finished, transferred, no-show).
    var banner = document.getElementById("d-call");
    var bannerTimer = null;
    function clearBanner() {
      if (bannerTimer) clearTimeout(bannerTimer);
      bannerTimer = null;
      if (!banner) return;
      banner.textContent = "";
      banner.removeAttribute("data-number");
    }
    function showBanner(call) {
      if (!banner) return;
      if (bannerTimer) clearTimeout(bannerTimer);
      banner.textContent = call.text;
      banner.setAttribute("data-number", call.number);
      bannerTimer = setTimeout(clearBanner, Math.max(1, call.left) * 1000);
    }
    if (banner && banner.getAttribute("data-number")) {
      bannerTimer = setTimeout(clearBanner, (parseInt(banner.getAttribute("data-left"), 10) || 1) * 1000);
    }
    events(office, function (f) {
      renderBoard(f);
      var shown = banner && banner.getAttribute("data-number");
      if (shown && !f.call) {
        var still = f.view.counters.some(function (c) { return c.ticket === shown && c.state === "called"; });
        if (!still) clearBanner();
      }
      if (f.call) {
        if (onCall) onCall();
        showBanner(f.call);
        if (voice) {
          chime(ctx);
          setTimeout(function () { speak(f.call.speech); }, 800);
        }
      }
    }, function (ok) {
      if (!conn) return;
      conn.textContent = ok ? liveText : "…";
      conn.className = ok ? "conn" : "conn lost";
    });
  }

  // ---- Ticket: print at the kiosk or the counter, follow on a phone ----------------------
  function waitWords(el, minutes) {
    if (!el) return "";
    if (minutes === 0) return el.getAttribute("data-soon");
    if (minutes === 1) return el.getAttribute("data-one");
    return el.getAttribute("data-many").replace("{n}", String(minutes));
  }

  if (pageKind === "ticket") {
    if (body.getAttribute("data-print") === "1") {
      // Printed at the kiosk or for a walk-in at the counter: the screen goes back there.
      window.addEventListener("load", function () {
        window.print();
        setTimeout(function () { window.location.href = body.getAttribute("data-back"); }, 8000);
      });
    } else {
      var tid = body.getAttribute("data-ticket");
      var secret = body.getAttribute("data-secret");
      // What the page was drawn for: a change of state or of the counter it was sent to is
      // drawn again by the server (called to a counter, sent to another one, finished).
      var drawn = body.getAttribute("data-state") + "|" + (body.getAttribute("data-sent") || "");
      events(body.getAttribute("data-office"), function () {
        fetch("/api/v1/public/tickets/" + tid + "?k=" + encodeURIComponent(secret))
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (t) {
            if (!t) return;
            var now = t.state + "|" + (t.sent_to ? String(t.sent_to.number) : "");
            if (now !== drawn) { window.location.reload(); return; }
            if (t.ahead !== null && t.ahead !== undefined) text(document.getElementById("t-ahead"), String(t.ahead));
            var m = document.getElementById("t-minutes");
            if (m && t.estimate_minutes !== null && t.estimate_minutes !== undefined) text(m, waitWords(m, t.estimate_minutes));
          });
      });
    }
  }

  // ---- Counter page: live waiting counts -------------------------------------------------
  var list = document.querySelector(".waiting-list[data-office]");
  if (list) {
    events(list.getAttribute("data-office"), function (f) {
      f.view.groups.forEach(function (g) {
        var li = list.querySelector('li[data-letter="' + g.letter + '"] .n');
        text(li, String(g.waiting_count));
      });
    });
  }
})();
