// Quick exit ("Snel weg"), after GOV.UK's "Exit this page" component.
// Without this file the button is a plain link to a neutral site. With it:
// - the button and Shift pressed three times within 5 seconds leave the site;
// - any other key resets the count, and so does Shift held down with another key;
// - a live region announces each press; on leaving, an overlay hides the page at once;
// - location.replace() takes this page out of the tab's history, so Back does not return to it;
// - "pageshow" removes the overlay if the browser restores the page from its cache.
(function () {
  "use strict";
  var TIMEOUT_MS = 5000;
  var root = document.querySelector("[data-quick-exit]");
  if (!root) { return; }
  var link = root.querySelector("[data-quick-exit-link]");
  var status = root.querySelector("[data-quick-exit-status]");
  var hint = root.querySelector("[data-quick-exit-hint]");
  if (!link || !status) { return; }
  if (hint) { hint.hidden = false; }

  var presses = 0;
  var timer = null;
  var overlay = null;

  function announce(message) { status.textContent = message || ""; }

  function reset(announceCancel) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (presses > 0 && announceCancel) { announce(root.getAttribute("data-message-cancelled")); }
    presses = 0;
  }

  function leave(event) {
    if (event) { event.preventDefault(); }
    reset(false);
    announce(root.getAttribute("data-message-leaving"));
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.className = "quick-exit-overlay";
      overlay.setAttribute("data-quick-exit-overlay", "");
      document.body.appendChild(overlay);
    }
    document.documentElement.classList.add("quick-exit-active");
    window.location.replace(link.href);
  }

  link.addEventListener("click", leave);

  document.addEventListener("keydown", function (event) {
    var isLoneShift = (event.key === "Shift") && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (!isLoneShift) { reset(false); return; }
    if (event.repeat) { return; }
    presses += 1;
    if (presses === 1) {
      timer = window.setTimeout(function () { reset(true); }, TIMEOUT_MS);
      announce(root.getAttribute("data-message-first"));
    } else if (presses === 2) {
      announce(root.getAttribute("data-message-second"));
    } else {
      leave(null);
    }
  }, true);

  window.addEventListener("pageshow", function () {
    if (overlay) { overlay.remove(); overlay = null; }
    document.documentElement.classList.remove("quick-exit-active");
    reset(false);
    announce("");
  });
})();
