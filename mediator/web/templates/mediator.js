// mediator serve: the page's own script (no inline script: the page's policy forbids it).
// Each tab keeps a draft slot of its own in sessionStorage (a reload finds its drafts again,
// another tab has its own), and connects to this server's /ws/<slot>.
(function () {
  var key = "mediator-draft-slot";
  var slot = null;
  try { slot = window.sessionStorage.getItem(key); } catch (e) { slot = null; }
  if (!slot || !/^[a-z0-9]{8,32}$/.test(slot)) {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    slot = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    try { window.sessionStorage.setItem(key, slot); } catch (e) { /* private mode */ }
  }
  var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  var terminal = document.getElementById("terminal");
  terminal.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws/" + slot;
  document.getElementById("reconnect").addEventListener("click", function () {
    window.location.reload();
  });
})();
