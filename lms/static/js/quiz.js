/* Quiz sheet: save each answer as it is picked, show progress and the time left.
   The page works without this file (the form's own buttons save and submit); the server keeps
   the deadline — the timer here is only a display. */
(function () {
  "use strict";

  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave-url");
  var token = form.querySelector("input[name=csrf_token]").value;
  var progress = document.getElementById("quiz-progress");
  var pending = {};      // position -> true while a save is owed
  var retryTimer = null;

  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function fieldset(position) { return document.getElementById("q" + position); }

  function setState(position, text, cls) {
    var el = fieldset(position).querySelector(".save-state");
    el.textContent = text;
    el.className = "save-state " + (cls || "");
  }

  function answeredCount() {
    var count = 0;
    form.querySelectorAll("fieldset.question").forEach(function (fs) {
      if (fs.querySelector("input:checked")) { count += 1; }
    });
    return count;
  }

  function showProgress(answered, total) {
    progress.textContent = msg("progress").replace("999991", answered).replace("999992", total);
  }

  // One request per question at a time: a pick made while one is in flight is sent after it,
  // so the server always ends with the latest pick, whatever order the network delivers in.
  var inFlight = {};

  function save(position) {
    if (inFlight[position]) { pending[position] = true; return; }
    var body = new URLSearchParams();
    body.append("question", position);
    fieldset(position).querySelectorAll("input:checked").forEach(function (input) {
      body.append("option", input.value);
    });
    delete pending[position];
    inFlight[position] = true;
    setState(position, msg("saving"), "saving");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        return { status: response.status, data: { ok: false, stale: true } };
      }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      inFlight[position] = false;
      if (result.data.ok) {
        setState(position, msg("saved"), "saved");
        showProgress(result.data.answered, result.data.total);
      } else if (result.data.closed || result.data.stale) {
        // Finished, out of time, or the session ended: the server's page says what to do next.
        window.location.reload();
        return;
      } else {
        setState(position, result.data.error, "failed");
      }
      if (pending[position]) { save(position); }
    }).catch(function () {
      inFlight[position] = false;
      pending[position] = true;
      setState(position, msg("failed"), "failed");
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    if (retryTimer) { return; }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      Object.keys(pending).forEach(save);
    }, 5000);
  }

  form.addEventListener("change", function (event) {
    var fs = event.target.closest("fieldset.question");
    if (!fs) { return; }
    showProgress(answeredCount(), form.querySelectorAll("fieldset.question").length);
    save(fs.getAttribute("data-position"));
  });

  var finish = document.getElementById("finish-button");
  finish.addEventListener("click", function (event) {
    var total = form.querySelectorAll("fieldset.question").length;
    if (answeredCount() < total && !window.confirm(msg("confirm"))) {
      event.preventDefault();
    }
  });

  var timer = document.getElementById("quiz-timer");
  if (timer) {
    var deadline = Date.parse(timer.getAttribute("data-deadline"));
    var skew = Date.parse(timer.getAttribute("data-now")) - Date.now();
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - (Date.now() + skew)) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 60) { timer.parentNode.classList.add("timer-low"); }
      if (left === 0) {
        window.clearInterval(interval);
        timer.textContent = msg("time-up");
        // Hand in what is on the page; the server accepts it within its grace period.
        form.setAttribute("action", finish.getAttribute("formaction"));
        form.submit();
      }
    };
    var interval = window.setInterval(tick, 1000);
    tick();
  }
})();
