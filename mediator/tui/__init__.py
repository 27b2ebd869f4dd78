"""The terminal UI. Imported only by the bare ``mediator`` command.

Layout: ``app.py`` (the App, its global keys and ``create_app``), ``app.tcss``, ``base.py``
(what screens reach through the app, typed), ``screens/`` (one module per screen),
``dialogs/`` (modal forms of the case file), ``widgets/`` (the paged case list, the navigation
bar), ``bindings.py`` (keys in the user's language), ``work.py`` (database work in workers),
``commands.py`` (command palette), ``messages.py``, ``text.py`` (how user text is made safe to
show).

The dialect every screen speaks (keep it one):

- The app is built by ``create_app(db, paths, operator=, config=, today=, first_screen=)``,
  by the ``mediator`` command and by every test alike; ``first_screen`` opens a screen over
  the case list at start (a test's screen under test).
- Screens derive from ``base.MediatorScreen`` (dialogs ``base.MediatorModal``, other nodes mix
  in ``base.MediatorNode``) and read ``self.services``, ``self.paths``, ``self.config`` (and
  ``self.mediator``, the app, typed) when they need them: never arguments, because the app
  replaces ``services`` when the demo database opens or the operator changes.
- ``app.open_case(case_id)``, ``app.new_case()``, ``app.quick_case()`` push the case file and
  the two intake screens (imported on first use, to keep the start fast).
- After changing the database a screen posts ``messages.CasesChanged(case_id)`` to the app
  (``self.app.post_message(...)``); the case list and the agenda reload.
- Database work: a thread worker posts a typed Message with the result, or ``WorkFailed``
  (``work.post_result``); dialogs return their service call from ``build()``. See
  ``mediator.tui.work``. Screens call Services, never SQL.
- Keys: every ``Binding`` has an id and a catalog key for its description, translated per
  instance by ``bindings.translate_bindings``.
- User text is shown literally: ``rich.text.Text`` / ``textual.content.Content`` /
  ``markup=False``, after :func:`mediator.tui.text.plain` (``mediator.core.text.plain``)
  made control characters visible; money through ``mediator.core.money.format_fen``.
"""

from __future__ import annotations

import os
from typing import Any


def run_app(ctx: Any) -> int:
    from mediator.core.config import load_config
    from mediator.i18n import set_language

    paths = ctx.paths
    config = load_config(paths.config_file)
    # --lang and MEDIATOR_LANG win over the language saved in the settings
    if config.language and not getattr(ctx.args, "lang", None) and not os.environ.get("MEDIATOR_LANG"):
        try:
            set_language(config.language)
        except ValueError:
            pass
    from mediator.tui.app import create_app

    db = ctx.open_db(prepared=True)
    named = getattr(ctx.args, "operator", None) or os.environ.get("MEDIATOR_OPERATOR")
    app = create_app(db, paths, operator=ctx.operator, config=config,
                     ask_operator=not named and not config.operator,
                     notices=getattr(ctx, "notices", ()))
    try:
        app.run()
        return app.return_code or 0
    finally:
        app.close_database()
