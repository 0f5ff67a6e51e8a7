// Import job page: poll the progress endpoint, move the <progress> bar, reload when the job ends.
"use strict";

(function () {
  const box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "1") return;
  const bar = box.querySelector("progress");
  const rows = box.querySelector('[data-field="rows"]');
  const status = box.querySelector('[data-field="status"]');
  let delay = 700;

  async function poll() {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      if (status) status.textContent = data.status_label;
      if (rows) rows.textContent = data.rows_total ? `${data.rows_done} / ${data.rows_total}` : String(data.rows_done);
      if (bar) {
        if (data.rows_total) bar.value = data.percent;
        else bar.removeAttribute("value");
        bar.textContent = `${data.percent}%`;
      }
      if (data.finished) {
        window.location.reload();
        return;
      }
    } catch (err) {
      delay = Math.min(delay * 2, 10000);
    }
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
