"""The run's JSON, its Markdown table, and the table kept in docs/performance.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "performance.md"
SECTION = "## Сводная таблица (priemnaya bench run)"


def line(row: dict[str, Any]) -> str:
    return (
        f"  {row['id']} {row['name']:<24} ×{row['clients']:<2} {row['rps']:>8.1f} req/s  "
        f"p50 {row['p50_ms']:>8.1f}  p95 {row['p95_ms']:>8.1f}  p99 {row['p99_ms']:>8.1f} ms  "
        f"CPU {row.get('cpu_ms_app', 0):.1f}+{row.get('cpu_ms_db', 0):.1f} ms  "
        f"ошибок {row['failed']}"
    )


def _bare(results: dict[str, Any]) -> float:
    return next((r["rps"] for r in results.get("scenarios", []) if r["name"] == "bare"), 0.0)


def _peer_row(results: dict[str, Any], name: str, clients: int) -> dict[str, Any] | None:
    rows = [r for r in (results.get("peer") or {}).get("scenarios", []) if r["name"] == name]
    exact = [r for r in rows if r["clients"] == clients]
    if exact:
        return exact[0]
    # The peer's slow reads are measured at one client only: compare the one-client row.
    return rows[0] if rows and clients == 1 else None


def _fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def table(results: dict[str, Any]) -> str:
    bare = _bare(results)
    has_peer = bool((results.get("peer") or {}).get("scenarios"))
    head = [
        "",
        "Сценарий",
        "Запрос",
        "Клиенты",
        "req/s",
        "p50, мс",
        "p95, мс",
        "p99, мс",
        "CPU, мс/запрос (прил. + БД)",
        "Доля P6",
    ]
    if has_peer:
        head += ["Пир req/s", "Пир p95, мс", "Приёмная / пир"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results.get("scenarios", []):
        share = f"{r['rps'] / bare:.1%}" if bare else "—"
        cells = [
            r["id"],
            r["name"],
            f"`{r['label']}`",
            str(r["clients"]),
            _fmt(r["rps"]),
            _fmt(r["p50_ms"]),
            _fmt(r["p95_ms"]),
            _fmt(r["p99_ms"]),
            f"{r['cpu_ms_app']:.1f} + {r['cpu_ms_db']:.1f}",
            share,
        ]
        if r["failed"]:
            cells[4] += f" (ошибок {r['failed']})"
        if has_peer:
            peer = _peer_row(results, r["name"], r["clients"])
            if peer and peer["rps"]:
                cells += [
                    _fmt(peer["rps"]),
                    _fmt(peer["p95_ms"]),
                    f"{_fmt(r['rps'] / peer['rps'])}×",
                ]
            else:
                cells += ["", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    for item in results.get("not_measured", []):
        cells = [item["id"], item["name"], item["why"], "", "", "", "", "", "", ""]
        if has_peer:
            peer = _peer_row(results, item["name"], 1)
            cells += [_fmt(peer["rps"]), _fmt(peer["p95_ms"]), "—"] if peer else ["", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def did(found: dict[str, int] | None) -> str:
    """What a sweep pass did, in words."""
    if not found:
        return "пропущен: аренда занята"
    return (
        f"«скоро срок» {found.get('due_soon', 0)}, просрочено {found.get('overdue', 0)}, "
        f"просрочена первая реакция {found.get('first_response_overdue', 0)}, эскалаций "
        f"{found.get('escalated', 0)}"
    )


def summary(results: dict[str, Any]) -> str:
    m = results.get("machine", {})
    g = results.get("generation", {})
    p5 = results.get("p5", {})
    out = [
        f"Дата: {results['date']}; база: {results['database']}"
        + (f" {m.get('postgresql')}" if m.get("postgresql") else "")
        + f"; машина: {m.get('cores')} ядра ({m.get('cpu', '')}), {m.get('ram_gb')} ГБ ОЗУ; "
        f"Python {m.get('python')}; нагрузка: {m.get('load_tool')}; "
        f"{results['seconds_per_scenario']:.0f} с на строку.",
        f"Данные: {g.get('appeals')} обращений, {g.get('events')} событий журнала, "
        f"{g.get('messages')} сообщений, {g.get('answers')} ответов, {g.get('users')} "
        f"заявителей; сгенерированы за {g.get('seconds')} с (seed {g.get('seed')}).",
    ]
    if p5:
        rest = (
            f"до конца просрочки {p5['passes']} проходов за {p5['drain_seconds']} с"
            if p5.get("drained")
            else f"за {p5['passes']} проходов ({p5['drain_seconds']} с): {did(p5['handled'])}; "
            "остальное — следующим проходам"
        )
        out.append(
            f"P5, проход сроков (`appeals_sweep`): первый проход {p5['first_pass_seconds']} с, "
            f"{p5['first_pass_queries']} запросов ({did(p5['first_pass'])}); {rest}; автозакрытие "
            f"{p5['autoclose_seconds']} с ({p5['autoclosed']} закрыто)."
        )
    index = results.get("search_index") or {}
    if words := index.get("words"):
        out.append(
            f"P4, поиск: индекс {index['appeals']} обращений построен за {index['seconds']} с; "
            f"редкое слово «{words['rare']}» (вписано в 20 обращений), частое «{words['common']}» "
            f"(в {words['common_share_in_sample']:.0%} выборки), промах «{words['miss']}»."
        )
    client = [r for r in results.get("scenarios", []) if r.get("client_cpu_ms") is not None]
    if client:
        worst = max(client, key=lambda r: r["client_cpu_ms"] / max(r["cpu_ms_app"], 0.001))
        out.append(
            f"Собственный CPU генератора нагрузки ({client[0]['tool']}) на запрос: "
            + ", ".join(
                f"{r['name']} ×{r['clients']} {r['client_cpu_ms']:.2f} мс (сервер "
                f"{r['cpu_ms_app']:.2f} мс)"
                for r in {id(x): x for x in (client[0], worst)}.values()
            )
            + "."
        )
    intake = [r for r in results.get("scenarios", []) if r["name"] == "intake"]
    if intake and all("cpu_ms_worker" in r for r in intake):
        out.append(
            "CPU фонового воркера (ретрансляция журнала, уведомления) на одно поданное обращение, "
            "сверх колонки «CPU», от начала нагрузки до конца работы, которую она оставила: "
            + ", ".join(
                f"×{r['clients']} {r['cpu_ms_worker']:.1f} мс"
                + (f" (доделал за {r['drain_seconds']:.1f} с)" if "drain_seconds" in r else "")
                for r in intake
            )
            + "."
        )
    if results.get("p5_backlog"):
        out.append(
            "Перед HTTP-сценариями воркер доделал работу, оставленную P5 (события журнала, "
            f"уведомления): {results['p5_backlog']['seconds']:.0f} с; каждый сценарий начинается, "
            "когда воркеру нечего делать."
        )
    if results.get("memory"):
        mem = ", ".join(f"{r['role']} {r['rss_mb']:.0f} МБ" for r in results["memory"])
        out.append(f"Память (RSS после прогона): {mem}.")
    peer = results.get("peer") or {}
    if peer.get("error"):
        out.append(f"Пир: не измерен ({peer['error']}).")
    elif peer:
        mem = ", ".join(f"{r['role']} {r['rss_mb']:.0f} МБ" for r in peer.get("memory", []))
        out.append(
            f"Пир: django-helpdesk 2.6.1, gunicorn ×2, {peer.get('tickets')} заявок; "
            f"память процессов: {mem}."
        )
    return "\n".join(f"- {x}" for x in out)


def markdown(results: dict[str, Any]) -> str:
    return f"{summary(results)}\n\nКоманда: `{results['command'].strip()}`\n\n{table(results)}\n"


def _docs_section(results: dict[str, Any]) -> str:
    return (
        f"{SECTION}\n\n"
        "Последний полный прогон (`priemnaya bench run`; как он устроен — раздел «Набор замеров»); "
        f"JSON: `bench/results/{results['date'][:10]}.json`. Машина общая: рядом работали "
        "другие процессы, поэтому рядом с req/s стоит CPU на запрос.\n\n"
        f"{markdown(results)}\n"
    )


def update_docs(results: dict[str, Any], path: Path = DOCS) -> None:
    text = path.read_text() if path.exists() else "# Производительность\n"
    section = _docs_section(results)
    if SECTION in text:
        start = text.index(SECTION)
        rest = text[start + len(SECTION) :]
        end = rest.find("\n## ")
        tail = rest[end + 1 :] if end >= 0 else ""
        text = text[:start] + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def failures(results: dict[str, Any]) -> list[str]:
    bad = [
        f"{r['id']} {r['name']} ×{r['clients']}: {r['failed']} ошибок {r.get('sample_error', '')}"
        for r in results.get("scenarios", [])
        if r["failed"] or not r["ok"]
    ]
    return bad


def write(results: dict[str, Any], *, out: str, workdir: Path, docs: bool) -> int:
    folder = Path(out) if out else (workdir if results.get("smoke") else ROOT / "bench" / "results")
    folder.mkdir(parents=True, exist_ok=True)
    day = results["date"][:10]
    (folder / f"{day}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    md = markdown(results)
    (folder / f"{day}.md").write_text(md)
    print("\n" + md, flush=True)
    print(f"Записано: {folder / f'{day}.json'}, {folder / f'{day}.md'}", flush=True)
    if docs:
        update_docs(results)
        print(f"Обновлена таблица в {DOCS.relative_to(ROOT)}", flush=True)
    bad = failures(results)
    for item in bad:
        print(f"ОШИБКА: {item}", flush=True)
    return 1 if bad else 0
