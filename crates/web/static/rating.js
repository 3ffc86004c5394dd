// The counter tablet: the rating window counts down each second and the screen locks again
// when it ends; the thanks gives way to the locked screen. Without JavaScript the page's
// refresh does the same, only less smoothly. No inline script (the CSP forbids it).
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-home");
  var box = document.getElementById("window");
  if (box) {
    var left = parseInt(box.getAttribute("data-seconds"), 10) || 0;
    var label = document.getElementById("window-left");
    var bar = document.getElementById("window-bar");
    var template = box.getAttribute("data-template");
    var tick = function () {
      left -= 1;
      if (left <= 0) {
        if (home) window.location.href = home;
        return;
      }
      if (label) label.textContent = template.replace("{n}", String(left));
      if (bar) bar.value = left;
      if (left <= 10) box.className = "countdown ending";
      setTimeout(tick, 1000);
    };
    setTimeout(tick, 1000);
  }
  var thanks = parseInt(body.getAttribute("data-thanks"), 10);
  if (thanks && home) {
    setTimeout(function () { window.location.href = home; }, thanks * 1000);
  }
})();
