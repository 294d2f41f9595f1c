// Small behaviours without inline scripts (the content security policy forbids them).
// <form data-confirm="…">: ask before submitting, saying what will happen.
// Every form: once submitted, its buttons are disabled and show progress, so a double click sends it once.
// .error-summary after a failed save: focus moves to it; its links move focus to the field.
// <textarea data-select-on-focus>: select all on focus.
document.addEventListener("submit", function (event) {
  // Already handled by a script (htmx sends the form itself and swaps part of the page): nothing to guard.
  if (event.defaultPrevented) {
    return;
  }
  var form = event.target;
  var message = form.getAttribute && form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute("data-submitting")) {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-submitting", "");
  form.setAttribute("aria-busy", "true");
  var buttons = form.querySelectorAll("button, input[type=submit]");
  if (event.submitter) {
    event.submitter.classList.add("is-busy");
  }
  // Disabled after the browser has read the pressed button's name and value into the submission.
  window.setTimeout(function () {
    buttons.forEach(function (b) { b.disabled = true; });
  }, 0);
  // A download keeps the page: the form is usable again after a while.
  window.setTimeout(function () {
    form.removeAttribute("data-submitting");
    form.removeAttribute("aria-busy");
    buttons.forEach(function (b) { b.disabled = false; b.classList.remove("is-busy"); });
  }, 15000);
});
// Back to a page from the browser's cache: its forms are usable again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submitting]").forEach(function (form) {
    form.removeAttribute("data-submitting");
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button, input[type=submit]").forEach(function (b) {
      b.disabled = false;
      b.classList.remove("is-busy");
    });
  });
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) {
    return;
  }
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (field) {
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  }
});
document.addEventListener("focusin", function (event) {
  if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-focus")) {
    event.target.select();
  }
});
// Every table scrolls inside its own box on a narrow screen, never the page; the box takes keyboard focus
// so that it can be scrolled without a mouse.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("main table").forEach(function (table) {
    var overflow = window.getComputedStyle(table.parentNode).overflowX;
    if (table.closest(".table-responsive") || overflow === "auto" || overflow === "scroll") {
      return;
    }
    var box = document.createElement("div");
    box.className = "table-responsive";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    var caption = table.querySelector("caption");
    box.setAttribute("aria-label", caption ? caption.textContent.trim() : "表格");
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
});
// <section data-job-poll="/api/v1/tasks/jobs/1">: poll a background job every second until it ends.
(function () {
  var box = document.querySelector("[data-job-poll]");
  if (!box || !window.fetch) {
    return;
  }
  function show(job) {
    box.querySelector("[data-job-status]").textContent = job.status_label;
    box.querySelector("[data-job-progress]").value = job.progress;
    box.querySelector("[data-job-percent]").textContent = job.progress;
    box.querySelector("[data-job-message]").textContent = job.message;
    var link = box.querySelector("[data-job-download]");
    if (job.download_url) {
      link.href = job.download_url;
      link.hidden = false;
    }
    return job.status === "pending";
  }
  function poll() {
    fetch(box.getAttribute("data-job-poll"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) { if (show(job)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
// <details data-preview> with <iframe data-src> / <img data-src>: the file is loaded only when the details are
// opened, so a page listing several PDFs loads none of them until the person asks for one.
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!details.open || !details.hasAttribute || !details.hasAttribute("data-preview")) {
    return;
  }
  details.querySelectorAll("[data-src]").forEach(function (frame) {
    frame.setAttribute("src", frame.getAttribute("data-src"));
    frame.removeAttribute("data-src");
  });
}, true);
