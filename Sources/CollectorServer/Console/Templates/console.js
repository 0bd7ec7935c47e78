// Live counts on pages that show them: the numbers marked data-live are refreshed every 30 s
// from /ui/live. Everything works without this script; it only saves a reload.
(function () {
  "use strict";
  const marked = document.querySelectorAll("[data-live]");
  if (marked.length === 0) return;
  async function refresh() {
    try {
      const answer = await fetch("/ui/live" + window.location.search, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (!answer.ok) return;
      const counts = await answer.json();
      for (const element of marked) {
        const value = counts[element.dataset.live];
        if (typeof value === "string" || typeof value === "number") element.textContent = String(value);
      }
    } catch (error) {
      // The collector may be restarting; the next round will try again.
    }
  }
  window.setInterval(refresh, 30000);
})();
