"""keys export|trust|list|untrust; sync export|import|conflicts|log."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mediator.cli import Context, console, path_arg
from mediator.core.text import plain
from mediator.i18n import t


def local_time(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:  # type: ignore[no-untyped-def]
    """``core.models.local_time``, imported when used: the bare ``mediator`` builds this
    parser too, and must not import the models before its first frame."""
    from mediator.core.models import local_time as shown

    return shown(moment, fmt)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("keys", parents=[common], help=t("cli.keys.help"))
    ksub = p.add_subparsers(dest="keys_command", required=True)
    k = ksub.add_parser("export", parents=[common], help=t("cli.keys.export_help"))
    k.add_argument("-o", "--output", type=path_arg, help=t("cli.keys.output"))
    k.set_defaults(handler=cmd_keys_export)
    k = ksub.add_parser("trust", parents=[common], help=t("cli.keys.trust_help"))
    k.add_argument("file", type=path_arg, help=t("cli.keys.trust_file"))
    k.add_argument("--fingerprint", help=t("cli.keys.trust_fingerprint"))
    k.set_defaults(handler=cmd_keys_trust)
    k = ksub.add_parser("list", parents=[common], help=t("cli.keys.list_help"))
    k.set_defaults(handler=cmd_keys_list)
    k = ksub.add_parser("untrust", parents=[common], help=t("cli.keys.untrust_help"))
    k.add_argument("fingerprint", help=t("cli.keys.untrust_fingerprint"))
    k.set_defaults(handler=cmd_keys_untrust)

    p = sub.add_parser("sync", parents=[common], help=t("cli.sync.help"))
    ssub = p.add_subparsers(dest="sync_command", required=True)
    s = ssub.add_parser("export", parents=[common], help=t("cli.sync.export_help"))
    s.add_argument("--to", metavar="CODE", help=t("cli.sync.to"))
    s.add_argument("-o", "--output", type=path_arg, help=t("cli.sync.output"))
    s.add_argument("--plain", action="store_true", help=t("cli.sync.plain"))
    s.add_argument("--down", nargs="+", metavar="CODE", help=t("cli.sync.down"))
    s.set_defaults(handler=cmd_sync_export)
    s = ssub.add_parser("import", parents=[common], help=t("cli.sync.import_help"))
    s.add_argument("files", nargs="+", type=path_arg, metavar="FILE", help=t("cli.sync.files"))
    s.set_defaults(handler=cmd_sync_import)
    s = ssub.add_parser("conflicts", parents=[common], help=t("cli.sync.conflicts_help"))
    s.add_argument("--all", action="store_true", help=t("cli.sync.conflicts_all"))
    s.add_argument("--resolve", metavar="ID", help=t("cli.sync.conflicts_resolve"))
    s.set_defaults(handler=cmd_sync_conflicts)
    s = ssub.add_parser("sent", parents=[common], help=t("cli.sync.sent_help"))
    s.set_defaults(handler=cmd_sync_sent)
    s = ssub.add_parser("log", parents=[common], help=t("cli.sync.log_help"))
    s.add_argument("--limit", type=int, default=50, help=t("cli.sync.log_limit"))
    s.set_defaults(handler=cmd_sync_log)


def _sync(ctx: Context, db: Any):  # type: ignore[no-untyped-def]
    from mediator.sync.service import SyncService

    return SyncService(ctx.services(db), ctx.paths)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


# --- keys ------------------------------------------------------------------------------------


def cmd_keys_export(ctx: Context) -> int:
    from mediator.sync.keys import format_fingerprint

    with ctx.open_db(create=False, backup=False) as db:
        sync = _sync(ctx, db)
        target = sync.write_public_key(ctx.args.output)
        fp = sync.keys().fingerprint
    out = console()
    out.print(t("cli.keys.exported", path=str(target)), markup=False)
    out.print(t("cli.keys.fingerprint", fingerprint=format_fingerprint(fp)), markup=False)
    out.print(t("cli.keys.compare_hint"), markup=False)
    return 0


def cmd_keys_trust(ctx: Context) -> int:
    from mediator.sync.keys import format_fingerprint

    with ctx.open_db(create=False, backup=False) as db:
        result = _sync(ctx, db).trust(ctx.args.file, ctx.args.fingerprint)
    out = console()
    key = result.key
    msg = "cli.keys.trusted" if result.added else "cli.keys.already_trusted"
    out.print(t(msg, name=plain(key.office_name), code=key.office_code), markup=False)
    out.print(t("cli.keys.fingerprint", fingerprint=format_fingerprint(key.fingerprint)),
              markup=False)
    if ctx.args.fingerprint is None:
        out.print(t("cli.keys.compare_hint"), markup=False)
    for other in result.others:
        out.print(t("cli.keys.other_key", fingerprint=format_fingerprint(other)), markup=False)
    return 0


def cmd_keys_list(ctx: Context) -> int:
    from mediator.sync.keys import format_fingerprint

    with ctx.open_db(create=False, backup=False) as db:
        sync = _sync(ctx, db)
        office = sync.office()
        keys = sync.keys()
        rows = sync.trusted(include_revoked=True)
    out = console()
    out.print(t("cli.keys.own", name=plain(office.name), code=office.code), markup=False)
    out.print("  " + t("cli.keys.fingerprint", fingerprint=format_fingerprint(keys.fingerprint)),
              markup=False)
    out.print("  " + t("cli.keys.private_at", path=str(keys.path)), markup=False)
    if not rows:
        out.print(t("cli.keys.none_trusted"), markup=False)
        return 0
    out.print(t("cli.keys.trusted_header"), markup=False)
    for r in rows:
        line = t("cli.keys.trusted_row", code=r.office_code, name=plain(r.office_name),
                 fingerprint=format_fingerprint(r.fingerprint),
                 added=local_time(r.added_at, "%Y-%m-%d"), by=plain(r.added_by))
        if r.revoked_at is not None:
            line += " " + t("cli.keys.revoked", at=local_time(r.revoked_at, "%Y-%m-%d"))
        out.print("  " + line, markup=False)
    return 0


def cmd_keys_untrust(ctx: Context) -> int:
    with ctx.open_db(create=False, backup=False) as db:
        row = _sync(ctx, db).revoke(ctx.args.fingerprint)
    console().print(t("cli.keys.untrusted", name=plain(row.office_name), code=row.office_code),
                    markup=False)
    return 0


# --- sync ------------------------------------------------------------------------------------


def cmd_sync_export_down(ctx: Context) -> int:
    """下发 (issue 22): one downward package per township named."""
    out = console()
    with ctx.open_db(create=False) as db:
        results = _sync(ctx, db).export_down(ctx.args.down, ctx.args.output)
    for r in results:
        out.print(t("down.exported", name=r.name, code=r.recipient_code), markup=False)
        if r.copied:
            out.print(t("cli.sync.written", path=str(r.path)), markup=False)
    if any(r.copied for r in results):
        out.print(t("sync.safe_to_remove"), markup=False)
    return 0


def cmd_sync_export(ctx: Context) -> int:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    if ctx.args.down:
        return cmd_sync_export_down(ctx)
    out = console()
    with ctx.open_db(create=False) as db:
        sync = _sync(ctx, db)
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                      console=console(stderr=True), transient=True) as bar:
            task = bar.add_task(t("sync.stage.snapshot"), total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=t(f"sync.stage.{stage}"), completed=done,
                           total=total if stage != "snapshot" else None)

            result = sync.export(ctx.args.to, ctx.args.output, ctx.args.plain, progress)
    key = "cli.sync.exported_plain" if not result.encrypted else "cli.sync.exported"
    out.print(t(key, name=result.name, cases=result.cases, to=result.recipient_name,
                code=result.recipient_code, size=_size(result.size)), markup=False)
    if result.copied:
        out.print(t("cli.sync.written", path=str(result.path)), markup=False)
    out.print(t("cli.sync.outbox_copy", path=str(result.outbox_path)), markup=False)
    if result.copied:
        out.print(t("sync.safe_to_remove"), markup=False)
    return 0


def expand_files(paths: list[Path]) -> list[Path]:
    """Folders stand for the packages in them (a USB stick's root, say)."""
    from mediator.sync.export import SUFFIX

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(x for x in p.iterdir() if x.suffix == SUFFIX and x.is_file())
        else:
            files.append(p)
    return files


def report_lines(report: Any) -> list[str]:
    from mediator.sync.importer import IMPORTED, REFUSED

    lines = []
    if report.status == IMPORTED:
        c = report.counts
        lines.append(t("sync.report.counts", new=c.new, updated=c.updated, unchanged=c.unchanged,
                       older=c.older, conflicts=c.conflicts, rejected=c.rejected,
                       cases=report.cases_changed, seconds=f"{report.seconds:.1f}"))
        if c.conflicts:
            lines.append(t("sync.report.see_conflicts"))
    else:
        lines.append(plain(report.message))
        if report.status == REFUSED:
            lines += [f"- {plain(d)}" for d in report.details[:10]]
            if report.status == REFUSED:
                lines.append(t("sync.report.nothing_changed"))
    return lines


def cmd_sync_import(ctx: Context) -> int:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from mediator.sync.importer import IMPORTED, exit_code
    from mediator.sync.importer import Progress as ImportProgress
    from mediator.sync.merge import Counts

    files = expand_files(ctx.args.files)
    out = console()
    if not files:
        console(stderr=True).print(t("sync.no_files"), markup=False)
        return 4
    with ctx.open_db(create=False) as db:
        sync = _sync(ctx, db)
        # one console for the bar and the reports, so they interleave cleanly on a terminal;
        # when stdout is not a terminal the transient bar draws nothing
        bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TaskProgressColumn(),
                       console=out, transient=True)

        class CliProgress(ImportProgress):
            task = None

            def start(self, total_units: int, files: int) -> None:
                self.task = bar.add_task("", total=total_units)
                self.n = files

            def file(self, index: int, path: Path) -> None:
                self.prefix = f"[{index + 1}/{self.n}] {plain(path.name)}"
                bar.update(self.task, description=self.prefix)

            def stage(self, text: str) -> None:
                bar.update(self.task, description=f"{self.prefix} {text}")

            def advance(self, units: int) -> None:
                bar.advance(self.task, units)

            def done(self, report: Any) -> None:
                # sender_code is set only once the signature and the trust are verified
                who = (t("sync.report.sender", name=plain(report.sender_name),
                         code=report.sender_code)
                       if report.sender_code else "")
                bar.console.print(f"{self.prefix} {who}".rstrip(), markup=False,
                                  highlight=False)
                for line in report_lines(report):
                    bar.console.print("  " + line, markup=False, highlight=False)

        with bar:
            reports = sync.import_files(files, CliProgress())
        if any(r.status == IMPORTED for r in reports):
            # the search entries of the cases the merges touched (new or changed), left for
            # after their commits (issue 21); searches find those cases meanwhile, and the
            # TUI would build them; one probe when none is waiting
            with out.status(t("sync.stage.search_index")):
                # fewer, larger transactions than the TUI's background worker (~1 s each)
                sync.services.index_pending_cases(chunk=5000)
    if len(reports) > 1:
        total = Counts()
        for r in reports:
            if r.status == IMPORTED:
                total.add(r.counts)
        ok = sum(1 for r in reports if r.ok)
        out.print(t("sync.report.total", files=len(reports), ok=ok, refused=len(reports) - ok,
                    new=total.new, updated=total.updated, unchanged=total.unchanged,
                    older=total.older, conflicts=total.conflicts), markup=False)
    return exit_code(reports)


