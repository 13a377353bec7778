// Points the terminal at this page's own websocket, takes the token out of the address bar
// (the server keeps it in a cookie) and makes the restart button work.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const terminal = document.getElementById("terminal");
  const socket = new URL("ws", window.location.href);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  socket.search = "";
  socket.hash = "";
  terminal.dataset.sessionWebsocketUrl = socket.href;

  const params = new URLSearchParams(window.location.search);
  const size = parseInt(params.get("fontsize") || "16", 10) || 16;
  terminal.dataset.fontSize = String(Math.min(Math.max(size, 8), 48));
  if (params.has("token")) {
    params.delete("token");
    const rest = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
  }
  document.getElementById("restart").addEventListener("click", () => window.location.reload());
});
