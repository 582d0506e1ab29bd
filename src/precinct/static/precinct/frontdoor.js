/* What every page needs from a script, and nothing more (no framework):
 *
 * - the menu: a <details> that folds the links on phones; on wide screens it stays open;
 * - a half-written form survives a language switch: just before the switch posts, the
 *   fields the resident changed go to this tab's sessionStorage, and the reloaded page
 *   takes them back and forgets them at once. Nothing typed leaves the browser;
 * - a table too wide for a phone scrolls in its own box, reachable by the keyboard;
 * - a result that appears out of sight (e.g. under the map on a phone) is scrolled to.
 */
(function () {
  "use strict";

  // --- the menu ---------------------------------------------------------------------
  const menu = document.getElementById("site-menu");
  const wide = window.matchMedia("(min-width: 64em)");

  function fitMenu() {
    if (menu) menu.open = wide.matches;
  }

  if (menu) {
    fitMenu();
    wide.addEventListener("change", fitMenu);
    menu.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    // On a phone the open menu lies over the page: a tap beside it closes it.
    document.addEventListener("click", function (e) {
      if (menu.open && !wide.matches && !menu.contains(e.target)) menu.open = false;
    });
  }

  // --- a form kept across a language switch -----------------------------------------
  const KEY = "precinct:forms:" + location.pathname + location.search;
  const SKIP = ["hidden", "password", "file", "submit", "button", "reset", "image"];

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && SKIP.indexOf(el.type) < 0;
    });
  }

  function changed(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.options) {
      return Array.prototype.some.call(el.options, function (o) {
        return o.selected !== o.defaultSelected;
      });
    }
    return el.value !== el.defaultValue;
  }

  function valueOf(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked;
    if (el.type === "select-multiple") {
      return Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; });
    }
    return el.value;
  }

  function setValue(el, value) {
    if (el.type === "checkbox" || el.type === "radio") el.checked = value;
    else if (el.type === "select-multiple") {
      Array.prototype.forEach.call(el.options, function (o) {
        o.selected = value.indexOf(o.value) >= 0;
      });
    } else el.value = value;
  }

  function snapshot() {
    return Array.prototype.map.call(document.querySelectorAll("main form"), function (form) {
      const list = fields(form);
      return {
        names: list.map(function (el) { return el.name; }),
        values: list.map(function (el) { return changed(el) ? valueOf(el) : null; }),
      };
    });
  }

  function keep() {
    const forms = snapshot();
    const typed = forms.some(function (f) {
      return f.values.some(function (v) { return v !== null; });
    });
    if (!typed) return;
    try {
      sessionStorage.setItem(KEY, JSON.stringify(forms));
    } catch (err) { /* storage full or disabled: the switch still works */ }
  }

  // Returns the fields filled back, so that their pages' scripts can be told afterwards.
  function takeBack() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      sessionStorage.removeItem(KEY);
    } catch (err) { return []; }
    if (!saved) return [];
    const filled = [];
    document.querySelectorAll("main form").forEach(function (form, i) {
      const kept = saved[i];
      const list = fields(form);
      // The same page may have changed between the two loads: then leave it alone.
      if (!kept || kept.names.join("\n") !== list.map(function (el) { return el.name; }).join("\n")) return;
      list.forEach(function (el, j) {
        if (kept.values[j] === null) return;
        setValue(el, kept.values[j]);
        filled.push(el);
      });
    });
    return filled;
  }

  const switcher = document.querySelector("form.lang-switch");
  if (switcher) switcher.addEventListener("submit", keep);
  // A form sent for real has nothing left to keep.
  document.addEventListener("submit", function (e) {
    if (e.target !== switcher) {
      try { sessionStorage.removeItem(KEY); } catch (err) { /* nothing kept */ }
    }
  });

  // Filled before the pages' own deferred scripts run, so they start from these values
  // (e.g. the appeal map draws the kept pin). An "input" event once htmx listens lets a
  // kept search run again; no "change", which would redraw maps still loading.
  const filled = takeBack();
  document.addEventListener("DOMContentLoaded", function () {
    filled.forEach(function (el) {
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // --- a wide table on a phone scrolls in its own box: let the keyboard scroll it too ---
  function focusableScrollers() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
      else if (table.getAttribute("tabindex") === "0") table.removeAttribute("tabindex");
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  wide.addEventListener("change", focusableScrollers);
  document.addEventListener("htmx:afterSettle", focusableScrollers);

  // --- a cue for a result out of sight ------------------------------------------------
  document.addEventListener("htmx:afterSwap", function (e) {
    const target = e.detail.target;
    if (!target || !target.hasAttribute("data-scroll-cue")) return;
    const box = target.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 80) {
      const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      target.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
    }
    target.classList.remove("cue");
    void target.offsetWidth; // restart the animation on a second result
    target.classList.add("cue");
  });
})();
