// mediator serve: the page's own script (no inline script: the page's policy forbids it).
// The tab asks this server for its draft slot of before a reload (kept in sessionStorage) or
// a new one; the server answers with the slot it got (["mediator_slot", n]) on the socket.
(function () {
  var key = "mediator-draft-slot";
  var asked = "new";
  try {
    var kept = window.sessionStorage.getItem(key);
    if (kept && /^[1-9][0-9]{0,3}$/.test(kept)) { asked = kept; }
  } catch (e) { /* storage off: a new slot each time */ }
  var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  var terminal = document.getElementById("terminal");
  terminal.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws/" + asked;
  document.getElementById("reconnect").addEventListener("click", function () {
    window.location.reload();
  });
  // runs after textual-serve's window.onload, which made the socket
  window.addEventListener("load", function () {
    var session = window.mediatorTerminal;
    if (!session || !session.socket) { return; }
    session.socket.addEventListener("message", function (event) {
      if (typeof event.data !== "string") { return; }
      try {
        var message = JSON.parse(event.data);
        if (message[0] === "mediator_slot") {
          window.sessionStorage.setItem(key, String(message[1]));
        }
      } catch (e) { /* not ours */ }
    });
  });
})();
