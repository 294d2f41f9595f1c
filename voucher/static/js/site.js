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
