// dangvu — rating grids: live quota line and keyboard moves. The grid works without JavaScript.
"use strict";

(function () {
  const form = document.querySelector("form.rating-grid-form");
  if (!form) return;

  // Quota: "HTXSNV x / HTTNV y = z%, giới hạn 20%", recounted from the decided-level selects.
  const quota = document.getElementById("quota");
  const percent = (value) => (value * 100).toFixed(1).replace(".", ",") + "%";
  function recount() {
    // A published grid has no selects: the server's figure stands.
    if (!quota || !form.querySelector("select.js-level")) return;
    const top = quota.dataset.top;
    const base = quota.dataset.base.split(" ");
    // Basis points keep the comparison exact (0.2 × 15 is not 3 in floating point).
    const limitBp = Math.round(parseFloat(quota.dataset.limit) * 10000);
    let nTop = 0;
    let nBase = 0;
    form.querySelectorAll("select.js-level").forEach((select) => {
      if (select.value === top) nTop += 1;
      if (base.includes(select.value)) nBase += 1;
    });
    const share = nBase ? nTop / nBase : 0;
    const exceeded = nTop * 10000 > limitBp * nBase;
    quota.querySelector(".js-quota-text").textContent =
      `${top} ${nTop} / ${base.join("+")} ${nBase} = ${percent(share)}, giới hạn ${quota.dataset.limitText}`;
    quota.querySelector(".js-quota-over").hidden = !exceeded;
    quota.classList.toggle("over", exceeded);
  }
  form.addEventListener("change", (event) => {
    if (event.target.matches("select.js-level")) recount();
  });
  recount();

  // Keyboard: Enter saves the grid; ↑/↓ move to the same column in the row above/below
  // (Alt+↑/↓ on a select, whose plain arrows change the option).
  form.addEventListener("keydown", (event) => {
    const el = event.target;
    if (!(el instanceof HTMLElement) || !el.dataset.col || event.isComposing) return;
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (el.tagName === "SELECT" && !event.altKey) return;
    const selector = `[data-col="${CSS.escape(el.dataset.col)}"]`;
    let row = el.closest("tr[data-row]");
    while (row) {
      row = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
      const target = row && row.querySelector(selector);
      if (target) {
        event.preventDefault();
        target.focus();
        if (target.type === "text") target.select();
        return;
      }
    }
  });
})();
