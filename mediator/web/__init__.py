"""``mediator serve``: the terminal app served to a browser (issue 23).

``access`` (password, certificate, address and port; no aiohttp) and ``server`` (the aiohttp
server around textual-serve, needing the ``web`` extra). The pages, style and script are in
``templates/``.
"""
