#!/bin/sh
# Starts mediator from this folder. All data stays in 数据/ beside it (portable.txt says so),
# wherever this script is called from. Double-clicked outside a terminal, it opens one.
here=$(cd "$(dirname "$0")" && pwd) || exit 1
cd "$here" || exit 1
if [ ! -t 0 ] && [ -z "${MEDIATOR_IN_TERMINAL:-}" ]; then
    for term in x-terminal-emulator gnome-terminal konsole xfce4-terminal xterm; do
        if command -v "$term" >/dev/null 2>&1; then
            MEDIATOR_IN_TERMINAL=1 exec "$term" -e "$here/mediator" "$@"
        fi
    done
fi
exec "$here/mediator" "$@"
