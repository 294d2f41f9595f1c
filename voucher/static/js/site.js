// Small behaviours without inline scripts (the content security policy forbids them).
// <form data-confirm="…">: ask before submitting.  <textarea data-select-on-focus>: select all on focus.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
document.addEventListener("focusin", function (event) {
  if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-focus")) {
    event.target.select();
  }
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
