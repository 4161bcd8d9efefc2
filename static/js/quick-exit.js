// Quick exit: leave for a neutral site without leaving this page in the history,
// so that pressing Back does not return here. Pressing Esc twice does the same.
(function () {
  "use strict";
  var ESC_WINDOW_MS = 1000;
  var lastEsc = 0;

  function leave(url) {
    document.title = "";
    document.body.hidden = true;
    window.location.replace(url);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    leave(link.href);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEsc <= ESC_WINDOW_MS) {
      var link = document.querySelector("a[data-quick-exit]");
      if (link) { leave(link.href); }
    }
    lastEsc = now;
  });
})();
