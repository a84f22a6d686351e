// Built-in timers for the timed home tests (progressive enhancement). Without JavaScript the
// timers stay hidden and the runner types the seconds; with it, a stopwatch fills the seconds
// box for each side and a countdown times a fixed hold. Served from static (CSP: no inline).
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire-step");
  if (!form) { return; }

  function setStatus(timer, text) {
    var status = timer.querySelector("[data-timer-status]");
    if (status) { status.textContent = text; }
  }

  // A filled box may be hidden by its show rule ("enter the times next"): pick the answer
  // that shows it, as the runner would have.
  function reveal(linkId) {
    var wrapper = document.getElementById("q-" + linkId);
    if (!wrapper || !wrapper.hidden || !wrapper.dataset.showRule) { return; }
    JSON.parse(wrapper.dataset.showRule).conditions.forEach(function (condition) {
      if (condition.op !== "in") { return; }
      var input = form.querySelector("input[name='" + condition.q + "'][value='" + condition.values[0] + "']");
      if (input && !input.checked) {
        input.checked = true;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function stopwatch(timer) {
    var display = timer.querySelector(".timer-display");
    var running = null;
    timer.querySelectorAll("[data-timer-for]").forEach(function (button) {
      var label = button.textContent;
      button.addEventListener("click", function () {
        if (running && running.button !== button) { return; }
        if (running) {
          window.clearInterval(running.interval);
          var seconds = Math.floor((Date.now() - running.started) / 1000);
          var linkId = button.dataset.timerFor;
          reveal(linkId);
          var box = form.querySelector("[name='" + linkId + "']");
          if (box) {
            box.value = seconds;
            box.dispatchEvent(new Event("input", { bubbles: true }));
          }
          button.textContent = label;
          button.setAttribute("aria-pressed", "false");
          setStatus(timer, seconds + " seconds entered for " + label.replace(/^Time the /, ""));
          running = null;
          return;
        }
        running = { button: button, started: Date.now() };
        display.textContent = "0 s";
        button.textContent = "Stop";
        button.setAttribute("aria-pressed", "true");
        setStatus(timer, "Timing. Press Stop when your hips sag.");
        running.interval = window.setInterval(function () {
          display.textContent = Math.floor((Date.now() - running.started) / 1000) + " s";
        }, 250);
      });
    });
  }

  function countdown(timer) {
    var display = timer.querySelector(".timer-display");
    var button = timer.querySelector("[data-timer-start]");
    var length = Number(timer.dataset.seconds);
    var label = button.textContent;
    var interval = null;
    button.addEventListener("click", function () {
      if (interval) {
        window.clearInterval(interval);
        interval = null;
        button.textContent = label;
        display.textContent = length + " s";
        setStatus(timer, "Timer stopped.");
        return;
      }
      var ends = Date.now() + length * 1000;
      button.textContent = "Stop";
      setStatus(timer, "Timing " + length + " seconds.");
      interval = window.setInterval(function () {
        var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
        display.textContent = left + " s";
        if (left === 0) {
          window.clearInterval(interval);
          interval = null;
          button.textContent = "Start again";
          setStatus(timer, "Time is up. Answer what you saw below.");
        }
      }, 250);
    });
  }

  form.querySelectorAll(".self-timer").forEach(function (timer) {
    timer.hidden = false;
    if (timer.dataset.timer === "stopwatch") { stopwatch(timer); } else { countdown(timer); }
  });
})();
