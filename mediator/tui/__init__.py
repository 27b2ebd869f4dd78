"""The terminal UI. Imported only by the bare ``mediator`` command."""

from __future__ import annotations

from typing import Any


def run_app(ctx: Any) -> int:
    from mediator.tui.app import MediatorApp

    db = ctx.open_db()
    try:
        app = MediatorApp(db=db, operator=ctx.operator, paths=ctx.paths)
        app.run()
        return app.return_code or 0
    finally:
        db.close()
