// A form opened to be printed at once (after an intake): the print dialog opens by itself;
// "print again" reopens it. No inline script (the CSP forbids it).
(function () {
  "use strict";
  var again = document.getElementById("print-again");
  if (again) again.addEventListener("click", function () { window.print(); });
  if (document.body.getAttribute("data-autoprint") === "1") {
    window.addEventListener("load", function () { window.print(); });
  }
})();
