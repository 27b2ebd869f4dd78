#!/bin/sh
# Starts mediator in the browser (mediator serve) from this folder. The terminal shows the
# address; Ctrl+C there (or closing it) stops the browser sessions. All data stays in 数据/
# beside it. Double-clicked outside a terminal, it opens one, so the server can be stopped.
here=$(cd "$(dirname "$0")" && pwd) || exit 1
cd "$here" || exit 1
if [ ! -t 0 ] && [ -z "${MEDIATOR_IN_TERMINAL:-}" ]; then
    for term in x-terminal-emulator gnome-terminal konsole xfce4-terminal xterm; do
        if command -v "$term" >/dev/null 2>&1; then
            MEDIATOR_IN_TERMINAL=1 exec "$term" -e "$here/mediator" serve "$@"
        fi
    done
fi
exec "$here/mediator" serve "$@"
