// Report page: copy the published paragraph to the clipboard (the textarea stays selectable without JS).
"use strict";
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  const status = button.parentElement.querySelector(".copy-status");
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.value);
  } catch (err) {
    source.select();
    document.execCommand("copy");
  }
  if (status) status.textContent = "Đã sao chép.";
});
