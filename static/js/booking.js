// Progressive enhancement of the slot picker: without this file the picker is plain links and
// a GET form. With it, changing the clinic, type or clinician, or following a day link,
// fetches the slot list as an HTML fragment and swaps it in place.
(function () {
  "use strict";
  var form = document.querySelector("form[data-slot-picker]");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var container = document.getElementById("slot-results-container");
  var status = document.getElementById("picker-status");
  var pending = null;

  function hideSubmit() {
    var button = container.querySelector("[data-picker-submit]");
    if (button) { button.hidden = true; }
  }

  function load(url, focusSelector) {
    var fragmentUrl = new URL(url, window.location.href);
    fragmentUrl.searchParams.set("fragment", "1");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    container.setAttribute("aria-busy", "true");
    return fetch(fragmentUrl.toString(), {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      signal: pending.signal
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      container.innerHTML = html;
      container.removeAttribute("aria-busy");
      hideSubmit();
      var results = document.getElementById("slot-results");
      if (status && results) { status.textContent = results.getAttribute("data-status") || ""; }
      var pageUrl = new URL(url, window.location.href);
      pageUrl.searchParams.delete("fragment");
      window.history.replaceState(null, "", pageUrl.toString());
      if (focusSelector) {
        var target = container.querySelector(focusSelector);
        if (target) { target.focus(); }
      }
    }).catch(function (error) {
      container.removeAttribute("aria-busy");
      if (error.name === "AbortError") { return; }
      // Fall back to a normal page load: the server renders the same result.
      window.location.assign(url);
    });
  }

  function formUrl() {
    var params = new URLSearchParams(new FormData(form));
    return form.getAttribute("action") + "?" + params.toString();
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name !== "location" && name !== "type" && name !== "clinician") { return; }
    var params = new URLSearchParams(new FormData(form));
    if (name === "location") { params.set("clinician", "any"); }
    load(form.getAttribute("action") + "?" + params.toString(),
      name === "clinician" ? "#id_clinician" : null);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(formUrl(), "#days-heading");
  });

  container.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-slot-nav]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    load(link.href, "#times-heading");
  });

  hideSubmit();
})();
