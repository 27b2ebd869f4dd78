"""``mediator import ledger FILE``: bring an existing Excel/WPS/CSV ledger (台账) in."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mediator.cli import Context, console, path_arg, progress_bar
from mediator.core.text import plain
from mediator.i18n import t

LIST_LIMIT = 50  # lines of flagged / rejected rows printed before "... and N more"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", parents=[common], help=t("cli.import.help"))
    isub = p.add_subparsers(dest="import_command", required=True, metavar=t("cli.commands"))
    q = isub.add_parser("ledger", parents=[common], help=t("cli.import.ledger.help"),
                        description=t("cli.import.ledger.description"))
    q.add_argument("file", type=path_arg, nargs="?", help=t("cli.import.ledger.file"))
    q.add_argument("--sheet", metavar=t("cli.import.ledger.sheet_metavar"),
                   help=t("cli.import.ledger.sheet"))
    q.add_argument("--mapping", type=path_arg, metavar="FILE.toml",
                   help=t("cli.import.ledger.mapping"))
    q.add_argument("--dry-run", action="store_true", help=t("cli.import.ledger.dry_run"))
    q.add_argument("--fields", action="store_true", help=t("cli.import.ledger.fields"))
    q.add_argument("--json", action="store_true", help=t("cli.import.ledger.json"))
    q.add_argument("--update", action="store_true", help=t("cli.import.ledger.update"))
    q.set_defaults(handler=cmd_import_ledger)
    u = isub.add_parser("undo", parents=[common], help=t("cli.import.undo.help"),
                        description=t("cli.import.undo.help"))
    u.add_argument("ref", nargs="?", metavar="IMPORT", help=t("cli.import.undo.ref"))
    u.set_defaults(handler=cmd_import_undo)


def cmd_import_undo(ctx: Context) -> int:
    """List the ledger imports, or tombstone everything one of them added."""
    from mediator.core.models import local_time

    out = console()
    db = ctx.open_db(create=False)
    try:
        svc = ctx.services(db)
        if ctx.args.ref is None:
            entries = svc.ledger_imports()
            if not entries:
                out.print(t("cli.import.undo.none"), markup=False)
                return 0
            out.print(t("cli.import.undo.list_title"), markup=False)
            for e in entries:
                out.print(t("cli.import.undo.list_row", id=e.id[:8], at=local_time(e.imported_at),
                            source=plain(e.source), cases=e.cases, by=plain(e.imported_by),
                            undone=t("cli.import.undo.undone_mark") if e.undone_at else ""),
                          markup=False)
            return 0
        entry, undone = svc.undo_ledger_import(ctx.args.ref)
        out.print(t("cli.import.undo.done", id=entry.id[:8], source=plain(entry.source),
                    n=len(undone.case_nos), cases="、".join(undone.case_nos)), markup=False)
        if undone.mediators:
            out.print(t("cli.import.undo.mediators", n=len(undone.mediators),
                        names="、".join(plain(name) for _, name in undone.mediators)),
                      markup=False)
        return 0
    finally:
        db.close()


def cmd_import_ledger(ctx: Context) -> int:
    from mediator.core.errors import ValidationError

    args = ctx.args
    out = console()
    if args.fields:
        print_fields(out)
        return 0
    if args.file is None:
        raise ValidationError(t("cli.import.ledger.file_required"), "file")

    import gc

    # the cyclic collector off while the ledger is read and written: a 10,000-row ledger makes
    # some 300,000 dicts, lists and dataclasses that live until the import ends, and the
    # collector's passes over them were ≈ 0.2–0.3 s of the command's CPU (issue 16); on again
    # when the command returns
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import_ledger(ctx, out)
    finally:
        if collecting:
            # what outlived the import (the modules it imported, caches: ~38,000 objects)
            # goes to the oldest generation as it is; left in the youngest, the first
            # collection after this walked all of it (≈ 0.03 s). In the program, the process
            # ends next: left frozen, the collector's last pass at exit and the freeing of the
            # cycles it finds cost nothing (≈ 0.07 s). Nothing the import opened needs them:
            # its connection was closed by plain_write, a Database by _import_ledger.
            from mediator import cli

            gc.freeze()
            if not cli.AS_PROGRAM:
                gc.unfreeze()
            gc.enable()


def _import_ledger(ctx: Context, out: Any) -> int:
    from datetime import date

    from mediator.ledger.importer import plan_ledger, run_import

    args = ctx.args
    if args.dry_run:
        # Writes nothing: no backup, no database file created; the import itself runs in a
        # transaction that is rolled back, so the counts are exactly what would happen.
        db = ctx.open_db(create=False, backup=False) if ctx.paths.db.exists() else None
    else:
        # after the first open of the day (checks and backup done) a new import writes on
        # plain sqlite3 and never imports SQLModel/SQLAlchemy (issue 16: a fifth of the
        # command's CPU); --update corrects cases through Services
        db = ctx.open_db(prepared=not args.update)
    try:
        from mediator.core.db import Prepared

        if isinstance(db, Prepared):
            from mediator.core.bulk import PlainWriter

            svc: Any = PlainWriter(db.path, ctx.operator)
            db = None
        else:
            svc = ctx.services(db) if db is not None else None
        today = svc.today() if svc is not None else date.today()
        plan = plan_ledger(args.file, today, sheet=args.sheet, mapping_path=args.mapping)
        if args.json:
            report = run_import(plan, svc, dry_run=args.dry_run, fallback_dir=ctx.paths.data,
                                update=args.update) if svc is not None else None
            print(json.dumps(report_json(plan, report), ensure_ascii=False, indent=1))
            return 7 if report is not None and report.reject_error is not None else 0
        print_plan(out, plan)
        if args.dry_run:
            print_preview(out, plan, today)
        if svc is None:
            out.print(t("cli.import.ledger.no_database", path=str(ctx.paths.db)), markup=False)
            print_rejected(out, [(plan.place(r), r.reason or "") for r in plan.rejected])
            return 0
        with progress_bar() as update:
            label = t("cli.import.ledger.working", n=len(plan.cases))
            report = run_import(plan, svc, dry_run=args.dry_run, fallback_dir=ctx.paths.data,
                                progress=lambda done, total: update(label, done, total),
                                update=args.update)
        print_report(out, report, update=args.update)
        if report.reject_error is not None:
            return 7  # the cases are in; the rejected rows were listed but not saved
    finally:
        if db is not None:
            db.close()
    return 0


def report_json(plan: Any, report: Any) -> dict[str, Any]:
    """The outcome for scripts (``--json``): counts, then every rejected, flagged, changed and
    repeated row with its sheet and row number. ``report`` is None for a dry run without a
    database (the rows are only read)."""
    def where(row: Any) -> dict[str, Any]:
        return {"sheet": row.sheet, "row": row.row_no}

    out: dict[str, Any] = {
        "file": str(plan.path),
        "sheets": [p.table.sheet for p in plan.parts if p.table.sheet is not None],
        "skipped_sheets": [{"sheet": n, "reason": why} for n, why in plan.skipped_sheets],
        "dry_run": report.result.dry_run if report is not None else True,
    }
    if report is None:
        out["counts"] = {"rows": len(plan.rows), "cases": len(plan.cases),
                         "rejected": len(plan.rejected), "duplicates": len(plan.duplicates)}
        out["rejected"] = [{**where(r), "reason": r.reason} for r in plan.rejected]
        return out
    flagged = report.flagged
    out["counts"] = {
        "rows": len(plan.rows), "new": report.imported, "existing": report.existing,
        "changed": len(report.changed), "updated": len(report.updated),
        "duplicates": len(report.duplicates), "rejected": len(report.rejected),
        "flagged": len(flagged)}
    src = report.sources
    out["rejected"] = [{**where(r), "reason": reason} for r, reason in report.reject_rows]
    out["flagged"] = [{**where(src[id(r)]), "case_no": r.case_no, "flags": list(r.flags)}
                      for r in flagged]
    from mediator.ledger.importer import describe_change

    out["changed"] = [{**where(src[id(r)]), "case_no": r.case_no, "fields": list(r.changed),
                       "changes": describe_change(report, r), "applied": r.applied,
                       "reason": r.reason} for r in report.changed]
    out["duplicates"] = [{**where(d), "same_as": d.duplicate_of} for d in report.duplicates]
    out["reject_file"] = str(report.reject_file) if report.reject_file is not None else None
    out["reject_file_error"] = report.reject_error
    out["new_mediators"] = list(report.result.new_mediators)
    return out


def print_fields(out: Any) -> None:
    from mediator.ledger.headers import ALL_FIELDS, CASE_FIELDS, PARTY_ATTRS
    from mediator.ledger.importer import field_label

    out.print(t("cli.import.ledger.fields_title"), markup=False)
    for name in ALL_FIELDS:
        words = PARTY_ATTRS[name.split(".")[1]] if "." in name else CASE_FIELDS[name]
        out.print(f"  {name:<24} {field_label(name)}（{'、'.join(words[:4])}）", markup=False)
    out.print(t("cli.import.ledger.fields_ignore"), markup=False)


def print_plan(out: Any, plan: Any) -> None:
    from mediator.ledger.importer import field_label

    layout = plan.layout
    first, last = layout.header_start + 1, layout.header_start + layout.header_rows
    rows = str(first) if first == last else f"{first}–{last}"
    where = t("cli.import.ledger.sheet_name", sheet=plan.table.sheet) if plan.table.sheet else \
        t("cli.import.ledger.encoding", encoding=plan.table.encoding or "")
    out.print(t("cli.import.ledger.source", path=str(plan.path), where=where, rows=rows,
                n=len(plan.rows)), markup=False)
    if plan.several:
        out.print(t("cli.import.ledger.sheets_read", n=len(plan.parts), sheets="、".join(
            plain(p.table.sheet or "") for p in plan.parts)), markup=False)
    for name, why in plan.skipped_sheets:
        out.print(t("cli.import.ledger.sheet_skipped", sheet=plain(name), reason=plain(why)),
                  markup=False)
    out.print(t("cli.import.ledger.columns"), markup=False)
    unknown = []
    for col in layout.columns:
        if col.how == "empty":
            continue
        if col.field:
            target = field_label(col.field) + f"  [{col.field}]"
            if col.how == "mapping":
                target += t("cli.import.ledger.by_mapping")
            if col.scale != 1:
                target += t("cli.import.ledger.in_wan")
        elif col.how == "ignored":
            target = t("cli.import.ledger.ignored")
        else:
            target = t("cli.import.ledger.unknown" if col.how == "unknown"
                       else "cli.import.ledger.duplicate")
            unknown.append(col.header)
        out.print(f"  {col.letter:>3}  {plain(col.header)}  →  {target}", markup=False)
    if unknown:
        out.print(t("cli.import.ledger.unknown_hint", header=plain(unknown[0])), markup=False)
    if plan.missing:
        out.print(t("cli.import.ledger.missing", fields="、".join(
            field_label(f) for f in plan.missing)), markup=False)
    for key in plan.unmatched_mapping:
        out.print(t("cli.import.ledger.mapping_unmatched", key=plain(key)), markup=False)
    skipped = plan.skipped
    if skipped:
        out.print(t("cli.import.ledger.skipped", empty=skipped.get("empty", 0),
                    summary=skipped.get("summary", 0), header=skipped.get("header", 0)),
                  markup=False)


def print_preview(out: Any, plan: Any, today: Any, limit: int = 5) -> None:
    from mediator.ledger.importer import preview_rows

    out.print(t("cli.import.ledger.preview", n=min(limit, len(plan.rows))), markup=False)
    for p in preview_rows(plan, today, limit):
        out.print("  " + t("cli.import.ledger.preview_at", place=plain(p.place), date=p.date,
                           parties=plain(p.parties), type=plain(p.type), state=p.state),
                  markup=False)
        if p.note:
            out.print("      " + plain(p.note), markup=False)


def print_rejected(out: Any, rejected: list[tuple[str, str]]) -> None:
    """(place, reason) pairs: 第5行 / 「二月」第5行."""
    if not rejected:
        return
    out.print(t("cli.import.ledger.rejected_title", n=len(rejected)), markup=False)
    for where, reason in rejected[:LIST_LIMIT]:
        out.print("  " + t("ledger.reject.at", place=plain(where), reason=plain(reason)),
                  markup=False)
    if len(rejected) > LIST_LIMIT:
        out.print(t("cli.import.ledger.more", n=len(rejected) - LIST_LIMIT), markup=False)


def print_changed(out: Any, report: Any, update: bool = False) -> None:
    """Rows already imported that the ledger now gives differently (with ``--update``: those
    applied, then those the rules did not allow, with the reason), then rows pasted twice."""
    from mediator.ledger.importer import describe_change

    def listing(title: str, rows: list[Any], line: str) -> None:
        if not rows:
            return
        out.print(t(title, n=len(rows)), markup=False)
        for r in rows[:LIST_LIMIT]:
            out.print("  " + t(line, place=plain(report.place(r)), case=plain(r.case_no or ""),
                               changes=plain(describe_change(report, r)),
                               state=r.state.label if r.state else "",
                               reason=plain(r.reason or "")), markup=False)
        if len(rows) > LIST_LIMIT:
            out.print(t("cli.import.ledger.more", n=len(rows) - LIST_LIMIT), markup=False)

    if update:
        dry = report.result.dry_run
        listing("cli.import.ledger.updated_title_dry" if dry else "cli.import.ledger.updated_title",
                report.updated, "cli.import.ledger.updated_row")
        listing("cli.import.ledger.not_updated_title", report.not_updated,
                "cli.import.ledger.not_updated_row")
    else:
        listing("cli.import.ledger.changed_title", report.changed,
                "cli.import.ledger.changed_row")
        if report.changed:
            out.print(t("cli.import.ledger.update_hint"), markup=False)
    if report.duplicates:
        out.print(t("cli.import.ledger.duplicates_title", n=len(report.duplicates)),
                  markup=False)
        for d in report.duplicates[:LIST_LIMIT]:
            out.print("  " + t("cli.import.ledger.duplicate_row",
                               place=plain(report.plan.place(d)),
                               other=plain(d.duplicate_of)), markup=False)
        if len(report.duplicates) > LIST_LIMIT:
            out.print(t("cli.import.ledger.more", n=len(report.duplicates) - LIST_LIMIT),
                      markup=False)


def print_report(out: Any, report: Any, update: bool = False) -> None:
    result = report.result
    key = "cli.import.ledger.summary_dry" if result.dry_run else "cli.import.ledger.summary"
    out.print(t(key, imported=report.imported, existing=report.existing,
                rejected=len(report.rejected), flagged=len(report.flagged),
                seconds=f"{report.seconds:.1f}"), markup=False)
    if update and report.changed:
        out.print(t("cli.import.ledger.summary_update_dry" if result.dry_run
                    else "cli.import.ledger.summary_update", changed=len(report.changed),
                    updated=len(report.updated), refused=len(report.not_updated),
                    duplicates=len(report.duplicates)), markup=False)
    elif report.changed or report.duplicates:
        out.print(t("cli.import.ledger.summary_more", changed=len(report.changed),
                    duplicates=len(report.duplicates)), markup=False)
    if result.new_mediators:
        out.print(t("cli.import.ledger.new_mediators", names="、".join(plain(n) for n in result.new_mediators)),
                  markup=False)
    flagged = report.flagged
    if flagged:
        out.print(t("cli.import.ledger.flagged_title", n=len(flagged)), markup=False)
        for r in flagged[:LIST_LIMIT]:
            out.print("  " + t("cli.import.ledger.flagged_at", place=plain(report.place(r)),
                               case=plain(r.case_no),
                               flags=plain("；".join(r.flags))), markup=False)
        if len(flagged) > LIST_LIMIT:
            out.print(t("cli.import.ledger.more", n=len(flagged) - LIST_LIMIT), markup=False)
    print_changed(out, report, update)
    print_rejected(out, report.rejected_at)
    if report.reject_file is not None and report.reject_moved:
        out.print(t("cli.import.ledger.reject_file_moved", folder=str(report.plan.path.parent),
                    path=str(report.reject_file)), markup=False)
    elif report.reject_file is not None:
        out.print(t("cli.import.ledger.reject_file", path=str(report.reject_file)), markup=False)
    if report.reject_error is not None:
        out.print(t("cli.import.ledger.reject_file_failed", error=report.reject_error),
                  markup=False)
    if report.reject_removed is not None:
        out.print(t("cli.import.ledger.reject_file_removed", path=str(report.reject_removed)),
                  markup=False)
    if result.dry_run:
        out.print(t("cli.import.ledger.dry_run_done"), markup=False)
    elif result.import_id:
        out.print(t("cli.import.ledger.import_id", id=result.import_id[:8]), markup=False)
