"""``mediator serve``: the terminal app served to a browser (issue 23).

``access`` (password, certificate, address and port; no aiohttp) and ``server`` (the aiohttp
server around textual-serve, needing the ``web`` extra). The pages, style and script are in
``templates/``.
"""

#: where ``mediator serve`` listens unless told otherwise (here, not in ``access``: the CLI's
#: parser needs them for every command, ``access`` costs ~10 ms to import)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8620
