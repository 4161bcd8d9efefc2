// "Print this plan": buttons marked data-print open the browser's print dialogue. They stay
// hidden without JavaScript, where a sentence (data-print-hint) points to the browser's own command.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-print]");
  if (!buttons.length || typeof window.print !== "function") { return; }
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-print-hint]").forEach(function (hint) { hint.hidden = true; });
})();
