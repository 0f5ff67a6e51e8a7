// dangvu: small progressive enhancements; every page works without JavaScript.
"use strict";

// Tree: a toggle button loads the children of a node once (an HTML fragment), then shows/hides them.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.toggle[data-children-url]");
  if (!button) return;
  event.preventDefault();
  const item = button.closest("li");
  let list = item.querySelector(":scope > ul.tree");
  const expanded = button.getAttribute("aria-expanded") === "true";
  if (expanded) {
    button.setAttribute("aria-expanded", "false");
    button.textContent = "+";
    if (list) list.hidden = true;
    return;
  }
  if (!list) {
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.childrenUrl, { headers: { "X-Requested-With": "fetch" } });
      if (!response.ok) throw new Error(String(response.status));
      item.insertAdjacentHTML("beforeend", await response.text());
      list = item.querySelector(":scope > ul.tree");
    } catch (err) {
      button.title = "Không tải được danh sách tổ chức trực thuộc";
      return;
    } finally {
      button.disabled = false;
    }
  }
  if (list) list.hidden = false;
  button.setAttribute("aria-expanded", "true");
  button.textContent = "−";
});

// Sensitive fields: "Hiện" posts to the reveal endpoint (which writes the audit row) and shows the value.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.reveal");
  if (!form) return;
  event.preventDefault();
  const response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Requested-With": "fetch" } });
  if (!response.ok) return;
  const data = await response.json();
  const target = document.getElementById(form.dataset.target);
  if (target) { target.textContent = data.value || "—"; target.classList.remove("masked"); }
  form.remove();
});