def cmd_sync_conflicts(ctx: Context) -> int:
    out = console()
    with ctx.open_db(create=False, backup=False) as db:
        sync = _sync(ctx, db)
        if ctx.args.resolve:
            row = sync.resolve_conflict(ctx.args.resolve)
            out.print(t("sync.conflict.resolved", id=row.id[:8]), markup=False)
            return 0
        rows = sync.conflicts(include_resolved=ctx.args.all)
    if not rows:
        out.print(t("sync.conflict.none"), markup=False)
        return 0
    from mediator.sync.views import conflict_summary

    for r in rows:
        v = conflict_summary(r)
        out.print(t("sync.conflict.row", id=r.id[:8], kind=v.kind, table=v.table,
                    label=plain(v.label), owner=plain(r.owner_code), revision=r.revision,
                    at=local_time(r.detected_at)), markup=False)
        for line in v.differences[:8]:
            out.print("    " + plain(line), markup=False)
        if r.resolved_at is not None:
            out.print("    " + t("sync.conflict.resolved_by", by=plain(r.resolved_by),
                                  at=local_time(r.resolved_at, "%Y-%m-%d")), markup=False)
    return 0


def cmd_sync_log(ctx: Context) -> int:
    out = console()
    with ctx.open_db(create=False, backup=False) as db:
        rows = _sync(ctx, db).import_log(limit=max(1, ctx.args.limit))
    if not rows:
        out.print(t("sync.log.none"), markup=False)
        return 0
    for r in rows:
        out.print(t("sync.log.row", at=local_time(r.imported_at),
                    name=plain(r.sender_name), code=plain(r.sender_code), week=plain(r.week),
                    file=plain(r.file_name),
                    new=r.new_rows, updated=r.updated_rows, unchanged=r.unchanged_rows,
                    older=r.older_rows, conflicts=r.conflict_rows, by=plain(r.imported_by)),
                  markup=False)
    return 0


def cmd_sync_sent(ctx: Context) -> int:
    """回执 (issue 22): which of this office's packages the office above has imported."""
    with ctx.open_db(create=False, backup=False) as db:
        sent = _sync(ctx, db).sent_packages()
    out = console()
    if not sent:
        out.print(t("cli.sync.sent_none"), markup=False)
    for p in sent:
        if p.received_at is None:
            out.print(t("cli.sync.sent_pending", name=p.name), markup=False)
        else:
            out.print(t("cli.sync.sent_received", name=p.name,
                        at=local_time(p.received_at, "%Y-%m-%d %H:%M")), markup=False)
    return 0
