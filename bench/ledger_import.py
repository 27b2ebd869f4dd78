"""Ledger import speed: a 10,000-row 台账 (.xlsx, 22 columns, as an office keeps it) into an
empty database. Target: under 10 s on a 2-core machine (issue 7).

    python bench/ledger_import.py [--rows 10000] [--runs 3]
    python bench/ledger_import.py --whole [--rows 10000] [--runs 3]

``--whole`` times the whole command as a clerk runs it (``python -m mediator import ledger``
in a fresh process: interpreter start, imports, reading, inserting, the report), CPU time of
the child process (user + system), for the .xlsx and for the same rows as a GBK .csv (what
Excel on a Chinese Windows saves). Target (issue 16): ≤ 3 s CPU each.

Prints wall and CPU time of the two phases (reading + understanding the file; inserting) and
the total, median of the runs. Each run uses a fresh database; the ledger is built once.
The machine's load is printed too: CPU time is the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力鹏云飞宇浩然晨阳雪梅海波志军春燕小红金凤德明永红"
TYPES = ["邻里纠纷", "婚姻家庭纠纷", "房屋宅基地纠纷", "合同纠纷", "损害赔偿纠纷", "山林土地纠纷",
         "劳动争议", "道路交通事故纠纷", "物业纠纷", "其他纠纷", "宅基地使用权纠纷", "民间借贷"]
RESULTS = ["调解成功", "调解成功", "调解成功", "调解不成功", "", "撤回"]
FACTS = ["因{0}问题发生争执，双方各执一词", "{0}引发矛盾，经村调委会初步调处未果",
         "双方因{0}多次争吵，申请调解", "{0}纠纷，涉及金额较小"]
TOPICS = ["排水沟", "宅基地边界", "赡养费", "借款", "工资结算", "噪音", "树木遮挡", "土地承包",
          "电动车碰擦", "物业费", "家禽啄食庄稼", "装修渗水"]
HEADER = ["案件编号", "受理日期", "申请人", "性别", "身份证号", "联系电话", "住址", "被申请人",
          "被申请人联系电话", "村(居)", "纠纷类型", "纠纷简要情况", "调解员", "调解日期",
          "调解结果", "协议形式", "协议金额", "履行情况", "回访日期", "回访人", "结案日期", "备注"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def resident_id(rng: random.Random) -> str:
    from mediator.core.validate import resident_id_check_char

    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    first17 = "330106" + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first17 + resident_id_check_char(first17)


def build(path: Path, rows: int, seed: int = 7) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(["青石镇人民调解委员会矛盾纠纷调解台账"])
    ws.append(HEADER)
    start = date(2022, 1, 1)
    for i in range(rows):
        reg = start + timedelta(days=i * 1000 // rows)
        result = rng.choice(RESULTS)
        agreed = result == "调解成功"
        closed = reg + timedelta(days=rng.randrange(5, 40)) if result and rng.random() < 0.8 else None
        ws.append([
            f"{reg.year}-{i + 1:05d}", reg, person(rng), rng.choice("男女"), resident_id(rng),
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", f"青石村{rng.randrange(1, 12)}组",
            "、".join(person(rng) for _ in range(rng.choice((1, 1, 2)))),
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            rng.choice(["青石村", "白水村", "青石村委会", "东岭村"]), rng.choice(TYPES),
            rng.choice(FACTS).format(rng.choice(TOPICS)), rng.choice(["王调解", "李调解", "陈调解"]),
            reg + timedelta(days=rng.randrange(1, 5)) if result else None, result,
            rng.choice(["书面", "口头"]) if agreed else None,
            rng.choice([0, 500, 1200, "3,000元", "三千元"]) if agreed else None,
            rng.choice(["已履行", "已履行", "履行中"]) if agreed else None,
            closed - timedelta(days=2) if closed and agreed else None,
            "赵回访" if closed and agreed else None, closed, None])
    wb.save(path)


def to_gbk_csv(xlsx: Path, target: Path) -> None:
    """The same ledger as Excel on a Chinese Windows saves it as CSV: GBK, dates as text."""
    import csv

    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    with open(target, "w", encoding="gbk", newline="") as fh:
        out = csv.writer(fh)
        for row in wb.active.iter_rows(values_only=True):
            out.writerow(["" if v is None else (v.strftime("%Y/%m/%d") if hasattr(v, "strftime")
                                                else v) for v in row])
    wb.close()


def whole_command(ledger: Path, workdir: Path) -> dict[str, float]:
    """One ``mediator import ledger`` in a fresh process: child CPU and wall time."""
    import resource
    import subprocess

    db = workdir / f"whole-{time.monotonic_ns()}" / "m.db"
    env = {**os.environ, "MEDIATOR_HOME": str(workdir / "home")}
    base = [sys.executable, "-m", "mediator", "--db", str(db)]
    subprocess.run([*base, "init", "--office-name", "青石镇人民调解委员会", "--office-code",
                    "330106001"], check=True, env=env, capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    done = subprocess.run([*base, "import", "ledger", str(ledger)], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - w0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def main_whole(rows: int, runs: int) -> int:
    import compileall

    # bytecode as an installed copy has it (see run.compile_package)
    compileall.compile_dir(str(ROOT / "mediator"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        xlsx = work / "台账.xlsx"
        build(xlsx, rows)
        csv_file = work / "台账.csv"
        to_gbk_csv(xlsx, csv_file)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"whole command, {rows} rows, {runs} runs, cpus={os.cpu_count()}, load={load:.1f}")
        for name, path in (("xlsx", xlsx), ("gbk csv", csv_file)):
            results = [whole_command(path, work) for _ in range(runs)]
            cpu = [r["cpu"] for r in results]
            wall = [r["wall"] for r in results]
            print(f"  {name:<8} cpu median {statistics.median(cpu):6.2f} s (min {min(cpu):.2f}, "
                  f"max {max(cpu):.2f})   wall median {statistics.median(wall):6.2f} s   "
                  f"target ≤ 3 s CPU -> "
                  f"{'OK' if statistics.median(cpu) <= 3 else 'MISSED'}")
    return 0


def run_once(ledger: Path, workdir: Path) -> dict[str, float]:
    from mediator.core.db import open_database
    from mediator.core.services import Services
    from mediator.ledger.importer import plan_ledger, run_import

    db = open_database(workdir / f"bench-{time.monotonic_ns()}.db")
    svc = Services(db, "基准测试", today=lambda: date(2026, 11, 23))
    svc.init_office("青石镇人民调解委员会", "青石", "330106001")
    svc.add_village("330106001001", "青石村")
    svc.add_village("330106001002", "白水村")
    svc.add_mediator("王调解")
    w0, c0 = time.perf_counter(), time.process_time()
    plan = plan_ledger(ledger, svc.today())
    w1, c1 = time.perf_counter(), time.process_time()
    report = run_import(plan, svc)
    w2, c2 = time.perf_counter(), time.process_time()
    db.close()
    assert report.imported == len(plan.cases), report.imported
    return {"read_wall": w1 - w0, "read_cpu": c1 - c0, "insert_wall": w2 - w1,
            "insert_cpu": c2 - c1, "total_wall": w2 - w0, "total_cpu": c2 - c0,
            "imported": report.imported}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--whole", action="store_true",
                        help="time the whole command in a fresh process, .xlsx and GBK .csv")
    args = parser.parse_args()
    if args.whole:
        return main_whole(args.rows, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ledger = work / "台账.xlsx"
        build(ledger, args.rows)
        results = [run_once(ledger, work) for _ in range(args.runs)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"ledger import, {args.rows} rows, {args.runs} runs, cpus={os.cpu_count()}, "
          f"load={load:.1f}")
    for key in ("read_wall", "read_cpu", "insert_wall", "insert_cpu", "total_wall", "total_cpu"):
        values = [r[key] for r in results]
        print(f"  {key:<12} median {statistics.median(values):6.2f} s   "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    print(f"  target: total under 10 s -> {'OK' if statistics.median(r['total_wall'] for r in results) < 10 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
