// congbo: small progressive enhancements. No inline script anywhere (CSP script-src 'self').
document.addEventListener("DOMContentLoaded", function () {
  // Select the freshly created API token so it can be copied at once.
  var secret = document.getElementById("new-token");
  if (secret && window.getSelection) {
    var range = document.createRange();
    range.selectNodeContents(secret);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
});

// A "Print" button (data-print) opens the browser's print dialog.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-print]");
  if (b) {
    e.preventDefault();
    window.print();
  }
});
