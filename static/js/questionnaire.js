// Show or hide questions that depend on an answer on the same step, as the runner answers.
// Without JavaScript every question shows with a hint ("Answer only if …") and the server
// ignores answers to questions that do not apply; this file only makes that tidier.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire-step");
  if (!form) { return; }

  function answerOf(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    inputs.forEach(function (input) {
      if (input.disabled) { return; }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value !== "") {
        values.push(input.type === "number" ? Number(input.value) : input.value);
      }
    });
    return values;
  }

  function holds(condition) {
    var values = answerOf(condition.q);
    switch (condition.op) {
      case "answered": return values.length > 0;
      case "in": return values.some(function (v) { return condition.values.indexOf(v) !== -1; });
      case "not_in": return !values.some(function (v) { return condition.values.indexOf(v) !== -1; });
      case ">=": return values.length > 0 && values[0] >= condition.values[0];
      case "<": return values.length > 0 && values[0] < condition.values[0];
      default: return true;
    }
  }

  function update() {
    form.querySelectorAll("[data-show-rule]").forEach(function (wrapper) {
      var rule = JSON.parse(wrapper.dataset.showRule);
      var results = rule.conditions.map(holds);
      var shows = rule.behavior === "any" ? results.some(Boolean) : results.every(Boolean);
      wrapper.hidden = !shows;
      wrapper.querySelectorAll("input, textarea, select").forEach(function (input) {
        input.disabled = !shows;
      });
    });
  }

  document.documentElement.classList.add("js");
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
