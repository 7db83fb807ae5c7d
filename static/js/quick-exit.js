// Quick exit ("Snel weg"), after GOV.UK's "Exit this page" component, and beyond it.
// Without this file the button is a plain link to /snel-weg/, which ends the session, sends
// Clear-Site-Data and redirects to the neutral site. With it:
// - the button, Shift pressed three times or Escape pressed twice leave the site; as in GOV.UK's
//   component the 5-second timer restarts on every press, and any other key (or Shift held
//   down with another key) resets the count;
// - a live region announces each press; on leaving, an overlay hides the page at once;
// - location.replace() takes this page out of the tab's history, so Back does not return to it;
// - "Houd dit bezoek uit de geschiedenis" (on the "Veilig surfen" page, kept in sessionStorage,
//   which the exit route clears): every link to this site, and every GET form, then replaces
//   the current history entry, so after the exit Back leaves the browser without any page of ours;
// - "pageshow" removes the overlay if the browser restores the page from its cache.
(function () {
  "use strict";
  if (window.vhQuickExit) { return; }  // loaded twice: one set of listeners only
  window.vhQuickExit = true;

  var TIMEOUT_MS = 5000;
  var HISTORY_KEY = "vh-keep-out-of-history";
  var root = document.querySelector("[data-quick-exit]");
  var link = root && root.querySelector("[data-quick-exit-link]");
  var status = root && root.querySelector("[data-quick-exit-status]");

  // --- "Houd dit bezoek uit de geschiedenis" -------------------------------------------------
  function keepOutOfHistory() {
    try { return window.sessionStorage.getItem(HISTORY_KEY) === "1"; } catch (e) { return false; }
  }

  function setKeepOutOfHistory(on) {
    try {
      if (on) { window.sessionStorage.setItem(HISTORY_KEY, "1"); }
      else { window.sessionStorage.removeItem(HISTORY_KEY); }
    } catch (e) { /* storage refused (private mode on old browsers): the option stays off */ }
  }

  function setUpHistoryOption() {
    var option = document.querySelector("[data-history-option]");
    if (!option) { return; }
    var box = option.querySelector("input[type=checkbox]");
    var note = option.querySelector("[data-history-option-status]");
    if (!box) { return; }
    option.hidden = false;
    var fallback = document.querySelector("[data-history-option-nojs]");
    if (fallback) { fallback.hidden = true; }
    box.checked = keepOutOfHistory();
    box.addEventListener("change", function () {
      setKeepOutOfHistory(box.checked);
      if (note) {
        note.textContent = option.getAttribute(box.checked ? "data-message-on" : "data-message-off");
      }
    });
  }

  function sameSite(url) {
    return url.origin === window.location.origin;
  }

  function replaceTo(url) {
    var here = window.location;
    if (url.pathname === here.pathname && url.search === here.search && url.hash) {
      // A jump within the page (the skip link): change the address without a new entry.
      window.history.replaceState(window.history.state, "", url.href);
      var target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (target) {
        target.scrollIntoView();
        if (target.tabIndex >= 0 || target.hasAttribute("tabindex")) { target.focus(); }
      }
      return;
    }
    window.location.replace(url.href);
  }

  document.addEventListener("click", function (event) {
    if (!keepOutOfHistory() || event.defaultPrevented || event.button !== 0) { return; }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var anchor = event.target.closest ? event.target.closest("a[href]") : null;
    if (!anchor || anchor.hasAttribute("download")) { return; }
    var target = anchor.getAttribute("target");
    if (target && target !== "_self") { return; }
    var url;
    try { url = new URL(anchor.href, window.location.href); } catch (e) { return; }
    if (!sameSite(url) || (url.protocol !== "http:" && url.protocol !== "https:")) { return; }
    event.preventDefault();
    replaceTo(url);
  });

  document.addEventListener("submit", function (event) {
    if (!keepOutOfHistory() || event.defaultPrevented) { return; }
    var form = event.target;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") { return; }
    var url;
    try { url = new URL(form.getAttribute("action") || window.location.href, window.location.href); }
    catch (e) { return; }
    if (!sameSite(url)) { return; }
    var data = event.submitter ? new FormData(form, event.submitter) : new FormData(form);
    url.search = new URLSearchParams(data).toString();
    url.hash = "";
    event.preventDefault();
    window.location.replace(url.href);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpHistoryOption);
  } else {
    setUpHistoryOption();
  }

  // --- The exit itself ------------------------------------------------------------------------
  if (!link || !status) { return; }
  var hint = root.querySelector("[data-quick-exit-hint]");
  if (hint) { hint.hidden = false; }

  var shiftPresses = 0;
  var escapePresses = 0;
  var timer = null;
  var overlay = null;

  function announce(message) { status.textContent = message || ""; }

  function reset(announceCancel) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if ((shiftPresses > 0 || escapePresses > 0) && announceCancel) {
      announce(root.getAttribute("data-message-cancelled"));
    }
    shiftPresses = 0;
    escapePresses = 0;
  }

  function restartTimer() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { timer = null; reset(true); }, TIMEOUT_MS);
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
    var modified = event.ctrlKey || event.altKey || event.metaKey;
    if (event.key === "Shift" && !modified) {
      if (event.repeat) { return; }
      escapePresses = 0;
      shiftPresses += 1;
      if (shiftPresses >= 3) { leave(null); return; }
      announce(root.getAttribute(shiftPresses === 1 ? "data-message-first" : "data-message-second"));
      restartTimer();
      return;
    }
    if (event.key === "Escape" && !modified && !event.shiftKey) {
      if (event.repeat) { return; }
      shiftPresses = 0;
      escapePresses += 1;
      if (escapePresses >= 2) { leave(null); return; }
      announce(root.getAttribute("data-message-escape"));
      restartTimer();
      return;
    }
    reset(false);
  }, true);

  window.addEventListener("pageshow", function () {
    if (overlay) { overlay.remove(); overlay = null; }
    document.documentElement.classList.remove("quick-exit-active");
    reset(false);
    announce("");
  });
})();
