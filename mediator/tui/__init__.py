"""The terminal UI. Imported only by the bare ``mediator`` command.

Layout: ``app.py`` (the App and its global keys), ``app.tcss``, ``screens/`` (one module per
screen), ``dialogs/`` (modal forms of the case file), ``widgets/`` (the paged case list, the
navigation bar), ``commands.py`` (command palette), ``messages.py``, ``text.py`` (how user text
is made safe to show).

Contract between the app shell and the screens it pushes (keep it stable):

- ``MediatorApp(db, operator, paths, today=None, config=None)``: ``db`` a
  :class:`mediator.core.db.Database`, ``paths`` a :class:`mediator.core.paths.Paths`,
  ``today`` a fixed date (tests, snapshots) or None for the real clock, ``config`` a
  :class:`mediator.core.config.Config` or None to read ``paths.config_file``.
- ``app.services``: :class:`mediator.core.services.Services` bound to the open database, the
  operator and the app's clock. Read it when you need it: opening the demo database from the
  first-start screen replaces it.
- ``app.open_case(case_id)`` pushes ``screens.case_file.CaseFileScreen(services, case_id)``;
  ``app.new_case()`` pushes ``screens.intake.IntakeScreen(services)``; ``app.quick_case()``
  pushes ``screens.intake.QuickCaseScreen(services)``. These screens are imported lazily; when
  their module is missing the app says the screen is not available.
- After changing the database a screen posts ``messages.CasesChanged(case_id)`` to the app
  (``self.app.post_message(...)``); the case list and the agenda reload.
- Database work runs in thread workers, ``@work(thread=True, exclusive=True,
  exit_on_error=False)``, which reply with messages or ``app.call_from_thread``. Screens call
  Services, never SQL.
- User text is shown literally: ``rich.text.Text`` / ``textual.content.Content`` /
  ``markup=False``, after :func:`mediator.tui.text.plain` removed control characters.
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

    db = ctx.open_db()
    named = getattr(ctx.args, "operator", None) or os.environ.get("MEDIATOR_OPERATOR")
    app = create_app(db, paths, operator=ctx.operator, config=config,
                     ask_operator=not named and not config.operator,
                     notices=getattr(ctx, "notices", ()))
    try:
        app.run()
        return app.return_code or 0
    finally:
        app.db.close()
