// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen-reader and keyboard users hear it first.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Prevent a second click on a submit button while the first request is in flight.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "true") { event.preventDefault(); return; }
    form.dataset.submitted = "true";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  });
  // Buttons that print the page (no inline handlers: CSP forbids them).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
// Coming back with the back button restores the page from cache: let its forms submit again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submitted]").forEach(function (form) {
    delete form.dataset.submitted;
  });
});
// The staff header's patient search: "/" jumps to it from anywhere but a text field.
document.addEventListener("keydown", function (event) {
  var search = document.getElementById("staff-search");
  if (!search || event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
  var target = event.target;
  if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
  event.preventDefault();
  search.focus();
});
